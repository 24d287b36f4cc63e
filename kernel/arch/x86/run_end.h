// kernel/arch/x86/run_end.h — ending a run under an emulator, with a verdict.
//
// Test harnesses need the kernel to stop the machine and say whether the run succeeded:
//  - QEMU: `-device isa-debug-exit,iobase=0xf4,iosize=0x04`; writing v to port 0xf4 exits QEMU
//    with status (v << 1) | 1. kSuccess gives 33, kFailure gives 35.
//  - Bochs: writing "Shutdown" to port 0x8900 ends the simulation (its exit code is always 1),
//    so the verdict is also printed as the last serial line: "septum: end of run: success" or
//    "septum: end of run: failure".
// On real hardware both ports are inert and the CPU halts with interrupts off.
#ifndef SEPTUM_KERNEL_ARCH_X86_RUN_END_H_
#define SEPTUM_KERNEL_ARCH_X86_RUN_END_H_

#include <stdint.h>

namespace septum::x86 {

enum class RunVerdict : uint8_t { kSuccess = 0x10, kFailure = 0x11 };

[[noreturn]] void EndRun(RunVerdict verdict);

}  // namespace septum::x86

#endif  // SEPTUM_KERNEL_ARCH_X86_RUN_END_H_
