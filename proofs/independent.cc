// proofs/independent.cc — see independent.h.
#include "proofs/independent.h"

#include <map>
#include <set>

namespace septum::proofs {
namespace {

using policy::kNoIndex;
using policy::Range;
using policy::System;

bool Overlap(const Range& a, const Range& b) {
  if (!a.size || !b.size) return false;
  // Compare inclusive last addresses: exact for ranges that end at 2^64.
  return a.base <= b.base + (b.size - 1) && b.base <= a.base + (a.size - 1);
}

struct HostRange {
  Range range;
  bool mapped;     // region or channel
  uint32_t owner;  // region's domain
  int channel;     // channel index or -1
};

std::vector<HostRange> HostRanges(const System& s, bool mmio, bool kernel) {
  std::vector<HostRange> out;
  if (kernel) out.push_back({s.kernel.memory, false, kNoIndex, -1});
  for (const auto& r : s.regions) out.push_back({r.host, true, r.domain, -1});
  for (size_t c = 0; c < s.channels.size(); ++c) out.push_back({s.channels[c].host, true, kNoIndex, static_cast<int>(c)});
  if (mmio) {
    for (const auto& d : s.devices) {
      for (const auto& m : d.mmio) out.push_back({m.range, false, kNoIndex, -1});
    }
  }
  return out;
}

bool AllPairsDisjoint(const std::vector<Range>& rs) {
  for (size_t i = 0; i < rs.size(); ++i) {
    for (size_t j = i + 1; j < rs.size(); ++j) {
      if (Overlap(rs[i], rs[j])) return false;
    }
  }
  return true;
}

bool P01(const System& s) {
  std::vector<Range> rs;
  for (const HostRange& h : HostRanges(s, true, true)) rs.push_back(h.range);
  return AllPairsDisjoint(rs);
}

bool CoveredByRam(const System& s, const Range& r) {
  if (!r.size) return true;
  uint64_t pos = r.base;
  const uint64_t last = r.base + (r.size - 1);
  while (true) {
    bool advanced = false;
    for (const auto& b : s.platform.ram) {
      if (!b.range.size) continue;
      const uint64_t b_last = b.range.base + (b.range.size - 1);
      if (b.range.base <= pos && pos <= b_last) {
        if (b_last >= last) return true;
        pos = b_last + 1;
        advanced = true;
      }
    }
    if (!advanced) return false;
  }
}

bool P02(const System& s) {
  for (const HostRange& h : HostRanges(s, false, true)) {
    if (h.mapped && Overlap(h.range, s.kernel.memory)) return false;
    if (!CoveredByRam(s, h.range)) return false;
  }
  return true;
}

bool P03(const System& s) {
  std::vector<std::vector<Range>> per(s.domains.size());
  for (const auto& r : s.regions) {
    if (r.host.size && r.domain < per.size()) per[r.domain].push_back(r.GuestRange());
  }
  for (const auto& c : s.channels) {
    if (!c.host.size) continue;
    for (const auto* e : {&c.writer, &c.reader}) {
      if (e->domain < per.size()) per[e->domain].push_back(Range{e->guest, c.host.size});
    }
  }
  for (const auto& ranges : per) {
    if (!AllPairsDisjoint(ranges)) return false;
    for (const Range& r : ranges) {
      if (r.base % 4096 || r.size % 4096) return false;
    }
  }
  return true;
}

bool P04(const System& s) {
  std::map<uint32_t, std::set<uint32_t>> claimants;
  if (s.kernel.console != kNoIndex) claimants[s.kernel.console].insert(kNoIndex);
  for (uint32_t d = 0; d < s.domains.size(); ++d) {
    for (uint32_t dev : s.domains[d].devices) claimants[dev].insert(d);
  }
  for (const auto& [dev, who] : claimants) {
    if (who.size() > 1) return false;
  }
  std::vector<int> port_owner(65536, -1), irq_owner(256 + 1, -1);
  std::map<uint32_t, int> pci_owner;
  std::vector<std::pair<Range, uint32_t>> mmio;
  for (uint32_t d = 0; d < s.devices.size(); ++d) {
    const auto& dev = s.devices[d];
    for (const auto& p : dev.ports) {
      for (uint32_t port = p.first; port <= p.last && port < 65536; ++port) {
        if (port_owner[port] != -1 && port_owner[port] != static_cast<int>(d)) return false;
        port_owner[port] = static_cast<int>(d);
      }
    }
    for (const auto& i : dev.irqs) {
      const uint32_t n = i.number < 256 ? i.number : 256;
      if (irq_owner[n] != -1 && irq_owner[n] != static_cast<int>(d)) return false;
      irq_owner[n] = static_cast<int>(d);
    }
    if (dev.pci) {
      auto [it, inserted] = pci_owner.emplace(dev.pci->Packed(), static_cast<int>(d));
      if (!inserted && it->second != static_cast<int>(d)) return false;
    }
    for (const auto& m : dev.mmio) {
      for (const auto& [other, od] : mmio) {
        if (od != d && Overlap(other, m.range)) return false;
      }
      mmio.push_back({m.range, d});
    }
  }
  return true;
}

bool P05(const System& s) {
  for (const auto& dev : s.devices) {
    if (!dev.dma) continue;
    if (s.platform.iommu == policy::Iommu::kNone || !dev.pci) return false;
    if (dev.owner.kind == policy::Owner::Kind::kKernel) return false;
    if (dev.owner.kind != policy::Owner::Kind::kDomain) continue;
    const uint32_t owner = dev.owner.domain;
    std::vector<Range> window, foreign;
    for (const HostRange& h : HostRanges(s, false, true)) {
      bool mine = h.owner == owner;
      if (h.channel >= 0) {
        const auto& c = s.channels[static_cast<size_t>(h.channel)];
        mine = c.writer.domain == owner || c.reader.domain == owner;
      }
      (mine ? window : foreign).push_back(h.range);
    }
    for (const Range& w : window) {
      for (const Range& f : foreign) {
        if (Overlap(w, f)) return false;
      }
    }
  }
  return true;
}

bool P06(const System& s) {
  std::map<uint32_t, std::set<std::pair<int, uint32_t>>> owners;  // irq -> {(kind, domain)}
  for (const auto& dev : s.devices) {
    for (const auto& i : dev.irqs) owners[i.number].insert({static_cast<int>(dev.owner.kind), dev.owner.domain});
  }
  for (const auto& [irq, who] : owners) {
    if (who.size() > 1) return false;
  }
  return true;
}

bool P07(const System& s) {
  std::set<uint32_t> cpus;
  std::set<uint32_t> scheduled;
  for (const auto& plan : s.schedule.plans) {
    if (!cpus.insert(plan.cpu).second) return false;
    unsigned __int128 sum = 0;
    for (const auto& slot : plan.slots) {
      sum += slot.micros;
      if (slot.domain == kNoIndex) continue;
      scheduled.insert(slot.domain);
      const auto& pinned = s.domains[slot.domain].cpus;
      bool ok = false;
      for (uint32_t c : pinned) ok = ok || c == plan.cpu;
      if (!ok) return false;
    }
    if (sum != s.schedule.major_micros) return false;
  }
  for (uint32_t d = 0; d < s.domains.size(); ++d) {
    if (s.domains[d].boot && !scheduled.count(d)) return false;
  }
  return true;
}

bool P08(const System& s) {
  std::set<uint32_t> holders;
  for (const auto& g : s.grants) {
    if (g.holder == g.target || g.target >= s.domains.size()) return false;
    holders.insert(g.holder);
  }
  for (uint32_t d = 0; d < s.domains.size(); ++d) {
    if (static_cast<bool>(s.domains[d].hypercalls & policy::kHcControl) != static_cast<bool>(holders.count(d))) return false;
  }
  return true;
}

// Edges recomputed from the definition (POLICY_LANGUAGE.md "Information flow").
std::vector<std::pair<uint32_t, uint32_t>> Edges(const System& s) {
  std::vector<std::pair<uint32_t, uint32_t>> e;
  for (const auto& c : s.channels) {
    if (c.writer.domain < s.domains.size() && c.reader.domain < s.domains.size()) e.push_back({c.writer.domain, c.reader.domain});
  }
  for (const auto& g : s.grants) {
    if (g.holder >= s.domains.size() || g.target >= s.domains.size() || g.holder == g.target) continue;
    if (g.rights & (policy::kRightStart | policy::kRightStop | policy::kRightPause | policy::kRightResume)) e.push_back({g.holder, g.target});
    if (g.rights & policy::kRightQuery) e.push_back({g.target, g.holder});
  }
  for (size_t i = 0; i < s.regions.size(); ++i) {
    for (size_t j = i + 1; j < s.regions.size(); ++j) {
      const auto& a = s.regions[i];
      const auto& b = s.regions[j];
      if (a.domain != b.domain && Overlap(a.host, b.host)) {
        e.push_back({a.domain, b.domain});
        e.push_back({b.domain, a.domain});
      }
    }
  }
  return e;
}

bool P09(const System& s) {
  const auto edges = Edges(s);
  for (const auto& a : s.assertions) {
    std::set<uint32_t> group(a.from.begin(), a.from.end());
    if (a.kind == policy::Assertion::Kind::kIsolated) {
      for (const auto& [x, y] : edges) {
        if (group.count(x) != group.count(y)) return false;
      }
      continue;
    }
    // Domains reachable by at least one edge from `from`, by iterating to a fixed point.
    std::set<uint32_t> reached;
    bool changed = true;
    while (changed) {
      changed = false;
      for (const auto& [x, y] : edges) {
        if ((group.count(x) || reached.count(x)) && !reached.count(y)) {
          reached.insert(y);
          changed = true;
        }
      }
    }
    for (uint32_t t : a.to) {
      if (reached.count(t)) return false;
    }
  }
  return true;
}

}  // namespace

std::vector<bool> CheckIndependently(const policy::System& s) {
  return {P01(s), P02(s), P03(s), P04(s), P05(s), P06(s), P07(s), P08(s), P09(s)};
}

}  // namespace septum::proofs
