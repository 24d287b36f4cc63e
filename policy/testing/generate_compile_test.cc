// policy/testing/generate_compile_test.cc — every generated policy the benchmarks use (16 to
// 4096 domains, bench/*.cc) passes the front end and compiles into a tables blob: the compiler
// refuses some policies the front end accepts (a domain-owned IRQ above 223 has no vector), and
// a benchmark that cannot compile its policy measures nothing.
#include <gtest/gtest.h>

#include "policy/frontend.h"
#include "policy/testing/generate.h"
#include "tools/compiler/compile.h"

namespace septum::policy::testing {
namespace {

void ExpectCompiles(uint32_t domains, uint32_t cpus) {
  const std::string text = GeneratePolicy({domains, 4, cpus});
  CheckOutcome out = CheckPolicyText("gen.policy", text);
  ASSERT_TRUE(out.accepted()) << domains << " domains, " << cpus << " CPUs:\n" << RenderText(*out.source, out.diags);
  const absl::StatusOr<std::vector<uint8_t>> blob = compiler::CompileTables(*out.system, nullptr);
  ASSERT_TRUE(blob.ok()) << domains << " domains, " << cpus << " CPUs: " << blob.status();
  EXPECT_GT(blob->size(), 0u);
}

TEST(GenerateCompileTest, EveryBenchmarkSizeCompiles) {
  for (uint32_t domains : {16u, 250u, 256u, 1024u, 4096u}) ExpectCompiles(domains, 4);
}

// One CPU takes every IRQ route: the generator's 192 IRQs are as many as one CPU can route.
TEST(GenerateCompileTest, OneCpuRoutesEveryIrq) { ExpectCompiles(300, 1); }

}  // namespace
}  // namespace septum::policy::testing
