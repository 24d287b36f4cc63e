// tools/compiler/compile.cc — see compile.h.
#include "tools/compiler/compile.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/hypercall.h"
#include "kernel/abi/io_bitmaps.h"
#include "kernel/abi/start_info.h"
#include "kernel/abi/tables.h"
#include "kernel/abi/version.h"
#include "tools/compiler/blob_writer.h"
#include "tools/compiler/io_bitmaps.h"
#include "tools/compiler/iommu_tables.h"

namespace septum::compiler {
namespace {

bool Owns(const policy::System& s, uint32_t dev, uint32_t d) {
  return s.devices[dev].owner.kind == policy::Owner::Kind::kDomain && s.devices[dev].owner.domain == d;
}

template <typename T>
void Put(absl::Span<uint8_t> section, size_t i, const T& record) {
  std::memcpy(section.data() + i * sizeof(T), &record, sizeof(T));
}

template <size_t N>
void PutName(uint8_t (&field)[N], const std::string& name) {
  std::memcpy(field, name.data(), std::min(name.size(), N - 1));
}

// The region of domain `d` holding [guest, guest + size), or kNoIndex.
uint32_t RegionHolding(const policy::System& s, uint32_t d, uint64_t guest, uint64_t size) {
  for (uint32_t r : s.domains[d].regions) {
    const policy::Region& reg = s.regions[r];
    if (reg.host.size && guest >= reg.guest && guest - reg.guest <= reg.host.size && size <= reg.host.size - (guest - reg.guest)) {
      return r;
    }
  }
  return policy::kNoIndex;
}

// Where a PV domain's start block goes.
struct StartPlan {
  uint64_t guest = 0, host = 0;
  uint64_t pages = 0;  // 0: not a PV domain
};

// Everything the compiler derives before laying out bytes.
struct Plan {
  std::vector<uint32_t> order;   // canonical position -> model index
  std::vector<uint32_t> rank;    // model index -> canonical position
  std::vector<tables::ControlRight> rights;
  std::vector<tables::IrqRoute> routes;
  std::vector<tables::SegmentRecord> segments;
  std::vector<std::vector<Mapping>> mappings;  // by model index
  std::vector<DmaDevice> dma;
  std::vector<StartPlan> start;  // by model index
};

// The guest page tables of a PV domain's start block: its ranges identity-mapped, built for
// guest-physical `root` (the page after the StartInfo page).
absl::StatusOr<PageTables> GuestPageTables(const std::vector<Mapping>& mappings, uint64_t root) {
  std::vector<Mapping> identity = mappings;
  for (Mapping& m : identity) m.host = m.guest;
  return BuildPageTables(paging::Format::kNpt, std::move(identity), root);
}

// Places each PV domain's start block at the top of its lowest writable RAM region, clear of
// its image's segments.
absl::Status PlanStart(const policy::System& s, Plan* p) {
  p->start.assign(s.domains.size(), {});
  for (uint32_t d = 0; d < s.domains.size(); ++d) {
    const policy::Domain& dom = s.domains[d];
    if (dom.type != policy::DomainType::kPv) continue;
    absl::StatusOr<PageTables> pt = GuestPageTables(p->mappings[d], 0);
    if (!pt.ok()) return absl::InvalidArgumentError(absl::StrCat("domain `", dom.name, "`: ", pt.status().message()));
    if (DomainRanges(s, d).size() > start::kMaxRegions) {
      return absl::InvalidArgumentError(absl::StrFormat("domain `%s` has more than %d memory regions, channel ends and MMIO ranges: "
                                                        "the start info lists at most that many",
                                                        dom.name, start::kMaxRegions));
    }
    StartPlan& sp = p->start[d];
    sp.pages = 1 + pt->bytes.size() / paging::kPageSize;
    const uint64_t need = sp.pages * paging::kPageSize;
    const policy::Region* home = nullptr;
    for (uint32_t r : dom.regions) {
      const policy::Region& reg = s.regions[r];
      if (reg.host.size >= need && (reg.perms & policy::kWrite) && (!home || reg.guest < home->guest)) home = &reg;
    }
    if (!home) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "PV domain `%s` has no writable memory region of at least %d KiB for its start block (start info and page tables); "
          "give it one",
          dom.name, need >> 10));
    }
    sp.guest = home->guest + home->host.size - need;
    sp.host = home->host.base + home->host.size - need;
    for (const tables::SegmentRecord& seg : p->segments) {
      if (p->order[seg.domain] != d || seg.guest >= sp.guest + need || sp.guest >= seg.guest + seg.mem_size) continue;
      return absl::InvalidArgumentError(absl::StrFormat(
          "domain `%s`, image \"%s\": a segment at guest-physical %#x (%d bytes) overlaps the start block at [%#x, %#x), the top %d KiB "
          "of memory `%s`; link the image lower or give the region more memory",
          dom.name, dom.image, seg.guest, seg.mem_size, sp.guest, sp.guest + need, need >> 10, home->name));
    }
  }
  return absl::OkStatus();
}

