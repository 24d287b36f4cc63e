// policy/placement.h — the deterministic allocator for regions and channels without addresses.
//
// Host-physical: regions and channels without `at` are placed in platform RAM, outside the
// kernel's memory, every fixed region and channel, device MMIO, and the first 1 MiB (the x86
// legacy area: interrupt vector table, BIOS data, VGA, option ROMs). They are placed largest
// first (ties: by name, "DOMAIN.REGION" before channels, then alphabetical), each at the lowest
// address that fits, aligned to 2 MiB when the size is at least 2 MiB (so nested paging can use
// large pages) and to 4 KiB otherwise. The result depends only on the set of requests, not on
// the order they are declared in.
// Guest-physical: in each domain, regions without `map` in declaration order, then channel
// mappings without `map` ordered by channel name, each at the lowest free guest address from 0
// with the same alignment rule, avoiding every fixed mapping of that domain.
// A request that does not fit is E0511 at the element.
#ifndef SEPTUM_POLICY_PLACEMENT_H_
#define SEPTUM_POLICY_PLACEMENT_H_

#include "policy/diagnostics.h"
#include "policy/model.h"

namespace septum::policy {

inline constexpr uint64_t kLegacyAreaEnd = 1u << 20;

void Place(System* system, Diagnostics* diags);

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_PLACEMENT_H_
