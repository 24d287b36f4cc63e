// kernel/arch/x86/run_end.cc — see run_end.h for the port contract.
#include "kernel/arch/x86/run_end.h"

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/serial.h"

namespace septum::x86 {
namespace {

constexpr uint16_t kQemuDebugExitPort = 0xf4;
constexpr uint16_t kBochsShutdownPort = 0x8900;

}  // namespace

void EndRun(RunVerdict verdict) {
  DisableInterrupts();
  Print("septum: end of run: {}\n", verdict == RunVerdict::kSuccess ? "success" : "failure");
  SerialFlush();  // emulators stop at once: let the last line leave the UART first
  Outl(kQemuDebugExitPort, static_cast<uint32_t>(verdict));
  for (const char* c = "Shutdown"; *c; ++c) Outb(kBochsShutdownPort, static_cast<uint8_t>(*c));
  HaltForever();
}

}  // namespace septum::x86
