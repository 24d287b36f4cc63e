// kernel/core/system.h — the run-time state every CPU shares: the domains, the CPUs, the
// control rights, the channels and their doorbells, the IRQ routes, the schedule's constants;
// and what acts on it across CPUs: kicks and device interrupts on their way to their owner.
//
// `lock` guards every domain's run state (status, wait, claim), the doorbells, and each CPU's
// `running` / `idle_in`: the control and channel calls hold it while they decide and act, the
// scheduler while it decides what a slot runs. A kick (Kick) reaches only the CPU that runs the
// domain concerned or idles in its slot, never another: nothing one CPU's domains do reaches
// another CPU's timing except through that. The machine is reached through `hooks` only (an
// IPI, an I/O APIC mask), which host tests record. Host-tested (system_test, scheduler_test).
#ifndef SEPTUM_KERNEL_CORE_SYSTEM_H_
#define SEPTUM_KERNEL_CORE_SYSTEM_H_

#include <stdint.h>

#include "kernel/abi/limits.h"
#include "kernel/abi/tables.h"
#include "kernel/core/cpu.h"
#include "kernel/core/domain.h"
#include "kernel/lib/span.h"
#include "kernel/lib/spinlock.h"

namespace septum {

// The run-time state of IRQ route i (tables' IrqRoute i).
struct RouteState {
  bool active = false;  // programmed in an I/O APIC for a domain
  bool level = false;   // level-triggered: masked from its arrival until the owner's irq_ack
  uint32_t gsi = 0;
  bool masked = false;  // masked since it arrived (level) or since its owner stopped (atomic)
  uint64_t arrived = 0;
  uint64_t dropped = 0;  // arrived while its owner was stopped
};

struct SystemHooks {
  void (*kick)(void* context, uint32_t cpu) = nullptr;  // an IPI that makes CPU `cpu` look again
  void (*mask_irq)(void* context, uint32_t gsi, bool masked) = nullptr;
  void* context = nullptr;
};

struct System {
  Span<Domain> domains;
  Span<Cpu> cpus;                          // the CPUs of the schedule (policy CPU c at c)
  Span<const tables::ControlRight> rights;
  Span<const tables::ChannelRecord> channels;
  Span<uint64_t> doorbells;                // per channel: rings not yet collected by a wait
  Span<const tables::IrqRoute> routes;
  RouteState route_state[limits::kMaxIrqRoutes];
  uint16_t route_of_vector[limits::kMaxCpus][256] = {};  // route index + 1 by (CPU, vector); 0: none
  uint64_t major_ticks = 1;                // the schedule's major frame, in ticks
  uint64_t run_end_ns = 0;                 // the run ends then; 0: never
  SpinLock lock;
  SystemHooks hooks;

  // Tells the CPU that runs domain `domain` now, or idles in its slot, to look again at once
  // (it was stopped, paused, resumed or started, or the doorbell it waits for rang) — unless
  // that is `from_cpu`, the CPU making the call. Called with `lock` held.
  void Kick(uint32_t domain, uint32_t from_cpu);
};

// Reads the tables' schedule section: gives each CPU of `system.cpus` (its storage: one Cpu per
// possible CPU, indexed) its plan, counts each domain's plans, sets the major frame, and narrows
// `system.cpus` to the CPUs up to the last one with a plan. `platform_cpus`: the policy's CPU
// count. kCorrupt: the section is malformed (sizes, a plan for a CPU the platform lacks, an
// empty plan, ticks other than kTickNs); kNoSpace: a plan for a CPU beyond the storage;
// kNotFound: no plan for CPU 0.
Status BindPlans(System& system, Span<const uint8_t> schedule, uint32_t platform_cpus);

// A device IRQ's vector arrived at CPU `cpu` (the interrupt handler, interrupts off): recorded
// for the route's owner (and a level line masked until its irq_ack); dropped, and the line
// masked until the owner starts again, if the owner is stopped. Anything else is ignored.
void OnDeviceIrq(System& system, uint32_t cpu, uint32_t vector);

// irq_ack: the owner served the device behind route `route`; its line opens again.
void AckRoute(System& system, uint32_t route);

// At a domain's (re)start: every line of its routes opens again, nothing pending from before.
void ReopenRoutes(System& system, Domain& domain);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_SYSTEM_H_
