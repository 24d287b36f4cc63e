// kernel/abi/iommu.h — the IOMMU structures the tables blob carries for DMA-capable devices.
//
// Every blob holds both vendors' structures (like NPT and EPT); the kernel programs the ones
// its machine has. A device is named by its PCI requester ID (bus << 8 | device << 3 |
// function). Its DMA addresses are its owner domain's guest-physical addresses, translated by
// 4-level I/O page tables that map exactly the owner's DMA mappings; every requester ID the
// policy does not list is blocked.
//
// AMD-Vi (AMD I/O Virtualization Technology (IOMMU) Specification, #48882, rev 3.x):
//  - Device Table (§2.2.2): 256-bit entries indexed by DeviceID, 4 KiB aligned, programmed in
//    the Device Table Base Address Register (MMIO 0000h, §3.4.1) with Size = pages - 1 (9 bits,
//    so at most 512 pages = 65536 entries).
//  - A listed device: V=1, TV=1, Mode=4 (4-level, 48-bit), root pointer, IR=IW=1, DomainID.
//    DTE IR/IW are ANDed with the page-table permissions (§2.2.2, §2.2.3). Every other DTE field
//    (interrupt remapping, IoCtl, SysMgt, EX, IOTLB, guest translation) is left 0.
//  - Any other ID inside the table: V=1, TV=1, Mode=0, IR=IW=0. Mode 0 means "translation
//    disabled, access controlled by IR and IW", so with both clear every DMA is target-aborted
//    and logged as IO_PAGE_FAULT. V=0 would NOT block: a DTE with V=0 passes DMA through
//    untranslated and unchecked (§2.2.2, table of V/TV combinations).
//  - An ID at or beyond (Size + 1) * 128 has no DTE. Such a request is not passed through: the
//    IOMMU logs an event and target-aborts it (so do the spec-based models of VirtualBox,
//    IO_PAGE_FAULT, and OpenVMM, ILLEGAL_DEV_TABLE_ENTRY; the spec's own sentence on this case
//    could not be consulted when this was written). So the table only reaches the highest listed
//    ID, rounded up to whole pages; IommuOptions::amdvi_cover_all_ids builds all 65536 DTEs.
//  - I/O page-table entries (§2.2.3, "I/O Page Tables for Host Translations"): PR (bit 0),
//    NextLevel (11:9), address (51:12), IR (61), IW (62). A PDE's NextLevel is its level - 1
//    (level skipping is never used); a leaf has NextLevel 0, at level 1 (4 KiB) or 2 (2 MiB).
//    NextLevel 7 (page size coded in the address) is never used. U (59) and FC (60) stay 0.
//
// Intel VT-d, legacy mode (Intel Virtualization Technology for Directed I/O, rev 3.x/4.x):
//  - Root Table (§3.4.2, §9.1): 256 × 128-bit root entries indexed by bus: P (bit 0), context
//    table pointer (63:12; bits above the host address width are reserved, 51:12 is used); the
//    upper 64 bits are reserved. Programmed in RTADDR_REG with
//    TTM = 00b (legacy).
//  - Context Table (§9.3): 256 × 128-bit entries indexed by device << 3 | function. Low word:
//    P (0), FPD (1), TT (3:2; 00b = untranslated requests go through second-level translation,
//    translation requests (ATS) are blocked), SLPTPTR (63:12). High word: AW (2:0; 010b =
//    48-bit AGAW, 4-level table), DID (23:8).
//  - Root entry P=0 or context entry P=0 blocks every request from that bus / device and
//    records a fault (non-recoverable fault reasons 1h and 2h, Chapter 7).
//  - Second-level paging entries (§9.8): R (0), W (1), PS (7) at levels 2 (2 MiB) and 3
//    (1 GiB), address (51:12). R=W=0 is not present. Permissions are ANDed over the levels.
#ifndef SEPTUM_KERNEL_ABI_IOMMU_H_
#define SEPTUM_KERNEL_ABI_IOMMU_H_

#include <stdint.h>

#include "kernel/abi/paging.h"

