// kernel/core/domain_load.cc — see domain_load.h.
#include "kernel/core/domain_load.h"

namespace septum {
namespace {

// What one leaf is: RAM to zero, a channel to skip, MMIO to skip, or something to refuse.
enum class LeafKind { kRam, kChannel, kMmio, kBad };

struct Classify {
  Span<const PhysRange> ram;
  Span<const tables::ChannelRecord> channels;

  LeafKind operator()(const GuestLeaf& leaf) const {
    const PhysRange r{leaf.host, leaf.size};
    for (const tables::ChannelRecord& c : channels) {
      const PhysRange ch{c.host, c.size};
      if (RangeInside(r, ch)) return LeafKind::kChannel;
      if (RangesOverlap(r, ch)) return LeafKind::kBad;
    }
    if (Inside(r, ram)) return LeafKind::kRam;
    return Overlaps(r, ram) ? LeafKind::kBad : LeafKind::kMmio;
  }
};

struct Zeroing {
  const PhysicalMemory& memory;
  Classify classify;
  bool write;        // false: check only
  uint64_t zeroed;
};

Status ZeroLeaf(void* context, const GuestLeaf& leaf) {
  Zeroing& z = *static_cast<Zeroing*>(context);
  switch (z.classify(leaf)) {
    case LeafKind::kBad:
      return Status::kCorrupt;
    case LeafKind::kRam: {
      SEPTUM_ASSIGN_OR_RETURN(uint8_t* host, PhysAt(z.memory, leaf.host, leaf.size));
      if (z.write) __builtin_memset(host, 0, leaf.size);
      z.zeroed += leaf.size;
      return Status::kOk;
    }
    default:
      return Status::kOk;
  }
}

// [host, host + size) must lie in RAM the domain's tables map (not a channel, not MMIO).
// Leaves come in guest order and a host range may span several: count the bytes of it that
// RAM leaves cover (a domain's leaves never map one host byte twice: the validator's P10
// proves its mappings equal the policy's disjoint regions).
struct OwnRam {
  PhysRange want;
  Classify classify;
  uint64_t covered = 0;
};

Status CountOwnRam(void* context, const GuestLeaf& leaf) {
  OwnRam& o = *static_cast<OwnRam*>(context);
  if (o.classify(leaf) != LeafKind::kRam || !RangesOverlap(o.want, PhysRange{leaf.host, leaf.size})) {
    return Status::kOk;
  }
  const uint64_t lo = o.want.base > leaf.host ? o.want.base : leaf.host;
  const uint64_t want_end = o.want.base + o.want.size, leaf_end = leaf.host + leaf.size;
  o.covered += (want_end < leaf_end ? want_end : leaf_end) - lo;
  return Status::kOk;
}

Status CheckOwnRam(const PhysicalMemory& memory, paging::Format format, uint64_t root, const Classify& classify, PhysRange want) {
  if (want.size == 0) return Status::kOk;
  if (want.base + want.size < want.base) return Status::kOutOfRange;
  OwnRam o{want, classify};
  SEPTUM_TRY(ForEachLeaf(memory, format, root, CountOwnRam, &o));
  return o.covered == want.size ? Status::kOk : Status::kOutOfRange;
}

}  // namespace

Result<LoadReport> LoadDomain(const PhysicalMemory& memory, paging::Format format, const DomainImage& d,
                              Span<const PhysRange> ram, Span<const tables::ChannelRecord> channels) {
  const tables::DomainRecord& rec = *d.record;
  const uint64_t root = format == paging::Format::kNpt ? rec.npt_root : rec.ept_root;
  const Classify classify{ram, channels};
  // Check everything first, so a refusal changes nothing.
  Zeroing check{memory, classify, false, 0};
  SEPTUM_TRY(ForEachLeaf(memory, format, root, ZeroLeaf, &check));
  for (const tables::SegmentRecord& s : d.segments) {
    if (s.file_size > s.mem_size || s.file_offset > d.image.size() || s.file_size > d.image.size() - s.file_offset) {
      return Status::kCorrupt;
    }
    SEPTUM_TRY(CheckOwnRam(memory, format, root, classify, PhysRange{s.host, s.mem_size}));
  }
  const uint64_t block_bytes = rec.start_pages * paging::kPageSize;
  if (block_bytes != d.start_block.size()) return Status::kCorrupt;
  SEPTUM_TRY(CheckOwnRam(memory, format, root, classify, PhysRange{rec.start_host, block_bytes}));
  // Then act.
  Zeroing zero{memory, classify, true, 0};
  SEPTUM_TRY(ForEachLeaf(memory, format, root, ZeroLeaf, &zero));
  LoadReport report{zero.zeroed, 0};
  for (const tables::SegmentRecord& s : d.segments) {
    SEPTUM_ASSIGN_OR_RETURN(uint8_t* host, PhysAt(memory, s.host, s.file_size));
    __builtin_memcpy(host, d.image.data() + s.file_offset, s.file_size);
    report.copied += s.file_size;
  }
  if (block_bytes) {
    SEPTUM_ASSIGN_OR_RETURN(uint8_t* host, PhysAt(memory, rec.start_host, block_bytes));
    __builtin_memcpy(host, d.start_block.data(), block_bytes);
    report.copied += block_bytes;
  }
  return report;
}

}  // namespace septum