// The bytes of a PV domain's start block, for canonical position `c`.
absl::StatusOr<std::vector<uint8_t>> StartBlock(const policy::System& s, const Plan& p, uint32_t c) {
  const uint32_t d = p.order[c];
  const StartPlan& sp = p.start[d];
  std::vector<uint8_t> block(sp.pages * paging::kPageSize, 0);
  start::StartInfo info{};
  std::memcpy(info.magic, start::kMagic, sizeof(info.magic));
  info.abi_version = kAbiVersion;
  info.domain = c;
  PutName(info.name, s.domains[d].name);
  info.start_guest = sp.guest;
  info.page_table_root = sp.guest + paging::kPageSize;
  info.block_pages = sp.pages;
  const std::vector<DomainRange> ranges = DomainRanges(s, d);
  info.region_count = static_cast<uint32_t>(ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    start::Region& r = info.regions[i];
    r.guest = ranges[i].map.guest;
    r.size = ranges[i].map.size;
    r.access = ranges[i].map.access;
    r.kind = ranges[i].kind;
    r.channel = ranges[i].channel;
    PutName(r.name, ranges[i].name);
  }
  for (const tables::ControlRight& right : p.rights) {
    if (right.holder != c) continue;
    if (info.control_count == start::kMaxControls) {
      return absl::InvalidArgumentError(absl::StrFormat("domain `%s` controls more than %d domains: the start info lists at most that many",
                                                        s.domains[d].name, start::kMaxControls));
    }
    start::Control& ctl = info.controls[info.control_count++];
    ctl.target = right.target;
    ctl.rights = right.rights;
    PutName(ctl.name, s.domains[p.order[right.target]].name);
  }
  std::memcpy(block.data(), &info, sizeof(info));
  absl::StatusOr<PageTables> pt = GuestPageTables(p.mappings[d], info.page_table_root);
  if (!pt.ok()) return pt.status();
  std::memcpy(block.data() + paging::kPageSize, pt->bytes.data(), pt->bytes.size());
  return block;
}

