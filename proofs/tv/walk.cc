// proofs/tv/walk.cc — see walk.h. Written against the manuals, not against the compiler.
#include "proofs/tv/walk.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace septum::tv {
namespace {

using namespace paging;

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
      if (f_ == Format::kNpt) {
        if (!(e & npt::kPresent)) continue;
        access = kRead | ((e & npt::kWritable) ? kWrite : 0) | ((e & npt::kNoExecute) ? 0 : kExec);
        user_ok = e & npt::kUser;
      } else {
        access = ((e & ept::kRead) ? kRead : 0) | ((e & ept::kWrite) ? kWrite : 0) | ((e & ept::kExec) ? kExec : 0);
        if (access == 0) continue;
        if ((access & kWrite) && !(access & kRead)) {
          return absl::FailedPreconditionError(absl::StrFormat("EPT entry for %#x is writable but not readable", gpa));
        }
      }
      access &= access_above;
      if (!user_ok) access = 0;  // NPT: a supervisor entry stops every nested access
      const bool large = level > 1 && (e & (f_ == Format::kNpt ? npt::kLarge : ept::kLarge));
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
