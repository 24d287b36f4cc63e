// policy/resolve.h — from syntax to the system model: names, references, values, units,
// alignment and well-formedness (POLICY_LANGUAGE.md "Rejected", the front end's part).
#ifndef SEPTUM_POLICY_RESOLVE_H_
#define SEPTUM_POLICY_RESOLVE_H_

#include <optional>

#include "policy/ast.h"
#include "policy/diagnostics.h"
#include "policy/model.h"
#include "policy/source.h"

namespace septum::policy {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kLargePageSize = 2u << 20;
inline constexpr uint64_t kMaxHostAddress = uint64_t{1} << 52;   // MAXPHYADDR limit (SDM/APM)
inline constexpr uint64_t kMaxGuestAddress = uint64_t{1} << 48;  // 4-level NPT/EPT

Span ToSpan(const Loc& loc);
Loc ToLoc(const Span& span);

// Builds the model. Elements with errors are still present where later checks can use them,
// with unusable values zeroed (a range of size 0 is skipped by every later check). Returns
// nullopt only when the file has no system at all.
std::optional<System> Resolve(const ast::File& file, const SourceFile& source, Diagnostics* diags);

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_RESOLVE_H_
