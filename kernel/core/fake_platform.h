// kernel/core/fake_platform.h — test only: a simulated machine for the scheduler
// (kernel/core/scheduler.h): several CPUs in simulated time, each with its own clock, one-shot
// timer and kicks; guests that follow scripts; device interrupts at set times.
//
// It is a conservative discrete-event simulation. The harness (Run) always steps the CPU whose
// next action comes first; no CPU runs past the horizon up to which another CPU could still act
// on it (an IPI arrives kIpiLatencyNs after it is sent). Where the horizon cuts a guest's run
// short, the guest sees a spurious interrupt, which the scheduler must take in its stride like
// a real one; a CPU whose wait reaches past the horizon sleeps (WaitForInterrupt returns with
// nothing taken, as after a spurious wake) and Run wakes it at its wake time, whose interrupt
// its next wait or guest entry takes at once. So CPUs interleave exit by exit, and what one CPU
// does reaches another at the simulated time it happened.
//
// A guest is a list of steps (Step), each taking some time and ending in an exit; after the
// last one it spins. Each step that begins is logged with the CPU, the time and the registers
// the guest sees then (the result of its previous hypercall).
#ifndef SEPTUM_KERNEL_CORE_FAKE_PLATFORM_H_
#define SEPTUM_KERNEL_CORE_FAKE_PLATFORM_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kernel/core/cpu_bits.h"
#include "kernel/core/scheduler.h"

namespace septum {

// Time in the simulation: nanoseconds; the TSC counts nanoseconds too.
inline constexpr uint64_t kUs = 1000;
inline constexpr uint64_t kMs = 1000 * kUs;

struct Step {
  enum class Kind { kCall, kHalt, kFault, kSpin };
  Kind kind = Kind::kSpin;
  uint64_t ns = 0;  // how long the guest runs before the step's exit
  uint64_t number = 0, arg0 = 0, arg1 = 0, arg2 = 0;  // kCall
  bool interrupts_on = false;                          // kHalt: RFLAGS.IF
};
inline Step Call(uint64_t ns, hypercall::Number n, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0) {
  return Step{Step::Kind::kCall, ns, static_cast<uint64_t>(n), a0, a1, a2, false};
}
inline Step Halt(uint64_t ns, bool interrupts_on) { return Step{Step::Kind::kHalt, ns, 0, 0, 0, 0, interrupts_on}; }
inline Step Fault(uint64_t ns) { return Step{Step::Kind::kFault, ns, 0, 0, 0, 0, false}; }
inline Step Spin() { return Step{}; }

class FakePlatform {
 public:
  static constexpr uint64_t kIpiLatencyNs = 1 * kUs;
  static constexpr uint64_t kNever = ~uint64_t{0};

  // A step that began: on which CPU, when, and what the guest saw in RAX / RDX then.
  struct Began {
    uint32_t domain, step, cpu;
    uint64_t at, rax, rdx;
  };
  // A guest's run, from its entry to its exit.
  struct Ran {
    uint32_t domain, cpu;
    uint64_t from, to;
  };

  FakePlatform(System& system, uint32_t cpus) : system_(system), cpus_(cpus) {
    system.hooks.kick = [](void* self, uint32_t cpu) { static_cast<FakePlatform*>(self)->Kick(cpu); };
    system.hooks.mask_irq = [](void* self, uint32_t gsi, bool masked) {
      static_cast<FakePlatform*>(self)->masked_[gsi] = masked;
    };
    system.hooks.context = this;
  }

  // ---- The scenario.
  void Program(uint32_t domain, std::vector<Step> steps) { programs_[domain] = std::move(steps); }
  void FailLoads(uint32_t domain) { failing_loads_.push_back(domain); }
  // The timers run fast by `ppm` parts per million (a local APIC timer calibrated against the
  // PIT is a little off the TSC): armed for `ns` from now, one fires ns * ppm / 10^6 early.
  void TimerEarlyPpm(uint64_t ppm) { timer_early_ppm_ = ppm; }
  // Each exit costs the kernel `ns` before the next guest entry or wait: interrupts due by then
  // (the timer, a kick, a device IRQ) are taken during the exit.
  void ExitCost(uint64_t ns) { exit_cost_ = ns; }
  // Device vector `vector` arrives at CPU `cpu` at time `at` (kernel/core/system.h OnDeviceIrq).
  void DeviceIrq(uint64_t at, uint32_t cpu, uint32_t vector) { irqs_.push_back({at, cpu, vector}); }

