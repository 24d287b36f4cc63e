// kernel/core/domain_load_test.cc — zeroing a domain's memory and loading its image and start
// block, through nested tables built by hand.
#include "kernel/core/domain_load.h"

#include <gtest/gtest.h>

#include <vector>

#include "kernel/core/guest_memory_testing.h"

namespace septum {
namespace {

constexpr uint8_t kRW = paging::kRead | paging::kWrite, kRX = paging::kRead | paging::kExec;

struct World {
  FakeGuestMemory g{paging::Format::kNpt, 64};
  uint64_t code = 0, data = 0, block = 0, channel = 0;
  std::vector<PhysRange> ram;
  std::vector<tables::ChannelRecord> channels;
  tables::DomainRecord rec{};
  std::vector<tables::SegmentRecord> segs;
  std::vector<uint8_t> image = std::vector<uint8_t>(0x100, 0xcc);
  std::vector<uint8_t> start = std::vector<uint8_t>(4096, 0x5a);

  World() {
    code = g.NewPage();
    data = g.NewPage();
    block = g.NewPage();
    channel = g.NewPage();
    g.Map(0x1000, code, kRX);
    g.Map(0x2000, data, kRW);
    g.Map(0x3000, block, kRW);
    g.Map(0x8000, channel, kRW);
    g.Map(0xfee00000, 0xfee00000, kRW);  // MMIO: outside RAM and outside the window
    ram = {{FakeGuestMemory::kStart, 64 * 4096}};
    tables::ChannelRecord c{};
    c.host = channel;
    c.size = 4096;
    channels.push_back(c);
    rec.npt_root = g.root();
    rec.start_host = block;
    rec.start_pages = 1;
    for (uint64_t page : {code, data, block, channel}) __builtin_memset(g.Bytes(page), 0xee, 4096);
    segs.push_back({0, kRX, 0x1010, code + 0x10, /*file_offset=*/0, /*file_size=*/0x20, /*mem_size=*/0x40});
  }

  Result<LoadReport> Load() {
    DomainImage d{&rec, Span<const tables::SegmentRecord>(segs.data(), segs.size()), Span<const uint8_t>(image.data(), image.size()),
                  Span<const uint8_t>(start.data(), start.size())};
    return LoadDomain(g.memory(), paging::Format::kNpt, d, Span<const PhysRange>(ram.data(), ram.size()),
                      Span<const tables::ChannelRecord>(channels.data(), channels.size()));
  }
};

TEST(DomainLoadTest, ZeroesRamLoadsSegmentsAndStartBlockSkipsChannels) {
  World w;
  const Result<LoadReport> r = w.Load();
  ASSERT_TRUE(r.ok()) << StatusName(r.status());
  EXPECT_EQ(r.value().zeroed, 3 * 4096u);
  EXPECT_EQ(r.value().copied, 0x20u + 4096);
  const uint8_t* code = w.g.Bytes(w.code);
  EXPECT_EQ(code[0x0f], 0);     // zeroed before the segment
  EXPECT_EQ(code[0x10], 0xcc);  // file bytes
  EXPECT_EQ(code[0x2f], 0xcc);
  EXPECT_EQ(code[0x30], 0);     // the rest of mem_size: zero
  EXPECT_EQ(w.g.Bytes(w.data)[100], 0);
  EXPECT_EQ(w.g.Bytes(w.block)[0], 0x5a);
  EXPECT_EQ(w.g.Bytes(w.channel)[0], 0xee) << "channel memory is not the domain's alone";
}

TEST(DomainLoadTest, RefusalsChangeNothing) {
  auto untouched = [](World& w) { return w.g.Bytes(w.data)[0] == 0xee; };
  {
    World w;
    w.segs[0].file_offset = 0xf0;  // past the image's end
    EXPECT_EQ(w.Load().status(), Status::kCorrupt);
    EXPECT_TRUE(untouched(w));
  }
  {
    World w;
    w.segs[0].host = w.channel;  // a segment into channel memory
    EXPECT_EQ(w.Load().status(), Status::kOutOfRange);
    EXPECT_TRUE(untouched(w));
  }
  {
    World w;
    w.segs[0].host = w.block + 0xff0;  // runs past its page into the channel page that follows
    w.segs[0].mem_size = 0x100;
    EXPECT_EQ(w.Load().status(), Status::kOutOfRange);
    EXPECT_TRUE(untouched(w));
  }
  {
    World w;
    w.rec.start_host = 0xfee00000;  // the start block onto MMIO
    EXPECT_EQ(w.Load().status(), Status::kOutOfRange);
    EXPECT_TRUE(untouched(w));
  }
  {
    World w;
    w.start.resize(100);  // block size disagrees with the record
    EXPECT_EQ(w.Load().status(), Status::kCorrupt);
  }
  {
    World w;
    w.ram = {{FakeGuestMemory::kStart, 2 * 4096}};  // a leaf straddling RAM and non-RAM is refused
    w.g.Map(0x4000, FakeGuestMemory::kStart + 4096, kRW, 1);
    w.ram = {{FakeGuestMemory::kStart + 0x800, 4096}};
    EXPECT_EQ(w.Load().status(), Status::kCorrupt);
    EXPECT_TRUE(untouched(w));
  }
}

TEST(DomainLoadTest, SegmentSpanningTwoLeavesContiguousInHost) {
  World w;
  w.g.Map(0x2000, w.code + 4096, kRW);  // guest 0x1000..0x2fff -> code, code + 4096 (= data page)
  w.segs[0].host = w.code + 0xff0;
  w.segs[0].mem_size = 0x20;
  w.segs[0].file_size = 0x20;
  ASSERT_TRUE(w.Load().ok());
  EXPECT_EQ(w.g.Bytes(w.code)[0xff0], 0xcc);
  EXPECT_EQ(w.g.Bytes(w.data)[0x0f], 0xcc);
}

}  // namespace
}  // namespace septum