absl::Status PlanSegments(const policy::System& s, const std::vector<Image>& images, Plan* p) {
  for (uint32_t c = 0; c < p->order.size(); ++c) {
    const uint32_t d = p->order[c];
    const Image& image = images[d];
    for (size_t i = 0; i < image.segments.size(); ++i) {
      const Segment& seg = image.segments[i];
      const std::string where = absl::StrFormat("domain `%s`, image \"%s\", segment %d (guest-physical %#x, %d bytes)",
                                                s.domains[d].name, s.domains[d].image, i, seg.guest, seg.mem_size);
      const uint32_t r = RegionHolding(s, d, seg.guest, seg.mem_size);
      if (r == policy::kNoIndex) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, " does not lie inside one memory region of the domain; link the image at an address its memory covers"));
      }
      const policy::Region& reg = s.regions[r];
      if ((seg.access & ~reg.perms) & (policy::kRead | policy::kWrite | policy::kExec)) {
        return absl::InvalidArgumentError(absl::StrCat(where, " needs ", policy::PermString(seg.access), " but memory `",
                                                       s.RegionName(r), "` grants ", policy::PermString(reg.perms),
                                                       "; widen the region's permissions or relink the image"));
      }
      tables::SegmentRecord rec{};
      rec.domain = c;
      rec.access = seg.access;
      rec.guest = seg.guest;
      rec.host = reg.host.base + (seg.guest - reg.guest);
      rec.file_offset = seg.file_offset;
      rec.file_size = seg.file_size;
      rec.mem_size = seg.mem_size;
      p->segments.push_back(rec);
    }
  }
  return absl::OkStatus();
}

// The device table: every device by name, its owner, PCI address and flags, and its resources
// (ports, MMIO, IRQs) grouped by device, each group sorted by kind and base.
struct DeviceTable {
  std::vector<tables::DeviceRecord> records;
  std::vector<tables::DeviceResource> resources;
};

DeviceTable MakeDeviceTable(const policy::System& s, const Plan& p) {
  std::vector<uint32_t> order(s.devices.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return s.devices[a].name < s.devices[b].name; });
  DeviceTable t;
  for (uint32_t i = 0; i < order.size(); ++i) {
    const policy::Device& dev = s.devices[order[i]];
    tables::DeviceRecord r{};
    PutName(r.name, dev.name);
    r.owner = dev.owner.kind == policy::Owner::Kind::kKernel   ? tables::kKernelOwner
              : dev.owner.kind == policy::Owner::Kind::kDomain ? p.rank[dev.owner.domain]
                                                               : tables::kNoDomain;
    r.flags = (dev.pci ? tables::kDevicePci : 0) | (dev.dma ? tables::kDeviceDma : 0);
    r.pci = dev.pci ? dev.pci->Packed() : 0;
    r.resource_first = static_cast<uint32_t>(t.resources.size());
    std::vector<tables::DeviceResource> mine;
    for (const policy::PortRange& pr : dev.ports) mine.push_back({i, tables::kResourceIo, pr.first, uint64_t{pr.last} - pr.first + 1});
    for (const policy::Mmio& m : dev.mmio) mine.push_back({i, tables::kResourceMmio, m.range.base, m.range.size});
    for (const policy::Irq& irq : dev.irqs) mine.push_back({i, tables::kResourceIrq, irq.number, 1});
    std::sort(mine.begin(), mine.end(), [](const tables::DeviceResource& a, const tables::DeviceResource& b) {
      return std::pair{a.kind, a.base} < std::pair{b.kind, b.base};
    });
    t.resources.insert(t.resources.end(), mine.begin(), mine.end());
    r.resource_count = static_cast<uint32_t>(mine.size());
    t.records.push_back(r);
  }
  return t;
}

