#include "kernel/lib/spinlock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace septum {
namespace {

TEST(SpinLockTest, MutualExclusionUnderContention) {
  SpinLock lock;
  uint64_t counter = 0;  // guarded by lock; a lost update shows as a short count
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {  // no more threads than the machine has cores: a ticket lock does not like preempted waiters
    threads.emplace_back([&] {
      for (int i = 0; i < 50000; ++i) {
        LockGuard guard(lock);
        counter = counter + 1;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counter, 100000u);
}

TEST(SpinLockTest, TryLockFailsWhileHeldAndSucceedsAfter) {
  SpinLock lock;
  EXPECT_TRUE(lock.TryLock());
  EXPECT_FALSE(lock.TryLock());
  lock.Unlock();
  EXPECT_TRUE(lock.TryLock());
  lock.Unlock();
  {
    LockGuard guard(lock);
    EXPECT_FALSE(lock.TryLock());
  }
  EXPECT_TRUE(lock.TryLock());
  lock.Unlock();
}

}  // namespace
}  // namespace septum
