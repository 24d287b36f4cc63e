// kernel/abi/tables.h — the container format of the tables blob: the one contract between the
// policy compiler and the kernel.
//
// Layout (little-endian, no pointers into host memory):
//   BlobHeader (72 bytes) | SectionEntry[section_count] (24 bytes each) | section data ...
// The blob is built for a fixed host-physical `load_address` inside the kernel's memory; the
// kernel copies it there verbatim, so every physical address inside it is final. `sha256` is
// the SHA-256 of the whole blob with the `sha256` field itself zeroed. Sections lie inside the
// blob, after the directory, 8-byte aligned (page-table sections 4 KiB aligned in physical
// memory), do not overlap, and each kind appears at most once. The kernel checks the
// container (kernel/core/blob) before it trusts anything; the section contents below are
// re-proven against the policy by the translation validator (proofs/tv) before a blob is
// written.
#ifndef SEPTUM_KERNEL_ABI_TABLES_H_
#define SEPTUM_KERNEL_ABI_TABLES_H_

#include <stddef.h>
#include <stdint.h>

namespace septum::tables {

inline constexpr uint8_t kMagic[8] = {'S', 'E', 'P', 'T', 'U', 'M', 'T', 'B'};
inline constexpr uint32_t kFormatVersion = 4;

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
  kDomains = 1,      // DomainRecord[], one per domain, in canonical order (sorted by name)
  kPageTables = 2,   // NPT and EPT table pages (4 KiB aligned)
  kIoBitmaps = 3,    // SVM IOPM/MSRPM and VMX I/O and MSR bitmaps (4 KiB aligned)
  kChannels = 4,     // ChannelRecord[], sorted by name
  kIrqRoutes = 5,    // IrqRoute[], sorted by IRQ
  kSchedule = 6,     // ScheduleHeader, CpuPlan[], SlotRecord[]
  kIommu = 7,        // AMD-Vi device table and I/O page tables, VT-d root/context/second-level tables
  kRights = 8,       // ControlRight[], sorted by (holder, target)
  kSegments = 9,     // SegmentRecord[], grouped by domain, sorted by guest address
  kSystem = 10,      // SystemRecord
  kStartState = 11,  // each PV domain's start block (kernel/abi/start_info.h), 4 KiB aligned
  kDevices = 12,     // DeviceRecord[], sorted by name
  kDeviceResources = 13,  // DeviceResource[], grouped by device, each device's sorted by (kind, base)
};
inline constexpr uint32_t kMaxSectionKind = 13;

struct SectionEntry {
  uint32_t kind;      // SectionKind
  uint32_t reserved;  // zero
  uint64_t offset;    // from the start of the blob
  uint64_t size;
};
static_assert(sizeof(SectionEntry) == 24, "ABI: section entry size");

inline constexpr uint32_t kMaxSections = 64;

// Every record below refers to domains by their index in the kDomains section (the canonical
// order: sorted by name, so the order of declarations in the policy does not matter). Every
// reserved field is zero. Physical addresses point into the blob's own sections (final
// addresses: the blob is loaded at BlobHeader::load_address) or, for segments, into the
// domain's memory.
inline constexpr uint32_t kNoDomain = 0xffffffffu;      // an idle slot
inline constexpr uint32_t kKernelOwner = 0xfffffffeu;   // an IRQ the kernel keeps (its console)

enum DomainType : uint8_t { kPv = 1, kHvm = 2 };
enum FaultAction : uint8_t { kStop = 1, kRestart = 2 };
enum ImageKind : uint8_t { kNoImage = 0, kElf64 = 1, kElf32 = 2, kRawImage = 3 };

