// proofs/testing/random_model.h — random system models, valid or with injected breaches, for
// the agreement test of the Z3 prover and the independent checker.
#ifndef SEPTUM_PROOFS_TESTING_RANDOM_MODEL_H_
#define SEPTUM_PROOFS_TESTING_RANDOM_MODEL_H_

#include <cstdint>

#include "policy/model.h"

namespace septum::proofs::testing {

// A small random system (2-6 domains). With `breaches`, each isolation property is broken
// with some probability (overlaps, memory outside RAM, kernel memory mapped, misaligned or
// overlapping guest mappings, shared ports/IRQs/PCI/MMIO, second owners, unconfined DMA,
// unbalanced or mis-pinned schedules, rights over self or the kernel, flows against
// assertions); without, it satisfies every obligation.
policy::System RandomModel(uint64_t seed, bool breaches);

}  // namespace septum::proofs::testing

#endif  // SEPTUM_PROOFS_TESTING_RANDOM_MODEL_H_
