// kernel/arch/x86/apic.cc — see apic.h.
#include "kernel/arch/x86/apic.h"

#include "kernel/abi/tables.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/lib/panic.h"

namespace septum::x86 {
namespace {

constexpr uint32_t kApicBaseMsr = 0x1b;
constexpr uint64_t kApicBaseEnable = 1u << 11;
constexpr uint32_t kRegId = 0x20, kRegEoi = 0xb0, kRegSpurious = 0xf0, kRegIcrLow = 0x300, kRegIcrHigh = 0x310,
                   kRegLvtTimer = 0x320, kRegInitialCount = 0x380, kRegCurrentCount = 0x390, kRegDivide = 0x3e0,
                   kRegTpr = 0x80;
// ICR fields (SDM Vol 3A §11.6.1 Figure 11-12).
constexpr uint32_t kIcrFixed = 0x000, kIcrInit = 0x500, kIcrStartup = 0x600, kIcrAssert = 1u << 14,
                   kIcrDeliveryPending = 1u << 12;
constexpr uint32_t kSpuriousEnable = 1u << 8;
constexpr uint32_t kLvtMasked = 1u << 16;
constexpr uint32_t kDivideBy1 = 0xb;

constexpr uint64_t kPitHz = 1193182;
constexpr uint16_t kPitCalibrationCount = 11932;  // 10 ms
constexpr uint64_t kCalibrationsPerSecond = 100;

uintptr_t apic_base = 0;
TscClock clock;
ClockRates rates;
// APIC timer counts per nanosecond, in 32.32 fixed point (the timer counts at most 4 GHz): a
// slot's timer is armed with a multiplication and a shift.
uint64_t counts_per_ns_32 = 0;
volatile bool timer_fired[kMaxCpus] = {};
uint8_t cpu_of_apic[256] = {};  // policy CPU index by local APIC ID
IrqHandler irq_handler = nullptr;

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
  counts_per_ns_32 = (rates.apic_timer_hz << 32) / 1000000000;
  (void)kPitHz;
}

void EnableLocalApic() {
  const uint64_t base_msr = ReadMsr(kApicBaseMsr);
  WriteMsr(kApicBaseMsr, base_msr | kApicBaseEnable);
  apic_base = static_cast<uintptr_t>(base_msr & 0xffffff000ull);
  ApicWrite(kRegSpurious, kSpuriousEnable | kSpuriousVector);
  ApicWrite(kRegTpr, 0);
}

void WaitForDelivery() {
  for (int i = 0; i < 1000000 && (ApicRead(kRegIcrLow) & kIcrDeliveryPending); ++i) __builtin_ia32_pause();
}

void SendIcr(uint32_t apic_id, uint32_t low) {
  ApicWrite(kRegIcrHigh, apic_id << 24);
  ApicWrite(kRegIcrLow, low);
  WaitForDelivery();
}

}  // namespace

ClockRates InterruptsInit() {
  PicsRemapAndMask();
  EnableLocalApic();
  Calibrate();
  if (rates.apic_timer_hz == 0 || rates.tsc_hz == 0) SEPTUM_PANIC("the APIC timer or the TSC did not advance during calibration");
  if (rates.apic_timer_hz >> 32) SEPTUM_PANIC("the APIC timer counts at 4 GHz or more: ArmTimer's fixed point would overflow");
  ApicWrite(kRegLvtTimer, kTimerVector);  // one-shot, unmasked
  StartClock();
  return rates;
}

void StartClock() { clock.start_tsc = ReadTsc(); }
const TscClock& Clock() { return clock; }
uint64_t NowNs() { return NsAt(clock, ReadTsc()); }

void ArmTimer(uint64_t ns) {
  constexpr uint64_t kMaxNs = 1000000000;  // ns * counts_per_ns_32 stays below 2^64 (rate < 4 GHz)
  if (ns > kMaxNs) ns = kMaxNs;
  uint64_t count = (ns * counts_per_ns_32) >> 32;
  if (count == 0) count = 1;
  if (count > 0xffffffff) count = 0xffffffff;
  ApicWrite(kRegInitialCount, static_cast<uint32_t>(count));
}

bool TakeTimerFired(uint32_t cpu) {
  const bool fired = timer_fired[cpu];
  timer_fired[cpu] = false;
  return fired;
}

void ApicInitThisCpu() {
  EnableLocalApic();
  ApicWrite(kRegDivide, kDivideBy1);
  ApicWrite(kRegLvtTimer, kTimerVector);  // one-shot, unmasked
}

uint32_t LocalApicId() { return ApicRead(kRegId) >> 24; }

void RegisterCpu(uint32_t index, uint32_t apic_id) {
  SEPTUM_ASSERT(index < kMaxCpus && apic_id < 256);
  cpu_of_apic[apic_id] = static_cast<uint8_t>(index);
}

uint32_t CpuIndex() { return apic_base ? cpu_of_apic[LocalApicId() & 0xff] : 0; }

void SendInit(uint32_t apic_id) { SendIcr(apic_id, kIcrInit | kIcrAssert); }
void SendStartup(uint32_t apic_id, uint8_t page) { SendIcr(apic_id, kIcrStartup | page); }
void SendIpi(uint32_t apic_id, uint8_t vector) { SendIcr(apic_id, kIcrFixed | kIcrAssert | vector); }

void DelayUs(uint64_t us) {
  const uint64_t until = ReadTsc() + us * clock.tsc_per_us;
  while (ReadTsc() < until) __builtin_ia32_pause();
}

void SetIrqHandler(IrqHandler handler) { irq_handler = handler; }

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
  const uint32_t cpu = CpuIndex();
  if (vector == kTimerVector) timer_fired[cpu] = true;
  if (vector >= septum::tables::kFirstIrqVector && vector <= septum::tables::kLastIrqVector && irq_handler) {
    irq_handler(cpu, static_cast<uint32_t>(vector));
  }
  ApicWrite(kRegEoi, 0);  // kKickVector needs nothing more: leaving the guest or the HLT was its purpose
}
