// kernel/arch/x86/serial.cc — 16550 UART driver (polled). Register map: PC16550D data sheet.
#include "kernel/arch/x86/serial.h"

#include "kernel/arch/x86/apic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/lib/spinlock.h"

namespace septum::x86 {
namespace {

constexpr uint16_t kCom1 = 0x3f8;
constexpr uint16_t kData = 0, kInterruptEnable = 1, kFifoControl = 2, kLineControl = 3,
                   kModemControl = 4, kLineStatus = 5;
constexpr uint16_t kDivisorLow = 0, kDivisorHigh = 1;  // while LCR.DLAB = 1
constexpr uint8_t kLineStatusThrEmpty = 1 << 5;
constexpr uint8_t kLineStatusTransmitterEmpty = 1 << 6;
// Bounded wait for the transmitter: a missing UART must not hang the kernel.
constexpr int kMaxPolls = 100000;

void PutByte(uint8_t byte) {
  for (int i = 0; i < kMaxPolls && !(Inb(kCom1 + kLineStatus) & kLineStatusThrEmpty); ++i) {
  }
  Outb(kCom1 + kData, byte);
}

void WriteToSerial(void*, const char* data, size_t length) { SerialWrite(data, length); }

SpinLock console_lock;
uint32_t console_owner = kMaxCpus;  // the CPU holding console_lock (kMaxCpus: none); guarded by it
constexpr uint64_t kPanicWaitSpins = uint64_t{1} << 26;

}  // namespace

void SerialInit() {
  Outb(kCom1 + kInterruptEnable, 0x00);  // polled: no UART interrupts
  Outb(kCom1 + kLineControl, 0x80);      // DLAB = 1
  Outb(kCom1 + kDivisorLow, 0x01);       // 115200 baud = 115200 / 1
  Outb(kCom1 + kDivisorHigh, 0x00);
  Outb(kCom1 + kLineControl, 0x03);      // 8 data bits, no parity, 1 stop bit, DLAB = 0
  Outb(kCom1 + kFifoControl, 0xc7);      // enable and clear FIFOs, 14-byte threshold
  Outb(kCom1 + kModemControl, 0x03);     // DTR + RTS
}

void SerialWrite(const char* data, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    if (data[i] == '\n') PutByte('\r');
    PutByte(static_cast<uint8_t>(data[i]));
  }
}

void SerialFlush() {
  for (int i = 0; i < kMaxPolls && !(Inb(kCom1 + kLineStatus) & kLineStatusTransmitterEmpty); ++i) {
  }
}

Sink SerialSink() { return Sink(&WriteToSerial, nullptr); }

ConsoleGuard::ConsoleGuard(bool panicking) {
  const uint32_t self = CpuIndex();
  if (__atomic_load_n(&console_owner, __ATOMIC_RELAXED) == self) return;  // this CPU holds it already
  if (panicking) {
    for (uint64_t i = 0; i < kPanicWaitSpins && !took_; ++i) took_ = console_lock.TryLock();
    if (!took_) return;  // write without it
  } else {
    console_lock.Lock();
    took_ = true;
  }
  __atomic_store_n(&console_owner, self, __ATOMIC_RELAXED);
}

ConsoleGuard::~ConsoleGuard() {
  if (!took_) return;
  __atomic_store_n(&console_owner, kMaxCpus, __ATOMIC_RELAXED);
  console_lock.Unlock();
}

}  // namespace septum::x86
