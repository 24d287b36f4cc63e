// The IOMMU table builder (tools/compiler) against the independent decoder (proofs/tv) and
// against hand-made structures: every listed device comes back with exactly its mappings and
// domain, every other requester ID is blocked, malformed structures are refused, and a flip of
// any single bit of a non-zero entry is either refused or visible in the decoded meaning.
#include "tools/compiler/iommu_tables.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <random>
#include <set>
#include <tuple>

#include "kernel/abi/iommu.h"
#include "proofs/tv/iommu_decode.h"
#include "proofs/tv/walk.h"

namespace septum {
namespace {

using compiler::DmaDevice;
using compiler::IommuTables;
using compiler::Mapping;
using paging::Format;
using paging::kPageSize;
using paging::kRead;
using paging::kWrite;

constexpr uint64_t kAmdViBase = 0x10000000, kVtdBase = 0x20000000;

// What a decode means: per translated device, its domain and runs.
using Meaning = std::vector<std::tuple<uint16_t, uint16_t, std::vector<tv::Run>>>;

Meaning MeaningOf(const tv::DmaDecode& d) {
  Meaning m;
  for (const tv::DmaTranslation& t : d.translated) m.emplace_back(t.id, t.domain_id, t.runs);
  return m;
}

// The devices as the decoder should report them: sorted, runs canonical, no execute right.
Meaning Expected(std::vector<DmaDevice> devices) {
  std::sort(devices.begin(), devices.end(), [](const DmaDevice& a, const DmaDevice& b) { return a.id < b.id; });
  Meaning m;
  for (const DmaDevice& d : devices) {
    std::vector<tv::Run> runs;
    for (const Mapping& x : d.mappings) runs.push_back({x.guest, x.host, x.size, static_cast<uint8_t>(x.access & (kRead | kWrite))});
    m.emplace_back(d.id, d.domain_id, tv::CanonicalRuns(runs));
  }
  return m;
}

absl::StatusOr<tv::DmaDecode> DecodeAmd(const IommuTables& t, const std::vector<uint8_t>& bytes) {
  const size_t dt = t.amdvi_device_table_pages * kPageSize;
  const absl::Span<const uint8_t> all(bytes);
  return tv::DecodeAmdVi(all.subspan(0, dt), t.amdvi_device_table, t.amdvi_device_table_pages, all.subspan(dt), t.amdvi_base + dt);
}
absl::StatusOr<tv::DmaDecode> DecodeAmd(const IommuTables& t) { return DecodeAmd(t, t.amdvi); }

uint64_t Get64(const std::vector<uint8_t>& b, uint64_t off) {
  uint64_t v = 0;
  for (unsigned k = 0; k < 8; ++k) v |= uint64_t{b[off + k]} << (8 * k);
  return v;
}
void Put64(std::vector<uint8_t>& b, uint64_t off, uint64_t v) {
  for (unsigned k = 0; k < 8; ++k) b[off + k] = static_cast<uint8_t>(v >> (8 * k));
}

std::vector<Mapping> RandomMappings(std::mt19937_64& rng) {
  std::vector<Mapping> ms;
  uint64_t guest = (rng() % 64) * kPageSize;
  const int n = static_cast<int>(rng() % 5);
  for (int k = 0; k < n; ++k) {
    const uint64_t size = (rng() % 3 == 0 ? (1 + rng() % 2) * paging::kLargePageSize : 0) + (rng() % 20) * kPageSize + kPageSize;
    const uint64_t host = ((rng() % 2 == 0) ? (rng() % 64) * paging::kLargePageSize : (rng() % 100000) * kPageSize) + (uint64_t{1} << 32);
    const uint8_t access = static_cast<uint8_t>(kRead | (rng() % 2 ? kWrite : 0) | (rng() % 3 == 0 ? paging::kExec : 0));
    ms.push_back({guest, host, size, access});
    guest += size + (rng() % 3) * kPageSize + (rng() % 5 == 0 ? (uint64_t{1} << 30) : 0);
  }
  return ms;
}

std::vector<DmaDevice> RandomDevices(std::mt19937_64& rng) {
  static constexpr uint8_t kBuses[] = {0x00, 0x01, 0x3f, 0xff};
  std::vector<DmaDevice> ds;
  std::set<uint16_t> used;
  const int n = static_cast<int>(rng() % 7);
  while (static_cast<int>(ds.size()) < n) {
    const uint16_t id = static_cast<uint16_t>(kBuses[rng() % 4] << 8 | rng() % 256);
    if (!used.insert(id).second) continue;
    ds.push_back({id, static_cast<uint16_t>(1 + rng() % 4), RandomMappings(rng)});
  }
  return ds;
}

// Every page of the block, host-physical.
std::vector<uint64_t> AllPages(uint64_t base, size_t size) {
  std::vector<uint64_t> pages;
  for (uint64_t off = 0; off < size; off += kPageSize) pages.push_back(base + off);
  return pages;
}

TEST(IommuTablesTest, RandomDeviceSetsRoundTripBothVendors) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    const std::vector<DmaDevice> devices = RandomDevices(rng);
    auto sizing = compiler::BuildIommuTables(devices, 0, 0);
    auto t = compiler::BuildIommuTables(devices, kAmdViBase, kVtdBase);
    ASSERT_TRUE(sizing.ok() && t.ok()) << t.status();
    EXPECT_EQ(sizing->amdvi.size(), t->amdvi.size()) << "sizes must not depend on the base";
    EXPECT_EQ(sizing->vtd.size(), t->vtd.size());
    auto amd = DecodeAmd(*t);
    auto vtd = tv::DecodeVtd(t->vtd, t->vtd_root);
    ASSERT_TRUE(amd.ok()) << "trial " << trial << ": " << amd.status();
    ASSERT_TRUE(vtd.ok()) << "trial " << trial << ": " << vtd.status();
    EXPECT_EQ(MeaningOf(*amd), Expected(devices)) << "trial " << trial;
    EXPECT_EQ(MeaningOf(*vtd), Expected(devices)) << "trial " << trial;
    // Every page of both blocks is a table page, reached once.
    EXPECT_EQ(amd->table_pages, AllPages(kAmdViBase, t->amdvi.size()));
    EXPECT_EQ(vtd->table_pages, AllPages(kVtdBase, t->vtd.size()));
    // Unlisted IDs are blocked.
    std::set<uint16_t> listed;
    for (const DmaDevice& d : devices) listed.insert(d.id);
    for (int k = 0; k < 50; ++k) {
      const uint16_t id = static_cast<uint16_t>(rng());
      EXPECT_EQ(tv::FindDevice(*amd, id) != nullptr, listed.count(id) == 1);
      EXPECT_EQ(tv::FindDevice(*vtd, id) != nullptr, listed.count(id) == 1);
    }
  }
}

