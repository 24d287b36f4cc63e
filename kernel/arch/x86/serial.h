// kernel/arch/x86/serial.h — the kernel's console: a polled 16550 UART on COM1 (0x3f8).
//
// Polled and interrupt-free so it works from the first instruction of KernelEntry to the last
// line of a panic. Output is 115200 8N1; "\n" is sent as "\r\n".
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

}  // namespace septum::x86

namespace septum {

// Formats to the kernel console.
template <typename... Args>
void Print(StringView format, const Args&... args) {
  Format(x86::SerialSink(), format, args...);
}

}  // namespace septum

#endif  // SEPTUM_KERNEL_ARCH_X86_SERIAL_H_
