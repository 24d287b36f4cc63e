// kernel/core/scheduler_test.cc — the scheduler on a simulated machine (fake_platform.h): slots
// given up and kept idle, waits and rings across CPUs, a domain in two plans claimed by one CPU
// at a time, control calls reaching a domain running on another CPU, faults, restarts, device
// interrupts ending a HLT, the end of a run.
#include "kernel/core/scheduler.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "kernel/core/fake_platform.h"

namespace septum {
namespace {

using hypercall::Number;

tables::SlotRecord Slot(uint32_t domain, uint64_t us) { return tables::SlotRecord{domain, 0, us}; }
tables::SlotRecord IdleSlot(uint64_t us) { return Slot(tables::kNoDomain, us); }
constexpr uint32_t kIdle = tables::kNoDomain;

// A system of `count` domains (every hypercall group) and one plan per CPU (the slots of each
// sum to the major frame), on a simulated machine.
class Sim {
 public:
  Sim(uint32_t count, const std::vector<std::vector<tables::SlotRecord>>& plans)
      : records_(count), domains_(count), cpus_(limits::kMaxCpus), system_(std::make_unique<System>()) {
    uint64_t major = 0;
    for (const tables::SlotRecord& s : plans[0]) major += s.ticks;
    tables::ScheduleHeader header{tables::kTickNs, major, 0, 0};
    std::vector<tables::CpuPlan> cpu_plans;
    std::vector<tables::SlotRecord> slots;
    for (uint32_t c = 0; c < plans.size(); ++c) {
      if (plans[c].empty()) continue;  // a CPU without a plan
      cpu_plans.push_back({c, static_cast<uint32_t>(slots.size()), static_cast<uint32_t>(plans[c].size()), 0});
      slots.insert(slots.end(), plans[c].begin(), plans[c].end());
    }
    header.plan_count = static_cast<uint32_t>(cpu_plans.size());
    header.slot_count = static_cast<uint32_t>(slots.size());
    Append(&header, sizeof(header));
    Append(cpu_plans.data(), cpu_plans.size() * sizeof(tables::CpuPlan));
    Append(slots.data(), slots.size() * sizeof(tables::SlotRecord));
    for (uint32_t i = 0; i < count; ++i) {
      records_[i].index = i;
      records_[i].name[0] = static_cast<uint8_t>('a' + i);
      records_[i].hypercalls = tables::kAllHypercallGroups;
      records_[i].on_fault = tables::kStop;
      records_[i].boot = 1;
      records_[i].entry = 0x200000;
      domains_[i].record = &records_[i];
      domains_[i].ctx.record = &records_[i];
    }
    System& s = *system_;
    s.domains = Span<Domain>(domains_.data(), domains_.size());
    s.cpus = Span<Cpu>(cpus_.data(), cpus_.size());
    EXPECT_EQ(BindPlans(s, Span<const uint8_t>(schedule_.data(), schedule_.size()), limits::kMaxCpus), Status::kOk);
    hw_ = std::make_unique<FakePlatform>(s, static_cast<uint32_t>(s.cpus.size()));
    scheduler_ = std::make_unique<Scheduler<FakePlatform>>(s, *hw_);
  }

  tables::DomainRecord& record(uint32_t d) { return records_[d]; }
  Domain& domain(uint32_t d) { return domains_[d]; }
  Cpu& cpu(uint32_t c) { return cpus_[c]; }
  System& system() { return *system_; }
  FakePlatform& hw() { return *hw_; }