absl::StatusOr<Plan> MakePlan(const policy::System& s, const std::vector<Image>* images) {
  Plan p;
  p.order = CanonicalOrder(s);
  p.rank.assign(s.domains.size(), 0);
  for (uint32_t c = 0; c < p.order.size(); ++c) p.rank[p.order[c]] = c;
  // Control rights: one entry per (holder, target), rights merged.
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> rights;
  for (const policy::ControlGrant& g : s.grants) {
    if (g.holder >= s.domains.size() || g.target >= s.domains.size()) {
      return absl::InvalidArgumentError("a control line names the kernel or an unknown domain (the front end rejects this)");
    }
    if (g.rights) rights[{p.rank[g.holder], p.rank[g.target]}] |= g.rights;
  }
  for (const auto& [key, bits] : rights) p.rights.push_back({key.first, key.second, bits, 0});
  // IRQ routes: every IRQ of an owned device.
  for (const policy::Device& dev : s.devices) {
    uint32_t owner, cpu;
    if (dev.owner.kind == policy::Owner::Kind::kKernel) {
      owner = tables::kKernelOwner;
      cpu = 0;
    } else if (dev.owner.kind == policy::Owner::Kind::kDomain) {
      owner = p.rank[dev.owner.domain];
      cpu = s.domains[dev.owner.domain].cpus.empty() ? 0 : s.domains[dev.owner.domain].cpus.front();
    } else {
      continue;
    }
    for (const policy::Irq& irq : dev.irqs) {
      if (owner != tables::kKernelOwner && irq.number > hypercall::kMaxGuestIrq) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "device `%s`: IRQ %d cannot be delivered to its owner `%s`: a domain receives IRQ n as vector %#x + n, so IRQs above %d "
            "have no vector; give the device an IRQ of at most %d",
            dev.name, irq.number, s.domains[dev.owner.domain].name, hypercall::kGuestIrqVectorBase, hypercall::kMaxGuestIrq,
            hypercall::kMaxGuestIrq));
      }
      p.routes.push_back({irq.number, owner, 0, cpu});
    }
  }
  std::sort(p.routes.begin(), p.routes.end(), [](const tables::IrqRoute& a, const tables::IrqRoute& b) { return a.irq < b.irq; });
  // Vectors are per CPU (each CPU has its own IDT): the n-th route to a CPU, in IRQ order,
  // gets vector 0x30 + n.
  std::map<uint32_t, uint32_t> used;  // cpu -> routes so far
  for (tables::IrqRoute& rt : p.routes) {
    const uint32_t n = used[rt.cpu]++;
    if (n > tables::kLastIrqVector - tables::kFirstIrqVector) {
      return absl::ResourceExhaustedError(absl::StrFormat("more than %d IRQs are routed to CPU %d: spread their owners over more CPUs",
                                                          tables::kLastIrqVector - tables::kFirstIrqVector + 1, rt.cpu));
    }
    rt.vector = tables::kFirstIrqVector + n;
  }
  if (images) {
    absl::Status st = PlanSegments(s, *images, &p);
    if (!st.ok()) return st;
  }
  p.mappings.resize(s.domains.size());
  for (uint32_t d = 0; d < s.domains.size(); ++d) p.mappings[d] = DomainMappings(s, d);
  absl::Status started = PlanStart(s, &p);
  if (!started.ok()) return started;
  for (const policy::Device& dev : s.devices) {
    if (!dev.dma || !dev.pci || dev.owner.kind != policy::Owner::Kind::kDomain) continue;
    DmaDevice dma;
    dma.id = static_cast<uint16_t>(dev.pci->Packed());
    dma.domain_id = static_cast<uint16_t>(p.rank[dev.owner.domain] + 1);
    dma.mappings = DomainMappings(s, dev.owner.domain, /*with_mmio=*/false);
    for (Mapping& m : dma.mappings) m.access &= paging::kRead | paging::kWrite;
    p.dma.push_back(std::move(dma));
  }
  std::sort(p.dma.begin(), p.dma.end(), [](const DmaDevice& a, const DmaDevice& b) { return a.id < b.id; });
  return p;
}

}  // namespace

