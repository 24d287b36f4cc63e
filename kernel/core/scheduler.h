// kernel/core/scheduler.h — every CPU's cyclic plan, run: the kernel's main loop.
//
// Each CPU of the schedule runs its own plan from the tables, on one clock. At each slot it
// claims the slot's domain — if it is runnable, has not given this slot up, is not waiting and
// runs on no other CPU — arms its timer for the slot's end and runs the domain's guest until
// the slot ends, the domain gives the slot up (yield, HLT), waits (channel_wait), faults, or a
// controller stops or pauses it; otherwise the CPU idles until the slot ends: time is never
// handed to another domain. A kick (System::Kick) makes a CPU look again at once. Every exit
// goes to Dispatch (kernel/core/dispatch.h); a fault is logged in one line and the domain is
// stopped or restarted (memory zeroed, image reloaded) as its record says. A domain is claimed
// by one CPU at a time (under System::lock; released with a release store), so its virtual CPU,
// registers and console line are only ever touched by that CPU.
//
// The machine is reached only through `Platform` (a template parameter: no virtual call on the
// exit path). kernel/arch/x86/platform.h is the kernel's; scheduler_test's fake runs several
// CPUs in simulated time. What a Platform provides:
//
//   uint64_t NowNs();                        the schedule's clock: ns since it started
//   uint64_t Tsc();  const TscClock& Clock();  the TSC now, and how it converts to that clock
//   void ArmTimer(uint32_t cpu, uint64_t ns);  CPU `cpu`'s one-shot timer, `ns` from now
//   bool TakeTimerFired(uint32_t cpu);       whether it fired since the last look (clears it)
//   void WaitForInterrupt(uint32_t cpu);     idle until an interrupt (timer, kick, device IRQ)
//   Result<LoadReport> Load(Domain&);        zero its memory, load its image and start block
//   void ResetVcpu(uint32_t cpu, Domain&, const StartState&);  its virtual CPU's start state
//   void EnterSlot(uint32_t cpu, Domain&);   before it runs in a slot on `cpu` (its FPU state)
//   ExitEvent RunGuest(uint32_t cpu, Domain&, bool moved, uint64_t deadline_tsc);
//   void SetVirtualInterrupt(Domain&, uint8_t vector);
//   bool VirtualInterruptPending(const Domain&);
//   void LeaveCpu(uint32_t cpu, Domain&);    before another CPU may run it
//   Sink Console();  ConsoleSink DomainConsole();  type ConsoleHold (holds the console)
//
// Turn() is one step of a CPU — one guest entry and its exit, or one wait for an interrupt —
// so the host tests interleave CPUs exit by exit; Run() is the kernel's loop of the same steps.
#ifndef SEPTUM_KERNEL_CORE_SCHEDULER_H_
#define SEPTUM_KERNEL_CORE_SCHEDULER_H_

#include <stdint.h>

#include "kernel/core/channel.h"
#include "kernel/core/cpu.h"
#include "kernel/core/cpu_bits.h"
#include "kernel/core/dispatch.h"
#include "kernel/core/domain.h"
#include "kernel/core/start_state.h"
#include "kernel/core/system.h"
#include "kernel/lib/format.h"

namespace septum {

// What a CPU does in its slot.
enum class SlotUse : uint8_t { kIdle, kRun, kLoad };

template <class Platform>
class Scheduler {
 public:
  constexpr Scheduler(System& system, Platform& platform) : system_(system), hw_(platform) {}

  // Zeroes `domain`'s memory, loads its image and start block and puts its virtual CPU in its
  // start state, on `cpu` (the CPU that claimed it, or the bootstrap CPU before the schedule
  // starts); it becomes runnable unless a controller stopped it meanwhile. False, and the
  // domain stopped, if it cannot be loaded.
  bool Start(Cpu& cpu, Domain& domain);

  // One step of `cpu`'s plan — one guest entry and its exit within a slot, or what the CPU does
  // at a slot's start or in an idle slot; false once the run is over (System::run_end_ns).
  bool Turn(Cpu& cpu) {
    if (cpu.running == tables::kNoDomain) return SlotTurn(cpu);
    RunOnce(cpu, system_.domains[cpu.running]);
    return true;
  }

  // After the last Turn: the slot it was in is counted, and `cpu.done` set.
  void Finish(Cpu& cpu) {
    if (!cpu.slot_ran && cpu.end_ns) ++cpu.idle_slots;
    __atomic_store_n(&cpu.done, true, __ATOMIC_RELEASE);
  }

