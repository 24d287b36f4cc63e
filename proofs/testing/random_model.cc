// proofs/testing/random_model.cc — see random_model.h.
#include "proofs/testing/random_model.h"

#include "policy/flows.h"

#include <algorithm>
#include <random>
#include <string>

namespace septum::proofs::testing {

using namespace policy;

System RandomModel(uint64_t seed, bool breaches) {
  std::mt19937_64 rng(seed);
  auto pick = [&](uint64_t n) { return n ? rng() % n : 0; };
  auto chance = [&](double p) { return breaches && std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  System s;
  s.name = "random";
  s.source_path = "random.policy";
  s.platform.cpus = 1 + static_cast<uint32_t>(pick(4));
  s.platform.iommu = chance(0.1) ? Iommu::kNone : Iommu::kAmdVi;
  s.platform.ram.push_back({Range{0, 256u << 20}, {}});
  if (pick(2)) s.platform.ram.push_back({Range{1ull << 32, 64u << 20}, {}});
  s.kernel.memory = Range{1u << 20, 4u << 20};
  uint64_t next_host = 8u << 20;
  auto host_alloc = [&](uint64_t size) {
    uint64_t at = next_host;
    next_host += size + (pick(3) ? 0 : 4096 * (1 + pick(8)));
    return at;
  };
  const uint32_t n = 2 + static_cast<uint32_t>(pick(5));
  std::vector<uint64_t> next_guest(n, 0);
  for (uint32_t d = 0; d < n; ++d) {
    Domain dom;
    dom.name = "d" + std::to_string(d);
    for (uint32_t c = 0; c < s.platform.cpus; ++c) {
      if (pick(2) || c == d % s.platform.cpus) dom.cpus.push_back(c);
    }
    dom.boot = pick(4) != 0;
    dom.hypercalls = kHcConsole;
    const uint32_t regions = 1 + static_cast<uint32_t>(pick(3));
    for (uint32_t r = 0; r < regions; ++r) {
      Region reg;
      reg.name = "r" + std::to_string(r);
      reg.domain = d;
      const uint64_t size = 4096 * (1 + pick(64));
      reg.host = Range{host_alloc(size), size};
      reg.guest = next_guest[d];
      next_guest[d] += size + 4096 * pick(2);
      reg.perms = kRead | kWrite;
      reg.where = Span{10 + d, 5, 4, 0};
      dom.regions.push_back(static_cast<uint32_t>(s.regions.size()));
      s.regions.push_back(reg);
    }
    dom.where = Span{10 + d, 3, 6, 0};
    s.domains.push_back(dom);
  }
  // Breaches of memory: overlaps, outside RAM, kernel memory, guest overlaps, misalignment.
  if (chance(0.08)) s.regions[pick(s.regions.size())].host.base = s.regions[pick(s.regions.size())].host.base;
  if (chance(0.05)) s.regions[pick(s.regions.size())].host.base = 0x40000000;  // a hole between banks
  if (chance(0.05)) s.regions[pick(s.regions.size())].host.base = 0x200000;    // kernel memory
  if (chance(0.05)) {
    Region& r = s.regions[pick(s.regions.size())];
    r.guest = s.regions[s.domains[r.domain].regions[0]].guest;
    if (s.domains[r.domain].regions.size() == 1) r.guest += 0;  // alone: no overlap, still valid
  }
  if (chance(0.04)) s.regions[pick(s.regions.size())].guest += 512;
  // Channels.
  const uint32_t channels = static_cast<uint32_t>(pick(4));
  for (uint32_t c = 0; c < channels; ++c) {
    Channel ch;
    ch.name = "c" + std::to_string(c);
    ch.host = Range{host_alloc(4096), 4096};
    ch.writer.domain = static_cast<uint32_t>(pick(n));
    ch.reader.domain = (ch.writer.domain + 1 + static_cast<uint32_t>(pick(n - 1))) % n;
    for (ChannelEnd* e : {&ch.writer, &ch.reader}) {
      e->guest = next_guest[e->domain];
      next_guest[e->domain] += 4096;
    }
    ch.writer.perms = kRead | kWrite;
    ch.reader.perms = kRead;
    ch.where = Span{50 + c, 3, 7, 0};
    s.channels.push_back(ch);
  }
  if (chance(0.05) && !s.channels.empty()) s.channels[0].host.base = s.regions[0].host.base;
  // Devices.
  const uint32_t devices = static_cast<uint32_t>(pick(5));
  for (uint32_t i = 0; i < devices; ++i) {
    Device dev;
    dev.name = "dev" + std::to_string(i);
    dev.ports.push_back({0x100u + 0x10u * i, 0x100u + 0x10u * i + 7, {}});
    dev.irqs.push_back({5 + i, {}});
    dev.pci = PciBdf{0, 2 + i, 0, {}};
    if (pick(3) == 0) dev.mmio.push_back({Range{0xfe000000ull + (uint64_t{i} << 20), 4096}, {}});
    dev.dma = pick(3) == 0;
    if (pick(4) != 0) {
      const uint32_t owner = static_cast<uint32_t>(pick(n));
      dev.owner = Owner{Owner::Kind::kDomain, owner, {}};
      s.domains[owner].devices.push_back(i);
    }
    dev.where = Span{70 + i, 3, 6, 0};
    s.devices.push_back(dev);
  }
  if (devices >= 2) {
    if (chance(0.05)) s.devices[1].ports[0].first = s.devices[0].ports[0].first + 3, s.devices[1].ports[0].last = s.devices[0].ports[0].last + 3;
    if (chance(0.05)) s.devices[1].irqs[0].number = s.devices[0].irqs[0].number;
    if (chance(0.05)) s.devices[1].pci = s.devices[0].pci;
    if (chance(0.05)) {
      s.devices[0].mmio = {{Range{0xfd000000, 8192}, {}}};
      s.devices[1].mmio = {{Range{0xfd001000, 4096}, {}}};
    }
  }
  if (devices >= 1) {
    if (chance(0.06)) {  // a second owner
      const uint32_t other = (s.devices[0].owner.kind == Owner::Kind::kDomain ? s.devices[0].owner.domain + 1 : 0) % n;
      s.domains[other].devices.push_back(0);
      if (s.devices[0].owner.kind == Owner::Kind::kNone) s.devices[0].owner = Owner{Owner::Kind::kDomain, other, {}};
    }
    if (chance(0.05)) s.devices[0].pci.reset();
    if (chance(0.04)) {
      s.kernel.console = 0;
      if (s.devices[0].owner.kind == Owner::Kind::kNone) s.devices[0].owner = Owner{Owner::Kind::kKernel, kNoIndex, {}};
    }
  }
  // Rights.
  const uint32_t grants = static_cast<uint32_t>(pick(4));
  for (uint32_t g = 0; g < grants; ++g) {
    ControlGrant cg;
    cg.holder = static_cast<uint32_t>(pick(n));
    cg.target = (cg.holder + 1 + static_cast<uint32_t>(pick(n - 1))) % n;
    cg.rights = static_cast<uint8_t>(1 + pick(31));
    s.grants.push_back(cg);
  }
  if (chance(0.05) && !s.grants.empty()) s.grants[0].target = s.grants[0].holder;
  if (chance(0.04) && !s.grants.empty()) s.grants[0].target = kKernelTarget;
  for (const ControlGrant& g : s.grants) s.domains[g.holder].hypercalls |= kHcControl;
  if (chance(0.05)) s.domains[0].hypercalls ^= kHcControl;
  // Schedule: each boot domain gets a slot on a CPU it is pinned to.
  s.schedule.major_micros = 10000;
  for (uint32_t c = 0; c < s.platform.cpus; ++c) {
    CpuPlan plan;
    plan.cpu = c;
    uint64_t used = 0;
    for (uint32_t d = 0; d < n; ++d) {
      const auto& cpus = s.domains[d].cpus;
      if (std::find(cpus.begin(), cpus.end(), c) == cpus.end() || used >= 9000) continue;
      if (c != cpus.front() && pick(2)) continue;
      plan.slots.push_back({d, 1000, {}});
      used += 1000;
    }
    if (used < 10000) plan.slots.push_back({kNoIndex, 10000 - used, {}});
    s.schedule.plans.push_back(plan);
  }
  if (chance(0.05)) s.schedule.plans[0].slots.back().micros += 1;
  if (chance(0.05)) {
    for (uint32_t d = 0; d < n; ++d) {
      if (std::find(s.domains[d].cpus.begin(), s.domains[d].cpus.end(), 0u) == s.domains[d].cpus.end()) {
        s.schedule.plans[0].slots.front() = {d, s.schedule.plans[0].slots.front().micros, {}};
        break;
      }
    }
  }
  if (chance(0.04)) {  // a boot domain loses its slots
    for (auto& plan : s.schedule.plans) {
      for (auto& slot : plan.slots) {
        if (slot.domain == 0) slot.domain = kNoIndex;
      }
    }
    s.domains[0].boot = true;
  }
  // Assertions: some hold by construction of the edges, some are random (often false).
  const uint32_t asserts = static_cast<uint32_t>(pick(3));
  for (uint32_t a = 0; a < asserts; ++a) {
    Assertion as;
    as.kind = pick(4) == 0 ? Assertion::Kind::kIsolated : Assertion::Kind::kNoFlow;
    as.from = {static_cast<uint32_t>(pick(n))};
    as.from_name = s.domains[as.from[0]].name;
    if (as.kind == Assertion::Kind::kNoFlow) {
      as.to = {static_cast<uint32_t>(pick(n))};
      as.to_name = s.domains[as.to[0]].name;
    }
    as.where = Span{90 + a, 3, 6, 0};
    s.assertions.push_back(as);
  }
  if (!breaches) {
    // Keep only the assertions that hold (decided by the front end's graph search).
    const std::vector<FlowEdge> edges = FlowEdges(s);
    std::vector<Assertion> kept;
    for (const Assertion& a : s.assertions) {
      bool holds;
      if (a.kind == Assertion::Kind::kNoFlow) {
        holds = FindFlowPath(s, edges, a.from, a.to).empty();
      } else {
        holds = std::none_of(edges.begin(), edges.end(), [&](const FlowEdge& e) {
          return (e.from == a.from[0]) != (e.to == a.from[0]);
        });
      }
      if (holds) kept.push_back(a);
    }
    s.assertions = kept;
  }
  return s;
}

}  // namespace septum::proofs::testing
