// kernel/boot/domains.h — starting the domains of an installed tables blob and the CPUs of its
// schedule, and running every CPU's cyclic plan: the kernel's main loop.
#ifndef SEPTUM_KERNEL_BOOT_DOMAINS_H_
#define SEPTUM_KERNEL_BOOT_DOMAINS_H_

#include <stdint.h>

#include "kernel/boot/multiboot2.h"
#include "kernel/core/blob.h"
#include "kernel/core/tables_install.h"
#include "kernel/core/virt_caps.h"

namespace septum {

// What the kernel knows of the machine when it starts the domains.
struct Machine {
  const BootInfo* boot = nullptr;
  Span<const PhysRange> ram;  // the RAM ranges of the boot memory map
  PhysRange boot_info;        // where the loader put the boot information
  VirtCaps caps;
  uint64_t run_ns = 0;        // `run=MS` on the command line, in ns; 0: run forever
};

// Checks every domain's image module ("image:NAME": size and SHA-256 as its record says, and
// clear of every domain's memory), starts the CPUs the schedule has plans for (policy CPU c >=
// 1 is the c-th other enabled processor of the ACPI MADT; a machine with too few is refused),
// loads the domains that start at boot, and runs the schedule on every CPU: for `run_ns`
// nanoseconds if that is not 0 (then prints each CPU's slot counts and each domain's counters
// and ends the run with the success verdict), otherwise forever. Anything that fails a check
// ends the run with the failure verdict and a line naming what and why; no domain has run then.
[[noreturn]] void RunDomains(const BlobView& blob, const Machine& machine);

}  // namespace septum

#endif  // SEPTUM_KERNEL_BOOT_DOMAINS_H_
