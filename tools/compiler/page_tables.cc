// tools/compiler/page_tables.cc — see page_tables.h.
#include "tools/compiler/page_tables.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/iommu.h"

namespace septum::compiler {
namespace {

using namespace paging;

// A leaf at level 1 (4 KiB) or, when `large`, level 2 (2 MiB). The IOMMU formats have no
// execute right: kExec is ignored for them.
uint64_t LeafBits(Format f, uint8_t access, bool large) {
  if (f == Format::kAmdViIo) {  // NextLevel 0 marks the leaf at either level (AMD IOMMU §2.2.3)
    using namespace iommu::amdvi;
    return kPresent | NextLevel(0) | kIoRead | ((access & kWrite) ? kIoWrite : 0);
  }
  if (f == Format::kVtdSl) {  // VT-d §9.8: R, W, PS for a 2 MiB page
    return iommu::vtd::kRead | ((access & kWrite) ? iommu::vtd::kWrite : 0) | (large ? iommu::vtd::kLarge : 0);
  }
  if (f == Format::kNpt) {
    uint64_t e = npt::kPresent | npt::kUser;
    if (access & kWrite) e |= npt::kWritable;
    if (!(access & kExec)) e |= npt::kNoExecute;
    if (large) e |= npt::kLarge;
    return e;
  }
  uint64_t e = ept::kRead | ept::kMemoryTypeWriteBack;
  if (access & kWrite) e |= ept::kWrite;
  if (access & kExec) e |= ept::kExec;
  if (large) e |= ept::kLarge;
  return e;
}

// A non-leaf entry at `level` grants everything; the leaf decides (effective W is the AND over
// levels, NX the OR: APM Vol 2 §5.6; EPT: SDM Vol 3C §29.3.3; AMD IOMMU §2.2.3 and VT-d §9.8:
// IR/IW and R/W are ANDed). An AMD-Vi PDE names the level below it in NextLevel.
uint64_t TableBits(Format f, unsigned level) {
  switch (f) {
    case Format::kNpt: return npt::kPresent | npt::kWritable | npt::kUser;
    case Format::kEpt: return ept::kRead | ept::kWrite | ept::kExec;
    case Format::kAmdViIo: {
      using namespace iommu::amdvi;
      return kPresent | NextLevel(level - 1) | kIoRead | kIoWrite;
    }
    case Format::kVtdSl: return iommu::vtd::kRead | iommu::vtd::kWrite;
  }
  return 0;
}

class Builder {
 public:
  Builder(Format format, uint64_t base) : format_(format), base_(base) { NewTable(); }

  // Maps one leaf of 4 KiB (level 1) or 2 MiB (level 2). False if the slot is taken (which
  // the overlap check before rules out).
  bool Map(uint64_t gpa, uint64_t hpa, uint8_t access, unsigned leaf_level) {
    size_t table = 0;  // the root
    for (unsigned level = kLevels; level > leaf_level; --level) {
      uint64_t& entry = Entry(table, IndexAt(gpa, level));
      if (entry != 0 && IsLeaf(entry, level)) return false;
      if (entry == 0) {
        const size_t child = NewTable();
        Entry(table, IndexAt(gpa, level)) = ((base_ + child * kPageSize) & kAddressMask) | TableBits(format_, level);
        table = child;
      } else {
        table = static_cast<size_t>(((entry & kAddressMask) - base_) / kPageSize);
      }
    }
    uint64_t& leaf = Entry(table, IndexAt(gpa, leaf_level));
    if (leaf != 0) return false;
    leaf = (hpa & kAddressMask) | LeafBits(format_, access, leaf_level == 2);
    (leaf_level == 2 ? out_.leaves_2m : out_.leaves_4k)++;
    return true;
  }

  PageTables Finish() {
    out_.base = base_;
    out_.bytes.resize(tables_.size() * kPageSize);
    for (size_t t = 0; t < tables_.size(); ++t) {
      for (unsigned i = 0; i < kEntriesPerTable; ++i) {
        for (unsigned b = 0; b < 8; ++b) {
          out_.bytes[t * kPageSize + i * 8 + b] = static_cast<uint8_t>(tables_[t][i] >> (8 * b));  // little-endian
        }
      }
    }
    return std::move(out_);
  }

 private:
  bool IsLeaf(uint64_t entry, unsigned level) const {
    if (level == 1) return false;
    switch (format_) {
      case Format::kNpt: return entry & npt::kLarge;
      case Format::kEpt: return entry & ept::kLarge;
      case Format::kAmdViIo: return (entry & iommu::amdvi::kNextLevelMask) == iommu::amdvi::NextLevel(0);
      case Format::kVtdSl: return entry & iommu::vtd::kLarge;
    }
    return false;
  }
  size_t NewTable() {
    tables_.emplace_back(kEntriesPerTable, 0);
    return tables_.size() - 1;
  }
  uint64_t& Entry(size_t table, unsigned index) { return tables_[table][index]; }

  Format format_;
  uint64_t base_;
  std::vector<std::vector<uint64_t>> tables_;
  PageTables out_;
};

}  // namespace

absl::StatusOr<PageTables> BuildPageTables(paging::Format format, std::vector<Mapping> mappings, uint64_t base) {
  using namespace paging;
  if (base % kPageSize != 0) return absl::InvalidArgumentError("page-table base is not 4 KiB aligned");
  std::sort(mappings.begin(), mappings.end(), [](const Mapping& a, const Mapping& b) { return a.guest < b.guest; });
  for (size_t i = 0; i < mappings.size(); ++i) {
    const Mapping& m = mappings[i];
    if (m.size == 0 || m.guest % kPageSize || m.host % kPageSize || m.size % kPageSize) {
      return absl::InvalidArgumentError(absl::StrFormat("mapping at guest %#x is empty or not 4 KiB aligned", m.guest));
    }
    if (!(m.access & kRead)) return absl::InvalidArgumentError(absl::StrFormat("mapping at guest %#x is not readable", m.guest));
    if (m.guest >= (uint64_t{1} << 48) || m.size > (uint64_t{1} << 48) - m.guest) {
      return absl::InvalidArgumentError(absl::StrFormat("mapping at guest %#x passes 48 bits", m.guest));
    }
    if (m.host >= (uint64_t{1} << 52) || m.size > (uint64_t{1} << 52) - m.host) {
      return absl::InvalidArgumentError(absl::StrFormat("mapping at host %#x passes 52 bits", m.host));
    }
    if (i > 0 && mappings[i - 1].guest + mappings[i - 1].size > m.guest) {
      return absl::InvalidArgumentError(absl::StrFormat("mappings at guest %#x and %#x overlap", mappings[i - 1].guest, m.guest));
    }
  }
  Builder b(format, base);
  for (const Mapping& m : mappings) {
    uint64_t off = 0;
    while (off < m.size) {
      const uint64_t gpa = m.guest + off, hpa = m.host + off;
      if (gpa % kLargePageSize == 0 && hpa % kLargePageSize == 0 && m.size - off >= kLargePageSize) {
        if (!b.Map(gpa, hpa, m.access, 2)) return absl::InternalError(absl::StrFormat("slot of %#x taken", gpa));
        off += kLargePageSize;
      } else {
        if (!b.Map(gpa, hpa, m.access, 1)) return absl::InternalError(absl::StrFormat("slot of %#x taken", gpa));
        off += kPageSize;
      }
    }
  }
  return b.Finish();
}

}  // namespace septum::compiler
