// proofs/z3_engine.h — the one Z3 set-up of the proofs: the model proofs P01-P09 (prover.cc)
// and the translation validation P10-P16 (tv/) decide every query through a Z3Engine.
//
// It owns a Z3 context, makes the solvers (logic QF_LIA: every encoding is linear integer
// arithmetic over booleans; a resource limit, `rlimit`, and a fixed random seed), runs the
// checks and reads Z3's rlimit counter, and charges each answer to an obligation's result.
//
// Invariant: verdicts are deterministic and an undecided query is never a pass. Every solver
// has the engine's rlimit and seed, Z3 runs single-threaded (the process-wide parameter
// `parallel.enable` is false, set once before the first engine's context exists), and an
// `unknown` answer makes the obligation Verdict::kUnknown (or leaves it kFailed), with Z3's
// reason.
//
//   Z3Engine z3;  // Z3Limits{}: rlimit 50,000,000, seed 0
//   const z3::expr x = z3.ctx().int_const("x");
//   const Z3Answer a = z3.Decide([&] { return x > 0 && x < 2; }, /*shared=*/false, [&](const z3::model& m) { ... });
//   if (Charge(a, &result)) { /* sat: report the witness */ }
#ifndef SEPTUM_PROOFS_Z3_ENGINE_H_
#define SEPTUM_PROOFS_Z3_ENGINE_H_

#include <z3++.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "proofs/obligations.h"

namespace septum::proofs {

struct Z3Limits {
  uint64_t rlimit = 50'000'000;  // Z3 resource units per check (at most 2^32 - 1 is passed on)
  unsigned seed = 0;             // Z3's random_seed
};

// One check's answer.
struct Z3Answer {
  z3::check_result result = z3::unknown;
  std::string reason;   // Z3's reason when unknown
  uint64_t rlimit = 0;  // RlimitCount after the check, less the caller's baseline
};

// Z3's resource counter as `s`'s statistics report it ("rlimit count"). Z3 keeps it per
// context, not per solver: it includes every earlier check in the same context.
uint64_t RlimitCount(const z3::solver& s);

class Z3Engine {
 public:
  explicit Z3Engine(const Z3Limits& limits = {});
  Z3Engine(const Z3Engine&) = delete;
  Z3Engine& operator=(const Z3Engine&) = delete;

  z3::context& ctx() { return ctx_; }

  // A fresh solver: QF_LIA, the engine's rlimit and seed.
  z3::solver NewSolver();

  // Checks `s`. The answer's rlimit is RlimitCount(s) after the check less `baseline` (with
  // baseline 0, the context's count so far, this check's and the earlier ones').
  Z3Answer Check(z3::solver& s, uint64_t baseline = 0);

  // Decides the formula `build` returns, alone, in a fresh solver or, when `shared`, inside
  // push/pop on the one solver this engine keeps for small queries (creating a solver costs
  // ~1 ms, a small incremental check ~0.04 ms; PROOFS.md measured a fresh solver faster for
  // large one-shot queries). `build` runs once the solver is made and the scope pushed: the
  // order in which terms are made steers Z3's search, so it stays fixed. When Z3 answers sat,
  // `on_model` reads the model before the scope is popped. The rlimit is the count after a
  // fresh solver's check (baseline 0), or what the count grew by in the shared solver's check.
  Z3Answer Decide(const std::function<z3::expr()>& build, bool shared,
                  const std::function<void(const z3::model&)>& on_model = nullptr);

 private:
  static bool SetGlobalParameters();  // once per process; true

  Z3Limits limits_;
  bool global_parameters_set_ = SetGlobalParameters();  // before ctx_ is made
  z3::context ctx_;
  std::optional<z3::solver> shared_;
};

// Charges `answer` to `r`: adds its rlimit; when Z3 gave up, records its reason and
// makes the verdict kUnknown (an undecided proof is a failure), except that with
// `failure_stands` a verdict already kFailed stays kFailed (the translation validation keeps
// the breach it has found). Returns true iff Z3 answered sat: unsat and unknown both end the
// caller's search; what sat means (a counterexample, or a premise that holds) is the caller's.
bool Charge(const Z3Answer& answer, ObligationResult* r, bool failure_stands = false);

}  // namespace septum::proofs

#endif  // SEPTUM_PROOFS_Z3_ENGINE_H_
