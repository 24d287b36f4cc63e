// kernel/boot/machine.cc — see machine.h.
#include "kernel/boot/machine.h"

#include "kernel/arch/x86/platform.h"
#include "kernel/arch/x86/run_end.h"
#include "kernel/arch/x86/serial.h"

namespace septum {
namespace {

Madt madt;  // read once, if the CPUs or the IRQ routes need it
bool madt_read = false;

}  // namespace

void Refuse(StringView what) {
  Print("septum: cannot run: {}\n", what);
  x86::EndRun(x86::RunVerdict::kFailure);
}

const Madt& MadtOf(const Machine& machine, StringView why) {
  if (madt_read) return madt;
  if (machine.boot->acpi_rsdp.empty()) {
    Print("septum: {}, but the loader passed no ACPI tables\n", why);
    Refuse("the machine's CPUs and interrupt controllers are unknown (no ACPI RSDP)");
  }
  const Status read = ReadMadt(x86::Platform::kMemory, machine.boot->acpi_rsdp, &madt);
  if (read != Status::kOk) {
    Print("septum: {}, but the ACPI MADT cannot be read: {}\n", why, read);
    Refuse("the machine's CPUs and interrupt controllers are unknown (ACPI MADT unreadable)");
  }
  madt_read = true;
  return madt;
}

}  // namespace septum
