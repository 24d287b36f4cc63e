// tools/compiler/iommu_tables.cc — see iommu_tables.h.
#include "tools/compiler/iommu_tables.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/iommu.h"

namespace septum::compiler {
namespace {

using paging::kPageSize;

std::string DeviceText(uint16_t id) {
  char text[8];
  iommu::RequesterIdText(id, text);
  return text;
}

void Put64(std::vector<uint8_t>& bytes, uint64_t offset, uint64_t value) {
  for (unsigned b = 0; b < 8; ++b) bytes[offset + b] = static_cast<uint8_t>(value >> (8 * b));  // little-endian
}

// Appends one device's I/O page tables to `block` (placed at `base`); returns their root.
absl::StatusOr<uint64_t> AppendPageTables(paging::Format format, const DmaDevice& d, std::vector<uint8_t>& block, uint64_t base) {
  const uint64_t root = base + block.size();
  absl::StatusOr<PageTables> t = BuildPageTables(format, d.mappings, root);
  if (!t.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("DMA device ", DeviceText(d.id), ": ", t.status().message()));
  }
  block.insert(block.end(), t->bytes.begin(), t->bytes.end());
  return root;
}

// AMD IOMMU §2.2.2: every DTE of the table blocked (V=1, TV=1, Mode=0, IR=IW=0), then the listed
// devices translated by their own 4-level tables.
absl::Status BuildAmdVi(const std::vector<DmaDevice>& devices, const IommuOptions& options, IommuTables& out) {
  using namespace iommu::amdvi;
  const uint64_t pages = options.amdvi_cover_all_ids ? kMaxDeviceTablePages
                         : devices.empty()           ? 1
                                                     : devices.back().id / kDtesPerPage + 1;
  out.amdvi_device_table = out.amdvi_base;
  out.amdvi_device_table_pages = pages;
  out.amdvi.assign(pages * kPageSize, 0);
  for (uint64_t id = 0; id < pages * kDtesPerPage; ++id) {
    Put64(out.amdvi, id * kDteSize, kDteValid | kDteTranslationValid | (kDteModeDisabled << kDteModeShift));
  }
  for (const DmaDevice& d : devices) {
    absl::StatusOr<uint64_t> root = AppendPageTables(paging::Format::kAmdViIo, d, out.amdvi, out.amdvi_base);
    if (!root.ok()) return root.status();
    Put64(out.amdvi, d.id * kDteSize,
          kDteValid | kDteTranslationValid | (kDteMode4Level << kDteModeShift) | (*root & kDteRootMask) | kDteIoRead | kDteIoWrite);
    Put64(out.amdvi, d.id * kDteSize + 8, d.domain_id & kDteDomainIdMask);
  }
  return absl::OkStatus();
}

// VT-d §3.4.2, §9.1, §9.3: root table, the context tables of the buses in use, then the devices'
// second-level tables. Everything not written stays zero, i.e. not present.
absl::Status BuildVtd(const std::vector<DmaDevice>& devices, IommuTables& out) {
  using namespace iommu::vtd;
  std::vector<uint8_t> buses;
  for (const DmaDevice& d : devices) {
    if (buses.empty() || buses.back() != iommu::BusOf(d.id)) buses.push_back(iommu::BusOf(d.id));
  }
  out.vtd_root = out.vtd_base;
  out.vtd.assign((1 + buses.size()) * kPageSize, 0);
  for (size_t k = 0; k < buses.size(); ++k) {
    const uint64_t context_table = out.vtd_base + (1 + k) * kPageSize;
    Put64(out.vtd, buses[k] * sizeof(RootEntry), (context_table & kRootContextTableMask) | kRootPresent);
  }
  for (const DmaDevice& d : devices) {
    absl::StatusOr<uint64_t> root = AppendPageTables(paging::Format::kVtdSl, d, out.vtd, out.vtd_base);
    if (!root.ok()) return root.status();
    const size_t k = std::lower_bound(buses.begin(), buses.end(), iommu::BusOf(d.id)) - buses.begin();
    const uint64_t entry = (1 + k) * kPageSize + iommu::DevFnOf(d.id) * sizeof(ContextEntry);
    Put64(out.vtd, entry,
          (*root & kContextSlptptrMask) | (kContextTranslationUntranslatedOnly << kContextTranslationTypeShift) | kContextPresent);
    Put64(out.vtd, entry + 8, (uint64_t{d.domain_id} << kContextDomainIdShift) | kContextAddressWidth48);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<IommuTables> BuildIommuTables(std::vector<DmaDevice> devices, uint64_t amdvi_base, uint64_t vtd_base,
                                             IommuOptions options) {
  if (amdvi_base % kPageSize != 0 || vtd_base % kPageSize != 0) {
    return absl::InvalidArgumentError("IOMMU table base is not 4 KiB aligned");
  }
  std::sort(devices.begin(), devices.end(), [](const DmaDevice& a, const DmaDevice& b) { return a.id < b.id; });
  for (size_t i = 0; i < devices.size(); ++i) {
    if (i > 0 && devices[i - 1].id == devices[i].id) {
      return absl::InvalidArgumentError(absl::StrCat("DMA device ", DeviceText(devices[i].id), " is listed twice"));
    }
    if (devices[i].domain_id == 0) {
      return absl::InvalidArgumentError(absl::StrCat("DMA device ", DeviceText(devices[i].id), " has domain ID 0 (reserved)"));
    }
  }
  IommuTables out;
  out.amdvi_base = amdvi_base;
  out.vtd_base = vtd_base;
  absl::Status s = BuildAmdVi(devices, options, out);
  if (s.ok()) s = BuildVtd(devices, out);
  if (!s.ok()) return s;
  return out;
}

}  // namespace septum::compiler
