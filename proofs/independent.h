// proofs/independent.h — decides obligations P01-P09 without Z3.
//
// Deliberately naive and different from the Z3 encodings: all pairs instead of sorting,
// bitmaps for ports and IRQs, 128-bit sums, a plain fixed point for flows. The tests require
// it to agree with prover.h on every corpus policy and on randomly generated models, which
// keeps the C++ part of the Z3 encodings (sorting, grouping, path reading) honest.
#ifndef SEPTUM_PROOFS_INDEPENDENT_H_
#define SEPTUM_PROOFS_INDEPENDENT_H_

#include <vector>

#include "policy/model.h"

namespace septum::proofs {

// holds[i] for obligation i of the catalogue (P01 = 0 ... P09 = 8).
std::vector<bool> CheckIndependently(const policy::System& system);

}  // namespace septum::proofs

#endif  // SEPTUM_PROOFS_INDEPENDENT_H_
