// tools/compiler/compile.h — lowers a proven policy model to the tables blob (in progress:
// this version writes the domain records, each domain's NPT and EPT page tables, and its I/O
// and MSR bitmaps; channels, IRQ routes, the schedule, rights and IOMMU tables come next).
//
// The blob is built for the host-physical load address kernel memory base + 2 MiB (the first
// 2 MiB of kernel memory hold the kernel image), and must fit in the kernel's memory.
// Each domain maps its regions, its channel ends (writer rw, reader r) and the MMIO of the
// devices it owns (identity-mapped, rw, never executable). Same model, same bytes.
#ifndef SEPTUM_TOOLS_COMPILER_COMPILE_H_
#define SEPTUM_TOOLS_COMPILER_COMPILE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/model.h"
#include "tools/compiler/page_tables.h"

namespace septum::compiler {

inline constexpr uint64_t kBlobOffsetInKernelMemory = 2u << 20;

// The guest-physical mappings of domain `d`, sorted by guest address.
std::vector<Mapping> DomainMappings(const policy::System& system, uint32_t d);

absl::StatusOr<std::vector<uint8_t>> CompileTables(const policy::System& system);

}  // namespace septum::compiler

#endif  // SEPTUM_TOOLS_COMPILER_COMPILE_H_
