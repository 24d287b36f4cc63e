// kernel/core/channel_test.cc — doorbells and channel info: only endpoints, only the right end,
// waits that block, end at a ring or at their deadline.
#include "kernel/core/channel.h"

#include <gtest/gtest.h>

#include <vector>

#include "kernel/core/guest_memory_testing.h"
#include "kernel/core/system_testing.h"

namespace septum {
namespace {

using hypercall::Number;

// Domain 0 writes channel 0 (with notify) and channel 1 (without); domain 1 reads both;
// domain 2 is no endpoint. Each domain's CPU idles in its slot (a kick for domain d reaches CPU d).
struct World {
  FakeGuestMemory g{paging::Format::kNpt, 16};
  uint64_t page = 0;
  TestSystem t{3, g.memory(), g.root()};
  std::vector<tables::DomainRecord>& records = t.records;
  std::vector<Domain>& domains = t.domains;
  std::vector<uint64_t>& doorbells = t.doorbells;
  std::vector<uint32_t>& kicked = t.kicked;

  World() {
    page = g.NewPage();
    g.Map(0x5000, page, paging::kRead | paging::kWrite);
    t.channels.resize(2);
    for (tables::ChannelRecord& c : t.channels) {
      c.writer = 0;
      c.reader = 1;
      c.size = 4096;
      c.writer_guest = 0x800000;
      c.reader_guest = 0x900000;
    }
    t.channels[0].flags = tables::kChannelNotify;
    t.Bind();
  }
  HypercallResult Call(uint32_t caller, Number n, uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t now = 1000) {
    return HandleChannel(domains[caller], *t.system, HypercallArgs{static_cast<uint64_t>(n), a0, a1, a2}, now);
  }
  bool Resolve(uint32_t domain, uint64_t now) { return ResolveWait(domains[domain], *t.system, now); }
};

TEST(ChannelTest, NotifyThenWaitCollectsTheRings) {
  World w;
  EXPECT_EQ(w.Call(0, Number::kChannelNotify, 0).status, Status::kOk);
  EXPECT_EQ(w.Call(0, Number::kChannelNotify, 0).status, Status::kOk);
  const HypercallResult r = w.Call(1, Number::kChannelWait, 0, 5000);
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.value, 2u);
  EXPECT_FALSE(r.blocked);
  EXPECT_TRUE(w.kicked.empty()) << "nobody was waiting: no CPU to kick";
  EXPECT_EQ(w.Call(1, Number::kChannelWait, 0, 0).status, Status::kTimeout) << "timeout 0 only checks";
}

TEST(ChannelTest, WaitBlocksUntilARingOrTheDeadline) {
  World w;
  const HypercallResult r = w.Call(1, Number::kChannelWait, 0, 5000, 0, /*now=*/1000);
  EXPECT_TRUE(r.blocked);
  EXPECT_TRUE(r.yielded);
  const GuestRegs& regs = w.domains[1].regs;
  EXPECT_FALSE(w.Resolve(1, 3000)) << "nothing yet, deadline 6000";
  EXPECT_EQ(WaitDeadline(w.domains[1]), 6000u);
  EXPECT_EQ(w.Call(0, Number::kChannelNotify, 0).status, Status::kOk);
  EXPECT_EQ(w.kicked, std::vector<uint32_t>{1}) << "the ring kicks the CPU the reader waits on";
  EXPECT_TRUE(w.Resolve(1, 4000));
  EXPECT_EQ(WaitDeadline(w.domains[1]), ~uint64_t{0});
  EXPECT_EQ(regs.rax, static_cast<uint64_t>(Status::kOk));
  EXPECT_EQ(regs.rdx, 1u);
  EXPECT_EQ(w.doorbells[0], 0u);
  EXPECT_TRUE(w.Resolve(1, 4000)) << "no longer waiting";
  // Timeout.
  EXPECT_TRUE(w.Call(1, Number::kChannelWait, 0, 5000, 0, 10000).blocked);
  EXPECT_FALSE(w.Resolve(1, 14999));
  EXPECT_TRUE(w.Resolve(1, 15000));
  EXPECT_EQ(regs.rax, static_cast<uint64_t>(Status::kTimeout));
  // A deadline past 2^64 does not wrap into the past.
  EXPECT_TRUE(w.Call(1, Number::kChannelWait, 0, ~uint64_t{0}, 0, 10000).blocked);
  EXPECT_FALSE(w.Resolve(1, 20000));
}

TEST(ChannelTest, OnlyTheRightEndpointMayUseIt) {
  World w;
  EXPECT_EQ(w.Call(1, Number::kChannelNotify, 0).status, Status::kDenied) << "the reader cannot ring";
  EXPECT_EQ(w.Call(0, Number::kChannelWait, 0, 100).status, Status::kDenied) << "the writer cannot wait";
  EXPECT_EQ(w.Call(2, Number::kChannelNotify, 0).status, Status::kDenied) << "no endpoint";
  EXPECT_EQ(w.Call(2, Number::kChannelInfo, 0, 0x5000, sizeof(hypercall::ChannelInfo)).status, Status::kDenied);
  EXPECT_EQ(w.Call(0, Number::kChannelNotify, 1).status, Status::kDenied) << "no doorbell on channel 1";
  EXPECT_EQ(w.Call(0, Number::kChannelNotify, 2).status, Status::kDenied) << "no such channel";
  EXPECT_EQ(w.domains[1].calls.denied + w.domains[0].calls.denied + w.domains[2].calls.denied, 6u);
  EXPECT_EQ(w.doorbells[0], 0u);
  w.records[0].hypercalls = tables::kGroupConsole;
  EXPECT_EQ(w.Call(0, Number::kChannelNotify, 0).status, Status::kDenied) << "no channel group";
}

TEST(ChannelTest, InfoGivesEachEndItsMapping) {
  World w;
  ASSERT_EQ(w.Call(1, Number::kChannelInfo, 0, 0x5000, sizeof(hypercall::ChannelInfo)).status, Status::kOk);
  hypercall::ChannelInfo info;
  __builtin_memcpy(&info, w.g.Bytes(w.page), sizeof(info));
  EXPECT_EQ(info.role, static_cast<uint32_t>(hypercall::ChannelRole::kReader));
  EXPECT_EQ(info.guest, 0x900000u);
  EXPECT_EQ(info.size, 4096u);
  EXPECT_EQ(info.notify, 1u);
  ASSERT_EQ(w.Call(0, Number::kChannelInfo, 1, 0x5000, sizeof(info)).status, Status::kOk);
  __builtin_memcpy(&info, w.g.Bytes(w.page), sizeof(info));
  EXPECT_EQ(info.role, static_cast<uint32_t>(hypercall::ChannelRole::kWriter));
  EXPECT_EQ(info.guest, 0x800000u);
  EXPECT_EQ(info.notify, 0u);
  EXPECT_EQ(w.Call(0, Number::kChannelInfo, 0, 0x5000, sizeof(info) - 1).status, Status::kInvalidArgument);
  EXPECT_EQ(w.Call(0, Number::kChannelInfo, 0, 0x7000, sizeof(info)).status, Status::kOutOfRange);
  EXPECT_EQ(w.domains[0].calls.denied, 0u) << "an endpoint's bad buffers are failed calls";
  EXPECT_EQ(w.domains[0].calls.failed, 2u);
}

}  // namespace
}  // namespace septum
