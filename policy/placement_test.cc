// The allocator (placement.h), through the front end: what it avoids, how it aligns, in which
// order it places, and how it fails.
#include "policy/placement.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "policy/frontend.h"

namespace septum::policy {
namespace {

// A one-CPU system with the given RAM, devices and domain bodies.
std::string System1(const std::string& ram, const std::string& items) {
  return absl::StrCat("system t {\n  platform { cpus 1; ", ram, " iommu amd-vi; }\n",
                      "  kernel { memory at 0x100000 size 1MiB; }\n", items,
                      "  schedule { major 1ms; cpu 0 { idle 1ms; } }\n}\n");
}

std::string DomainText(const std::string& name, const std::string& memory) {
  return absl::StrCat("  domain ", name, " { type pv; image \"x\"; cpus 0; ", memory, " boot no; }\n");
}

uint64_t HostOf(const CheckOutcome& out, const std::string& domain, size_t region = 0) {
  const System& s = *out.system;
  return s.regions[s.domains[s.FindDomain(domain)].regions[region]].host.base;
}

TEST(PlacementTest, AvoidsLegacyAreaKernelAndMmio) {
  CheckOutcome out = CheckPolicyText(
      "t", System1("memory at 0x0 size 64MiB;",
                   "  device fb { mmio at 0x200000 size 2MiB; }\n" + DomainText("a", "memory ram size 2MiB rwx;") +
                       DomainText("b", "memory ram size 4KiB rwx;")));
  ASSERT_TRUE(out.accepted()) << RenderText(*out.source, out.diags);
  EXPECT_EQ(HostOf(out, "a"), 0x400000u);  // not [0,1M), not the kernel [1M,2M), not MMIO [2M,4M)
  EXPECT_EQ(HostOf(out, "b"), 0x600000u);  // 4 KiB requests come after the larger ones
}

TEST(PlacementTest, SmallRegionsFillGapsAndTiesGoByName) {
  CheckOutcome out = CheckPolicyText(
      "t", System1("memory at 0x0 size 64MiB;",
                   DomainText("z", "memory ram size 8KiB rwx;") + DomainText("y", "memory ram size 8KiB rwx;")));
  ASSERT_TRUE(out.accepted());
  EXPECT_EQ(HostOf(out, "y"), 0x200000u);  // "y.ram" < "z.ram": y first, right after the kernel
  EXPECT_EQ(HostOf(out, "z"), 0x202000u);
}

TEST(PlacementTest, UsesEveryBankAndFailsWithTheLargestFreeBlock) {
  const std::string ram = "memory at 0x0 size 4MiB; memory at 0x10000000 size 8MiB;";
  CheckOutcome fits = CheckPolicyText("t", System1(ram, DomainText("a", "memory ram size 8MiB rwx;")));
  ASSERT_TRUE(fits.accepted()) << RenderText(*fits.source, fits.diags);
  EXPECT_EQ(HostOf(fits, "a"), 0x10000000u);
  CheckOutcome full = CheckPolicyText("t", System1(ram, DomainText("a", "memory ram size 8MiB rwx;") +
                                                          DomainText("b", "memory ram size 4MiB rwx;")));
  ASSERT_FALSE(full.accepted());
  std::vector<Diagnostic> diags;
  for (const Diagnostic& d : full.diags.Sorted()) {
    if (d.severity == Severity::kError) diags.push_back(d);
  }
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, Code::kNoRoom);
  EXPECT_NE(diags[0].message.find("`b.ram`"), std::string::npos) << diags[0].message;
  EXPECT_NE(diags[0].help.find("largest free block left is 2MiB"), std::string::npos) << diags[0].help;
}

TEST(PlacementTest, GuestAddressesInDeclarationOrderAroundFixedMappings) {
  CheckOutcome out = CheckPolicyText(
      "t", System1("memory at 0x0 size 64MiB;",
                   DomainText("a", "memory lo size 4KiB rw; memory fixed size 4KiB map 0x1000 rw; "
                               "memory big size 2MiB rw; memory next size 4KiB rw;")));
  ASSERT_TRUE(out.accepted()) << RenderText(*out.source, out.diags);
  const System& s = *out.system;
  const Domain& a = s.domains[0];
  EXPECT_EQ(s.regions[a.regions[0]].guest, 0x0u);
  EXPECT_EQ(s.regions[a.regions[1]].guest, 0x1000u);
  EXPECT_EQ(s.regions[a.regions[2]].guest, 0x200000u);  // 2 MiB aligned
  EXPECT_EQ(s.regions[a.regions[3]].guest, 0x2000u);    // first free 4 KiB slot
}

TEST(PlacementTest, FixedAddressesAreKept) {
  CheckOutcome out = CheckPolicyText(
      "t", System1("memory at 0x0 size 64MiB;", DomainText("a", "memory ram size 4KiB at 0x3000000 map 0x5000 rw;")));
  ASSERT_TRUE(out.accepted());
  const Region& r = out.system->regions[0];
  EXPECT_EQ(r.host.base, 0x3000000u);
  EXPECT_EQ(r.guest, 0x5000u);
  EXPECT_FALSE(r.host_placed);
  EXPECT_FALSE(r.guest_placed);
}

}  // namespace
}  // namespace septum::policy
