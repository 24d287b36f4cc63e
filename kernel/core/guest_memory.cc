// kernel/core/guest_memory.cc — see guest_memory.h.
#include "kernel/core/guest_memory.h"

namespace septum {
namespace {

using paging::Format;

// EPT keeps R, W, X in bits 0-2, the order of paging::Access; PS is bit 7 in both formats.
static_assert(paging::ept::kRead == paging::kRead && paging::ept::kWrite == paging::kWrite &&
              paging::ept::kExec == paging::kExec);
static_assert(paging::npt::kLarge == paging::ept::kLarge);

constexpr uint8_t kAllAccess = paging::kRead | paging::kWrite | paging::kExec;

// The tables a domain's guest-physical addresses go through.
struct GuestSpace {
  const PhysicalMemory& memory;
  Format format;
  uint64_t root;
};

// One table entry, decoded for its format and level.
struct Entry {
  bool usable = false;   // the hardware would follow it (see TranslateGuest for what is not)
  bool leaf = false;     // maps memory rather than the next table
  uint8_t access = 0;    // paging::Access bits it grants
  uint64_t address = 0;  // bits 51:12: the next table, or the memory it maps
};

// Bytes a leaf at `level` maps: 4 KiB, 2 MiB, 1 GiB.
constexpr uint64_t LeafSize(unsigned level) { return uint64_t{1} << (12 + 9 * (level - 1)); }

Entry Decode(Format format, uint64_t raw, unsigned level) {
  Entry e;
  if (format == Format::kNpt) {
    e.usable = (raw & paging::npt::kPresent) && (raw & paging::npt::kUser);
    e.access = static_cast<uint8_t>(paging::kRead | ((raw & paging::npt::kWritable) ? paging::kWrite : 0) |
                                    ((raw & paging::npt::kNoExecute) ? 0 : paging::kExec));
  } else {
    e.access = static_cast<uint8_t>(raw & kAllAccess);
    const bool write_only = (e.access & paging::kWrite) && !(e.access & paging::kRead);
    e.usable = e.access != 0 && !write_only;
  }
  // Bit 7 means PS only at levels 2 and 3; at level 1 it is PAT (NPT) or ignored (EPT), at
  // level 4 it is reserved (APM Vol 2 §5.3.3, SDM Vol 3C §29.3.2).
  const bool large = (raw & paging::npt::kLarge) != 0;
  if (level == 4 && large) e.usable = false;
  e.leaf = level == 1 || large;
  e.address = raw & paging::kAddressMask;
  return e;
}

Result<uint64_t> ReadEntry(const PhysicalMemory& memory, uint64_t table, unsigned index) {
  SEPTUM_ASSIGN_OR_RETURN(const uint8_t* at, PhysAt(memory, table + uint64_t{index} * 8, 8));
  uint64_t raw;
  __builtin_memcpy(&raw, at, sizeof(raw));  // tables are 8-byte aligned; the window's base need not be
  return raw;
}

// Calls visit(translation, done, piece) for each piece of [gpa, gpa + length) that lies in one
// 4 KiB guest page, in order; `done` bytes of the range precede the piece. Stops at the first
// error, which it returns. The caller has bounded the range.
template <typename Visit>
Status ForEachPage(const GuestSpace& space, uint64_t gpa, uint64_t length, Visit visit) {
  for (uint64_t done = 0; done < length;) {
    const uint64_t at = gpa + done;
    const uint64_t to_page_end = paging::kPageSize - at % paging::kPageSize;
    const uint64_t piece = length - done < to_page_end ? length - done : to_page_end;
    SEPTUM_ASSIGN_OR_RETURN(const Translation t, TranslateGuest(space.memory, space.format, space.root, at));
    SEPTUM_TRY(visit(t, done, piece));
    done += piece;
  }
  return Status::kOk;
}

// Checks [gpa, gpa + length) for `need`, then hands each piece's host bytes to
// copy(host, done, piece). Nothing is copied unless the whole range checks out.
template <typename CopyPiece>
Status CheckedCopy(const GuestSpace& space, uint64_t gpa, uint64_t length, uint8_t need, CopyPiece copy) {
  SEPTUM_TRY(CheckGuestRange(space.memory, space.format, space.root, gpa, length, need));
  return ForEachPage(space, gpa, length, [&](const Translation& t, uint64_t done, uint64_t piece) {
    SEPTUM_ASSIGN_OR_RETURN(uint8_t* host, PhysAt(space.memory, t.host, piece));
    copy(host, done, piece);
    return Status::kOk;
  });
}

struct LeafWalk {
  const PhysicalMemory& memory;
  Format format;
  LeafVisitor visit;
  void* context;