TEST(IommuTablesTest, DeviceTableSizeFollowsHighestId) {
  auto pages = [](uint16_t id) {
    auto t = compiler::BuildIommuTables({{id, 1, {}}}, kAmdViBase, kVtdBase);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? t->amdvi_device_table_pages : 0;
  };
  EXPECT_EQ(pages(0x0000), 1u);
  EXPECT_EQ(pages(0x007f), 1u);
  EXPECT_EQ(pages(0x0080), 2u);
  EXPECT_EQ(pages(0xffff), 512u);
  compiler::IommuOptions cover_all;
  cover_all.amdvi_cover_all_ids = true;
  auto all = compiler::BuildIommuTables({{0x0010, 1, {}}}, kAmdViBase, kVtdBase, cover_all);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->amdvi_device_table_pages, 512u);
  auto d = DecodeAmd(*all);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->translated.size(), 1u);
  EXPECT_TRUE(d->translated[0].runs.empty());  // listed without mappings: translated, nothing mapped
}

TEST(IommuTablesTest, NoDevicesStillBlocksEverything) {
  auto t = compiler::BuildIommuTables({}, kAmdViBase, kVtdBase);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->amdvi.size(), kPageSize);  // one page of blocked DTEs
  EXPECT_EQ(t->amdvi_device_table_pages, 1u);
  EXPECT_EQ(t->vtd.size(), kPageSize);  // an empty root table
  EXPECT_EQ(Get64(t->amdvi, 0), iommu::amdvi::kDteValid | iommu::amdvi::kDteTranslationValid);
  auto amd = DecodeAmd(*t);
  auto vtd = tv::DecodeVtd(t->vtd, t->vtd_root);
  ASSERT_TRUE(amd.ok() && vtd.ok());
  EXPECT_TRUE(amd->translated.empty());
  EXPECT_TRUE(vtd->translated.empty());
}

