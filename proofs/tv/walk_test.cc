// The page-table builder (tools/compiler) and the independent walker (proofs/tv) against each
// other and against hand-written tables: every mapping comes back exactly, nothing else is
// mapped, and malformed tables are refused.
#include "proofs/tv/walk.h"

#include <gtest/gtest.h>

#include <random>

#include "tools/compiler/page_tables.h"

namespace septum {
namespace {

using compiler::Mapping;
using paging::Format;

// The mappings as the walker reports them: sorted, adjacent ones merged.
std::vector<tv::Run> Expected(const std::vector<Mapping>& ms) {
  std::vector<tv::Run> runs;
  for (const Mapping& m : ms) runs.push_back({m.guest, m.host, m.size, m.access});
  return tv::CanonicalRuns(runs);
}

std::vector<tv::Run> RoundTrip(Format f, const std::vector<Mapping>& ms, uint64_t base = 0x4000000) {
  auto tables = compiler::BuildPageTables(f, ms, base);
  EXPECT_TRUE(tables.ok()) << tables.status();
  if (!tables.ok()) return {};
  auto walk = tv::WalkToRuns(f, tables->bytes, tables->base);
  EXPECT_TRUE(walk.ok()) << walk.status();
  if (!walk.ok()) return {};
  EXPECT_EQ(walk->table_pages.size(), tables->bytes.size() / paging::kPageSize);  // every page used, once
  return walk->runs;
}

TEST(PageTablesTest, DemoLikeDomainBothFormats) {
  const std::vector<Mapping> ms = {
      {0x0, 0x1000000, 16u << 20, paging::kRead | paging::kWrite | paging::kExec},  // ram: 2 MiB leaves
      {0x1000000, 0x900000, 4096, paging::kRead},                                 // channel, read-only
      {0xfea00000, 0xfea00000, 1u << 20, paging::kRead | paging::kWrite},           // MMIO, no exec
  };
  for (Format f : {Format::kNpt, Format::kEpt}) {
    EXPECT_EQ(RoundTrip(f, ms), Expected(ms)) << static_cast<int>(f);
  }
  auto t = compiler::BuildPageTables(Format::kNpt, ms, 0x4000000);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->leaves_2m, 8u);
  EXPECT_EQ(t->leaves_4k, 1u + 256u);
}

TEST(PageTablesTest, RandomMappingsRoundTrip) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<Mapping> ms;
    uint64_t guest = (rng() % 64) * paging::kPageSize;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 6); ++k) {
      const uint64_t size = (rng() % 3 == 0 ? (1 + rng() % 3) * paging::kLargePageSize : 0) + (rng() % 40) * paging::kPageSize +
                            paging::kPageSize;
      const uint64_t host = ((rng() % 2 == 0) ? (rng() % 64) * paging::kLargePageSize : (rng() % 100000) * paging::kPageSize) +
                            (uint64_t{1} << 32);
      const uint8_t access = static_cast<uint8_t>(paging::kRead | (rng() % 2 ? paging::kWrite : 0) | (rng() % 2 ? paging::kExec : 0));
      ms.push_back({guest, host, size, access});
      guest += size + (rng() % 3) * paging::kPageSize + (rng() % 5 == 0 ? (uint64_t{1} << 30) : 0);
    }
    for (Format f : {Format::kNpt, Format::kEpt}) ASSERT_EQ(RoundTrip(f, ms), Expected(ms)) << "trial " << trial;
  }
}

TEST(PageTablesTest, RejectsBadMappings) {
  using compiler::BuildPageTables;
  EXPECT_FALSE(BuildPageTables(Format::kNpt, {{0x0, 0x1000, 0x2000, paging::kRead}, {0x1000, 0x9000, 0x1000, paging::kRead}}, 0).ok());
  EXPECT_FALSE(BuildPageTables(Format::kNpt, {{0x800, 0x1000, 0x1000, paging::kRead}}, 0).ok());
  EXPECT_FALSE(BuildPageTables(Format::kNpt, {{0x0, 0x1000, 0x1000, paging::kWrite}}, 0).ok());
  EXPECT_FALSE(BuildPageTables(Format::kNpt, {{uint64_t{1} << 48, 0x1000, 0x1000, paging::kRead}}, 0).ok());
  EXPECT_FALSE(BuildPageTables(Format::kEpt, {{0x0, 0x1000, 0x1000, paging::kRead}}, 0x10).ok());
}

// Hand-made tables: the walker reads the manuals' rules, not the builder's habits.
std::vector<uint8_t> Pages(size_t n) { return std::vector<uint8_t>(n * paging::kPageSize, 0); }
void Put(std::vector<uint8_t>& b, size_t page, unsigned index, uint64_t e) {
  for (unsigned k = 0; k < 8; ++k) b[page * paging::kPageSize + index * 8 + k] = static_cast<uint8_t>(e >> (8 * k));
}

