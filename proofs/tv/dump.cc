// proofs/tv/dump.cc — see dump.h.
#include "proofs/tv/dump.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/io_bitmaps.h"
#include "kernel/abi/start_info.h"
#include "kernel/abi/tables.h"
#include "proofs/tv/blob_reader.h"
#include "proofs/tv/io_decode.h"
#include "proofs/tv/iommu_decode.h"

namespace septum::tv {
namespace {

std::string Text(const uint8_t* field, size_t n) {
  return std::string(reinterpret_cast<const char*>(field), strnlen(reinterpret_cast<const char*>(field), n));
}

std::string Hex(const uint8_t* bytes, size_t n) {
  std::string o;
  for (size_t i = 0; i < n; ++i) absl::StrAppendFormat(&o, "%02x", bytes[i]);
  return o;
}

std::string Bits(uint32_t set, std::initializer_list<const char*> names) {
  std::string o;
  unsigned b = 0;
  for (const char* n : names) {
    if ((set >> b++) & 1) absl::StrAppend(&o, o.empty() ? "" : ", ", n);
  }
  if (set >> names.size()) absl::StrAppendFormat(&o, "%sunknown bits %#x", o.empty() ? "" : ", ", set >> names.size() << names.size());
  return o.empty() ? "none" : o;
}

class Dumper {
 public:
  explicit Dumper(const BlobReader& r) : r_(r) {}

  std::string Run() {
    const tables::BlobHeader& h = r_.header();
    absl::StrAppendFormat(&o_, "tables blob: %d bytes, format %d, load address %#x, sha256 %s\n", h.total_size, h.version, h.load_address,
                          Hex(h.sha256, 32));
    absl::StrAppend(&o_, "sections:\n");
    for (const tables::SectionEntry& s : r_.view().sections) {
      absl::StrAppendFormat(&o_, "  %-12s at %#x, %d bytes\n", SectionName(static_cast<tables::SectionKind>(s.kind)), h.load_address + s.offset,
                            s.size);
    }
    System();
    Domains();
    Channels();
    Devices();
    Irqs();
    Schedule();
    Iommu();
    return o_;
  }

 private:
  template <typename T>
  std::vector<T> Get(tables::SectionKind kind) {
    absl::StatusOr<std::vector<T>> v = r_.Records<T>(kind);
    if (!v.ok()) {
      absl::StrAppend(&o_, "(", v.status().message(), ")\n");
      return {};
    }
    return *std::move(v);
  }

  std::string DomainName(uint32_t i) {
    if (i == tables::kKernelOwner) return "kernel";
    if (i == tables::kNoDomain) return "idle";
    return i < names_.size() ? names_[i] : absl::StrCat("#", i, "?");
  }

  void System() {
    const std::vector<tables::SystemRecord> sys = Get<tables::SystemRecord>(tables::SectionKind::kSystem);
    if (sys.size() != 1) return;
    sys_ = sys[0];
    static const char* kIommu[] = {"none", "amd-vi", "vt-d"};
    absl::StrAppendFormat(&o_, "system `%s`: %d cpus, iommu %s, kernel memory %#x..%#x, %d domains%s\n", Text(sys_.name, 32), sys_.cpus,
                          sys_.iommu < 3 ? kIommu[sys_.iommu] : "?", sys_.kernel_base, sys_.kernel_base + sys_.kernel_size - 1, sys_.domain_count,
                          (sys_.flags & tables::kSystemNoImages) ? ", built without images (not bootable)" : "");
  }

