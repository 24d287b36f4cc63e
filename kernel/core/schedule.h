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

// The slot after `pos` when tick `now` lies in it — the common step, at a slot's end, costs no
// division — or else Locate(now). `pos.end == 0` (no slot yet) always locates.
SlotPosition NextSlot(Span<const tables::SlotRecord> slots, uint64_t major_ticks, const SlotPosition& pos, uint64_t now);

// The same slot instance (frame and index): a domain that yielded stays off until it changes.
inline bool SameSlot(const SlotPosition& a, const SlotPosition& b) { return a.frame == b.frame && a.index == b.index; }

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_SCHEDULE_H_
