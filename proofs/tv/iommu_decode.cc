// proofs/tv/iommu_decode.cc — see iommu_decode.h. Written against the AMD IOMMU specification
// (#48882, §2.2.2 Device Table, §2.2.3 I/O page tables) and the VT-d specification (§3.4.2
// legacy-mode translation, §9.1 root entry, §9.3 context entry, §9.8 second-level entries),
// not against the compiler.
#include "proofs/tv/iommu_decode.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/iommu.h"

namespace septum::tv {
namespace {

using paging::kPageSize;

uint64_t Read64(absl::Span<const uint8_t> bytes, uint64_t offset) {
  uint64_t v = 0;
  for (unsigned b = 0; b < 8; ++b) v |= uint64_t{bytes[offset + b]} << (8 * b);  // little-endian
  return v;
}

absl::Status DeviceError(const char* vendor, uint16_t id, absl::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat(vendor, " device ", DeviceText(id), ": ", what));
}

bool InsideArea(uint64_t addr, uint64_t area_base, uint64_t area_size) {
  return addr >= area_base && addr - area_base < area_size && (addr - area_base) % kPageSize == 0;
}

// One device's I/O page tables, rooted at `root` inside `area` (at `area_base`). The walk sees
// the area from the root on, so a device's tables lie at or above its root.
absl::StatusOr<Walk> WalkDevice(paging::Format format, absl::Span<const uint8_t> area, uint64_t area_base, uint64_t root) {
  if (!InsideArea(root, area_base, area.size())) {
    return absl::FailedPreconditionError(absl::StrFormat("the page-table root %#x is not a page of the table area", root));
  }
  return WalkToRuns(format, area.subspan(static_cast<size_t>(root - area_base)), root);
}

// Every structure page is reached once, over all devices (the walks check it within a device).
absl::Status CheckPagesOnce(std::vector<uint64_t>& pages) {
  std::sort(pages.begin(), pages.end());
  auto twice = std::adjacent_find(pages.begin(), pages.end());
  if (twice != pages.end()) return absl::FailedPreconditionError(absl::StrFormat("table page %#x is reached twice", *twice));
  return absl::OkStatus();
}

// The DTE's IR/IW apply on top of the page tables' (AMD IOMMU §2.2.2, §2.2.3).
std::vector<Run> Restrict(std::vector<Run> runs, uint8_t access) {
  std::vector<Run> out;
  for (Run r : runs) {
    r.access &= access;
    if (r.access != 0) out.push_back(r);
  }
  return CanonicalRuns(std::move(out));
}

}  // namespace

const DmaTranslation* FindDevice(const DmaDecode& decode, uint16_t id) {
  auto it = std::lower_bound(decode.translated.begin(), decode.translated.end(), id,
                             [](const DmaTranslation& t, uint16_t v) { return t.id < v; });
  return it != decode.translated.end() && it->id == id ? &*it : nullptr;
}

std::string DeviceText(uint16_t id) {
  char text[8];
  iommu::RequesterIdText(id, text);
  return text;
}

