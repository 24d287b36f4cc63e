// kernel/boot/multiboot2.h — reading the boot information GRUB hands the kernel.
//
// Multiboot2 specification 2.0, §3.6 "Boot information format": a u32 total size, a reserved
// u32, then 8-byte-aligned tags (u32 type, u32 size) ending with a tag of type 0 and size 8.
// Invariant: ParseMultiboot2 reads only inside the span it is given and accepts only a
// well-formed structure; any inconsistency is kCorrupt, too many entries kNoSpace.
#ifndef SEPTUM_KERNEL_BOOT_MULTIBOOT2_H_
#define SEPTUM_KERNEL_BOOT_MULTIBOOT2_H_

#include <stddef.h>
#include <stdint.h>

#include "kernel/abi/status.h"
#include "kernel/lib/span.h"
#include "kernel/lib/string_view.h"

namespace septum {

// EAX on entry from a Multiboot2 loader (spec §3.3).
inline constexpr uint32_t kMultiboot2BootMagic = 0x36d76289;

struct BootModule {
  uint64_t start = 0;  // host-physical, first byte
  uint64_t end = 0;    // host-physical, one past the last byte
  StringView cmdline;
};

struct MemoryRange {
  uint64_t base = 0;
  uint64_t length = 0;
  uint32_t type = 0;  // 1 = available RAM (spec §3.6.8)
};

struct BootInfo {
  static constexpr size_t kMaxModules = 32;
  static constexpr size_t kMaxMemoryRanges = 64;

  StringView cmdline;
  StringView loader_name;
  bool has_basic_meminfo = false;
  uint32_t mem_lower_kib = 0;
  uint32_t mem_upper_kib = 0;
  MemoryRange memory[kMaxMemoryRanges];
  size_t memory_count = 0;
  BootModule modules[kMaxModules];
  size_t module_count = 0;
  // The copy of the ACPI RSDP the loader found (tag 15, else tag 14), empty if none. Its
  // contents are checked by the ACPI reader (kernel/core/acpi), not here.
  Span<const uint8_t> acpi_rsdp;
};

// The structure's total size as its first u32 says (so a caller can size the span), or
// kCorrupt if fewer than 8 bytes are available.
Result<uint32_t> Multiboot2TotalSize(Span<const uint8_t> first_bytes);

// Parses the boot information in `mbi`; strings in `out` point into `mbi`.
Status ParseMultiboot2(Span<const uint8_t> mbi, BootInfo* out);

}  // namespace septum

#endif  // SEPTUM_KERNEL_BOOT_MULTIBOOT2_H_
