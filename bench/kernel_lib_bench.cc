// bench/kernel_lib_bench.cc — throughput of the kernel's formatting and bitmap primitives
// (host build). Run: bazel run -c opt //bench:kernel_lib_bench
#include <benchmark/benchmark.h>

#include <cstdint>

#include "kernel/lib/bitmap.h"
#include "kernel/lib/format.h"

namespace septum {
namespace {

void BM_FormatExitLine(benchmark::State& state) {
  char buf[128];
  uint64_t rip = 0x100000;
  for (auto _ : state) {
    const size_t n = FormatToBuffer(buf, sizeof(buf), "domain {} exit {:#x} at {:#018x}\n", "worker",
                                    0x400u, rip++);
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_FormatExitLine);

// Filling an I/O permission map: 64 Ki ports, a few owned ranges cleared.
void BM_IopmFill(benchmark::State& state) {
  Bitmap<65536> iopm;
  for (auto _ : state) {
    BitmapRef r = iopm.ref();
    r.SetAll();
    (void)r.ClearRange(0x3f8, 8);
    (void)r.ClearRange(0x2f8, 8);
    (void)r.ClearRange(0xc000, 0x100);
    benchmark::DoNotOptimize(r.Count());
  }
}
BENCHMARK(BM_IopmFill);

}  // namespace
}  // namespace septum

BENCHMARK_MAIN();
