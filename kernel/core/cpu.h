// kernel/core/cpu.h — one CPU of the schedule at run time: its plan, where it is in it, the
// domain it runs or idles for, and its counters.
//
// Everything here is written only by the CPU itself, except that other CPUs read `running` and
// `idle_in` (under System::lock) to know whom a kick must reach, and the bootstrap CPU reads
// `done` and the counters at the end of the run. Constant-initialized.
#ifndef SEPTUM_KERNEL_CORE_CPU_H_
#define SEPTUM_KERNEL_CORE_CPU_H_

#include <stdint.h>

#include "kernel/abi/limits.h"
#include "kernel/abi/tables.h"
#include "kernel/core/hypercall.h"
#include "kernel/core/schedule.h"
#include "kernel/lib/span.h"

namespace septum {

struct Cpu {
  uint32_t index = 0;
  Span<const tables::SlotRecord> plan;  // empty: it runs no plan and idles

  // Where it is in its plan.
  SlotPosition pos;
  uint64_t end_ns = 0;    // the end of slot `pos` (0: no slot yet)
  bool slot_ran = false;  // a domain ran in slot `pos`
  uint64_t armed_at = 0;  // when its timer fires (0: not armed, or fired)

  // The domain it has claimed for the current slot, and what its exits need (set when the slot
  // begins for it).
  HypercallEnvironment env;
  uint64_t end_tsc = 0;   // the slot's end on the TSC
  bool moved = false;     // the domain last ran on another CPU: its next entry flushes its TLB

  // Published for kicks: the domain it runs (claimed) or idles in the slot of.
  uint32_t running = tables::kNoDomain;
  uint32_t idle_in = tables::kNoDomain;

  // Counters for the end-of-run summary.
  uint64_t frames = 0;      // major frames begun
  uint64_t idle_slots = 0;  // slots in which no domain ran
  uint32_t slots_run[limits::kMaxDomains] = {};
  bool done = false;        // it left its plan at the end of the run (atomic accesses)
};

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_CPU_H_
