// proofs/tv/blob_reader.h — a tables blob as the validator and `septum dump` read it: the
// container checked as the kernel checks it (kernel/core/blob), then records, physical
// addresses and page tables looked up by what the blob itself says.
#ifndef SEPTUM_PROOFS_TV_BLOB_READER_H_
#define SEPTUM_PROOFS_TV_BLOB_READER_H_

#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "kernel/abi/paging.h"
#include "kernel/abi/tables.h"
#include "kernel/core/blob.h"
#include "proofs/tv/walk.h"

namespace septum::tv {

// "page-tables", "io-bitmaps", ...
const char* SectionName(tables::SectionKind kind);

// The schedule section read into its parts (kernel/abi/tables.h): header, plans, slots.
struct ScheduleParts {
  tables::ScheduleHeader header{};
  std::vector<tables::CpuPlan> plans;
  std::vector<tables::SlotRecord> slots;
};

class BlobReader {
 public:
  // Copies the blob into 8-byte-aligned storage (as the kernel holds it) and checks it.
  explicit BlobReader(const std::vector<uint8_t>& blob);

  BlobProblem problem() const { return problem_; }
  // The rest is meaningful only when problem() is kNone.
  const BlobView& view() const { return view_; }
  const tables::BlobHeader& header() const { return *view_.header; }
  // The first section of that kind, or nullptr.
  const tables::SectionEntry* Section(tables::SectionKind kind) const;
  size_t DomainCount() const;
  tables::DomainRecord Domain(size_t i) const;
  // The records of a section holding an array of T, or an error if the section is missing or
  // its size is not a multiple of sizeof(T).
  template <typename T>
  absl::StatusOr<std::vector<T>> Records(tables::SectionKind kind) const {
    const tables::SectionEntry* s = Section(kind);
    if (!s) return absl::FailedPreconditionError(absl::StrCat("the blob has no ", SectionName(kind), " section"));
    if (s->size % sizeof(T) != 0) {
      return absl::FailedPreconditionError(absl::StrCat("the ", SectionName(kind), " section is not a whole number of records"));
    }
    std::vector<T> out(s->size / sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), view_.bytes.data() + s->offset, s->size);
    return out;
  }
  // The bytes at host-physical [phys, phys + size), or an empty span if not all in the blob.
  absl::Span<const uint8_t> At(uint64_t phys, uint64_t size) const;
  // The schedule section, or an error if it is missing, shorter than its header, or of a size
  // its plan and slot counts disagree with.
  absl::StatusOr<ScheduleParts> Schedule() const;
  // Walks the tables rooted at `root`, which must lie in the page-table section; the walker is
  // given the section from the root to its end.
  absl::StatusOr<Walk> WalkTables(paging::Format format, uint64_t root) const;

  // Coverage: the validator marks the bytes it has decoded and checked.
  void Cover(uint64_t phys, uint64_t size) const;
  void CoverOffset(uint64_t offset, uint64_t size) const;
  // How many bytes of [offset, offset + size) have been marked.
  uint64_t CoveredBytes(uint64_t offset, uint64_t size) const;

 private:
  std::vector<uint64_t> words_;
  size_t size_;
  BlobProblem problem_;
  BlobView view_;
  mutable std::vector<std::pair<uint64_t, uint64_t>> covered_;  // [begin, end) offsets, unsorted
};


}  // namespace septum::tv

#endif  // SEPTUM_PROOFS_TV_BLOB_READER_H_
