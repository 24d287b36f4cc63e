// kernel/boot/domains.h — starting the domains of an installed tables blob and running CPU 0's
// cyclic plan: the kernel's main loop.
#ifndef SEPTUM_KERNEL_BOOT_DOMAINS_H_
#define SEPTUM_KERNEL_BOOT_DOMAINS_H_

#include <stdint.h>

#include "kernel/boot/multiboot2.h"
#include "kernel/core/blob.h"
#include "kernel/core/tables_install.h"
#include "kernel/core/virt_caps.h"

namespace septum {

// Checks every domain's image module ("image:NAME": size and SHA-256 as its record says, and
// clear of every domain's memory), loads the domains that start at boot, and runs the
// schedule: for `run_ns` nanoseconds if that is not 0 (then prints each domain's counters and
// ends the run with the success verdict), otherwise forever. Anything that fails a check ends
// the run with the failure verdict and a line naming what and why; no domain has run then.
[[noreturn]] void RunDomains(const BlobView& blob, const BootInfo& boot, Span<const PhysRange> ram, const VirtCaps& caps,
                             uint64_t run_ns);

}  // namespace septum

#endif  // SEPTUM_KERNEL_BOOT_DOMAINS_H_
