// tools/compiler/image.cc — see image.h.
//
// Field layouts are from the System V gABI (ch. 4 "ELF Header" and ch. 5 "Program Header")
// and the ELF-64 Object File Format v1.5 (§4 "ELF header", §6 "Program header table").
#include "tools/compiler/image.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/lib/sha256.h"

namespace septum::compiler {
namespace {

// e_ident (gABI "ELF Identification").
constexpr size_t kIdentBytes = 16;
constexpr size_t kEiClass = 4, kEiData = 5, kEiVersion = 6;
constexpr uint8_t kElfClass32 = 1, kElfClass64 = 2;
constexpr uint8_t kElfData2Lsb = 1, kElfData2Msb = 2;
constexpr uint32_t kEvCurrent = 1;
// e_type, e_machine.
constexpr uint16_t kEtRel = 1, kEtExec = 2, kEtDyn = 3, kEtCore = 4;
constexpr uint16_t kEm386 = 3, kEmX86_64 = 62;
// Program headers.
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPfX = 1, kPfW = 2, kPfR = 4;

// Sizes of the headers (gABI figures 4-3 and 5-1; ELF-64 §4 and §6).
constexpr size_t kEhdr32Bytes = 52, kEhdr64Bytes = 64;
constexpr size_t kPhdr32Bytes = 32, kPhdr64Bytes = 56;

// The fields this reader uses, widened to 64 bits whatever the class.
struct Header {
  uint16_t type = 0;
  uint16_t machine = 0;
  uint32_t version = 0;
  uint64_t entry = 0;
  uint64_t phoff = 0;
  uint16_t phentsize = 0;
  uint16_t phnum = 0;
};

struct ProgramHeader {
  uint32_t type = 0;
  uint32_t flags = 0;
  uint64_t offset = 0;
  uint64_t vaddr = 0;
  uint64_t paddr = 0;
  uint64_t filesz = 0;
  uint64_t memsz = 0;
};

// A kept PT_LOAD with where it came from, for messages and the entry translation.
struct Load {
  Segment segment;
  uint64_t vaddr = 0;
  size_t index = 0;  // program header index
};

absl::Status Invalid(const std::string& message) { return absl::InvalidArgumentError(message); }

// Little-endian unsigned of `width` bytes at p; the caller has checked the bounds.
uint64_t Le(const uint8_t* p, size_t width) {
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

// True if [offset, offset + size) lies inside a file of `file_bytes`, computed without wrapping.
bool InFile(uint64_t offset, uint64_t size, uint64_t file_bytes) {
  return offset <= file_bytes && size <= file_bytes - offset;
}

Header ParseHeader(const uint8_t* h, bool is64) {
  Header out;
  out.type = static_cast<uint16_t>(Le(h + 16, 2));
  out.machine = static_cast<uint16_t>(Le(h + 18, 2));
  out.version = static_cast<uint32_t>(Le(h + 20, 4));
  if (is64) {
    out.entry = Le(h + 24, 8);
    out.phoff = Le(h + 32, 8);
    out.phentsize = static_cast<uint16_t>(Le(h + 54, 2));
    out.phnum = static_cast<uint16_t>(Le(h + 56, 2));
  } else {
    out.entry = Le(h + 24, 4);
    out.phoff = Le(h + 28, 4);
    out.phentsize = static_cast<uint16_t>(Le(h + 42, 2));
    out.phnum = static_cast<uint16_t>(Le(h + 44, 2));
  }
  return out;
}

ProgramHeader ParseProgramHeader(const uint8_t* p, bool is64) {
  ProgramHeader out;
  out.type = static_cast<uint32_t>(Le(p, 4));
  if (is64) {
    out.flags = static_cast<uint32_t>(Le(p + 4, 4));
    out.offset = Le(p + 8, 8);
    out.vaddr = Le(p + 16, 8);
    out.paddr = Le(p + 24, 8);
    out.filesz = Le(p + 32, 8);
    out.memsz = Le(p + 40, 8);
  } else {
    out.offset = Le(p + 4, 4);
    out.vaddr = Le(p + 8, 4);
    out.paddr = Le(p + 12, 4);
    out.filesz = Le(p + 16, 4);
    out.memsz = Le(p + 20, 4);
    out.flags = static_cast<uint32_t>(Le(p + 24, 4));
  }
  return out;
}

uint8_t AccessOf(uint32_t p_flags) {
  uint8_t a = 0;
  if (p_flags & kPfR) a |= paging::kRead;
  if (p_flags & kPfW) a |= paging::kWrite;
  if (p_flags & kPfX) a |= paging::kExec;
  return a;
}

std::string TypeName(uint16_t type) {
  switch (type) {
    case 0: return "ET_NONE";
    case kEtRel: return "ET_REL, a relocatable object";
    case kEtDyn: return "ET_DYN, a shared object or position-independent executable";
    case kEtCore: return "ET_CORE, a core file";
    default: return "unknown";
  }
}

// [address, address + size) ends at or below `limit`; no wrapping.
bool FitsBelow(uint64_t address, uint64_t size, uint64_t limit) { return address <= limit && size <= limit - address; }

// e_ident and the fixed header fields; returns the class (true for ELF64).
absl::StatusOr<bool> CheckIdentAndHeader(absl::Span<const uint8_t> bytes, Header* header) {
  if (bytes.size() < kIdentBytes) {
    return Invalid(absl::StrFormat("ELF identification is truncated: the file has %d bytes, e_ident needs %d; "
                                   "the file is cut short",
                                   bytes.size(), kIdentBytes));
  }
  const uint8_t cls = bytes[kEiClass], data = bytes[kEiData], ident_version = bytes[kEiVersion];
  if (cls != kElfClass32 && cls != kElfClass64) {
    return Invalid(absl::StrFormat("unknown ELF class (e_ident[EI_CLASS] = %d at file offset %#x): expected 1 "
                                   "(ELFCLASS32) or 2 (ELFCLASS64)",
                                   cls, kEiClass));
  }
  if (data != kElfData2Lsb) {
    return Invalid(absl::StrFormat("unsupported ELF data encoding (e_ident[EI_DATA] = %d at file offset %#x%s): "
                                   "only little-endian (ELFDATA2LSB) x86 images are loaded",
                                   data, kEiData, data == kElfData2Msb ? ", big-endian" : ""));
  }
  if (ident_version != kEvCurrent) {
    return Invalid(absl::StrFormat("unknown ELF version (e_ident[EI_VERSION] = %d at file offset %#x): expected 1 "
                                   "(EV_CURRENT)",
                                   ident_version, kEiVersion));
  }
  const bool is64 = cls == kElfClass64;
  const size_t header_bytes = is64 ? kEhdr64Bytes : kEhdr32Bytes;
  const char* const name = is64 ? "ELF64" : "ELF32";
  if (bytes.size() < header_bytes) {
    return Invalid(absl::StrFormat("%s header is truncated: the file has %d bytes, the header needs %d; the file is "
                                   "cut short",
                                   name, bytes.size(), header_bytes));
  }
  *header = ParseHeader(bytes.data(), is64);
  if (header->version != kEvCurrent) {
    return Invalid(absl::StrFormat("unknown ELF version (e_version = %d at file offset 0x14): expected 1 (EV_CURRENT)",
                                   header->version));
  }
  if (header->type != kEtExec) {
    return Invalid(absl::StrFormat("ELF type e_type = %d (%s) at file offset 0x10: only executables (ET_EXEC) are "
                                   "loaded; link the guest statically at a fixed address (-static -no-pie)",
                                   header->type, TypeName(header->type)));
  }
  const uint16_t machine = is64 ? kEmX86_64 : kEm386;
  if (header->machine != machine) {
    return Invalid(absl::StrFormat("unsupported ELF machine e_machine = %d at file offset 0x12: an %s image must be "
                                   "%s (%d)%s",
                                   header->machine, name, is64 ? "EM_X86_64" : "EM_386", machine,
                                   header->machine == (is64 ? kEm386 : kEmX86_64)
                                       ? "; the class and the machine disagree (objcopy -O elf32-i386 / elf64-x86-64)"
                                       : ""));
  }
  return is64;
}

// The program header table: entry size, count and bounds.
absl::Status CheckProgramHeaderTable(const Header& h, bool is64, uint64_t file_bytes) {
  const size_t want = is64 ? kPhdr64Bytes : kPhdr32Bytes;
  const uint64_t entry_size_at = is64 ? 54 : 42, count_at = is64 ? 56 : 44;
  if (h.phnum == 0) return absl::OkStatus();  // no table: reported as "no loadable segment"
  if (h.phentsize != want) {
    return Invalid(absl::StrFormat("e_phentsize is %d (file offset %#x), but %s program headers are %d bytes; the "
                                   "header is corrupt",
                                   h.phentsize, entry_size_at, is64 ? "ELF64" : "ELF32", want));
  }
  if (h.phnum > kMaxProgramHeaders) {
    return Invalid(absl::StrFormat("too many program headers: e_phnum = %d (file offset %#x), at most %d are "
                                   "accepted%s; merge the image's segments in the linker script",
                                   h.phnum, count_at, kMaxProgramHeaders,
                                   h.phnum == 0xffff ? " (PN_XNUM extended numbering is not supported)" : ""));
  }
  const uint64_t table_bytes = uint64_t{h.phnum} * want;  // at most 64 * 56: cannot wrap
  if (!InFile(h.phoff, table_bytes, file_bytes)) {
    return Invalid(absl::StrFormat("program header table is truncated: e_phoff = %#x, %d entries of %d bytes, but "
                                   "the file has only %d bytes; the file is cut short or e_phoff is corrupt",
                                   h.phoff, h.phnum, want, file_bytes));
  }
  return absl::OkStatus();
}

// One PT_LOAD: sizes, file bounds and the guest-physical range.
absl::Status CheckLoad(const ProgramHeader& ph, size_t i, uint64_t ph_at, bool is64, uint64_t file_bytes) {
  const std::string where = absl::StrFormat("program header %d (PT_LOAD at file offset %#x)", i, ph_at);
  if (ph.filesz > ph.memsz) {
    return Invalid(absl::StrFormat("%s: p_filesz %#x exceeds p_memsz %#x; a segment cannot hold more file bytes than "
                                   "memory (relink the image)",
                                   where, ph.filesz, ph.memsz));
  }
  if (!InFile(ph.offset, ph.filesz, file_bytes)) {
    return Invalid(absl::StrFormat("%s: its file bytes [p_offset %#x, + p_filesz %#x) lie beyond the end of the "
                                   "file (%d bytes); the file is cut short or the program header is corrupt",
                                   where, ph.offset, ph.filesz, file_bytes));
  }
  if (!is64 && !FitsBelow(ph.paddr, ph.memsz, uint64_t{1} << 32)) {
    return Invalid(absl::StrFormat("%s: guest-physical range [p_paddr %#x, + p_memsz %#x) passes 4 GiB, which a "
                                   "32-bit image cannot address; relink it lower",
                                   where, ph.paddr, ph.memsz));
  }
  if (!FitsBelow(ph.paddr, ph.memsz, kPhysicalAddressLimit)) {
    return Invalid(absl::StrFormat("%s: guest-physical range [p_paddr %#x, + p_memsz %#x) %s; relink the image at "
                                   "a physical address its domain's memory covers",
                                   where, ph.paddr, ph.memsz,
                                   ph.memsz > ~uint64_t{0} - ph.paddr ? "wraps past 2^64"
                                                                      : "passes 2^52, the physical address limit"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Image> ReadElf(absl::Span<const uint8_t> bytes) {
  Header h;
  absl::StatusOr<bool> is64 = CheckIdentAndHeader(bytes, &h);
  if (!is64.ok()) return is64.status();
  const uint64_t file_bytes = bytes.size();
  absl::Status st = CheckProgramHeaderTable(h, *is64, file_bytes);
  if (!st.ok()) return st;

  std::vector<Load> loads;
  for (size_t i = 0; i < h.phnum; ++i) {
    const uint64_t ph_at = h.phoff + i * h.phentsize;  // inside the file: checked above
    const ProgramHeader ph = ParseProgramHeader(bytes.data() + ph_at, *is64);
    if (ph.type != kPtLoad) continue;
    st = CheckLoad(ph, i, ph_at, *is64, file_bytes);
    if (!st.ok()) return st;
    if (ph.memsz == 0) continue;  // occupies nothing
    loads.push_back({Segment{ph.paddr, ph.offset, ph.filesz, ph.memsz, AccessOf(ph.flags)}, ph.vaddr, i});
  }
  if (loads.empty()) {
    return Invalid(absl::StrFormat("no loadable segment: none of the %d program headers is a PT_LOAD with p_memsz > "
                                   "0; link the guest as an executable with its code in a loadable segment",
                                   h.phnum));
  }
  std::sort(loads.begin(), loads.end(), [](const Load& a, const Load& b) { return a.segment.guest < b.segment.guest; });
  for (size_t k = 1; k < loads.size(); ++k) {
    const Segment& a = loads[k - 1].segment;
    const Segment& b = loads[k].segment;
    if (a.guest + a.mem_size > b.guest) {  // both end at or below 2^52: no wrapping
      return Invalid(absl::StrFormat("program headers %d and %d overlap in guest-physical memory: [%#x, %#x) and "
                                     "[%#x, %#x); relink so the load segments' physical addresses (p_paddr, AT() in "
                                     "a linker script) are disjoint",
                                     loads[k - 1].index, loads[k].index, a.guest, a.guest + a.mem_size, b.guest,
                                     b.guest + b.mem_size));
    }
  }

  Image image;
  image.kind = *is64 ? Image::Kind::kElf64 : Image::Kind::kElf32;
  // e_entry is virtual: translate it through the executable segment whose virtual range
  // holds it (the first in program-header order).
  const Load* entry_segment = nullptr;
  for (const Load& l : loads) {
    const bool holds = (l.segment.access & paging::kExec) && h.entry >= l.vaddr && h.entry - l.vaddr < l.segment.mem_size;
    if (holds && (entry_segment == nullptr || l.index < entry_segment->index)) entry_segment = &l;
  }
  if (entry_segment == nullptr) {
    return Invalid(absl::StrFormat("entry point e_entry = %#x (file offset 0x18) is not inside an executable PT_LOAD "
                                   "segment (one with PF_X); check the linker script's ENTRY() and the flags of the "
                                   "segment that holds it",
                                   h.entry));
  }
  image.entry = entry_segment->segment.guest + (h.entry - entry_segment->vaddr);
  for (const Load& l : loads) image.segments.push_back(l.segment);
  return image;
}

absl::StatusOr<Image> ReadRaw(absl::Span<const uint8_t> bytes, uint64_t raw_load_address) {
  if (bytes.empty()) return Invalid("image is empty (0 bytes); give the domain a non-empty ELF or flat binary");
  if (!FitsBelow(raw_load_address, bytes.size(), kPhysicalAddressLimit)) {
    return Invalid(absl::StrFormat("raw image of %d bytes loaded at guest-physical %#x passes 2^52, the physical "
                                   "address limit",
                                   bytes.size(), raw_load_address));
  }
  Image image;
  image.kind = Image::Kind::kRaw;
  image.entry = raw_load_address;
  constexpr uint8_t kRwx = paging::kRead | paging::kWrite | paging::kExec;
  image.segments.push_back(Segment{raw_load_address, 0, bytes.size(), bytes.size(), kRwx});
  return image;
}

bool IsElf(absl::Span<const uint8_t> bytes) {
  return bytes.size() >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
}

}  // namespace

absl::StatusOr<Image> ReadImage(absl::Span<const uint8_t> bytes, uint64_t raw_load_address) {
  absl::StatusOr<Image> image = IsElf(bytes) ? ReadElf(bytes) : ReadRaw(bytes, raw_load_address);
  if (!image.ok()) return image.status();
  image->size = bytes.size();
  const Sha256::Digest digest = Sha256::Hash(Span<const uint8_t>(bytes.data(), bytes.size()));
  static_assert(sizeof(digest.bytes) == sizeof(image->sha256), "digest size");
  std::memcpy(image->sha256, digest.bytes, sizeof(image->sha256));
  return image;
}

absl::StatusOr<Image> ReadImageFile(const std::string& path, uint64_t raw_load_address) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) {
    return absl::NotFoundError(absl::StrFormat("image file \"%s\" does not exist; check the domain's image path", path));
  }
  if (ec) return Invalid(absl::StrFormat("cannot read image file \"%s\": %s", path, ec.message()));
  if (status.type() != fs::file_type::regular) {
    return Invalid(absl::StrFormat("image file \"%s\" is not a regular file", path));
  }
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return Invalid(absl::StrFormat("cannot read image file \"%s\": %s", path, ec.message()));
  if (size > kMaxImageBytes) {
    return Invalid(absl::StrFormat("image file \"%s\" has %d bytes, more than the limit of %d (256 MiB)", path, size,
                                   kMaxImageBytes));
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Invalid(absl::StrFormat("cannot open image file \"%s\": %s", path, std::strerror(errno)));
  }
  // Read up to one byte past the limit, so a file that grew since file_size() is still caught.
  std::vector<uint8_t> bytes(static_cast<size_t>(size) + 1);
  size_t got = 0;
  while (got < bytes.size()) {
    const size_t n = std::fread(bytes.data() + got, 1, bytes.size() - got, f);
    if (n == 0) break;
    got += n;
    if (got == bytes.size() && got <= kMaxImageBytes) bytes.resize(std::min<size_t>(got * 2, kMaxImageBytes + 1));
  }
  const bool failed = std::ferror(f) != 0;
  const int error = errno;
  std::fclose(f);
  if (failed) return Invalid(absl::StrFormat("cannot read image file \"%s\": %s", path, std::strerror(error)));
  if (got > kMaxImageBytes) {
    return Invalid(absl::StrFormat("image file \"%s\" has more than %d bytes (256 MiB), the limit", path, kMaxImageBytes));
  }
  bytes.resize(got);
  return ReadImage(bytes, raw_load_address);
}

}  // namespace septum::compiler
