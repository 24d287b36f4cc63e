// kernel/arch/x86/panic.cc — Panic() in the kernel: say where and why, then end the run.
#include "kernel/lib/panic.h"

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/run_end.h"
#include "kernel/arch/x86/serial.h"

namespace septum {

void Panic(const char* file, int line, const char* message) {
  x86::DisableInterrupts();
  static bool in_panic = false;
  if (in_panic) x86::HaltForever();  // a panic while panicking: stop, print nothing more
  in_panic = true;
  const x86::ConsoleGuard console(/*panicking=*/true);
  Print("\nPANIC at {}:{}: {}\n", file, line, message);
  x86::EndRun(x86::RunVerdict::kFailure);
}

}  // namespace septum
