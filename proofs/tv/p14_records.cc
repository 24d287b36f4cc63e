// proofs/tv/p14_records.cc — P14, the records: the system record, the domain records (type,
// CPUs, boot, fault action, hypercall permission bits), the control-rights matrix, the channel
// table and the device table with each device's resources equal the model, in canonical
// order, with reserved fields zero. The schedule, padding and load segments, the rest of P14,
// are in p14_schedule_segments.cc; the catalogue entry is here.
#include "absl/strings/str_format.h"
#include "proofs/tv/iommu_decode.h"
#include "proofs/tv/validator.h"

namespace septum::tv {

const TvEntry kRecordsEntry = {
    TvObligation::kRecords,
    {"P14-records", "The domain records, hypercall permissions, control-rights matrix, channel table, device table, schedule plan and load segments in the blob equal the model, and unused bytes are zero.", "seL4 capDL loader correspondence; Muen policy compilation"}};

namespace {

// The model's hypercall groups as ABI bits.
uint32_t AbiHypercalls(uint8_t groups) {
  return AbiBits(groups, {{policy::kHcConsole, tables::kGroupConsole}, {policy::kHcYield, tables::kGroupYield},
                          {policy::kHcTime, tables::kGroupTime}, {policy::kHcChannel, tables::kGroupChannel},
                          {policy::kHcControl, tables::kGroupControl}});
}

}  // namespace

void Validator::Records(ObligationResult* r) {
  absl::StatusOr<std::vector<tables::SystemRecord>> sys = reader_.Records<tables::SystemRecord>(tables::SectionKind::kSystem);
  absl::StatusOr<std::vector<tables::DomainRecord>> doms = reader_.Records<tables::DomainRecord>(tables::SectionKind::kDomains);
  for (const absl::Status& st : {sys.status(), doms.status()}) {
    if (!st.ok()) Fail(r, std::string(st.message()));
  }
  if (!sys.ok() || !doms.ok() || sys->size() != 1) {
    if (sys.ok() && sys->size() != 1) Fail(r, "the system section does not hold exactly one record");
    records_broken_ = true;
    return;
  }
  system_ = (*sys)[0];
  CoverSection(tables::SectionKind::kSystem);
  CoverSection(tables::SectionKind::kDomains);
  const tables::SystemRecord& sr = system_;
  const uint32_t iommu = s_.platform.iommu == policy::Iommu::kAmdVi ? tables::kIommuAmdVi
                         : s_.platform.iommu == policy::Iommu::kVtd ? tables::kIommuVtd
                                                                    : tables::kIommuNone;
  if (!NameIs(sr.name, s_.name) || sr.cpus != s_.platform.cpus || sr.iommu != iommu || sr.domain_count != s_.domains.size() ||
      sr.kernel_base != s_.kernel.memory.base || sr.kernel_size != s_.kernel.memory.size || !AllZero(sr.reserved) ||
      sr.flags != (images_ ? 0u : tables::kSystemNoImages)) {
    Fail(r, "the system record disagrees with the policy (name, CPUs, IOMMU, domain count, kernel memory, image flag or reserved fields)");
  }
  if (doms->size() != s_.domains.size()) {
    Fail(r, absl::StrFormat("the blob holds %d domain records, the policy has %d domains", doms->size(), s_.domains.size()));
    records_broken_ = true;
    return;
  }
  records_ = *doms;
  // Names, in canonical order, byte for byte; indices; reserved fields.
  for (uint32_t c = 0; c < records_.size(); ++c) {
    const tables::DomainRecord& rec = records_[c];
    const policy::Domain& dom = s_.domains[want_.order[c]];
    if (!NameIs(rec.name, dom.name)) {
      Fail(r, absl::StrFormat("domain record %d is named `%s`, the policy's domain in that place is `%s`", c, Name(rec.name, 32), dom.name),
           dom.where, dom.name);
    }
    if (rec.index != c || rec.reserved1 != 0 || !AllZero(rec.reserved2)) {
      Fail(r, absl::StrFormat("the record of `%s` has a wrong index or a non-zero reserved field", dom.name), dom.where, dom.name);
    }
  }
  // Per-domain facts as tuples (domain, fact, value).
  enum Fact : uint64_t { kType, kFault, kBoot, kCpu, kGroup };
  std::vector<Tuple> have, want;
  for (uint32_t c = 0; c < records_.size(); ++c) {
    const tables::DomainRecord& rec = records_[c];
    have.push_back({c, kType, rec.type});
    have.push_back({c, kFault, rec.on_fault});
    have.push_back({c, kBoot, rec.boot});
    for (unsigned cpu = 0; cpu < 256; ++cpu) {
      if ((rec.cpu_mask[cpu / 64] >> (cpu % 64)) & 1) have.push_back({c, kCpu, cpu});
    }
    for (unsigned g = 0; g < 32; ++g) {
      if ((rec.hypercalls >> g) & 1) have.push_back({c, kGroup, uint64_t{1} << g});
    }
    const policy::Domain& dom = s_.domains[want_.order[c]];
    want.push_back({c, kType, dom.type == policy::DomainType::kPv ? tables::kPv : tables::kHvm});
    want.push_back({c, kFault, dom.on_fault == policy::FaultAction::kStop ? tables::kStop : tables::kRestart});
    want.push_back({c, kBoot, dom.boot ? 1u : 0u});
    for (uint32_t cpu : dom.cpus) want.push_back({c, kCpu, cpu});
    const uint32_t groups = AbiHypercalls(dom.hypercalls);
    for (unsigned g = 0; g < 32; ++g) {
      if ((groups >> g) & 1) want.push_back({c, kGroup, uint64_t{1} << g});
    }
  }
  if (std::optional<Tuple> t = RelationsDiffer(r, "domain-facts", 3, have, want)) {
    static const char* kFacts[] = {"type", "fault action", "boot flag", "CPU", "hypercall group bit"};
    ReportTuple(r, "domain records", have, *t, [&](const Tuple& x) {
      return absl::StrFormat("%s of %s = %#x", x[1] < 5 ? kFacts[x[1]] : "fact", DomainName(x[0]), x[2]);
    });
  }
  Rights(r);
  Channels(r);
  Devices(r);
  Schedule(r);
  Padding(r);
}

// The device table: every device in name order with its owner, PCI address and flags, and
// each one's resources (ports, MMIO, IRQs) as the policy lists them, sorted by kind and base.
void Validator::Devices(ObligationResult* r) {
  const std::optional<std::vector<tables::DeviceRecord>> devs = ReadRecords<tables::DeviceRecord>(r, tables::SectionKind::kDevices);
  const std::optional<std::vector<tables::DeviceResource>> res = ReadRecords<tables::DeviceResource>(r, tables::SectionKind::kDeviceResources);
  if (!devs || !res) return;
  std::vector<uint32_t> order(s_.devices.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return s_.devices[a].name < s_.devices[b].name; });
  std::vector<Tuple> have, want, have_res, want_res;
  uint64_t next = 0;
  for (size_t i = 0; i < devs->size(); ++i) {
    const tables::DeviceRecord& d = (*devs)[i];
    have.push_back({i, d.owner, d.flags, d.pci});
    if (!AllZero(d.reserved) || i >= order.size() || !NameIs(d.name, s_.devices[order[i]].name)) {
      Fail(r, absl::StrFormat("device record %d (`%s`) is not the policy's device in that place, or has a reserved field set", i, Name(d.name, 32)));
    }
    // Its resources are the next slice of the table, all naming it, sorted by (kind, base).
    bool ok = d.resource_first == next && d.resource_count <= res->size() - next;
    for (uint32_t k = 0; ok && k < d.resource_count; ++k) {
      const tables::DeviceResource& x = (*res)[next + k];
      ok = x.device == i && (k == 0 || std::pair{(*res)[next + k - 1].kind, (*res)[next + k - 1].base} < std::pair{x.kind, x.base});
    }
    if (!ok) {
      Fail(r, absl::StrFormat("the resource row of device record %d does not point at exactly its resources in canonical order", i));
      return;
    }
    next += d.resource_count;
  }
  if (next != res->size()) Fail(r, "the device resource table holds entries that no device record points at");
  for (const tables::DeviceResource& x : *res) have_res.push_back({x.device, x.kind, x.base, x.size});
  for (uint32_t i = 0; i < order.size(); ++i) {
    const policy::Device& dev = s_.devices[order[i]];
    uint64_t owner = tables::kNoDomain;
    if (dev.owner.kind == policy::Owner::Kind::kKernel) owner = tables::kKernelOwner;
    if (dev.owner.kind == policy::Owner::Kind::kDomain && dev.owner.domain < s_.domains.size()) owner = want_.rank[dev.owner.domain];
    want.push_back({i, owner, (dev.pci ? tables::kDevicePci : 0u) | (dev.dma ? tables::kDeviceDma : 0u), dev.pci ? dev.pci->Packed() : 0u});
    for (const policy::PortRange& pr : dev.ports) want_res.push_back({i, tables::kResourceIo, pr.first, uint64_t{pr.last} - pr.first + 1});
    for (const policy::Mmio& m : dev.mmio) want_res.push_back({i, tables::kResourceMmio, m.range.base, m.range.size});
    for (const policy::Irq& irq : dev.irqs) want_res.push_back({i, tables::kResourceIrq, irq.number, 1});
  }
  auto device = [&](uint64_t i) { return i < order.size() ? "`" + s_.devices[order[i]].name + "`" : absl::StrFormat("#%d", i); };
  if (std::optional<Tuple> t = RelationsDiffer(r, "devices", 4, have, want)) {
    ReportTuple(r, "the device table", have, *t, [&](const Tuple& x) {
      return absl::StrFormat("device %s owned by %s, flags %#x, PCI %s", device(x[0]),
                             x[1] == tables::kKernelOwner ? "the kernel" : x[1] == tables::kNoDomain ? "nobody" : DomainName(x[1]), x[2],
                             DeviceText(static_cast<uint16_t>(x[3])));
    });
  }
  if (std::optional<Tuple> t = RelationsDiffer(r, "device-resources", 4, have_res, want_res)) {
    static const char* kKinds[] = {"?", "I/O ports", "MMIO", "IRQ"};
    ReportTuple(r, "the device resource table", have_res, *t, [&](const Tuple& x) {
      return absl::StrFormat("device %s: %s at %#x, size %#x", device(x[0]), x[1] < 4 ? kKinds[x[1]] : "unknown resource", x[2], x[3]);
    });
  }
}