  void Domains() {
    const std::vector<tables::DomainRecord> doms = Get<tables::DomainRecord>(tables::SectionKind::kDomains);
    const std::vector<tables::ControlRight> rights = Get<tables::ControlRight>(tables::SectionKind::kRights);
    const std::vector<tables::SegmentRecord> segs = Get<tables::SegmentRecord>(tables::SectionKind::kSegments);
    for (const tables::DomainRecord& d : doms) names_.push_back(Text(d.name, 32));
    for (const tables::DomainRecord& r : doms) {
      std::string cpus;
      for (unsigned c = 0; c < 256; ++c) {
        if ((r.cpu_mask[c / 64] >> (c % 64)) & 1) absl::StrAppend(&cpus, cpus.empty() ? "" : ",", c);
      }
      absl::StrAppendFormat(&o_, "domain %d `%s`: %s, cpus %s, boot %s, on fault %s\n", r.index, Text(r.name, 32),
                            r.type == tables::kPv ? "pv" : r.type == tables::kHvm ? "hvm" : "?", cpus.empty() ? "none" : cpus,
                            r.boot ? "yes" : "no", r.on_fault == tables::kStop ? "stop" : r.on_fault == tables::kRestart ? "restart" : "?");
      absl::StrAppend(&o_, "  hypercalls: ", Bits(r.hypercalls, {"console", "yield", "time", "channel", "control"}), "\n");
      for (uint64_t i = r.rights_first; i < uint64_t{r.rights_first} + r.rights_count && i < rights.size(); ++i) {
        absl::StrAppendFormat(&o_, "  control %s: %s\n", DomainName(rights[i].target),
                              Bits(rights[i].rights, {"start", "stop", "pause", "resume", "query"}));
      }
      static const char* kKinds[] = {"none", "elf64", "elf32", "raw"};
      if (r.image_kind == tables::kNoImage) {
        absl::StrAppend(&o_, "  image: none\n");
      } else {
        absl::StrAppendFormat(&o_, "  image: %s, %d bytes, sha256 %s, entry %#x\n", r.image_kind < 4 ? kKinds[r.image_kind] : "?", r.image_size,
                              Hex(r.image_sha256, 32), r.entry);
      }
      for (uint64_t i = r.segment_first; i < uint64_t{r.segment_first} + r.segment_count && i < segs.size(); ++i) {
        const tables::SegmentRecord& s = segs[i];
        absl::StrAppendFormat(&o_, "    segment gpa 0x%010x..0x%010x -> hpa 0x%010x %s, file %#x+%#x\n", s.guest, s.guest + s.mem_size - 1, s.host,
                              AccessText(static_cast<uint8_t>(s.access)), s.file_offset, s.file_size);
      }
      for (auto [name, format, root] : {std::tuple{"npt", paging::Format::kNpt, r.npt_root}, std::tuple{"ept", paging::Format::kEpt, r.ept_root}}) {
        absl::StatusOr<Walk> w = r_.WalkTables(format, root);
        if (!w.ok()) {
          absl::StrAppendFormat(&o_, "  %s root %#x: %s\n", name, root, w.status().message());
          continue;
        }
        absl::StrAppendFormat(&o_, "  %s root %#x, %d table pages:\n", name, root, w->table_pages.size());
        Runs(w->runs, "    ");
      }
      if (r.start_pages) StartBlock(r);
      for (auto [what, phys, size, svm] : {std::tuple{"svm iopm", r.svm_iopm, io_bitmaps::kSvmIopmBytes, true},
                                           std::tuple{"vmx i/o bitmaps", r.vmx_io_bitmaps, io_bitmaps::kVmxIoBitmapBytes, false}}) {
        std::string ports;
        for (const PassRange& p : PassingPorts(r_.At(phys, size), svm)) absl::StrAppendFormat(&ports, "%s%#x..%#x", ports.empty() ? "" : ", ", p.first, p.last);
        absl::StrAppendFormat(&o_, "  ports passing (%s at %#x): %s\n", what, phys, ports.empty() ? "none" : ports);
      }
      for (auto [what, phys, size, svm] : {std::tuple{"svm msrpm", r.svm_msrpm, io_bitmaps::kSvmMsrpmBytes, true},
                                           std::tuple{"vmx msr bitmap", r.vmx_msr_bitmap, io_bitmaps::kVmxMsrBitmapBytes, false}}) {
        std::string msrs;
        for (const PassRange& p : PassingMsrs(r_.At(phys, size), svm)) {
          absl::StrAppendFormat(&msrs, "%s%#x", msrs.empty() ? "" : ", ", p.first);
          if (p.last != p.first) absl::StrAppendFormat(&msrs, "..%#x", p.last);
          absl::StrAppend(&msrs, p.access == 3 ? " rw" : p.access == 1 ? " r" : " w");
        }
        absl::StrAppendFormat(&o_, "  MSRs passing (%s at %#x): %s\n", what, phys, msrs.empty() ? "none" : msrs);
      }
    }
  }