  Status Table(uint64_t table, unsigned level, uint64_t guest_base, uint8_t access) const {
    for (unsigned i = 0; i < paging::kEntriesPerTable; ++i) {
      SEPTUM_ASSIGN_OR_RETURN(const uint64_t raw, ReadEntry(memory, table, i));
      const Entry entry = Decode(format, raw, level);
      if (!entry.usable) continue;
      const uint64_t guest = guest_base + uint64_t{i} * LeafSize(level);
      const uint8_t granted = access & entry.access;
      if (entry.leaf) {
        SEPTUM_TRY(visit(context, GuestLeaf{guest, entry.address & ~(LeafSize(level) - 1), LeafSize(level), granted}));
      } else {
        SEPTUM_TRY(Table(entry.address, level - 1, guest, granted));
      }
    }
    return Status::kOk;
  }
};

}  // namespace

Status ForEachLeaf(const PhysicalMemory& memory, Format format, uint64_t root, LeafVisitor visit, void* context) {
  if (format != Format::kNpt && format != Format::kEpt) return Status::kUnsupported;
  return LeafWalk{memory, format, visit, context}.Table(root & paging::kAddressMask, paging::kLevels, 0, kAllAccess);
}

Result<uint8_t*> PhysAt(const PhysicalMemory& memory, uint64_t phys, uint64_t length) {
  if (phys < memory.start) return Status::kOutOfRange;
  const uint64_t offset = phys - memory.start;
  if (offset > memory.size || length > memory.size - offset) return Status::kOutOfRange;
  // Integer arithmetic: in the kernel `base` is 0, and pointer arithmetic on null is undefined.
  return reinterpret_cast<uint8_t*>(memory.base + static_cast<uintptr_t>(offset));
}

Result<Translation> TranslateGuest(const PhysicalMemory& memory, Format format, uint64_t root, uint64_t gpa) {
  if (format != Format::kNpt && format != Format::kEpt) return Status::kUnsupported;
  if (gpa >= kGuestAddressLimit) return Status::kOutOfRange;
  uint64_t table = root & paging::kAddressMask;
  uint8_t access = kAllAccess;
  for (unsigned level = paging::kLevels; level > 0; --level) {
    SEPTUM_ASSIGN_OR_RETURN(const uint64_t raw, ReadEntry(memory, table, paging::IndexAt(gpa, level)));
    const Entry entry = Decode(format, raw, level);
    if (!entry.usable) return Status::kNotFound;
    access &= entry.access;
    if (entry.leaf) {
      // A large leaf's memory is aligned to its size; the bits below are PAT (NPT bit 12) or zero.
      const uint64_t offset_mask = LeafSize(level) - 1;
      return Translation{(entry.address & ~offset_mask) | (gpa & offset_mask), access};
    }
    table = entry.address;
  }
  SEPTUM_PANIC("a level-1 entry is always a leaf");
}

Status CheckGuestRange(const PhysicalMemory& memory, Format format, uint64_t root, uint64_t gpa, uint64_t length,
                       uint8_t need) {
  if (length == 0) return Status::kOk;
  if (length > kMaxGuestRange || gpa >= kGuestAddressLimit || length > kGuestAddressLimit - gpa) {
    return Status::kOutOfRange;
  }
  const Status s = ForEachPage(GuestSpace{memory, format, root}, gpa, length,
                               [&](const Translation& t, uint64_t, uint64_t piece) {
                                 if ((t.access & need) != need) return Status::kDenied;
                                 return PhysAt(memory, t.host, piece).status();
                               });
  return s == Status::kNotFound ? Status::kOutOfRange : s;
}

Status CopyFromGuest(const PhysicalMemory& memory, Format format, uint64_t root, uint64_t gpa, uint64_t length,
                     uint8_t* out) {
  return CheckedCopy(GuestSpace{memory, format, root}, gpa, length, paging::kRead,
                     [out](const uint8_t* host, uint64_t done, uint64_t piece) { __builtin_memcpy(out + done, host, piece); });
}

Status CopyToGuest(const PhysicalMemory& memory, Format format, uint64_t root, uint64_t gpa, const uint8_t* in,
                   uint64_t length) {
  return CheckedCopy(GuestSpace{memory, format, root}, gpa, length, paging::kWrite,
                     [in](uint8_t* host, uint64_t done, uint64_t piece) { __builtin_memcpy(host, in + done, piece); });
}

}  // namespace septum