std::vector<DomainRange> DomainRanges(const policy::System& s, uint32_t d, bool with_mmio) {
  std::vector<DomainRange> out;
  for (uint32_t r : s.domains[d].regions) {
    const policy::Region& reg = s.regions[r];
    if (reg.host.size) out.push_back({{reg.guest, reg.host.base, reg.host.size, reg.perms}, start::kRam, kNoChannel, reg.name});
  }
  const std::vector<uint32_t> channels = ChannelOrder(s);
  for (uint32_t i = 0; i < channels.size(); ++i) {
    const policy::Channel& c = s.channels[channels[i]];
    for (const policy::ChannelEnd* e : {&c.writer, &c.reader}) {
      if (e->domain != d || !c.host.size) continue;
      out.push_back({{e->guest, c.host.base, c.host.size, e->perms}, e == &c.writer ? start::kChannelWriter : start::kChannelReader, i, c.name});
    }
  }
  if (with_mmio) {
    for (uint32_t dev : s.domains[d].devices) {
      if (!Owns(s, dev, d)) continue;
      for (const policy::Mmio& m : s.devices[dev].mmio) {
        out.push_back({{m.range.base, m.range.base, m.range.size, paging::kRead | paging::kWrite}, start::kMmio, kNoChannel, s.devices[dev].name});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const DomainRange& a, const DomainRange& b) { return a.map.guest < b.map.guest; });
  return out;
}

std::vector<Mapping> DomainMappings(const policy::System& s, uint32_t d, bool with_mmio) {
  std::vector<Mapping> out;
  for (const DomainRange& r : DomainRanges(s, d, with_mmio)) out.push_back(r.map);
  return out;
}

std::vector<uint32_t> ChannelOrder(const policy::System& s) {
  std::vector<uint32_t> order(s.channels.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return s.channels[a].name < s.channels[b].name; });
  return order;
}

std::vector<uint32_t> CanonicalOrder(const policy::System& s) {
  std::vector<uint32_t> order(s.domains.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return s.domains[a].name < s.domains[b].name; });
  return order;
}

uint64_t RawLoadAddress(const policy::System& s, uint32_t d) {
  uint64_t lowest = 0;
  bool any = false;
  for (uint32_t r : s.domains[d].regions) {
    if (!s.regions[r].host.size) continue;
    if (!any || s.regions[r].guest < lowest) lowest = s.regions[r].guest;
    any = true;
  }
  return lowest;
}

absl::StatusOr<std::vector<Image>> ReadImages(const policy::System& s) {
  std::vector<Image> images;
  for (uint32_t d = 0; d < s.domains.size(); ++d) {
    absl::StatusOr<Image> image = ReadImageFile(s.domains[d].image_path, RawLoadAddress(s, d));
    if (!image.ok()) {
      return absl::Status(image.status().code(), absl::StrFormat("domain `%s`, image \"%s\": %s", s.domains[d].name,
                                                                 s.domains[d].image, image.status().message()));
    }
    images.push_back(*std::move(image));
  }
  return images;
}

