#include "kernel/core/cmdline.h"

#include <gtest/gtest.h>

#include <string>

namespace septum {
namespace {

std::string Value(const char* cmdline, const char* key) {
  Result<StringView> r = FindCmdlineOption(cmdline, key);
  if (!r.ok()) return "<" + std::string(StatusName(r.status())) + ">";
  return std::string(r.value().data(), r.value().size());
}

TEST(CmdlineTest, FindsOptions) {
  EXPECT_EQ(Value("selftest=exception verbose", "selftest"), "exception");
  EXPECT_EQ(Value("selftest=exception verbose", "verbose"), "");
  EXPECT_EQ(Value("  a=1   b=2  ", "b"), "2");
  EXPECT_EQ(Value("a=1 a=2", "a"), "1");
  EXPECT_EQ(Value("a=", "a"), "");
}

TEST(CmdlineTest, MissingKeys) {
  EXPECT_EQ(Value("", "a"), "<not-found>");
  EXPECT_EQ(Value("ab=1", "a"), "<not-found>");   // prefix of another key
  EXPECT_EQ(Value("xa=1", "a"), "<not-found>");
  EXPECT_EQ(Value("a", "ab"), "<not-found>");
  EXPECT_EQ(Value("     ", "a"), "<not-found>");
}

TEST(ParseDecimalTest, DigitsOnly) {
  EXPECT_EQ(ParseDecimal("0").value(), 0u);
  EXPECT_EQ(ParseDecimal("1500").value(), 1500u);
  EXPECT_EQ(ParseDecimal("999999999999999999").value(), 999999999999999999u);
  for (const char* bad : {"", "-1", "1x", " 1", "1000000000000000000", "0x10"}) {
    EXPECT_EQ(ParseDecimal(bad).status(), Status::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace septum
