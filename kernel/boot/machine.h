// kernel/boot/machine.h — what the kernel knows of the machine when it sets up the system, and
// its one way of refusing to run.
#ifndef SEPTUM_KERNEL_BOOT_MACHINE_H_
#define SEPTUM_KERNEL_BOOT_MACHINE_H_

#include <stdint.h>

#include "kernel/boot/multiboot2.h"
#include "kernel/core/acpi.h"
#include "kernel/core/phys_range.h"
#include "kernel/core/virt_caps.h"
#include "kernel/lib/span.h"
#include "kernel/lib/string_view.h"

namespace septum {

struct Machine {
  const BootInfo* boot = nullptr;
  Span<const PhysRange> ram;  // the RAM ranges of the boot memory map
  PhysRange boot_info;        // where the loader put the boot information
  VirtCaps caps;
  uint64_t run_ns = 0;        // `run=MS` on the command line, in ns; 0: run forever
};

// "septum: cannot run: WHAT", then the run ends with the failure verdict. Nothing of the system
// has run when the kernel refuses.
[[noreturn]] void Refuse(StringView what);

// The machine's ACPI MADT, read on first use; `why` says what needs it, should it be unreadable
// (then the kernel refuses to run).
const Madt& MadtOf(const Machine& machine, StringView why);

}  // namespace septum

#endif  // SEPTUM_KERNEL_BOOT_MACHINE_H_
