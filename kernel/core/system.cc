// kernel/core/system.cc — see system.h.
#include "kernel/core/system.h"

namespace septum {
namespace {

void MaskLine(System& system, RouteState& route, bool masked) {
  if (system.hooks.mask_irq) system.hooks.mask_irq(system.hooks.context, route.gsi, masked);
}

}  // namespace

void System::Kick(uint32_t domain, uint32_t from_cpu) {
  if (!hooks.kick) return;
  for (const Cpu& c : cpus) {
    const bool there = __atomic_load_n(&c.running, __ATOMIC_RELAXED) == domain || __atomic_load_n(&c.idle_in, __ATOMIC_RELAXED) == domain;
    if (there && c.index != from_cpu) hooks.kick(hooks.context, c.index);
  }
}

Status BindPlans(System& system, Span<const uint8_t> schedule, uint32_t platform_cpus) {
  if (schedule.size() < sizeof(tables::ScheduleHeader)) return Status::kCorrupt;
  tables::ScheduleHeader header;
  __builtin_memcpy(&header, schedule.data(), sizeof(header));
  const uint64_t plans_at = sizeof(tables::ScheduleHeader);
  const uint64_t slots_at = plans_at + uint64_t{header.plan_count} * sizeof(tables::CpuPlan);
  if (slots_at + uint64_t{header.slot_count} * sizeof(tables::SlotRecord) != schedule.size() || header.major_ticks == 0 ||
      header.tick_ns != tables::kTickNs) {
    return Status::kCorrupt;
  }
  const auto* plans = reinterpret_cast<const tables::CpuPlan*>(schedule.data() + plans_at);
  const auto* slots = reinterpret_cast<const tables::SlotRecord*>(schedule.data() + slots_at);
  uint32_t cpu_count = 0;
  for (uint32_t i = 0; i < header.plan_count; ++i) {
    const tables::CpuPlan& p = plans[i];
    if (p.cpu >= platform_cpus || uint64_t{p.slot_first} + p.slot_count > header.slot_count || p.slot_count == 0) {
      return Status::kCorrupt;
    }
    if (p.cpu >= system.cpus.size()) return Status::kNoSpace;
    Cpu& cpu = system.cpus[p.cpu];
    if (!cpu.plan.empty()) return Status::kCorrupt;  // two plans for one CPU
    cpu.plan = Span<const tables::SlotRecord>(slots + p.slot_first, p.slot_count);
    if (p.cpu + 1 > cpu_count) cpu_count = p.cpu + 1;
    for (uint32_t s = 0; s < cpu.plan.size(); ++s) {
      const uint32_t d = cpu.plan[s].domain;
      bool named_before = false;
      for (uint32_t earlier = 0; earlier < s; ++earlier) named_before = named_before || cpu.plan[earlier].domain == d;
      if (d < system.domains.size() && !named_before) ++system.domains[d].plans;
    }
  }
  if (cpu_count == 0 || system.cpus[0].plan.empty()) return Status::kNotFound;
  for (uint32_t c = 0; c < system.cpus.size(); ++c) system.cpus[c].index = c;
  system.cpus = Span<Cpu>(system.cpus.data(), cpu_count);
  system.major_ticks = header.major_ticks;
  return Status::kOk;
}

void OnDeviceIrq(System& system, uint32_t cpu, uint32_t vector) {
  if (cpu >= limits::kMaxCpus || vector > 0xff) return;
  const uint32_t slot = system.route_of_vector[cpu][vector];
  if (slot == 0 || slot > system.routes.size()) return;
  RouteState& state = system.route_state[slot - 1];
  const tables::IrqRoute& route = system.routes[slot - 1];
  if (route.owner >= system.domains.size()) return;
  Domain& owner = system.domains[route.owner];
  ++state.arrived;
  if (StatusNow(owner) == DomainStatus::kStopped) {  // nobody to deliver to: quiet the line until it starts
    ++state.dropped;
    __atomic_store_n(&state.masked, true, __ATOMIC_RELEASE);
    MaskLine(system, state, true);
    return;
  }
  owner.irqs.Add(route.irq);
  if (state.level) {  // it stays asserted until the owner has served the device: masked until irq_ack
    __atomic_store_n(&state.masked, true, __ATOMIC_RELEASE);
    MaskLine(system, state, true);
  }
}

void AckRoute(System& system, uint32_t route) {
  if (route >= system.routes.size()) return;
  RouteState& state = system.route_state[route];
  if (state.active && __atomic_exchange_n(&state.masked, false, __ATOMIC_ACQ_REL)) MaskLine(system, state, false);
}

void ReopenRoutes(System& system, Domain& domain) {
  domain.irqs.Clear();
  for (uint32_t i = 0; i < system.routes.size(); ++i) {
    if (system.routes[i].owner == domain.index()) AckRoute(system, i);
  }
}

}  // namespace septum
