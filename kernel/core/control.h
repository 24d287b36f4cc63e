// kernel/core/control.h — the control hypercalls: what a control domain (Dom0) may do to other
// domains, exactly as its control-rights row in the tables says.
//
// Decoding is pure and in two stages: AuthorizeControl — the caller's `control` group, a target
// index inside the domain table, the right the call needs in the caller's row for that target
// (tables::ControlRight, sorted by holder and target) — refusals counted as denied; then
// CheckControlArguments — the target's state, and for domain_query a buffer the caller may
// write — refusals counted as failed.
// PerformControl changes the target's run-time state; starting is left to the run loop
// (DomainStatus::kStarting: it zeroes the target's memory and loads its image). A denied call
// changes nothing but the caller's `denied` counter. Host-tested (control_test).
#ifndef SEPTUM_KERNEL_CORE_CONTROL_H_
#define SEPTUM_KERNEL_CORE_CONTROL_H_

#include <stdint.h>

#include "kernel/abi/hypercall.h"
#include "kernel/abi/tables.h"
#include "kernel/core/dispatch.h"
#include "kernel/lib/span.h"

namespace septum {

// The whole system as the control and channel calls see it: every domain's record and run-time
// state (same index), the control-rights table, the channels and their doorbells.
struct SystemView {
  Span<const tables::DomainRecord> records;
  Span<DomainRuntime> runtime;
  Span<const tables::ControlRight> rights;
  Span<const tables::ChannelRecord> channels;
  Span<uint64_t> doorbells;     // per channel: rings not yet collected by a wait
  uint32_t pending_starts = 0;  // domains set to kStarting since the run loop last looked
};

struct ControlRequest {
  hypercall::Number number = hypercall::Number::kDomainQuery;
  uint32_t target = 0;
  uint64_t buffer = 0;  // domain_query: guest-physical, sizeof(DomainQuery) bytes
};

// The rights `holder` has over `target` (0 if none).
uint32_t RightsOver(Span<const tables::ControlRight> rights, uint32_t holder, uint32_t target);

// The state a query reports.
hypercall::DomainState StateOf(const DomainRuntime& runtime);

Result<ControlRequest> AuthorizeControl(const DomainContext& caller, const SystemView& system, const HypercallArgs& args);
Result<ControlRequest> CheckControlArguments(const DomainContext& caller, const SystemView& system, const HypercallArgs& args,
                                             const ControlRequest& authorized);
Result<uint64_t> PerformControl(const DomainContext& caller, SystemView& system, const ControlRequest& request);

// Decodes, performs and counts one control call (its number is a control number).
HypercallResult HandleControl(const DomainContext& caller, SystemView& system, const HypercallArgs& args, DomainCounters& counters);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_CONTROL_H_
