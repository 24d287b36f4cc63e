// kernel/core/vmx_controls.cc — see vmx_controls.h.
#include "kernel/core/vmx_controls.h"

namespace septum {
namespace {

using namespace vmx_bits;

constexpr uint64_t kMemoryTypeWriteBack = 6;

// (wanted | must be 1) & may be 1; false unless every wanted bit is on and every forbidden off.
bool Fit(uint64_t msr, uint32_t wanted, uint32_t forbidden, uint32_t* out) {
  const auto must1 = static_cast<uint32_t>(msr), may1 = static_cast<uint32_t>(msr >> 32);
  *out = (wanted | must1) & may1;
  return (*out & wanted) == wanted && (*out & forbidden) == 0;
}

bool MayBe1(uint64_t msr, uint32_t bits) { return (static_cast<uint32_t>(msr >> 32) & bits) == bits; }
bool Bit(uint64_t v, unsigned b) { return (v >> b) & 1; }

}  // namespace

VmxControls ComputeVmxControls(const VmxMsrs& m) {
  VmxControls c;
  c.revision = static_cast<uint32_t>(m.basic & 0x7fffffff);
  c.cr0_must1 = m.cr0_fixed0;
  c.cr0_may1 = m.cr0_fixed1;
  c.cr4_must1 = m.cr4_fixed0;
  c.cr4_may1 = m.cr4_fixed1;
  if (((m.basic >> 50) & 0xf) != kMemoryTypeWriteBack) {
    c.problem = "the VMCS must be write-back memory on this CPU, which Septum does not support";
    return c;
  }
  c.preemption_timer = MayBe1(m.pinbased, kPreemptionTimer);
  c.preemption_timer_rate = static_cast<uint32_t>(m.misc & 0x1f);
  if (!Fit(m.pinbased, kExternalInterruptExiting | kNmiExiting | (c.preemption_timer ? kPreemptionTimer : 0), 0, &c.pin)) {
    c.problem = "VMX cannot exit on external interrupts and NMIs";
    return c;
  }
  // Every privileged instruction Septum keeps must exit; none the guest may use may exit.
  const uint32_t proc_wanted = kHltExiting | kMovDrExiting | kUseIoBitmaps | kUseMsrBitmaps | kMwaitExiting | kMonitorExiting |
                               kRdpmcExiting | kActivateSecondary;
  const uint32_t proc_forbidden =
      kInvlpgExiting | kCr3LoadExiting | kCr3StoreExiting | kCr8LoadExiting | kCr8StoreExiting | kUnconditionalIoExiting;
  if (!Fit(m.procbased, proc_wanted, proc_forbidden, &c.proc)) {
    c.problem = "the VMX processor-based controls Septum needs (HLT, MOV DR, MWAIT/MONITOR, RDPMC exiting, I/O and MSR "
                "bitmaps, secondary controls; no CR3, CR8 or INVLPG exiting) are not available";
    return c;
  }
  c.proc &= ~kInterruptWindowExiting;
  if (!MayBe1(m.procbased, kInterruptWindowExiting)) {
    c.problem = "VMX cannot exit on an interrupt window (needed to deliver device IRQs)";
    return c;
  }
  const uint32_t proc2_optional = (MayBe1(m.procbased2, kWbinvdExiting) ? kWbinvdExiting : 0) |
                                  (MayBe1(m.procbased2, kEnableVpid) ? kEnableVpid : 0);
  if (!Fit(m.procbased2, kEnableEpt | kUnrestrictedGuest | proc2_optional, 0, &c.proc2)) {
    c.problem = "VMX without EPT and unrestricted guests (both needed)";
    return c;
  }
  // EPT: 4-level walks (bit 6) into write-back tables (bit 14), SDM Vol 3D A.10.
  if (!Bit(m.ept_vpid, 6) || !Bit(m.ept_vpid, 14)) {
    c.problem = "EPT without 4-level page walks or write-back paging structures";
    return c;
  }
  c.invept_global = Bit(m.ept_vpid, 20) && Bit(m.ept_vpid, 26);
  // VPIDs only with a way to flush one domain's entries (INVVPID single- or all-context).
  c.vpid = (c.proc2 & kEnableVpid) && Bit(m.ept_vpid, 32) && (Bit(m.ept_vpid, 41) || Bit(m.ept_vpid, 42));
  c.invvpid_single = c.vpid && Bit(m.ept_vpid, 41);
  if (!c.vpid) c.proc2 &= ~kEnableVpid;
  if (!Fit(m.exit, kHostAddressSpaceSize | kSaveEfer | kLoadEferOnExit | kSavePat | kLoadPatOnExit, kAckInterruptOnExit, &c.exit)) {
    c.problem = "the VMX exit controls Septum needs (64-bit host, save/load EFER and PAT, interrupts left pending) are not available";
    return c;
  }
  if (!Fit(m.entry, kLoadEferOnEntry | kLoadPatOnEntry, 0, &c.entry) || !MayBe1(m.entry, kIa32eModeGuest)) {
    c.problem = "the VMX entry controls Septum needs (load EFER and PAT, 64-bit guests) are not available";
    return c;
  }
  c.entry &= ~kIa32eModeGuest;
  return c;
}

}  // namespace septum
