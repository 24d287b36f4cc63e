// kernel/abi/paging.h — the nested page-table entry formats the tables blob uses.
//
// Both are 4-level, 512 entries of 8 bytes per 4 KiB table page, address bits 51:12:
//  - AMD NPT uses the long-mode format (AMD APM Vol 2 §5.3.3, §15.25.5): P, R/W, U/S (must be
//    set: nested walks are user accesses), PS at levels 2 and 3 for 2 MiB / 1 GiB pages, NX
//    (bit 63, needs EFER.NXE). Read access is implied by P.
//  - Intel EPT (SDM Vol 3C §29.3.2): R, W, X in bits 0-2, memory type in 5:3 of a leaf
//    (6 = write-back), PS (bit 7) for large pages. An entry with R=W=X=0 is not present.
// The compiler writes these entries, the kernel hands the root to the hardware, and the
// translation validator decodes them again, independently, from the blob's bytes.
#ifndef SEPTUM_KERNEL_ABI_PAGING_H_
#define SEPTUM_KERNEL_ABI_PAGING_H_

#include <stdint.h>

namespace septum::paging {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kLargePageSize = uint64_t{1} << 21;  // 2 MiB, a level-2 leaf
inline constexpr unsigned kEntriesPerTable = 512;
inline constexpr unsigned kLevels = 4;
inline constexpr uint64_t kAddressMask = 0x000ffffffffff000ull;  // bits 51:12

// kAmdViIo and kVtdSl are the IOMMUs' 4-level I/O page tables (AMD-Vi and VT-d second-level);
// their entry bits are in kernel/abi/iommu.h. They grant read and write only, never execute.
enum class Format : uint8_t { kNpt = 1, kEpt = 2, kAmdViIo = 3, kVtdSl = 4 };

// Access rights of a mapping (the policy's r/w/x).
enum Access : uint8_t { kRead = 1, kWrite = 2, kExec = 4 };

namespace npt {
inline constexpr uint64_t kPresent = 1ull << 0;
inline constexpr uint64_t kWritable = 1ull << 1;
inline constexpr uint64_t kUser = 1ull << 2;
inline constexpr uint64_t kLarge = 1ull << 7;  // PS
inline constexpr uint64_t kNoExecute = 1ull << 63;
}  // namespace npt

namespace ept {
inline constexpr uint64_t kRead = 1ull << 0;
inline constexpr uint64_t kWrite = 1ull << 1;
inline constexpr uint64_t kExec = 1ull << 2;
inline constexpr uint64_t kMemoryTypeWriteBack = 6ull << 3;  // leaf bits 5:3
inline constexpr uint64_t kLarge = 1ull << 7;
}  // namespace ept

// The index into the table at `level` (4 = top, 1 = last) for a guest-physical address.
constexpr unsigned IndexAt(uint64_t gpa, unsigned level) {
  return static_cast<unsigned>((gpa >> (12 + 9 * (level - 1))) & 0x1ff);
}

static_assert(IndexAt(0x1ff000, 1) == 0x1ff);
static_assert(IndexAt(uint64_t{1} << 39, 4) == 1);

}  // namespace septum::paging

#endif  // SEPTUM_KERNEL_ABI_PAGING_H_