  // `cpu`'s plan until the end of the run (forever without one): Turns, with the exits of a
  // slot's domain in a loop of their own (the path every hypercall takes).
  void Run(Cpu& cpu) {
    do {
      while (cpu.running != tables::kNoDomain) RunOnce(cpu, system_.domains[cpu.running]);
    } while (SlotTurn(cpu));
    Finish(cpu);
  }

 private:
  static constexpr uint64_t kPlanlessWakeNs = 1000000000;  // a CPU without a plan looks once a second

  template <typename... Args>
  void Log(StringView format, const Args&... args) {
    const typename Platform::ConsoleHold hold;
    Format(hw_.Console(), format, args...);
  }

  // Arms `cpu`'s timer for time `when` (now is `now`), unless it is armed for exactly then and
  // has not fired: it can fire during an exit that ends the guest's part of the slot (yield,
  // HLT, wait), a little before the clock reaches its time, and no one looked since.
  void ArmAt(Cpu& cpu, uint64_t when, uint64_t now) {
    if (when == cpu.armed_at && !TimerFired(cpu)) return;
    hw_.ArmTimer(cpu.index, when > now ? when - now : 1);
    cpu.armed_at = when;
  }
  bool TimerFired(Cpu& cpu) {
    if (!hw_.TakeTimerFired(cpu.index)) return false;
    cpu.armed_at = 0;
    return true;
  }
  void Idle(Cpu& cpu, uint64_t until, uint64_t now) {
    ArmAt(cpu, until, now);  // after a yield: armed for the slot's end already
    hw_.WaitForInterrupt(cpu.index);
    TimerFired(cpu);
  }

  // Whether a device IRQ waits for `domain`: recorded, or already its virtual interrupt.
  bool IrqWaiting(const Domain& domain) { return domain.irqs.Any() || hw_.VirtualInterruptPending(domain); }

  static bool GaveUpThisSlot(const Cpu& cpu, const Domain& domain) {
    return domain.gave_up && domain.gave_up_cpu == cpu.index && SameSlot(domain.given_up, cpu.pos);
  }
  // Whether `domain` gave up this slot of `cpu` and is not woken from its HLT by an IRQ.
  bool GaveUpHere(const Cpu& cpu, Domain& domain) {
    if (!GaveUpThisSlot(cpu, domain)) return false;
    if (domain.wakeable && IrqWaiting(domain)) {
      domain.gave_up = false;
      return false;
    }
    return true;
  }
  static void GiveUp(const Cpu& cpu, Domain& domain) {
    domain.gave_up = true;
    domain.gave_up_cpu = cpu.index;
    domain.given_up = IdOf(cpu.pos);
  }

  // The paths every hypercall and yield take are inlined into Run's loop (the hypercall
  // path-length benchmark, bench/hypercall_path.py, counts their instructions); the rare ones
  // (a slot's start, the lock, a fault) are calls.
  [[gnu::always_inline]] inline bool SlotTurn(Cpu& cpu);
  // Out of line: the hypercall path-length benchmark tells a yield at its slot's end by it.
  [[gnu::noinline]] void Step(Cpu& cpu, uint64_t now);
  [[gnu::always_inline]] inline SlotUse Claim(Cpu& cpu, uint64_t now);
  [[gnu::noinline]] SlotUse ClaimLocked(Cpu& cpu, uint32_t d, uint64_t now);
  void BeginRun(Cpu& cpu, Domain& domain);
  [[gnu::always_inline]] inline void RunOnce(Cpu& cpu, Domain& domain);
  [[gnu::always_inline]] inline void Release(Cpu& cpu, Domain& domain);
  void Contain(Cpu& cpu, Domain& domain, const ExitEvent& event);

