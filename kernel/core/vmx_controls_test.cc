// kernel/core/vmx_controls_test.cc — the VMX controls from capability MSRs: what must be 1 is,
// what Septum needs is there or the CPU is refused, what it must not have is off.
#include "kernel/core/vmx_controls.h"

#include <gtest/gtest.h>

namespace septum {
namespace {

using namespace vmx_bits;

uint64_t Msr(uint32_t must1, uint32_t may1) { return uint64_t{may1} << 32 | must1; }

// A capable CPU: TRUE controls, write-back VMCS, everything Septum wants allowed, the usual
// default-1 bits required (SDM Vol 3D A.2).
VmxMsrs Capable() {
  VmxMsrs m;
  m.basic = (uint64_t{1} << 55) | (uint64_t{6} << 50) | 0x12;
  m.pinbased = Msr(0x16, 0x7f);
  m.procbased = Msr(0x04006172, 0xfff9fffe);
  m.procbased2 = Msr(0, 0x000000ff);
  m.exit = Msr(0x00036dfb, 0x003fffff);
  m.entry = Msr(0x000011fb, 0x0000ffff);
  m.ept_vpid = (uint64_t{1} << 6) | (uint64_t{1} << 14) | (uint64_t{1} << 20) | (uint64_t{1} << 26) | (uint64_t{1} << 32) |
               (uint64_t{1} << 41) | (uint64_t{1} << 42);
  m.cr0_fixed0 = 0x80000021;
  m.cr0_fixed1 = 0xffffffff;
  m.cr4_fixed0 = 0x2000;
  m.cr4_fixed1 = 0x3767ff;
  m.misc = 5;
  return m;
}

TEST(VmxControlsTest, ACapableCpuGetsEverythingSeptumNeeds) {
  const VmxControls c = ComputeVmxControls(Capable());
  ASSERT_STREQ(c.problem, "");
  EXPECT_EQ(c.revision, 0x12u);
  EXPECT_TRUE(c.pin & kExternalInterruptExiting);
  EXPECT_TRUE(c.pin & kNmiExiting);
  EXPECT_TRUE(c.pin & kPreemptionTimer);
  EXPECT_EQ(c.pin & 0x16, 0x16u) << "must-be-1 bits kept";
  for (uint32_t bit : {kHltExiting, kMovDrExiting, kUseIoBitmaps, kUseMsrBitmaps, kMwaitExiting, kMonitorExiting, kRdpmcExiting,
                       kActivateSecondary}) {
    EXPECT_TRUE(c.proc & bit) << bit;
  }
  for (uint32_t bit : {kInterruptWindowExiting, kInvlpgExiting, kCr3LoadExiting, kCr3StoreExiting, kUnconditionalIoExiting}) {
    EXPECT_FALSE(c.proc & bit) << bit;
  }
  EXPECT_TRUE(c.proc2 & kEnableEpt);
  EXPECT_TRUE(c.proc2 & kUnrestrictedGuest);
  EXPECT_TRUE(c.proc2 & kEnableVpid);
  EXPECT_TRUE(c.proc2 & kWbinvdExiting);
  EXPECT_TRUE(c.vpid);
  EXPECT_TRUE(c.invvpid_single);
  EXPECT_TRUE(c.invept_global);
  EXPECT_TRUE(c.exit & kHostAddressSpaceSize);
  EXPECT_FALSE(c.exit & kAckInterruptOnExit);
  EXPECT_TRUE(c.entry & kLoadEferOnEntry);
  EXPECT_FALSE(c.entry & kIa32eModeGuest) << "set per guest";
  EXPECT_EQ(c.preemption_timer_rate, 5u);
  EXPECT_EQ(c.cr4_must1, 0x2000u);
}

TEST(VmxControlsTest, RefusesWhatItCannotRunOn) {
  VmxMsrs m = Capable();
  m.procbased2 = Msr(0, 0x7d);  // no unrestricted guest
  EXPECT_STRNE(ComputeVmxControls(m).problem, "");
  m = Capable();
  m.procbased2 = Msr(0, 0xfd);  // no EPT
  EXPECT_STRNE(ComputeVmxControls(m).problem, "");
  m = Capable();
  m.procbased = Msr(0x04006172 | kCr3LoadExiting, 0xfff9fffe);  // CR3-load exiting cannot be turned off (no TRUE controls)
  EXPECT_STRNE(ComputeVmxControls(m).problem, "");
  m = Capable();
  m.procbased = Msr(0x04006172, 0xfff9fffe & ~kHltExiting);
  EXPECT_STRNE(ComputeVmxControls(m).problem, "");
  m = Capable();
  m.procbased = Msr(0x04006172, 0xfff9fffe & ~kInterruptWindowExiting);
  EXPECT_STRNE(ComputeVmxControls(m).problem, "");
  m = Capable();
  m.exit = Msr(0x00036dfb | kAckInterruptOnExit, 0x003fffff);  // interrupts acknowledged on exit, forced
  EXPECT_STRNE(ComputeVmxControls(m).problem, "");
  m = Capable();
  m.entry = Msr(0x000011fb, 0x0000ffff & ~kIa32eModeGuest);
  EXPECT_STRNE(ComputeVmxControls(m).problem, "");
  m = Capable();
  m.ept_vpid &= ~(uint64_t{1} << 14);  // no write-back EPT structures
  EXPECT_STRNE(ComputeVmxControls(m).problem, "");
  m = Capable();
  m.basic = (uint64_t{1} << 55) | 0x12;  // an uncacheable VMCS
  EXPECT_STRNE(ComputeVmxControls(m).problem, "");
  m = Capable();
  m.pinbased = Msr(0x16, 0x7e);  // no external-interrupt exiting
  EXPECT_STRNE(ComputeVmxControls(m).problem, "");
}

TEST(VmxControlsTest, OptionalFeaturesFallBack) {
  VmxMsrs m = Capable();
  m.ept_vpid &= ~(uint64_t{1} << 32);  // VPIDs without INVVPID: not used
  VmxControls c = ComputeVmxControls(m);
  ASSERT_STREQ(c.problem, "");
  EXPECT_FALSE(c.vpid);
  EXPECT_FALSE(c.proc2 & kEnableVpid);
  m = Capable();
  m.ept_vpid &= ~(uint64_t{1} << 41);  // only all-context INVVPID
  c = ComputeVmxControls(m);
  EXPECT_TRUE(c.vpid);
  EXPECT_FALSE(c.invvpid_single);
  m = Capable();
  m.pinbased = Msr(0x16, 0x3f);  // no preemption timer
  c = ComputeVmxControls(m);
  ASSERT_STREQ(c.problem, "");
  EXPECT_FALSE(c.preemption_timer);
  EXPECT_FALSE(c.pin & kPreemptionTimer);
  m = Capable();
  m.procbased2 = Msr(0, 0x8a);  // no WBINVD exiting, no VPID
  c = ComputeVmxControls(m);
  ASSERT_STREQ(c.problem, "");
  EXPECT_FALSE(c.proc2 & kWbinvdExiting);
  EXPECT_FALSE(c.vpid);
}

}  // namespace
}  // namespace septum
