#include "kernel/core/virt_caps.h"

#include <gtest/gtest.h>

#include <cstring>

namespace septum {
namespace {

CpuSnapshot Amd(bool svm, bool npt) {
  CpuSnapshot c;
  c.leaf0 = {0xd, 0x68747541, 0x444d4163, 0x69746e65};  // "AuthenticAMD"
  c.leaf1 = {};
  c.ext0.eax = 0x8000000A;
  c.ext1.ecx = svm ? (1u << 2) : 0;
  c.svm_features = {1, 16, 0, npt ? 1u : 0};
  return c;
}

CpuSnapshot Intel(bool vmx, bool secondary, bool ept, uint64_t feature_control = 0x5) {
  CpuSnapshot c;
  c.leaf0 = {0x16, 0x756e6547, 0x6c65746e, 0x49656e69};  // "GenuineIntel"
  c.leaf1.ecx = vmx ? (1u << 5) : 0;
  c.ext0.eax = 0x80000008;
  c.feature_control = feature_control;
  c.vmx_procbased_ctls = secondary ? (uint64_t{1} << 63) : 0;
  c.vmx_procbased_ctls2 = ept ? (uint64_t{1} << 33) : 0;
  return c;
}

TEST(VirtCapsTest, AmdWithNpt) {
  VirtCaps caps = DecodeVirtCaps(Amd(true, true));
  EXPECT_STREQ(caps.vendor, "AuthenticAMD");
  EXPECT_TRUE(caps.svm);
  EXPECT_TRUE(caps.npt);
  EXPECT_EQ(caps.svm_asids, 16u);
  EXPECT_EQ(caps.backend, VirtBackend::kSvm);
  EXPECT_STREQ(caps.reason, "");
}

TEST(VirtCapsTest, AmdWithoutNptIsRefused) {
  VirtCaps caps = DecodeVirtCaps(Amd(true, false));
  EXPECT_EQ(caps.backend, VirtBackend::kNone);
  EXPECT_NE(std::strstr(caps.reason, "NPT"), nullptr);
}

TEST(VirtCapsTest, AmdWithoutSvm) {
  VirtCaps caps = DecodeVirtCaps(Amd(false, true));
  EXPECT_FALSE(caps.svm);
  EXPECT_FALSE(caps.npt);  // the NPT bit means nothing without SVM
  EXPECT_EQ(caps.backend, VirtBackend::kNone);
  EXPECT_STREQ(caps.reason, "no hardware virtualization (neither SVM nor VMX)");
}

TEST(VirtCapsTest, SvmLeafBeyondMaxExtendedLeafIsIgnored) {
  CpuSnapshot c = Amd(true, true);
  c.ext0.eax = 0x80000008;  // 0x8000000A not reported
  VirtCaps caps = DecodeVirtCaps(c);
  EXPECT_TRUE(caps.svm);
  EXPECT_FALSE(caps.npt);
  EXPECT_EQ(caps.backend, VirtBackend::kNone);
}

TEST(VirtCapsTest, IntelWithEpt) {
  CpuSnapshot c = Intel(true, true, true);
  EXPECT_TRUE(NeedsVmxMsrs(c));
  EXPECT_TRUE(NeedsVmxSecondaryMsr(c));
  VirtCaps caps = DecodeVirtCaps(c);
  EXPECT_STREQ(caps.vendor, "GenuineIntel");
  EXPECT_TRUE(caps.vmx);
  EXPECT_TRUE(caps.ept);
  EXPECT_EQ(caps.backend, VirtBackend::kVmx);
}

TEST(VirtCapsTest, IntelUnlockedFeatureControlIsUsable) {
  EXPECT_EQ(DecodeVirtCaps(Intel(true, true, true, 0x0)).backend, VirtBackend::kVmx);
}

TEST(VirtCapsTest, IntelLockedOffByFirmware) {
  VirtCaps caps = DecodeVirtCaps(Intel(true, true, true, 0x1));
  EXPECT_TRUE(caps.vmx_locked_off);
  EXPECT_EQ(caps.backend, VirtBackend::kNone);
  EXPECT_NE(std::strstr(caps.reason, "firmware"), nullptr);
}

TEST(VirtCapsTest, IntelWithoutSecondaryControlsHasNoEpt) {
  CpuSnapshot c = Intel(true, false, true);
  EXPECT_FALSE(NeedsVmxSecondaryMsr(c));
  VirtCaps caps = DecodeVirtCaps(c);
  EXPECT_FALSE(caps.ept);
  EXPECT_EQ(caps.backend, VirtBackend::kNone);
  EXPECT_NE(std::strstr(caps.reason, "EPT"), nullptr);
}

TEST(VirtCapsTest, IntelWithoutVmxReadsNoMsrs) {
  CpuSnapshot c = Intel(false, true, true);
  EXPECT_FALSE(NeedsVmxMsrs(c));
  EXPECT_EQ(DecodeVirtCaps(c).backend, VirtBackend::kNone);
}

TEST(VirtCapsTest, BackendNames) {
  EXPECT_STREQ(BackendName(VirtBackend::kSvm), "svm");
  EXPECT_STREQ(BackendName(VirtBackend::kVmx), "vmx");
  EXPECT_STREQ(BackendName(VirtBackend::kNone), "none");
}

}  // namespace
}  // namespace septum
