// policy/print_model.cc — see print_model.h.
#include "policy/print_model.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "policy/flows.h"

namespace septum::policy {
namespace {

std::string R(const Range& r) { return absl::StrFormat("[0x%010x, 0x%010x)", r.base, r.End()); }
std::string Line(const Span& s) { return s.line ? absl::StrCat("  # line ", s.line) : ""; }
const char* Placed(bool placed) { return placed ? " (placed)" : ""; }

}  // namespace

std::string ModelText(const System& sys) {
  std::string o;
  absl::StrAppend(&o, "system ", sys.name, "  (", sys.source_path, ")\n");
  static constexpr const char* kIommu[] = {"none", "amd-vi", "vt-d"};
  absl::StrAppend(&o, "platform: ", sys.platform.cpus, sys.platform.cpus == 1 ? " CPU" : " CPUs", ", iommu ", kIommu[static_cast<int>(sys.platform.iommu)], "\n");
  for (const RamBank& b : sys.platform.ram) {
    absl::StrAppend(&o, "  ram ", R(b.range), " ", SizeString(b.range.size), Line(b.where), "\n");
  }
  absl::StrAppend(&o, "kernel: memory ", R(sys.kernel.memory), " ", SizeString(sys.kernel.memory.size));
  if (sys.kernel.console != kNoIndex) absl::StrAppend(&o, ", console ", sys.devices[sys.kernel.console].name);
  absl::StrAppend(&o, Line(sys.kernel.memory_where), "\n");

  absl::StrAppend(&o, "devices:\n");
  for (const Device& d : sys.devices) {
    absl::StrAppend(&o, "  ", d.name, ":");
    for (const PortRange& p : d.ports) absl::StrAppendFormat(&o, " io 0x%x..0x%x", p.first, p.last);
    for (const Irq& i : d.irqs) absl::StrAppend(&o, " irq ", i.number);
    if (d.pci) absl::StrAppendFormat(&o, " pci %02x:%02x.%x", d.pci->bus, d.pci->device, d.pci->function);
    for (const Mmio& m : d.mmio) absl::StrAppend(&o, " mmio ", R(m.range));
    if (d.dma) absl::StrAppend(&o, " dma");
    if (d.ports.empty() && d.irqs.empty() && !d.pci && d.mmio.empty()) absl::StrAppend(&o, " (no resources)");
    switch (d.owner.kind) {
      case Owner::Kind::kNone: absl::StrAppend(&o, "; owner none"); break;
      case Owner::Kind::kKernel: absl::StrAppend(&o, "; owner kernel"); break;
      case Owner::Kind::kDomain: absl::StrAppend(&o, "; owner ", sys.domains[d.owner.domain].name); break;
    }
    absl::StrAppend(&o, Line(d.where), "\n");
  }

  absl::StrAppend(&o, "domains:\n");
  for (uint32_t i = 0; i < sys.domains.size(); ++i) {
    const Domain& d = sys.domains[i];
    absl::StrAppend(&o, "  ", d.name, ": ", d.type == DomainType::kPv ? "pv" : "hvm", ", cpus ", absl::StrJoin(d.cpus, ","),
                    ", boot ", d.boot ? "yes" : "no", ", on fault ", d.on_fault == FaultAction::kStop ? "stop" : "restart",
                    ", image ", d.image_path, Line(d.where), "\n");
    for (uint32_t r : d.regions) {
      const Region& reg = sys.regions[r];
      absl::StrAppend(&o, "    memory ", reg.name, ": host ", R(reg.host), Placed(reg.host_placed), " -> guest ",
                      R(reg.GuestRange()), Placed(reg.guest_placed), " ", SizeString(reg.host.size), " ",
                      PermString(reg.perms), Line(reg.where), "\n");
    }
    for (const Channel& c : sys.channels) {
      for (const ChannelEnd* e : {&c.writer, &c.reader}) {
        if (e->domain != i) continue;
        absl::StrAppend(&o, "    channel ", c.name, " (", e == &c.writer ? "writer" : "reader", "): host ", R(c.host),
                        " -> guest ", R(Range{e->guest, c.host.size}), Placed(e->guest_placed), " ", PermString(e->perms),
                        Line(e->where), "\n");
      }
    }
    if (!d.devices.empty()) {
      std::vector<std::string> names;
      for (uint32_t dev : d.devices) names.push_back(sys.devices[dev].name);
      absl::StrAppend(&o, "    devices ", absl::StrJoin(names, ", "), "\n");
    }
    absl::StrAppend(&o, "    hypercalls ", HypercallNames(d.hypercalls), "\n");
    for (const ControlGrant& g : sys.grants) {
      if (g.holder == i) {
        absl::StrAppend(&o, "    control ", g.target < sys.domains.size() ? sys.domains[g.target].name : "kernel", ": ", RightNames(g.rights), Line(g.where), "\n");
      }
    }
    if (!d.labels.empty()) absl::StrAppend(&o, "    labels ", absl::StrJoin(d.labels, ", "), "\n");
  }

  absl::StrAppend(&o, "channels:\n");
  for (const Channel& c : sys.channels) {
    absl::StrAppend(&o, "  ", c.name, ": host ", R(c.host), Placed(c.host_placed), " ", SizeString(c.host.size), ", writer ",
                    sys.domains[c.writer.domain].name, ", reader ", sys.domains[c.reader.domain].name,
                    c.notify ? ", notify" : "", Line(c.where), "\n");
  }

  if (sys.schedule.plans.empty() && sys.schedule.major_micros == 0) {
    absl::StrAppend(&o, "schedule: none\n");
  } else {
    absl::StrAppend(&o, "schedule: major ", DurationString(sys.schedule.major_micros), "\n");
  }
  for (const CpuPlan& p : sys.schedule.plans) {
    std::vector<std::string> slots;
    for (const Slot& s : p.slots) {
      slots.push_back(absl::StrCat(s.domain == kNoIndex ? "idle" : sys.domains[s.domain].name, " ", DurationString(s.micros)));
    }
    absl::StrAppend(&o, "  cpu ", p.cpu, ": ", absl::StrJoin(slots, ", "), Line(p.where), "\n");
  }

  absl::StrAppend(&o, "flows:\n");
  for (const FlowEdge& e : FlowEdges(sys)) {
    absl::StrAppend(&o, "  ", sys.domains[e.from].name, " -> ", sys.domains[e.to].name, ": ", e.why, Line(e.where), "\n");
  }
  absl::StrAppend(&o, "assertions:\n");
  for (const Assertion& a : sys.assertions) {
    absl::StrAppend(&o, "  ",
                    a.kind == Assertion::Kind::kNoFlow ? absl::StrCat("no flow ", a.from_name, " -> ", a.to_name)
                                                       : absl::StrCat("isolated ", a.from_name),
                    ": holds", Line(a.where), "\n");
  }
  return o;
}

}  // namespace septum::policy
