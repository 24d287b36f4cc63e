// kernel/arch/x86/cpu.h — the x86-64 instructions the kernel uses, one inline function each.
//
// This is the only header with inline assembly outside the entry stubs; kernel/core and
// kernel/lib never include it (Bazel deps enforce that).
#ifndef SEPTUM_KERNEL_ARCH_X86_CPU_H_
#define SEPTUM_KERNEL_ARCH_X86_CPU_H_

#include <stdint.h>

#include "kernel/core/virt_caps.h"

namespace septum::x86 {

inline CpuidRegs Cpuid(uint32_t leaf, uint32_t subleaf = 0) {
  CpuidRegs r;
  asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
  return r;
}

inline uint64_t ReadMsr(uint32_t msr) {
  uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (uint64_t{hi} << 32) | lo;
}

inline void WriteMsr(uint32_t msr, uint64_t value) {
  asm volatile("wrmsr" ::"c"(msr), "a"(static_cast<uint32_t>(value)), "d"(static_cast<uint32_t>(value >> 32)));
}

inline void Outb(uint16_t port, uint8_t value) { asm volatile("outb %0, %1" ::"a"(value), "Nd"(port)); }
inline void Outw(uint16_t port, uint16_t value) { asm volatile("outw %0, %1" ::"a"(value), "Nd"(port)); }
inline void Outl(uint16_t port, uint32_t value) { asm volatile("outl %0, %1" ::"a"(value), "Nd"(port)); }
inline uint8_t Inb(uint16_t port) {
  uint8_t value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}
inline uint32_t Inl(uint16_t port) {
  uint32_t value;
  asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

inline uint64_t ReadCr0() {
  uint64_t v;
  asm volatile("mov %%cr0, %0" : "=r"(v));
  return v;
}
inline uint64_t ReadCr2() {
  uint64_t v;
  asm volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}
inline uint64_t ReadCr3() {
  uint64_t v;
  asm volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}
inline uint64_t ReadCr4() {
  uint64_t v;
  asm volatile("mov %%cr4, %0" : "=r"(v));
  return v;
}

inline uint64_t ReadTsc() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (uint64_t{hi} << 32) | lo;
}

inline void WriteCr4(uint64_t v) { asm volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }
inline void WriteCr0(uint64_t v) { asm volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }

struct [[gnu::packed]] DescriptorTable {
  uint16_t limit;
  uint64_t base;
};
inline DescriptorTable ReadGdtr() {
  DescriptorTable t;
  asm volatile("sgdt %0" : "=m"(t));
  return t;
}
inline DescriptorTable ReadIdtr() {
  DescriptorTable t;
  asm volatile("sidt %0" : "=m"(t));
  return t;
}

inline void DisableInterrupts() { asm volatile("cli" ::: "memory"); }

[[noreturn]] inline void HaltForever() {
  for (;;) asm volatile("cli; hlt" ::: "memory");
}

// Reads the CPUID leaves and capability MSRs that DecodeVirtCaps needs, touching an MSR only
// where CPUID says it exists.
CpuSnapshot ProbeCpu();

}  // namespace septum::x86

#endif  // SEPTUM_KERNEL_ARCH_X86_CPU_H_
