// tools/compiler/iommu_tables.h — builds the IOMMU structures for DMA-capable devices, for both
// vendors, as bytes placed at fixed host-physical addresses (formats: kernel/abi/iommu.h).
//
// Each listed device (a PCI requester ID and its owner domain) gets its own 4-level I/O page
// tables, built by BuildPageTables, that map exactly its mappings: the owner's guest-physical
// addresses are the device's DMA addresses; read and write rights follow the mapping, execute
// is ignored. Every requester ID that is not listed is blocked:
//  - AMD-Vi block at `amdvi_base`: the Device Table (DTEs of IDs 0 .. highest listed ID,
//    rounded up to whole 4 KiB pages, at least one page), then each listed device's I/O page
//    tables in device order. Listed IDs: V=1, TV=1, Mode=4, root, IR=IW=1, DomainID. Every other
//    DTE in the table: V=1, TV=1, Mode=0, IR=IW=0 (blocked). IDs beyond the table are aborted by
//    the IOMMU (see iommu.h), so the table need not reach 65535 unless asked to.
//  - VT-d block at `vtd_base`: the root table, then one context table per bus that has a listed
//    device (bus order), then each listed device's second-level tables in device order. Context
//    entry: P=1, FPD=0, TT=00b, SLPTPTR, AW=010b, DID. Unlisted devfns and buses: zero entries.
// Devices never share table pages, even within one domain. The output depends only on the
// device list, never on the order it is given in. Both blocks are whole 4 KiB pages and their
// sizes do not depend on the bases, so a caller can size the section by building at base 0 and
// then build again at the final addresses.
#ifndef SEPTUM_TOOLS_COMPILER_IOMMU_TABLES_H_
#define SEPTUM_TOOLS_COMPILER_IOMMU_TABLES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/compiler/page_tables.h"

namespace septum::compiler {

struct DmaDevice {
  uint16_t id = 0;         // requester ID: bus << 8 | device << 3 | function (iommu::RequesterId)
  uint16_t domain_id = 0;  // DTE DomainID and context-entry DID: owner index + 1; 0 is refused
  std::vector<Mapping> mappings;  // guest = IOVA; the same rules as BuildPageTables
};

struct IommuOptions {
  // Size the AMD-Vi Device Table for all 65536 IDs (512 pages, 2 MiB) instead of up to the
  // highest listed ID.
  bool amdvi_cover_all_ids = false;
};

struct IommuTables {
  std::vector<uint8_t> amdvi;             // device table, then I/O page-table pages
  uint64_t amdvi_base = 0;                // host-physical address of amdvi[0]
  uint64_t amdvi_device_table = 0;        // Device Table Base Address (== amdvi_base)
  uint64_t amdvi_device_table_pages = 0;  // its Size field is this - 1
  std::vector<uint8_t> vtd;               // root table, context tables, second-level pages
  uint64_t vtd_base = 0;                  // host-physical address of vtd[0]
  uint64_t vtd_root = 0;                  // RTADDR_REG.RTA (== vtd_base), TTM = 00b (legacy)
};

// Fails (InvalidArgument) on a base that is not 4 KiB aligned, a repeated requester ID, a
// domain ID of 0, or a device's bad mappings (the message names the device, e.g. "01:00.0").
absl::StatusOr<IommuTables> BuildIommuTables(std::vector<DmaDevice> devices, uint64_t amdvi_base, uint64_t vtd_base,
                                             IommuOptions options = {});

}  // namespace septum::compiler

#endif  // SEPTUM_TOOLS_COMPILER_IOMMU_TABLES_H_