// Section kDomains.
struct DomainRecord {
  uint8_t name[32];        // NUL-padded
  uint32_t index;          // its position in the section
  uint8_t type;            // DomainType
  uint8_t on_fault;        // FaultAction
  uint8_t boot;            // 1 = starts at boot, 0 = waits for a control domain
  uint8_t image_kind;      // ImageKind; kNoImage only in a blob built with --no-images
  uint64_t cpu_mask[4];    // bit c = may run on CPU c (platforms of up to 256 CPUs)
  uint64_t npt_root;       // host-physical address of the NPT root table (AMD)
  uint64_t ept_root;       // host-physical address of the EPT root table (Intel)
  uint64_t svm_iopm;       // 12 KiB
  uint64_t svm_msrpm;      // 8 KiB
  uint64_t vmx_io_bitmaps; // 8 KiB: A then B
  uint64_t vmx_msr_bitmap; // 4 KiB
  uint32_t hypercalls;     // the hypercall permission bitmap: bit per group (HypercallGroup)
  uint32_t rights_first;   // its control-rights row: ControlRight[rights_first, +rights_count)
  uint32_t rights_count;
  uint32_t segment_first;  // its image's load segments: SegmentRecord[segment_first, +segment_count)
  uint32_t segment_count;
  uint32_t reserved1;      // zero
  uint64_t entry;          // guest-physical entry point of its image
  uint64_t image_size;     // bytes of the image module
  uint8_t image_sha256[32];  // the module the kernel loads must have this SHA-256
  // A PV domain's start block (kernel/abi/start_info.h): start_pages pages at host-physical
  // start_block in the kStartState section, which the kernel copies to guest-physical
  // start_guest (through the domain's own mappings: host start_host) at every (re)start.
  // All zero for an HVM domain.
  uint64_t start_block;
  uint64_t start_guest;
  uint64_t start_host;
  uint64_t start_pages;
  uint64_t reserved2[4];   // zero
};
static_assert(sizeof(DomainRecord) == 256, "ABI: domain record size");
static_assert(offsetof(DomainRecord, cpu_mask) == 40, "ABI: domain record layout");
static_assert(offsetof(DomainRecord, npt_root) == 72, "ABI: domain record layout");
static_assert(offsetof(DomainRecord, hypercalls) == 120, "ABI: domain record layout");
static_assert(offsetof(DomainRecord, entry) == 144, "ABI: domain record layout");
static_assert(offsetof(DomainRecord, image_sha256) == 160, "ABI: domain record layout");
static_assert(offsetof(DomainRecord, start_block) == 192, "ABI: domain record layout");

enum HypercallGroup : uint32_t {
  kGroupConsole = 1u << 0,
  kGroupYield = 1u << 1,
  kGroupTime = 1u << 2,
  kGroupChannel = 1u << 3,
  kGroupControl = 1u << 4,
};
inline constexpr uint32_t kAllHypercallGroups = 0x1f;

enum ControlRightBit : uint32_t {
  kRightStart = 1u << 0,
  kRightStop = 1u << 1,
  kRightPause = 1u << 2,
  kRightResume = 1u << 3,
  kRightQuery = 1u << 4,
};
inline constexpr uint32_t kAllRights = 0x1f;

// Section kRights: one entry per (holder, target) pair with at least one right.
struct ControlRight {
  uint32_t holder;
  uint32_t target;
  uint32_t rights;    // ControlRightBit set
  uint32_t reserved;  // zero
};
static_assert(sizeof(ControlRight) == 16, "ABI: control right size");

// Section kChannels.
struct ChannelRecord {
  uint8_t name[32];       // NUL-padded
  uint32_t writer;        // domain index; maps the memory read-write
  uint32_t reader;        // domain index; maps it read-only
  uint64_t host;          // host-physical base
  uint64_t size;          // bytes, a multiple of 4 KiB
  uint64_t writer_guest;  // guest-physical base in the writer
  uint64_t reader_guest;  // guest-physical base in the reader
  uint32_t flags;         // kChannelNotify
  uint32_t reserved;      // zero
};
static_assert(sizeof(ChannelRecord) == 80, "ABI: channel record size");
inline constexpr uint32_t kChannelNotify = 1u << 0;

// Section kIrqRoutes: every IRQ of an owned device. IRQs absent here stay masked.
struct IrqRoute {
  uint32_t irq;     // IOAPIC input (ISA IRQs identity-mapped)
  uint32_t owner;   // domain index, or kKernelOwner
  uint32_t vector;  // host vector on `cpu`: kFirstIrqVector + its position among that CPU's routes
  uint32_t cpu;     // the CPU it is delivered to: the owner's lowest CPU (CPU 0 for the kernel)
};
static_assert(sizeof(IrqRoute) == 16, "ABI: IRQ route size");
inline constexpr uint32_t kFirstIrqVector = 0x30;
inline constexpr uint32_t kLastIrqVector = 0xef;

