// kernel/core/exit_event.h — what a guest did that brought the CPU back to the kernel, in the
// same words for both backends.
//
// The SVM backend (kernel/arch/x86/svm) and the VMX backend decode their raw exit codes into
// an ExitEvent; one dispatcher (kernel/core/dispatch) handles it, so nothing in kernel/core
// knows which backend ran. GuestRegs is the guest's register file as the world switch saves
// it (the layout is shared with the assembly stubs: do not reorder).
#ifndef SEPTUM_KERNEL_CORE_EXIT_EVENT_H_
#define SEPTUM_KERNEL_CORE_EXIT_EVENT_H_

#include <stddef.h>
#include <stdint.h>

#include "kernel/core/virt_caps.h"

namespace septum {

struct GuestRegs {
  uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rip, rsp, rflags;  // kept in the VMCB / VMCS; copied here around a dispatch
};
static_assert(offsetof(GuestRegs, rbx) == 8 && offsetof(GuestRegs, r8) == 56 && offsetof(GuestRegs, r15) == 112,
              "layout shared with the world-switch stubs");

enum class ExitKind : uint8_t {
  kHypercall,     // VMMCALL / VMCALL
  kCpuid,
  kHlt,
  kInterrupt,     // a physical interrupt (the slot timer) arrived while the guest ran
  kIo,            // IN/OUT on a port the domain does not own (owned ports never exit)
  kMsr,           // RDMSR/WRMSR of an MSR that is not passed through
  kNestedFault,   // #NPF / EPT violation: an access its nested tables do not grant
  kException,     // an exception in the guest (a PV guest has no IDT of its own)
  kShutdown,      // triple fault / shutdown
  kInvalidState,  // the hardware refused to enter the guest with this state
  kEmulated,      // the backend carried out what the guest did (VT-x: a CR0/CR4 write touching a
                  // bit VMX forces, which the guest's view keeps as it wrote it): resume
  kOther,         // any other intercepted instruction (VMRUN, VMLOAD, STGI, MONITOR, ...)
};

// kIo's `info`: the direction, the access width and the string / REP forms (SVM EXITINFO1,
// VMX exit qualification, decoded into the same bits).
inline constexpr uint64_t kIoIn = 1u << 0;       // IN / INS (else OUT / OUTS)
inline constexpr uint64_t kIoString = 1u << 1;   // INS / OUTS
inline constexpr uint64_t kIoRep = 1u << 2;      // with a REP prefix
inline constexpr uint32_t kIoSizeShift = 8;      // bits 15:8: bytes moved, 1, 2 or 4
inline constexpr uint32_t IoSize(uint64_t info) { return (info >> kIoSizeShift) & 0xff; }

struct ExitEvent {
  ExitKind kind = ExitKind::kOther;
  // Bytes to skip to the next instruction for kHypercall, kCpuid, kHlt, kIo, kMsr (the backend
  // knows; 0 where it does not).
  uint8_t instruction_length = 0;
  uint64_t raw = 0;                // the backend's exit code, for the log
  // kNestedFault: guest-physical address; kIo: port; kMsr: MSR index; kException: vector;
  // kCpuid: the host's EBX:EAX for the guest's leaf and subleaf (HostCpuid).
  uint64_t address = 0;
  // kNestedFault: paging::Access bits of the attempted access; kIo: kIoIn, kIoString, kIoRep
  // and the size; kMsr: 1 = write, 0 = read; kException: error code; kCpuid: the host's EDX:ECX.
  uint64_t info = 0;
};
static_assert(sizeof(ExitEvent) == 32, "small: built on every exit");

// A CPUID exit's host answer, kept in `address` and `info` (no field of its own: every exit
// pays for initializing an ExitEvent).
inline void SetHostCpuid(ExitEvent& e, const CpuidRegs& r) {
  e.address = uint64_t{r.ebx} << 32 | r.eax;
  e.info = uint64_t{r.edx} << 32 | r.ecx;
}
inline CpuidRegs HostCpuid(const ExitEvent& e) {
  return CpuidRegs{static_cast<uint32_t>(e.address), static_cast<uint32_t>(e.address >> 32), static_cast<uint32_t>(e.info),
                   static_cast<uint32_t>(e.info >> 32)};
}

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_EXIT_EVENT_H_
