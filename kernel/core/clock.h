// kernel/core/clock.h — time from TSC readings, without 128-bit arithmetic.
//
// The kernel reads the TSC (one instruction) on every exit and converts it to nanoseconds only
// when something needs a time: the time() hypercall, self_info's slot remainder, the scheduler
// at a timer interrupt. Pure: host-tested (clock_test).
#ifndef SEPTUM_KERNEL_CORE_CLOCK_H_
#define SEPTUM_KERNEL_CORE_CLOCK_H_

#include <stdint.h>

namespace septum {

struct TscClock {
  uint64_t start_tsc = 0;   // the TSC when the clock reads 0 (the schedule's start)
  uint64_t tsc_per_us = 1;  // measured; at least 1
};

// Nanoseconds from the clock's start to `tsc` (0 before the start): whole microseconds, then
// the remainder, so nothing overflows for centuries of uptime.
constexpr uint64_t NsAt(const TscClock& c, uint64_t tsc) {
  if (tsc < c.start_tsc) return 0;
  const uint64_t delta = tsc - c.start_tsc;
  return delta / c.tsc_per_us * 1000 + (delta % c.tsc_per_us) * 1000 / c.tsc_per_us;
}

// The TSC when the clock reads `ns` (the inverse of NsAt, to the microsecond).
constexpr uint64_t TscAt(const TscClock& c, uint64_t ns) { return c.start_tsc + ns / 1000 * c.tsc_per_us + ns % 1000 * c.tsc_per_us / 1000; }

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_CLOCK_H_
