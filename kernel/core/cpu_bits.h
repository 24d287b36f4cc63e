// kernel/core/cpu_bits.h — the x86 control-register, EFER, RFLAGS and PAT bits the kernel sets or
// tests, defined once for both backends and for kernel/core (which computes the guests' start
// state). Only constants: nothing here touches a register.
//
// Intel SDM Vol 3A §2.5 (CR0, CR4), §2.2.1 (EFER), §2.3 (RFLAGS), §11.12.2 (PAT); AMD APM Vol 2
// §3.1 (CR0, CR4, EFER), §3.1.6 (RFLAGS), §7.8 (PAT).
#ifndef SEPTUM_KERNEL_CORE_CPU_BITS_H_
#define SEPTUM_KERNEL_CORE_CPU_BITS_H_

#include <stdint.h>

namespace septum {

// CR0.
inline constexpr uint64_t kCr0Pe = uint64_t{1} << 0;   // protected mode
inline constexpr uint64_t kCr0Mp = uint64_t{1} << 1;   // monitor coprocessor
inline constexpr uint64_t kCr0Et = uint64_t{1} << 4;   // extension type (reads as 1)
inline constexpr uint64_t kCr0Ne = uint64_t{1} << 5;   // native x87 error reporting
inline constexpr uint64_t kCr0Wp = uint64_t{1} << 16;  // supervisor writes obey read-only pages
inline constexpr uint64_t kCr0Pg = uint64_t{1} << 31;  // paging

// CR4.
inline constexpr uint64_t kCr4Pae = uint64_t{1} << 5;
inline constexpr uint64_t kCr4Osfxsr = uint64_t{1} << 9;      // FXSAVE/FXRSTOR cover the SSE state
inline constexpr uint64_t kCr4Osxmmexcpt = uint64_t{1} << 10;  // unmasked SIMD exceptions raise #XM
inline constexpr uint64_t kCr4Vmxe = uint64_t{1} << 13;

// IA32_EFER (MSR 0xc0000080).
inline constexpr uint32_t kMsrEfer = 0xc0000080;
inline constexpr uint64_t kEferLme = uint64_t{1} << 8;   // long mode enable
inline constexpr uint64_t kEferLma = uint64_t{1} << 10;  // long mode active
inline constexpr uint64_t kEferNxe = uint64_t{1} << 11;  // no-execute pages
inline constexpr uint64_t kEferSvme = uint64_t{1} << 12;  // AMD: SVM enable

// RFLAGS.
inline constexpr uint64_t kRflagsReserved1 = uint64_t{1} << 1;  // always 1
inline constexpr uint64_t kRflagsIf = uint64_t{1} << 9;         // interrupts enabled

// IA32_PAT (MSR 0x277): its power-on value, PA0..PA7 = WB, WT, UC-, UC, WB, WT, UC-, UC.
inline constexpr uint32_t kMsrPat = 0x277;
inline constexpr uint64_t kPatPowerOn = 0x0007040600070406ull;

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_CPU_BITS_H_
