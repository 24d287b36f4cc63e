// Guest memory: PhysAt stays inside its window; TranslateGuest walks hand-built NPT and EPT
// tables as the hardware would (leaf sizes, rights AND-ed across levels, entries the hardware
// refuses); range checks and copies are all or nothing.
#include "kernel/core/guest_memory.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "kernel/core/guest_memory_testing.h"

namespace septum {
namespace {

using paging::Format;
constexpr uint8_t kR = paging::kRead, kW = paging::kWrite, kX = paging::kExec;
constexpr uint64_t kGiB = uint64_t{1} << 30;

Result<Translation> Translate(const FakeGuestMemory& g, uint64_t gpa) {
  return TranslateGuest(g.memory(), g.format(), g.root(), gpa);
}
Status Check(const FakeGuestMemory& g, uint64_t gpa, uint64_t length, uint8_t need) {
  return CheckGuestRange(g.memory(), g.format(), g.root(), gpa, length, need);
}

TEST(PhysAtTest, InsideTheWindowOnly) {
  const PhysicalMemory m{0x1000, 0x10000, 0x2000};  // never dereferenced
  EXPECT_EQ(reinterpret_cast<uintptr_t>(PhysAt(m, 0x10000, 0x2000).value()), 0x1000u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(PhysAt(m, 0x11ff8, 8).value()), 0x2ff8u);
  EXPECT_TRUE(PhysAt(m, 0x12000, 0).ok());
  EXPECT_EQ(PhysAt(m, 0xfff8, 8).status(), Status::kOutOfRange);   // before the window
  EXPECT_EQ(PhysAt(m, 0x11ffc, 8).status(), Status::kOutOfRange);  // runs past its end
  EXPECT_EQ(PhysAt(m, 0x12000, 1).status(), Status::kOutOfRange);
  EXPECT_EQ(PhysAt(m, 0x10008, ~uint64_t{0}).status(), Status::kOutOfRange);  // would wrap
  EXPECT_EQ(PhysAt(m, ~uint64_t{0}, 2).status(), Status::kOutOfRange);
}

TEST(PhysAtTest, KernelIdentityWindow) {
  const PhysicalMemory kernel{0, 0, 4 * kGiB};
  EXPECT_EQ(reinterpret_cast<uintptr_t>(PhysAt(kernel, 0xfffff000, 0x1000).value()), 0xfffff000u);
  EXPECT_EQ(PhysAt(kernel, 0xfffff000, 0x1001).status(), Status::kOutOfRange);
  EXPECT_EQ(PhysAt(kernel, 4 * kGiB, 8).status(), Status::kOutOfRange);
}

// The tests that hold for both formats.
class GuestMemoryTest : public ::testing::TestWithParam<Format> {
 protected:
  FakeGuestMemory g_{GetParam(), 64};
};

INSTANTIATE_TEST_SUITE_P(Formats, GuestMemoryTest, ::testing::Values(Format::kNpt, Format::kEpt),
                         [](const ::testing::TestParamInfo<Format>& info) {
                           return info.param == Format::kNpt ? "Npt" : "Ept";
                         });

TEST_P(GuestMemoryTest, SmallLeavesGiveTheirRights) {
  const uint64_t rw = g_.NewPage(), rx = g_.NewPage(), r = g_.NewPage();
  g_.Map(0x5000, rw, kR | kW);
  g_.Map(0x6000, rx, kR | kX);
  g_.Map(0x7000, r, kR);
  const Translation t = Translate(g_, 0x5123).value();
  EXPECT_EQ(t.host, rw + 0x123);
  EXPECT_EQ(t.access, kR | kW);
  EXPECT_EQ(Translate(g_, 0x6fff).value().host, rx + 0xfff);
  EXPECT_EQ(Translate(g_, 0x6fff).value().access, kR | kX);
  EXPECT_EQ(Translate(g_, 0x7000).value().access, kR);
}

TEST_P(GuestMemoryTest, LargeLeaves) {
  g_.Map(0x200000, 0x80000000, kR | kW, 2);         // 2 MiB
  g_.Map(2 * kGiB, 5 * kGiB, kR | kW | kX, 3);      // 1 GiB
  EXPECT_EQ(Translate(g_, 0x3fffff).value().host, 0x801fffffu);
  EXPECT_EQ(Translate(g_, 0x3fffff).value().access, kR | kW);
  EXPECT_EQ(Translate(g_, 3 * kGiB - 1).value().host, 6 * kGiB - 1);
  EXPECT_EQ(Translate(g_, 3 * kGiB - 1).value().access, kR | kW | kX);
  EXPECT_EQ(Translate(g_, 0x400000).status(), Status::kNotFound);  // the next 2 MiB
}

TEST_P(GuestMemoryTest, RightsAreAndedAcrossLevels) {
  g_.Map(0x5000, g_.NewPage(), kR | kW | kX);
  g_.Entry(0x5000, 3) = (g_.Entry(0x5000, 3) & paging::kAddressMask) | g_.Rights(kR | kX);
  EXPECT_EQ(Translate(g_, 0x5000).value().access, kR | kX);
  g_.Entry(0x5000, 4) = (g_.Entry(0x5000, 4) & paging::kAddressMask) | g_.Rights(kR | kW);
  EXPECT_EQ(Translate(g_, 0x5000).value().access, kR);
}

TEST_P(GuestMemoryTest, UnmappedAndRefusedAddresses) {
  g_.Map(0x5000, g_.NewPage(), kR);
  EXPECT_EQ(Translate(g_, 0x6000).status(), Status::kNotFound);             // same table, empty entry
  EXPECT_EQ(Translate(g_, uint64_t{1} << 39).status(), Status::kNotFound);  // no table at all
  g_.Entry(0x5000, 4) |= paging::npt::kLarge;                               // PS is reserved at level 4
  EXPECT_EQ(Translate(g_, 0x5000).status(), Status::kNotFound);
  EXPECT_EQ(Translate(g_, kGuestAddressLimit).status(), Status::kOutOfRange);
  EXPECT_EQ(TranslateGuest(g_.memory(), Format::kAmdViIo, g_.root(), 0x5000).status(), Status::kUnsupported);
}

TEST_P(GuestMemoryTest, TablesOutsideTheWindowAreNeverRead) {
  g_.Map(0x5000, g_.NewPage(), kR);
  EXPECT_EQ(TranslateGuest(g_.memory(), g_.format(), 0x1000, 0x5000).status(), Status::kOutOfRange);  // root
  g_.Entry(0x5000, 3) = 0x70000000 | g_.FullRights();
  EXPECT_EQ(Translate(g_, 0x5000).status(), Status::kOutOfRange);
}

TEST_P(GuestMemoryTest, RangeBounds) {
  g_.Map(0, 0, kR | kW, 3);  // guest [0, 1 GiB): translates, host outside the window
  g_.Map(kGiB, g_.NewPage(), kR | kW);
  EXPECT_EQ(Check(g_, ~uint64_t{0}, 0, kW), Status::kOk);  // length 0 touches nothing
  EXPECT_EQ(Check(g_, 0xfffffffffffffff0, 0x20, kR), Status::kOutOfRange);  // wraps 2^64
  EXPECT_EQ(Check(g_, kGuestAddressLimit - 0x10, 0x20, kR), Status::kOutOfRange);
  EXPECT_EQ(Check(g_, 0x1000, 8, kR), Status::kOutOfRange);  // mapped, but outside the window
  EXPECT_EQ(Check(g_, kGiB, 0x1000, kR), Status::kOk);
}

TEST_P(GuestMemoryTest, LongRangesAreRefusedBeforeTheWalk) {
  PhysicalMemory wide = g_.memory();  // reaches past host 3 GiB; the leaves are never dereferenced
  wide.size = 3 * kGiB;
  g_.Map(0, kGiB, kR, 3);
  g_.Map(kGiB, 2 * kGiB, kR, 3);
  EXPECT_EQ(CheckGuestRange(wide, g_.format(), g_.root(), 0, kMaxGuestRange, kR), Status::kOk);
  EXPECT_EQ(CheckGuestRange(wide, g_.format(), g_.root(), 0, kMaxGuestRange + 1, kR), Status::kOutOfRange);
}

TEST_P(GuestMemoryTest, RangeCrossingIntoAnUnmappedOrLesserPage) {
  g_.Map(0x5000, g_.NewPage(), kR | kW);
  g_.Map(0x6000, g_.NewPage(), kR);
  EXPECT_EQ(Check(g_, 0x5000, 0x2000, kR), Status::kOk);
  EXPECT_EQ(Check(g_, 0x5ff0, 0x20, kW), Status::kDenied);
  EXPECT_EQ(Check(g_, 0x5000, 0x1000, kX), Status::kDenied);
  EXPECT_EQ(Check(g_, 0x6ff0, 0x11, kR), Status::kOutOfRange);  // one byte into 0x7000
  EXPECT_EQ(Check(g_, 0x4fff, 2, kR), Status::kOutOfRange);
}

TEST_P(GuestMemoryTest, CopiesAcrossDiscontiguousHostPages) {
  const uint64_t low = g_.NewPage(), high = g_.NewPage();
  g_.Map(0x5000, high, kR | kW);  // consecutive guest pages, host pages in the other order
  g_.Map(0x6000, low, kR | kW);
  for (int i = 0; i < 16; ++i) {
    g_.Bytes(high)[0xff0 + i] = static_cast<uint8_t>(i);
    g_.Bytes(low)[i] = static_cast<uint8_t>(16 + i);
  }
  uint8_t out[32] = {};
  ASSERT_EQ(CopyFromGuest(g_.memory(), g_.format(), g_.root(), 0x5ff0, sizeof(out), out), Status::kOk);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(out[i], i) << i;

  const uint8_t in[4] = {0xa, 0xb, 0xc, 0xd};
  ASSERT_EQ(CopyToGuest(g_.memory(), g_.format(), g_.root(), 0x5ffe, in, sizeof(in)), Status::kOk);
  EXPECT_EQ(g_.Bytes(high)[0xffe], 0xa);
  EXPECT_EQ(g_.Bytes(high)[0xfff], 0xb);
  EXPECT_EQ(g_.Bytes(low)[0], 0xc);
  EXPECT_EQ(g_.Bytes(low)[1], 0xd);
}

TEST_P(GuestMemoryTest, RefusedCopiesTouchNothing) {
  const uint64_t writable = g_.NewPage(), read_only = g_.NewPage();
  g_.Map(0x5000, writable, kR | kW);
  g_.Map(0x6000, read_only, kR);
  const std::vector<uint8_t> in(0x20, 0xaa);
  EXPECT_EQ(CopyToGuest(g_.memory(), g_.format(), g_.root(), 0x5ff0, in.data(), in.size()), Status::kDenied);
  EXPECT_EQ(g_.Bytes(writable)[0xff0], 0);  // not even the writable half
  EXPECT_EQ(g_.Bytes(read_only)[0], 0);
  std::vector<uint8_t> out(0x20, 0x55);
  EXPECT_EQ(CopyFromGuest(g_.memory(), g_.format(), g_.root(), 0x5ff0, out.size(), out.data()), Status::kOk);
  EXPECT_EQ(out[0], 0);
  out.assign(0x20, 0x55);
  EXPECT_EQ(CopyFromGuest(g_.memory(), g_.format(), g_.root(), 0x6ff0, out.size(), out.data()), Status::kOutOfRange);
  EXPECT_EQ(out, std::vector<uint8_t>(0x20, 0x55));
}

// NPT: U must be set at every level (nested walks are user accesses); bit 12 of a large leaf
// is PAT, not an address bit; read is implied by P.
TEST(NptTest, EntriesWithoutUserAreNotMapped) {
  FakeGuestMemory g(Format::kNpt, 16);
  g.Map(0x5000, g.NewPage(), kR | kW);
  ASSERT_TRUE(Translate(g, 0x5000).ok());
  g.Entry(0x5000, 2) &= ~paging::npt::kUser;
  EXPECT_EQ(Translate(g, 0x5000).status(), Status::kNotFound);
  g.Entry(0x5000, 2) |= paging::npt::kUser;
  g.Entry(0x5000, 1) &= ~paging::npt::kUser;
  EXPECT_EQ(Translate(g, 0x5000).status(), Status::kNotFound);
}

TEST(NptTest, LargeLeafPatBitIsNotAnAddressBit) {
  FakeGuestMemory g(Format::kNpt, 16);
  g.Map(0x200000, 0x80000000, kR, 2);
  g.Entry(0x200000, 2) |= 1ull << 12;
  EXPECT_EQ(Translate(g, 0x200010).value().host, 0x80000010u);
  EXPECT_EQ(Translate(g, 0x200010).value().access, kR);
}

// EPT: an entry without R, W and X is not present; W without R is a misconfiguration;
// execute-only is a right of its own.
TEST(EptTest, PresenceFollowsTheRightBits) {
  FakeGuestMemory g(Format::kEpt, 16);
  g.Map(0x5000, g.NewPage(), kX);
  EXPECT_EQ(Translate(g, 0x5000).value().access, kX);
  g.Entry(0x5000, 1) = (g.Entry(0x5000, 1) & paging::kAddressMask) | paging::ept::kWrite;
  EXPECT_EQ(Translate(g, 0x5000).status(), Status::kNotFound);
  g.Entry(0x5000, 1) &= paging::kAddressMask;
  EXPECT_EQ(Translate(g, 0x5000).status(), Status::kNotFound);
}

}  // namespace
}  // namespace septum