TEST(IommuTablesTest, RejectsBadInput) {
  using compiler::BuildIommuTables;
  const std::vector<Mapping> ok = {{0x0, 0x100000, 0x1000, kRead}};
  EXPECT_FALSE(BuildIommuTables({{0x10, 1, ok}, {0x10, 2, ok}}, kAmdViBase, kVtdBase).ok());  // listed twice
  EXPECT_FALSE(BuildIommuTables({{0x10, 0, ok}}, kAmdViBase, kVtdBase).ok());                // domain 0
  EXPECT_FALSE(BuildIommuTables({}, kAmdViBase + 8, kVtdBase).ok());
  EXPECT_FALSE(BuildIommuTables({}, kAmdViBase, kVtdBase + 0x800).ok());
  auto bad = BuildIommuTables({{iommu::RequesterId(3, 2, 1), 1, {{0x0, 0x100000, 0x1000, kWrite}}}}, kAmdViBase, kVtdBase);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("03:02.1"), absl::string_view::npos) << bad.status();
  auto overlap = BuildIommuTables({{0x10, 1, {{0x0, 0x100000, 0x2000, kRead}, {0x1000, 0x0, 0x1000, kRead}}}}, kAmdViBase, kVtdBase);
  EXPECT_FALSE(overlap.ok());
}

// A small fixed example: two devices on bus 1, one on bus 2.
std::vector<DmaDevice> Example() {
  return {
      {iommu::RequesterId(1, 0, 0), 1, {{0x0, 0x40000000, 4u << 20, kRead | kWrite}, {0x400000, 0x12345000, 0x2000, kRead}}},
      {iommu::RequesterId(1, 1, 0), 2, {{0x1000, 0x50000000, 0x1000, kRead | kWrite}}},
      {iommu::RequesterId(2, 0, 3), 2, {{0x200000, 0x60000000, 0x1000, kRead}}},
  };
}

TEST(IommuTablesTest, ExampleLayout) {
  auto t = compiler::BuildIommuTables(Example(), kAmdViBase, kVtdBase);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->amdvi_device_table_pages, 0x203u / 128 + 1);
  const uint64_t w0 = Get64(t->amdvi, 0x100 * 32), w1 = Get64(t->amdvi, 0x100 * 32 + 8);
  using namespace iommu::amdvi;
  EXPECT_EQ(w0 & ~kDteRootMask, kDteValid | kDteTranslationValid | (4ull << 9) | kDteIoRead | kDteIoWrite);
  EXPECT_EQ(w0 & kDteRootMask, kAmdViBase + t->amdvi_device_table_pages * kPageSize);  // the first device's root
  EXPECT_EQ(w1, 1u);
  // VT-d: root entries of buses 1 and 2, then their context tables.
  EXPECT_EQ(Get64(t->vtd, 16 * 1), (kVtdBase + kPageSize) | iommu::vtd::kRootPresent);
  EXPECT_EQ(Get64(t->vtd, 16 * 2), (kVtdBase + 2 * kPageSize) | iommu::vtd::kRootPresent);
  EXPECT_EQ(Get64(t->vtd, 16 * 0), 0u);
  EXPECT_EQ(Get64(t->vtd, kPageSize + 16 * 8 + 8), (2u << 8) | 2u);  // 01:01.0: DID 2, AW 010b
}

