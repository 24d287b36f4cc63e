// kernel/core/control_test.cc — the control calls: every right checked against the caller's row
// for that target, state changes, query into the caller's memory, denials counted.
#include "kernel/core/control.h"

#include <gtest/gtest.h>

#include <vector>

#include "kernel/core/guest_memory_testing.h"
#include "kernel/core/system_testing.h"

namespace septum {
namespace {

using hypercall::Number;

constexpr uint8_t kRW = paging::kRead | paging::kWrite;

// dom0 (index 0) holds every right over 1 and only query over 2; 1 holds none. Each domain's
// CPU idles in its slot, so a kick for domain d reaches CPU d.
struct World {
  FakeGuestMemory g{paging::Format::kNpt, 16};
  uint64_t page = 0;
  TestSystem t{3, g.memory(), g.root()};
  std::vector<tables::DomainRecord>& records = t.records;
  std::vector<Domain>& domains = t.domains;
  std::vector<tables::ControlRight>& rights = t.rights;
  std::vector<uint32_t>& kicked = t.kicked;

  World() {
    page = g.NewPage();
    g.Map(0x5000, page, kRW);
    g.Map(0x6000, g.NewPage(), paging::kRead);
    rights = {{0, 1, tables::kAllRights, 0}, {0, 2, tables::kRightQuery, 0}};
    t.Bind();
    domains[2].exits = 7;
    domains[2].faults = 1;
    domains[2].restarts = 2;
  }
  HypercallResult Call(uint32_t caller, Number n, uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0) {
    return HandleControl(domains[caller], *t.system, HypercallArgs{static_cast<uint64_t>(n), a0, a1, a2});
  }
  // Every caller's counters together.
  DomainCounters counters() const {
    DomainCounters sum;
    for (const Domain& d : domains) {
      sum.hypercalls += d.calls.hypercalls;
      sum.denied += d.calls.denied;
      sum.failed += d.calls.failed;
    }
    return sum;
  }
};

TEST(ControlTest, GrantedRightsChangeTheTargetsState) {
  World w;
  EXPECT_EQ(w.Call(0, Number::kDomainPause, 1).status, Status::kOk);
  EXPECT_EQ(w.domains[1].status, DomainStatus::kPaused);
  EXPECT_EQ(w.Call(0, Number::kDomainPause, 1).status, Status::kBadState) << "already paused";
  EXPECT_EQ(w.Call(0, Number::kDomainResume, 1).status, Status::kOk);
  EXPECT_EQ(w.domains[1].status, DomainStatus::kRunnable);
  EXPECT_EQ(w.Call(0, Number::kDomainResume, 1).status, Status::kBadState) << "not paused";
  EXPECT_EQ(w.Call(0, Number::kDomainStart, 1).status, Status::kBadState) << "running";
  EXPECT_EQ(w.Call(0, Number::kDomainStop, 1).status, Status::kOk);
  EXPECT_EQ(w.domains[1].status, DomainStatus::kStopped);
  EXPECT_EQ(w.Call(0, Number::kDomainStop, 1).status, Status::kBadState) << "already stopped";
  EXPECT_EQ(w.Call(0, Number::kDomainStart, 1).status, Status::kOk);
  EXPECT_EQ(w.domains[1].status, DomainStatus::kStarting);
  EXPECT_EQ(w.kicked, (std::vector<uint32_t>{1, 1, 1, 1})) << "pause, resume, stop, start: each kicks the target's CPU";
  EXPECT_EQ(w.counters().denied, 0u);
  EXPECT_EQ(w.counters().failed, 4u) << "state mismatches count as failed, not denied";
}

TEST(ControlTest, EveryMissingRightIsDeniedAndCounted) {
  for (Number n : {Number::kDomainStart, Number::kDomainStop, Number::kDomainPause, Number::kDomainResume}) {
    World w;
    w.domains[2].status = n == Number::kDomainStart ? DomainStatus::kStopped : n == Number::kDomainResume ? DomainStatus::kPaused
                                                                                                            : DomainStatus::kRunnable;
    const DomainStatus before = w.domains[2].status;
    EXPECT_EQ(w.Call(0, n, 2).status, Status::kDenied) << static_cast<int>(n);
    EXPECT_EQ(w.domains[2].status, before);
    EXPECT_EQ(w.counters().denied, 1u);
  }
  World w;
  EXPECT_EQ(w.Call(1, Number::kDomainQuery, 0, 0x5000, sizeof(hypercall::DomainQuery)).status, Status::kDenied) << "a DomU has no rights";
  EXPECT_EQ(w.Call(0, Number::kDomainStop, 0).status, Status::kDenied) << "no right over itself";
  EXPECT_EQ(w.Call(0, Number::kDomainStop, 3).status, Status::kDenied) << "no such domain";
  EXPECT_EQ(w.Call(0, Number::kDomainStop, ~uint64_t{0}).status, Status::kDenied);
  w.records[0].hypercalls = tables::kGroupConsole;
  EXPECT_EQ(w.Call(0, Number::kDomainStop, 1).status, Status::kDenied) << "no control group";
  EXPECT_EQ(w.domains[1].status, DomainStatus::kRunnable);
  EXPECT_EQ(w.counters().denied, 5u);
}

TEST(ControlTest, QueryWritesTheTargetsCountersIntoWritableMemoryOnly) {
  World w;
  const HypercallResult r = w.Call(0, Number::kDomainQuery, 2, 0x5000, sizeof(hypercall::DomainQuery));
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.value, sizeof(hypercall::DomainQuery));
  hypercall::DomainQuery q;
  __builtin_memcpy(&q, w.g.Bytes(w.page), sizeof(q));
  EXPECT_EQ(q.domain, 2u);
  EXPECT_EQ(q.state, static_cast<uint32_t>(hypercall::DomainState::kRunning));
  EXPECT_EQ(q.exits, 7u);
  EXPECT_EQ(q.faults, 1u);
  EXPECT_EQ(q.restarts, 2u);
  EXPECT_EQ(w.Call(0, Number::kDomainQuery, 2, 0x6000, sizeof(q)).status, Status::kDenied) << "read-only buffer";
  EXPECT_EQ(w.Call(0, Number::kDomainQuery, 2, 0x5ff0, sizeof(q)).status, Status::kDenied) << "crosses into read-only";
  EXPECT_EQ(w.Call(0, Number::kDomainQuery, 2, 0x7000, sizeof(q)).status, Status::kOutOfRange) << "unmapped";
  EXPECT_EQ(w.Call(0, Number::kDomainQuery, 2, 0x5000, sizeof(q) - 1).status, Status::kInvalidArgument);
  EXPECT_EQ(w.counters().denied, 0u) << "the right was there: bad buffers are failed calls";
  EXPECT_EQ(w.counters().failed, 4u);
  w.domains[2].status = DomainStatus::kPaused;
  ASSERT_EQ(w.Call(0, Number::kDomainQuery, 2, 0x5000, sizeof(q)).status, Status::kOk);
  __builtin_memcpy(&q, w.g.Bytes(w.page), sizeof(q));
  EXPECT_EQ(q.state, static_cast<uint32_t>(hypercall::DomainState::kPaused));
}

TEST(ControlTest, RightsOverReadsTheRow) {
  World w;
  const Span<const tables::ControlRight> rights(w.rights.data(), w.rights.size());
  EXPECT_EQ(RightsOver(rights, 0, 1), tables::kAllRights);
  EXPECT_EQ(RightsOver(rights, 0, 2), tables::kRightQuery);
  EXPECT_EQ(RightsOver(rights, 1, 0), 0u);
}

}  // namespace
}  // namespace septum
