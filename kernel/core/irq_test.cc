// kernel/core/irq_test.cc — pending device IRQs and irq_ack: only an IRQ's owner may
// acknowledge it, with no hypercall group needed.
#include "kernel/core/irq.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "kernel/core/control.h"

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

struct World {
  std::vector<tables::DomainRecord> records = std::vector<tables::DomainRecord>(2);
  std::vector<DomainRuntime> runtime = std::vector<DomainRuntime>(2);
  std::vector<tables::IrqRoute> routes = {{3, 0, 0x30, 0}, {4, tables::kKernelOwner, 0x31, 0}, {11, 1, 0x30, 1}};
  SystemView system;
  std::vector<uint32_t> acked;

  World() {
    for (uint32_t i = 0; i < 2; ++i) {
      records[i].index = i;
      records[i].hypercalls = 0;  // no group at all: irq_ack needs none
    }
    system.records = Span<const tables::DomainRecord>(records.data(), records.size());
    system.runtime = Span<DomainRuntime>(runtime.data(), runtime.size());
    system.irq_routes = Span<const tables::IrqRoute>(routes.data(), routes.size());
    system.ack = [](void* context, uint32_t route) { static_cast<World*>(context)->acked.push_back(route); };
    system.context = this;
  }
  ExitAction Ack(uint32_t caller, uint64_t irq, GuestRegs* regs) {
    DomainContext ctx;
    ctx.record = &records[caller];
    HypercallEnvironment env;
    ExitEvent e;
    e.kind = ExitKind::kHypercall;
    e.instruction_length = 3;
    regs->rax = static_cast<uint64_t>(hypercall::Number::kIrqAck);
    regs->rdi = irq;
    return Dispatch(e, *regs, ctx, env, runtime[caller], &system);
  }
};

TEST(IrqAckTest, OnlyTheOwnerAcknowledges) {
  World w;
  GuestRegs regs{};
  EXPECT_EQ(w.Ack(1, 11, &regs), ExitAction::kResume);
  EXPECT_EQ(regs.rax, static_cast<uint64_t>(Status::kOk));
  EXPECT_EQ(w.acked, std::vector<uint32_t>{2});
  for (uint64_t irq : {uint64_t{3}, uint64_t{4}, uint64_t{12}, ~uint64_t{0}}) {
    w.Ack(1, irq, &regs);
    EXPECT_EQ(regs.rax, static_cast<uint64_t>(Status::kDenied)) << "IRQ " << irq << " is not worker's";
  }
  EXPECT_EQ(w.Ack(0, 3, &regs), ExitAction::kResume);
  EXPECT_EQ(regs.rax, static_cast<uint64_t>(Status::kOk));
  EXPECT_EQ(w.acked, (std::vector<uint32_t>{2, 0}));
  EXPECT_EQ(w.runtime[1].calls.hypercalls, 5u);
  EXPECT_EQ(w.runtime[1].calls.denied, 4u);
}

}  // namespace
}  // namespace septum