  // A PV domain's start block: the start info and the guest page tables' identity map.
  void StartBlock(const tables::DomainRecord& r) {
    absl::StrAppendFormat(&o_, "  start block: %d pages at %#x, copied to gpa %#x (hpa %#x)\n", r.start_pages, r.start_block, r.start_guest,
                          r.start_host);
    const absl::Span<const uint8_t> block = r_.At(r.start_block, r.start_pages * paging::kPageSize);
    if (block.size() < sizeof(start::StartInfo)) {
      absl::StrAppend(&o_, "    (outside the blob)\n");
      return;
    }
    start::StartInfo info;
    std::memcpy(&info, block.data(), sizeof(info));
    static const char* kKinds[] = {"?", "ram", "channel-writer", "channel-reader", "mmio"};
    absl::StrAppendFormat(&o_, "    start info: abi %d, domain %d `%s`, cr3 %#x, %d regions\n", info.abi_version, info.domain, Text(info.name, 32),
                          info.page_table_root, info.region_count);
    for (uint32_t i = 0; i < info.region_count && i < start::kMaxRegions; ++i) {
      const start::Region& g = info.regions[i];
      absl::StrAppendFormat(&o_, "      gpa 0x%010x..0x%010x %s %s `%s`\n", g.guest, g.guest + g.size - 1, AccessText(g.access),
                            g.kind < 5 ? kKinds[g.kind] : "?", Text(g.name, 32));
    }
    for (uint32_t i = 0; i < info.control_count && i < start::kMaxControls; ++i) {
      const start::Control& c = info.controls[i];
      absl::StrAppendFormat(&o_, "      control domain %d `%s`: %s\n", c.target, Text(c.name, 32),
                            Bits(c.rights, {"start", "stop", "pause", "resume", "query"}));
    }
    absl::StatusOr<Walk> w = WalkToRuns(paging::Format::kNpt, block.subspan(paging::kPageSize), info.page_table_root);
    if (!w.ok()) {
      absl::StrAppendFormat(&o_, "    guest page tables: %s\n", w.status().message());
      return;
    }
    absl::StrAppendFormat(&o_, "    guest page tables, %d pages:\n", w->table_pages.size());
    for (const tv::Run& run : w->runs) {
      absl::StrAppendFormat(&o_, "      gva 0x%010x..0x%010x -> gpa 0x%010x %s\n", run.guest, run.guest + run.size - 1, run.host, AccessText(run.access));
    }
  }

  // `from`: what the runs translate ("gpa" for a domain, "iova" for a device's DMA addresses).
  void Runs(const std::vector<tv::Run>& runs, const char* indent, const char* from = "gpa") {
    if (runs.empty()) absl::StrAppend(&o_, indent, "nothing mapped\n");
    for (const tv::Run& run : runs) {
      absl::StrAppendFormat(&o_, "%s%s 0x%010x..0x%010x -> hpa 0x%010x %s\n", indent, from, run.guest, run.guest + run.size - 1, run.host,
                            AccessText(run.access));
    }
  }

  void Channels() {
    for (const tables::ChannelRecord& c : Get<tables::ChannelRecord>(tables::SectionKind::kChannels)) {
      absl::StrAppendFormat(&o_, "channel `%s`: hpa %#x, %d bytes; writer %s at gpa %#x (rw), reader %s at gpa %#x (r)%s\n", Text(c.name, 32), c.host,
                            c.size, DomainName(c.writer), c.writer_guest, DomainName(c.reader), c.reader_guest,
                            (c.flags & tables::kChannelNotify) ? ", notify" : "");
    }
  }

  void Devices() {
    const std::vector<tables::DeviceResource> res = Get<tables::DeviceResource>(tables::SectionKind::kDeviceResources);
    const std::vector<tables::DeviceRecord> devs = Get<tables::DeviceRecord>(tables::SectionKind::kDevices);
    for (size_t i = 0; i < devs.size(); ++i) {
      const tables::DeviceRecord& d = devs[i];
      absl::StrAppendFormat(&o_, "device `%s`: owner %s", Text(d.name, 32), d.owner == tables::kNoDomain ? "none" : DomainName(d.owner));
      if (d.flags & tables::kDevicePci) absl::StrAppendFormat(&o_, ", pci %s", DeviceText(static_cast<uint16_t>(d.pci)));
      if (d.flags & tables::kDeviceDma) absl::StrAppend(&o_, ", dma");
      if (d.flags & ~(tables::kDevicePci | tables::kDeviceDma)) absl::StrAppendFormat(&o_, ", unknown flags %#x", d.flags);
      if (!(d.flags & tables::kDevicePci) && d.pci) absl::StrAppendFormat(&o_, ", pci field %#x", d.pci);
      absl::StrAppendFormat(&o_, "; resources %d..%d:", d.resource_first, uint64_t{d.resource_first} + d.resource_count);
      for (uint64_t k = d.resource_first; k < uint64_t{d.resource_first} + d.resource_count && k < res.size(); ++k) {
        const tables::DeviceResource& x = res[k];
        switch (x.kind) {
          case tables::kResourceIo: absl::StrAppendFormat(&o_, " io %#x..%#x", x.base, x.base + x.size - 1); break;
          case tables::kResourceMmio: absl::StrAppendFormat(&o_, " mmio %#x..%#x", x.base, x.base + x.size - 1); break;
          case tables::kResourceIrq: absl::StrAppendFormat(&o_, " irq %d (size %d)", x.base, x.size); break;
          default: absl::StrAppendFormat(&o_, " kind %d at %#x size %#x", x.kind, x.base, x.size); break;
        }
        if (x.device != i) absl::StrAppendFormat(&o_, " (of device #%d)", x.device);
      }
      absl::StrAppend(&o_, "\n");
    }
  }