// Applies `mutate` to a copy of the example's AMD-Vi block and expects the decoder to refuse it.
void ExpectAmdRefused(const std::function<void(const IommuTables&, std::vector<uint8_t>&)>& mutate, const char* what) {
  auto t = compiler::BuildIommuTables(Example(), kAmdViBase, kVtdBase);
  ASSERT_TRUE(t.ok());
  std::vector<uint8_t> b = t->amdvi;
  mutate(*t, b);
  auto d = DecodeAmd(*t, b);
  EXPECT_FALSE(d.ok()) << what;
  if (!d.ok()) std::printf("  refused (%s): %s\n", what, std::string(d.status().message()).c_str());
}

TEST(IommuTablesTest, AmdViRefusesMalformedDeviceTables) {
  using namespace iommu::amdvi;
  const uint64_t dev = 0x100 * 32, other = 0x108 * 32, blocked = 5 * 32;
  auto set0 = [](uint64_t at, uint64_t set, uint64_t clear = 0) {
    return [=](const IommuTables&, std::vector<uint8_t>& b) { Put64(b, at, (Get64(b, at) & ~clear) | set); };
  };
  ExpectAmdRefused(set0(dev, 0, kDteValid), "listed DTE with V=0");
  ExpectAmdRefused(set0(blocked, 0, kDteValid), "blocked DTE with V=0");
  ExpectAmdRefused(set0(blocked, 0, ~0ull), "all-zero DTE");
  ExpectAmdRefused(set0(dev, 0, kDteTranslationValid), "TV=0");
  ExpectAmdRefused(set0(dev, 3ull << 9, kDteModeMask), "Mode 3");
  ExpectAmdRefused(set0(dev, 7ull << 9, kDteModeMask), "Mode 7");
  ExpectAmdRefused(set0(blocked, kDteIoRead), "Mode 0 with IR");
  ExpectAmdRefused(set0(blocked, kDteIoWrite), "Mode 0 with IW");
  ExpectAmdRefused(set0(blocked, 0x5000), "blocked DTE with a root");
  ExpectAmdRefused(set0(blocked + 8, 3), "blocked DTE with a domain");
  ExpectAmdRefused(set0(dev, kAmdViBase, kDteRootMask), "root in the device table");
  ExpectAmdRefused(set0(dev, 0x7000000000ull, kDteRootMask), "root outside the area");
  ExpectAmdRefused(set0(dev, 1ull << 2), "reserved bit 2");
  ExpectAmdRefused(set0(dev, 1ull << 7), "HAD");
  ExpectAmdRefused(set0(dev, 1ull << 55), "GV");
  ExpectAmdRefused(set0(dev, 1ull << 63), "bit 63");
  ExpectAmdRefused(set0(dev + 8, 1ull << 32), "I (IOTLB enable)");
  ExpectAmdRefused(set0(dev + 8, 1ull << 35), "IoCtl");
  ExpectAmdRefused(set0(dev + 8, 1ull << 40), "SysMgt");
  ExpectAmdRefused(set0(dev + 8, 1ull << 39), "EX");
  ExpectAmdRefused(set0(dev + 16, 1), "IV (interrupt remapping)");
  ExpectAmdRefused(set0(dev + 24, 1ull << 54), "word 3");
  ExpectAmdRefused(
      [&](const IommuTables&, std::vector<uint8_t>& b) {
        Put64(b, other, (Get64(b, other) & ~kDteRootMask) | (Get64(b, dev) & kDteRootMask));
      },
      "two devices share a root");
  // Arguments that do not describe the table.
  auto t = compiler::BuildIommuTables(Example(), kAmdViBase, kVtdBase);
  ASSERT_TRUE(t.ok());
  const absl::Span<const uint8_t> all(t->amdvi);
  const size_t dt = t->amdvi_device_table_pages * kPageSize;
  EXPECT_FALSE(tv::DecodeAmdVi(all.subspan(0, dt), kAmdViBase, t->amdvi_device_table_pages - 1, all.subspan(dt), kAmdViBase + dt).ok());
  EXPECT_FALSE(tv::DecodeAmdVi(all.subspan(0, 0), kAmdViBase, 0, all, kAmdViBase).ok());
  EXPECT_FALSE(tv::DecodeAmdVi(all.subspan(0, dt), kAmdViBase, t->amdvi_device_table_pages, all, kAmdViBase).ok());  // overlap
}

