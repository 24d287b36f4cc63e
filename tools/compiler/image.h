// tools/compiler/image.h — reads a domain's guest image (ELF64, ELF32 or a raw flat binary)
// into what the tables blob records for it: entry point, load segments and the SHA-256 of the
// file (the kernel copies the segments out of the multiboot module that has that digest).
//
// Contract of a successful result: at least one segment; segments sorted by guest address,
// pairwise disjoint, each with 0 < mem_size, file_size <= mem_size, file_offset + file_size <=
// size and guest + mem_size <= 2^52 (the architectural physical-address limit); the entry lies
// inside a segment (for ELF, an executable one). Nothing wraps: every offset + size is checked
// before it is formed.
//
// ELF (System V gABI ch. 4 "ELF Header", ch. 5 "Program Header"; ELF-64 Object File Format
// v1.5): little-endian, EV_CURRENT, ET_EXEC; ELFCLASS64 with EM_X86_64, or ELFCLASS32 with
// EM_386 (HVM guests that start in protected mode). Only PT_LOAD program headers are taken;
// the others (PT_NOTE, PT_GNU_STACK, ...) are ignored, and PT_LOADs with p_memsz 0 are dropped.
// The load address is p_paddr, not p_vaddr: the kernel copies each segment into the domain's
// guest-physical memory before the guest runs, and the guest starts in the state its start
// state gives it (paging off, or mappings the guest sets up itself), so where the bytes must
// be is a physical address — the linker's LMA (`AT()` in a linker script), which is p_paddr.
// For the usual guest linked at its physical address p_vaddr == p_paddr. e_entry is a virtual
// address (gABI); it is translated to guest-physical through the executable segment whose
// [p_vaddr, p_vaddr + p_memsz) contains it. At most kMaxProgramHeaders program headers
// (PN_XNUM extended numbering is not supported).
//
// Anything that does not start with the ELF magic is a raw flat binary: one rwx segment of the
// whole file at `raw_load_address`, entered at its first byte.
//
//   absl::StatusOr<Image> image = ReadImageFile("guests/dom0.elf", RawLoadAddress(system, d));
//   if (!image.ok()) return image.status();
#ifndef SEPTUM_TOOLS_COMPILER_IMAGE_H_
#define SEPTUM_TOOLS_COMPILER_IMAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kernel/abi/paging.h"

namespace septum::compiler {

inline constexpr size_t kMaxProgramHeaders = 64;
inline constexpr uint64_t kMaxImageBytes = uint64_t{256} << 20;         // ReadImageFile's limit
inline constexpr uint64_t kPhysicalAddressLimit = uint64_t{1} << 52;  // segments end at or below

struct Segment {
  uint64_t guest = 0;        // guest-physical load address (p_paddr)
  uint64_t file_offset = 0;  // where its bytes start in the image file
  uint64_t file_size = 0;    // bytes copied from the file
  uint64_t mem_size = 0;     // bytes of guest memory, >= file_size; the rest is zeroed
  uint8_t access = 0;        // paging::Access bits from p_flags (PF_R -> kRead, PF_W -> kWrite, PF_X -> kExec)
};

struct Image {
  enum class Kind : uint8_t { kElf64 = 1, kElf32 = 2, kRaw = 3 };
  Kind kind = Kind::kRaw;
  uint64_t entry = 0;              // guest-physical entry point
  std::vector<Segment> segments;   // sorted by guest, disjoint, non-empty
  uint64_t size = 0;               // bytes of the whole file
  uint8_t sha256[32] = {};         // SHA-256 (FIPS 180-4) of the whole file
};

// Parses `bytes` (the whole image file). Fails (InvalidArgument) with a message naming the
// problem, where it is (file offset, program header index) and how to fix it.
absl::StatusOr<Image> ReadImage(absl::Span<const uint8_t> bytes, uint64_t raw_load_address);

// Reads the file at `path` (at most kMaxImageBytes) and parses it with ReadImage. NotFound if
// it does not exist; InvalidArgument if it is not a regular file, is too large or cannot be read.
absl::StatusOr<Image> ReadImageFile(const std::string& path, uint64_t raw_load_address);

}  // namespace septum::compiler

#endif  // SEPTUM_TOOLS_COMPILER_IMAGE_H_
