// kernel/abi/version.h — the kernel's release and the ABI version it speaks.
//
// kAbiVersion is what guests see in the hypervisor CPUID leaf and the start-info page, and what
// the tables blob header must match. It changes only when the hypercall ABI or table format does.
#ifndef SEPTUM_KERNEL_ABI_VERSION_H_
#define SEPTUM_KERNEL_ABI_VERSION_H_

#include <stdint.h>

namespace septum {

inline constexpr const char kKernelVersion[] = "0.1.0";
inline constexpr uint32_t kAbiVersion = 1;

}  // namespace septum

#endif  // SEPTUM_KERNEL_ABI_VERSION_H_