// Hand-made I/O page tables, decoded by the walker alone.
std::vector<uint8_t> Pages(size_t n) { return std::vector<uint8_t>(n * kPageSize, 0); }
void Put(std::vector<uint8_t>& b, size_t page, unsigned index, uint64_t e) { Put64(b, page * kPageSize + index * 8, e); }

TEST(IommuTablesTest, AmdViPageTableRules) {
  using namespace iommu::amdvi;
  constexpr uint64_t base = 0x100000, rw = kIoRead | kIoWrite;
  auto chain = [&](uint64_t leaf, uint64_t l2_bits = kPresent | NextLevel(1) | kIoRead | kIoWrite) {
    auto b = Pages(4);
    Put(b, 0, 0, (base + 0x1000) | kPresent | NextLevel(3) | rw);
    Put(b, 1, 0, (base + 0x2000) | kPresent | NextLevel(2) | kIoRead);  // read-only above
    Put(b, 2, 0, (base + 0x3000) | l2_bits);
    Put(b, 3, 5, leaf);
    return tv::WalkToRuns(Format::kAmdViIo, b, base);
  };
  auto good = chain(0x7000 | kPresent | rw);
  ASSERT_TRUE(good.ok()) << good.status();
  ASSERT_EQ(good->runs.size(), 1u);
  EXPECT_EQ(good->runs[0], (tv::Run{0x5000, 0x7000, 0x1000, kRead}));  // IW ANDed away
  EXPECT_FALSE(chain(0x7000 | rw).ok());  // PR=0 with other bits set: refused (absent entries are all zeros)
  EXPECT_FALSE(chain(0x7000 | kPresent | NextLevel(7) | rw).ok());   // NextLevel 7
  EXPECT_FALSE(chain(0x7000 | kPresent | NextLevel(1) | rw).ok());   // level-1 entry pointing on
  EXPECT_FALSE(chain(0x7000 | kPresent | kForceCoherent | rw).ok());  // FC
  EXPECT_FALSE(chain(0x7000 | kPresent | kUntranslatedOnly | rw).ok());  // U
  EXPECT_FALSE(chain(0x7000 | kPresent | (1ull << 52) | rw).ok());  // reserved
  EXPECT_FALSE(chain(0x7000 | kPresent | (1ull << 5) | rw).ok());   // A (ignored bits are refused)
  EXPECT_FALSE(chain(0x7000 | kPresent | rw, (base + 0x3000) | kPresent | NextLevel(2) | rw).ok());  // wrong NextLevel
  // A 2 MiB leaf at level 2 must be 2 MiB aligned; leaves at levels 3 and 4 and level skipping
  // are refused.
  auto b = Pages(3);
  Put(b, 0, 0, (base + 0x1000) | kPresent | NextLevel(3) | rw);
  Put(b, 1, 0, (base + 0x2000) | kPresent | NextLevel(2) | rw);
  Put(b, 2, 1, 0x40000000 | kPresent | rw);
  auto large = tv::WalkToRuns(Format::kAmdViIo, b, base);
  ASSERT_TRUE(large.ok()) << large.status();
  EXPECT_EQ(large->runs[0], (tv::Run{0x200000, 0x40000000, 0x200000, kRead | kWrite}));
  Put(b, 2, 1, 0x40001000 | kPresent | rw);
  EXPECT_FALSE(tv::WalkToRuns(Format::kAmdViIo, b, base).ok());
  auto top = Pages(1);
  Put(top, 0, 0, kPresent | rw);
  EXPECT_FALSE(tv::WalkToRuns(Format::kAmdViIo, top, base).ok());
  auto skip = Pages(2);
  Put(skip, 0, 0, (base + 0x1000) | kPresent | NextLevel(2) | rw);
  EXPECT_FALSE(tv::WalkToRuns(Format::kAmdViIo, skip, base).ok());
}

