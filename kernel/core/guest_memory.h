// kernel/core/guest_memory.h — reading and writing a guest's memory through its nested page
// tables, the way the hardware would, so a hypercall touches only what the guest itself may.
//
// Every address a guest passes is guest-physical. TranslateGuest walks the domain's NPT or EPT
// (formats in kernel/abi/paging.h) and returns the host-physical address and the rights the
// walk grants (the AND of every level's rights). All host-physical memory the code reads or
// writes — the table pages and the guest's pages — goes through PhysAt, which refuses anything
// outside one PhysicalMemory window: a bad table pointer gives kOutOfRange, never a wild access.
//
// CheckGuestRange proves a whole range usable before anything happens; CopyFromGuest and
// CopyToGuest check first and copy after, so a refused copy reads or writes nothing. The tables
// are immutable once installed, so what was checked is what gets copied.
// Pure: host-tested (guest_memory_test) with tables built by hand in a vector.
#ifndef SEPTUM_KERNEL_CORE_GUEST_MEMORY_H_
#define SEPTUM_KERNEL_CORE_GUEST_MEMORY_H_

#include <stdint.h>

#include "kernel/abi/paging.h"
#include "kernel/abi/status.h"
#include "kernel/lib/result.h"

namespace septum {

// Host-physical memory [start, start + size) is accessible at host address `base` onwards.
// The kernel identity maps its first 4 GiB (base = 0, start = 0, size = 4 GiB); host tests
// use a vector's storage. The window must not wrap: start + size <= 2^64, base + size too.
struct PhysicalMemory {
  uintptr_t base = 0;
  uint64_t start = 0;
  uint64_t size = 0;
};

// The host pointer to [phys, phys + length); kOutOfRange unless that lies inside the window.
Result<uint8_t*> PhysAt(const PhysicalMemory& memory, uint64_t phys, uint64_t length);

// Guest-physical addresses are 48 bits wide: 4 levels of 9 bits above a 12-bit page offset.
inline constexpr uint64_t kGuestAddressLimit = uint64_t{1} << 48;
// The longest range CheckGuestRange walks (every caller's limit is far lower): bounds its loop.
inline constexpr uint64_t kMaxGuestRange = uint64_t{1} << 30;

struct Translation {
  uint64_t host = 0;   // host-physical address of the guest-physical address translated
  uint8_t access = 0;  // paging::Access bits granted by every level of the walk
};

// Translates `gpa` through the 4-level table at host-physical `root` (bits 11:0 ignored, as
// the hardware ignores them in nCR3 / the EPTP). An entry the hardware would refuse counts as
// not mapped: not present, an NPT entry without U (AMD APM Vol 2 §15.25.5: nested walks are
// user accesses, so U=0 always faults), PS set at level 4 (reserved), an EPT entry writable but
// not readable (a misconfiguration, Intel SDM Vol 3C §29.3.3.1).
// kNotFound: not mapped. kOutOfRange: gpa >= 2^48, or a table outside the window.
// kUnsupported: a format other than kNpt / kEpt.
Result<Translation> TranslateGuest(const PhysicalMemory& memory, paging::Format format, uint64_t root, uint64_t gpa);

// Whether every byte of [gpa, gpa + length) is mapped with all `need` rights (paging::Access
// bits) to host memory inside the window. Length 0 is always fine. kOutOfRange: the range
// wraps 2^64, reaches 2^48, is longer than kMaxGuestRange, touches an unmapped page, or maps
// outside the window. kDenied: a page is mapped without a needed right.
Status CheckGuestRange(const PhysicalMemory& memory, paging::Format format, uint64_t root, uint64_t gpa,
                       uint64_t length, uint8_t need);

// Copies guest [gpa, gpa + length) to `out` / `in` to guest [gpa, gpa + length), page by page
// (consecutive guest pages need not be consecutive in host memory). All or nothing: the range
// is checked first (readable / writable, as CheckGuestRange), and on any error nothing is copied.
Status CopyFromGuest(const PhysicalMemory& memory, paging::Format format, uint64_t root, uint64_t gpa,
                     uint64_t length, uint8_t* out);
Status CopyToGuest(const PhysicalMemory& memory, paging::Format format, uint64_t root, uint64_t gpa,
                   const uint8_t* in, uint64_t length);

// One leaf of a domain's nested tables: guest [guest, guest + size) -> host [host, host + size).
struct GuestLeaf {
  uint64_t guest = 0;
  uint64_t host = 0;
  uint64_t size = 0;
  uint8_t access = 0;
};

// Calls visit(context, leaf) for every usable leaf of the tables at `root`, in guest-address
// order; stops at the first non-ok status `visit` returns, or at a table outside the window
// (kOutOfRange), and returns it. At most 512^4 entries are looked at; a blob's tables are small.
using LeafVisitor = Status (*)(void* context, const GuestLeaf& leaf);
Status ForEachLeaf(const PhysicalMemory& memory, paging::Format format, uint64_t root, LeafVisitor visit, void* context);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_GUEST_MEMORY_H_
