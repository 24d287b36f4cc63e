// proofs/prover.h — proves obligations P01-P09 with Z3 over the policy model.
//
// Each obligation is a universally quantified statement ("for every host-physical address
// ..."). Z3 refutes its negation over symbolic addresses, ports, IRQs, devices or domains;
// when the negation is satisfiable, the model is the counterexample, reported in policy terms.
// Encodings follow PROOFS.md's measurements: C++ sorts, Z3 proves sortedness plus disjointness
// of each range from the furthest-reaching earlier one (which imply all pairs), and a failure
// gets its witness address from a symbolic query over the two ranges. Values are mathematical
// integers (QF_LIA), so nothing wraps at 2^64. A `no flow` assertion is proven with a
// certificate (the set reached from its source, which Z3 checks is closed and excludes the
// target); when the certificate fails, Z3 searches the path itself with ranked reachability.
// Every query runs in a fresh solver of a Z3Engine (z3_engine.h, shared with the translation
// validation) with a resource limit (`rlimit`) and a fixed seed, so verdicts and witnesses
// are deterministic, and `unknown` is a failure (Verdict::kUnknown), never a pass. The
// sorting and grouping done in C++ is cross-checked by the independent checker
// (independent.h) in the tests.
#ifndef SEPTUM_PROOFS_PROVER_H_
#define SEPTUM_PROOFS_PROVER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "policy/model.h"
#include "proofs/obligations.h"

namespace septum::proofs {

struct ProverOptions {
  uint64_t rlimit = 50'000'000;  // Z3 resource units per query
  unsigned seed = 0;
};

// Proves every obligation; results in catalogue order.
std::vector<ObligationResult> ProveAll(const policy::System& system, const ProverOptions& options = {});

// Proves obligation `index` of the catalogue only (0 = P01 ... 8 = P09).
ObligationResult ProveOne(const policy::System& system, size_t index, const ProverOptions& options = {});

// "4.8.12.0"
std::string Z3Version();

}  // namespace septum::proofs

#endif  // SEPTUM_PROOFS_PROVER_H_
