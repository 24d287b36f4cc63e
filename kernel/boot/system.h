// kernel/boot/system.h — the system of an installed tables blob, set up and run: the kernel's
// last step of booting.
#ifndef SEPTUM_KERNEL_BOOT_SYSTEM_H_
#define SEPTUM_KERNEL_BOOT_SYSTEM_H_

#include "kernel/boot/machine.h"
#include "kernel/core/blob.h"

namespace septum {

// Binds every domain to its record, image module (checked: size, SHA-256, clear of every
// domain's memory) and virtual CPU; reads the schedule; starts the CPUs it has plans for; puts
// the policy's devices and IRQ routes in place; loads the domains that start at boot; and runs
// every CPU's plan (kernel/core/scheduler.h): for `machine.run_ns` if that is not 0 — then
// prints each CPU's slot counts, each IRQ route's arrivals and each domain's counters and ends
// the run with the success verdict — otherwise forever. Anything that fails a check ends the run
// with the failure verdict and a line naming what and why; no domain has run then.
[[noreturn]] void RunSystem(const BlobView& blob, const Machine& machine);

}  // namespace septum

#endif  // SEPTUM_KERNEL_BOOT_SYSTEM_H_