void Validator::Rights(ObligationResult* r) {
  const std::optional<std::vector<tables::ControlRight>> rights = ReadRecords<tables::ControlRight>(r, tables::SectionKind::kRights);
  if (!rights) return;
  std::vector<Tuple> have, want;
  for (size_t i = 0; i < rights->size(); ++i) {
    const tables::ControlRight& g = (*rights)[i];
    if (g.reserved != 0 || g.rights == 0 || (g.rights & ~tables::kAllRights) ||
        (i > 0 && std::pair{(*rights)[i - 1].holder, (*rights)[i - 1].target} >= std::pair{g.holder, g.target})) {
      Fail(r, absl::StrFormat("control-rights entry %d is not in canonical form (sorted, unique, known rights, reserved zero)", i));
    }
    for (unsigned b = 0; b < 32; ++b) {
      if ((g.rights >> b) & 1) have.push_back({g.holder, g.target, uint64_t{1} << b});
    }
  }
  for (const policy::ControlGrant& g : s_.grants) {
    if (g.holder >= s_.domains.size() || g.target >= s_.domains.size()) continue;  // the model proofs reject these
    const uint32_t bits = AbiRights(g.rights);
    for (unsigned b = 0; b < 32; ++b) {
      if ((bits >> b) & 1) want.push_back({want_.rank[g.holder], want_.rank[g.target], uint64_t{1} << b});
    }
  }
  std::sort(want.begin(), want.end());
  want.erase(std::unique(want.begin(), want.end()), want.end());
  if (std::optional<Tuple> t = RelationsDiffer(r, "rights", 3, have, want)) {
    static const char* kRights[] = {"start", "stop", "pause", "resume", "query"};
    ReportTuple(r, "the control-rights matrix", have, *t, [&](const Tuple& x) {
      unsigned b = 0;
      while (b < 63 && (uint64_t{1} << b) != x[2]) ++b;
      return absl::StrFormat("%s holding `%s` over %s", DomainName(x[0]), b < 5 ? kRights[b] : "an unknown right", DomainName(x[1]));
    });
  }
  // Each domain's row is its slice of the sorted list.
  for (uint32_t c = 0; c < records_.size(); ++c) {
    const tables::DomainRecord& rec = records_[c];
    size_t count = 0;
    for (const tables::ControlRight& g : *rights) count += g.holder == c;
    bool ok = rec.rights_count == count && rec.rights_first <= rights->size() && rec.rights_count <= rights->size() - rec.rights_first;
    for (uint32_t i = 0; ok && i < rec.rights_count; ++i) ok = (*rights)[rec.rights_first + i].holder == c;
    if (!ok) Fail(r, absl::StrFormat("the control-rights row of %s does not point at exactly its entries", DomainName(c)));
  }
}

