// kernel/arch/x86/svm/svm.h — the AMD-V backend: SVM on, one VMCB per domain built from its
// tables record, the world switch, and exit decoding into the vendor-neutral ExitEvent
// (kernel/core/exit_event.h). Nothing here decides what an exit means: kernel/core/dispatch
// does.
#ifndef SEPTUM_KERNEL_ARCH_X86_SVM_SVM_H_
#define SEPTUM_KERNEL_ARCH_X86_SVM_SVM_H_

#include <stdint.h>

#include "kernel/abi/tables.h"
#include "kernel/arch/x86/svm/vmcb.h"
#include "kernel/core/exit_event.h"

namespace septum::x86::svm {

// Sets EFER.SVME and this CPU's host save area (VM_HSAVE_PA) on policy CPU `cpu`. The caller
// has checked CPUID (SVM, NPT).
void Enable(uint32_t cpu);

// Puts `vmcb` and `regs` into the start state of `record`'s domain (kernel/abi/start_info.h for PV; HVM:
// 32-bit protected mode, flat segments, paging off, at the image's entry, EAX = EBX = 0).
// Intercepts: physical interrupts, NMI, SMI, INIT, CPUID, HLT, I/O and MSRs per the domain's
// IOPM and MSRPM, shutdown, task switches, INVD, every SVM instruction, MONITOR/MWAIT,
// XSETBV, ICEBP, WBINVD, debug registers, and — for a PV domain, which has no IDT — every
// exception. Nested paging with nCR3 = record.npt_root. `flush_tlb`: flush on the next entry.
void InitGuest(Vmcb& vmcb, GuestRegs& regs, const tables::DomainRecord& record, uint32_t asid, bool flush_tlb);

// Enters the guest with `regs` (RAX, RIP, RSP, RFLAGS go through the VMCB) until its next exit;
// returns the decoded exit with `regs` holding the guest's registers. Physical interrupts that
// arrive meanwhile are handled by the host (the timer flag) before this returns.
ExitEvent Run(Vmcb& vmcb, GuestRegs& regs);

// Makes `vector` the guest's virtual interrupt (V_IRQ with V_INTR_VECTOR, priority 15, its
// TPR ignored: AMD APM Vol 2 §15.21.4): the CPU delivers it through the guest's IDT as soon as
// the guest's RFLAGS.IF allows, and clears V_IRQ when it does.
void SetVirtualInterrupt(Vmcb& vmcb, uint8_t vector);
// Whether a virtual interrupt set earlier is still waiting for the guest to take it.
bool VirtualInterruptPending(const Vmcb& vmcb);

// Writes RAX, RIP, RSP, RFLAGS of `regs` back into the VMCB (after a dispatch changed them).
void StoreRegs(Vmcb& vmcb, const GuestRegs& regs);

}  // namespace septum::x86::svm

#endif  // SEPTUM_KERNEL_ARCH_X86_SVM_SVM_H_
