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

SlotPosition NextSlot(Span<const tables::SlotRecord> slots, uint64_t major_ticks, const SlotPosition& pos, uint64_t now) {
  if (pos.end != 0 && now >= pos.end) {
    SlotPosition next;
    next.frame = pos.frame;
    next.index = pos.index + 1;
    if (next.index >= slots.size()) {
      // After the last slot (or the idle tail): the next frame, unless the plan falls short of
      // the frame and its idle tail comes first.
      if (pos.end != (pos.frame + 1) * major_ticks) return Locate(slots, major_ticks, now);
      next.frame = pos.frame + 1;
      next.index = 0;
    }
    next.domain = slots[next.index].domain;
    next.end = pos.end + slots[next.index].ticks;
    if (now < next.end) return next;
  }
  return Locate(slots, major_ticks, now);
}

}  // namespace septum