TEST(WalkTest, EffectivePermissionsCombineOverLevels) {
  using namespace paging::npt;
  const uint64_t base = 0x100000;
  auto b = Pages(4);
  Put(b, 0, 0, (base + 0x1000) | kPresent | kUser | kWritable);
  Put(b, 1, 0, (base + 0x2000) | kPresent | kUser);               // read-only above
  Put(b, 2, 0, (base + 0x3000) | kPresent | kUser | kWritable | kNoExecute);  // no exec above
  Put(b, 3, 5, 0x7000 | kPresent | kUser | kWritable);             // leaf says rwx
  Put(b, 3, 6, 0x8000 | kPresent | kWritable);                     // no U: not accessible
  auto w = tv::WalkToRuns(Format::kNpt, b, base);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->runs.size(), 1u);
  EXPECT_EQ(w->runs[0], (tv::Run{0x5000, 0x7000, 0x1000, paging::kRead}));
}

TEST(WalkTest, RefusesStructuralBreaches) {
  using namespace paging::npt;
  const uint64_t base = 0x100000;
  auto outside = Pages(1);
  Put(outside, 0, 0, 0x200000 | kPresent | kUser);  // points outside the area
  EXPECT_FALSE(tv::WalkToRuns(Format::kNpt, outside, base).ok());
  auto twice = Pages(2);
  Put(twice, 0, 0, (base + 0x1000) | kPresent | kUser);
  Put(twice, 0, 1, (base + 0x1000) | kPresent | kUser);  // the same table page twice
  EXPECT_FALSE(tv::WalkToRuns(Format::kNpt, twice, base).ok());
  auto cycle = Pages(1);
  Put(cycle, 0, 0, base | kPresent | kUser);  // the root as its own child
  EXPECT_FALSE(tv::WalkToRuns(Format::kNpt, cycle, base).ok());
  auto top_large = Pages(1);
  Put(top_large, 0, 0, 0x0 | kPresent | kUser | kLarge);
  EXPECT_FALSE(tv::WalkToRuns(Format::kNpt, top_large, base).ok());
  auto write_only = Pages(1);
  Put(write_only, 0, 0, (base + 0x1000) | paging::ept::kWrite);
  EXPECT_FALSE(tv::WalkToRuns(Format::kEpt, write_only, base).ok());
}

TEST(WalkTest, OneGibLeafAndEptNotPresent) {
  using namespace paging::ept;
  const uint64_t base = 0x100000;
  auto b = Pages(2);
  Put(b, 0, 0, (base + 0x1000) | kRead | kWrite | kExec);
  Put(b, 1, 1, (uint64_t{1} << 30) | kRead | kLarge | kMemoryTypeWriteBack);  // a 1 GiB leaf
  auto w = tv::WalkToRuns(Format::kEpt, b, base);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->runs.size(), 1u);
  EXPECT_EQ(w->runs[0], (tv::Run{uint64_t{1} << 30, uint64_t{1} << 30, uint64_t{1} << 30, paging::kRead}));
  // Strict decoding: an absent entry (R=W=X=0) with stray bits, a leaf whose memory type is not
  // write-back, an ignored or accessed bit: all refused, never left to the hardware.
  auto refused = [&](unsigned index, uint64_t e) {
    auto c = b;
    Put(c, 1, index, e);
    return !tv::WalkToRuns(Format::kEpt, c, base).ok();
  };
  EXPECT_TRUE(refused(2, (uint64_t{2} << 30) | kLarge | kMemoryTypeWriteBack));
  EXPECT_TRUE(refused(2, (uint64_t{2} << 30) | kRead | kLarge));                          // memory type UC
  EXPECT_TRUE(refused(2, (uint64_t{2} << 30) | kRead | kLarge | kMemoryTypeWriteBack | (1ull << 8)));  // accessed
  EXPECT_TRUE(refused(2, (uint64_t{2} << 30) | kRead | kLarge | kMemoryTypeWriteBack | (1ull << 63)));  // suppress #VE
  EXPECT_FALSE(refused(2, (uint64_t{2} << 30) | kRead | kLarge | kMemoryTypeWriteBack));
}

TEST(WalkTest, NptIsStrict) {
  using namespace paging::npt;
  const uint64_t base = 0x100000;
  auto b = Pages(2);
  Put(b, 0, 0, (base + 0x1000) | kPresent | kWritable | kUser);
  Put(b, 1, 1, (uint64_t{1} << 30) | kPresent | kUser | kLarge);  // a 1 GiB leaf, r-x
  auto w = tv::WalkToRuns(Format::kNpt, b, base);
  ASSERT_TRUE(w.ok()) << w.status();
  auto refused = [&](uint64_t e) {
    auto c = b;
    Put(c, 1, 1, e);
    return !tv::WalkToRuns(Format::kNpt, c, base).ok();
  };
  EXPECT_TRUE(refused((uint64_t{1} << 30) | kUser | kLarge));                      // absent, not zero
  EXPECT_TRUE(refused((uint64_t{1} << 30) | kPresent | kUser | kLarge | (1 << 5)));  // accessed
  EXPECT_TRUE(refused((uint64_t{1} << 30) | kPresent | kUser | kLarge | (1 << 4)));  // cache disable
  EXPECT_TRUE(refused((uint64_t{1} << 30) | kPresent | kUser | kLarge | (1ull << 9)));  // available
  EXPECT_TRUE(refused((uint64_t{1} << 30) | kPresent | kUser | kLarge | (1ull << 52)));  // available
}

}  // namespace
}  // namespace septum