TEST(IommuTablesTest, VtdSecondLevelRules) {
  const uint64_t base = 0x100000, R = iommu::vtd::kRead, W = iommu::vtd::kWrite, PS = iommu::vtd::kLarge;
  auto b = Pages(2);
  Put(b, 0, 0, (base + 0x1000) | R | W);
  Put(b, 1, 1, (uint64_t{1} << 30) | R | PS);  // a 1 GiB leaf (never built, decoded)
  Put(b, 1, 2, (uint64_t{2} << 30) | W | PS);  // write-only: reported, not refused
  auto w = tv::WalkToRuns(Format::kVtdSl, b, base);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->runs.size(), 2u);
  EXPECT_EQ(w->runs[0], (tv::Run{uint64_t{1} << 30, uint64_t{1} << 30, uint64_t{1} << 30, kRead}));
  EXPECT_EQ(w->runs[1], (tv::Run{uint64_t{2} << 30, uint64_t{2} << 30, uint64_t{1} << 30, kWrite}));
  auto one = [&](unsigned index, uint64_t e) {
    auto c = b;
    Put(c, 1, index, e);
    return tv::WalkToRuns(Format::kVtdSl, c, base).ok();
  };
  EXPECT_FALSE(one(3, (uint64_t{3} << 30) | PS));                     // R=W=0 with other bits: refused
  EXPECT_FALSE(one(4, (uint64_t{4} << 30) | R | PS | (1ull << 11)));  // SNP
  EXPECT_FALSE(one(4, (uint64_t{4} << 30) | R | PS | (1ull << 2)));   // X
  EXPECT_FALSE(one(4, (uint64_t{4} << 30) | R | PS | (1ull << 62)));  // TM / reserved
  auto top = Pages(1);
  Put(top, 0, 0, R | PS);
  EXPECT_FALSE(tv::WalkToRuns(Format::kVtdSl, top, base).ok());  // PS at level 4
  auto l1 = Pages(4);
  Put(l1, 0, 0, (base + 0x1000) | R);
  Put(l1, 1, 0, (base + 0x2000) | R);
  Put(l1, 2, 0, (base + 0x3000) | R);
  Put(l1, 3, 0, 0x5000 | R | PS);
  EXPECT_FALSE(tv::WalkToRuns(Format::kVtdSl, l1, base).ok());  // PS at level 1
}

void ExpectVtdRefused(const std::function<void(std::vector<uint8_t>&)>& mutate, const char* what) {
  auto t = compiler::BuildIommuTables(Example(), kAmdViBase, kVtdBase);
  ASSERT_TRUE(t.ok());
  std::vector<uint8_t> b = t->vtd;
  mutate(b);
  auto d = tv::DecodeVtd(b, kVtdBase);
  EXPECT_FALSE(d.ok()) << what;
  if (!d.ok()) std::printf("  refused (%s): %s\n", what, std::string(d.status().message()).c_str());
}

