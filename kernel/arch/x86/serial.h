// kernel/arch/x86/serial.h — the kernel's console: a polled 16550 UART on COM1 (0x3f8).
//
// Polled and interrupt-free so it works from the first instruction of KernelEntry to the last
// line of a panic. Output is 115200 8N1; "\n" is sent as "\r\n". The CPUs share it: Print
// holds the console for the whole message (ConsoleGuard), so lines never interleave; a CPU
// that already holds it (a fault line built of several pieces, a panic inside a Print) may
// take it again.
#ifndef SEPTUM_KERNEL_ARCH_X86_SERIAL_H_
#define SEPTUM_KERNEL_ARCH_X86_SERIAL_H_

#include "kernel/lib/format.h"

namespace septum::x86 {

void SerialInit();
void SerialWrite(const char* data, size_t length);
// Waits (bounded) until the UART has sent every byte, e.g. before the machine is stopped.
void SerialFlush();
// The console as a formatting sink.
Sink SerialSink();

// Holds the console for its scope (re-entrant on one CPU). A panicking CPU waits only about a
// second for another CPU's message to end, then writes anyway: its last words must come out.
class ConsoleGuard {
 public:
  explicit ConsoleGuard(bool panicking = false);
  ~ConsoleGuard();
  ConsoleGuard(const ConsoleGuard&) = delete;
  ConsoleGuard& operator=(const ConsoleGuard&) = delete;

 private:
  bool took_ = false;
};

}  // namespace septum::x86

namespace septum {

// Formats to the kernel console.
template <typename... Args>
void Print(StringView format, const Args&... args) {
  x86::ConsoleGuard guard;
  Format(x86::SerialSink(), format, args...);
}

}  // namespace septum

#endif  // SEPTUM_KERNEL_ARCH_X86_SERIAL_H_