  System& system_;
  Platform& hw_;
};

template <class Platform>
bool Scheduler<Platform>::Start(Cpu& cpu, Domain& domain) {
  const Result<LoadReport> loaded = hw_.Load(domain);
  if (!loaded.ok()) {
    Log("septum: domain `{}` cannot be loaded: {}; it stays stopped\n", domain.name(), loaded.status());
    const LockGuard guard(system_.lock);
    domain.status = DomainStatus::kStopped;
    return false;
  }
  const StartState start = StartStateOf(*domain.record);
  domain.regs = start.regs;
  hw_.ResetVcpu(cpu.index, domain, start);
  ReopenRoutes(system_, domain);
  {
    const LockGuard guard(system_.lock);
    if (domain.status == DomainStatus::kStarting) domain.status = DomainStatus::kRunnable;
    domain.waiting = 0;
    domain.gave_up = false;
  }
  Log("septum: domain `{}` started ({} bytes zeroed, {} loaded, entry {:#x})\n", domain.name(), loaded.value().zeroed,
      loaded.value().copied, domain.record->entry);
  return true;
}

// What `cpu` does when it runs no domain: the run's end, the next slot, claiming the slot's
// domain (then the exits follow, RunOnce), or idling.
template <class Platform>
inline bool Scheduler<Platform>::SlotTurn(Cpu& cpu) {
  const uint64_t now = hw_.NowNs();
  const uint64_t run_end = system_.run_end_ns;
  if (run_end && now >= run_end) return false;
  if (cpu.plan.empty()) {
    Idle(cpu, run_end ? run_end : now + kPlanlessWakeNs, now);
    return true;
  }
  if (now >= cpu.end_ns) Step(cpu, now);
  const SlotUse use = Claim(cpu, now);
  if (use == SlotUse::kIdle) {  // until the slot ends, the domain's wait ends, the run ends, or a kick
    uint64_t until = cpu.end_ns;
    if (cpu.pos.domain < system_.domains.size()) {
      const uint64_t deadline = WaitDeadline(system_.domains[cpu.pos.domain]);
      if (deadline < until) until = deadline;
    }
    if (run_end && run_end < until) until = run_end;
    Idle(cpu, until, now);
    return true;
  }
  Domain& domain = system_.domains[cpu.pos.domain];
  if (use == SlotUse::kLoad && !Start(cpu, domain)) {
    Release(cpu, domain);
    return true;
  }
  BeginRun(cpu, domain);
  return true;
}

// The next slot of `cpu`'s plan, from `now`.
template <class Platform>
void Scheduler<Platform>::Step(Cpu& cpu, uint64_t now) {
  const bool first = cpu.end_ns == 0;
  const uint64_t frame = cpu.pos.frame;
  if (!first && !cpu.slot_ran) ++cpu.idle_slots;
  StepTo(cpu.plan, system_.major_ticks, cpu.pos, now / tables::kTickNs);
  if (first || cpu.pos.frame != frame) ++cpu.frames;
  cpu.end_ns = cpu.pos.end * tables::kTickNs;
  cpu.slot_ran = false;
}

// What `cpu` does in its slot: run the slot's domain, load it first (a controller started it),
// or idle. Claims the domain when it is to run.
template <class Platform>
inline SlotUse Scheduler<Platform>::Claim(Cpu& cpu, uint64_t now) {
  const uint32_t d = cpu.pos.domain;
  if (d >= system_.domains.size()) {  // an idle slot: no kick concerns this CPU
    __atomic_store_n(&cpu.idle_in, tables::kNoDomain, __ATOMIC_RELAXED);
    return SlotUse::kIdle;
  }
  Domain& domain = system_.domains[d];
  // The common case after a yield, without the lock: a domain only this CPU runs gave up this
  // slot (only this CPU writes those fields; what a controller does to it can wait for the slot).
  if (domain.plans == 1 && !domain.wakeable && GaveUpThisSlot(cpu, domain)) {
    __atomic_store_n(&cpu.idle_in, d, __ATOMIC_RELAXED);
    return SlotUse::kIdle;
  }
  return ClaimLocked(cpu, d, now);
}

template <class Platform>
SlotUse Scheduler<Platform>::ClaimLocked(Cpu& cpu, uint32_t d, uint64_t now) {
  Domain& domain = system_.domains[d];
  const LockGuard guard(system_.lock);
  SlotUse use = SlotUse::kIdle;
  if (__atomic_load_n(&domain.cpu, __ATOMIC_ACQUIRE) != kNoCpu) {
    use = SlotUse::kIdle;  // it runs on another CPU now: one virtual CPU per domain
  } else if (domain.status == DomainStatus::kStarting) {
    use = SlotUse::kLoad;
  } else if (domain.status == DomainStatus::kRunnable && !GaveUpHere(cpu, domain) && ResolveWait(domain, system_, now)) {
    use = SlotUse::kRun;
  }
  if (use == SlotUse::kIdle) {
    __atomic_store_n(&cpu.idle_in, d, __ATOMIC_RELAXED);
  } else {
    __atomic_store_n(&cpu.idle_in, tables::kNoDomain, __ATOMIC_RELAXED);
    __atomic_store_n(&domain.cpu, cpu.index, __ATOMIC_RELAXED);
    __atomic_store_n(&cpu.running, d, __ATOMIC_RELAXED);
  }
  return use;
}

// `domain` (claimed) begins its part of the slot on `cpu`.
template <class Platform>
void Scheduler<Platform>::BeginRun(Cpu& cpu, Domain& domain) {
  hw_.EnterSlot(cpu.index, domain);
  if (!cpu.slot_ran) ++cpu.slots_run[cpu.pos.domain];
  cpu.slot_ran = true;
  cpu.env.console = hw_.DomainConsole();
  cpu.env.clock = hw_.Clock();
  cpu.env.slot_end_ns = cpu.end_ns;
  cpu.env.restarts = domain.restarts;
  cpu.end_tsc = TscAt(cpu.env.clock, cpu.end_ns);
  cpu.moved = domain.last_cpu != cpu.index;
  domain.last_cpu = cpu.index;
  ArmAt(cpu, cpu.end_ns, hw_.NowNs());
}

// One entry into `domain`'s guest and its exit. The slot timer may fire during any exit (it is
// taken as soon as the host's interrupts open, whatever the exit's reason), so its flag is
// checked after every exit, not only after interrupt exits.
template <class Platform>
inline void Scheduler<Platform>::RunOnce(Cpu& cpu, Domain& domain) {
  uint32_t irq = 0;
  if (domain.owns_irqs && !hw_.VirtualInterruptPending(domain) && domain.irqs.TakeLowest(&irq)) {
    hw_.SetVirtualInterrupt(domain, static_cast<uint8_t>(hypercall::kGuestIrqVectorBase + irq));
  }
  const ExitEvent event = hw_.RunGuest(cpu.index, domain, cpu.moved, cpu.end_tsc);
  cpu.moved = false;
  cpu.env.tsc = hw_.Tsc();
  const ExitAction action = Dispatch(event, domain, cpu.env, &system_);
  switch (action) {
    case ExitAction::kHalt:
      domain.wakeable = (domain.regs.rflags & kRflagsIf) != 0;
      if (domain.wakeable && IrqWaiting(domain)) break;  // an interrupt ends the HLT at once
      GiveUp(cpu, domain);
      Release(cpu, domain);
      return;
    case ExitAction::kEndSlot:
      domain.wakeable = false;
      GiveUp(cpu, domain);
      Release(cpu, domain);
      return;
    case ExitAction::kBlock:
      Release(cpu, domain);
      return;
    case ExitAction::kFault:
      Contain(cpu, domain, event);
      Release(cpu, domain);
      return;
    default:
      break;
  }
  if (StatusNow(domain) != DomainStatus::kRunnable) {  // a controller stopped or paused it
    Release(cpu, domain);
    return;
  }
  if (TimerFired(cpu) || (action == ExitAction::kTimer && hw_.Tsc() >= cpu.end_tsc)) {
    const uint64_t now = hw_.NowNs();
    if (now >= cpu.end_ns) {
      Release(cpu, domain);
      return;
    }
    ArmAt(cpu, cpu.end_ns, now);  // early: keep going
  }
}

// Gives up the claim on `domain`, without the lock: everything this CPU wrote of the domain is
// published by the release store before another CPU can claim it (Claim's acquire load); a
// kick that still finds `running` set is a harmless spurious IPI.
template <class Platform>
inline void Scheduler<Platform>::Release(Cpu& cpu, Domain& domain) {
  if (domain.plans > 1) hw_.LeaveCpu(cpu.index, domain);  // it may run on another CPU next
  __atomic_store_n(&cpu.running, tables::kNoDomain, __ATOMIC_RELAXED);
  __atomic_store_n(&domain.cpu, kNoCpu, __ATOMIC_RELEASE);
}

// A fault: one line, then the domain's `on fault` — stopped, or restarted here at once.
template <class Platform>
void Scheduler<Platform>::Contain(Cpu& cpu, Domain& domain, const ExitEvent& event) {
  const bool restart = domain.record->on_fault == tables::kRestart;
  {
    const typename Platform::ConsoleHold hold;  // the fault's lines in one piece
    domain.lines.Flush(domain.name(), hw_.DomainConsole());
    DescribeFault(hw_.Console(), domain.name(), event, domain.regs);
    if (restart) {
      Format(hw_.Console(), "septum: restarting domain `{}` (restart {})\n", domain.name(), domain.restarts + 1);
    } else {
      Format(hw_.Console(), "septum: domain `{}` stopped\n", domain.name());
    }
  }
  {
    const LockGuard guard(system_.lock);
    if (restart) {
      ++domain.restarts;
      if (domain.status == DomainStatus::kRunnable) domain.status = DomainStatus::kStarting;
    } else {
      domain.status = DomainStatus::kStopped;
      domain.waiting = 0;
    }
  }
  if (restart && StatusNow(domain) == DomainStatus::kStarting) Start(cpu, domain);
}

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_SCHEDULER_H_
