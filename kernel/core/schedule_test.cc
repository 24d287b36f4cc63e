// kernel/core/schedule_test.cc — stepping a cyclic plan through time.
#include "kernel/core/schedule.h"

#include <gtest/gtest.h>

namespace septum {
namespace {

const tables::SlotRecord kPlan[] = {{0, 0, 6000}, {tables::kNoDomain, 0, 1000}, {1, 0, 3000}};

TEST(ScheduleTest, SlotsInOrderThenRepeat) {
  const Span<const tables::SlotRecord> plan(kPlan);
  SlotPosition p = Locate(plan, 10000, 0);
  EXPECT_EQ(p.index, 0u);
  EXPECT_EQ(p.domain, 0u);
  EXPECT_EQ(p.end, 6000u);
  p = Locate(plan, 10000, 5999);
  EXPECT_EQ(p.index, 0u);
  p = Locate(plan, 10000, 6000);
  EXPECT_EQ(p.index, 1u);
  EXPECT_EQ(p.domain, tables::kNoDomain);
  EXPECT_EQ(p.end, 7000u);
  p = Locate(plan, 10000, 9999);
  EXPECT_EQ(p.domain, 1u);
  EXPECT_EQ(p.end, 10000u);
  p = Locate(plan, 10000, 10000);
  EXPECT_EQ(p.frame, 1u);
  EXPECT_EQ(p.index, 0u);
  EXPECT_EQ(p.end, 16000u);
}

TEST(ScheduleTest, StepsCoverEveryTickOnce) {
  // Walking from slot end to slot end visits each slot once per frame, for many frames.
  const Span<const tables::SlotRecord> plan(kPlan);
  uint64_t now = 0;
  uint64_t visits[3] = {};
  while (now < 1000 * 10000) {
    const SlotPosition p = Locate(plan, 10000, now);
    ASSERT_GT(p.end, now);
    ++visits[p.index];
    now = p.end;
  }
  for (uint64_t v : visits) EXPECT_EQ(v, 1000u);
}

TEST(ScheduleTest, SameSlotIsPerFrame) {
  const Span<const tables::SlotRecord> plan(kPlan);
  EXPECT_TRUE(SameSlot(IdOf(Locate(plan, 10000, 1)), Locate(plan, 10000, 5000)));
  EXPECT_FALSE(SameSlot(IdOf(Locate(plan, 10000, 1)), Locate(plan, 10000, 10001)));
}

TEST(ScheduleTest, ShortPlanHasIdleTail) {
  const tables::SlotRecord one[] = {{2, 0, 100}};
  const SlotPosition p = Locate(Span<const tables::SlotRecord>(one), 1000, 500);
  EXPECT_EQ(p.domain, tables::kNoDomain);
  EXPECT_EQ(p.end, 1000u);
}

TEST(ScheduleTest, HugeTimesDoNotOverflow) {
  const Span<const tables::SlotRecord> plan(kPlan);
  const uint64_t now = (uint64_t{1} << 62) + 6500;
  const SlotPosition p = Locate(plan, 10000, now);
  EXPECT_GT(p.end, now);
  EXPECT_LE(p.end - now, 10000u);
}

// StepTo agrees with Locate at every tick, whichever slot it steps from: the next one in order,
// a wrap to the next frame, a jump over slots missed, or the idle tail of a short plan.
TEST(ScheduleTest, StepToAgreesWithLocate) {
  const tables::SlotRecord short_plan[] = {{0, 0, 3000}, {1, 0, 2000}};  // 5000 of a 7000-tick frame
  struct Case {
    Span<const tables::SlotRecord> plan;
    uint64_t major;
  };
  const Case cases[] = {{Span<const tables::SlotRecord>(kPlan), 10000}, {Span<const tables::SlotRecord>(short_plan), 7000}};
  for (const Case& c : cases) {
    for (uint64_t from = 0; from < 3 * c.major; from += 500) {
      const SlotPosition pos = Locate(c.plan, c.major, from);
      for (uint64_t now = pos.end; now < pos.end + 2 * c.major; now += 250) {
        const SlotPosition want = Locate(c.plan, c.major, now);
        SlotPosition got = pos;
        StepTo(c.plan, c.major, got, now);
        ASSERT_EQ(got.frame, want.frame) << from << " -> " << now;
        ASSERT_EQ(got.index, want.index) << from << " -> " << now;
        ASSERT_EQ(got.domain, want.domain) << from << " -> " << now;
        ASSERT_EQ(got.end, want.end) << from << " -> " << now;
      }
    }
    SlotPosition none;
    StepTo(c.plan, c.major, none, 1234);
    EXPECT_EQ(none.end, Locate(c.plan, c.major, 1234).end) << "no slot yet";
  }
}

}  // namespace
}  // namespace septum
