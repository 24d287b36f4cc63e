// kernel/core/control.h — the control hypercalls: what a control domain (Dom0) may do to other
// domains, exactly as its control-rights row in the tables says.
//
// Decoding is pure and in two stages: AuthorizeControl — the caller's `control` group, a target
// index inside the domain table, the right the call needs in the caller's row for that target
// (tables::ControlRight, sorted by holder and target) — refusals counted as denied; then
// CheckControlArguments — the target's state, and for domain_query a buffer the caller may
// write — refusals counted as failed.
// PerformControl changes the target's run-time state and kicks the target's CPU (System::Kick);
// starting is
// left to the scheduler (DomainStatus::kStarting: the target's CPU zeroes its memory and loads
// its image in its next slot). A denied call changes nothing but the caller's `denied`
// counter. HandleControl holds system.lock throughout. Host-tested (control_test).
#ifndef SEPTUM_KERNEL_CORE_CONTROL_H_
#define SEPTUM_KERNEL_CORE_CONTROL_H_

#include <stdint.h>

#include "kernel/abi/hypercall.h"
#include "kernel/abi/tables.h"
#include "kernel/core/system.h"
#include "kernel/lib/span.h"

namespace septum {

struct ControlRequest {
  hypercall::Number number = hypercall::Number::kDomainQuery;
  uint32_t target = 0;
  uint64_t buffer = 0;  // domain_query: guest-physical, sizeof(DomainQuery) bytes
};

// The rights `holder` has over `target` (0 if none).
uint32_t RightsOver(Span<const tables::ControlRight> rights, uint32_t holder, uint32_t target);

// The state a query reports.
hypercall::DomainState StateOf(const Domain& domain);

Result<ControlRequest> AuthorizeControl(const Domain& caller, const System& system, const HypercallArgs& args);
Result<ControlRequest> CheckControlArguments(const Domain& caller, const System& system, const HypercallArgs& args,
                                             const ControlRequest& authorized);
Result<uint64_t> PerformControl(const Domain& caller, System& system, const ControlRequest& request);

// irq_ack(irq): performed (AckRoute) if the caller owns a route of `irq`; else denied and
// counted. Needs no hypercall group.
HypercallResult HandleIrqAck(Domain& caller, System& system, const HypercallArgs& args);

// Decodes, performs and counts one control call (its number is a control number), holding
// system.lock.
HypercallResult HandleControl(Domain& caller, System& system, const HypercallArgs& args);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_CONTROL_H_
