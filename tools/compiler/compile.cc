// tools/compiler/compile.cc — see compile.h.
#include "tools/compiler/compile.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/io_bitmaps.h"
#include "kernel/abi/tables.h"
#include "tools/compiler/blob_writer.h"
#include "tools/compiler/io_bitmaps.h"

namespace septum::compiler {

std::vector<Mapping> DomainMappings(const policy::System& s, uint32_t d) {
  std::vector<Mapping> out;
  for (uint32_t r : s.domains[d].regions) {
    const policy::Region& reg = s.regions[r];
    if (reg.host.size) out.push_back({reg.guest, reg.host.base, reg.host.size, reg.perms});
  }
  for (const policy::Channel& c : s.channels) {
    for (const policy::ChannelEnd* e : {&c.writer, &c.reader}) {
      if (e->domain == d && c.host.size) out.push_back({e->guest, c.host.base, c.host.size, e->perms});
    }
  }
  for (uint32_t dev : s.domains[d].devices) {
    if (s.devices[dev].owner.kind != policy::Owner::Kind::kDomain || s.devices[dev].owner.domain != d) continue;
    for (const policy::Mmio& m : s.devices[dev].mmio) {
      out.push_back({m.range.base, m.range.base, m.range.size, paging::kRead | paging::kWrite});
    }
  }
  std::sort(out.begin(), out.end(), [](const Mapping& a, const Mapping& b) { return a.guest < b.guest; });
  return out;
}

absl::StatusOr<std::vector<uint8_t>> CompileTables(const policy::System& s) {
  const size_t n = s.domains.size();
  // Pass 1: table sizes (they do not depend on where the tables are placed).
  std::vector<std::vector<Mapping>> mappings(n);
  uint64_t table_bytes = 0;
  for (uint32_t d = 0; d < n; ++d) {
    mappings[d] = DomainMappings(s, d);
    for (paging::Format f : {paging::Format::kNpt, paging::Format::kEpt}) {
      absl::StatusOr<PageTables> t = BuildPageTables(f, mappings[d], 0);
      if (!t.ok()) return absl::InvalidArgumentError(absl::StrCat("domain `", s.domains[d].name, "`: ", t.status().message()));
      table_bytes += t->bytes.size();
    }
  }
  const uint64_t per_domain_bitmaps = io_bitmaps::kSvmIopmBytes + io_bitmaps::kSvmMsrpmBytes + io_bitmaps::kVmxIoBitmapBytes +
                                      io_bitmaps::kVmxMsrBitmapBytes;
  const uint64_t load = s.kernel.memory.base + kBlobOffsetInKernelMemory;
  BlobWriter w(load, 3);
  const size_t rec = w.AddSection(tables::SectionKind::kDomains, n * sizeof(tables::DomainRecord));
  const size_t pt = w.AddSection(tables::SectionKind::kPageTables, table_bytes, 4096);
  const size_t bm = w.AddSection(tables::SectionKind::kIoBitmaps, n * per_domain_bitmaps, 4096);
  // Pass 2: the tables at their final addresses, the bitmaps, the records.
  uint64_t pt_at = 0, bm_at = 0;
  for (uint32_t d = 0; d < n; ++d) {
    const policy::Domain& dom = s.domains[d];
    tables::DomainRecord r{};
    std::memcpy(r.name, dom.name.data(), std::min<size_t>(dom.name.size(), sizeof(r.name) - 1));
    r.index = d;
    r.type = dom.type == policy::DomainType::kPv ? 1 : 2;
    r.on_fault = dom.on_fault == policy::FaultAction::kStop ? 1 : 2;
    r.boot = dom.boot ? 1 : 0;
    for (uint32_t c : dom.cpus) r.cpu_mask[c / 64] |= uint64_t{1} << (c % 64);
    for (paging::Format f : {paging::Format::kNpt, paging::Format::kEpt}) {
      const uint64_t base = w.PhysicalAddress(pt) + pt_at;
      absl::StatusOr<PageTables> t = BuildPageTables(f, mappings[d], base);
      if (!t.ok()) return t.status();
      std::memcpy(w.Data(pt).data() + pt_at, t->bytes.data(), t->bytes.size());
      (f == paging::Format::kNpt ? r.npt_root : r.ept_root) = base;
      pt_at += t->bytes.size();
    }
    std::vector<std::pair<uint32_t, uint32_t>> ports;
    for (uint32_t dev : dom.devices) {
      if (s.devices[dev].owner.kind != policy::Owner::Kind::kDomain || s.devices[dev].owner.domain != d) continue;
      for (const policy::PortRange& p : s.devices[dev].ports) ports.push_back({p.first, p.last});
    }
    const IoBitmaps b = BuildIoBitmaps(ports);
    uint64_t* slots[] = {&r.svm_iopm, &r.svm_msrpm, &r.vmx_io_bitmaps, &r.vmx_msr_bitmap};
    const std::vector<uint8_t>* parts[] = {&b.svm_iopm, &b.svm_msrpm, &b.vmx_io, &b.vmx_msr};
    for (int k = 0; k < 4; ++k) {
      *slots[k] = w.PhysicalAddress(bm) + bm_at;  // every part is a multiple of 4 KiB: all page aligned
      std::memcpy(w.Data(bm).data() + bm_at, parts[k]->data(), parts[k]->size());
      bm_at += parts[k]->size();
    }
    r.hypercalls = dom.hypercalls;
    std::memcpy(w.Data(rec).data() + d * sizeof(r), &r, sizeof(r));
  }
  std::vector<uint8_t> blob = w.Finish();
  if (blob.size() > s.kernel.memory.size - std::min(s.kernel.memory.size, kBlobOffsetInKernelMemory)) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "the tables blob (%d bytes) does not fit in kernel memory after its first 2 MiB (%d bytes): give the kernel more memory",
        blob.size(), s.kernel.memory.size - std::min(s.kernel.memory.size, kBlobOffsetInKernelMemory)));
  }
  return blob;
}

}  // namespace septum::compiler