  void Channel(uint32_t writer, uint32_t reader) {
    channels_.push_back(tables::ChannelRecord{});
    channels_.back().writer = writer;
    channels_.back().reader = reader;
    channels_.back().flags = tables::kChannelNotify;
    doorbells_.resize(channels_.size());
    system_->channels = Span<const tables::ChannelRecord>(channels_.data(), channels_.size());
    system_->doorbells = Span<uint64_t>(doorbells_.data(), doorbells_.size());
  }
  void Rights(uint32_t holder, uint32_t target) {
    rights_.push_back({holder, target, tables::kAllRights, 0});
    system_->rights = Span<const tables::ControlRight>(rights_.data(), rights_.size());
  }
  // IRQ `irq` of domain `owner` arrives at `cpu` as host vector `vector`, level-triggered on GSI 100 + irq.
  void Route(uint32_t irq, uint32_t owner, uint32_t cpu, uint32_t vector) {
    routes_.push_back({irq, owner, vector, cpu});
    system_->routes = Span<const tables::IrqRoute>(routes_.data(), routes_.size());
    system_->route_state[routes_.size() - 1] = RouteState{true, true, 100 + irq, true, 0, 0};
    system_->route_of_vector[cpu][vector] = static_cast<uint16_t>(routes_.size());
    domains_[owner].owns_irqs = true;
  }

  // What the bootstrap CPU does before the schedule starts: every `boot` domain is loaded.
  void Boot() {
    for (Domain& d : domains_) {
      if (d.record->boot) {
        d.status = DomainStatus::kStarting;
        EXPECT_TRUE(scheduler_->Start(cpus_[0], d));
      }
    }
  }
  void Run(uint64_t until) { hw_->Run(*scheduler_, until); }

  // The times at which `domain`'s step `step` began (each run of the program).
  std::vector<uint64_t> StepBegan(uint32_t domain, uint32_t step) const {
    std::vector<uint64_t> at;
    for (const FakePlatform::Began& b : hw_->BeganBy(domain)) {
      if (b.step == step) at.push_back(b.at);
    }
    return at;
  }
  const FakePlatform::Began& FirstBegan(uint32_t domain, uint32_t step) const {
    for (const FakePlatform::Began& b : hw_->began()) {
      if (b.domain == domain && b.step == step) return b;
    }
    ADD_FAILURE() << "domain " << domain << " never began step " << step;
    static const FakePlatform::Began kNone{};
    return kNone;
  }

 private:
  void Append(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    schedule_.insert(schedule_.end(), b, b + n);
  }

