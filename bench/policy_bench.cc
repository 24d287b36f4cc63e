// bench/policy_bench.cc — front-end speed on generated policies (policy/testing/generate.h).
// Target (issue: policy language): a 4096-domain policy is checked in under 1 s.
//   bazel run -c opt //bench:policy_bench
#include <benchmark/benchmark.h>

#include <string>

#include "policy/frontend.h"
#include "policy/parser.h"
#include "policy/testing/generate.h"

namespace septum::policy {
namespace {

void BM_Parse(benchmark::State& state) {
  const std::string text = testing::GeneratePolicy({static_cast<uint32_t>(state.range(0)), 4, 4});
  for (auto _ : state) {
    SourceFile file("gen.policy", text);
    Diagnostics diags;
    ast::File ast = Parse(file, &diags);
    if (diags.has_errors()) state.SkipWithError("generated policy has syntax errors");
    benchmark::DoNotOptimize(ast);
  }
  state.counters["bytes"] = static_cast<double>(text.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

// The whole `septum check` front end: lex, parse, resolve, place, isolation checks, flows.
void BM_Check(benchmark::State& state) {
  const std::string text = testing::GeneratePolicy({static_cast<uint32_t>(state.range(0)), 4, 4});
  for (auto _ : state) {
    CheckOutcome out = CheckPolicyText("gen.policy", text);
    if (!out.accepted()) state.SkipWithError("generated policy rejected");
    benchmark::DoNotOptimize(out);
  }
  state.counters["regions"] = static_cast<double>(state.range(0) * 4);
}

BENCHMARK(BM_Parse)->Arg(16)->Arg(256)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Check)->Arg(16)->Arg(256)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace septum::policy

BENCHMARK_MAIN();
