// kernel/boot/vcpu.h — a domain's virtual CPU on whichever backend the CPU has: AMD-V (VMCB,
// kernel/arch/x86/svm) or Intel VT-x (VMCS, kernel/arch/x86/vmx). The backend is picked once at
// boot from CPUID (SelectBackend); each call below is one branch on it, no virtual calls on the
// exit path. The run loop (domains.cc) uses only this, so it does not know which backend runs.
#ifndef SEPTUM_KERNEL_BOOT_VCPU_H_
#define SEPTUM_KERNEL_BOOT_VCPU_H_

#include <stdint.h>

#include "kernel/abi/tables.h"
#include "kernel/arch/x86/svm/vmcb.h"
#include "kernel/arch/x86/vmx/vmx.h"
#include "kernel/core/exit_event.h"
#include "kernel/core/virt_caps.h"

namespace septum {

struct Vcpu {
  x86::svm::Vmcb* vmcb = nullptr;  // the domain's page: a VMCB under SVM,
  x86::vmx::Vcpu vmx;              // or (vmx.vmcs, the same page) a VMCS under VMX
  uint32_t asid = 0;               // SVM: its ASID
};

// Picks the backend; for VMX, `controls` must be the bootstrap CPU's (ReadControls). False and
// a reason if the CPU's VMX lacks what Septum needs.
bool SelectBackend(VirtBackend backend, const char** problem);
VirtBackend Backend();
// The VMX controls in use (valid after SelectBackend(kVmx)).
const VmxControls& VmxControlsInUse();

// Gives `vcpu` its page (4 KiB aligned, the domain's own) and TLB tag (SVM ASID / VMX VPID).
void BindVcpu(Vcpu& vcpu, void* page, uint32_t tag);

// Turns virtualization on for policy CPU `cpu` (EFER.SVME and the host save area; or VMXON).
bool EnableVirtualization(uint32_t cpu);

// The domain's start state (svm::InitGuest / vmx::InitGuest), on CPU `cpu`.
void InitGuest(Vcpu& vcpu, GuestRegs& regs, const tables::DomainRecord& record, uint32_t cpu);

// Runs the guest until its next exit; `flush_tlb`: drop its TLB entries first (shared tags).
// `deadline_tsc`: the slot's end on the TSC (VMX's preemption timer exits by then; SVM relies
// on the slot timer alone).
ExitEvent RunGuest(Vcpu& vcpu, GuestRegs& regs, uint32_t cpu, bool flush_tlb, uint64_t deadline_tsc);

// A virtual interrupt for the guest (delivered when its RFLAGS.IF allows), and whether one is
// still waiting to be taken.
void SetVirtualInterrupt(Vcpu& vcpu, uint8_t vector);
bool VirtualInterruptPending(const Vcpu& vcpu);

// Before another CPU may run it (VMX: VMCLEAR here; SVM: nothing).
void LeaveCpu(Vcpu& vcpu, uint32_t cpu);

}  // namespace septum

#endif  // SEPTUM_KERNEL_BOOT_VCPU_H_
