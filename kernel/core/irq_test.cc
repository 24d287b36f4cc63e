// kernel/core/irq_test.cc — pending device IRQs and irq_ack: only an IRQ's owner may
// acknowledge it, with no hypercall group needed.
#include "kernel/core/irq.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "kernel/core/dispatch.h"
#include "kernel/core/system_testing.h"

namespace septum {
namespace {

TEST(PendingIrqsTest, TakesTheLowestFirstAndEachOnce) {
  PendingIrqs p;
  EXPECT_FALSE(p.Any());
  for (uint32_t irq : {200u, 11u, 3u, 64u, 11u}) p.Add(irq);
  p.Add(256);  // out of range: ignored
  uint32_t irq = 0;
  std::vector<uint32_t> got;
  while (p.TakeLowest(&irq)) got.push_back(irq);
  EXPECT_EQ(got, (std::vector<uint32_t>{3, 11, 64, 200}));
  EXPECT_FALSE(p.Any());
  p.Add(5);
  p.Clear();
  EXPECT_FALSE(p.Any());
}

TEST(PendingIrqsTest, NothingIsLostBetweenAnAdderAndATaker) {
  PendingIrqs p;
  uint64_t taken = 0;
  std::thread adder([&] {
    for (int round = 0; round < 20000; ++round) p.Add(static_cast<uint32_t>(round % 256));
  });
  uint32_t irq;
  for (int spins = 0; spins < 2000000 && taken < 20000; ++spins) {
    if (p.TakeLowest(&irq)) ++taken;
  }
  adder.join();
  while (p.TakeLowest(&irq)) ++taken;
  // Adds of an IRQ already pending merge (an interrupt is a level, not a count): at most 20000
  // taken, and at least one per distinct IRQ.
  EXPECT_LE(taken, 20000u);
  EXPECT_GE(taken, 256u);
}

// Domain 0 owns IRQ 3 (route 0), domain 1 IRQ 11 (route 2); the kernel keeps IRQ 4 (route 1).
// Routes are active, level-triggered and masked (their IRQ arrived), on GSI 100 + route.
struct World {
  TestSystem t{2};
  World() {
    for (tables::DomainRecord& r : t.records) r.hypercalls = 0;  // no group at all: irq_ack needs none
    t.routes = {{3, 0, 0x30, 0}, {4, tables::kKernelOwner, 0x31, 0}, {11, 1, 0x30, 1}};
    t.Bind();
    for (uint32_t i = 0; i < t.routes.size(); ++i) t.system->route_state[i] = RouteState{true, true, 100 + i, true, 0, 0};
    t.system->route_of_vector[0][0x30] = 1;
    t.system->route_of_vector[0][0x31] = 2;
    t.system->route_of_vector[1][0x30] = 3;
  }
  ExitAction Ack(uint32_t caller, uint64_t irq) {
    HypercallEnvironment env;
    ExitEvent e;
    e.kind = ExitKind::kHypercall;
    e.instruction_length = 3;
    t.domains[caller].regs.rax = static_cast<uint64_t>(hypercall::Number::kIrqAck);
    t.domains[caller].regs.rdi = irq;
    return Dispatch(e, t.domains[caller], env, t.system.get());
  }
  uint64_t Rax(uint32_t caller) const { return t.domains[caller].regs.rax; }
  using Masks = std::vector<std::pair<uint32_t, bool>>;
};

TEST(IrqAckTest, OnlyTheOwnerAcknowledges) {
  World w;
  EXPECT_EQ(w.Ack(1, 11), ExitAction::kResume);
  EXPECT_EQ(w.Rax(1), static_cast<uint64_t>(Status::kOk));
  EXPECT_EQ(w.t.masks, (World::Masks{{102, false}})) << "route 2's line opens";
  for (uint64_t irq : {uint64_t{3}, uint64_t{4}, uint64_t{12}, ~uint64_t{0}}) {
    w.Ack(1, irq);
    EXPECT_EQ(w.Rax(1), static_cast<uint64_t>(Status::kDenied)) << "IRQ " << irq << " is not worker's";
  }
  EXPECT_EQ(w.Ack(0, 3), ExitAction::kResume);
  EXPECT_EQ(w.Rax(0), static_cast<uint64_t>(Status::kOk));
  EXPECT_EQ(w.t.masks, (World::Masks{{102, false}, {100, false}}));
  EXPECT_EQ(w.Ack(0, 3), ExitAction::kResume) << "acknowledged again: ok, the line is open already";
  EXPECT_EQ(w.t.masks.size(), 2u);
  EXPECT_EQ(w.t.domains[1].calls.hypercalls, 5u);
  EXPECT_EQ(w.t.domains[1].calls.denied, 4u);
}

// A device IRQ arrives at the CPU its route names: recorded for its owner, a level line masked
// until the owner's irq_ack; while the owner is stopped it is dropped and the line stays masked
// until the owner starts again; a vector no route has is ignored.
TEST(DeviceIrqTest, ArrivesForItsOwnerOnly) {
  World w;
  for (RouteState& r : w.t.system->route_state) r.masked = false;
  OnDeviceIrq(*w.t.system, 1, 0x30);
  uint32_t irq = 0;
  EXPECT_FALSE(w.t.domains[0].irqs.Any()) << "route 2 is domain 1's";
  ASSERT_TRUE(w.t.domains[1].irqs.TakeLowest(&irq));
  EXPECT_EQ(irq, 11u);
  EXPECT_EQ(w.t.masks, (World::Masks{{102, true}})) << "level: masked until irq_ack";
  EXPECT_EQ(w.t.system->route_state[2].arrived, 1u);
  OnDeviceIrq(*w.t.system, 1, 0x31);  // no route on CPU 1
  OnDeviceIrq(*w.t.system, 7, 0x30);
  OnDeviceIrq(*w.t.system, 99, 0x30);   // no such CPU
  OnDeviceIrq(*w.t.system, 0, 0x1000);  // no such vector
  EXPECT_FALSE(w.t.domains[1].irqs.Any());
  EXPECT_EQ(w.t.masks.size(), 1u);
  w.t.domains[0].status = DomainStatus::kStopped;
  OnDeviceIrq(*w.t.system, 0, 0x30);
  EXPECT_FALSE(w.t.domains[0].irqs.Any()) << "nobody to deliver to";
  EXPECT_EQ(w.t.system->route_state[0].dropped, 1u);
  EXPECT_EQ(w.t.masks.back(), (std::pair<uint32_t, bool>{100, true}));
  ReopenRoutes(*w.t.system, w.t.domains[0]);  // it starts again
  EXPECT_EQ(w.t.masks.back(), (std::pair<uint32_t, bool>{100, false}));
}

}  // namespace
}  // namespace septum
