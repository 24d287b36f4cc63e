// kernel/abi/tables.h — the container format of the tables blob: the one contract between the
// policy compiler and the kernel.
//
// Layout (little-endian, no pointers into host memory):
//   BlobHeader (72 bytes) | SectionEntry[section_count] (24 bytes each) | section data ...
// The blob is built for a fixed host-physical `load_address` inside the kernel's memory; the
// kernel copies it there verbatim, so every physical address inside it is final. `sha256` is
// the SHA-256 of the whole blob with the `sha256` field itself zeroed. Sections lie inside the
// blob, after the directory, 8-byte aligned (page-table sections 4 KiB aligned in physical
// memory), and do not overlap. The section contents are defined by the compiler milestone;
// this header fixes the container, which the kernel checks before it trusts anything.
#ifndef SEPTUM_KERNEL_ABI_TABLES_H_
#define SEPTUM_KERNEL_ABI_TABLES_H_

#include <stddef.h>
#include <stdint.h>

namespace septum::tables {

inline constexpr uint8_t kMagic[8] = {'S', 'E', 'P', 'T', 'U', 'M', 'T', 'B'};
inline constexpr uint32_t kFormatVersion = 1;

struct BlobHeader {
  uint8_t magic[8];
  uint32_t version;
  uint32_t header_size;    // sizeof(BlobHeader)
  uint64_t total_size;     // the whole blob, header included
  uint64_t load_address;   // host-physical address the blob is built for (4 KiB aligned)
  uint32_t section_count;
  uint32_t reserved;       // zero
  uint8_t sha256[32];
};
static_assert(sizeof(BlobHeader) == 72, "ABI: header size");
static_assert(offsetof(BlobHeader, total_size) == 16, "ABI: header layout");
static_assert(offsetof(BlobHeader, sha256) == 40, "ABI: header layout");

enum class SectionKind : uint32_t {
  kDomains = 1,      // per-domain records
  kPageTables = 2,   // NPT and EPT table pages (4 KiB aligned)
  kIoBitmaps = 3,    // SVM IOPM/MSRPM and VMX I/O and MSR bitmaps
  kChannels = 4,
  kIrqRoutes = 5,
  kSchedule = 6,
  kIommu = 7,        // AMD-Vi and VT-d tables
  kRights = 8,       // hypercall permissions and control-rights rows
};

struct SectionEntry {
  uint32_t kind;      // SectionKind
  uint32_t reserved;  // zero
  uint64_t offset;    // from the start of the blob
  uint64_t size;
};
static_assert(sizeof(SectionEntry) == 24, "ABI: section entry size");

inline constexpr uint32_t kMaxSections = 64;

// Section kDomains: one record per domain, in policy order. Physical addresses point into the
// blob's own kPageTables and kIoBitmaps sections (final addresses: the blob is loaded at
// BlobHeader::load_address).
struct DomainRecord {
  uint8_t name[32];        // NUL-padded
  uint32_t index;
  uint8_t type;            // 1 = PV, 2 = HVM
  uint8_t on_fault;        // 1 = stop, 2 = restart
  uint8_t boot;            // 1 = starts at boot
  uint8_t reserved0;       // zero
  uint64_t cpu_mask[4];    // bit c = may run on CPU c (platforms of up to 256 CPUs)
  uint64_t npt_root;       // host-physical address of the NPT root table (AMD)
  uint64_t ept_root;       // host-physical address of the EPT root table (Intel)
  uint64_t svm_iopm;       // 12 KiB
  uint64_t svm_msrpm;      // 8 KiB
  uint64_t vmx_io_bitmaps; // 8 KiB: A then B
  uint64_t vmx_msr_bitmap; // 4 KiB
  uint32_t hypercalls;     // bit set per group: console 0, yield 1, time 2, channel 3, control 4
  uint32_t reserved1;      // zero
};
static_assert(sizeof(DomainRecord) == 128, "ABI: domain record size");
static_assert(offsetof(DomainRecord, cpu_mask) == 40, "ABI: domain record layout");
static_assert(offsetof(DomainRecord, npt_root) == 72, "ABI: domain record layout");

}  // namespace septum::tables

#endif  // SEPTUM_KERNEL_ABI_TABLES_H_
