// kernel/arch/x86/apic.h — the local APICs: the kernel's clock, each CPU's slot timer, the
// inter-processor interrupts, and the interrupt entry that hands device IRQs on.
//
// InterruptsInit (on the bootstrap CPU) remaps the legacy 8259 PICs to vectors 0x20-0x2f and
// masks every line (the kernel uses none of them; a spurious one is ignored), enables the
// local APIC, and measures the APIC timer and the TSC against PIT channel 2 over 10 ms; every
// other CPU enables its own local APIC with ApicInitThisCpu and uses the same rates. The
// schedule runs on the TSC (NowNs, one clock for all CPUs) and one-shot APIC timer interrupts
// (ArmTimer, per CPU) at slot ends. Intel SDM Vol 3A §11.5.4, §11.6 (ICR); AMD APM Vol 2 §16.4.
#ifndef SEPTUM_KERNEL_ARCH_X86_APIC_H_
#define SEPTUM_KERNEL_ARCH_X86_APIC_H_

#include <stdint.h>

#include "kernel/abi/limits.h"
#include "kernel/core/clock.h"

namespace septum::x86 {

inline constexpr uint8_t kTimerVector = 0xf0;
inline constexpr uint8_t kKickVector = 0xf1;  // an IPI that only makes a CPU leave its guest or its HLT
inline constexpr uint8_t kSpuriousVector = 0xff;

// The most CPUs this kernel runs (policy CPU indices 0 .. kMaxCpus - 1).
inline constexpr uint32_t kMaxCpus = limits::kMaxCpus;

struct ClockRates {
  uint64_t tsc_hz = 0;
  uint64_t apic_timer_hz = 0;
};

// Sets up the PICs, the local APIC and the clock; returns the measured rates. Interrupts stay
// disabled (IF = 0) until the scheduler opens a window for them.
ClockRates InterruptsInit();

// Restarts the clock at 0 (the bootstrap CPU does when the schedule starts).
void StartClock();
// The clock: TSC counts per microsecond and the TSC at 0.
const TscClock& Clock();
// Nanoseconds since StartClock (or InterruptsInit).
uint64_t NowNs();

// One timer interrupt `ns` from now (at least 1 APIC count; at most about a second later —
// the scheduler re-arms).
void ArmTimer(uint64_t ns);

// Whether the timer interrupt of CPU `cpu` (this one: CpuIndex()) came since the last call,
// and clears the flag. The scheduler passes its own index (no APIC read on the exit path).
bool TakeTimerFired(uint32_t cpu);

// Enables this CPU's local APIC (an application processor, after InterruptsInit ran on the
// bootstrap one): spurious vector, TPR 0, the one-shot timer.
void ApicInitThisCpu();

// This CPU's local APIC ID, and the policy CPU index registered for it (0 until registered:
// before the APs start only the bootstrap CPU runs).
uint32_t LocalApicId();
void RegisterCpu(uint32_t index, uint32_t apic_id);
uint32_t CpuIndex();

// Inter-processor interrupts (Intel SDM Vol 3A §11.6.1; each waits, bounded, for delivery).
void SendInit(uint32_t apic_id);
void SendStartup(uint32_t apic_id, uint8_t page);  // the AP starts in real mode at page * 4 KiB
void SendIpi(uint32_t apic_id, uint8_t vector);

// Busy-waits about `us` microseconds on the TSC (after InterruptsInit measured it).
void DelayUs(uint64_t us);

// Called for a device IRQ's vector (kFirstIrqVector .. kLastIrqVector, kernel/abi/tables.h)
// on the CPU it arrived at, with interrupts disabled, before the EOI. Set by the IRQ setup (kernel/boot/irqs).
using IrqHandler = void (*)(uint32_t cpu, uint32_t vector);
void SetIrqHandler(IrqHandler handler);

// Waits with interrupts enabled until an interrupt arrives (`sti; hlt`), then disables them.
void WaitForInterrupt();

}  // namespace septum::x86

#endif  // SEPTUM_KERNEL_ARCH_X86_APIC_H_
