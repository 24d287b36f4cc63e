// policy/fuzz/policy_fuzzer.cc — libFuzzer target for the whole policy front end.
//
// Any byte sequence must give a model or diagnostics: no crash, no sanitizer report, no hang
// (libFuzzer's -timeout), no unbounded memory (-rss_limit_mb). Each input also goes through
// the text renderer and, when accepted, the model printer, which read every location and name.
#include <cstddef>
#include <cstdint>
#include <string>

#include "policy/frontend.h"
#include "policy/print_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace septum::policy;
  CheckOutcome out = CheckPolicyText("fuzz.policy", std::string(reinterpret_cast<const char*>(data), size));
  const std::string text = RenderText(*out.source, out.diags);
  if (out.accepted()) {
    const std::string model = ModelText(*out.system);
    if (model.empty()) __builtin_trap();
  } else if (text.empty()) {
    __builtin_trap();  // rejected without a word
  }
  return 0;
}
