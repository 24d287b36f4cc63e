// kernel/arch/x86/apic.cc — see apic.h.
#include "kernel/arch/x86/apic.h"

#include "kernel/arch/x86/cpu.h"
#include "kernel/lib/panic.h"

namespace septum::x86 {
namespace {

constexpr uint32_t kApicBaseMsr = 0x1b;
constexpr uint64_t kApicBaseEnable = 1u << 11;
constexpr uint32_t kRegEoi = 0xb0, kRegSpurious = 0xf0, kRegLvtTimer = 0x320, kRegInitialCount = 0x380,
                   kRegCurrentCount = 0x390, kRegDivide = 0x3e0, kRegTpr = 0x80;
constexpr uint32_t kSpuriousEnable = 1u << 8;
constexpr uint32_t kLvtMasked = 1u << 16;
constexpr uint32_t kDivideBy1 = 0xb;

constexpr uint64_t kPitHz = 1193182;
constexpr uint16_t kPitCalibrationCount = 11932;  // 10 ms
constexpr uint64_t kCalibrationsPerSecond = 100;

uintptr_t apic_base = 0;
TscClock clock;
ClockRates rates;
volatile bool timer_fired = false;

uint32_t ApicRead(uint32_t reg) { return *reinterpret_cast<volatile uint32_t*>(apic_base + reg); }
void ApicWrite(uint32_t reg, uint32_t value) { *reinterpret_cast<volatile uint32_t*>(apic_base + reg) = value; }

void PicsRemapAndMask() {
  // ICW1..ICW4 (8259A datasheet): edge, cascade, vectors 0x20 / 0x28, 8086 mode; then mask all.
  Outb(0x20, 0x11);
  Outb(0xa0, 0x11);
  Outb(0x21, 0x20);
  Outb(0xa1, 0x28);
  Outb(0x21, 0x04);
  Outb(0xa1, 0x02);
  Outb(0x21, 0x01);
  Outb(0xa1, 0x01);
  Outb(0x21, 0xff);
  Outb(0xa1, 0xff);
}

// Counts the APIC timer and the TSC over 10 ms of PIT channel 2 (mode 0, gate via port 0x61).
void Calibrate() {
  const uint8_t gate = static_cast<uint8_t>((Inb(0x61) & ~0x02) | 0x01);  // speaker off, gate on
  Outb(0x61, gate & ~0x01);
  Outb(0x43, 0xb0);  // channel 2, lobyte/hibyte, mode 0, binary
  Outb(0x42, kPitCalibrationCount & 0xff);
  Outb(0x42, kPitCalibrationCount >> 8);
  ApicWrite(kRegDivide, kDivideBy1);
  ApicWrite(kRegLvtTimer, kLvtMasked | kTimerVector);
  Outb(0x61, gate);  // the count starts on the gate's rising edge
  ApicWrite(kRegInitialCount, 0xffffffff);
  const uint64_t tsc0 = ReadTsc();
  uint64_t spins = 0;
  while (!(Inb(0x61) & 0x20)) {
    if (++spins > (uint64_t{1} << 32)) SEPTUM_PANIC("PIT channel 2 never counted down: no clock to calibrate against");
  }
  const uint64_t tsc1 = ReadTsc();
  const uint32_t apic_elapsed = 0xffffffff - ApicRead(kRegCurrentCount);
  ApicWrite(kRegInitialCount, 0);
  rates.tsc_hz = (tsc1 - tsc0) * kCalibrationsPerSecond;
  rates.apic_timer_hz = uint64_t{apic_elapsed} * kCalibrationsPerSecond;
  clock.tsc_per_us = rates.tsc_hz / 1000000 ? rates.tsc_hz / 1000000 : 1;
  (void)kPitHz;
}

}  // namespace

ClockRates InterruptsInit() {
  PicsRemapAndMask();
  const uint64_t base_msr = ReadMsr(kApicBaseMsr);
  WriteMsr(kApicBaseMsr, base_msr | kApicBaseEnable);
  apic_base = static_cast<uintptr_t>(base_msr & 0xffffff000ull);
  ApicWrite(kRegSpurious, kSpuriousEnable | kSpuriousVector);
  ApicWrite(kRegTpr, 0);
  Calibrate();
  if (rates.apic_timer_hz == 0 || rates.tsc_hz == 0) SEPTUM_PANIC("the APIC timer or the TSC did not advance during calibration");
  ApicWrite(kRegLvtTimer, kTimerVector);  // one-shot, unmasked
  StartClock();
  return rates;
}

void StartClock() { clock.start_tsc = ReadTsc(); }
const TscClock& Clock() { return clock; }
uint64_t NowNs() { return NsAt(clock, ReadTsc()); }

void ArmTimer(uint64_t ns) {
  constexpr uint64_t kMaxNs = 1000000000;
  if (ns > kMaxNs) ns = kMaxNs;
  uint64_t count = ns * rates.apic_timer_hz / 1000000000;
  if (count == 0) count = 1;
  if (count > 0xffffffff) count = 0xffffffff;
  ApicWrite(kRegInitialCount, static_cast<uint32_t>(count));
}

bool TakeTimerFired() {
  const bool fired = timer_fired;
  timer_fired = false;
  return fired;
}

// septum_idle_hlt names the HLT for the hypercall path-length benchmark (bench/hypercall_path.py).
[[gnu::noinline]] void WaitForInterrupt() {
  asm volatile(
      "sti\n"
      ".global septum_idle_hlt\n"
      "septum_idle_hlt: hlt\n"
      "cli" ::
          : "memory");
}

}  // namespace septum::x86

// Called by the stubs in isr.S for vectors 32..255, with interrupts disabled.
extern "C" void septum_interrupt(uint64_t vector) {
  using namespace septum::x86;
  if (vector == kSpuriousVector || (vector >= 0x20 && vector < 0x30)) return;  // spurious: no EOI
  if (vector == kTimerVector) timer_fired = true;
  ApicWrite(kRegEoi, 0);
}