  // Runs every CPU (Scheduler::Turn) until each has passed `until` or left its plan (the run's
  // end). Fails the test if the simulation stops making progress.
  void Run(Scheduler<FakePlatform>& scheduler, uint64_t until) {
    int stuck = 0;
    for (;;) {
      uint32_t next = cpus_.size();
      for (uint32_t c = 0; c < cpus_.size(); ++c) {
        if (cpus_[c].done || NextAction(c) >= until) continue;
        if (next == cpus_.size() || NextAction(c) < NextAction(next)) next = c;
      }
      if (next == cpus_.size()) return;
      FakeCpu& c = cpus_[next];
      if (c.sleeping) c.clock = NextAction(next);  // it wakes; what woke it is taken by its next wait or entry
      c.sleeping = false;
      const uint64_t before = c.clock;
      current_ = next;
      if (!scheduler.Turn(system_.cpus[next])) {
        scheduler.Finish(system_.cpus[next]);
        c.done = true;
      }
      stuck = c.clock == before ? stuck + 1 : 0;
      ASSERT_LT(stuck, 10000) << "the simulation makes no progress at " << before << " ns on CPU " << next;
    }
  }

  // ---- What happened.
  const std::vector<Began>& began() const { return began_; }
  // The steps of `domain` that began, in order.
  std::vector<Began> BeganBy(uint32_t domain) const {
    std::vector<Began> out;
    for (const Began& b : began_) {
      if (b.domain == domain) out.push_back(b);
    }
    return out;
  }
  const std::vector<Ran>& runs() const { return runs_; }
  // Whether `domain` ran at some time in [from, to).
  bool RanDuring(uint32_t domain, uint64_t from, uint64_t to) const {
    for (const Ran& r : runs_) {
      if (r.domain == domain && r.from < to && from < r.to) return true;
    }
    return false;
  }
  uint32_t loads(uint32_t domain) const { return Count(loads_, domain); }
  uint32_t resets(uint32_t domain) const { return Count(resets_, domain); }
  const std::string& log() const { return log_; }
  uint64_t clock(uint32_t cpu) const { return cpus_[cpu].clock; }
  bool masked(uint32_t gsi) const { return masked_.count(gsi) && masked_.at(gsi); }
  uint32_t leaves() const { return leaves_; }
  // Kicks (IPIs) sent to CPU `cpu`.
  uint32_t kicks(uint32_t cpu) const { return cpus_[cpu].kicked; }

  // ---- The Platform the scheduler uses.
  uint64_t NowNs() { return cpus_[current_].clock; }
  uint64_t Tsc() { return cpus_[current_].clock; }
  const TscClock& Clock() { return clock_; }
  void ArmTimer(uint32_t cpu, uint64_t ns) { cpus_[cpu].timer = cpus_[cpu].clock + ns - ns * timer_early_ppm_ / 1000000; }
  bool TakeTimerFired(uint32_t cpu) {
    const bool fired = cpus_[cpu].fired;
    cpus_[cpu].fired = false;
    return fired;
  }
  void WaitForInterrupt(uint32_t cpu) {
    EXPECT_EQ(cpu, current_);
    FakeCpu& c = cpus_[cpu];
    const uint64_t wake = std::min(c.timer, std::min(FirstKick(cpu), FirstIrq(cpu)));
    const uint64_t horizon = Horizon(cpu);
    if (wake == kNever || wake > horizon) {  // others may act first: it sleeps, and Run wakes it
      c.sleeping = true;
      c.wake = wake;
      return;
    }
    c.clock = std::max(c.clock, wake);
    TakeInterrupts(cpu);
  }
  Result<LoadReport> Load(Domain& domain) {
    loads_.push_back(domain.index());
    if (std::count(failing_loads_.begin(), failing_loads_.end(), domain.index())) return Status::kOutOfRange;
    return LoadReport{4096, 100};
  }
  void ResetVcpu(uint32_t cpu, Domain& domain, const StartState& start) {
    EXPECT_EQ(cpu, current_);
    EXPECT_EQ(domain.regs.rip, start.regs.rip);
    resets_.push_back(domain.index());
    guests_[domain.index()] = Guest{};
  }
  void EnterSlot(uint32_t cpu, Domain& domain) { Claimed(cpu, domain); }
  void LeaveCpu(uint32_t cpu, Domain& domain) {
    Claimed(cpu, domain);
    ++leaves_;
  }
  void SetVirtualInterrupt(Domain& domain, uint8_t vector) { guests_[domain.index()].vector = vector; }
  bool VirtualInterruptPending(const Domain& domain) { return guests_[domain.index()].vector >= 0; }
  ExitEvent RunGuest(uint32_t cpu, Domain& domain, bool moved, uint64_t deadline_tsc);

