#include "kernel/lib/format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace septum {
namespace {

template <typename... Args>
std::string F(const char* fmt, const Args&... args) {
  char buf[512];
  const size_t n = FormatToBuffer(buf, sizeof(buf), fmt, args...);
  EXPECT_LT(n, sizeof(buf));
  return std::string(buf);
}

TEST(FormatTest, Integers) {
  EXPECT_EQ(F("{} {} {}", 0, 42, -7), "0 42 -7");
  EXPECT_EQ(F("{}", INT64_MIN), "-9223372036854775808");
  EXPECT_EQ(F("{}", UINT64_MAX), "18446744073709551615");
  EXPECT_EQ(F("{:x} {:X} {:#x}", 255u, 255u, 255u), "ff FF 0xff");
  EXPECT_EQ(F("{:#018x}", uint64_t{0x1000}), "0x0000000000001000");
  EXPECT_EQ(F("{:08x}", 0xbeefu), "0000beef");
  EXPECT_EQ(F("{:b} {:#b}", 5u, 5u), "101 0b101");
  EXPECT_EQ(F("{:x}", -1), "ffffffffffffffff");  // hex of a negative shows its bits
  EXPECT_EQ(F("{:5}|{:<5}|", 42, 42), "   42|42   |");
  EXPECT_EQ(F("{:d}", uint8_t{200}), "200");
}

TEST(FormatTest, TextBoolCharPointerStatus) {
  EXPECT_EQ(F("{} {} {}", "svm", StringView("npt"), 'x'), "svm npt x");
  EXPECT_EQ(F("[{:6}] [{:>6}]", "ab", "ab"), "[ab    ] [    ab]");
  EXPECT_EQ(F("{} {}", true, false), "true false");
  const char* null_string = nullptr;
  EXPECT_EQ(F("{}", null_string), "(null)");
  EXPECT_EQ(F("{}", reinterpret_cast<const void*>(0x1234)), "0x1234");
  EXPECT_EQ(F("{}", Status::kDenied), "denied");
}

TEST(FormatTest, BracesAndMismatches) {
  EXPECT_EQ(F("{{}} {}", 1), "{} 1");
  EXPECT_EQ(F("a {} b {}", 1), "a 1 b {?}");  // missing argument
  EXPECT_EQ(F("{}", 1, 2, 3), "1");           // surplus arguments ignored
  EXPECT_EQ(F("x {:x"), "x {:x");             // unterminated placeholder printed as written
  EXPECT_EQ(F("no placeholders"), "no placeholders");
  EXPECT_EQ(F(""), "");
  EXPECT_EQ(F("}"), "}");
}

TEST(FormatTest, WidthIsClamped) {
  const std::string s = F("{:9999}", 1);
  EXPECT_EQ(s.size(), 255u);
  EXPECT_EQ(s.back(), '1');
}

TEST(FormatTest, BufferTruncatesAndReportsFullLength) {
  char buf[8];
  const size_t n = FormatToBuffer(buf, sizeof(buf), "value={}", 123456);
  EXPECT_EQ(n, 12u);
  EXPECT_STREQ(buf, "value=1");  // 7 characters + NUL
  BufferWriter w(buf, sizeof(buf));
  Format(w.sink(), "abc");
  EXPECT_FALSE(w.truncated());
  EXPECT_EQ(std::string(w.text().data(), w.text().size()), "abc");
  EXPECT_EQ(FormatToBuffer(nullptr, 0, "abc"), 3u);  // capacity 0: counts only
}

TEST(FormatTest, SinkReceivesEverything) {
  std::string out;
  Sink sink([](void* ctx, const char* d, size_t n) { static_cast<std::string*>(ctx)->append(d, n); },
            &out);
  Format(sink, "{}-{}", "a", 1);
  EXPECT_EQ(out, "a-1");
}

}  // namespace
}  // namespace septum
