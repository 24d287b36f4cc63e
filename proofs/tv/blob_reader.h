// proofs/tv/blob_reader.h — a tables blob as the validator and `septum dump` read it: the
// container checked as the kernel checks it (kernel/core/blob), then records, physical
// addresses and page tables looked up by what the blob itself says.
#ifndef SEPTUM_PROOFS_TV_BLOB_READER_H_
#define SEPTUM_PROOFS_TV_BLOB_READER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kernel/abi/paging.h"
#include "kernel/abi/tables.h"
#include "kernel/core/blob.h"
#include "proofs/tv/walk.h"

namespace septum::tv {

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
  // The bytes at host-physical [phys, phys + size), or an empty span if not all in the blob.
  absl::Span<const uint8_t> At(uint64_t phys, uint64_t size) const;
  // Walks the tables rooted at `root`, which must lie in the page-table section; the walker is
  // given the section from the root to its end.
  absl::StatusOr<Walk> WalkTables(paging::Format format, uint64_t root) const;

 private:
  std::vector<uint64_t> words_;
  size_t size_;
  BlobProblem problem_;
  BlobView view_;
};

}  // namespace septum::tv

#endif  // SEPTUM_PROOFS_TV_BLOB_READER_H_
