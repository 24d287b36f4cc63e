// bench/in_child.h — runs a measurement in a forked child process, so that its peak resident
// memory (getrusage RUSAGE_SELF in the child) is its own and not the largest seen so far.
#ifndef SEPTUM_BENCH_IN_CHILD_H_
#define SEPTUM_BENCH_IN_CHILD_H_

#include <sys/wait.h>
#include <unistd.h>

#include <type_traits>

namespace septum::bench {

// `measure` returns a trivially copyable struct; a default-constructed one if the child fails.
template <typename Figures, typename F>
Figures InChild(F measure) {
  static_assert(std::is_trivially_copyable_v<Figures>, "figures cross a pipe");
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const Figures f = measure();
    (void)!write(fds[1], &f, sizeof(f));
    _exit(0);
  }
  close(fds[1]);
  Figures f;
  if (read(fds[0], &f, sizeof(f)) != sizeof(f)) f = Figures{};
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return f;
}

}  // namespace septum::bench

#endif  // SEPTUM_BENCH_IN_CHILD_H_
