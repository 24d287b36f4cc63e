// kernel/arch/x86/vcpu.h — a domain's virtual CPU on whichever backend the CPU has: AMD-V (VMCB,
// kernel/arch/x86/svm) or Intel VT-x (VMCS, kernel/arch/x86/vmx), and its x87/SSE state. The
// backend is picked once at boot from CPUID (SelectBackend); each call below is one branch on
// it, no virtual calls on the exit path, so the scheduler (through platform.h) does not know
// which backend runs.
#ifndef SEPTUM_KERNEL_ARCH_X86_VCPU_H_
#define SEPTUM_KERNEL_ARCH_X86_VCPU_H_

#include <stdint.h>

#include "kernel/abi/status.h"
#include "kernel/abi/tables.h"
#include "kernel/arch/x86/svm/svm.h"
#include "kernel/arch/x86/vmx/vmx.h"
#include "kernel/core/exit_event.h"
#include "kernel/core/guest_mode.h"
#include "kernel/core/start_state.h"
#include "kernel/core/virt_caps.h"

namespace septum {

// An FXSAVE image (Intel SDM Vol 1 §10.5.1).
struct alignas(16) FpuState {
  uint8_t bytes[512];
};

// The x87/SSE state of a freshly reset unit: FCW 0x37f, MXCSR 0x1f80, the rest 0.
void ResetFpu(FpuState& state);
inline void SaveFpu(FpuState& state) { asm volatile("fxsave64 %0" : "=m"(state.bytes) : : "memory"); }
inline void LoadFpu(const FpuState& state) { asm volatile("fxrstor64 %0" : : "m"(state.bytes) : "memory"); }

// kernel/core/domain.h declares it; only this layer looks inside.
struct Vcpu {
  x86::svm::Vmcb* vmcb = nullptr;  // the domain's page: a VMCB under SVM,
  x86::vmx::Vcpu vmx;              // or (vmx.vmcs, the same page) a VMCS under VMX
  uint32_t tag = 0;                // its TLB tag: SVM ASID or VMX VPID
  FpuState fpu;
};

// Picks the backend (on the bootstrap CPU); for VMX it reads this CPU's capability MSRs into the
// controls every CPU then uses. kUnsupported if the CPU's VMX lacks what Septum needs
// (VmxControlsInUse().problem says what).
Status SelectBackend(VirtBackend backend);
VirtBackend Backend();
// The VMX controls in use (valid after SelectBackend(kVmx)).
const VmxControls& VmxControlsInUse();

// Gives `vcpu` its page (4 KiB aligned, the domain's own) and TLB tag (SVM ASID / VMX VPID).
void BindVcpu(Vcpu& vcpu, void* page, uint32_t tag);

// Turns virtualization on for policy CPU `cpu` (EFER.SVME and the host save area; or VMXON);
// kUnsupported if the CPU refuses.
Status EnableVirtualization(uint32_t cpu);

// Writes `start` into the domain's VMCB / VMCS on CPU `cpu`.
void InitGuest(Vcpu& vcpu, const StartState& start, const tables::DomainRecord& record, uint32_t cpu);

// The calls on the exit path are inline: one branch on the backend, no call of their own.
namespace internal {
extern VirtBackend backend;  // set once by SelectBackend
}

// Runs the guest until its next exit; `flush_tlb`: drop its TLB entries first. `deadline_tsc`:
// the slot's end on the TSC (VMX's preemption timer exits by then; SVM relies on the slot
// timer alone).
inline ExitEvent RunGuest(Vcpu& v, GuestRegs& regs, uint32_t cpu, bool flush_tlb, uint64_t deadline_tsc) {
  if (internal::backend == VirtBackend::kSvm) {
    if (flush_tlb) x86::svm::RequestTlbFlush(*v.vmcb);
    return x86::svm::Run(*v.vmcb, regs);
  }
  if (flush_tlb) v.vmx.flush = true;
  return x86::vmx::Run(v.vmx, regs, cpu, deadline_tsc);
}

// A virtual interrupt for the guest (delivered when its RFLAGS.IF allows), and whether one is
// still waiting to be taken.
inline void SetVirtualInterrupt(Vcpu& v, uint8_t vector) {
  if (internal::backend == VirtBackend::kSvm) {
    x86::svm::SetVirtualInterrupt(*v.vmcb, vector);
  } else {
    x86::vmx::SetVirtualInterrupt(v.vmx, vector);
  }
}
inline bool VirtualInterruptPending(const Vcpu& v) {
  return internal::backend == VirtBackend::kSvm ? x86::svm::VirtualInterruptPending(*v.vmcb) : x86::vmx::VirtualInterruptPending(v.vmx);
}

// Before another CPU may run it (VMX: VMCLEAR here; SVM: nothing).
void LeaveCpu(Vcpu& vcpu, uint32_t cpu);

// Delivers exception `vector` (with `error_code` if it has one) through the guest's own IDT at
// its next entry: an emulated instruction the hardware would refuse (#GP for an MSR the virtual
// platform lacks, #UD).
void InjectException(Vcpu& vcpu, uint8_t vector, bool has_error_code, uint32_t error_code);

// How the guest addresses memory now (on CPU `cpu`, which runs it).
GuestMode GuestModeOf(Vcpu& vcpu, uint32_t cpu);

}  // namespace septum

#endif  // SEPTUM_KERNEL_ARCH_X86_VCPU_H_