absl::StatusOr<std::vector<uint8_t>> CompileTables(const policy::System& s, const std::vector<Image>* images) {
  const size_t n = s.domains.size();
  if (images && images->size() != n) return absl::InvalidArgumentError("one image per domain is needed");
  absl::StatusOr<Plan> planned = MakePlan(s, images);
  if (!planned.ok()) return planned.status();
  const Plan& p = *planned;
  // Sizing pass: table sizes do not depend on where the tables are placed.
  uint64_t table_bytes = 0;
  for (uint32_t d = 0; d < n; ++d) {
    for (paging::Format f : {paging::Format::kNpt, paging::Format::kEpt}) {
      absl::StatusOr<PageTables> t = BuildPageTables(f, p.mappings[d], 0);
      if (!t.ok()) return absl::InvalidArgumentError(absl::StrCat("domain `", s.domains[d].name, "`: ", t.status().message()));
      table_bytes += t->bytes.size();
    }
  }
  absl::StatusOr<IommuTables> iommu_size = BuildIommuTables(p.dma, 0, 0);
  if (!iommu_size.ok()) return iommu_size.status();
  const uint64_t amdvi_bytes = iommu_size->amdvi.size();
  // I/O and MSR bitmaps: one set per distinct list of owned ports (the hardware only reads
  // them, so domains that own the same ports — most own none — share one set).
  const uint64_t bitmap_set_bytes = io_bitmaps::kSvmIopmBytes + io_bitmaps::kSvmMsrpmBytes + io_bitmaps::kVmxIoBitmapBytes +
                                    io_bitmaps::kVmxMsrBitmapBytes;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> ports(n);
  std::map<std::vector<std::pair<uint32_t, uint32_t>>, uint64_t> bitmap_sets;  // ports -> offset in the section
  for (uint32_t c = 0; c < n; ++c) {
    const uint32_t d = p.order[c];
    for (uint32_t dev : s.domains[d].devices) {
      if (!Owns(s, dev, d)) continue;
      for (const policy::PortRange& pr : s.devices[dev].ports) ports[d].push_back({pr.first, pr.last});
    }
    std::sort(ports[d].begin(), ports[d].end());
    bitmap_sets.emplace(ports[d], 0);
  }
  uint64_t start_bytes = 0;
  for (const StartPlan& sp : p.start) start_bytes += sp.pages * paging::kPageSize;
  uint32_t plan_slots = 0;
  for (const policy::CpuPlan& plan : s.schedule.plans) plan_slots += plan.slots.size();
  const DeviceTable devices = MakeDeviceTable(s, p);

  // The layout does not depend on where the blob goes: lay it out once to learn its size, then
  // place it at the top of kernel memory, leaving everything between the kernel image and the
  // blob to the boot modules (GRUB loads them right after the kernel image).
  using K = tables::SectionKind;
  struct Sections {
    size_t sys, rec, rights, chans, irqs, sched, segs, pt, bm, io, st, devs, res;
  };
  auto lay_out = [&](BlobWriter& w) {
    Sections x;
    x.sys = w.AddSection(K::kSystem, sizeof(tables::SystemRecord));
    x.rec = w.AddSection(K::kDomains, n * sizeof(tables::DomainRecord));
    x.rights = w.AddSection(K::kRights, p.rights.size() * sizeof(tables::ControlRight));
    x.chans = w.AddSection(K::kChannels, s.channels.size() * sizeof(tables::ChannelRecord));
    x.irqs = w.AddSection(K::kIrqRoutes, p.routes.size() * sizeof(tables::IrqRoute));
    x.sched = w.AddSection(K::kSchedule, sizeof(tables::ScheduleHeader) + s.schedule.plans.size() * sizeof(tables::CpuPlan) +
                                             plan_slots * sizeof(tables::SlotRecord));
    x.segs = w.AddSection(K::kSegments, p.segments.size() * sizeof(tables::SegmentRecord));
    x.pt = w.AddSection(K::kPageTables, table_bytes, 4096);
    x.bm = w.AddSection(K::kIoBitmaps, bitmap_sets.size() * bitmap_set_bytes, 4096);
    x.io = w.AddSection(K::kIommu, amdvi_bytes + iommu_size->vtd.size(), 4096);
    x.st = w.AddSection(K::kStartState, start_bytes, 4096);
    x.devs = w.AddSection(K::kDevices, devices.records.size() * sizeof(tables::DeviceRecord));
    x.res = w.AddSection(K::kDeviceResources, devices.resources.size() * sizeof(tables::DeviceResource));
    return x;
  };
  BlobWriter dry(0, 13);
  lay_out(dry);
  const uint64_t kernel_end = s.kernel.memory.base + s.kernel.memory.size;
  const uint64_t room = s.kernel.memory.size - std::min(s.kernel.memory.size, kKernelImageRoom);
  if (dry.size() > room) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "the tables blob (%d bytes) does not fit in kernel memory after its first 2 MiB (%d bytes): give the kernel more memory",
        dry.size(), room));
  }
  BlobWriter w((kernel_end - dry.size()) & ~uint64_t{paging::kPageSize - 1}, 13);
  const auto [sys, rec, rights, chans, irqs, sched, segs, pt, bm, io, st, devs, res] = lay_out(w);
  for (size_t i = 0; i < devices.records.size(); ++i) Put(w.Data(devs), i, devices.records[i]);
  for (size_t i = 0; i < devices.resources.size(); ++i) Put(w.Data(res), i, devices.resources[i]);

  // IOMMU structures at their final addresses.
  absl::StatusOr<IommuTables> iommu = BuildIommuTables(p.dma, w.PhysicalAddress(io), w.PhysicalAddress(io) + amdvi_bytes);
  if (!iommu.ok()) return iommu.status();
  std::memcpy(w.Data(io).data(), iommu->amdvi.data(), iommu->amdvi.size());
  std::memcpy(w.Data(io).data() + amdvi_bytes, iommu->vtd.data(), iommu->vtd.size());

  tables::SystemRecord sr{};
  PutName(sr.name, s.name);
  sr.cpus = s.platform.cpus;
  sr.iommu = s.platform.iommu == policy::Iommu::kAmdVi ? tables::kIommuAmdVi
             : s.platform.iommu == policy::Iommu::kVtd ? tables::kIommuVtd
                                                       : tables::kIommuNone;
  sr.flags = images ? 0 : tables::kSystemNoImages;
  sr.domain_count = static_cast<uint32_t>(n);
  sr.kernel_base = s.kernel.memory.base;
  sr.kernel_size = s.kernel.memory.size;
  sr.amdvi_device_table = iommu->amdvi_device_table;
  sr.amdvi_device_table_pages = iommu->amdvi_device_table_pages;
  sr.vtd_root_table = iommu->vtd_root;
  Put(w.Data(sys), 0, sr);

  for (size_t i = 0; i < p.rights.size(); ++i) Put(w.Data(rights), i, p.rights[i]);
  for (size_t i = 0; i < p.routes.size(); ++i) Put(w.Data(irqs), i, p.routes[i]);
  for (size_t i = 0; i < p.segments.size(); ++i) Put(w.Data(segs), i, p.segments[i]);

  const std::vector<uint32_t> channel_order = ChannelOrder(s);
  for (size_t i = 0; i < channel_order.size(); ++i) {
    const policy::Channel& c = s.channels[channel_order[i]];
    tables::ChannelRecord cr{};
    PutName(cr.name, c.name);
    cr.writer = p.rank[c.writer.domain];
    cr.reader = p.rank[c.reader.domain];
    cr.host = c.host.base;
    cr.size = c.host.size;
    cr.writer_guest = c.writer.guest;
    cr.reader_guest = c.reader.guest;
    cr.flags = c.notify ? tables::kChannelNotify : 0;
    Put(w.Data(chans), i, cr);
  }

  tables::ScheduleHeader sh{};
  sh.tick_ns = tables::kTickNs;
  sh.major_ticks = s.schedule.major_micros;  // 1 tick = 1 µs
  sh.plan_count = static_cast<uint32_t>(s.schedule.plans.size());
  sh.slot_count = plan_slots;
  std::memcpy(w.Data(sched).data(), &sh, sizeof(sh));
  const size_t plans_at = sizeof(sh), slots_at = plans_at + s.schedule.plans.size() * sizeof(tables::CpuPlan);
  uint32_t slot = 0;
  for (size_t i = 0; i < s.schedule.plans.size(); ++i) {
    const policy::CpuPlan& plan = s.schedule.plans[i];
    const tables::CpuPlan cp{plan.cpu, slot, static_cast<uint32_t>(plan.slots.size()), 0};
    std::memcpy(w.Data(sched).data() + plans_at + i * sizeof(cp), &cp, sizeof(cp));
    for (const policy::Slot& sl : plan.slots) {
      const tables::SlotRecord sr2{sl.domain == policy::kNoIndex ? tables::kNoDomain : p.rank[sl.domain], 0, sl.micros};
      std::memcpy(w.Data(sched).data() + slots_at + slot * sizeof(sr2), &sr2, sizeof(sr2));
      ++slot;
    }
  }

  uint64_t pt_at = 0, bm_at = 0, st_at = 0;
  uint32_t right_at = 0, segment_at = 0;
  for (uint32_t c = 0; c < n; ++c) {
    const uint32_t d = p.order[c];
    const policy::Domain& dom = s.domains[d];
    tables::DomainRecord r{};
    PutName(r.name, dom.name);
    r.index = c;
    r.type = dom.type == policy::DomainType::kPv ? tables::kPv : tables::kHvm;
    r.on_fault = dom.on_fault == policy::FaultAction::kStop ? tables::kStop : tables::kRestart;
    r.boot = dom.boot ? 1 : 0;
    for (uint32_t cpu : dom.cpus) r.cpu_mask[cpu / 64] |= uint64_t{1} << (cpu % 64);
    for (paging::Format f : {paging::Format::kNpt, paging::Format::kEpt}) {
      const uint64_t base = w.PhysicalAddress(pt) + pt_at;
      absl::StatusOr<PageTables> t = BuildPageTables(f, p.mappings[d], base);
      if (!t.ok()) return t.status();
      std::memcpy(w.Data(pt).data() + pt_at, t->bytes.data(), t->bytes.size());
      (f == paging::Format::kNpt ? r.npt_root : r.ept_root) = base;
      pt_at += t->bytes.size();
    }
    uint64_t& set_at = bitmap_sets[ports[d]];
    if (set_at == 0) {  // first user of this set: write it (offset + 1 recorded, 0 = not yet)
      set_at = bm_at + 1;
      const IoBitmaps b = BuildIoBitmaps(ports[d]);
      for (const std::vector<uint8_t>* part : {&b.svm_iopm, &b.svm_msrpm, &b.vmx_io, &b.vmx_msr}) {
        std::memcpy(w.Data(bm).data() + bm_at, part->data(), part->size());
        bm_at += part->size();
      }
    }
    // Every part is a multiple of 4 KiB: all page aligned.
    r.svm_iopm = w.PhysicalAddress(bm) + set_at - 1;
    r.svm_msrpm = r.svm_iopm + io_bitmaps::kSvmIopmBytes;
    r.vmx_io_bitmaps = r.svm_msrpm + io_bitmaps::kSvmMsrpmBytes;
    r.vmx_msr_bitmap = r.vmx_io_bitmaps + io_bitmaps::kVmxIoBitmapBytes;
    r.hypercalls = dom.hypercalls;
    r.rights_first = right_at;
    while (right_at < p.rights.size() && p.rights[right_at].holder == c) ++right_at;
    r.rights_count = right_at - r.rights_first;
    r.segment_first = segment_at;
    while (segment_at < p.segments.size() && p.segments[segment_at].domain == c) ++segment_at;
    r.segment_count = segment_at - r.segment_first;
    if (images) {
      const Image& image = (*images)[d];
      r.image_kind = image.kind == Image::Kind::kElf64 ? tables::kElf64 : image.kind == Image::Kind::kElf32 ? tables::kElf32 : tables::kRawImage;
      r.entry = image.entry;
      r.image_size = image.size;
      std::memcpy(r.image_sha256, image.sha256, sizeof(r.image_sha256));
    }
    if (p.start[d].pages) {
      absl::StatusOr<std::vector<uint8_t>> block = StartBlock(s, p, c);
      if (!block.ok()) return block.status();
      std::memcpy(w.Data(st).data() + st_at, block->data(), block->size());
      r.start_block = w.PhysicalAddress(st) + st_at;
      r.start_guest = p.start[d].guest;
      r.start_host = p.start[d].host;
      r.start_pages = p.start[d].pages;
      st_at += block->size();
    }
    Put(w.Data(rec), c, r);
  }
  return w.Finish();
}

}  // namespace septum::compiler