  std::vector<uint8_t> schedule_;
  std::vector<tables::DomainRecord> records_;
  std::vector<Domain> domains_;
  std::vector<Cpu> cpus_;
  std::vector<tables::ChannelRecord> channels_;
  std::vector<uint64_t> doorbells_;
  std::vector<tables::ControlRight> rights_;
  std::vector<tables::IrqRoute> routes_;
  std::unique_ptr<System> system_;
  std::unique_ptr<FakePlatform> hw_;
  std::unique_ptr<Scheduler<FakePlatform>> scheduler_;
};

constexpr uint32_t A = 0, B = 1, C = 2;

TEST(SchedulerTest, AYieldMidSlotIdlesTheRestOfTheSlot) {
  Sim sim(2, {{Slot(A, 5000), Slot(B, 5000)}});
  sim.hw().Program(A, {Call(1 * kMs, Number::kYield), Call(1 * kMs, Number::kYield)});
  sim.Boot();
  sim.Run(30 * kMs);
  EXPECT_EQ(sim.StepBegan(A, 1), std::vector<uint64_t>{10 * kMs}) << "after its yield at 1 ms, A's next entry is in its next slot";
  EXPECT_EQ(sim.FirstBegan(A, 1).rax, static_cast<uint64_t>(Status::kOk));
  EXPECT_FALSE(sim.hw().RanDuring(A, 1 * kMs, 10 * kMs));
  EXPECT_FALSE(sim.hw().RanDuring(B, 1 * kMs, 5 * kMs)) << "A's time is not handed to B";
  EXPECT_EQ(sim.StepBegan(B, 0), std::vector<uint64_t>{5 * kMs});
  EXPECT_EQ(sim.cpu(0).slots_run[A], 3u);
  EXPECT_EQ(sim.cpu(0).slots_run[B], 3u);
}

TEST(SchedulerTest, AYieldAtItsSlotsEndStepsToTheNextSlotAtOnce) {
  Sim sim(2, {{Slot(A, 5000), Slot(B, 5000)}});
  sim.hw().Program(A, {Call(5 * kMs, Number::kYield), Call(5 * kMs, Number::kYield)});
  sim.Boot();
  sim.Run(20 * kMs);
  EXPECT_EQ(sim.StepBegan(B, 0), std::vector<uint64_t>{5 * kMs}) << "B's slot starts on time";
  EXPECT_EQ(sim.StepBegan(A, 1), std::vector<uint64_t>{10 * kMs});
  EXPECT_EQ(sim.cpu(0).frames, 2u);
  EXPECT_EQ(sim.cpu(0).idle_slots, 0u);
}

// The slot timer can fire a little before the clock reaches the slot's end, and it can fire
// while the kernel handles an exit that ends the guest's part of the slot (a yield): the CPU
// must not then wait for a timer that is no longer armed.
TEST(SchedulerTest, ATimerThatFiresDuringAYieldsExitDoesNotStallTheCpu) {
  Sim sim(2, {{Slot(A, 5000), Slot(B, 5000)}});
  sim.hw().TimerEarlyPpm(1000);  // armed for 5 ms, it fires 5 us early
  sim.hw().ExitCost(200);
  sim.hw().Program(A, {Call(5 * kMs - 5 * kUs - 100, Number::kYield)});  // its exit ends after the timer fired
  sim.hw().Program(B, {Spin()});
  sim.Boot();
  sim.Run(12 * kMs);
  const std::vector<uint64_t> began = sim.StepBegan(B, 0);
  ASSERT_EQ(began.size(), 1u) << "B's slot never ran: the CPU waited for a timer that had fired";
  EXPECT_GE(began[0], 5 * kMs);
  EXPECT_LT(began[0], 5 * kMs + 1 * kUs);
  EXPECT_EQ(sim.cpu(0).frames, 2u);
}

TEST(SchedulerTest, AnIdleSlotStaysIdle) {
  Sim sim(1, {{Slot(A, 4000), IdleSlot(6000)}});
  sim.hw().Program(A, {Spin()});
  sim.Boot();
  sim.Run(50 * kMs);
  for (uint64_t frame = 0; frame < 5; ++frame) {
    EXPECT_TRUE(sim.hw().RanDuring(A, frame * 10 * kMs, frame * 10 * kMs + 4 * kMs));
    EXPECT_FALSE(sim.hw().RanDuring(A, frame * 10 * kMs + 4 * kMs, (frame + 1) * 10 * kMs)) << "frame " << frame;
  }
  EXPECT_EQ(sim.cpu(0).slots_run[A], 5u);
  EXPECT_EQ(sim.cpu(0).idle_slots, 4u) << "the fifth idle slot has not ended";
}

TEST(SchedulerTest, AStoppedDomainsSlotsStayIdle) {
  Sim sim(2, {{Slot(A, 5000), Slot(B, 5000)}});
  sim.record(A).boot = 0;  // never started
  sim.hw().Program(B, {Spin()});
  sim.Boot();
  sim.Run(30 * kMs);
  EXPECT_EQ(sim.hw().loads(A), 0u);
  EXPECT_FALSE(sim.hw().RanDuring(A, 0, 30 * kMs));
  for (uint64_t frame = 0; frame < 3; ++frame) {
    EXPECT_FALSE(sim.hw().RanDuring(B, frame * 10 * kMs, frame * 10 * kMs + 5 * kMs)) << "B gets none of A's time";
  }
  EXPECT_EQ(sim.cpu(0).idle_slots, 3u);
}

TEST(SchedulerTest, ARingFromAnotherCpuResumesTheWaitingReaderInItsSlot) {
  constexpr uint32_t kReader = A, kWriter = B;
  Sim sim(2, {{Slot(kReader, 10000)}, {Slot(kWriter, 10000)}});
  sim.Channel(kWriter, kReader);
  sim.hw().Program(kReader, {Call(100 * kUs, Number::kChannelWait, 0, 50 * kMs), Call(100 * kUs, Number::kYield)});
  sim.hw().Program(kWriter, {Call(2 * kMs, Number::kChannelNotify, 0), Spin()});
  sim.Boot();
  sim.Run(9 * kMs);
  const FakePlatform::Began& resumed = sim.FirstBegan(kReader, 1);
  EXPECT_EQ(resumed.cpu, 0u);
  EXPECT_GE(resumed.at, 2 * kMs);
  EXPECT_LE(resumed.at, 2 * kMs + 2 * FakePlatform::kIpiLatencyNs) << "the ring's kick resumes it at once, mid-slot";
  EXPECT_EQ(resumed.rax, static_cast<uint64_t>(Status::kOk));
  EXPECT_EQ(resumed.rdx, 1u) << "one ring collected";
  EXPECT_FALSE(sim.hw().RanDuring(kReader, 100 * kUs + 1, 2 * kMs)) << "it waited without running";
  EXPECT_EQ(sim.FirstBegan(kWriter, 1).rax, static_cast<uint64_t>(Status::kOk));
}

TEST(SchedulerTest, AWaitEndsAtItsDeadlineWithinItsSlot) {
  Sim sim(2, {{Slot(A, 10000)}});
  sim.Channel(B, A);
  sim.record(B).boot = 0;
  sim.hw().Program(A, {Call(1 * kMs, Number::kChannelWait, 0, 3 * kMs), Call(1 * kMs, Number::kYield)});
  sim.Boot();
  sim.Run(9 * kMs);
  const FakePlatform::Began& resumed = sim.FirstBegan(A, 1);
  EXPECT_EQ(resumed.at, 4 * kMs);
  EXPECT_EQ(resumed.rax, static_cast<uint64_t>(Status::kTimeout));
}

TEST(SchedulerTest, ADomainInTwoPlansIsNeverClaimedTwice) {
  // D's slots overlap: CPU 0 [0, 6) and CPU 1 [3, 9) of every 10 ms; B and C fill the rest.
  constexpr uint32_t D = A;
  Sim sim(3, {{Slot(D, 6000), Slot(B, 4000)}, {Slot(C, 3000), Slot(D, 6000), IdleSlot(1000)}});
  for (uint32_t d : {D, B, C}) sim.hw().Program(d, {Spin()});
  sim.Boot();
  sim.Run(60 * kMs);
  EXPECT_EQ(sim.domain(D).plans, 2u);
  const std::vector<FakePlatform::Ran>& runs = sim.hw().runs();
  for (size_t i = 0; i < runs.size(); ++i) {
    for (size_t j = i + 1; j < runs.size(); ++j) {
      if (runs[i].domain == D && runs[j].domain == D && runs[i].cpu != runs[j].cpu) {
        EXPECT_FALSE(runs[i].from < runs[j].to && runs[j].from < runs[i].to)
            << "D ran on CPUs " << runs[i].cpu << " and " << runs[j].cpu << " at once";
      }
    }
  }
  EXPECT_TRUE(sim.hw().RanDuring(D, 0, 6 * kMs));
  EXPECT_GT(sim.cpu(1).idle_slots, 0u) << "CPU 1 idles in D's slot while CPU 0 runs D";
  EXPECT_GT(sim.hw().leaves(), 0u) << "a domain of two plans leaves each CPU in memory for the other";
}

TEST(SchedulerTest, ADomainInTwoPlansRunsInEachSlotThatComesWhileItRunsNowhereElse) {
  constexpr uint32_t D = A;
  Sim sim(2, {{IdleSlot(5000), Slot(D, 5000)}, {Slot(D, 4000), Slot(B, 6000)}});
  sim.hw().Program(D, {Spin()});
  sim.hw().Program(B, {Spin()});
  sim.Boot();
  sim.Run(30 * kMs);
  for (uint64_t frame = 0; frame < 3; ++frame) {
    const uint64_t t = frame * 10 * kMs;
    EXPECT_TRUE(sim.hw().RanDuring(D, t, t + 4 * kMs)) << "on CPU 1, frame " << frame;
    EXPECT_TRUE(sim.hw().RanDuring(D, t + 5 * kMs, t + 10 * kMs)) << "on CPU 0, frame " << frame;
  }
  for (const FakePlatform::Ran& r : sim.hw().runs()) {
    if (r.domain == D) {
      EXPECT_EQ(r.cpu, r.from % (10 * kMs) < 5 * kMs ? 1u : 0u);
    }
  }
}

TEST(SchedulerTest, AStopFromAnotherCpuEndsARunningDomainAtOnce) {
  constexpr uint32_t kController = A, kTarget = B;
  Sim sim(2, {{Slot(kController, 10000)}, {Slot(kTarget, 10000)}});
  sim.Rights(kController, kTarget);
  sim.hw().Program(kController, {Call(3 * kMs, Number::kDomainStop, kTarget), Spin()});
  sim.hw().Program(kTarget, {Spin()});
  sim.Boot();
  sim.Run(25 * kMs);
  EXPECT_EQ(sim.FirstBegan(kController, 1).rax, static_cast<uint64_t>(Status::kOk));
  EXPECT_EQ(sim.hw().kicks(1), 1u) << "the stop kicks the CPU running the target";
  EXPECT_EQ(sim.hw().kicks(0), 0u);
  EXPECT_EQ(sim.domain(kTarget).status, DomainStatus::kStopped);
  EXPECT_TRUE(sim.hw().RanDuring(kTarget, 2 * kMs, 3 * kMs));
  EXPECT_FALSE(sim.hw().RanDuring(kTarget, 3 * kMs + 2 * FakePlatform::kIpiLatencyNs, 25 * kMs)) << "the kick ends its run at once";
  EXPECT_EQ(sim.cpu(1).idle_slots, 1u) << "frames 1 (ended) and 2 (running) of CPU 1 idle";
}

TEST(SchedulerTest, APauseAndResumeFromAnotherCpuTakeEffectMidSlot) {
  constexpr uint32_t kController = A, kTarget = B;
  Sim sim(2, {{Slot(kController, 10000)}, {Slot(kTarget, 10000)}});
  sim.Rights(kController, kTarget);
  sim.hw().Program(kController, {Call(3 * kMs, Number::kDomainPause, kTarget), Call(3 * kMs, Number::kDomainResume, kTarget), Spin()});
  sim.hw().Program(kTarget, {Spin()});
  sim.Boot();
  sim.Run(9 * kMs);
  const uint64_t slack = 2 * FakePlatform::kIpiLatencyNs;
  EXPECT_TRUE(sim.hw().RanDuring(kTarget, 0, 3 * kMs));
  EXPECT_FALSE(sim.hw().RanDuring(kTarget, 3 * kMs + slack, 6 * kMs)) << "paused";
  EXPECT_TRUE(sim.hw().RanDuring(kTarget, 6 * kMs + slack, 9 * kMs)) << "resumed within the same slot";
  EXPECT_EQ(sim.domain(kTarget).status, DomainStatus::kRunnable);
  EXPECT_EQ(sim.hw().kicks(1), 2u) << "pause and resume each kick the target's CPU";
  EXPECT_EQ(sim.hw().loads(kTarget), 1u) << "a resume is no restart";
}

TEST(SchedulerTest, AStartFromAnotherCpuLoadsTheDomainInItsOwnSlot) {
  constexpr uint32_t kController = A, kTarget = B;
  Sim sim(2, {{Slot(kController, 10000)}, {Slot(kTarget, 10000)}});
  sim.record(kTarget).boot = 0;
  sim.Rights(kController, kTarget);
  sim.hw().Program(kController, {Call(2 * kMs, Number::kDomainStart, kTarget), Spin()});
  sim.hw().Program(kTarget, {Spin()});
  sim.Boot();
  EXPECT_EQ(sim.hw().loads(kTarget), 0u);
  sim.Run(9 * kMs);
  EXPECT_EQ(sim.hw().loads(kTarget), 1u);
  const FakePlatform::Began& began = sim.FirstBegan(kTarget, 0);
  EXPECT_EQ(began.cpu, 1u) << "loaded and run by the CPU of its slot";
  EXPECT_GE(began.at, 2 * kMs);
  EXPECT_LE(began.at, 2 * kMs + 2 * FakePlatform::kIpiLatencyNs);
  EXPECT_EQ(sim.domain(kTarget).status, DomainStatus::kRunnable);
}

TEST(SchedulerTest, AFaultRestartsTheDomainFromItsImage) {
  Sim sim(2, {{Slot(A, 5000), Slot(B, 5000)}});
  sim.record(A).on_fault = tables::kRestart;
  sim.hw().Program(A, {Call(500 * kUs, Number::kYield), Fault(1 * kMs)});  // faults 1 ms into each of its runs after a yield
  sim.hw().Program(B, {Spin()});
  sim.Boot();
  sim.Run(30 * kMs);
  // Frame 0: yield at 0.5 ms; frame 1: the fault at 11 ms, restarted at once and yields again;
  // frame 2: the fault at 21 ms, and so on.
  EXPECT_EQ(sim.domain(A).restarts, 2u);
  EXPECT_EQ(sim.hw().loads(A), 3u);
  EXPECT_EQ(sim.hw().resets(A), 3u);
  EXPECT_EQ(sim.StepBegan(A, 0), (std::vector<uint64_t>{0, 11 * kMs, 21 * kMs})) << "each restart runs on in the same slot";
  EXPECT_EQ(sim.domain(A).status, DomainStatus::kRunnable);
  EXPECT_NE(sim.hw().log().find("fault: domain `a`: exception vector 6"), std::string::npos) << sim.hw().log();
  EXPECT_NE(sim.hw().log().find("septum: restarting domain `a` (restart 2)"), std::string::npos) << sim.hw().log();
  EXPECT_FALSE(sim.hw().RanDuring(B, 0, 5 * kMs));
}

TEST(SchedulerTest, AFaultStopsADomainWhoseRecordSaysStop) {
  Sim sim(2, {{Slot(A, 5000), Slot(B, 5000)}});
  sim.hw().Program(A, {Fault(1 * kMs)});
  sim.hw().Program(B, {Spin()});
  sim.Boot();
  sim.Run(30 * kMs);
  EXPECT_EQ(sim.domain(A).status, DomainStatus::kStopped);
  EXPECT_EQ(sim.domain(A).faults, 1u);
  EXPECT_FALSE(sim.hw().RanDuring(A, 1 * kMs, 30 * kMs));
  EXPECT_FALSE(sim.hw().RanDuring(B, 10 * kMs, 15 * kMs)) << "its slots stay idle";
  EXPECT_NE(sim.hw().log().find("septum: domain `a` stopped"), std::string::npos);
}

TEST(SchedulerTest, ADomainThatCannotBeLoadedStaysStopped) {
  Sim sim(1, {{Slot(A, 10000)}});
  sim.hw().FailLoads(A);
  sim.domain(A).status = DomainStatus::kStarting;
  Scheduler<FakePlatform> scheduler(sim.system(), sim.hw());
  EXPECT_FALSE(scheduler.Start(sim.cpu(0), sim.domain(A)));
  EXPECT_EQ(sim.domain(A).status, DomainStatus::kStopped);
  EXPECT_EQ(sim.hw().resets(A), 0u);
  EXPECT_NE(sim.hw().log().find("septum: domain `a` cannot be loaded: out-of-range; it stays stopped"), std::string::npos);
}

TEST(SchedulerTest, AnIrqEndsAHaltWithInterruptsOnWithinTheSlot) {
  Sim sim(2, {{Slot(A, 5000), Slot(B, 5000)}});
  sim.Route(11, A, 0, 0x30);
  sim.hw().Program(A, {Halt(1 * kMs, /*interrupts_on=*/true), Call(1 * kMs, Number::kYield)});
  sim.hw().Program(B, {Spin()});
  sim.hw().DeviceIrq(3 * kMs, 0, 0x30);
  sim.Boot();
  sim.Run(9 * kMs);
  EXPECT_EQ(sim.StepBegan(A, 1), std::vector<uint64_t>{3 * kMs}) << "woken by its IRQ at 3 ms, in its slot";
  EXPECT_FALSE(sim.domain(A).irqs.Any()) << "made its virtual interrupt";
  EXPECT_FALSE(sim.hw().VirtualInterruptPending(sim.domain(A))) << "taken";
  EXPECT_TRUE(sim.hw().masked(111)) << "a level line stays masked until irq_ack";
  EXPECT_EQ(sim.system().route_state[0].arrived, 1u);
}

TEST(SchedulerTest, AnIrqDoesNotEndAHaltWithInterruptsOff) {
  Sim sim(2, {{Slot(A, 5000), Slot(B, 5000)}});
  sim.Route(11, A, 0, 0x30);
  sim.hw().Program(A, {Halt(1 * kMs, /*interrupts_on=*/false), Call(1 * kMs, Number::kYield)});
  sim.hw().Program(B, {Spin()});
  sim.hw().DeviceIrq(3 * kMs, 0, 0x30);
  sim.Boot();
  sim.Run(15 * kMs);
  EXPECT_EQ(sim.StepBegan(A, 1), std::vector<uint64_t>{10 * kMs}) << "it sleeps until its next slot";
  EXPECT_FALSE(sim.hw().RanDuring(B, 0, 5 * kMs));
}

TEST(SchedulerTest, TheRunEndsOnTimeOnEveryCpu) {
  Sim sim(2, {{Slot(A, 5000), IdleSlot(5000)}, {Slot(B, 10000)}});
  sim.system().run_end_ns = 40 * kMs;
  sim.hw().Program(A, {Spin()});
  sim.hw().Program(B, {Spin()});
  sim.Boot();
  sim.Run(100 * kMs);
  for (uint32_t c = 0; c < 2; ++c) {
    EXPECT_TRUE(sim.cpu(c).done) << c << " at " << sim.hw().clock(c);
    EXPECT_EQ(sim.hw().clock(c), 40 * kMs) << c;
    EXPECT_EQ(sim.cpu(c).frames, 4u) << "frames 0..3 begun";
  }
  EXPECT_EQ(sim.cpu(0).slots_run[A], 4u);
  EXPECT_EQ(sim.cpu(0).idle_slots, 4u) << "the idle slots of frames 0..3";
  EXPECT_EQ(sim.cpu(1).slots_run[B], 4u);
  EXPECT_EQ(sim.cpu(1).idle_slots, 0u);
}

TEST(SchedulerTest, ACpuWithoutAPlanIdlesUntilTheEnd) {
  Sim sim(2, {{Slot(A, 10000)}, {}, {Slot(B, 10000)}});
  EXPECT_EQ(sim.system().cpus.size(), 3u);
  EXPECT_TRUE(sim.cpu(1).plan.empty());
  sim.system().run_end_ns = 20 * kMs;
  sim.hw().Program(A, {Spin()});
  sim.hw().Program(B, {Spin()});
  sim.Boot();
  sim.Run(100 * kMs);
  EXPECT_TRUE(sim.cpu(1).done);
  EXPECT_EQ(sim.cpu(1).frames, 0u);
  for (const FakePlatform::Ran& r : sim.hw().runs()) EXPECT_NE(r.cpu, 1u);
  EXPECT_EQ(sim.cpu(2).slots_run[B], 2u);
}

}  // namespace
}  // namespace septum
