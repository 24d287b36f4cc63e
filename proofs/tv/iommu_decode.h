// proofs/tv/iommu_decode.h — decodes the IOMMU structures (kernel/abi/iommu.h) from the blob's
// bytes, independently of the compiler: for every requester ID 0..65535, is its DMA blocked, or
// translated, by which domain, through which runs?
//
// The answer lists only the translated devices; every other ID is blocked — that is the
// guarantee a successful decode gives. Anything the decoder cannot vouch for is an error naming
// the device ("bb:dd.f"), never a silent default:
//  - AMD-Vi: a DTE inside the table with V=0 (DMA passes through untranslated), TV=0, Mode other
//    than 0 or 4, Mode 0 with IR or IW (pass-through), a blocked DTE carrying a root or domain,
//    any bit outside V, TV, Mode, root, IR, IW and DomainID (interrupt remapping, IoCtl, SysMgt,
//    EX, the IOTLB and guest-translation fields, reserved bits). IDs beyond the table are
//    blocked (the IOMMU aborts them). A translated device's runs are its 4-level tables' runs
//    with the DTE's IR/IW ANDed in.
//  - VT-d (legacy mode): reserved bits in root or context entries, FPD=1, TT other than 00b,
//    AW other than 010b (4-level), DID 0. Root entry P=0 blocks its bus, context entry P=0 its
//    device.
//  - Structure, both vendors: every pointer lands on a page of the given area; every table page
//    (context tables, I/O page-table pages) is reached exactly once over all devices; a
//    device's page tables lie at or above its root (the builder lays them out root first). The
//    page-table entries themselves are decoded by WalkToRuns (Format::kAmdViIo / kVtdSl).
// Runs carry kRead and kWrite only (DMA has no execute right).
#ifndef SEPTUM_PROOFS_TV_IOMMU_DECODE_H_
#define SEPTUM_PROOFS_TV_IOMMU_DECODE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kernel/abi/tables.h"
#include "proofs/tv/walk.h"

namespace septum::tv {

struct DmaTranslation {
  uint16_t id = 0;         // requester ID
  uint16_t domain_id = 0;  // DTE DomainID / context-entry DID
  std::vector<Run> runs;   // canonical (CanonicalRuns): IOVA -> host-physical, kRead/kWrite
  uint64_t root = 0;       // host-physical address of its top-level I/O page table
};

struct DmaDecode {
  std::vector<DmaTranslation> translated;  // sorted by id; every other ID is blocked
  std::vector<uint64_t> table_pages;       // every structure page reached, host-physical, sorted
};

// The translated device `id`, or nullptr if its DMA is blocked.
const DmaTranslation* FindDevice(const DmaDecode& decode, uint16_t id);

// "bb:dd.f".
std::string DeviceText(uint16_t id);

// AMD-Vi: `device_table` is the Device Table (exactly `device_table_pages` pages, 1..512, as the
// Device Table Base Address Register's Size field + 1 says) at host-physical
// `device_table_base`; `page_tables` is the area holding every device's I/O page tables, at
// `page_tables_base`. The two must not overlap. table_pages lists the device-table pages too.
absl::StatusOr<DmaDecode> DecodeAmdVi(absl::Span<const uint8_t> device_table, uint64_t device_table_base,
                                      uint64_t device_table_pages, absl::Span<const uint8_t> page_tables,
                                      uint64_t page_tables_base);

// VT-d: `block` holds the root table (its first page, RTADDR_REG = `base`), the context tables
// and the second-level tables.
absl::StatusOr<DmaDecode> DecodeVtd(absl::Span<const uint8_t> block, uint64_t base);

enum class IommuVendor { kAmdVi, kVtd };

// The blob's IOMMU section (`section`, at host-physical `base`) laid out as the system record
// says: the AMD-Vi device table at its start, the AMD-Vi I/O page tables up to the VT-d root
// table (page aligned), the VT-d structures to its end. Fails if the record's pointers say
// anything else; otherwise decodes `vendor`'s structures with the functions above.
absl::StatusOr<DmaDecode> DecodeIommuSection(absl::Span<const uint8_t> section, uint64_t base, const tables::SystemRecord& system,
                                             IommuVendor vendor);

}  // namespace septum::tv

#endif  // SEPTUM_PROOFS_TV_IOMMU_DECODE_H_