void Validator::Channels(ObligationResult* r) {
  const std::optional<std::vector<tables::ChannelRecord>> chans = ReadRecords<tables::ChannelRecord>(r, tables::SectionKind::kChannels);
  if (!chans) return;
  std::vector<uint32_t> order(s_.channels.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return s_.channels[a].name < s_.channels[b].name; });
  std::vector<Tuple> have, want;
  for (size_t i = 0; i < chans->size(); ++i) {
    const tables::ChannelRecord& ch = (*chans)[i];
    have.push_back({i, ch.writer, ch.reader, ch.host, ch.size, ch.writer_guest, ch.reader_guest, ch.flags});
    if (ch.reserved != 0 || i >= order.size() || !NameIs(ch.name, s_.channels[order[i]].name)) {
      Fail(r, absl::StrFormat("channel record %d (`%s`) is not the policy's channel in that place, or has a reserved field set", i,
                              Name(ch.name, 32)));
    }
  }
  for (size_t i = 0; i < order.size(); ++i) {
    const policy::Channel& ch = s_.channels[order[i]];
    if (ch.writer.domain >= s_.domains.size() || ch.reader.domain >= s_.domains.size()) continue;
    want.push_back({i, want_.rank[ch.writer.domain], want_.rank[ch.reader.domain], ch.host.base, ch.host.size, ch.writer.guest, ch.reader.guest,
                    ch.notify ? tables::kChannelNotify : 0u});
  }
  if (std::optional<Tuple> t = RelationsDiffer(r, "channels", 8, have, want)) {
    ReportTuple(r, "the channel table", have, *t, [&](const Tuple& x) {
      return absl::StrFormat("channel #%d: writer %s at %#x, reader %s at %#x, memory %#x (%d bytes), flags %#x", x[0], DomainName(x[1]), x[5],
                             DomainName(x[2]), x[6], x[3], x[4], x[7]);
    });
  }
}

}  // namespace septum::tv