  Sink Console() { return Sink(&Append, &log_); }
  ConsoleSink DomainConsole() {
    return ConsoleSink{[](void* log, StringView name, StringView line) {
                         *static_cast<std::string*>(log) += "[" + std::string(name.data(), name.size()) + "] " +
                                                            std::string(line.data(), line.size()) + "\n";
                       },
                       &log_};
  }
  struct ConsoleHold {  // one thread: nothing to hold
    ConsoleHold() {}
    ~ConsoleHold() {}
  };

 private:
  struct FakeCpu {
    uint64_t clock = 0;
    uint64_t timer = kNever;  // armed for then
    bool fired = false;
    std::vector<uint64_t> kicks;  // arrival times
    uint32_t kicked = 0;
    bool sleeping = false;   // its last wait was cut short by the horizon: it sleeps until `wake`
    uint64_t wake = kNever;
    bool done = false;
  };
  struct Guest {
    size_t pc = 0;           // the step it is in
    uint64_t spent = 0;      // ns of that step already run
    bool begun = false;      // the step's beginning is logged
    int32_t vector = -1;     // a virtual interrupt set and not yet taken
  };
  struct Irq {
    uint64_t at;
    uint32_t cpu, vector;
  };

  static void Append(void* log, const char* data, size_t length) { static_cast<std::string*>(log)->append(data, length); }
  static uint32_t Count(const std::vector<uint32_t>& v, uint32_t x) { return static_cast<uint32_t>(std::count(v.begin(), v.end(), x)); }

  void Claimed(uint32_t cpu, const Domain& domain) {
    EXPECT_EQ(cpu, current_);
    EXPECT_EQ(domain.cpu, cpu) << domain.name().data() << " is used by CPU " << cpu << " without its claim";
  }
  void Kick(uint32_t cpu) {
    EXPECT_NE(cpu, current_) << "a CPU kicks itself";
    if (cpu >= cpus_.size()) return;
    cpus_[cpu].kicks.push_back(cpus_[current_].clock + kIpiLatencyNs);
    ++cpus_[cpu].kicked;
  }
  uint64_t FirstKick(uint32_t cpu) const {
    const std::vector<uint64_t>& k = cpus_[cpu].kicks;
    return k.empty() ? kNever : *std::min_element(k.begin(), k.end());
  }
  uint64_t FirstIrq(uint32_t cpu) const {
    uint64_t first = kNever;
    for (const Irq& i : irqs_) {
      if (i.cpu == cpu) first = std::min(first, i.at);
    }
    return first;
  }
  // When CPU c acts next: now, or when it wakes if it sleeps.
  uint64_t NextAction(uint32_t c) const {
    const FakeCpu& f = cpus_[c];
    return f.sleeping ? std::max(f.clock, std::min({f.wake, FirstKick(c), FirstIrq(c)})) : f.clock;
  }
  // Up to when CPU `cpu` may run without missing what another CPU could still send it.
  uint64_t Horizon(uint32_t cpu) const {
    uint64_t h = kNever;
    for (uint32_t c = 0; c < cpus_.size(); ++c) {
      if (c != cpu && !cpus_[c].done) h = std::min(h, NextAction(c) + kIpiLatencyNs);
    }
    return h;
  }
  // Takes what is due at CPU `cpu`'s clock: its timer, kicks, device IRQs. True if anything was.
  bool TakeInterrupts(uint32_t cpu) {
    FakeCpu& c = cpus_[cpu];
    bool any = false;
    if (c.timer <= c.clock) {
      c.timer = kNever;
      c.fired = true;
      any = true;
    }
    const auto due = [&](uint64_t t) { return t <= c.clock; };
    if (std::any_of(c.kicks.begin(), c.kicks.end(), due)) {
      c.kicks.erase(std::remove_if(c.kicks.begin(), c.kicks.end(), due), c.kicks.end());
      any = true;
    }
    for (size_t i = 0; i < irqs_.size();) {
      if (irqs_[i].cpu == cpu && irqs_[i].at <= c.clock) {
        const uint32_t vector = irqs_[i].vector;
        irqs_.erase(irqs_.begin() + static_cast<long>(i));
        OnDeviceIrq(system_, cpu, vector);
        any = true;
      } else {
        ++i;
      }
    }
    return any;
  }

