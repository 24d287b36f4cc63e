#include "kernel/lib/span.h"

#include <gtest/gtest.h>

#include "kernel/lib/string_view.h"

namespace septum {
namespace {

TEST(SpanTest, ViewsArray) {
  int a[] = {1, 2, 3, 4};
  Span<int> s(a);
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(s.size_bytes(), 16u);
  EXPECT_EQ(s[3], 4);
  int sum = 0;
  for (int v : s) sum += v;
  EXPECT_EQ(sum, 10);
  Span<const int> c = s;  // converts to const
  EXPECT_EQ(c[0], 1);
}

TEST(SpanTest, SubspanChecksBounds) {
  int a[] = {1, 2, 3, 4};
  Span<int> s(a);
  auto mid = s.Subspan(1, 2);
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(mid.value().size(), 2u);
  EXPECT_EQ(mid.value()[0], 2);
  EXPECT_TRUE(s.Subspan(4, 0).ok());
  EXPECT_EQ(s.Subspan(5, 0).status(), Status::kOutOfRange);
  EXPECT_EQ(s.Subspan(2, 3).status(), Status::kOutOfRange);
  // offset + count would wrap around: still rejected.
  EXPECT_EQ(s.Subspan(1, static_cast<size_t>(-1)).status(), Status::kOutOfRange);
  EXPECT_EQ(s.From(3).value().size(), 1u);
  EXPECT_EQ(s.From(5).status(), Status::kOutOfRange);
}

TEST(SpanDeathTest, IndexOutOfRangePanics) {
  int a[] = {1, 2};
  Span<int> s(a);
  EXPECT_DEATH((void)s[2], "PANIC.*i < size_");
}

TEST(SpanTest, LoadLeReadsLittleEndian) {
  const uint8_t bytes[] = {0x78, 0x56, 0x34, 0x12, 0xff};
  Span<const uint8_t> s(bytes);
  EXPECT_EQ(LoadLe<uint32_t>(s, 0).value(), 0x12345678u);
  EXPECT_EQ(LoadLe<uint16_t>(s, 3).value(), 0xff12u);
  EXPECT_EQ(LoadLe<uint32_t>(s, 2).status(), Status::kOutOfRange);
  EXPECT_EQ(LoadLe<uint8_t>(s, 5).status(), Status::kOutOfRange);
  EXPECT_EQ(LoadLe<uint64_t>(s, static_cast<size_t>(-1)).status(), Status::kOutOfRange);
}

TEST(StringViewTest, ComparesAndSlices) {
  StringView v("multiboot2");
  EXPECT_EQ(v.size(), 10u);
  EXPECT_TRUE(v.StartsWith("multi"));
  EXPECT_FALSE(v.StartsWith("boot"));
  EXPECT_TRUE(v.Substr(5) == StringView("boot2"));
  EXPECT_TRUE(v.Substr(5, 4) == StringView("boot"));
  EXPECT_TRUE(v.Substr(20).empty());
  EXPECT_TRUE(StringView(nullptr).empty());
  EXPECT_EQ(v[100], '\0');
  EXPECT_TRUE(StringView("a") != StringView("b"));
}

}  // namespace
}  // namespace septum
