// kernel/core/blob.cc — see blob.h.
#include "kernel/core/blob.h"

namespace septum {

const char* BlobProblemText(BlobProblem p) {
  switch (p) {
    case BlobProblem::kNone: return "ok";
    case BlobProblem::kTruncated: return "truncated";
    case BlobProblem::kBadMagic: return "wrong magic (not a Septum tables blob)";
    case BlobProblem::kBadVersion: return "unsupported format version";
    case BlobProblem::kBadHeaderSize: return "wrong header size";
    case BlobProblem::kBadLength: return "length field disagrees with the blob";
    case BlobProblem::kBadDirectory: return "section directory out of bounds";
    case BlobProblem::kBadSection: return "section out of bounds, misaligned, overlapping, repeated or of unknown kind";
    case BlobProblem::kBadHash: return "SHA-256 mismatch";
  }
  return "unknown";
}

Sha256::Digest BlobDigest(Span<const uint8_t> bytes) {
  constexpr size_t kHashAt = 40, kHashLen = 32;
  Sha256 h;
  h.Update(bytes.Subspan(0, kHashAt).value());
  const uint8_t zeros[kHashLen] = {};
  h.Update(Span<const uint8_t>(zeros, kHashLen));
  h.Update(bytes.From(kHashAt + kHashLen).value());
  return h.Finish();
}

BlobProblem ValidateBlob(Span<const uint8_t> bytes, BlobView* out) {
  using tables::BlobHeader;
  using tables::SectionEntry;
  if (bytes.size() < sizeof(BlobHeader)) return BlobProblem::kTruncated;
  SEPTUM_ASSERT(reinterpret_cast<uintptr_t>(bytes.data()) % 8 == 0);
  const auto* h = reinterpret_cast<const BlobHeader*>(bytes.data());
  for (size_t i = 0; i < sizeof(tables::kMagic); ++i) {
    if (h->magic[i] != tables::kMagic[i]) return BlobProblem::kBadMagic;
  }
  if (h->version != tables::kFormatVersion) return BlobProblem::kBadVersion;
  if (h->header_size != sizeof(BlobHeader)) return BlobProblem::kBadHeaderSize;
  if (h->total_size > bytes.size()) return BlobProblem::kTruncated;
  if (h->total_size < sizeof(BlobHeader) || h->total_size != bytes.size()) return BlobProblem::kBadLength;
  if (h->section_count > tables::kMaxSections || h->reserved != 0) return BlobProblem::kBadDirectory;
  const uint64_t directory_end = sizeof(BlobHeader) + uint64_t{h->section_count} * sizeof(SectionEntry);
  if (directory_end > h->total_size) return BlobProblem::kBadDirectory;
  const auto* sections = reinterpret_cast<const SectionEntry*>(bytes.data() + sizeof(BlobHeader));
  for (uint32_t i = 0; i < h->section_count; ++i) {
    const SectionEntry& s = sections[i];
    const bool known = s.kind >= 1 && s.kind <= tables::kMaxSectionKind;
    if (!known || s.reserved != 0 || s.offset % 8 != 0 || s.offset < directory_end || s.offset > h->total_size ||
        s.size > h->total_size - s.offset) {
      return BlobProblem::kBadSection;
    }
    const bool paged = s.kind == static_cast<uint32_t>(tables::SectionKind::kPageTables) ||
                       s.kind == static_cast<uint32_t>(tables::SectionKind::kIoBitmaps) ||
                       s.kind == static_cast<uint32_t>(tables::SectionKind::kIommu) ||
                       s.kind == static_cast<uint32_t>(tables::SectionKind::kStartState);
    if (paged && (h->load_address + s.offset) % 4096 != 0) return BlobProblem::kBadSection;
    for (uint32_t j = 0; j < i; ++j) {  // at most 64 sections: pairwise is fine
      const SectionEntry& t = sections[j];
      if (s.kind == t.kind) return BlobProblem::kBadSection;
      if (s.size && t.size && s.offset < t.offset + t.size && t.offset < s.offset + s.size) return BlobProblem::kBadSection;
    }
  }
  if (BlobDigest(bytes) != *reinterpret_cast<const Sha256::Digest*>(h->sha256)) return BlobProblem::kBadHash;
  out->header = h;
  out->sections = Span<const SectionEntry>(sections, h->section_count);
  out->bytes = bytes;
  return BlobProblem::kNone;
}

Span<const uint8_t> SectionBytes(const BlobView& view, tables::SectionKind kind) {
  for (const tables::SectionEntry& s : view.sections) {
    if (s.kind == static_cast<uint32_t>(kind)) return Span<const uint8_t>(view.bytes.data() + s.offset, s.size);
  }
  return {};
}

}  // namespace septum
