// kernel/boot/multiboot2.cc — bounds-checked Multiboot2 boot information parser.
#include "kernel/boot/multiboot2.h"

namespace septum {
namespace {

enum TagType : uint32_t {
  kTagEnd = 0,
  kTagCmdline = 1,
  kTagLoaderName = 2,
  kTagModule = 3,
  kTagBasicMeminfo = 4,
  kTagMemoryMap = 6,
  kTagAcpiOld = 14,  // a copy of the ACPI 1.0 RSDP (spec §3.6.13)
  kTagAcpiNew = 15,  // a copy of the ACPI 2.0+ RSDP (spec §3.6.14)
};

// A NUL-terminated string occupying `bytes` (the terminator must be inside).
Result<StringView> ReadString(Span<const uint8_t> bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == 0) return StringView(reinterpret_cast<const char*>(bytes.data()), i);
  }
  return Status::kCorrupt;
}

// Memory map tag body: u32 entry_size, u32 entry_version, entries of {u64 base, u64 length,
// u32 type, u32 reserved} (spec §3.6.8). entry_size may grow in later versions.
Status ReadMemoryMap(Span<const uint8_t> tag, BootInfo* out) {
  SEPTUM_ASSIGN_OR_RETURN(const uint32_t entry_size, LoadLe<uint32_t>(tag, 8));
  if (entry_size < 24 || entry_size % 8 != 0) return Status::kCorrupt;
  for (size_t off = 16; off + entry_size <= tag.size(); off += entry_size) {
    if (out->memory_count == BootInfo::kMaxMemoryRanges) return Status::kNoSpace;
    MemoryRange& range = out->memory[out->memory_count++];
    range.base = LoadLe<uint64_t>(tag, off).value();
    range.length = LoadLe<uint64_t>(tag, off + 8).value();
    range.type = LoadLe<uint32_t>(tag, off + 16).value();
  }
  return Status::kOk;
}

Status ReadTag(uint32_t type, Span<const uint8_t> tag, BootInfo* out) {
  switch (type) {
    case kTagCmdline: {
      SEPTUM_ASSIGN_OR_RETURN(out->cmdline, ReadString(tag.From(8).value()));
      return Status::kOk;
    }
    case kTagLoaderName: {
      SEPTUM_ASSIGN_OR_RETURN(out->loader_name, ReadString(tag.From(8).value()));
      return Status::kOk;
    }
    case kTagModule: {
      if (out->module_count == BootInfo::kMaxModules) return Status::kNoSpace;
      SEPTUM_ASSIGN_OR_RETURN(const uint32_t start, LoadLe<uint32_t>(tag, 8));
      SEPTUM_ASSIGN_OR_RETURN(const uint32_t end, LoadLe<uint32_t>(tag, 12));
      if (end < start) return Status::kCorrupt;
      SEPTUM_ASSIGN_OR_RETURN(const Span<const uint8_t> text, tag.From(16));
      SEPTUM_ASSIGN_OR_RETURN(const StringView cmdline, ReadString(text));
      // Spec §3.6.6: mod_end is the last byte's address + 1.
      out->modules[out->module_count++] = BootModule{start, end, cmdline};
      return Status::kOk;
    }
    case kTagBasicMeminfo: {
      SEPTUM_ASSIGN_OR_RETURN(out->mem_lower_kib, LoadLe<uint32_t>(tag, 8));
      SEPTUM_ASSIGN_OR_RETURN(out->mem_upper_kib, LoadLe<uint32_t>(tag, 12));
      out->has_basic_meminfo = true;
      return Status::kOk;
    }
    case kTagMemoryMap:
      return ReadMemoryMap(tag, out);
    case kTagAcpiOld:
    case kTagAcpiNew:
      // The RSDP copy follows the 8-byte tag header; an ACPI 2.0 one is preferred.
      if (type == kTagAcpiNew || out->acpi_rsdp.empty()) out->acpi_rsdp = tag.From(8).value();
      return Status::kOk;
    default:
      return Status::kOk;  // tags we do not use (framebuffer, ...) are skipped
  }
}

}  // namespace

Result<uint32_t> Multiboot2TotalSize(Span<const uint8_t> first_bytes) {
  if (first_bytes.size() < 8) return Status::kCorrupt;  // u32 total_size, u32 reserved
  return LoadLe<uint32_t>(first_bytes, 0);
}

Status ParseMultiboot2(Span<const uint8_t> mbi, BootInfo* out) {
  *out = BootInfo();
  SEPTUM_ASSIGN_OR_RETURN(const uint32_t total, Multiboot2TotalSize(mbi));
  if (total < 16 || total > mbi.size()) return Status::kCorrupt;
  const Span<const uint8_t> info = mbi.Subspan(0, total).value();
  size_t offset = 8;
  while (true) {
    if (offset + 8 > info.size()) return Status::kCorrupt;  // ran off the end: no end tag
    const uint32_t type = LoadLe<uint32_t>(info, offset).value();
    const uint32_t size = LoadLe<uint32_t>(info, offset + 4).value();
    if (size < 8 || size > info.size() - offset) return Status::kCorrupt;
    if (type == kTagEnd) return size == 8 ? Status::kOk : Status::kCorrupt;
    SEPTUM_TRY(ReadTag(type, info.Subspan(offset, size).value(), out));
    offset += (size + 7u) & ~size_t{7};  // tags start 8-byte aligned
  }
}

}  // namespace septum
