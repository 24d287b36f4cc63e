// kernel/arch/x86/vmx/vmx.h — the Intel VT-x backend: VMX operation on every CPU, one VMCS per
// domain built from its tables record, the world switch, and exit decoding into the
// vendor-neutral ExitEvent (kernel/core/exit_event.h), so kernel/core does not know which
// backend ran. Nothing here decides what an exit means: kernel/core/dispatch does. Mirrors
// kernel/arch/x86/svm/svm.h.
//
// A VMCS is current on at most one CPU at a time: the scheduler claims a domain on one CPU, and
// a domain that may run on another CPU next is VMCLEARed by the CPU leaving it (Leave), so the
// next CPU VMPTRLDs and VMLAUNCHes it afresh. InitGuest leaves it cleared too (it may be built
// on the bootstrap CPU and run on another).
#ifndef SEPTUM_KERNEL_ARCH_X86_VMX_VMX_H_
#define SEPTUM_KERNEL_ARCH_X86_VMX_VMX_H_

#include <stdint.h>

#include "kernel/abi/status.h"
#include "kernel/abi/tables.h"
#include "kernel/arch/x86/vmx/vmcs.h"
#include "kernel/core/exit_event.h"
#include "kernel/core/guest_mode.h"
#include "kernel/core/start_state.h"
#include "kernel/core/vmx_controls.h"

namespace septum::x86::vmx {

inline constexpr uint32_t kNotActive = 0xffffffffu;

// A domain's virtual CPU under VMX: its VMCS and what the kernel keeps beside it.
struct Vcpu {
  Vmcs* vmcs = nullptr;
  bool launched = false;          // VMLAUNCHed since its last VMCLEAR: the next entry is VMRESUME
  uint32_t active_on = kNotActive;  // the CPU it is active (VMPTRLDed) on
  int32_t pending_vector = -1;    // a virtual interrupt waiting for the guest's interrupt window
  // An event for the next entry ahead of any interrupt (VM-entry interruption information): an
  // exception the kernel injects, or an event whose delivery an exit cut short.
  uint32_t pending_event = 0;
  uint32_t pending_error = 0;
  uint32_t pending_length = 0;   // a software interrupt's or exception's instruction length
  uint16_t vpid = 0;              // its VPID (0: VPIDs off)
  bool flush = false;             // INVVPID before the next entry (a restart, another CPU)
  // What the current VMCS holds already, so an entry writes only what changed.
  uint32_t proc_written = 0;
  uint64_t rsp_written = 0, rflags_written = 0;
};

// Reads this CPU's VMX capability MSRs (IA32_VMX_BASIC, the TRUE_* controls when it has them,
// PROCBASED_CTLS2, EPT_VPID_CAP, CR0/CR4 fixed bits) and computes the controls; `problem` says
// why Septum cannot use them, if it cannot.
VmxControls ReadControls();

// Enters VMX operation on policy CPU `cpu` with `controls` (from ReadControls on the bootstrap
// CPU): IA32_FEATURE_CONTROL (locked with VMX on outside SMX, or set so), CR0/CR4 fixed bits,
// CR4.VMXE, VMXON of this CPU's region, INVEPT of all contexts. kUnsupported if VMXON fails.
Status Enable(uint32_t cpu, const VmxControls& controls);

// Builds `vcpu`'s VMCS for `start`, the start state of `record`'s domain (kernel/core/
// start_state.h; an HVM domain runs as an unrestricted guest), with its EPT, I/O and MSR bitmaps
// and VPID `vpid`; leaves it cleared. Runs on `cpu`, the CPU that claimed the domain (or the
// bootstrap CPU at boot).
void InitGuest(Vcpu& vcpu, const StartState& start, const tables::DomainRecord& record, uint16_t vpid, uint32_t cpu);

// Enters the guest on `cpu` with `regs` (RIP, RSP, RFLAGS go through the VMCS) until its next
// exit; returns the decoded exit. A physical interrupt that causes the exit is taken by the
// host's handler (the slot timer flag) before this returns. With the preemption timer, the
// guest exits (kInterrupt) by TSC `deadline_tsc` at the latest. A failed entry is kInvalidState.
// An event whose delivery the exit cut short (IDT-vectoring information) is delivered again at
// the next entry.
ExitEvent Run(Vcpu& vcpu, GuestRegs& regs, uint32_t cpu, uint64_t deadline_tsc);

// Delivers exception `vector` (with `error_code` if it has one) to the guest at its next entry.
void InjectException(Vcpu& vcpu, uint8_t vector, bool has_error_code, uint32_t error_code);

// How the guest addresses memory now (the VMCS's guest state; the VMCS must be current on `cpu`
// or is made so).
GuestMode ModeOf(Vcpu& vcpu, uint32_t cpu);

// Makes `vector` the guest's virtual interrupt: injected at the next entry when the guest can
// take it (RFLAGS.IF, no STI/MOV SS blocking), else as soon as it can (interrupt-window exit).
void SetVirtualInterrupt(Vcpu& vcpu, uint8_t vector);
inline bool VirtualInterruptPending(const Vcpu& vcpu) { return vcpu.pending_vector >= 0; }

// VMCLEARs the VMCS on `cpu` (where it is active), so that another CPU may run it next.
void Leave(Vcpu& vcpu, uint32_t cpu);

// The VM-instruction error of the last failed VMX instruction (SDM Vol 3C §31.4), for the log.
uint32_t InstructionError();

}  // namespace septum::x86::vmx

#endif  // SEPTUM_KERNEL_ARCH_X86_VMX_VMX_H_
