// proofs/obligations.h — the proof obligations over the policy model (PROOFS.md, invariants
// 1-9), their results, and the two deciders: Z3 (prover.h) and the independent checker
// (independent.h), which must agree.
#ifndef SEPTUM_PROOFS_OBLIGATIONS_H_
#define SEPTUM_PROOFS_OBLIGATIONS_H_

#include <string>
#include <vector>

#include "policy/model.h"

namespace septum::proofs {

struct ObligationInfo {
  const char* id;         // stable: "P01-phys-disjoint"
  const char* statement;  // one sentence, printed with every verdict
  const char* anchor;     // where the invariant comes from
};

// The catalogue, in order P01..P09.
const std::vector<ObligationInfo>& Catalogue();

enum class Verdict { kProven, kFailed, kUnknown };
const char* VerdictName(Verdict v);  // "proven", "FAILED", "UNKNOWN"

// One concrete breach, in policy terms: a sentence with the witness, and the policy places
// involved (the first is the primary location).
struct Counterexample {
  struct Place {
    policy::Span where;
    std::string what;
  };
  std::string message;
  std::vector<Place> places;
};

struct ObligationResult {
  const ObligationInfo* info = nullptr;
  Verdict verdict = Verdict::kUnknown;
  bool vacuous = false;        // the premises are unsatisfiable: the proof says nothing
  std::string vacuity_note;    // why, when vacuous
  std::vector<Counterexample> counterexamples;  // when failed (at most kMaxCounterexamples)
  std::string unknown_reason;  // when unknown: Z3's reason (resource limit, ...)
  double seconds = 0;
  uint64_t rlimit = 0;         // Z3 resource units spent (deterministic)
};

inline constexpr size_t kMaxCounterexamples = 8;

}  // namespace septum::proofs

#endif  // SEPTUM_PROOFS_OBLIGATIONS_H_
