// tools/cli/args_test.cc — the argument parser: every form of flag, the order errors are found
// in, and the exact messages the commands print.
#include "tools/cli/args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace septum::cli {
namespace {

using Words = std::vector<std::string>;

ArgSpec Spec() {
  return ArgSpec{"cmd",
                 {Flag::Value("-o", "a file name").Required(), Flag::Bool("--coverage"),
                  Flag::Value("--format").Check([](const std::string& v) { return v == "text" || v == "json"; },
                                                [](const std::string& v) { return "unknown format `" + v + "`"; }),
                  Flag::Value("--timeout", "seconds (> 0)").Check([](const std::string& v) { return v == "5"; }),
                  Flag::Repeated("--device", "a device"), Flag::Values("--flow", 2, "two names: --flow A B")},
                 "give one file",
                 "usage: cmd FILE -o OUT"};
}

// The message of the usage error `words` make, or "ok".
std::string Error(const Words& words, const ArgSpec& spec = Spec()) {
  absl::StatusOr<ParsedArgs> a = ParseArgs(spec, words);
  if (a.ok()) return "ok";
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(a.status().message());
}

TEST(ArgsTest, EveryForm) {
  absl::StatusOr<ParsedArgs> a = ParseArgs(Spec(), {"--format", "json", "in", "--coverage", "-o", "out", "--timeout=5", "--device",
                                                    "a", "--device=b", "--flow", "x", "y"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_FALSE(a->help());
  EXPECT_EQ(a->positional(), "in");
  EXPECT_EQ(a->positionals(), Words{"in"});
  EXPECT_EQ(a->Value("-o"), "out");
  EXPECT_EQ(a->Value("--format"), "json");
  EXPECT_EQ(a->Value("--timeout"), "5");
  EXPECT_TRUE(a->Has("--coverage"));
  EXPECT_EQ(a->Values("--device"), (Words{"a", "b"}));
  EXPECT_EQ(a->Values("--flow"), (Words{"x", "y"}));
}

TEST(ArgsTest, AbsentFlags) {
  absl::StatusOr<ParsedArgs> a = ParseArgs(Spec(), {"in", "-o", "out"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_FALSE(a->Has("--coverage"));
  EXPECT_FALSE(a->Has("--format"));
  EXPECT_EQ(a->Value("--format"), "");
  EXPECT_EQ(a->Value("--format", "text"), "text");
  EXPECT_TRUE(a->Values("--device").empty());
}

TEST(ArgsTest, LastValueCountsUnlessRepeated) {
  absl::StatusOr<ParsedArgs> a = ParseArgs(Spec(), {"in", "-o", "a", "-o", "b", "--flow", "p", "q", "--flow", "r", "s"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->Value("-o"), "b");
  EXPECT_EQ(a->Values("-o"), Words{"b"});
  EXPECT_EQ(a->Values("--flow"), (Words{"r", "s"}));
}

// Values are taken as they are, even when they look like options.
TEST(ArgsTest, ValuesAreVerbatim) {
  absl::StatusOr<ParsedArgs> a = ParseArgs(Spec(), {"in", "-o", "--coverage", "--flow", "-a", "--help"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_FALSE(a->help());
  EXPECT_EQ(a->Value("-o"), "--coverage");
  EXPECT_FALSE(a->Has("--coverage"));
  EXPECT_EQ(a->Values("--flow"), (Words{"-a", "--help"}));
}

TEST(ArgsTest, HelpWinsUnlessAnErrorComesFirst) {
  for (const Words& w : {Words{"--help"}, Words{"-h"}, Words{"in", "--help", "--bogus"}, Words{"-h", "a", "b", "c"}}) {
    absl::StatusOr<ParsedArgs> a = ParseArgs(Spec(), w);
    ASSERT_TRUE(a.ok()) << a.status();
    EXPECT_TRUE(a->help());
  }
  EXPECT_EQ(Error({"--bogus", "--help"}), "cmd: unknown option `--bogus`");
  EXPECT_EQ(Error({"a", "b", "--help"}), "cmd: give one file");
}

TEST(ArgsTest, Messages) {
  EXPECT_EQ(Error({"in", "-o", "out"}), "ok");
  EXPECT_EQ(Error({"--bogus", "in"}), "cmd: unknown option `--bogus`");
  EXPECT_EQ(Error({"-"}), "cmd: unknown option `-`");
  EXPECT_EQ(Error({"--"}), "cmd: unknown option `--`");
  EXPECT_EQ(Error({"--coverage=1"}), "cmd: unknown option `--coverage=1`");  // a boolean takes no value
  EXPECT_EQ(Error({"-o=out"}), "cmd: unknown option `-o=out`");              // a short flag takes no `=`
  EXPECT_EQ(Error({"--flow=a", "b"}), "cmd: unknown option `--flow=a`");     // nor one of several values
  EXPECT_EQ(Error({"a", "b"}), "cmd: give one file");
  EXPECT_EQ(Error({"in", "-o"}), "cmd: -o takes a file name");
  EXPECT_EQ(Error({"in", "--format"}), "cmd: --format takes a value");
  EXPECT_EQ(Error({"--format=xml", "--bogus"}), "unknown format `xml`");  // the flag's own message, as it is
  EXPECT_EQ(Error({"--format", ""}), "unknown format ``");
  EXPECT_EQ(Error({"--timeout", "0"}), "cmd: --timeout takes seconds (> 0)");
  EXPECT_EQ(Error({"--flow", "a"}), "cmd: --flow takes two names: --flow A B");
  EXPECT_EQ(Error({"in", "-o", "out", "--device"}), "cmd: --device takes a device");
  // Something required missing or empty.
  EXPECT_EQ(Error({}), "cmd: usage: cmd FILE -o OUT");
  EXPECT_EQ(Error({"in"}), "cmd: usage: cmd FILE -o OUT");
  EXPECT_EQ(Error({"-o", "out"}), "cmd: usage: cmd FILE -o OUT");
  EXPECT_EQ(Error({"in", "-o", ""}), "cmd: usage: cmd FILE -o OUT");
  EXPECT_EQ(Error({"", "-o", "out"}), "cmd: usage: cmd FILE -o OUT");
}

// A required flag of several values is missing when any of them is empty.
TEST(ArgsTest, RequiredValuesMustNotBeEmpty) {
  const ArgSpec spec{"explain", {Flag::Values("--flow", 2, "two names").Required()}, "give one", "usage: explain"};
  EXPECT_EQ(Error({"p", "--flow", "a", "b"}, spec), "ok");
  EXPECT_EQ(Error({"p", "--flow", "", "b"}, spec), "explain: usage: explain");
  EXPECT_EQ(Error({"p"}, spec), "explain: usage: explain");
}

TEST(ArgsTest, UnknownOptionCanBeTheUsage) {
  ArgSpec spec{"dump", {}, "usage: septum dump TABLES.bin", "usage: septum dump TABLES.bin"};
  spec.unknown_option_is_usage = true;
  EXPECT_EQ(Error({"-x"}, spec), "dump: usage: septum dump TABLES.bin");
  EXPECT_EQ(Error({"a", "b"}, spec), "dump: usage: septum dump TABLES.bin");
  EXPECT_EQ(Error({}, spec), "dump: usage: septum dump TABLES.bin");
  EXPECT_EQ(Error({"a"}, spec), "ok");
}

TEST(ArgsTest, SeveralPositionals) {
  ArgSpec spec{"diff", {}, "give two files", "usage: diff A B"};
  spec.positionals = 2;
  absl::StatusOr<ParsedArgs> a = ParseArgs(spec, {"x", "y"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->positionals(), (Words{"x", "y"}));
  EXPECT_EQ(Error({"x"}, spec), "diff: usage: diff A B");
  EXPECT_EQ(Error({"x", "y", "z"}, spec), "diff: give two files");
}

}  // namespace
}  // namespace septum::cli
