// proofs/tv/walk.cc — see walk.h. Written against the manuals, not against the compiler.
#include "proofs/tv/walk.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/iommu.h"

namespace septum::tv {
namespace {

using namespace paging;

// What one IOMMU page-table entry says: absent, a leaf, or a pointer to the next table. The
// IOMMU formats grant read and write only. Both decoders are strict: a bit outside the fields
// the format's meaning is built from (reserved, ignored, or a feature the blob never uses) is
// refused rather than ignored, so a flipped bit is either refused or visible in the runs.
struct IoEntry {
  bool present = false;
  bool leaf = false;
  uint8_t access = 0;
};

// AMD IOMMU §2.2.3: PR, NextLevel (11:9), address (51:12), IR (61), IW (62). PR=0: absent (the
// hardware ignores the other bits; we require them zero, like every absent entry). A PDE's NextLevel must be exactly level - 1 (level
// skipping is refused); a leaf has NextLevel 0 at level 1 (4 KiB) or 2 (2 MiB); NextLevel 7
// (page size coded in the address) and leaves at levels 3 and 4 are refused. U (59), FC (60),
// the reserved bits 58:52 and the ignored bits 8:1 and 63 must be 0.
absl::StatusOr<IoEntry> AmdViEntry(uint64_t e, unsigned level, uint64_t iova) {
  using namespace iommu::amdvi;
  IoEntry d;
  if (e == 0) return d;
  if (!(e & kPresent)) {
    return absl::FailedPreconditionError(absl::StrFormat("AMD-Vi entry for IOVA %#x at level %u is absent (PR=0) but not all zeros", iova, level));
  }
  const uint64_t known = kPresent | kNextLevelMask | kAddressMask | kIoRead | kIoWrite;
  if (e & ~known) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "AMD-Vi entry for IOVA %#x at level %u sets bits %#x outside PR, NextLevel, address, IR and IW", iova, level, e & ~known));
  }
  const unsigned next = static_cast<unsigned>((e & kNextLevelMask) >> kNextLevelShift);
  if (next == 0 && level > 2) {
    return absl::FailedPreconditionError(absl::StrFormat("AMD-Vi entry for IOVA %#x is a leaf at level %u", iova, level));
  }
  if (next != 0 && next != level - 1) {
    return absl::FailedPreconditionError(absl::StrFormat("AMD-Vi entry for IOVA %#x at level %u has NextLevel %u (must be %s)", iova,
                                                         level, next, level == 1 ? "0" : absl::StrCat("0 or ", level - 1)));
  }
  d.present = true;
  d.leaf = next == 0;
  d.access = static_cast<uint8_t>(((e & kIoRead) ? kRead : 0) | ((e & kIoWrite) ? kWrite : 0));
  return d;
}

// VT-d §9.8, second-level entries: R (0), W (1), PS (7; a leaf at levels 2 and 3, reserved at
// level 4), address (51:12). R=W=0: absent (the other bits must then be zero, as for every
// absent entry). W without R is a
// write-only entry (VT-d has no EPT-style misconfiguration); it is reported, not refused. X (2),
// the memory-type and A/D bits, SNP (11), TM (62) and PS at level 1 must be 0.
absl::StatusOr<IoEntry> VtdSlEntry(uint64_t e, unsigned level, uint64_t iova) {
  using iommu::vtd::kLarge;
  IoEntry d;
  if (e == 0) return d;
  if (!(e & (iommu::vtd::kRead | iommu::vtd::kWrite))) {
    return absl::FailedPreconditionError(absl::StrFormat("VT-d entry for IOVA %#x at level %u is absent (R=W=0) but not all zeros", iova, level));
  }
  const uint64_t known = iommu::vtd::kRead | iommu::vtd::kWrite | kAddressMask | (level > 1 ? kLarge : 0);
  if (e & ~known) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "VT-d entry for IOVA %#x at level %u sets bits %#x outside R, W, PS and address", iova, level, e & ~known));
  }
  d.present = true;
  d.leaf = level == 1 || (e & kLarge);
  d.access = static_cast<uint8_t>(((e & iommu::vtd::kRead) ? kRead : 0) | ((e & iommu::vtd::kWrite) ? kWrite : 0));
  return d;
}

// NPT (APM Vol 2 §5.3.3): P, R/W, U/S, PS (levels 2 and 3), NX, address. EPT (SDM Vol 3C
// §29.3.2): R, W, X, address; a leaf also has memory type write-back (bits 5:3 = 6) and, above
// level 1, PS; a non-leaf has bits 7:3 clear. The entry must be present (NPT: P; EPT: R, W or X).
absl::Status NestedEntryBits(bool npt_format, uint64_t e, unsigned level, uint64_t gpa) {
  uint64_t known;
  const char* names;
  if (npt_format) {
    known = npt::kPresent | npt::kWritable | npt::kUser | npt::kNoExecute | kAddressMask | (level == 2 || level == 3 ? npt::kLarge : 0);
    names = "P, R/W, U/S, PS, NX and address";
    if (!(e & npt::kPresent)) known = 0;
  } else {
    const bool leaf = level == 1 || ((level == 2 || level == 3) && (e & ept::kLarge));
    known = ept::kRead | ept::kWrite | ept::kExec | kAddressMask | (leaf && level > 1 ? ept::kLarge : 0);
    names = leaf ? "R, W, X, memory type write-back, PS and address" : "R, W, X and address";
    if (leaf) {
      if ((e & (7ull << 3)) != ept::kMemoryTypeWriteBack) {
        return absl::FailedPreconditionError(absl::StrFormat("EPT leaf for %#x has memory type %d, not write-back (6)", gpa, (e >> 3) & 7));
      }
      known |= ept::kMemoryTypeWriteBack;
    }
    if (!(e & (ept::kRead | ept::kWrite | ept::kExec))) known = 0;
  }
  if (e & ~known) {
    return absl::FailedPreconditionError(absl::StrFormat("%s entry for %#x at level %u sets bits %#x outside %s", npt_format ? "NPT" : "EPT",
                                                         gpa, level, e & ~known, known ? names : "an absent entry's (none)"));
  }
  return absl::OkStatus();
}

