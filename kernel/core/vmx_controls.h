// kernel/core/vmx_controls.h — the VMX execution, exit and entry controls Septum runs guests
// with, computed from the CPU's capability MSRs (pure: the arch layer reads the MSRs).
//
// Intel SDM Vol 3D Appendix A: each control MSR reports in its low half the bits that must be 1
// (allowed 0-settings) and in its high half the bits that may be 1 (allowed 1-settings); with
// IA32_VMX_BASIC bit 55 the TRUE_* MSRs say which default-1 bits may be cleared. A control word
// is (wanted | must-be-1) & may-be-1; Septum refuses the CPU when a control it needs cannot be
// 1, or when one it must not have (CR3 exiting, INVLPG exiting, unconditional I/O exiting, ...)
// cannot be 0 — the kernel decides every exit, and an exit it does not expect would be
// contained as a fault of an innocent guest.
// Host-tested (vmx_controls_test) against the MSR values of Bochs' corei7_skylake_x.
#ifndef SEPTUM_KERNEL_CORE_VMX_CONTROLS_H_
#define SEPTUM_KERNEL_CORE_VMX_CONTROLS_H_

#include <stdint.h>

namespace septum {

// The capability MSRs, as read (SDM Vol 3D A.1-A.10).
struct VmxMsrs {
  uint64_t basic = 0;        // IA32_VMX_BASIC (0x480)
  uint64_t pinbased = 0;     // IA32_VMX_PINBASED_CTLS (0x481), or TRUE_PINBASED (0x48D) when basic bit 55
  uint64_t procbased = 0;    // IA32_VMX_PROCBASED_CTLS (0x482), or TRUE (0x48E)
  uint64_t exit = 0;         // IA32_VMX_EXIT_CTLS (0x483), or TRUE (0x48F)
  uint64_t entry = 0;        // IA32_VMX_ENTRY_CTLS (0x484), or TRUE (0x490)
  uint64_t procbased2 = 0;   // IA32_VMX_PROCBASED_CTLS2 (0x48B), 0 without secondary controls
  uint64_t ept_vpid = 0;     // IA32_VMX_EPT_VPID_CAP (0x48C), 0 without EPT
  uint64_t cr0_fixed0 = 0, cr0_fixed1 = 0;  // 0x486, 0x487
  uint64_t cr4_fixed0 = 0, cr4_fixed1 = 0;  // 0x488, 0x489
  uint64_t misc = 0;         // IA32_VMX_MISC (0x485): bits 4:0 the preemption timer's rate
};

// Whether IA32_VMX_BASIC says the TRUE_* control MSRs exist (which ones the arch layer reads).
constexpr bool VmxHasTrueControls(uint64_t basic) { return (basic >> 55) & 1; }

namespace vmx_bits {
// Pin-based (SDM Vol 3C §25.6.1).
inline constexpr uint32_t kExternalInterruptExiting = 1u << 0, kNmiExiting = 1u << 3, kPreemptionTimer = 1u << 6;
// Primary processor-based (§25.6.2).
inline constexpr uint32_t kInterruptWindowExiting = 1u << 2, kHltExiting = 1u << 7, kInvlpgExiting = 1u << 9,
                          kMwaitExiting = 1u << 10, kRdpmcExiting = 1u << 11, kCr3LoadExiting = 1u << 15,
                          kCr3StoreExiting = 1u << 16, kCr8LoadExiting = 1u << 19, kCr8StoreExiting = 1u << 20,
                          kMovDrExiting = 1u << 23, kUnconditionalIoExiting = 1u << 24, kUseIoBitmaps = 1u << 25,
                          kUseMsrBitmaps = 1u << 28, kMonitorExiting = 1u << 29, kActivateSecondary = 1u << 31;
// Secondary processor-based.
inline constexpr uint32_t kEnableEpt = 1u << 1, kEnableVpid = 1u << 5, kWbinvdExiting = 1u << 6, kUnrestrictedGuest = 1u << 7;
// VM-exit controls (§25.7.1).
inline constexpr uint32_t kHostAddressSpaceSize = 1u << 9, kAckInterruptOnExit = 1u << 15, kSavePat = 1u << 18,
                          kLoadPatOnExit = 1u << 19, kSaveEfer = 1u << 20, kLoadEferOnExit = 1u << 21;
// VM-entry controls (§25.8.1).
inline constexpr uint32_t kIa32eModeGuest = 1u << 9, kLoadPatOnEntry = 1u << 14, kLoadEferOnEntry = 1u << 15;
}  // namespace vmx_bits

struct VmxControls {
  uint32_t revision = 0;   // the VMCS revision identifier (basic bits 30:0)
  uint32_t pin = 0;
  uint32_t proc = 0;       // without interrupt-window exiting (set only while an IRQ waits)
  uint32_t proc2 = 0;
  uint32_t exit = 0;
  uint32_t entry = 0;      // without IA-32e mode guest (set for 64-bit guests)
  bool vpid = false;       // VPIDs tag the guests' TLB entries
  bool invvpid_single = false;  // INVVPID single-context (else all-context) flushes one domain
  bool invept_global = false;   // INVEPT all-context, once after VMXON
  // The VMX-preemption timer backs up the slot timer: it ends a guest's run at its slot's end
  // even where a pending interrupt would not (Bochs does not let the APIC timer exit a guest
  // running with RFLAGS.IF = 0). It counts down once every 2^rate TSC ticks.
  bool preemption_timer = false;
  uint32_t preemption_timer_rate = 0;
  // CR0 / CR4 bits that must be 1 / may be 1 in VMX operation (host and guest alike; PE and PG
  // are exempt for an unrestricted guest).
  uint64_t cr0_must1 = 0, cr0_may1 = 0, cr4_must1 = 0, cr4_may1 = 0;
  const char* problem = "";  // why the CPU cannot run Septum's guests ("" if it can)
};

VmxControls ComputeVmxControls(const VmxMsrs& msrs);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_VMX_CONTROLS_H_
