// proofs/tv/p14_schedule_segments.cc — P14, the rest of it: the schedule (in 1 µs ticks) equals
// the model's, the bytes in no section are zero, and the load segments equal the images'
// program headers, every byte the kernel copies landing in the domain's own memory at the host
// address its own NPT and EPT give (so the segments run after P10's walks). The records and
// the catalogue entry are in p14_records.cc.
#include <cstring>

#include "absl/strings/str_format.h"
#include "proofs/tv/validator.h"

namespace septum::tv {

void Validator::Schedule(ObligationResult* r) {
  absl::StatusOr<ScheduleParts> parts = reader_.Schedule();
  if (!parts.ok()) {
    Fail(r, std::string(parts.status().message()));
    return;
  }
  CoverSection(tables::SectionKind::kSchedule);
  const tables::ScheduleHeader& h = parts->header;
  // One tick is 1 µs (kTickNs), so tick counts equal the policy's microseconds exactly.
  if (h.tick_ns != tables::kTickNs || h.major_ticks != s_.schedule.major_micros) {
    Fail(r, absl::StrFormat("the schedule's major frame is %d ticks of %d ns, the policy's is %s", h.major_ticks, h.tick_ns,
                            policy::DurationString(s_.schedule.major_micros)),
         s_.schedule.where, "schedule");
  }
  const std::vector<tables::CpuPlan>& plans = parts->plans;
  const std::vector<tables::SlotRecord>& slots = parts->slots;
  std::vector<Tuple> have, want;
  uint32_t next = 0;
  for (size_t i = 0; i < plans.size(); ++i) {
    const tables::CpuPlan& p = plans[i];
    if (p.reserved != 0 || p.slot_first != next || p.slot_count > slots.size() - next || (i > 0 && plans[i - 1].cpu >= p.cpu)) {
      Fail(r, absl::StrFormat("CPU plan %d is not in canonical form (sorted by CPU, consecutive slots, reserved zero)", i));
      return;
    }
    for (uint32_t k = 0; k < p.slot_count; ++k) {
      const tables::SlotRecord& sl = slots[p.slot_first + k];
      if (sl.reserved != 0) Fail(r, absl::StrFormat("slot %d of CPU %d has a reserved field set", k, p.cpu));
      have.push_back({p.cpu, k, sl.domain, sl.ticks});
    }
    next += p.slot_count;
  }
  if (next != slots.size()) Fail(r, "the schedule holds slots that no CPU plan runs");
  for (const policy::CpuPlan& p : s_.schedule.plans) {
    for (uint32_t k = 0; k < p.slots.size(); ++k) {
      const policy::Slot& sl = p.slots[k];
      want.push_back({p.cpu, k, sl.domain == policy::kNoIndex ? tables::kNoDomain : want_.rank[sl.domain], sl.micros});
    }
  }
  if (std::optional<Tuple> t = RelationsDiffer(r, "schedule", 4, have, want)) {
    ReportTuple(
        r, "the schedule plan", have, *t,
        [&](const Tuple& x) { return absl::StrFormat("CPU %d slot %d: %s for %d ticks of 1 us", x[0], x[1], DomainName(x[2]), x[3]); },
        s_.schedule.where);
  }
}

// Bytes between and after sections belong to no table: they must be zero.
void Validator::Padding(ObligationResult* r) {
  const tables::BlobHeader& h = reader_.header();
  std::vector<std::pair<uint64_t, uint64_t>> used = {{0, sizeof(h) + uint64_t{h.section_count} * sizeof(tables::SectionEntry)}};
  for (const tables::SectionEntry& sec : reader_.view().sections) used.push_back({sec.offset, sec.offset + sec.size});
  std::sort(used.begin(), used.end());
  uint64_t at = 0;
  used.push_back({h.total_size, h.total_size});
  for (const auto& [b, e] : used) {
    for (uint64_t i = at; i < b; ++i) {
      if (reader_.view().bytes[i] != 0) {
        padding_checked_ = false;
        Fail(r, absl::StrFormat("blob byte %#x lies in no section and is not zero", i));
        return;
      }
    }
    padding_.push_back({at, b > at ? b - at : 0});
    at = std::max(at, e);
  }
}

// Segments: equal to the images' program headers, and every byte the kernel copies lands in
// the domain's own memory, at the host address its own NPT and EPT give.
void Validator::Segments(ObligationResult* r) {
  if (records_broken_) return;
  const std::optional<std::vector<tables::SegmentRecord>> segs = ReadRecords<tables::SegmentRecord>(r, tables::SectionKind::kSegments);
  if (!segs) return;
  std::vector<Tuple> have, want;
  for (const tables::SegmentRecord& sg : *segs) have.push_back({sg.domain, sg.guest, sg.file_offset, sg.file_size, sg.mem_size, sg.access});
  for (uint32_t c = 0; c < records_.size(); ++c) {
    const tables::DomainRecord& rec = records_[c];
    const policy::Domain& dom = s_.domains[want_.order[c]];
    size_t count = 0;
    for (const tables::SegmentRecord& sg : *segs) count += sg.domain == c;
    bool ok = rec.segment_count == count && rec.segment_first <= segs->size() && rec.segment_count <= segs->size() - rec.segment_first;
    for (uint32_t i = 0; ok && i < rec.segment_count; ++i) ok = (*segs)[rec.segment_first + i].domain == c;
    if (!ok) Fail(r, absl::StrFormat("the segment list of `%s` does not point at exactly its segments", dom.name), dom.where, dom.name);
    if (!images_) {
      if (rec.image_kind != tables::kNoImage || rec.entry || rec.image_size || !AllZero(rec.image_sha256)) {
        Fail(r, absl::StrFormat("the blob is marked as built without images but `%s` has image facts", dom.name), dom.where, dom.name);
      }
      continue;
    }
    const ImageFacts& image = (*images_)[want_.order[c]];
    const uint8_t kind = image.kind == ImageFacts::Kind::kElf64   ? tables::kElf64
                         : image.kind == ImageFacts::Kind::kElf32 ? tables::kElf32
                                                                  : tables::kRawImage;
    if (rec.image_kind != kind || rec.entry != image.entry || rec.image_size != image.size ||
        std::memcmp(rec.image_sha256, image.sha256, sizeof(rec.image_sha256)) != 0) {
      Fail(r, absl::StrFormat("the image facts of `%s` (kind, entry, size, SHA-256) differ from its image", dom.name), dom.where, dom.name);
    }
    for (const ImageSegment& sg : image.segments) want.push_back({c, sg.guest, sg.file_offset, sg.file_size, sg.mem_size, sg.access});
  }
  if (std::optional<Tuple> t = RelationsDiffer(r, "segments", 6, have, want)) {
    ReportTuple(r, "the load segments", have, *t, [&](const Tuple& x) {
      return absl::StrFormat("a segment of %s at guest-physical %#x (file %#x+%d, memory %d bytes, %s)", DomainName(x[0]), x[1], x[2], x[3], x[4],
                             AccessText(static_cast<uint8_t>(x[5])));
    });
  }
  for (const tables::SegmentRecord& sg : *segs) {
    if (sg.domain >= walks_.size() || sg.file_size > sg.mem_size) {
      Fail(r, absl::StrFormat("a segment names domain #%d or is longer in the file than in memory", sg.domain));
      continue;
    }
    for (int k = 0; k < 2; ++k) {
      if (!walks_[sg.domain][k]) continue;  // P10 reports the table
      // ∃x in the segment not covered by a run with the segment's offset and its access.
      std::vector<Item> ok_runs;
      for (const tv::Run& run : walks_[sg.domain][k]->runs) {
        if (run.host - run.guest == sg.host - sg.guest && (run.access & sg.access) == sg.access) ok_runs.push_back({run.guest, run.size, 0, 0});
      }
      const std::vector<Item> seg = {{sg.guest, sg.mem_size, 0, 0}};
      // Differ over (seg) vs (seg ∩ ok_runs) is the same as: some x in seg lies in no ok run.
      std::vector<Item> clipped;
      for (const Item& it : ok_runs) {
        const uint64_t lo = std::max(it.lo, sg.guest), hi = std::min(it.lo + it.size, sg.guest + sg.mem_size);
        if (lo < hi) clipped.push_back({lo, hi - lo, 0, 0});
      }
      if (std::optional<uint64_t> x = Differ(r, clipped, seg)) {
        Fail(r, absl::StrFormat("the kernel would copy guest-physical %#x of %s's image to host %#x, which its %s does not map there with %s", *x,
                                DomainName(sg.domain), sg.host + (*x - sg.guest), k ? "EPT" : "NPT", AccessText(static_cast<uint8_t>(sg.access))));
      }
    }
  }
}

}  // namespace septum::tv
