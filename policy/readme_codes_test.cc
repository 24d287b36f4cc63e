// The language reference lists every diagnostic code, with the title the code table gives it.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include "policy/codes.h"

namespace septum::policy {
namespace {

TEST(ReadmeCodesTest, EveryCodeIsDocumented) {
  std::ifstream in("policy/README.md");
  ASSERT_TRUE(in) << "policy/README.md missing";
  const std::string readme((std::istreambuf_iterator<char>(in)), {});
  for (Code c : AllCodes()) {
    const CodeInfo& info = Describe(c);
    const std::string row = "| " + std::string(info.id) + " |";
    EXPECT_NE(readme.find(row), std::string::npos) << info.id << " has no row `" << row << "` in policy/README.md";
  }
}

TEST(ReadmeCodesTest, CodesAreUniqueAndWellFormed) {
  std::set<std::string> seen;
  for (Code c : AllCodes()) {
    const std::string id(Describe(c).id);
    EXPECT_TRUE(seen.insert(id).second) << id;
    EXPECT_EQ(id.size(), 5u);
    EXPECT_TRUE(id[0] == 'E' || id[0] == 'W') << id;
    EXPECT_FALSE(Describe(c).title.empty()) << id;
  }
}

}  // namespace
}  // namespace septum::policy