namespace septum {
namespace {

TEST(ForEachLeafTest, VisitsEveryLeafInOrderWithAndedRights) {
  FakeGuestMemory g(paging::Format::kNpt, 64);
  g.Map(0x7000, 0x9000000, paging::kRead);
  g.Map(0x200000, 0x80000000, paging::kRead | paging::kWrite, 2);
  g.Map(0x5000, 0x8000000, paging::kRead | paging::kWrite | paging::kExec);
  std::vector<GuestLeaf> leaves;
  ASSERT_EQ(ForEachLeaf(g.memory(), g.format(), g.root(),
                        [](void* out, const GuestLeaf& leaf) {
                          static_cast<std::vector<GuestLeaf>*>(out)->push_back(leaf);
                          return Status::kOk;
                        },
                        &leaves),
            Status::kOk);
  ASSERT_EQ(leaves.size(), 3u);
  EXPECT_EQ(leaves[0].guest, 0x5000u);
  EXPECT_EQ(leaves[0].host, 0x8000000u);
  EXPECT_EQ(leaves[0].access, paging::kRead | paging::kWrite | paging::kExec);
  EXPECT_EQ(leaves[1].guest, 0x7000u);
  EXPECT_EQ(leaves[1].access, paging::kRead);
  EXPECT_EQ(leaves[2].guest, 0x200000u);
  EXPECT_EQ(leaves[2].size, 0x200000u);
  // A visitor's error stops the walk; a table outside the window is refused.
  EXPECT_EQ(ForEachLeaf(g.memory(), g.format(), g.root(), [](void*, const GuestLeaf&) { return Status::kDenied; }, nullptr),
            Status::kDenied);
  EXPECT_EQ(ForEachLeaf(g.memory(), g.format(), 0x1000, [](void*, const GuestLeaf&) { return Status::kOk; }, nullptr),
            Status::kOutOfRange);
}

}  // namespace
}  // namespace septum
