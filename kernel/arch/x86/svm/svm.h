// kernel/arch/x86/svm/svm.h — the AMD-V backend: SVM on, one VMCB per domain built from its
// tables record and start state, the world switch, and exit decoding into the vendor-neutral
// ExitEvent (kernel/core/exit_event.h). Nothing here decides what an exit means:
// kernel/core/dispatch does. Mirrors kernel/arch/x86/vmx/vmx.h.
#ifndef SEPTUM_KERNEL_ARCH_X86_SVM_SVM_H_
#define SEPTUM_KERNEL_ARCH_X86_SVM_SVM_H_

#include <stdint.h>

#include "kernel/abi/tables.h"
#include "kernel/arch/x86/svm/vmcb.h"
#include "kernel/core/exit_event.h"
#include "kernel/core/guest_mode.h"
#include "kernel/core/start_state.h"

namespace septum::x86::svm {

// Sets EFER.SVME and this CPU's host save area (VM_HSAVE_PA) on policy CPU `cpu`. The caller
// has checked CPUID (SVM, NPT).
void Enable(uint32_t cpu);

// Puts `vmcb` into `start`, the start state of `record`'s domain (kernel/core/start_state.h),
// with ASID `asid` and a TLB flush at the next entry. Intercepts: physical interrupts, NMI,
// SMI, INIT, CPUID, HLT, I/O and MSRs per the domain's IOPM and MSRPM, shutdown, task switches,
// INVD, every SVM instruction, MONITOR/MWAIT, XSETBV, ICEBP, WBINVD, debug registers, and — for
// a PV domain, which has no IDT — every exception. Nested paging with nCR3 = record.npt_root.
void InitGuest(Vmcb& vmcb, const StartState& start, const tables::DomainRecord& record, uint32_t asid);

// Enters the guest with `regs` (RAX, RIP, RSP, RFLAGS go through the VMCB) until its next exit;
// returns the decoded exit with `regs` holding the guest's registers. Physical interrupts that
// arrive meanwhile are handled by the host (the timer flag) before this returns. An event whose
// delivery the exit cut short (EXITINTINFO) is delivered again at the next entry.
ExitEvent Run(Vmcb& vmcb, GuestRegs& regs);

// Delivers exception `vector` (with `error_code` if the exception has one) to the guest at its
// next entry, through its own IDT (EVENTINJ, APM Vol 2 §15.20).
void InjectException(Vmcb& vmcb, uint8_t vector, bool has_error_code, uint32_t error_code);

// How the guest addresses memory now: CR0, CR3, CR4, EFER and CS from the state save area.
GuestMode ModeOf(const Vmcb& vmcb);

// Drops the guest's TLB entries at its next entry (its ASID is shared, or it moved CPUs).
inline void RequestTlbFlush(Vmcb& vmcb) { vmcb.tlb_control = kTlbFlushAll; }

// Makes `vector` the guest's virtual interrupt (V_IRQ with V_INTR_VECTOR, priority 15, its
// TPR ignored: AMD APM Vol 2 §15.21.4): the CPU delivers it through the guest's IDT as soon as
// the guest's RFLAGS.IF allows, and clears V_IRQ when it does.
void SetVirtualInterrupt(Vmcb& vmcb, uint8_t vector);
// Whether a virtual interrupt set earlier is still waiting for the guest to take it.
inline bool VirtualInterruptPending(const Vmcb& vmcb) { return (vmcb.int_control & kVIrq) != 0; }

}  // namespace septum::x86::svm

#endif  // SEPTUM_KERNEL_ARCH_X86_SVM_SVM_H_
