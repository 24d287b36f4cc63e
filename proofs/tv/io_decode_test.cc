// The bitmaps the compiler writes say exactly: owned ports and whitelisted MSRs pass, nothing
// else does — checked for every port and every MSR of the covered ranges, both vendors.
#include "proofs/tv/io_decode.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "kernel/abi/io_bitmaps.h"
#include "tools/compiler/io_bitmaps.h"

namespace septum {
namespace {

bool Owned(const std::vector<std::pair<uint32_t, uint32_t>>& ports, uint32_t p) {
  return std::any_of(ports.begin(), ports.end(), [p](const auto& r) { return r.first <= p && p <= r.second; });
}

TEST(IoBitmapsTest, EveryPortPassesIffOwned) {
  const std::vector<std::pair<uint32_t, uint32_t>> ports = {{0x2f8, 0x2ff}, {0x7ffc, 0x8003}, {0xfff8, 0xffff}, {0, 0}};
  const compiler::IoBitmaps b = compiler::BuildIoBitmaps(ports);
  ASSERT_EQ(b.svm_iopm.size(), io_bitmaps::kSvmIopmBytes);
  ASSERT_EQ(b.vmx_io.size(), io_bitmaps::kVmxIoBitmapBytes);
  for (uint32_t p = 0; p <= 0xffff; ++p) {
    ASSERT_EQ(tv::SvmPortPasses(b.svm_iopm, p), Owned(ports, p)) << std::hex << p;
    ASSERT_EQ(tv::VmxPortPasses(b.vmx_io, p), Owned(ports, p)) << std::hex << p;
  }
  // The IOPM bits past port 0xffff stay set (APM: multi-byte accesses that wrap).
  for (uint32_t byte = 0x10000 / 8; byte < b.svm_iopm.size(); ++byte) ASSERT_EQ(b.svm_iopm[byte], 0xff);
}

TEST(IoBitmapsTest, OnlyWhitelistedMsrsPass) {
  const compiler::IoBitmaps b = compiler::BuildIoBitmaps({});
  auto whitelisted = [](uint32_t msr) {
    return std::find(std::begin(io_bitmaps::kMsrWhitelist), std::end(io_bitmaps::kMsrWhitelist), msr) !=
           std::end(io_bitmaps::kMsrWhitelist);
  };
  for (uint32_t base : {0x0u, 0xc0000000u, 0xc0010000u}) {
    for (uint32_t msr = base; msr <= base + 0x1fff; ++msr) {
      for (bool write : {false, true}) {
        ASSERT_EQ(tv::SvmMsrPasses(b.svm_msrpm, msr, write), whitelisted(msr)) << std::hex << msr;
        ASSERT_EQ(tv::VmxMsrPasses(b.vmx_msr, msr, write), whitelisted(msr)) << std::hex << msr;
      }
    }
  }
  EXPECT_FALSE(tv::SvmMsrPasses(b.svm_msrpm, 0x40000000, false));  // outside every block
  EXPECT_FALSE(tv::VmxMsrPasses(b.vmx_msr, 0xc0010000, false));   // VMX has no third block
  for (uint32_t byte = 0x1800; byte < b.svm_msrpm.size(); ++byte) ASSERT_EQ(b.svm_msrpm[byte], 0xff);  // reserved
}

TEST(IoBitmapsTest, AFlippedBitChangesExactlyOneDecision) {
  compiler::IoBitmaps b = compiler::BuildIoBitmaps({{0x3f8, 0x3ff}});
  b.vmx_io[0x3f8 / 8] ^= 1;  // port 0x3f8 now exits
  EXPECT_FALSE(tv::VmxPortPasses(b.vmx_io, 0x3f8));
  EXPECT_TRUE(tv::VmxPortPasses(b.vmx_io, 0x3f9));
  b.svm_iopm[0x60 / 8] &= static_cast<uint8_t>(~1u);  // port 0x60 now passes: a breach the validator must see
  EXPECT_TRUE(tv::SvmPortPasses(b.svm_iopm, 0x60));
}

}  // namespace
}  // namespace septum
