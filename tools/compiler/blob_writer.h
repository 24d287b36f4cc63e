// tools/compiler/blob_writer.h — lays out and seals a tables blob (kernel/abi/tables.h).
//
//   BlobWriter w(0x800000, /*section_count=*/2);
//   const size_t pt = w.AddSection(tables::SectionKind::kPageTables, size, 4096);
//   Fill(w.Data(pt), w.PhysicalAddress(pt));  // contents may depend on their final address
//   std::vector<uint8_t> blob = w.Finish();
//
// Sections follow the directory in the order added, each aligned as asked (at least 8 bytes,
// in physical memory, which the 4 KiB-aligned load address makes the same as in the file).
// Finish() writes the header and the SHA-256; the result passes ValidateBlob (kernel/core).
#ifndef SEPTUM_TOOLS_COMPILER_BLOB_WRITER_H_
#define SEPTUM_TOOLS_COMPILER_BLOB_WRITER_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "kernel/abi/tables.h"

namespace septum::compiler {

class BlobWriter {
 public:
  // `load_address` must be 4 KiB aligned; exactly `section_count` sections must be added.
  BlobWriter(uint64_t load_address, uint32_t section_count);

  size_t AddSection(tables::SectionKind kind, uint64_t size, uint64_t align = 8);
  uint64_t PhysicalAddress(size_t section) const { return load_address_ + entries_[section].offset; }
  absl::Span<uint8_t> Data(size_t section);
  // The blob's size so far (final once every section is added).
  uint64_t size() const { return bytes_.size(); }

  std::vector<uint8_t> Finish();

 private:
  uint64_t load_address_;
  uint32_t section_count_;
  std::vector<tables::SectionEntry> entries_;
  std::vector<uint8_t> bytes_;
};

// Recomputes the SHA-256 of a patched blob: for tests that change bytes on purpose, so that the
// validator, not the hash, has to object.
void Reseal(std::vector<uint8_t>* blob);

}  // namespace septum::compiler

#endif  // SEPTUM_TOOLS_COMPILER_BLOB_WRITER_H_
