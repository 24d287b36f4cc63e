// proofs/z3_engine.cc — see z3_engine.h.
#include "proofs/z3_engine.h"

#include <algorithm>

namespace septum::proofs {

uint64_t RlimitCount(const z3::solver& s) {
  const z3::stats st = s.statistics();
  for (unsigned i = 0; i < st.size(); ++i) {
    if (st.key(i) == "rlimit count") return static_cast<uint64_t>(st.is_uint(i) ? st.uint_value(i) : st.double_value(i));
  }
  return 0;
}

bool Z3Engine::SetGlobalParameters() {
  // A function-local static: set once, thread-safely, however many engines are made.
  static const bool kSet = [] {
    z3::set_param("parallel.enable", false);
    return true;
  }();
  return kSet;
}

Z3Engine::Z3Engine(const Z3Limits& limits) : limits_(limits) {}

z3::solver Z3Engine::NewSolver() {
  z3::solver s(ctx_, "QF_LIA");
  z3::params p(ctx_);
  p.set("rlimit", static_cast<unsigned>(std::min<uint64_t>(limits_.rlimit, 0xffffffffu)));
  p.set("random_seed", limits_.seed);
  s.set(p);
  return s;
}

Z3Answer Z3Engine::Check(z3::solver& s, uint64_t baseline) {
  Z3Answer a;
  a.result = s.check();
  a.rlimit = RlimitCount(s) - baseline;
  if (a.result == z3::unknown) a.reason = s.reason_unknown();
  return a;
}

Z3Answer Z3Engine::Decide(const std::function<z3::expr()>& build, bool shared, const std::function<void(const z3::model&)>& on_model) {
  if (shared && !shared_) shared_.emplace(NewSolver());
  std::optional<z3::solver> own;
  if (!shared) own.emplace(NewSolver());
  z3::solver& s = shared ? *shared_ : *own;
  const uint64_t baseline = shared ? RlimitCount(s) : 0;
  if (shared) s.push();
  s.add(build());
  const Z3Answer a = Check(s, baseline);
  if (a.result == z3::sat && on_model) on_model(s.get_model());
  if (shared) s.pop();
  return a;
}

bool Charge(const Z3Answer& answer, ObligationResult* r, bool failure_stands) {
  r->rlimit += answer.rlimit;
  if (answer.result == z3::unknown) {
    if (!failure_stands || r->verdict != Verdict::kFailed) r->verdict = Verdict::kUnknown;
    r->unknown_reason = answer.reason;
  }
  return answer.result == z3::sat;
}

}  // namespace septum::proofs
