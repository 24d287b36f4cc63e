// kernel/arch/x86/apic.h — the kernel's clock and its one interrupt: the local APIC timer.
//
// InterruptsInit remaps the legacy 8259 PICs to vectors 0x20-0x2f and masks every line (the
// kernel uses none of them; a spurious one is ignored), enables the local APIC, and measures
// the APIC timer and the TSC against PIT channel 2 over 10 ms. The schedule then runs on the
// TSC (NowNs) and one-shot APIC timer interrupts (ArmTimer) at slot ends. Intel SDM Vol 3A
// §11.5.4, AMD APM Vol 2 §16.4.
#ifndef SEPTUM_KERNEL_ARCH_X86_APIC_H_
#define SEPTUM_KERNEL_ARCH_X86_APIC_H_

#include <stdint.h>

#include "kernel/core/clock.h"

namespace septum::x86 {

inline constexpr uint8_t kTimerVector = 0xf0;
inline constexpr uint8_t kSpuriousVector = 0xff;

struct ClockRates {
  uint64_t tsc_hz = 0;
  uint64_t apic_timer_hz = 0;
};

// Sets up the PICs, the local APIC and the clock; returns the measured rates. Interrupts stay
// disabled (IF = 0) until the run loop opens a window for them.
ClockRates InterruptsInit();

// Restarts the clock at 0 (the run loop does when the schedule starts).
void StartClock();
// The clock: TSC counts per microsecond and the TSC at 0.
const TscClock& Clock();
// Nanoseconds since StartClock (or InterruptsInit).
uint64_t NowNs();

// One timer interrupt `ns` from now (at least 1 APIC count; at most about a second later —
// the run loop re-arms).
void ArmTimer(uint64_t ns);

// Whether the timer interrupt came since the last call (and clears the flag).
bool TakeTimerFired();

// Waits with interrupts enabled until an interrupt arrives (`sti; hlt`), then disables them.
void WaitForInterrupt();

}  // namespace septum::x86

#endif  // SEPTUM_KERNEL_ARCH_X86_APIC_H_