TEST(IommuTablesTest, VtdRefusesMalformedStructures) {
  using namespace iommu::vtd;
  const uint64_t root1 = 16, ctx = kPageSize + 16 * 8;  // bus 1's root entry; 01:01.0's context entry
  auto set = [](uint64_t at, uint64_t bits, uint64_t clear = 0) {
    return [=](std::vector<uint8_t>& b) { Put64(b, at, (Get64(b, at) & ~clear) | bits); };
  };
  ExpectVtdRefused(set(root1 + 8, 1), "root entry upper word");
  ExpectVtdRefused(set(root1, 1ull << 1), "root entry reserved bit 1");
  ExpectVtdRefused(set(root1, 0x7000000000ull, kRootContextTableMask), "context table outside the block");
  ExpectVtdRefused(set(root1, kVtdBase, kRootContextTableMask), "root table as a context table");
  ExpectVtdRefused(set(root1, kVtdBase + 2 * kPageSize, kRootContextTableMask), "two buses share a context table");
  ExpectVtdRefused(set(ctx, kContextFaultProcessingDisable), "FPD");
  ExpectVtdRefused(set(ctx, 1ull << 2), "TT=01b (device TLB)");
  ExpectVtdRefused(set(ctx, 2ull << 2), "TT=10b (pass-through)");
  ExpectVtdRefused(set(ctx, 3ull << 2), "TT=11b");
  ExpectVtdRefused(set(ctx, 1ull << 4), "context entry reserved bit 4");
  ExpectVtdRefused(set(ctx + 8, 1ull << 3), "context entry AVAIL bit");
  ExpectVtdRefused(set(ctx + 8, 1ull << 24), "context entry reserved bit 88");
  ExpectVtdRefused(set(ctx + 8, 1, kContextAddressWidthMask), "AW=001b (3-level)");
  ExpectVtdRefused(set(ctx + 8, 3, kContextAddressWidthMask), "AW=011b (5-level)");
  ExpectVtdRefused(set(ctx + 8, 0, kContextDomainIdMask), "DID 0");
  ExpectVtdRefused(set(ctx, 0x7000000000ull, kContextSlptptrMask), "SLPTPTR outside the block");
  ExpectVtdRefused(
      [&](std::vector<uint8_t>& b) {
        const uint64_t first = kPageSize;  // 01:00.0's context entry
        Put64(b, ctx, (Get64(b, ctx) & ~kContextSlptptrMask) | (Get64(b, first) & kContextSlptptrMask));
      },
      "two devices share second-level tables");
  EXPECT_FALSE(tv::DecodeVtd({}, kVtdBase).ok());
}

// Flips every bit of every non-zero 64-bit word of `block` and sorts the outcomes.
struct FlipCounts {
  int flips = 0, refused = 0, changed = 0, kept = 0;
  std::set<uint16_t> new_devices;  // IDs an accepted flip made translated that were not before
};

using Decoder = std::function<absl::StatusOr<tv::DmaDecode>(const std::vector<uint8_t>&)>;

FlipCounts FlipEveryBit(std::vector<uint8_t> block, const Decoder& decode) {
  FlipCounts c;
  auto original = decode(block);
  EXPECT_TRUE(original.ok());
  if (!original.ok()) return c;
  const Meaning before = MeaningOf(*original);
  for (uint64_t off = 0; off < block.size(); off += 8) {
    const uint64_t word = Get64(block, off);
    if (word == 0) continue;
    for (unsigned bit = 0; bit < 64; ++bit) {
      Put64(block, off, word ^ (uint64_t{1} << bit));
      auto d = decode(block);
      ++c.flips;
      if (!d.ok()) {
        ++c.refused;
      } else if (MeaningOf(*d) == before) {
        ++c.kept;
        EXPECT_EQ(d->table_pages, original->table_pages) << "same meaning, different structure at +" << off << " bit " << bit;
      } else {
        ++c.changed;
        for (const tv::DmaTranslation& t : d->translated) {
          if (!tv::FindDevice(*original, t.id)) c.new_devices.insert(t.id);
        }
      }
    }
    Put64(block, off, word);
  }
  return c;
}

TEST(IommuTablesTest, SingleBitFlipsAreRefusedOrVisible) {
  auto t = compiler::BuildIommuTables(Example(), kAmdViBase, kVtdBase);
  ASSERT_TRUE(t.ok());
  const FlipCounts amd = FlipEveryBit(t->amdvi, [&](const std::vector<uint8_t>& b) { return DecodeAmd(*t, b); });
  const FlipCounts vtd = FlipEveryBit(t->vtd, [&](const std::vector<uint8_t>& b) { return tv::DecodeVtd(b, kVtdBase); });
  for (auto [name, c] : {std::pair{"AMD-Vi", amd}, std::pair{"VT-d", vtd}}) {
    std::printf("%s: %d single-bit flips: %d refused, %d changed the decoded meaning, %d kept it (harmless)\n", name, c.flips,
                c.refused, c.changed, c.kept);
    EXPECT_EQ(c.refused + c.changed + c.kept, c.flips);
    EXPECT_GT(c.refused, 0);
    EXPECT_GT(c.changed, 0);
    EXPECT_TRUE(c.new_devices.empty()) << name << ": a single flip unblocked device " << tv::DeviceText(*c.new_devices.begin());
  }
}

}  // namespace
}  // namespace septum
