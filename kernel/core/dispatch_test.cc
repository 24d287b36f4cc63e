// kernel/core/dispatch_test.cc — the exit dispatcher: what each exit does to the guest's
// registers, the domain's counters and the scheduler.
#include "kernel/core/dispatch.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel/abi/version.h"

namespace septum {
namespace {

struct Fixture {
  tables::DomainRecord record{};
  std::vector<uint8_t> memory = std::vector<uint8_t>(4096, 0);
  Domain domain;
  HypercallEnvironment env;
  std::vector<std::string> lines;

  explicit Fixture(uint32_t groups) {
    record.hypercalls = groups;
    domain.record = &record;
    domain.ctx.record = &record;
    domain.ctx.memory = PhysicalMemory{reinterpret_cast<uintptr_t>(memory.data()), 0, memory.size()};
    env.console = ConsoleSink{[](void* self, StringView, StringView line) {
                                static_cast<Fixture*>(self)->lines.emplace_back(line.data(), line.size());
                              },
                              this};
    domain.regs.rip = 0x1000;
  }
};

ExitEvent Event(ExitKind kind, uint8_t length = 0) {
  ExitEvent e;
  e.kind = kind;
  e.instruction_length = length;
  return e;
}

TEST(DispatchTest, GrantedTimeCallReturnsValueAndAdvancesRip) {
  Fixture f(tables::kGroupTime);
  f.env.clock = TscClock{0, 1};
  f.env.tsc = 123;  // 123 us
  f.domain.regs.rax = static_cast<uint64_t>(hypercall::Number::kTime);
  EXPECT_EQ(Dispatch(Event(ExitKind::kHypercall, 3), f.domain, f.env), ExitAction::kResume);
  EXPECT_EQ(f.domain.regs.rax, static_cast<uint64_t>(Status::kOk));
  EXPECT_EQ(f.domain.regs.rdx, 123000u);
  EXPECT_EQ(f.domain.regs.rip, 0x1003u);
  EXPECT_EQ(f.domain.exits, 1u);
  EXPECT_EQ(f.domain.faults, 0u);
}

TEST(DispatchTest, DeniedCallIsCountedNotPerformed) {
  Fixture f(tables::kGroupConsole);
  f.domain.regs.rax = static_cast<uint64_t>(hypercall::Number::kYield);
  EXPECT_EQ(Dispatch(Event(ExitKind::kHypercall, 3), f.domain, f.env), ExitAction::kResume);
  EXPECT_EQ(f.domain.regs.rax, static_cast<uint64_t>(Status::kDenied));
  EXPECT_EQ(f.domain.calls.denied, 1u);
  EXPECT_EQ(f.domain.regs.rip, 0x1003u);
}

TEST(DispatchTest, YieldEndsTheSlot) {
  Fixture f(tables::kGroupYield);
  f.domain.regs.rax = static_cast<uint64_t>(hypercall::Number::kYield);
  EXPECT_EQ(Dispatch(Event(ExitKind::kHypercall, 3), f.domain, f.env), ExitAction::kEndSlot);
  EXPECT_EQ(f.domain.regs.rax, static_cast<uint64_t>(Status::kOk));
}

TEST(DispatchTest, HltHaltsAndSkipsTheInstruction) {
  Fixture f(0);
  EXPECT_EQ(Dispatch(Event(ExitKind::kHlt, 1), f.domain, f.env), ExitAction::kHalt);
  EXPECT_EQ(f.domain.regs.rip, 0x1001u);
}

TEST(DispatchTest, AnExitTheBackendEmulatedResumes) {
  Fixture f(0);
  EXPECT_EQ(Dispatch(Event(ExitKind::kEmulated), f.domain, f.env), ExitAction::kResume);
  EXPECT_EQ(f.domain.regs.rip, 0x1000u) << "the backend moved RIP itself";
  EXPECT_EQ(f.domain.faults, 0u);
  EXPECT_EQ(f.domain.exits, 1u);
}

TEST(DispatchTest, InterruptGoesToTheScheduler) {
  Fixture f(0);
  EXPECT_EQ(Dispatch(Event(ExitKind::kInterrupt), f.domain, f.env), ExitAction::kTimer);
  EXPECT_EQ(f.domain.regs.rip, 0x1000u);
}

TEST(DispatchTest, EverythingElseIsAFault) {
  for (ExitKind k : {ExitKind::kIo, ExitKind::kMsr, ExitKind::kNestedFault, ExitKind::kException, ExitKind::kShutdown,
                     ExitKind::kInvalidState, ExitKind::kOther}) {
    Fixture f(tables::kAllHypercallGroups);
    EXPECT_EQ(Dispatch(Event(k), f.domain, f.env), ExitAction::kFault);
    EXPECT_EQ(f.domain.faults, 1u);
    EXPECT_EQ(f.domain.regs.rip, 0x1000u) << "a fault does not move the guest on";
  }
}

TEST(DispatchTest, CpuidHidesVirtualizationAndShowsSeptum) {
  Fixture f(0);
  ExitEvent e = Event(ExitKind::kCpuid, 2);
  SetHostCpuid(e, CpuidRegs{1, 2, 0xffffffff & ~(1u << 31), 4});
  f.domain.regs.rax = 1;
  EXPECT_EQ(Dispatch(e, f.domain, f.env), ExitAction::kResume);
  EXPECT_EQ(f.domain.regs.rcx & (1u << 5), 0u);
  EXPECT_NE(f.domain.regs.rcx & (1u << 31), 0u);
  EXPECT_EQ(f.domain.regs.rip, 0x1002u);
  EXPECT_EQ(GuestCpuid(0x80000001, 0, CpuidRegs{0, 0, 0xffffffff, 0}).ecx & 4, 0u);
  EXPECT_EQ(GuestCpuid(0x8000000a, 0, CpuidRegs{1, 16, 0, 0xff}).ebx, 0u);
  const CpuidRegs sig = GuestCpuid(0x40000000, 0, CpuidRegs{7, 7, 7, 7});
  char text[13] = {};
  __builtin_memcpy(text, &sig.ebx, 4);
  __builtin_memcpy(text + 4, &sig.ecx, 4);
  __builtin_memcpy(text + 8, &sig.edx, 4);
  EXPECT_STREQ(text, "SeptumSeptum");
  EXPECT_EQ(GuestCpuid(0x40000001, 0, CpuidRegs{}).eax, kAbiVersion);
  EXPECT_EQ(GuestCpuid(0x40000100, 0, CpuidRegs{9, 9, 9, 9}).eax, 0u);
  EXPECT_EQ(GuestCpuid(0, 0, CpuidRegs{13, 1, 2, 3}).eax, 13u);
}

TEST(DispatchTest, FaultLineNamesDomainReasonRipAndAddress) {
  char buffer[256];
  BufferWriter w(buffer, sizeof(buffer));
  ExitEvent e = Event(ExitKind::kNestedFault);
  e.address = 0x2000000;
  e.info = paging::kWrite;
  GuestRegs regs{};
  regs.rip = 0x100123;
  DescribeFault(w.sink(), "worker", e, regs);
  EXPECT_EQ(std::string(w.text().data(), w.text().size()),
            "fault: domain `worker`: nested page fault writing guest-physical 0x2000000: not granted by its tables (rip 0x100123)\n");
  BufferWriter w2(buffer, sizeof(buffer));
  e = Event(ExitKind::kIo);
  e.address = 0x2f8;
  e.info = 0;
  DescribeFault(w2.sink(), "dom0", e, regs);
  EXPECT_EQ(std::string(w2.text().data(), w2.text().size()),
            "fault: domain `dom0`: I/O port 0x2f8 (out): the domain does not own it (rip 0x100123)\n");
}

}  // namespace
}  // namespace septum
