// tools/compiler/blob_writer.cc — see blob_writer.h.
#include "tools/compiler/blob_writer.h"

#include <cstring>
#include <stdexcept>

#include "kernel/core/blob.h"

namespace septum::compiler {

BlobWriter::BlobWriter(uint64_t load_address, uint32_t section_count)
    : load_address_(load_address), section_count_(section_count) {
  if (load_address % 4096 != 0 || section_count > tables::kMaxSections) {
    throw std::invalid_argument("BlobWriter: load address not 4 KiB aligned, or too many sections");
  }
  bytes_.assign(sizeof(tables::BlobHeader) + section_count * sizeof(tables::SectionEntry), 0);
}

size_t BlobWriter::AddSection(tables::SectionKind kind, uint64_t size, uint64_t align) {
  if (entries_.size() == section_count_) throw std::logic_error("BlobWriter: more sections than declared");
  if (align < 8) align = 8;
  const uint64_t offset = (bytes_.size() + align - 1) / align * align;
  bytes_.resize(offset + size, 0);
  entries_.push_back({static_cast<uint32_t>(kind), 0, offset, size});
  return entries_.size() - 1;
}

absl::Span<uint8_t> BlobWriter::Data(size_t section) {
  return absl::Span<uint8_t>(bytes_.data() + entries_[section].offset, entries_[section].size);
}

std::vector<uint8_t> BlobWriter::Finish() {
  if (entries_.size() != section_count_) throw std::logic_error("BlobWriter: fewer sections than declared");
  tables::BlobHeader h{};
  std::memcpy(h.magic, tables::kMagic, sizeof(h.magic));
  h.version = tables::kFormatVersion;
  h.header_size = sizeof(tables::BlobHeader);
  h.total_size = bytes_.size();
  h.load_address = load_address_;
  h.section_count = section_count_;
  std::memcpy(bytes_.data(), &h, sizeof(h));  // the host is little-endian x86-64, like the target
  std::memcpy(bytes_.data() + sizeof(h), entries_.data(), entries_.size() * sizeof(tables::SectionEntry));
  const Sha256::Digest d = BlobDigest(Span<const uint8_t>(bytes_.data(), bytes_.size()));
  std::memcpy(bytes_.data() + offsetof(tables::BlobHeader, sha256), d.bytes, sizeof(d.bytes));
  return std::move(bytes_);
}

void Reseal(std::vector<uint8_t>* blob) {
  if (blob->size() < sizeof(tables::BlobHeader)) return;
  const Sha256::Digest d = BlobDigest(Span<const uint8_t>(blob->data(), blob->size()));
  std::memcpy(blob->data() + offsetof(tables::BlobHeader, sha256), d.bytes, sizeof(d.bytes));
}

}  // namespace septum::compiler
