// kernel/core/summary_test.cc — the plan line at the start and the summary at the end of a run,
// as the boot tests read them.
#include "kernel/core/summary.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel/core/system_testing.h"

namespace septum {
namespace {

struct Text {
  std::string text;
  Sink sink() {
    return Sink([](void* s, const char* data, size_t n) { static_cast<std::string*>(s)->append(data, n); }, &text);
  }
  ConsoleSink console() {
    return ConsoleSink{[](void* s, StringView name, StringView line) {
                         *static_cast<std::string*>(s) += "[" + std::string(name.data(), name.size()) + "] " +
                                                          std::string(line.data(), line.size()) + "\n";
                       },
                       &text};
  }
};

void Name(tables::DomainRecord& r, const char* name) { __builtin_memcpy(r.name, name, __builtin_strlen(name)); }

TEST(SummaryTest, PlanNamesEachSlotsDomainAndLength) {
  TestSystem t(2);
  Name(t.records[0], "dom0");
  Name(t.records[1], "worker");
  const std::vector<tables::SlotRecord> plan = {{1, 0, 6000}, {tables::kNoDomain, 0, 1500}, {0, 0, 2500}};
  t.cpus[1].plan = Span<const tables::SlotRecord>(plan.data(), plan.size());
  Text out;
  WritePlan(out.sink(), *t.system, t.cpus[1], 7);
  EXPECT_EQ(out.text, "septum: cpu 1 (apic 7): plan worker 6000 us idle 1500 us dom0 2500 us\n");
}

TEST(SummaryTest, CpusRoutesAndDomainsWithTheirCounters) {
  TestSystem t(2);
  Name(t.records[0], "dom0");
  Name(t.records[1], "worker");
  t.routes = {{3, 0, 0x30, 0}, {11, 1, 0x30, 1}};
  t.Bind();
  t.system->route_state[1] = RouteState{true, true, 11, false, 12, 2};  // route 0 is not active: not listed
  t.cpus[0].frames = 100;
  t.cpus[0].slots_run[0] = 98;
  t.cpus[0].idle_slots = 2;
  t.cpus[1].frames = 99;
  t.cpus[1].slots_run[1] = 59;
  t.cpus[1].idle_slots = 40;
  Domain& worker = t.domains[1];
  worker.status = DomainStatus::kStopped;
  worker.exits = 140;
  worker.calls = DomainCounters{126, 1, 2};
  worker.faults = 3;
  worker.restarts = 4;
  const uint8_t partial[] = {'h', 'a', 'l', 'f'};
  Text out;
  worker.lines.Feed(worker.name(), Span<const uint8_t>(partial, sizeof(partial)), out.console());
  t.domains[0].status = DomainStatus::kPaused;
  WriteSummary(out.sink(), out.console(), *t.system);
  EXPECT_EQ(out.text,
            "septum: cpu 0: 100 frames; slots run: dom0 98; idle 2\n"
            "septum: cpu 1: 99 frames; slots run: worker 59; idle 40\n"
            "septum: irq 11 -> `worker`: arrived 12, dropped 2 while its owner was stopped\n"
            "septum: domain `dom0`: paused, exits 0, hypercalls 0, denied 0, failed 0, faults 0, restarts 0\n"
            "[worker] half\n"
            "septum: domain `worker`: stopped, exits 140, hypercalls 126, denied 1, failed 2, faults 3, restarts 4\n");
}

}  // namespace
}  // namespace septum