class Walker {
 public:
  Walker(Format f, absl::Span<const uint8_t> bytes, uint64_t base) : f_(f), bytes_(bytes), base_(base) {
    reached_.assign(bytes.size() / kPageSize, false);
  }

  absl::Status Run() {
    if (bytes_.empty() || bytes_.size() % kPageSize != 0) return absl::InvalidArgumentError("table area is not whole pages");
    return Visit(base_, kLevels, 0, kRead | kWrite | kExec);
  }

  Walk Take() {
    Walk w;
    w.runs = CanonicalRuns(std::move(leaves_));
    w.table_pages = std::move(pages_);
    return w;
  }

 private:
  uint64_t EntryAt(uint64_t table, unsigned i) const {
    const size_t off = static_cast<size_t>(table - base_) + i * 8;
    uint64_t e = 0;
    for (unsigned b = 0; b < 8; ++b) e |= uint64_t{bytes_[off + b]} << (8 * b);
    return e;
  }

  absl::Status Visit(uint64_t table, unsigned level, uint64_t gpa_base, uint8_t access_above) {
    if (table < base_ || table - base_ >= bytes_.size() || (table - base_) % kPageSize != 0) {
      return absl::FailedPreconditionError(absl::StrFormat("a table pointer (%#x) leaves the table area", table));
    }
    const size_t page = static_cast<size_t>((table - base_) / kPageSize);
    if (reached_[page]) return absl::FailedPreconditionError(absl::StrFormat("table page %#x is reached twice", table));
    reached_[page] = true;
    pages_.push_back(table);
    const uint64_t span = uint64_t{1} << (12 + 9 * (level - 1));  // bytes one entry covers
    for (unsigned i = 0; i < kEntriesPerTable; ++i) {
      const uint64_t e = EntryAt(table, i);
      const uint64_t gpa = gpa_base + i * span;
      uint8_t access;
      bool user_ok = true;
      bool large;
      if (f_ == Format::kNpt || f_ == Format::kEpt) {
        // Strict, like the IOMMU formats: an absent entry is all zeros, and a present one sets
        // only the bits its meaning is built from, so any other bit (ignored, accessed/dirty,
        // caching, reserved) is refused rather than left to the hardware.
        if (e == 0) continue;
        absl::Status st = NestedEntryBits(f_ == Format::kNpt, e, level, gpa);
        if (!st.ok()) return st;
      }
      if (f_ == Format::kNpt) {
        access = kRead | ((e & npt::kWritable) ? kWrite : 0) | ((e & npt::kNoExecute) ? 0 : kExec);
        user_ok = e & npt::kUser;
        large = level > 1 && (e & npt::kLarge);
      } else if (f_ == Format::kEpt) {
        access = ((e & ept::kRead) ? kRead : 0) | ((e & ept::kWrite) ? kWrite : 0) | ((e & ept::kExec) ? kExec : 0);
        if ((access & kWrite) && !(access & kRead)) {
          return absl::FailedPreconditionError(absl::StrFormat("EPT entry for %#x is writable but not readable", gpa));
        }
        large = level > 1 && (e & ept::kLarge);
      } else {
        absl::StatusOr<IoEntry> d = f_ == Format::kAmdViIo ? AmdViEntry(e, level, gpa) : VtdSlEntry(e, level, gpa);
        if (!d.ok()) return d.status();
        if (!d->present) continue;
        access = d->access;
        large = level > 1 && d->leaf;
      }
      access &= access_above;
      if (!user_ok) access = 0;  // NPT: a supervisor entry stops every nested access
      if (level == 4 && large) return absl::FailedPreconditionError("a large page at the top level is reserved");
      if (level == 1 || large) {
        const uint64_t host = e & kAddressMask;
        if (host % span != 0) {
          return absl::FailedPreconditionError(absl::StrFormat("leaf for %#x has a frame %#x not aligned to its size", gpa, host));
        }
        if (access != 0) leaves_.push_back({gpa, host, span, access});
        continue;
      }
      absl::Status s = Visit(e & kAddressMask, level - 1, gpa, access);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  Format f_;
  absl::Span<const uint8_t> bytes_;
  uint64_t base_;
  std::vector<bool> reached_;
  std::vector<uint64_t> pages_;
  std::vector<tv::Run> leaves_;
};

}  // namespace

std::vector<Run> CanonicalRuns(std::vector<Run> runs) {
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.guest < b.guest; });
  std::vector<Run> out;
  for (const Run& r : runs) {
    if (!out.empty() && out.back().guest + out.back().size == r.guest && out.back().host + out.back().size == r.host &&
        out.back().access == r.access) {
      out.back().size += r.size;
    } else {
      out.push_back(r);
    }
  }
  return out;
}

std::string AccessText(uint8_t a) {
  return absl::StrCat((a & paging::kRead) ? "r" : "-", (a & paging::kWrite) ? "w" : "-", (a & paging::kExec) ? "x" : "-");
}

absl::StatusOr<Walk> WalkToRuns(paging::Format format, absl::Span<const uint8_t> bytes, uint64_t base) {
  Walker w(format, bytes, base);
  absl::Status s = w.Run();
  if (!s.ok()) return s;
  return w.Take();
}

}  // namespace septum::tv