  void Irqs() {
    for (const tables::IrqRoute& r : Get<tables::IrqRoute>(tables::SectionKind::kIrqRoutes)) {
      absl::StrAppendFormat(&o_, "irq %d -> %s, vector %#x, cpu %d\n", r.irq, DomainName(r.owner), r.vector, r.cpu);
    }
  }

  void Schedule() {
    absl::StatusOr<ScheduleParts> parts = r_.Schedule();
    if (!parts.ok()) {
      absl::StrAppend(&o_, "schedule: (", parts.status().message(), ")\n");
      return;
    }
    absl::StrAppendFormat(&o_, "schedule: tick %d ns, major frame %d ticks\n", parts->header.tick_ns, parts->header.major_ticks);
    for (const tables::CpuPlan& p : parts->plans) {
      absl::StrAppendFormat(&o_, "  cpu %d:", p.cpu);
      for (uint64_t k = p.slot_first; k < uint64_t{p.slot_first} + p.slot_count && k < parts->slots.size(); ++k) {
        absl::StrAppendFormat(&o_, " %s %d", DomainName(parts->slots[k].domain), parts->slots[k].ticks);
      }
      absl::StrAppend(&o_, "\n");
    }
  }

  void Iommu() {
    const tables::SectionEntry* sec = r_.Section(tables::SectionKind::kIommu);
    if (!sec) return;
    const uint64_t base = r_.header().load_address + sec->offset;
    for (int vendor = 0; vendor < 2; ++vendor) {
      absl::StatusOr<DmaDecode> d =
          DecodeIommuSection(r_.At(base, sec->size), base, sys_, vendor == 0 ? IommuVendor::kAmdVi : IommuVendor::kVtd);
      const char* name = vendor == 0 ? "amd-vi" : "vt-d";
      if (!d.ok()) {
        absl::StrAppendFormat(&o_, "iommu %s: %s\n", name, d.status().message());
        continue;
      }
      if (vendor == 0) {
        const uint64_t pages = sys_.amdvi_device_table_pages;
        absl::StrAppendFormat(&o_, "iommu amd-vi: device table %#x, %d page%s (device IDs 0..%#x; higher IDs are aborted), %d table pages\n",
                              sys_.amdvi_device_table, pages, pages == 1 ? "" : "s", pages * 128 - 1, d->table_pages.size());
      } else {
        absl::StrAppendFormat(&o_, "iommu vt-d: root table %#x, %d table pages\n", sys_.vtd_root_table, d->table_pages.size());
      }
      for (const DmaTranslation& dev : d->translated) {
        absl::StrAppendFormat(&o_, "  device %s (domain id %d, %s), root %#x:\n", DeviceText(dev.id), dev.domain_id,
                              dev.domain_id ? DomainName(dev.domain_id - 1) : "?", dev.root);
        Runs(dev.runs, "    ", "iova");
      }
      absl::StrAppend(&o_, "  every other device ID: blocked\n");
    }
  }

  const BlobReader& r_;
  std::string o_;
  std::vector<std::string> names_;
  tables::SystemRecord sys_{};
};

}  // namespace

absl::StatusOr<std::string> DumpBlob(const std::vector<uint8_t>& blob) {
  const BlobReader reader(blob);
  if (reader.problem() != BlobProblem::kNone) {
    return absl::FailedPreconditionError(absl::StrCat("not a valid tables blob: ", BlobProblemText(reader.problem())));
  }
  return Dumper(reader).Run();
}

}  // namespace septum::tv
