// policy/checks.cc — see checks.h.
#include "policy/checks.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "policy/resolve.h"

namespace septum::policy {
namespace {

std::string RangeText(const Range& r) { return absl::StrCat("[", HexString(r.base), ", ", HexString(r.End()), ")"); }

// Something that occupies host-physical memory.
struct HostUse {
  enum class Kind { kKernel, kRegion, kChannel, kMmio } kind;
  Range range;
  std::string name;  // "memory `dom0.ram`", "channel `results`", "MMIO of device `edu0`", "kernel memory"
  Span where;
  bool placed;
};

void CheckHostOverlaps(const System& sys, const std::vector<HostUse>& uses, Diagnostics* diags) {
  std::vector<const HostUse*> sorted;
  for (const HostUse& u : uses) {
    if (u.range.size) sorted.push_back(&u);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const HostUse* a, const HostUse* b) {
    return a->range.base < b->range.base;
  });
  const HostUse* reach = nullptr;  // the range seen so far that reaches furthest
  for (const HostUse* u : sorted) {
    if (reach && u->range.base <= reach->range.Last()) {
      // Report at the later element in the source, with a note at the other.
      const HostUse* here = u->where.offset >= reach->where.offset ? u : reach;
      const HostUse* other = here == u ? reach : u;
      const bool kernel = (here->kind == HostUse::Kind::kKernel) != (other->kind == HostUse::Kind::kKernel);
      const HostUse* domain_side = here->kind == HostUse::Kind::kKernel ? other : here;
      const bool domain_mapped = domain_side->kind == HostUse::Kind::kRegion || domain_side->kind == HostUse::Kind::kChannel;
      const Range overlap{std::max(here->range.base, other->range.base),
                          std::min(here->range.Last(), other->range.Last()) - std::max(here->range.base, other->range.base) + 1};
      const bool both_mmio = here->kind == HostUse::Kind::kMmio && other->kind == HostUse::Kind::kMmio;
      Diagnostic& d =
          both_mmio ? diags->Error(Code::kSharedMmio, ToLoc(here->where),
                                   absl::StrCat(here->name, " ", RangeText(here->range), " overlaps ", other->name))
          : kernel && domain_mapped
              ? diags->Error(Code::kMapsKernelMemory, ToLoc(here->where),
                             absl::StrCat(domain_side->name, " ", RangeText(domain_side->range),
                                          " overlaps kernel memory: no domain may map the kernel"))
              : diags->Error(Code::kHostOverlap, ToLoc(here->where),
                             absl::StrCat(here->name, " ", RangeText(here->range), " overlaps ", other->name,
                                          " in host-physical memory"));
      d.AddNote(ToLoc(other->where), absl::StrCat(other->name, " occupies ", RangeText(other->range),
                                                 other->placed ? " (placed by the compiler)" : ""))
          .Help(absl::StrCat("they share ", RangeText(overlap), "; move one of them (change `at`)",
                             here->kind == HostUse::Kind::kRegion || here->kind == HostUse::Kind::kChannel
                                 ? ", or leave out its `at` to let the compiler place it"
                                 : ""));
    }
    if (!reach || u->range.Last() > reach->range.Last()) reach = u;
  }
  (void)sys;
}

void CheckInsideRam(const System& sys, const std::vector<HostUse>& uses, Diagnostics* diags) {
  // Merge the banks; report overlapping banks.
  std::vector<const RamBank*> banks;
  for (const RamBank& b : sys.platform.ram) banks.push_back(&b);
  std::stable_sort(banks.begin(), banks.end(), [](const RamBank* a, const RamBank* b) { return a->range.base < b->range.base; });
  std::vector<Range> merged;
  const RamBank* reach = nullptr;
  for (const RamBank* b : banks) {
    if (reach && b->range.base <= reach->range.Last()) {
      diags->Error(Code::kRamBanksOverlap, ToLoc(b->where), absl::StrCat("RAM bank ", RangeText(b->range), " overlaps another bank"))
          .AddNote(ToLoc(reach->where), absl::StrCat("the bank ", RangeText(reach->range), " is here"))
          .Help("declare each piece of RAM once");
    }
    if (!merged.empty() && b->range.base <= merged.back().End() && merged.back().End() != 0) {
      const uint64_t last = std::max(merged.back().Last(), b->range.Last());
      merged.back().size = last - merged.back().base + 1;
    } else {
      merged.push_back(b->range);
    }
    if (!reach || b->range.Last() > reach->range.Last()) reach = b;
  }
  if (merged.empty()) return;  // no RAM: reported by the resolver
  for (const HostUse& u : uses) {
    if (!u.range.size || u.kind == HostUse::Kind::kMmio) continue;
    const bool inside = std::any_of(merged.begin(), merged.end(), [&](const Range& m) { return m.Contains(u.range); });
    if (inside) continue;
    Diagnostic& d = diags->Error(Code::kOutsideRam, ToLoc(u.where),
                                 absl::StrCat(u.name, " ", RangeText(u.range), " is not inside platform RAM"));
    for (const RamBank& b : sys.platform.ram) d.AddNote(ToLoc(b.where), absl::StrCat("platform RAM bank ", RangeText(b.range)));
    d.Help("place it inside a RAM bank, or add the RAM to `platform`; only device MMIO may lie outside RAM");
  }
}

void CheckGuestOverlaps(const System& sys, Diagnostics* diags) {
  struct GuestUse {
    Range range;
    std::string name;
    Span where;
  };
  std::vector<std::vector<GuestUse>> per_domain(sys.domains.size());
  for (uint32_t i = 0; i < sys.regions.size(); ++i) {
    const Region& r = sys.regions[i];
    if (r.host.size) per_domain[r.domain].push_back({r.GuestRange(), absl::StrCat("memory `", r.name, "`"), r.where});
  }
  for (const Channel& c : sys.channels) {
    if (!c.host.size) continue;
    for (const ChannelEnd* e : {&c.writer, &c.reader}) {
      if (e->domain != kNoIndex) per_domain[e->domain].push_back({Range{e->guest, c.host.size}, absl::StrCat("channel `", c.name, "`"), e->where});
    }
  }
  for (uint32_t d = 0; d < per_domain.size(); ++d) {
    auto& uses = per_domain[d];
    std::stable_sort(uses.begin(), uses.end(), [](const GuestUse& a, const GuestUse& b) { return a.range.base < b.range.base; });
    const GuestUse* reach = nullptr;
    for (const GuestUse& u : uses) {
      if (reach && u.range.base <= reach->range.Last()) {
        const GuestUse* here = u.where.offset >= reach->where.offset ? &u : reach;
        const GuestUse* other = here == &u ? reach : &u;
        diags->Error(Code::kGuestOverlap, ToLoc(here->where),
                     absl::StrCat("in domain `", sys.domains[d].name, "`, ", here->name, " at guest-physical ",
                                  RangeText(here->range), " overlaps ", other->name))
            .AddNote(ToLoc(other->where), absl::StrCat(other->name, " is mapped at ", RangeText(other->range)))
            .Help("change one `map` address, or leave it out to let the compiler choose");
      }
      if (!reach || u.range.Last() > reach->range.Last()) reach = &u;
    }
  }
}

// A device's claim on a numbered resource (an IRQ, a PCI address).
struct Claim {
  uint64_t key;
  uint32_t device;
  Span where;
  std::string text;
};

// Two devices claiming the same IRQ or PCI address.
void CheckUnique(const System& sys, std::vector<Claim> claims, Code code, const char* what, Diagnostics* diags) {
  std::stable_sort(claims.begin(), claims.end(), [](const Claim& a, const Claim& b) { return a.key < b.key; });
  for (size_t i = 1; i < claims.size(); ++i) {
    const Claim& a = claims[i - 1];
    const Claim& b = claims[i];
    if (a.key != b.key || a.device == b.device) continue;
    diags->Error(code, ToLoc(b.where), absl::StrCat(what, " ", b.text, " of device `", sys.devices[b.device].name,
                                                    "` is also claimed by device `", sys.devices[a.device].name, "`"))
        .AddNote(ToLoc(a.where), absl::StrCat("device `", sys.devices[a.device].name, "` claims it here"))
        .Help("each port, IRQ and PCI address belongs to one device");
  }
}

void CheckDevices(const System& sys, Diagnostics* diags) {
  std::vector<Claim> irqs, pcis;
  struct PortUse {
    uint32_t first, last, device;
    Span where;
  };
  std::vector<PortUse> ports;
  for (uint32_t d = 0; d < sys.devices.size(); ++d) {
    const Device& dev = sys.devices[d];
    for (const Irq& irq : dev.irqs) irqs.push_back({irq.number, d, irq.where, absl::StrCat(irq.number)});
    if (dev.pci) {
      pcis.push_back({dev.pci->Packed(), d, dev.pci->where,
                      absl::StrFormat("%02x:%02x.%x", dev.pci->bus, dev.pci->device, dev.pci->function)});
    }
    for (const PortRange& p : dev.ports) ports.push_back({p.first, p.last, d, p.where});
  }
  CheckUnique(sys, irqs, Code::kSharedIrq, "IRQ", diags);
  CheckUnique(sys, pcis, Code::kSharedPci, "PCI address", diags);
  std::stable_sort(ports.begin(), ports.end(), [](const PortUse& a, const PortUse& b) { return a.first < b.first; });
  const PortUse* reach = nullptr;
  for (const PortUse& p : ports) {
    if (reach && p.first <= reach->last) {
      const uint32_t shared = p.first;
      if (reach->device == p.device) {
        diags->Error(Code::kSharedPort, ToLoc(p.where),
                     absl::StrFormat("I/O ports 0x%x .. 0x%x of device `%s` overlap another of its ranges", p.first, p.last,
                                     sys.devices[p.device].name))
            .AddNote(ToLoc(reach->where), "the other range is here");
      } else {
        diags->Error(Code::kSharedPort, ToLoc(p.where),
                     absl::StrFormat("I/O port 0x%x of device `%s` is also claimed by device `%s`", shared,
                                     sys.devices[p.device].name, sys.devices[reach->device].name))
            .AddNote(ToLoc(reach->where), absl::StrFormat("device `%s` claims ports 0x%x .. 0x%x here",
                                                          sys.devices[reach->device].name, reach->first, reach->last))
            .Help("each I/O port belongs to one device");
      }
    }
    if (!reach || p.last > reach->last) reach = &p;
  }
}

}  // namespace

void CheckIsolation(const System& sys, Diagnostics* diags) {
  std::vector<HostUse> uses;
  uses.push_back({HostUse::Kind::kKernel, sys.kernel.memory, "kernel memory", sys.kernel.memory_where, false});
  for (uint32_t i = 0; i < sys.regions.size(); ++i) {
    const Region& r = sys.regions[i];
    uses.push_back({HostUse::Kind::kRegion, r.host, absl::StrCat("memory `", sys.RegionName(i), "`"), r.where, r.host_placed});
  }
  for (const Channel& c : sys.channels) {
    uses.push_back({HostUse::Kind::kChannel, c.host, absl::StrCat("channel `", c.name, "`"), c.where, c.host_placed});
  }
  for (const Device& d : sys.devices) {
    for (const Mmio& m : d.mmio) {
      uses.push_back({HostUse::Kind::kMmio, m.range, absl::StrCat("MMIO of device `", d.name, "`"), m.where, false});
    }
  }
  CheckHostOverlaps(sys, uses, diags);
  CheckInsideRam(sys, uses, diags);
  CheckGuestOverlaps(sys, diags);
  CheckDevices(sys, diags);
}

}  // namespace septum::policy
