// kernel/boot/images.cc — see images.h.
#include "kernel/boot/images.h"

#include "kernel/arch/x86/platform.h"
#include "kernel/arch/x86/serial.h"
#include "kernel/boot/machine.h"
#include "kernel/lib/sha256.h"

namespace septum {
namespace {

Status CheckLeafClear(void* context, const GuestLeaf& leaf) {
  const PhysRange& range = *static_cast<const PhysRange*>(context);
  return RangesOverlap(PhysRange{leaf.host, leaf.size}, range) ? Status::kBadState : Status::kOk;
}

const BootModule* FindModule(const BootInfo& boot, StringView name) {
  for (size_t i = 0; i < boot.module_count; ++i) {
    const StringView c = boot.modules[i].cmdline;
    if (c.StartsWith("image:") && c.Substr(6) == name) return &boot.modules[i];
  }
  return nullptr;
}

}  // namespace

void BindImages(Span<Domain> domains, const BootInfo& boot, Span<const tables::SegmentRecord> segments,
                Span<const uint8_t> start_section, uint64_t start_section_phys) {
  for (Domain& dom : domains) {
    const tables::DomainRecord& rec = *dom.record;
    const StringView name = dom.name();
    const BootModule* module = FindModule(boot, name);
    if (!module) {
      Print("septum: no boot module \"image:{}\" for domain `{}`\n", name, name);
      Refuse("a domain's image is missing");
    }
    DomainImage& image = dom.image;
    image.record = &rec;
    image.image = Span<const uint8_t>(reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(module->start)), module->end - module->start);
    if (image.image.size() != rec.image_size || Sha256::Hash(image.image) != *reinterpret_cast<const Sha256::Digest*>(rec.image_sha256)) {
      Print("septum: the image of domain `{}` ({} bytes) is not the one the tables were built with ({} bytes and their SHA-256)\n",
            name, image.image.size(), rec.image_size);
      Refuse("an image does not match its tables");
    }
    if (uint64_t{rec.segment_first} + rec.segment_count > segments.size()) Refuse("a domain's segment list lies outside the blob");
    image.segments = Span<const tables::SegmentRecord>(segments.data() + rec.segment_first, rec.segment_count);
    if (rec.start_pages) {
      const uint64_t offset = rec.start_block - start_section_phys;
      if (rec.start_block < start_section_phys || offset > start_section.size() ||
          rec.start_pages * paging::kPageSize > start_section.size() - offset) {
        Refuse("a domain's start block lies outside the start-state section");
      }
      image.start_block = Span<const uint8_t>(start_section.data() + offset, rec.start_pages * paging::kPageSize);
    }
  }
}

Status ClearOfDomains(Span<const Domain> domains, PhysRange range) {
  for (const Domain& d : domains) {
    SEPTUM_TRY(ForEachLeaf(x86::Platform::kMemory, paging::Format::kNpt, d.record->npt_root, CheckLeafClear, &range));
  }
  return Status::kOk;
}

void CheckModulesClear(Span<const Domain> domains, const BootInfo& boot) {
  for (size_t i = 0; i < boot.module_count; ++i) {
    const Status s = ClearOfDomains(domains, PhysRange{boot.modules[i].start, boot.modules[i].end - boot.modules[i].start});
    if (s == Status::kBadState) {
      Print("septum: boot module \"{}\" lies in a domain's memory: the loader placed it there\n", boot.modules[i].cmdline);
      Refuse("boot modules overlap a domain's memory (give the kernel's modules room below the domains' memory)");
    }
    if (s != Status::kOk) Refuse("a domain's nested tables reach outside the first 4 GiB, which this kernel maps");
  }
}

}  // namespace septum
