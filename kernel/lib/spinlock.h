// kernel/lib/spinlock.h — a ticket spinlock for state the CPUs share.
//
// Ticket order makes the lock fair: a CPU waits at most for the CPUs that asked before it,
// each for one critical section, so a domain on one CPU that makes a shared call in a loop
// cannot starve another CPU (time partitioning). Critical sections are short and never span
// a guest entry or an interrupt window: the kernel runs with interrupts disabled outside those
// windows, so no interrupt handler ever waits for a lock its own CPU holds.
// Plain C++ atomics (GCC builtins), no inline assembly: built for the kernel and the host.
#ifndef SEPTUM_KERNEL_LIB_SPINLOCK_H_
#define SEPTUM_KERNEL_LIB_SPINLOCK_H_

#include <stdint.h>

namespace septum {

class SpinLock {
 public:
  constexpr SpinLock() = default;
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

  void Lock() {
    const uint32_t ticket = __atomic_fetch_add(&next_, 1u, __ATOMIC_RELAXED);
    while (__atomic_load_n(&serving_, __ATOMIC_ACQUIRE) != ticket) __builtin_ia32_pause();
  }

  // Takes the lock if it is free now (used where waiting could deadlock: the panic path).
  bool TryLock() {
    uint32_t serving = __atomic_load_n(&serving_, __ATOMIC_RELAXED);
    return __atomic_compare_exchange_n(&next_, &serving, serving + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
  }

  void Unlock() { __atomic_store_n(&serving_, serving_ + 1, __ATOMIC_RELEASE); }

 private:
  uint32_t next_ = 0;     // the next ticket to hand out
  uint32_t serving_ = 0;  // the ticket that holds the lock
};

// Holds `lock` for its scope.
class LockGuard {
 public:
  explicit LockGuard(SpinLock& lock) : lock_(lock) { lock_.Lock(); }
  ~LockGuard() { lock_.Unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  SpinLock& lock_;
};

}  // namespace septum

#endif  // SEPTUM_KERNEL_LIB_SPINLOCK_H_
