// kernel/abi/limits.h — the kernel's fixed capacities, one constant each, shared with the host
// tools so that a policy the toolchain accepts is one the kernel can hold.
//
// The kernel sizes its static tables with these (kernel/core, kernel/arch) and refuses, at boot,
// a tables blob that exceeds one (a line naming it); the toolchain checks policies against them.
#ifndef SEPTUM_KERNEL_ABI_LIMITS_H_
#define SEPTUM_KERNEL_ABI_LIMITS_H_

#include <stdint.h>

namespace septum::limits {

inline constexpr uint32_t kMaxDomains = 64;     // domain records the kernel runs
inline constexpr uint32_t kMaxCpus = 16;        // policy CPUs 0 .. kMaxCpus - 1
inline constexpr uint32_t kMaxChannels = 256;   // channel records (each with a doorbell)
inline constexpr uint32_t kMaxIrqRoutes = 256;  // IRQ routes to domains

}  // namespace septum::limits

#endif  // SEPTUM_KERNEL_ABI_LIMITS_H_
