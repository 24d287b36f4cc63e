#include "policy/testing/generate.h"

#include <gtest/gtest.h>

#include "policy/frontend.h"

namespace septum::policy::testing {
namespace {

TEST(GenerateTest, GeneratedPoliciesAreAccepted) {
  for (uint32_t n : {1u, 2u, 3u, 16u, 65u, 300u}) {
    for (uint32_t cpus : {1u, 4u}) {
      const std::string text = GeneratePolicy({n, 4, cpus});
      CheckOutcome out = CheckPolicyText("gen.policy", text);
      ASSERT_TRUE(out.accepted()) << n << " domains, " << cpus << " CPUs:\n" << RenderText(*out.source, out.diags);
      EXPECT_EQ(out.system->domains.size(), n);
      EXPECT_EQ(out.system->regions.size(), n * 4);
      EXPECT_EQ(out.system->channels.size(), n / 2);
      EXPECT_EQ(out.diags.warning_count(), 0u);
    }
  }
}

TEST(GenerateTest, Deterministic) { EXPECT_EQ(GeneratePolicy({40, 3, 2}), GeneratePolicy({40, 3, 2})); }

}  // namespace
}  // namespace septum::policy::testing
