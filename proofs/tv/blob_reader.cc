// proofs/tv/blob_reader.cc — see blob_reader.h.
#include "proofs/tv/blob_reader.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"

namespace septum::tv {

const char* SectionName(tables::SectionKind kind) {
  static const char* kNames[] = {"?",        "domains", "page-tables", "io-bitmaps", "channels",    "irq-routes",      "schedule",
                                 "iommu",    "rights",  "segments",    "system",     "start-state", "devices", "device-resources"};
  const uint32_t k = static_cast<uint32_t>(kind);
  return k <= tables::kMaxSectionKind ? kNames[k] : "?";
}

BlobReader::BlobReader(const std::vector<uint8_t>& blob) : words_((blob.size() + 7) / 8), size_(blob.size()) {
  if (!blob.empty()) std::memcpy(words_.data(), blob.data(), blob.size());
  problem_ = ValidateBlob(Span<const uint8_t>(reinterpret_cast<const uint8_t*>(words_.data()), size_), &view_);
}

const tables::SectionEntry* BlobReader::Section(tables::SectionKind kind) const {
  for (const tables::SectionEntry& s : view_.sections) {
    if (s.kind == static_cast<uint32_t>(kind)) return &s;
  }
  return nullptr;
}

size_t BlobReader::DomainCount() const {
  const tables::SectionEntry* s = Section(tables::SectionKind::kDomains);
  return s ? s->size / sizeof(tables::DomainRecord) : 0;
}

tables::DomainRecord BlobReader::Domain(size_t i) const {
  tables::DomainRecord r;
  std::memcpy(&r, view_.bytes.data() + Section(tables::SectionKind::kDomains)->offset + i * sizeof(r), sizeof(r));
  return r;
}

absl::Span<const uint8_t> BlobReader::At(uint64_t phys, uint64_t size) const {
  const uint64_t load = header().load_address, total = header().total_size;
  if (phys < load || phys - load > total || size > total - (phys - load)) return {};
  return absl::Span<const uint8_t>(view_.bytes.data() + (phys - load), size);
}

absl::StatusOr<ScheduleParts> BlobReader::Schedule() const {
  const tables::SectionEntry* sec = Section(tables::SectionKind::kSchedule);
  if (!sec) return absl::FailedPreconditionError("the blob has no schedule section");
  const uint8_t* at = view_.bytes.data() + sec->offset;
  ScheduleParts p;
  if (sec->size < sizeof(p.header)) return absl::FailedPreconditionError("the schedule section is shorter than its header");
  std::memcpy(&p.header, at, sizeof(p.header));
  const tables::ScheduleHeader& h = p.header;
  const uint64_t need = sizeof(h) + uint64_t{h.plan_count} * sizeof(tables::CpuPlan) + uint64_t{h.slot_count} * sizeof(tables::SlotRecord);
  if (h.plan_count > sec->size || h.slot_count > sec->size || need != sec->size) {
    return absl::FailedPreconditionError("the schedule section's size disagrees with its plan and slot counts");
  }
  p.plans.resize(h.plan_count);
  p.slots.resize(h.slot_count);
  if (!p.plans.empty()) std::memcpy(p.plans.data(), at + sizeof(h), p.plans.size() * sizeof(tables::CpuPlan));
  if (!p.slots.empty()) std::memcpy(p.slots.data(), at + sizeof(h) + p.plans.size() * sizeof(tables::CpuPlan), p.slots.size() * sizeof(tables::SlotRecord));
  return p;
}

void BlobReader::CoverOffset(uint64_t offset, uint64_t size) const {
  if (offset < size_ && size) covered_.push_back({offset, offset + std::min<uint64_t>(size, size_ - offset)});
}

uint64_t BlobReader::CoveredBytes(uint64_t offset, uint64_t size) const {
  std::sort(covered_.begin(), covered_.end());
  uint64_t n = 0, reach = offset;  // bytes below `reach` are counted already
  const uint64_t end = offset + size;
  for (const auto& [b, e] : covered_) {
    const uint64_t lo = std::max(b, reach), hi = std::min(e, end);
    if (lo < hi) {
      n += hi - lo;
      reach = hi;
    }
  }
  return n;
}

void BlobReader::Cover(uint64_t phys, uint64_t size) const {
  if (problem_ != BlobProblem::kNone || phys < header().load_address) return;
  CoverOffset(phys - header().load_address, size);
}

absl::StatusOr<Walk> BlobReader::WalkTables(paging::Format format, uint64_t root) const {
  const tables::SectionEntry* pt = Section(tables::SectionKind::kPageTables);
  if (!pt) return absl::FailedPreconditionError("the blob has no page-table section");
  const uint64_t base = header().load_address + pt->offset;
  if (root < base || root - base >= pt->size) {
    return absl::FailedPreconditionError(absl::StrFormat("root %#x is outside the page-table section", root));
  }
  return WalkToRuns(format, At(root, pt->size - (root - base)), root);
}

}  // namespace septum::tv
