// proofs/tv/image_facts.h — what the translation validation knows of a domain's guest image:
// the facts the tables blob must record for it (kind, entry, size, SHA-256 of the file) and
// its load segments, which must be the blob's segment records.
//
// Owned by proofs/ so that the validator depends on nothing of the compiler it checks
// (ARCHITECTURE.md, the data path); the tools fill it from the images they read
// (tools/compiler/image_facts.h).
#ifndef SEPTUM_PROOFS_TV_IMAGE_FACTS_H_
#define SEPTUM_PROOFS_TV_IMAGE_FACTS_H_

#include <cstdint>
#include <vector>

namespace septum::tv {

struct ImageSegment {
  uint64_t guest = 0;        // guest-physical load address
  uint64_t file_offset = 0;  // where its bytes start in the image file
  uint64_t file_size = 0;    // bytes copied from the file
  uint64_t mem_size = 0;     // bytes of guest memory, the rest zeroed
  uint8_t access = 0;        // paging::Access bits
};

struct ImageFacts {
  enum class Kind : uint8_t { kElf64 = 1, kElf32 = 2, kRaw = 3 };
  Kind kind = Kind::kRaw;
  uint64_t entry = 0;                  // guest-physical entry point
  std::vector<ImageSegment> segments;  // as the image's loader gives them
  uint64_t size = 0;                   // bytes of the whole file
  uint8_t sha256[32] = {};             // SHA-256 of the whole file
};

}  // namespace septum::tv

#endif  // SEPTUM_PROOFS_TV_IMAGE_FACTS_H_
