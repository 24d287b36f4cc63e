// kernel/core/summary.cc — see summary.h.
#include "kernel/core/summary.h"

namespace septum {
namespace {

const char* StatusWord(DomainStatus s) {
  return s == DomainStatus::kStopped ? "stopped" : s == DomainStatus::kPaused ? "paused" : "runnable";
}

StringView NameOf(const System& system, uint32_t domain) {
  return domain < system.domains.size() ? system.domains[domain].name() : StringView("idle");
}

}  // namespace

void WritePlan(Sink sink, const System& system, const Cpu& cpu, uint32_t apic_id) {
  Format(sink, "septum: cpu {} (apic {}): plan", cpu.index, apic_id);
  for (const tables::SlotRecord& s : cpu.plan) Format(sink, " {} {} us", NameOf(system, s.domain), s.ticks * tables::kTickNs / 1000);
  Format(sink, "\n");
}

void WriteSummary(Sink sink, const ConsoleSink& console, System& system) {
  for (const Cpu& cpu : system.cpus) {
    Format(sink, "septum: cpu {}: {} frames; slots run:", cpu.index, cpu.frames);
    for (uint32_t d = 0; d < system.domains.size(); ++d) {
      if (cpu.slots_run[d]) Format(sink, " {} {}", NameOf(system, d), cpu.slots_run[d]);
    }
    Format(sink, "; idle {}\n", cpu.idle_slots);
  }
  for (uint32_t i = 0; i < system.routes.size(); ++i) {
    const RouteState& r = system.route_state[i];
    if (r.active) {
      Format(sink, "septum: irq {} -> `{}`: arrived {}, dropped {} while its owner was stopped\n", system.routes[i].irq,
             NameOf(system, system.routes[i].owner), r.arrived, r.dropped);
    }
  }
  for (Domain& d : system.domains) {
    d.lines.Flush(d.name(), console);
    Format(sink, "septum: domain `{}`: {}, exits {}, hypercalls {}, denied {}, failed {}, faults {}, restarts {}\n", d.name(),
           StatusWord(d.status), d.exits, d.calls.hypercalls, d.calls.denied, d.calls.failed, d.faults, d.restarts);
  }
}

}  // namespace septum
