// kernel/core/tables_install.cc — see tables_install.h.
#include "kernel/core/tables_install.h"

#include "kernel/abi/tables.h"

namespace septum {

TablesInstall CheckTablesInstall(Span<const uint8_t> module, Span<const PhysRange> ram, Span<const PhysRange> reserved) {
  TablesInstall out;
  BlobView view;
  out.container = ValidateBlob(module, &view);
  if (out.container != BlobProblem::kNone) {
    out.problem = "the container check failed";
    return out;
  }
  out.load_address = view.header->load_address;
  out.size = view.header->total_size;
  if (out.load_address % 4096 != 0 || out.load_address > ~uint64_t{0} - out.size) {
    out.problem = "its load address is not 4 KiB aligned or the blob would wrap past 2^64";
    return out;
  }
  const PhysRange blob{out.load_address, out.size};
  if (!Inside(blob, ram)) {
    out.problem = "its load address range is not inside one RAM range of the memory map";
    return out;
  }
  for (const PhysRange& r : reserved) {
    if (RangesOverlap(blob, r)) {
      out.problem = "its load address range overlaps the kernel image, a boot module or the boot information";
      return out;
    }
  }
  const tables::SystemRecord* system = nullptr;
  for (const tables::SectionEntry& s : view.sections) {
    if (s.kind == static_cast<uint32_t>(tables::SectionKind::kSystem) && s.size == sizeof(tables::SystemRecord)) {
      system = reinterpret_cast<const tables::SystemRecord*>(module.data() + s.offset);  // 8-byte aligned
    }
  }
  if (!system) {
    out.problem = "it has no system record";
    return out;
  }
  out.domains = system->domain_count;
  if (system->flags & tables::kSystemNoImages) {
    out.problem = "it was built with --no-images: no domain could start";
    return out;
  }
  return out;
}

}  // namespace septum
