// third_party/system_libs_test.cc — the offline toolchain links and runs Debian's libraries.
//
// A failing build here means a target in system.BUILD is wrong; a failing test means a library
// is not the version the design was measured with (../shared/design/PLATFORM.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <z3++.h>

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace {

TEST(SystemLibsTest, Z3IsTheMeasuredVersion) {
  unsigned major, minor, build, revision;
  Z3_get_version(&major, &minor, &build, &revision);
  EXPECT_EQ(absl::StrFormat("%u.%u.%u", major, minor, build), "4.8.12");
}

TEST(SystemLibsTest, Z3ProvesAndRefutesBitVectorFacts) {
  z3::context c;
  const z3::expr x = c.bv_const("x", 64);
  const z3::expr base = c.bv_val(static_cast<uint64_t>(0x1000), 64);
  // For all x: x & ~0xfff is 4 KiB aligned. Its negation must be unsat.
  z3::solver s(c);
  s.add((x & ~c.bv_val(static_cast<uint64_t>(0xfff), 64) & c.bv_val(static_cast<uint64_t>(0xfff), 64)) != 0);
  EXPECT_EQ(s.check(), z3::unsat);
  // Not every x >= 0x1000 (unsigned) is < 0x2000: sat, with a witness.
  z3::solver t(c);
  t.add(z3::uge(x, base) && z3::uge(x, c.bv_val(static_cast<uint64_t>(0x2000), 64)));
  ASSERT_EQ(t.check(), z3::sat);
  EXPECT_GE(t.get_model().eval(x, true).get_numeral_uint64(), 0x2000u);
}

absl::StatusOr<int> ParsePositive(int x) {
  if (x <= 0) return absl::InvalidArgumentError(absl::StrFormat("%d is not positive", x));
  return x;
}

TEST(SystemLibsTest, AbseilStatusStringsContainers) {
  EXPECT_TRUE(ParsePositive(3).ok());
  EXPECT_EQ(ParsePositive(-1).status().message(), "-1 is not positive");
  absl::flat_hash_map<std::string, int> m = {{"dom0", 0}, {"worker", 1}};
  EXPECT_EQ(m.at("worker"), 1);
  EXPECT_EQ(absl::StrJoin(std::vector<std::string>{"a", "b"}, ","), "a,b");
}

TEST(SystemLibsTest, GMockMatchers) {
  EXPECT_THAT(std::vector<int>({1, 2, 3}), ::testing::ElementsAre(1, 2, 3));
  EXPECT_THAT(std::string("virt=svm npt=yes"), ::testing::HasSubstr("npt=yes"));
}

}  // namespace
