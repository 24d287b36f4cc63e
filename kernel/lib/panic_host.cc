// kernel/lib/panic_host.cc — Panic() for host builds of kernel code: report and abort.
#include <cstdio>
#include <cstdlib>

#include "kernel/lib/panic.h"

namespace septum {

void Panic(const char* file, int line, const char* message) {
  std::fprintf(stderr, "PANIC at %s:%d: %s\n", file, line, message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace septum
