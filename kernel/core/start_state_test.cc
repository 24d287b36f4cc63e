// kernel/core/start_state_test.cc — the start state both backends write: PV in long mode on its
// start block's page tables, HVM in 32-bit protected mode with paging off.
#include "kernel/core/start_state.h"

#include <gtest/gtest.h>

#include "kernel/core/cpu_bits.h"

namespace septum {
namespace {

tables::DomainRecord Record(uint8_t type) {
  tables::DomainRecord r{};
  r.type = type;
  r.entry = 0x200123;
  if (type == tables::kPv) r.start_guest = 0x3fe000;
  return r;
}

TEST(StartStateTest, PvStartsInLongModeOnItsStartBlock) {
  const StartState s = StartStateOf(Record(tables::kPv));
  EXPECT_TRUE(s.long_mode);
  EXPECT_EQ(s.cr0 & (kCr0Pe | kCr0Pg | kCr0Wp | kCr0Ne), kCr0Pe | kCr0Pg | kCr0Wp | kCr0Ne);
  EXPECT_EQ(s.cr3, 0x3ff000u) << "the guest page tables are the page after the start info";
  EXPECT_EQ(s.cr4, kCr4Pae | kCr4Osfxsr | kCr4Osxmmexcpt);
  EXPECT_EQ(s.efer, kEferLme | kEferLma | kEferNxe);
  EXPECT_EQ(s.regs.rip, 0x200123u);
  EXPECT_EQ(s.regs.rdi, 0x3fe000u);
  EXPECT_EQ(s.regs.rflags, 0x2u) << "interrupts off";
  EXPECT_EQ(s.segment(SegmentIndex::kCs).attributes, kSegmentCode64);
  EXPECT_EQ(s.segment(SegmentIndex::kCs).selector, 0x08);
  EXPECT_EQ(s.segment(SegmentIndex::kSs).selector, 0x10);
}

TEST(StartStateTest, HvmStartsIn32BitProtectedModeWithoutPaging) {
  const StartState s = StartStateOf(Record(tables::kHvm));
  EXPECT_FALSE(s.long_mode);
  EXPECT_EQ(s.cr0, kCr0Pe | kCr0Et);
  EXPECT_EQ(s.cr3, 0u);
  EXPECT_EQ(s.cr4, 0u);
  EXPECT_EQ(s.efer, 0u);
  EXPECT_EQ(s.regs.rdi, 0u) << "no start info for an unmodified guest";
  EXPECT_EQ(s.segment(SegmentIndex::kCs).attributes, kSegmentCode32);
  for (uint32_t i = 0; i < kSegmentCount; ++i) EXPECT_EQ(s.segments[i].base, 0u);
}

TEST(StartStateTest, BothHaveNoTablesOfTheirOwnAndTheResetPat) {
  for (uint8_t type : {tables::kPv, tables::kHvm}) {
    const StartState s = StartStateOf(Record(type));
    EXPECT_EQ(s.gdtr_limit, 0u);
    EXPECT_EQ(s.idtr_limit, 0u);
    EXPECT_TRUE(s.segment(SegmentIndex::kLdtr).unusable);
    EXPECT_EQ(s.segment(SegmentIndex::kTr).attributes, kSegmentTss64Busy);
    EXPECT_EQ(s.segment(SegmentIndex::kTr).limit, 0x67u);
    EXPECT_EQ(s.pat, kPatPowerOn);
    EXPECT_EQ(s.dr7, 0x400u);
  }
}

TEST(StartStateTest, VmxAccessRightsMoveTheHighNibble) {
  EXPECT_EQ(VmxAccessRights({0x08, kSegmentCode64, 0, 0, false}), 0xa09bu);
  EXPECT_EQ(VmxAccessRights({0x08, kSegmentCode32, 0, 0, false}), 0xc09bu);
  EXPECT_EQ(VmxAccessRights({0x10, kSegmentData, 0, 0, false}), 0xc093u);
  EXPECT_EQ(VmxAccessRights({0, kSegmentTss64Busy, 0x67, 0, false}), 0x008bu);
  EXPECT_EQ(VmxAccessRights({0, kSegmentLdt, 0, 0, true}), 1u << 16);
}

}  // namespace
}  // namespace septum
