#include "kernel/lib/bitmap.h"

#include <gtest/gtest.h>

#include <set>
#include <random>

namespace septum {
namespace {

TEST(BitmapTest, SetTestClear) {
  Bitmap<130> bm;
  BitmapRef r = bm.ref();
  EXPECT_EQ(r.Count(), 0u);
  r.Set(0);
  r.Set(64);
  r.Set(129);
  EXPECT_TRUE(r.Test(0));
  EXPECT_TRUE(bm.Test(64));
  EXPECT_TRUE(r.Test(129));
  EXPECT_FALSE(r.Test(1));
  EXPECT_EQ(r.Count(), 3u);
  r.Clear(64);
  EXPECT_FALSE(r.Test(64));
  EXPECT_EQ(r.Count(), 2u);
}

TEST(BitmapTest, BitOrderMatchesHardwareBytes) {
  // Bit i is byte i/8, bit i%8 in memory: the order of the IOPM / MSR bitmaps.
  Bitmap<65536> bm;
  BitmapRef r = bm.ref();
  r.Set(0x3f8);
  const auto* bytes = reinterpret_cast<const uint8_t*>(r.words().data());
  EXPECT_EQ(bytes[0x3f8 / 8], 1u << (0x3f8 % 8));
}

TEST(BitmapTest, RangesAcrossWords) {
  Bitmap<200> bm;
  BitmapRef r = bm.ref();
  ASSERT_EQ(r.SetRange(60, 70), Status::kOk);  // 60..129
  EXPECT_EQ(r.Count(), 70u);
  EXPECT_FALSE(r.Test(59));
  EXPECT_TRUE(r.Test(60));
  EXPECT_TRUE(r.Test(129));
  EXPECT_FALSE(r.Test(130));
  ASSERT_EQ(r.ClearRange(64, 64), Status::kOk);  // a whole word
  EXPECT_EQ(r.Count(), 6u);
  EXPECT_EQ(r.SetRange(190, 11), Status::kOutOfRange);
  EXPECT_EQ(r.Count(), 6u);  // unchanged on error
  EXPECT_EQ(r.SetRange(201, 0), Status::kOutOfRange);
  EXPECT_EQ(r.SetRange(0, static_cast<size_t>(-1)), Status::kOutOfRange);
  EXPECT_EQ(r.SetRange(200, 0), Status::kOk);
}

TEST(BitmapTest, FindSkipsBitsBeyondCount) {
  Bitmap<70> bm;
  BitmapRef r = bm.ref();
  r.SetAll();
  EXPECT_EQ(r.Count(), 70u);
  // Storage bits 70..127 exist in the last word but are not part of the bitmap.
  EXPECT_EQ(r.FindFirstClear().status(), Status::kNotFound);
  r.Clear(69);
  EXPECT_EQ(r.FindFirstClear().value(), 69u);
  r.ClearAll();
  EXPECT_EQ(r.FindFirstSet().status(), Status::kNotFound);
  r.Set(5);
  r.Set(66);
  EXPECT_EQ(r.FindFirstSet().value(), 5u);
  EXPECT_EQ(r.FindFirstSet(6).value(), 66u);
  EXPECT_EQ(r.FindFirstSet(67).status(), Status::kNotFound);
  EXPECT_EQ(r.FindFirstSet(70).status(), Status::kNotFound);
}

TEST(BitmapTest, MatchesReferenceSetOnRandomOperations) {
  std::mt19937_64 rng(42);
  Bitmap<1000> bm;
  BitmapRef r = bm.ref();
  std::set<size_t> ref;
  for (int step = 0; step < 5000; ++step) {
    const size_t a = rng() % 1000;
    const size_t n = rng() % 100;
    const bool ok = a + n <= 1000;
    switch (rng() % 4) {
      case 0: r.Set(a); ref.insert(a); break;
      case 1: r.Clear(a); ref.erase(a); break;
      case 2:
        EXPECT_EQ(r.SetRange(a, n), ok ? Status::kOk : Status::kOutOfRange);
        if (ok) for (size_t i = a; i < a + n; ++i) ref.insert(i);
        break;
      default:
        EXPECT_EQ(r.ClearRange(a, n), ok ? Status::kOk : Status::kOutOfRange);
        if (ok) for (size_t i = a; i < a + n; ++i) ref.erase(i);
        break;
    }
    ASSERT_EQ(r.Count(), ref.size());
    const size_t from = rng() % 1000;
    auto it = ref.lower_bound(from);
    auto found = r.FindFirstSet(from);
    if (it == ref.end()) {
      EXPECT_EQ(found.status(), Status::kNotFound);
    } else {
      EXPECT_EQ(found.value(), *it);
    }
  }
}

TEST(BitmapTest, PopCount) {
  EXPECT_EQ(PopCount64(0), 0u);
  EXPECT_EQ(PopCount64(~uint64_t{0}), 64u);
  EXPECT_EQ(PopCount64(0x8000000000000001ull), 2u);
}

TEST(BitmapDeathTest, OutOfRangeBitPanics) {
  Bitmap<10> bm;
  BitmapRef r = bm.ref();
  EXPECT_DEATH(r.Set(10), "PANIC.*bit < bit_count_");
}

}  // namespace
}  // namespace septum
