// kernel/core/phys_range.h — ranges of host-physical memory and the two questions the kernel
// asks of them: is one inside another, do two overlap. Written so nothing wraps past 2^64.
#ifndef SEPTUM_KERNEL_CORE_PHYS_RANGE_H_
#define SEPTUM_KERNEL_CORE_PHYS_RANGE_H_

#include <stdint.h>

#include "kernel/lib/span.h"

namespace septum {

struct PhysRange {
  uint64_t base = 0;
  uint64_t size = 0;  // [base, base + size); a range does not wrap past 2^64
};

// Whether [inner.base, +inner.size) lies inside `outer`.
constexpr bool RangeInside(const PhysRange& inner, const PhysRange& outer) {
  return inner.base >= outer.base && inner.base - outer.base <= outer.size && inner.size <= outer.size - (inner.base - outer.base);
}

// Whether the two share a byte (empty ranges share none).
constexpr bool RangesOverlap(const PhysRange& a, const PhysRange& b) {
  return a.size && b.size && a.base < b.base + b.size && b.base < a.base + a.size;
}

// Whether `r` lies inside one of `ranges` / overlaps any of them.
inline bool Inside(const PhysRange& r, Span<const PhysRange> ranges) {
  for (const PhysRange& o : ranges) {
    if (RangeInside(r, o)) return true;
  }
  return false;
}
inline bool Overlaps(const PhysRange& r, Span<const PhysRange> ranges) {
  for (const PhysRange& o : ranges) {
    if (RangesOverlap(r, o)) return true;
  }
  return false;
}

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_PHYS_RANGE_H_
