// kernel/core/blob.h — checking a tables blob before anything in it is trusted.
//
// ValidateBlob reads only inside the bytes it is given and accepts a blob only when the magic,
// format version, header size, total length, section directory (inside the blob, after the
// directory, 8-byte aligned, not overlapping, known kinds) and SHA-256 all check out. The
// kernel refuses to start any domain otherwise; host tools use the same code.
#ifndef SEPTUM_KERNEL_CORE_BLOB_H_
#define SEPTUM_KERNEL_CORE_BLOB_H_

#include <stdint.h>

#include "kernel/abi/tables.h"
#include "kernel/lib/result.h"
#include "kernel/lib/sha256.h"
#include "kernel/lib/span.h"

namespace septum {

enum class BlobProblem : uint8_t {
  kNone,
  kTruncated,        // shorter than its header or than total_size
  kBadMagic,
  kBadVersion,
  kBadHeaderSize,
  kBadLength,        // total_size disagrees with the bytes given
  kBadDirectory,     // too many sections, or the directory passes the end
  kBadSection,       // a section outside the blob, misaligned, overlapping, repeated, or of unknown kind
  kBadHash,
};

const char* BlobProblemText(BlobProblem p);

struct BlobView {
  const tables::BlobHeader* header = nullptr;
  Span<const tables::SectionEntry> sections;
  Span<const uint8_t> bytes;
};

// Checks `bytes` (which must be 8-byte aligned in memory); on success the view points into it.
BlobProblem ValidateBlob(Span<const uint8_t> bytes, BlobView* out);

// The bytes of the section of `kind` in a validated blob; empty if it has none.
Span<const uint8_t> SectionBytes(const BlobView& view, tables::SectionKind kind);

// The section as an array of T (records are 8-byte aligned in a validated blob); empty if the
// section is missing or not a whole number of records.
template <typename T>
Span<const T> SectionArray(const BlobView& view, tables::SectionKind kind) {
  const Span<const uint8_t> b = SectionBytes(view, kind);
  if (b.size() % sizeof(T) != 0) return {};
  return Span<const T>(reinterpret_cast<const T*>(b.data()), b.size() / sizeof(T));
}

// The SHA-256 the header must carry: over the blob with the sha256 field taken as zeros.
Sha256::Digest BlobDigest(Span<const uint8_t> bytes);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_BLOB_H_
