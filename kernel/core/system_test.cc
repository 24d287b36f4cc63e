// kernel/core/system_test.cc — kicks reach only the CPU that runs a domain or idles in its
// slot, never the CPU making the call, and nobody else.
#include "kernel/core/system.h"

#include <gtest/gtest.h>

#include <vector>

#include "kernel/core/system_testing.h"

namespace septum {
namespace {

TEST(SystemTest, AKickReachesOnlyTheCpuOfTheDomain) {
  TestSystem t(3);
  for (Cpu& c : t.cpus) c.idle_in = tables::kNoDomain;
  t.cpus[0].running = 2;  // CPU 0 runs domain 2
  t.cpus[1].idle_in = 2;  // CPU 1 idles in a slot of domain 2 (it runs on CPU 0 now)
  t.cpus[2].idle_in = 0;
  t.system->Kick(2, kNoCpu);
  EXPECT_EQ(t.kicked, (std::vector<uint32_t>{0, 1}));
  t.kicked.clear();
  t.system->Kick(2, 0);
  EXPECT_EQ(t.kicked, std::vector<uint32_t>{1}) << "the CPU making the call looks again anyway";
  t.kicked.clear();
  t.system->Kick(1, kNoCpu);
  EXPECT_TRUE(t.kicked.empty()) << "domain 1 runs nowhere and no CPU idles in its slot";
}

TEST(SystemTest, WithoutAKickHookNothingHappens) {
  TestSystem t(1);
  t.system->hooks.kick = nullptr;
  t.system->Kick(0, kNoCpu);
  EXPECT_TRUE(t.kicked.empty());
}

// A schedule section: a header, then `plans` (cpu, first slot, count), then the slots.
std::vector<uint8_t> Schedule(uint64_t major, const std::vector<tables::CpuPlan>& plans, const std::vector<tables::SlotRecord>& slots,
                              uint64_t tick_ns = tables::kTickNs) {
  const tables::ScheduleHeader header{tick_ns, major, static_cast<uint32_t>(plans.size()), static_cast<uint32_t>(slots.size())};
  std::vector<uint8_t> out(sizeof(header) + plans.size() * sizeof(tables::CpuPlan) + slots.size() * sizeof(tables::SlotRecord));
  __builtin_memcpy(out.data(), &header, sizeof(header));
  if (!plans.empty()) __builtin_memcpy(out.data() + sizeof(header), plans.data(), plans.size() * sizeof(tables::CpuPlan));
  if (!slots.empty()) {
    __builtin_memcpy(out.data() + sizeof(header) + plans.size() * sizeof(tables::CpuPlan), slots.data(),
                     slots.size() * sizeof(tables::SlotRecord));
  }
  return out;
}

Status Bind(TestSystem& t, const std::vector<uint8_t>& schedule, uint32_t platform_cpus = 4) {
  t.cpus.assign(8, Cpu{});
  t.Bind();
  return BindPlans(*t.system, Span<const uint8_t>(schedule.data(), schedule.size()), platform_cpus);
}

TEST(BindPlansTest, GivesEachCpuItsPlanAndCountsEachDomainsPlans) {
  TestSystem t(3);
  // CPU 0: 0, idle, 0; CPU 2: 0, 1. CPU 1 has no plan; domain 2 none at all.
  const std::vector<uint8_t> s = Schedule(10000, {{0, 0, 3, 0}, {2, 3, 2, 0}},
                                          {{0, 0, 4000}, {tables::kNoDomain, 0, 2000}, {0, 0, 4000}, {0, 0, 5000}, {1, 0, 5000}});
  ASSERT_EQ(Bind(t, s), Status::kOk);
  EXPECT_EQ(t.system->cpus.size(), 3u) << "up to the last CPU with a plan";
  EXPECT_EQ(t.system->major_ticks, 10000u);
  EXPECT_EQ(t.cpus[0].plan.size(), 3u);
  EXPECT_TRUE(t.cpus[1].plan.empty());
  EXPECT_EQ(t.cpus[2].plan.size(), 2u);
  EXPECT_EQ(t.cpus[2].index, 2u);
  EXPECT_EQ(t.domains[0].plans, 2u) << "twice in CPU 0's plan counts once";
  EXPECT_EQ(t.domains[1].plans, 1u);
  EXPECT_EQ(t.domains[2].plans, 0u);
}

TEST(BindPlansTest, RefusesWhatItCannotRun) {
  const std::vector<tables::SlotRecord> one = {{0, 0, 1000}};
  TestSystem t(1);
  EXPECT_EQ(Bind(t, {}), Status::kCorrupt) << "no header";
  std::vector<uint8_t> s = Schedule(1000, {{0, 0, 1, 0}}, one);
  s.push_back(0);
  EXPECT_EQ(Bind(t, s), Status::kCorrupt) << "a byte too many";
  EXPECT_EQ(Bind(t, Schedule(0, {{0, 0, 1, 0}}, one)), Status::kCorrupt) << "no major frame";
  EXPECT_EQ(Bind(t, Schedule(1000, {{0, 0, 1, 0}}, one, 500)), Status::kCorrupt) << "another tick";
  EXPECT_EQ(Bind(t, Schedule(1000, {{0, 0, 2, 0}}, one)), Status::kCorrupt) << "slots beyond the section";
  EXPECT_EQ(Bind(t, Schedule(1000, {{0, 0, 0, 0}}, one)), Status::kCorrupt) << "an empty plan";
  EXPECT_EQ(Bind(t, Schedule(1000, {{4, 0, 1, 0}, {0, 0, 1, 0}}, one)), Status::kCorrupt) << "a CPU the platform lacks";
  EXPECT_EQ(Bind(t, Schedule(1000, {{0, 0, 1, 0}, {0, 0, 1, 0}}, one)), Status::kCorrupt) << "two plans for CPU 0";
  EXPECT_EQ(Bind(t, Schedule(1000, {{9, 0, 1, 0}, {0, 0, 1, 0}}, one), 16), Status::kNoSpace) << "beyond the kernel's CPUs";
  EXPECT_EQ(Bind(t, Schedule(1000, {{1, 0, 1, 0}}, one)), Status::kNotFound) << "no plan for CPU 0";
}

}  // namespace
}  // namespace septum