// Section kSchedule: a header, then plan_count CpuPlans (sorted by CPU), then slot_count
// SlotRecords; each plan's slots are consecutive and run cyclically in that order.
struct ScheduleHeader {
  uint64_t tick_ns;      // length of one tick (the policy's durations are whole microseconds)
  uint64_t major_ticks;  // every plan's slots sum to this
  uint32_t plan_count;
  uint32_t slot_count;
};
static_assert(sizeof(ScheduleHeader) == 24, "ABI: schedule header size");
inline constexpr uint64_t kTickNs = 1000;

struct CpuPlan {
  uint32_t cpu;
  uint32_t slot_first;
  uint32_t slot_count;
  uint32_t reserved;  // zero
};
static_assert(sizeof(CpuPlan) == 16, "ABI: CPU plan size");

struct SlotRecord {
  uint32_t domain;    // domain index, or kNoDomain for an idle slot
  uint32_t reserved;  // zero
  uint64_t ticks;
};
static_assert(sizeof(SlotRecord) == 16, "ABI: slot size");

// Section kSegments: what the kernel copies from a domain's image module into its memory
// (after zeroing all of it): file bytes [file_offset, +file_size) to host-physical `host`,
// then zeros up to mem_size. `host` is the translation of `guest` through the domain's own
// mappings, precomputed: the kernel does not translate.
struct SegmentRecord {
  uint32_t domain;
  uint32_t access;       // paging::Access bits from the ELF program header
  uint64_t guest;        // guest-physical load address
  uint64_t host;         // host-physical address of `guest`
  uint64_t file_offset;
  uint64_t file_size;
  uint64_t mem_size;     // >= file_size
};
static_assert(sizeof(SegmentRecord) == 48, "ABI: segment record size");

// Section kDevices: every device of the policy, so the kernel can hand each to its owner at run
// time (place a PCI device's BARs in its MMIO and I/O ranges, route its IRQs).
inline constexpr uint32_t kDevicePci = 1u << 0;  // `pci` names its address
inline constexpr uint32_t kDeviceDma = 1u << 1;  // `dma`: it masters memory (confined by the IOMMU tables)
struct DeviceRecord {
  uint8_t name[32];         // NUL-padded
  uint32_t owner;           // domain index, kKernelOwner, or kNoDomain (nobody owns it)
  uint32_t flags;           // kDevicePci, kDeviceDma
  uint32_t pci;             // bus << 8 | device << 3 | function with kDevicePci, else 0
  uint32_t resource_first;  // its resources: DeviceResource[resource_first, +resource_count)
  uint32_t resource_count;
  uint32_t reserved[3];     // zero
};
static_assert(sizeof(DeviceRecord) == 64, "ABI: device record size");

enum DeviceResourceKind : uint32_t { kResourceIo = 1, kResourceMmio = 2, kResourceIrq = 3 };
// Section kDeviceResources: a device's I/O port ranges (base = first port, size = ports), MMIO
// ranges (host-physical base, bytes) and IRQs (base = IRQ, size = 1).
struct DeviceResource {
  uint32_t device;    // its index in kDevices
  uint32_t kind;      // DeviceResourceKind
  uint64_t base;
  uint64_t size;
};
static_assert(sizeof(DeviceResource) == 24, "ABI: device resource size");

enum IommuKind : uint32_t { kIommuNone = 0, kIommuAmdVi = 1, kIommuVtd = 2 };
inline constexpr uint32_t kSystemNoImages = 1u << 0;  // built with --no-images: not bootable

// Section kSystem: system-wide facts and the roots of the IOMMU structures (both vendors'
// structures are always present; `iommu` says which the platform has).
struct SystemRecord {
  uint8_t name[32];                   // NUL-padded
  uint32_t cpus;                      // platform.cpus
  uint32_t iommu;                     // IommuKind
  uint32_t flags;                     // kSystemNoImages
  uint32_t domain_count;
  uint64_t kernel_base;               // the kernel's memory
  uint64_t kernel_size;
  uint64_t amdvi_device_table;        // host-physical, 4 KiB aligned
  uint64_t amdvi_device_table_pages;  // device IDs covered = pages * 128
  uint64_t vtd_root_table;            // host-physical, 4 KiB aligned
  uint64_t reserved[5];               // zero
};
static_assert(sizeof(SystemRecord) == 128, "ABI: system record size");

}  // namespace septum::tables

#endif  // SEPTUM_KERNEL_ABI_TABLES_H_
