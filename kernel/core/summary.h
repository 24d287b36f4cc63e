// kernel/core/summary.h — what the kernel says about its schedule: each CPU's plan at the start,
// and at the end of a run (`run=MS`) each CPU's frames and slots, each IRQ route's arrivals and
// each domain's state and counters. Pure (writes to a Sink): host-tested (summary_test).
#ifndef SEPTUM_KERNEL_CORE_SUMMARY_H_
#define SEPTUM_KERNEL_CORE_SUMMARY_H_

#include <stdint.h>

#include "kernel/core/system.h"
#include "kernel/lib/format.h"

namespace septum {

//   septum: cpu 1 (apic 1): plan worker 6000 us sandbox 4000 us
void WritePlan(Sink sink, const System& system, const Cpu& cpu, uint32_t apic_id);

//   septum: cpu 0: 100 frames; slots run: dom0 98; idle 2
//   septum: irq 11 -> `worker`: arrived 12, dropped 0 while its owner was stopped
//   septum: domain `dom0`: runnable, exits 196, hypercalls 195, denied 1, failed 0, faults 0, restarts 0
// A domain's partial console line goes to `console` first.
void WriteSummary(Sink sink, const ConsoleSink& console, System& system);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_SUMMARY_H_
