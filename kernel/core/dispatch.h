// kernel/core/dispatch.h — the one handler of guest exits, for both backends.
//
// Dispatch() takes a decoded ExitEvent and the guest's registers and decides: resume the guest
// (after a hypercall or CPUID it emulated), end the domain's slot (yield, HLT), let the
// scheduler look at the clock (an interrupt), or contain a fault. Everything that is not a
// granted hypercall, CPUID, HLT or an interrupt is a fault: the domain touched a port, an MSR
// or memory its tables do not give it, raised an exception, shut down, or executed an
// instruction the kernel keeps for itself. No hardware is touched here; host-tested
// (dispatch_test).
#ifndef SEPTUM_KERNEL_CORE_DISPATCH_H_
#define SEPTUM_KERNEL_CORE_DISPATCH_H_

#include <stdint.h>

#include "kernel/core/exit_event.h"
#include "kernel/core/hypercall.h"
#include "kernel/core/system.h"
#include "kernel/lib/format.h"

namespace septum {

enum class ExitAction : uint8_t {
  kResume,   // enter the guest again
  kEndSlot,  // it gave up the rest of its slot (yield)
  kHalt,     // HLT: it gives up the rest of its slot, unless a device IRQ wakes it (if IF = 1)
  kBlock,    // it waits (channel_wait): it runs again when the wait ends, in one of its slots
  kTimer,    // an interrupt: the scheduler checks whether the slot is over
  kFault,    // contain it: log, then stop or restart as its record says
};

// What the guest sees for CPUID leaf/subleaf when the CPU answers `host`: SVM and VMX hidden,
// the hypervisor bit set, and Septum's leaves at 0x40000000 (kernel/abi/hypercall.h).
CpuidRegs GuestCpuid(uint32_t leaf, uint32_t subleaf, const CpuidRegs& host);

// Handles one exit of `domain`: updates its registers (RIP past an emulated instruction, RAX/RDX
// for a hypercall, EAX..EDX for CPUID) and its counters. Control, channel and irq_ack calls act
// on `system` (which holds `domain` too); without a system they are unsupported.
ExitAction Dispatch(const ExitEvent& event, Domain& domain, const HypercallEnvironment& env, System* system = nullptr);

// The kernel's one log line for a contained fault, e.g.
//   fault: domain `worker`: nested page fault writing guest-physical 0x2000000 (rip 0x100123)
void DescribeFault(Sink sink, StringView domain, const ExitEvent& event, const GuestRegs& regs);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_DISPATCH_H_
