// kernel/core/guest_mode.h — the part of a guest's CPU state that says how it addresses memory:
// what an emulator needs to fetch the guest's instruction at RIP (paging on or off, 32-bit,
// PAE or 4-level tables, the table root) and to decode it (16-, 32- or 64-bit code). The
// backends read it from the VMCB or VMCS on demand (kernel/arch/x86/vcpu.h GuestModeOf).
#ifndef SEPTUM_KERNEL_CORE_GUEST_MODE_H_
#define SEPTUM_KERNEL_CORE_GUEST_MODE_H_

#include <stdint.h>

namespace septum {

struct GuestMode {
  uint64_t cr0 = 0;
  uint64_t cr3 = 0;
  uint64_t cr4 = 0;
  uint64_t efer = 0;
  uint64_t cs_base = 0;
  bool cs_long = false;    // CS.L: 64-bit code (with EFER.LMA)
  bool cs_default32 = false;  // CS.D: 32-bit default operand and address size
};

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_GUEST_MODE_H_
