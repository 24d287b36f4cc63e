// kernel/core/schedule.cc — see schedule.h.
#include "kernel/core/schedule.h"

namespace septum {

SlotPosition Locate(Span<const tables::SlotRecord> slots, uint64_t major_ticks, uint64_t now) {
  SlotPosition p;
  p.frame = now / major_ticks;
  const uint64_t offset = now % major_ticks;
  const uint64_t frame_start = p.frame * major_ticks;
  uint64_t start = 0;
  for (uint32_t i = 0; i < slots.size(); ++i) {
    if (offset < start + slots[i].ticks) {
      p.index = i;
      p.domain = slots[i].domain;
      p.end = frame_start + start + slots[i].ticks;
      return p;
    }
    start += slots[i].ticks;
  }
  p.index = static_cast<uint32_t>(slots.size());  // the idle tail of a short plan
  p.end = frame_start + major_ticks;
  return p;
}

}  // namespace septum
