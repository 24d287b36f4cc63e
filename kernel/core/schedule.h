// kernel/core/schedule.h — where a CPU is in its cyclic plan at a given time.
//
// A CPU's plan (kernel/abi/tables.h: CpuPlan, SlotRecord) is a list of slots, in ticks, whose
// lengths sum to the major frame; the plan repeats forever from tick 0, when the kernel starts
// the schedule. Locate() is the whole scheduler's arithmetic: which slot holds tick `now`, and
// when it ends. The kernel arms its timer for that end and runs the slot's domain until then
// — or idles, if the slot is idle, its domain is stopped, or the domain gave the slot up
// (yield, HLT): time is never handed to another domain. Pure: host-tested (schedule_test).
#ifndef SEPTUM_KERNEL_CORE_SCHEDULE_H_
#define SEPTUM_KERNEL_CORE_SCHEDULE_H_

#include <stdint.h>

#include "kernel/abi/tables.h"
#include "kernel/lib/span.h"

namespace septum {

struct SlotPosition {
  uint64_t frame = 0;   // which repetition of the major frame
  uint32_t index = 0;   // the slot's position in the plan
  uint32_t domain = tables::kNoDomain;
  uint64_t end = 0;     // the first tick after the slot
};

// The slot holding tick `now`. `slots` must be non-empty and sum to `major_ticks` > 0 (the
// translation validator proves that of every blob); a shortfall is treated as an idle tail.
SlotPosition Locate(Span<const tables::SlotRecord> slots, uint64_t major_ticks, uint64_t now);

// Moves `pos` on to the slot holding tick `now`: the slot after it when `now` lies there — the
// common step, at a slot's end, costs no division (and is inline: a yield at a slot's end takes
// it) — or else Locate(now), as when slots were missed or `pos.end == 0` (no slot yet).
inline void StepTo(Span<const tables::SlotRecord> slots, uint64_t major_ticks, SlotPosition& pos, uint64_t now) {
  if (pos.end != 0 && now >= pos.end) {
    uint32_t index = pos.index + 1;
    uint64_t frame = pos.frame;
    if (index >= slots.size()) {
      // After the last slot (or the idle tail): the next frame, unless the plan falls short of
      // the frame and its idle tail comes first.
      if (pos.end != (frame + 1) * major_ticks) {
        pos = Locate(slots, major_ticks, now);
        return;
      }
      ++frame;
      index = 0;
    }
    const uint64_t end = pos.end + slots[index].ticks;
    if (now < end) {
      pos.frame = frame;
      pos.index = index;
      pos.domain = slots[index].domain;
      pos.end = end;
      return;
    }
  }
  pos = Locate(slots, major_ticks, now);
}

// A slot instance: which slot of which repetition of the frame. A domain that gave a slot up
// (yield, HLT) stays off until the instance changes.
struct SlotId {
  uint64_t frame = 0;
  uint32_t index = 0;
};
inline SlotId IdOf(const SlotPosition& p) { return SlotId{p.frame, p.index}; }
inline bool SameSlot(const SlotId& a, const SlotPosition& b) { return a.frame == b.frame && a.index == b.index; }

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_SCHEDULE_H_