  System& system_;
  std::vector<FakeCpu> cpus_;
  uint32_t current_ = 0;
  TscClock clock_{0, 1000};  // the TSC counts nanoseconds
  std::map<uint32_t, std::vector<Step>> programs_;
  std::map<uint32_t, Guest> guests_;
  std::vector<Irq> irqs_;
  std::vector<uint32_t> failing_loads_, loads_, resets_;
  std::map<uint32_t, bool> masked_;
  std::vector<Began> began_;
  std::vector<Ran> runs_;
  std::string log_;
  uint32_t leaves_ = 0;
  uint64_t timer_early_ppm_ = 0;
  uint64_t exit_cost_ = 0;
};

inline ExitEvent FakePlatform::RunGuest(uint32_t cpu, Domain& domain, bool moved, uint64_t deadline_tsc) {
  (void)moved;
  Claimed(cpu, domain);
  FakeCpu& c = cpus_[cpu];
  Guest& g = guests_[domain.index()];
  ExitEvent exit;
  exit.kind = ExitKind::kInterrupt;
  if (g.vector >= 0 && (domain.regs.rflags & kRflagsIf)) g.vector = -1;  // it takes its interrupt
  const std::vector<Step>& steps = programs_[domain.index()];
  const Step step = g.pc < steps.size() ? steps[g.pc] : Spin();
  if (!g.begun) {
    began_.push_back({domain.index(), static_cast<uint32_t>(g.pc), cpu, c.clock, domain.regs.rax, domain.regs.rdx});
    g.begun = true;
  }
  runs_.push_back({domain.index(), cpu, c.clock, c.clock});
  // It runs until its step's exit, unless an interrupt comes first.
  const uint64_t exit_at = step.kind == Step::Kind::kSpin ? kNever : c.clock + (step.ns - g.spent);
  uint64_t interrupt_at = std::min({c.timer, FirstKick(cpu), FirstIrq(cpu), deadline_tsc});
  const uint64_t horizon = Horizon(cpu);
  if (exit_at <= interrupt_at && exit_at != kNever && exit_at + exit_cost_ <= horizon) {
    c.clock = exit_at;
    runs_.back().to = exit_at;
    ++g.pc;
    g.spent = 0;
    g.begun = false;
    switch (step.kind) {
      case Step::Kind::kCall:
        exit.kind = ExitKind::kHypercall;
        exit.instruction_length = 3;
        domain.regs.rax = step.number;
        domain.regs.rdi = step.arg0;
        domain.regs.rsi = step.arg1;
        domain.regs.rdx = step.arg2;
        break;
      case Step::Kind::kHalt:
        exit.kind = ExitKind::kHlt;
        exit.instruction_length = 1;
        domain.regs.rflags = step.interrupts_on ? (domain.regs.rflags | kRflagsIf) : (domain.regs.rflags & ~kRflagsIf);
        break;
      default:
        exit.kind = ExitKind::kException;
        exit.address = 6;  // #UD
        break;
    }
    if (exit_cost_) {
      c.clock += exit_cost_;
      TakeInterrupts(cpu);
    }
    return exit;
  }
  interrupt_at = std::min(interrupt_at, horizon);  // a spurious interrupt where the horizon cuts in
  if (interrupt_at == kNever) {
    ADD_FAILURE() << "a guest spins on CPU " << cpu << " with no timer armed: it would run forever";
    return exit;
  }
  if (interrupt_at > c.clock) {
    g.spent += interrupt_at - c.clock;
    c.clock = interrupt_at;
  }
  runs_.back().to = c.clock;
  TakeInterrupts(cpu);
  return exit;
}

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_FAKE_PLATFORM_H_
