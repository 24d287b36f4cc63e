// kernel/core/control.h — the control hypercalls: what a control domain (Dom0) may do to other
// domains, exactly as its control-rights row in the tables says.
//
// Decoding is pure and in two stages: AuthorizeControl — the caller's `control` group, a target
// index inside the domain table, the right the call needs in the caller's row for that target
// (tables::ControlRight, sorted by holder and target) — refusals counted as denied; then
// CheckControlArguments — the target's state, and for domain_query a buffer the caller may
// write — refusals counted as failed.
// PerformControl changes the target's run-time state and kicks the target's CPU; starting is
// left to the run loop (DomainStatus::kStarting: the target's CPU zeroes its memory and loads
// its image in its next slot). A denied call changes nothing but the caller's `denied`
// counter. HandleControl holds system.lock throughout. Host-tested (control_test).
#ifndef SEPTUM_KERNEL_CORE_CONTROL_H_
#define SEPTUM_KERNEL_CORE_CONTROL_H_

#include <stdint.h>

#include "kernel/abi/hypercall.h"
#include "kernel/abi/tables.h"
#include "kernel/core/dispatch.h"
#include "kernel/core/irq.h"
#include "kernel/lib/span.h"
#include "kernel/lib/spinlock.h"

namespace septum {

// The whole system as the control and channel calls see it: every domain's record and run-time
// state (same index), the control-rights table, the channels and their doorbells.
//
// The CPUs share it. `lock` guards every domain's status and wait, the doorbells, and whatever
// the run loop keeps beside them (which CPU runs or idles in which domain's slot): the control
// and channel calls hold it while they decide and act, the run loop while it decides what a
// slot runs. `kick` (set by the kernel; called with the lock held) tells the CPU that runs
// `domain` now, or idles in its slot, to look again at once: the domain was stopped, paused,
// resumed or started, or the doorbell it waits for rang. It reaches no other CPU.
struct SystemView {
  Span<const tables::DomainRecord> records;
  Span<DomainRuntime> runtime;
  Span<const tables::ControlRight> rights;
  Span<const tables::ChannelRecord> channels;
  Span<uint64_t> doorbells;     // per channel: rings not yet collected by a wait
  Span<const tables::IrqRoute> irq_routes;
  SpinLock lock;
  void (*kick)(void* context, uint32_t domain) = nullptr;
  void (*ack)(void* context, uint32_t route) = nullptr;  // irq_ack: unmask the route's line
  void* context = nullptr;                                // the kernel's, for both

  void Kick(uint32_t domain) const {
    if (kick) kick(context, domain);
  }
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

// irq_ack(irq): performed (SystemView::ack) if the caller owns a route of `irq`; else denied
// and counted. Needs no hypercall group.
HypercallResult HandleIrqAck(const DomainContext& caller, SystemView& system, const HypercallArgs& args, DomainCounters& counters);

// Decodes, performs and counts one control call (its number is a control number), holding
// system.lock.
HypercallResult HandleControl(const DomainContext& caller, SystemView& system, const HypercallArgs& args, DomainCounters& counters);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_CONTROL_H_
