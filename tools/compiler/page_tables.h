// tools/compiler/page_tables.h — builds a domain's 4-level nested page tables (NPT or EPT)
// from its mappings, as bytes placed at a fixed host-physical address.
//
// Invariants of the result: exactly the given guest-physical ranges are mapped, to the given
// host-physical frames with the given access; everything else is not present. 2 MiB leaves
// are used where guest and host addresses are both 2 MiB aligned and 2 MiB remain, 4 KiB
// leaves otherwise. Table pages are laid out in the order they are first needed (root first),
// so the same mappings always give the same bytes.
#ifndef SEPTUM_TOOLS_COMPILER_PAGE_TABLES_H_
#define SEPTUM_TOOLS_COMPILER_PAGE_TABLES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "kernel/abi/paging.h"

namespace septum::compiler {

struct Mapping {
  uint64_t guest = 0;   // guest-physical base, 4 KiB aligned
  uint64_t host = 0;    // host-physical base, 4 KiB aligned
  uint64_t size = 0;    // bytes, a multiple of 4 KiB
  uint8_t access = 0;   // paging::Access bits; kRead is required
};

struct PageTables {
  uint64_t base = 0;           // host-physical address of the first table page (the root)
  std::vector<uint8_t> bytes;  // the table pages, 4 KiB each
  uint64_t leaves_4k = 0;
  uint64_t leaves_2m = 0;
};

// Fails (InvalidArgument) on unaligned or overlapping guest ranges, missing read access,
// addresses beyond 48 bits (guest) or 52 bits (host), or a base that is not page aligned.
absl::StatusOr<PageTables> BuildPageTables(paging::Format format, std::vector<Mapping> mappings, uint64_t base);

}  // namespace septum::compiler

#endif  // SEPTUM_TOOLS_COMPILER_PAGE_TABLES_H_