absl::StatusOr<DmaDecode> DecodeAmdVi(absl::Span<const uint8_t> device_table, uint64_t device_table_base,
                                      uint64_t device_table_pages, absl::Span<const uint8_t> page_tables,
                                      uint64_t page_tables_base) {
  using namespace iommu::amdvi;
  if (device_table_pages == 0 || device_table_pages > kMaxDeviceTablePages) {
    return absl::FailedPreconditionError(absl::StrFormat("AMD-Vi device table of %u pages (must be 1..512)", device_table_pages));
  }
  if (device_table.size() != device_table_pages * kPageSize) {
    return absl::FailedPreconditionError("AMD-Vi device table bytes do not match its page count");
  }
  if (device_table_base % kPageSize != 0 || page_tables_base % kPageSize != 0 || page_tables.size() % kPageSize != 0) {
    return absl::FailedPreconditionError("AMD-Vi device table or page-table area is not whole 4 KiB pages");
  }
  if (device_table_base < page_tables_base + page_tables.size() && page_tables_base < device_table_base + device_table.size()) {
    return absl::FailedPreconditionError("AMD-Vi device table overlaps the page-table area");
  }
  DmaDecode out;
  for (uint64_t p = 0; p < device_table_pages; ++p) out.table_pages.push_back(device_table_base + p * kPageSize);
  // First every DTE (cheap), then the translated devices' page tables.
  std::vector<uint8_t> dte_access;  // per translated device, the DTE's IR/IW
  const uint64_t word0_fields = kDteValid | kDteTranslationValid | kDteModeMask | kDteRootMask | kDteIoRead | kDteIoWrite;
  for (uint64_t n = 0; n < device_table_pages * kDtesPerPage; ++n) {
    const uint16_t id = static_cast<uint16_t>(n);
    uint64_t w[4];
    for (unsigned k = 0; k < 4; ++k) w[k] = Read64(device_table, n * kDteSize + 8 * k);
    if (!(w[0] & kDteValid)) return DeviceError("AMD-Vi", id, "DTE V=0 passes its DMA through untranslated");
    if (!(w[0] & kDteTranslationValid)) return DeviceError("AMD-Vi", id, "DTE TV=0");
    if (w[0] & ~word0_fields) {
      return DeviceError("AMD-Vi", id,
                         absl::StrFormat("DTE bits %#x are set (reserved, HAD, PPR or guest-translation fields)", w[0] & ~word0_fields));
    }
    if (w[1] & ~kDteDomainIdMask) {
      return DeviceError("AMD-Vi", id,
                         absl::StrFormat("DTE bits 127:80 are set (%#x: guest CR3, IOTLB, IoCtl, SysMgt, EX, ...)",
                                         w[1] & ~kDteDomainIdMask));
    }
    if (w[2] != 0 || w[3] != 0) return DeviceError("AMD-Vi", id, "DTE bits 255:128 (interrupt remapping, attributes) are set");
    const uint64_t mode = (w[0] & kDteModeMask) >> kDteModeShift;
    const uint64_t root = w[0] & kDteRootMask;
    const uint16_t domain = static_cast<uint16_t>(w[1] & kDteDomainIdMask);
    if (mode == kDteModeDisabled) {
      if (w[0] & (kDteIoRead | kDteIoWrite)) {
        return DeviceError("AMD-Vi", id, "DTE Mode 0 with IR or IW passes its DMA through untranslated");
      }
      if (root != 0 || domain != 0) return DeviceError("AMD-Vi", id, "blocked DTE (Mode 0) carries a root pointer or domain ID");
      continue;  // blocked: translation disabled and neither read nor write allowed
    }
    if (mode != kDteMode4Level) {
      return DeviceError("AMD-Vi", id, absl::StrFormat("DTE Mode %u (only 0 and 4 are used; 7 is reserved)", mode));
    }
    out.translated.push_back({id, domain, {}, root});
    dte_access.push_back(static_cast<uint8_t>(((w[0] & kDteIoRead) ? paging::kRead : 0) | ((w[0] & kDteIoWrite) ? paging::kWrite : 0)));
  }
  // IDs at and above device_table_pages * 128 have no DTE: the IOMMU aborts their requests.
  for (size_t k = 0; k < out.translated.size(); ++k) {
    DmaTranslation& t = out.translated[k];
    absl::StatusOr<Walk> walk = WalkDevice(paging::Format::kAmdViIo, page_tables, page_tables_base, t.root);
    if (!walk.ok()) return DeviceError("AMD-Vi", t.id, absl::StrCat("I/O page tables: ", walk.status().message()));
    t.runs = Restrict(std::move(walk->runs), dte_access[k]);
    out.table_pages.insert(out.table_pages.end(), walk->table_pages.begin(), walk->table_pages.end());
  }
  absl::Status s = CheckPagesOnce(out.table_pages);
  if (!s.ok()) return absl::FailedPreconditionError(absl::StrCat("AMD-Vi: ", s.message()));
  return out;
}

