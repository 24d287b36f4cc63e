// kernel/lib/panic.h — the one way to stop on a broken invariant.
//
// A broken invariant panics; it never becomes a Status (STYLE.md). SEPTUM_ASSERT stays on in
// every build: the checks it guards are isolation-critical. Panic() is provided by the
// environment: the kernel prints to its console and ends the run with a failure status
// (kernel/arch/x86/panic.cc); host builds print to stderr and abort (panic_host.cc), so host
// tests can assert on it with EXPECT_DEATH.
#ifndef SEPTUM_KERNEL_LIB_PANIC_H_
#define SEPTUM_KERNEL_LIB_PANIC_H_

namespace septum {

[[noreturn]] void Panic(const char* file, int line, const char* message);

}  // namespace septum

#define SEPTUM_PANIC(message) ::septum::Panic(__FILE__, __LINE__, (message))

#define SEPTUM_ASSERT(condition)                                         \
  do {                                                                   \
    if (!(condition)) ::septum::Panic(__FILE__, __LINE__, "assertion failed: " #condition); \
  } while (0)

#endif  // SEPTUM_KERNEL_LIB_PANIC_H_
