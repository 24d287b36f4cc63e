// policy/frontend.h — the whole front end in one call: read, lex, parse, resolve, place, check.
//
//   CheckOutcome out = CheckPolicyFile("demo.policy");
//   if (out.io_error.empty() && out.accepted()) Use(*out.system);
//
// Any byte sequence gives either a model or diagnostics (never a crash or a hang): the file is
// size-checked before it is read, validated as UTF-8 without NUL bytes before it is lexed, and
// every later phase is linear or n log n in the input.
#ifndef SEPTUM_POLICY_FRONTEND_H_
#define SEPTUM_POLICY_FRONTEND_H_

#include <memory>
#include <optional>
#include <string>

#include "policy/diagnostics.h"
#include "policy/model.h"
#include "policy/source.h"

namespace septum::policy {

struct CheckOutcome {
  std::string io_error;                 // non-empty: the file could not be read (exit 2)
  std::unique_ptr<SourceFile> source;   // what the diagnostics point into
  Diagnostics diags;
  std::optional<System> system;         // set when there is no error
  // The resolved and placed model, also when the policy is rejected for what the proofs
  // decide (overlaps, ownership, schedule, rights, flows): the proofs run over it.
  std::optional<System> model;

  bool accepted() const { return io_error.empty() && !diags.has_errors() && system.has_value(); }
};

CheckOutcome CheckPolicyFile(const std::string& path);
CheckOutcome CheckPolicyText(const std::string& path, std::string text);

// "3 domains, 3 regions, 3 devices, 1 channel, 2 CPUs"
std::string Summary(const System& system);

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_FRONTEND_H_