absl::StatusOr<DmaDecode> DecodeVtd(absl::Span<const uint8_t> block, uint64_t base) {
  using namespace iommu::vtd;
  if (block.empty() || block.size() % kPageSize != 0 || base % kPageSize != 0) {
    return absl::FailedPreconditionError("VT-d block is not whole 4 KiB pages");
  }
  DmaDecode out;
  out.table_pages.push_back(base);
  for (uint32_t bus = 0; bus < kEntriesPerTable; ++bus) {
    const uint64_t lo = Read64(block, bus * sizeof(RootEntry)), hi = Read64(block, bus * sizeof(RootEntry) + 8);
    if (!(lo & kRootPresent)) continue;  // the whole bus is blocked (fault reason 1h)
    if (hi != 0 || (lo & ~(kRootPresent | kRootContextTableMask))) {
      return absl::FailedPreconditionError(absl::StrFormat("VT-d root entry of bus %02x sets reserved bits", bus));
    }
    const uint64_t context_table = lo & kRootContextTableMask;
    if (!InsideArea(context_table, base, block.size())) {
      return absl::FailedPreconditionError(
          absl::StrFormat("VT-d root entry of bus %02x points outside the block (%#x)", bus, context_table));
    }
    out.table_pages.push_back(context_table);
    for (uint32_t devfn = 0; devfn < kEntriesPerTable; ++devfn) {
      const uint16_t id = static_cast<uint16_t>(bus << 8 | devfn);
      const uint64_t at = context_table - base + devfn * sizeof(ContextEntry);
      const uint64_t clo = Read64(block, at), chi = Read64(block, at + 8);
      if (!(clo & kContextPresent)) continue;  // blocked (fault reason 2h)
      if (clo & kContextFaultProcessingDisable) return DeviceError("VT-d", id, "context entry FPD=1 hides its faults");
      const uint64_t tt = (clo & kContextTranslationTypeMask) >> kContextTranslationTypeShift;
      if (tt != kContextTranslationUntranslatedOnly) {
        return DeviceError("VT-d", id, absl::StrFormat("context entry TT=%u (01b admits ATS, 10b is pass-through, 11b reserved)", tt));
      }
      const uint64_t lo_fields = kContextPresent | kContextFaultProcessingDisable | kContextTranslationTypeMask | kContextSlptptrMask;
      if ((clo & ~lo_fields) || (chi & ~(kContextAddressWidthMask | kContextDomainIdMask))) {
        return DeviceError("VT-d", id, "context entry sets reserved or software-available bits");
      }
      if ((chi & kContextAddressWidthMask) != kContextAddressWidth48) {
        return DeviceError("VT-d", id,
                           absl::StrFormat("context entry AW=%u (only 010b, 4-level, is used)", chi & kContextAddressWidthMask));
      }
      const uint16_t domain = static_cast<uint16_t>((chi & kContextDomainIdMask) >> kContextDomainIdShift);
      if (domain == 0) return DeviceError("VT-d", id, "context entry DID 0 (reserved when CAP_REG.CM=1)");
      const uint64_t root = clo & kContextSlptptrMask;
      absl::StatusOr<Walk> walk = WalkDevice(paging::Format::kVtdSl, block, base, root);
      if (!walk.ok()) return DeviceError("VT-d", id, absl::StrCat("second-level tables: ", walk.status().message()));
      out.translated.push_back({id, domain, std::move(walk->runs), root});
      out.table_pages.insert(out.table_pages.end(), walk->table_pages.begin(), walk->table_pages.end());
    }
  }
  absl::Status s = CheckPagesOnce(out.table_pages);
  if (!s.ok()) return absl::FailedPreconditionError(absl::StrCat("VT-d: ", s.message()));
  return out;
}

absl::StatusOr<DmaDecode> DecodeIommuSection(absl::Span<const uint8_t> section, uint64_t base, const tables::SystemRecord& system,
                                             IommuVendor vendor) {
  const uint64_t end = base + section.size();
  const uint64_t dt = system.amdvi_device_table, pages = system.amdvi_device_table_pages, vtd = system.vtd_root_table;
  if (dt != base || pages == 0 || pages > 512 || vtd < dt + pages * 4096 || vtd >= end || vtd % 4096 != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "the system record places the IOMMU structures outside their section (device table %#x, %d pages, VT-d root %#x; section %#x..%#x)",
        dt, pages, vtd, base, end));
  }
  const uint64_t pt = dt + pages * 4096;
  if (vendor == IommuVendor::kAmdVi) {
    return DecodeAmdVi(section.subspan(0, pt - base), dt, pages, section.subspan(pt - base, vtd - pt), pt);
  }
  return DecodeVtd(section.subspan(vtd - base), vtd);
}

}  // namespace septum::tv
