// kernel/core/domain_load.h — putting a domain's memory into its start state, at boot and at
// every restart.
//
// LoadDomain zeroes every page of RAM the domain's nested tables map to — except channel
// memory, which belongs to two domains and is zeroed once at boot, and MMIO, which is not
// RAM — then copies its image's load segments (the tables' SegmentRecords: file bytes to the
// precomputed host address, the rest of each segment is already zero) and, for a PV domain,
// its start block (kernel/abi/start_info.h). Nothing of a previous run survives in the domain's
// memory. It refuses, changing nothing, a mapping that straddles RAM and non-RAM or half a
// channel, a segment outside the image or outside the domain's zeroed memory, and a start
// block outside it. Pure: host-tested (domain_load_test).
#ifndef SEPTUM_KERNEL_CORE_DOMAIN_LOAD_H_
#define SEPTUM_KERNEL_CORE_DOMAIN_LOAD_H_

#include <stdint.h>

#include "kernel/abi/tables.h"
#include "kernel/core/guest_memory.h"
#include "kernel/core/phys_range.h"
#include "kernel/lib/span.h"

namespace septum {

struct DomainImage {
  const tables::DomainRecord* record = nullptr;
  Span<const tables::SegmentRecord> segments;  // the record's own segments
  Span<const uint8_t> image;                   // the image module (its SHA-256 already checked)
  Span<const uint8_t> start_block;             // PV: record->start_pages pages from the blob; HVM: empty
};

struct LoadReport {
  uint64_t zeroed = 0;  // bytes of RAM zeroed
  uint64_t copied = 0;  // bytes of image and start block copied
};

// `ram`: the machine's RAM ranges; `channels`: the channel table (their memory is skipped).
// `format` picks which of the record's tables (NPT or EPT) names its memory.
Result<LoadReport> LoadDomain(const PhysicalMemory& memory, paging::Format format, const DomainImage& domain,
                              Span<const PhysRange> ram, Span<const tables::ChannelRecord> channels);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_DOMAIN_LOAD_H_
