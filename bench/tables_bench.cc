// bench/tables_bench.cc — compile + translation validation time on generated policies.
//   bazel run -c opt //bench:tables_bench [-- --smallest]
// --smallest measures 16 domains only (bench:tables_bench_smoke_test). Exit status 1 if a
// generated policy is rejected or cannot be compiled.
// Targets (issue: static tables): compile + validation under 2 s for 256 domains and under
// 30 s for 4096. Policies from policy/testing/generate.h (4 regions, a channel end, a device
// with 8 ports per domain); built without images (segments are a few records per domain and
// do not change the picture). Each size runs in its own child process so its peak resident
// memory is its own.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "bench/in_child.h"
#include "policy/frontend.h"
#include "policy/testing/generate.h"
#include "proofs/prover.h"
#include "proofs/tv/validate.h"
#include "tools/compiler/compile.h"

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Figures {
  double compile = 0, validate = 0, slowest = 0;
  int slowest_index = -1;
  uint64_t blob_bytes = 0, covered = 0;
  long peak_kib = 0;
  int proven = 0, total = 0;
  bool compiled = false;
};

Figures Measure(uint32_t domains) {
  Figures f;
  septum::policy::CheckOutcome out =
      septum::policy::CheckPolicyText("generated.policy", septum::policy::testing::GeneratePolicy({domains, 4, 4}));
  if (!out.accepted()) return f;
  auto t = Clock::now();
  absl::StatusOr<std::vector<uint8_t>> blob = septum::compiler::CompileTables(*out.system, nullptr);
  f.compile = Since(t);
  if (!blob.ok()) return f;
  f.compiled = true;
  f.blob_bytes = blob->size();
  t = Clock::now();
  const septum::tv::TvOutcome v = septum::tv::ValidateTables(*out.system, *blob, nullptr);
  f.validate = Since(t);
  for (size_t i = 0; i < v.results.size(); ++i) {
    f.total++;
    f.proven += v.results[i].verdict == septum::proofs::Verdict::kProven;
    if (v.results[i].seconds > f.slowest) {
      f.slowest = v.results[i].seconds;
      f.slowest_index = static_cast<int>(i);
    }
  }
  f.covered = v.coverage.covered;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  f.peak_kib = ru.ru_maxrss;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const bool smallest = argc == 2 && std::string(argv[1]) == "--smallest";
  if (argc > 2 || (argc == 2 && !smallest)) {
    std::fprintf(stderr, "usage: tables_bench [--smallest]\n");
    return 2;
  }
  std::printf("tables_bench: Z3 %s; compile + translation validation (P10-P16) of generated policies\n\n",
              septum::proofs::Z3Version().c_str());
  std::printf("%8s %10s %9s %9s %9s %11s %9s  %s\n", "domains", "blob", "compile", "validate", "total", "peak RSS", "covered",
              "verdicts (slowest obligation)");
  int status = 0;
  for (uint32_t domains : {16u, 256u, 4096u}) {
    if (smallest && domains > 16) break;
    const Figures f = septum::bench::InChild<Figures>([&] { return Measure(domains); });
    if (!f.compiled) {
      std::printf("%8u  the generated policy was rejected or could not be compiled\n", domains);
      status = 1;
      continue;
    }
    const double total = f.compile + f.validate;
    const char* target = domains == 256 ? (total < 2.0 ? "  target < 2 s: met" : "  target < 2 s: MISSED")
                         : domains == 4096 ? (total < 30.0 ? "  target < 30 s: met" : "  target < 30 s: MISSED")
                                           : "";
    std::printf("%8u %6lu MiB %7.3f s %7.3f s %7.3f s %7ld MiB %8.2f%%  %d/%d proven (%s %.3f s)%s\n", domains,
                static_cast<unsigned long>(f.blob_bytes >> 20), f.compile, f.validate, total, f.peak_kib / 1024,
                f.blob_bytes ? 100.0 * f.covered / f.blob_bytes : 0.0, f.proven, f.total,
                f.slowest_index >= 0 ? septum::tv::TvCatalogue()[f.slowest_index].id : "-", f.slowest, target);
  }
  return status;
}
