// proofs/tv/walk.h — decodes nested page tables from the blob's bytes into mapping runs,
// independently of the compiler: what the hardware would do, table by table.
//
// A run is a maximal stretch of guest-physical addresses mapped contiguously to host-physical
// addresses with one effective access. Effective access follows the manuals: NPT — present
// implies read, W is the AND of R/W over the levels, X is the NOR of NX, and every level needs
// U (nested walks are user accesses; APM Vol 2 §15.25.5), else nothing is accessible; EPT — R,
// W, X each the AND over the levels, R=W=X=0 is not present, W without R is a
// misconfiguration (SDM Vol 3C §29.3.3.1). The AMD-Vi and VT-d second-level formats (walk.cc)
// follow the IOMMU specifications. Every format is decoded strictly: an absent entry must be all
// zeros and a present one may set only the bits its meaning is built from (EPT leaves: memory
// type write-back), so no bit is left for the hardware to interpret on its own.
// Structural rules (the validator's obligation that table pages are only tables): every table
// pointer lands on a page inside the table area, and every table page is reached exactly once.
#ifndef SEPTUM_PROOFS_TV_WALK_H_
#define SEPTUM_PROOFS_TV_WALK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kernel/abi/paging.h"

namespace septum::tv {

struct Run {
  uint64_t guest = 0;
  uint64_t host = 0;
  uint64_t size = 0;
  uint8_t access = 0;  // paging::Access bits
  bool operator==(const Run& o) const {
    return guest == o.guest && host == o.host && size == o.size && access == o.access;
  }
};

struct Walk {
  std::vector<Run> runs;                // sorted by guest address
  std::vector<uint64_t> table_pages;    // host-physical address of every table page reached
};

// Sorts runs by guest address and merges neighbours that continue each other (adjacent in
// guest and host space, same access): the canonical form two mapping sets are compared in.
std::vector<Run> CanonicalRuns(std::vector<Run> runs);

// "rw-", "r-x": access bits as text.
std::string AccessText(uint8_t access);

// `bytes` are the table pages, the first being the root, placed at host-physical `base`.
// Errors: a pointer outside the area or not page aligned, a page reached twice, a large page
// where the level forbids one, an EPT misconfiguration.
absl::StatusOr<Walk> WalkToRuns(paging::Format format, absl::Span<const uint8_t> bytes, uint64_t base);

}  // namespace septum::tv

#endif  // SEPTUM_PROOFS_TV_WALK_H_