namespace septum::iommu {

inline constexpr uint32_t kDeviceIds = 65536;  // 16-bit requester IDs

constexpr uint16_t RequesterId(uint8_t bus, uint8_t device, uint8_t function) {
  return static_cast<uint16_t>((uint32_t{bus} << 8) | ((uint32_t{device} & 0x1f) << 3) | (uint32_t{function} & 7));
}
constexpr uint8_t BusOf(uint16_t id) { return static_cast<uint8_t>(id >> 8); }
constexpr uint8_t DevFnOf(uint16_t id) { return static_cast<uint8_t>(id & 0xff); }

static_assert(RequesterId(0x12, 0x1f, 7) == 0x12ff);

// Writes "bb:dd.f" (lower-case hex, NUL-terminated) into `out`; for messages and logs.
inline void RequesterIdText(uint16_t id, char (&out)[8]) {
  const char* const hex = "0123456789abcdef";
  out[0] = hex[id >> 12];
  out[1] = hex[(id >> 8) & 0xf];
  out[2] = ':';
  out[3] = hex[(id >> 7) & 1];
  out[4] = hex[(id >> 3) & 0xf];
  out[5] = '.';
  out[6] = hex[id & 7];
  out[7] = 0;
}

namespace amdvi {

// A Device Table Entry, four little-endian 64-bit words (§2.2.2).
struct Dte {
  uint64_t words[4];
};
static_assert(sizeof(Dte) == 32, "a DTE is 256 bits");

inline constexpr uint64_t kDteSize = sizeof(Dte);
inline constexpr uint32_t kDtesPerPage = paging::kPageSize / kDteSize;  // 128
inline constexpr uint32_t kMaxDeviceTablePages = 512;                    // Size field 8:0, + 1
static_assert(kMaxDeviceTablePages * kDtesPerPage == kDeviceIds);

// DTE word 0 (bits 63:0).
inline constexpr uint64_t kDteValid = 1ull << 0;             // V
inline constexpr uint64_t kDteTranslationValid = 1ull << 1;  // TV
inline constexpr unsigned kDteModeShift = 9;                 // Mode, bits 11:9
inline constexpr uint64_t kDteModeMask = 7ull << kDteModeShift;
inline constexpr uint64_t kDteModeDisabled = 0;              // translation disabled: IR/IW decide
inline constexpr uint64_t kDteMode4Level = 4;                // 4-level table, 48-bit IOVA
inline constexpr uint64_t kDteRootMask = paging::kAddressMask;  // Page Table Root Pointer 51:12
inline constexpr uint64_t kDteIoRead = 1ull << 61;           // IR
inline constexpr uint64_t kDteIoWrite = 1ull << 62;          // IW
// DTE word 1 (bits 127:64).
inline constexpr uint64_t kDteDomainIdMask = 0xffff;         // DomainID, bits 79:64

// I/O page-table entries, PDE and PTE alike (§2.2.3).
inline constexpr uint64_t kPresent = 1ull << 0;  // PR
inline constexpr unsigned kNextLevelShift = 9;   // NextLevel, bits 11:9
inline constexpr uint64_t kNextLevelMask = 7ull << kNextLevelShift;
inline constexpr uint64_t kUntranslatedOnly = 1ull << 59;  // U, PTE only; never set here
inline constexpr uint64_t kForceCoherent = 1ull << 60;     // FC, PTE only; never set here
inline constexpr uint64_t kIoRead = 1ull << 61;            // IR
inline constexpr uint64_t kIoWrite = 1ull << 62;           // IW

constexpr uint64_t NextLevel(unsigned level) { return uint64_t{level} << kNextLevelShift; }

}  // namespace amdvi

namespace vtd {

inline constexpr uint32_t kEntriesPerTable = 256;  // root entries by bus, context entries by devfn

// A legacy-mode root entry (§9.1).
struct RootEntry {
  uint64_t lo, hi;
};
// A legacy-mode context entry (§9.3).
struct ContextEntry {
  uint64_t lo, hi;
};
static_assert(sizeof(RootEntry) == 16 && sizeof(ContextEntry) == 16, "VT-d entries are 128 bits");
static_assert(kEntriesPerTable * sizeof(RootEntry) == paging::kPageSize, "a root table is one page");

// Root entry, low word.
inline constexpr uint64_t kRootPresent = 1ull << 0;
inline constexpr uint64_t kRootContextTableMask = paging::kAddressMask;  // CTP

// Context entry, low word.
inline constexpr uint64_t kContextPresent = 1ull << 0;
inline constexpr uint64_t kContextFaultProcessingDisable = 1ull << 1;  // FPD; never set here
inline constexpr unsigned kContextTranslationTypeShift = 2;           // TT, bits 3:2
inline constexpr uint64_t kContextTranslationTypeMask = 3ull << kContextTranslationTypeShift;
inline constexpr uint64_t kContextTranslationUntranslatedOnly = 0;    // TT = 00b
inline constexpr uint64_t kContextSlptptrMask = paging::kAddressMask;  // SLPTPTR
// Context entry, high word.
inline constexpr uint64_t kContextAddressWidthMask = 7;  // AW, bits 2:0
inline constexpr uint64_t kContextAddressWidth48 = 2;    // 010b: 48-bit AGAW, 4-level table
inline constexpr unsigned kContextDomainIdShift = 8;     // DID, bits 23:8
inline constexpr uint64_t kContextDomainIdMask = 0xffffull << kContextDomainIdShift;

// Second-level paging entries (§9.8).
inline constexpr uint64_t kRead = 1ull << 0;
inline constexpr uint64_t kWrite = 1ull << 1;
inline constexpr uint64_t kLarge = 1ull << 7;  // PS, levels 2 and 3

}  // namespace vtd

}  // namespace septum::iommu

#endif  // SEPTUM_KERNEL_ABI_IOMMU_H_
