// kernel/core/clock_test.cc — TSC readings to nanoseconds.
#include "kernel/core/clock.h"

#include <gtest/gtest.h>

namespace septum {
namespace {

TEST(ClockTest, ConvertsWholeAndPartialMicroseconds) {
  const TscClock c{1000, 2100};  // 2.1 GHz
  EXPECT_EQ(NsAt(c, 1000), 0u);
  EXPECT_EQ(NsAt(c, 1000 + 2100), 1000u);
  EXPECT_EQ(NsAt(c, 1000 + 2100 * 5 + 1050), 5500u);
  EXPECT_EQ(NsAt(c, 999), 0u) << "before the start";
}

TEST(ClockTest, NoOverflowForCenturies) {
  const TscClock c{0, 3000};
  const uint64_t century_tsc = uint64_t{3000} * 1000000 * 3600 * 24 * 365 * 100;
  EXPECT_EQ(NsAt(c, century_tsc), uint64_t{1000000000} * 3600 * 24 * 365 * 100);
}

}  // namespace
}  // namespace septum

namespace septum {
namespace {

TEST(ClockTest, TscAtInvertsNsAt) {
  const TscClock c{1000000, 2400};
  for (uint64_t ns : {uint64_t{0}, uint64_t{999}, uint64_t{1000}, uint64_t{5000000}, uint64_t{3600} * 1000000000}) {
    const uint64_t tsc = TscAt(c, ns);
    EXPECT_LE(NsAt(c, tsc), ns);
    EXPECT_GE(NsAt(c, tsc) + 1, ns) << ns;
  }
}

}  // namespace
}  // namespace septum
