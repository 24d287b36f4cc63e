// The image reader accepts well-formed ELF64/ELF32 executables and flat binaries, rejects each
// malformed case with a message that names it, and never crashes on mutated input. The ELF
// files are assembled here field by field (System V gABI ch. 4-5, ELF-64 Object File Format
// v1.5), so no toolchain is needed at test time.
#include "tools/compiler/image.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kernel/lib/sha256.h"

namespace septum::compiler {
namespace {

constexpr uint32_t kPtLoad = 1, kPtNote = 4, kPtGnuStack = 0x6474e551;
constexpr uint32_t kPfX = 1, kPfW = 2, kPfR = 4;
constexpr uint8_t kR = paging::kRead, kW = paging::kWrite, kX = paging::kExec;

// ELF header field offsets (the same in both classes up to e_entry).
constexpr size_t kEType = 16, kEMachine = 18, kEVersion = 20, kEEntry = 24;

struct Ph {
  uint32_t type = kPtLoad;
  uint32_t flags = 0;
  uint64_t offset = 0, vaddr = 0, paddr = 0, filesz = 0, memsz = 0, align = 0x1000;
};

void Put(std::vector<uint8_t>& b, size_t at, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i) b.at(at + i) = static_cast<uint8_t>(v >> (8 * i));
}

// Assembles an ET_EXEC for x86 (EM_X86_64 or EM_386): header, program header table, then the
// file bytes of each Load() segment, in order.
class ElfBuilder {
 public:
  explicit ElfBuilder(bool is64) : is64_(is64) {}

  // A PT_LOAD with `filesz` bytes of its own in the file; vaddr = paddr unless given.
  ElfBuilder& Load(uint64_t paddr, uint64_t filesz, uint64_t memsz, uint32_t flags, std::optional<uint64_t> vaddr = {}) {
    Ph ph;
    ph.flags = flags;
    ph.paddr = paddr;
    ph.vaddr = vaddr.value_or(paddr);
    ph.filesz = filesz;
    ph.memsz = memsz;
    headers_.push_back({ph, true});
    return *this;
  }
  // A program header written exactly as given; it adds no bytes to the file.
  ElfBuilder& Raw(const Ph& ph) {
    headers_.push_back({ph, false});
    return *this;
  }
  ElfBuilder& Entry(uint64_t entry) {
    entry_ = entry;
    return *this;
  }

  size_t HeaderBytes() const { return is64_ ? 64 : 52; }
  size_t PhEntryBytes() const { return is64_ ? 56 : 32; }
  size_t PhAt(size_t i) const { return HeaderBytes() + i * PhEntryBytes(); }
  size_t PhoffAt() const { return is64_ ? 32 : 28; }
  size_t PhentsizeAt() const { return is64_ ? 54 : 42; }
  size_t PhnumAt() const { return is64_ ? 56 : 44; }
  // Where Load() number `k` (counting only Load()s) puts its bytes.
  uint64_t DataOffset(size_t k) const { return Layout()[k]; }

  std::vector<uint8_t> Build() const {
    const std::vector<uint64_t> offsets = Layout();
    size_t end = PhAt(headers_.size());
    for (size_t i = 0, k = 0; i < headers_.size(); ++i) {
      if (headers_[i].own_bytes) end = std::max<size_t>(end, offsets[k++] + headers_[i].ph.filesz);
    }
    std::vector<uint8_t> b(end, 0);
    b[0] = 0x7f, b[1] = 'E', b[2] = 'L', b[3] = 'F';
    b[4] = is64_ ? 2 : 1;  // EI_CLASS
    b[5] = 1;              // EI_DATA: ELFDATA2LSB
    b[6] = 1;              // EI_VERSION: EV_CURRENT
    Put(b, kEType, 2, 2);  // ET_EXEC
    Put(b, kEMachine, is64_ ? 62 : 3, 2);
    Put(b, kEVersion, 1, 4);
    const size_t w = is64_ ? 8 : 4;
    Put(b, kEEntry, entry_, w);
    Put(b, PhoffAt(), headers_.empty() ? 0 : HeaderBytes(), w);
    Put(b, is64_ ? 52 : 40, HeaderBytes(), 2);  // e_ehsize
    Put(b, PhentsizeAt(), PhEntryBytes(), 2);
    Put(b, PhnumAt(), headers_.size(), 2);
    for (size_t i = 0, k = 0; i < headers_.size(); ++i) {
      Ph ph = headers_[i].ph;
      if (headers_[i].own_bytes) {
        ph.offset = offsets[k];
        for (uint64_t j = 0; j < ph.filesz; ++j) b[ph.offset + j] = static_cast<uint8_t>(0xa0 + k + j % 7);
        ++k;
      }
      const size_t at = PhAt(i);
      if (is64_) {
        Put(b, at, ph.type, 4), Put(b, at + 4, ph.flags, 4), Put(b, at + 8, ph.offset, 8);
        Put(b, at + 16, ph.vaddr, 8), Put(b, at + 24, ph.paddr, 8), Put(b, at + 32, ph.filesz, 8);
        Put(b, at + 40, ph.memsz, 8), Put(b, at + 48, ph.align, 8);
      } else {
        Put(b, at, ph.type, 4), Put(b, at + 4, ph.offset, 4), Put(b, at + 8, ph.vaddr, 4);
        Put(b, at + 12, ph.paddr, 4), Put(b, at + 16, ph.filesz, 4), Put(b, at + 20, ph.memsz, 4);
        Put(b, at + 24, ph.flags, 4), Put(b, at + 28, ph.align, 4);
      }
    }
    return b;
  }

 private:
  struct Header {
    Ph ph;
    bool own_bytes;
  };
  // File offsets of the Load() segments' bytes: after the table, 16-byte aligned.
  std::vector<uint64_t> Layout() const {
    std::vector<uint64_t> out;
    uint64_t at = PhAt(headers_.size());
    for (const Header& e : headers_) {
      if (!e.own_bytes) continue;
      at = (at + 15) & ~uint64_t{15};
      out.push_back(at);
      at += e.ph.filesz;
    }
    return out;
  }

  bool is64_;
  uint64_t entry_ = 0;
  std::vector<Header> headers_;
};

// A typical guest: text (rx), rodata (r), data + bss (rw), a note and a GNU_STACK header.
ElfBuilder Typical(bool is64) {
  ElfBuilder b(is64);
  b.Load(0x100000, 0x300, 0x300, kPfR | kPfX).Load(0x101000, 0x80, 0x80, kPfR).Load(0x102000, 0x40, 0x2000, kPfR | kPfW);
  Ph note;
  note.type = kPtNote;
  note.offset = 0x40000;  // nonsense, but ignored
  note.filesz = 0x1000;
  b.Raw(note);
  Ph stack;
  stack.type = kPtGnuStack;
  stack.flags = kPfR | kPfW;
  b.Raw(stack);
  b.Entry(0x100010);
  return b;
}

absl::StatusOr<Image> Read(const std::vector<uint8_t>& bytes, uint64_t raw_load_address = 0x8000) {
  return ReadImage(bytes, raw_load_address);
}

// Rejected as InvalidArgument with a message that contains `needle`.
testing::AssertionResult Rejected(const absl::StatusOr<Image>& r, const std::string& needle) {
  if (r.ok()) return testing::AssertionFailure() << "accepted, expected an error mentioning \"" << needle << "\"";
  if (r.status().code() != absl::StatusCode::kInvalidArgument) return testing::AssertionFailure() << r.status();
  if (std::string(r.status().message()).find(needle) == std::string::npos) {
    return testing::AssertionFailure() << "message \"" << r.status().message() << "\" does not mention \"" << needle
                                       << "\"";
  }
  return testing::AssertionSuccess();
}

bool SameDigest(const Image& image, const std::vector<uint8_t>& bytes) {
  const Sha256::Digest d = Sha256::Hash(Span<const uint8_t>(bytes.data(), bytes.size()));
  return std::memcmp(image.sha256, d.bytes, sizeof(image.sha256)) == 0;
}

// The contract of image.h, checked on any accepted result.
testing::AssertionResult Wellformed(const Image& image, size_t file_bytes) {
  if (image.size != file_bytes) return testing::AssertionFailure() << "size " << image.size;
  if (image.segments.empty()) return testing::AssertionFailure() << "no segments";
  bool entry_ok = false;
  for (size_t i = 0; i < image.segments.size(); ++i) {
    const Segment& s = image.segments[i];
    if (s.mem_size == 0 || s.file_size > s.mem_size) return testing::AssertionFailure() << "sizes of segment " << i;
    if (s.file_offset > file_bytes || s.file_size > file_bytes - s.file_offset) {
      return testing::AssertionFailure() << "file range of segment " << i;
    }
    if (s.guest > kPhysicalAddressLimit || s.mem_size > kPhysicalAddressLimit - s.guest) {
      return testing::AssertionFailure() << "guest range of segment " << i;
    }
    if (i > 0 && image.segments[i - 1].guest + image.segments[i - 1].mem_size > s.guest) {
      return testing::AssertionFailure() << "segments " << i - 1 << " and " << i << " unsorted or overlapping";
    }
    if ((s.access & kX) && image.entry >= s.guest && image.entry - s.guest < s.mem_size) entry_ok = true;
  }
  if (!entry_ok) return testing::AssertionFailure() << "entry " << image.entry << " not in an executable segment";
  return testing::AssertionSuccess();
}

// ---- Accepted ----------------------------------------------------------------------------

TEST(ReadImageTest, Elf64TypicalGuest) {
  const ElfBuilder b = Typical(true);
  const std::vector<uint8_t> bytes = b.Build();
  absl::StatusOr<Image> image = Read(bytes);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->kind, Image::Kind::kElf64);
  EXPECT_EQ(image->entry, 0x100010u);
  EXPECT_EQ(image->size, bytes.size());
  ASSERT_EQ(image->segments.size(), 3u);
  const Segment& text = image->segments[0];
  EXPECT_EQ(text.guest, 0x100000u);
  EXPECT_EQ(text.file_offset, b.DataOffset(0));
  EXPECT_EQ(text.file_size, 0x300u);
  EXPECT_EQ(text.mem_size, 0x300u);
  EXPECT_EQ(text.access, kR | kX);
  EXPECT_EQ(image->segments[1].access, kR);
  EXPECT_EQ(image->segments[1].file_offset, b.DataOffset(1));
  EXPECT_TRUE(SameDigest(*image, bytes));
  EXPECT_TRUE(Wellformed(*image, bytes.size()));
}

TEST(ReadImageTest, Elf32TypicalGuest) {
  const ElfBuilder b = Typical(false);
  const std::vector<uint8_t> bytes = b.Build();
  absl::StatusOr<Image> image = Read(bytes);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->kind, Image::Kind::kElf32);
  EXPECT_EQ(image->entry, 0x100010u);
  ASSERT_EQ(image->segments.size(), 3u);
  EXPECT_EQ(image->segments[0].file_offset, b.DataOffset(0));
  EXPECT_EQ(image->segments[2].guest, 0x102000u);
  EXPECT_EQ(image->segments[2].file_size, 0x40u);
  EXPECT_EQ(image->segments[2].mem_size, 0x2000u);
  EXPECT_EQ(image->segments[2].access, kR | kW);
  EXPECT_TRUE(SameDigest(*image, bytes));
  EXPECT_TRUE(Wellformed(*image, bytes.size()));
}

TEST(ReadImageTest, BssMemSizeBeyondFileSizeIsKept) {
  ElfBuilder b(true);
  b.Load(0x200000, 0x100, 0x100, kPfR | kPfX).Load(0x300000, 0x10, 0x10000, kPfR | kPfW);
  b.Load(0x400000, 0, 0x5000, kPfR | kPfW);
  b.Entry(0x200000);
  const std::vector<uint8_t> bytes = b.Build();
  absl::StatusOr<Image> image = Read(bytes);
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_EQ(image->segments.size(), 3u);
  EXPECT_EQ(image->segments[1].file_size, 0x10u);
  EXPECT_EQ(image->segments[1].mem_size, 0x10000u);
  EXPECT_EQ(image->segments[2].file_size, 0u);
  EXPECT_EQ(image->segments[2].mem_size, 0x5000u);
}

TEST(ReadImageTest, SegmentsAreSortedByGuestAddress) {
  ElfBuilder b(true);
  b.Load(0x300000, 0x10, 0x10, kPfR).Load(0x101000, 0x10, 0x10, kPfR | kPfW).Load(0x100000, 0x20, 0x1000, kPfR | kPfX);
  b.Entry(0x100004);
  const std::vector<uint8_t> bytes = b.Build();
  absl::StatusOr<Image> image = Read(bytes);
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_EQ(image->segments.size(), 3u);
  // Touching ([0x100000, 0x101000) then 0x101000) is not overlapping.
  EXPECT_EQ(image->segments[0].guest, 0x100000u);
  EXPECT_EQ(image->segments[0].file_offset, b.DataOffset(2));
  EXPECT_EQ(image->segments[1].guest, 0x101000u);
  EXPECT_EQ(image->segments[1].file_offset, b.DataOffset(1));
  EXPECT_EQ(image->segments[2].guest, 0x300000u);
  EXPECT_EQ(image->segments[2].file_offset, b.DataOffset(0));
  EXPECT_TRUE(Wellformed(*image, bytes.size()));
}

TEST(ReadImageTest, ZeroMemSizeSegmentsAreDropped) {
  ElfBuilder b(true);
  // The empty one sits inside the text segment: dropped before the overlap check.
  b.Load(0x100000, 0x100, 0x100, kPfR | kPfX).Load(0x100080, 0, 0, kPfR | kPfW).Load(0x200000, 0, 0, kPfR);
  b.Entry(0x100000);
  absl::StatusOr<Image> image = Read(b.Build());
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_EQ(image->segments.size(), 1u);
  EXPECT_EQ(image->segments[0].guest, 0x100000u);
}

TEST(ReadImageTest, NonLoadHeadersAreIgnored) {
  ElfBuilder b(false);
  Ph note;
  note.type = kPtNote;
  note.offset = 0xfffffff0;  // beyond the file: ignored all the same
  note.filesz = 0x100;
  note.memsz = 0x10;  // p_filesz > p_memsz: not checked for non-loads
  b.Raw(note).Load(0x100000, 0x10, 0x10, kPfR | kPfX);
  Ph stack;
  stack.type = kPtGnuStack;
  stack.flags = kPfR | kPfW | kPfX;
  stack.memsz = 0x100000;
  stack.paddr = 0x100000;  // would overlap if it were loaded
  b.Raw(stack).Entry(0x100000);
  absl::StatusOr<Image> image = Read(b.Build());
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_EQ(image->segments.size(), 1u);
}

TEST(ReadImageTest, LoadsAtPhysicalAddressAndTranslatesTheEntry) {
  ElfBuilder b(true);
  // Linked in the higher half, loaded at 2 MiB: AT() in a linker script.
  b.Load(0x200000, 0x100, 0x100, kPfR | kPfX, 0xffffffff80200000ull);
  b.Load(0x201000, 0x10, 0x10, kPfR | kPfW, 0xffffffff80201000ull);
  b.Entry(0xffffffff80200040ull);
  absl::StatusOr<Image> image = Read(b.Build());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->segments[0].guest, 0x200000u);
  EXPECT_EQ(image->entry, 0x200040u);
}

TEST(ReadImageTest, AccessComesFromPFlags) {
  ElfBuilder b(true);
  constexpr uint32_t kPfMaskOs = 0x0ff00000;  // OS-specific bits are ignored
  b.Load(0x100000, 0x10, 0x10, kPfX).Load(0x101000, 0x10, 0x10, kPfR | kPfW | kPfMaskOs);
  b.Load(0x102000, 0x10, 0x10, kPfR | kPfW | kPfX);
  b.Entry(0x100000);
  absl::StatusOr<Image> image = Read(b.Build());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->segments[0].access, kX);
  EXPECT_EQ(image->segments[1].access, kR | kW);
  EXPECT_EQ(image->segments[2].access, kR | kW | kX);
}

TEST(ReadImageTest, SegmentMayEndExactlyAtThePhysicalLimit) {
  ElfBuilder b(true);
  b.Load(kPhysicalAddressLimit - 0x1000, 0x10, 0x1000, kPfR | kPfX).Entry(kPhysicalAddressLimit - 0x1000);
  absl::StatusOr<Image> image = Read(b.Build());
  ASSERT_TRUE(image.ok()) << image.status();
}

TEST(ReadImageTest, SixtyFourProgramHeadersAreAccepted) {
  ElfBuilder b(true);
  Ph note;
  note.type = kPtNote;
  for (int i = 0; i < 63; ++i) b.Raw(note);
  b.Load(0x100000, 0x10, 0x10, kPfR | kPfX).Entry(0x100000);
  absl::StatusOr<Image> image = Read(b.Build());
  ASSERT_TRUE(image.ok()) << image.status();
}

// ---- Rejected: identification and header --------------------------------------------------

TEST(ReadImageTest, RejectsTruncatedIdentification) {
  std::vector<uint8_t> bytes = Typical(true).Build();
  bytes.resize(10);
  EXPECT_TRUE(Rejected(Read(bytes), "identification is truncated"));
}

TEST(ReadImageTest, RejectsTruncatedElf64Header) {
  std::vector<uint8_t> bytes = Typical(true).Build();
  bytes.resize(40);
  EXPECT_TRUE(Rejected(Read(bytes), "ELF64 header is truncated: the file has 40 bytes, the header needs 64"));
}

TEST(ReadImageTest, RejectsTruncatedElf32Header) {
  std::vector<uint8_t> bytes = Typical(false).Build();
  bytes.resize(51);
  EXPECT_TRUE(Rejected(Read(bytes), "ELF32 header is truncated"));
}

TEST(ReadImageTest, RejectsUnknownClass) {
  for (uint8_t cls : {0, 3, 0xff}) {
    std::vector<uint8_t> bytes = Typical(true).Build();
    bytes[4] = cls;
    EXPECT_TRUE(Rejected(Read(bytes), "unknown ELF class")) << int{cls};
  }
}

TEST(ReadImageTest, RejectsBigEndian) {
  std::vector<uint8_t> bytes = Typical(true).Build();
  bytes[5] = 2;  // ELFDATA2MSB
  EXPECT_TRUE(Rejected(Read(bytes), "big-endian"));
  bytes[5] = 0;  // ELFDATANONE
  EXPECT_TRUE(Rejected(Read(bytes), "unsupported ELF data encoding"));
}

TEST(ReadImageTest, RejectsUnknownVersion) {
  std::vector<uint8_t> bytes = Typical(false).Build();
  bytes[6] = 0;
  EXPECT_TRUE(Rejected(Read(bytes), "EI_VERSION"));
  bytes = Typical(false).Build();
  Put(bytes, kEVersion, 2, 4);
  EXPECT_TRUE(Rejected(Read(bytes), "e_version = 2"));
}

TEST(ReadImageTest, RejectsNonExecutableTypes) {
  std::vector<uint8_t> bytes = Typical(true).Build();
  Put(bytes, kEType, 3, 2);  // ET_DYN
  EXPECT_TRUE(Rejected(Read(bytes), "ET_DYN"));
  Put(bytes, kEType, 1, 2);  // ET_REL
  EXPECT_TRUE(Rejected(Read(bytes), "only executables (ET_EXEC)"));
  Put(bytes, kEType, 0xfe00, 2);
  EXPECT_TRUE(Rejected(Read(bytes), "unknown"));
}

TEST(ReadImageTest, RejectsWrongMachine) {
  std::vector<uint8_t> bytes = Typical(true).Build();
  Put(bytes, kEMachine, 183, 2);  // EM_AARCH64
  EXPECT_TRUE(Rejected(Read(bytes), "e_machine = 183"));
  Put(bytes, kEMachine, 3, 2);  // EM_386 in an ELF64
  EXPECT_TRUE(Rejected(Read(bytes), "the class and the machine disagree"));
  bytes = Typical(false).Build();
  Put(bytes, kEMachine, 62, 2);  // EM_X86_64 in an ELF32
  EXPECT_TRUE(Rejected(Read(bytes), "must be EM_386"));
}

// ---- Rejected: program header table -------------------------------------------------------

TEST(ReadImageTest, RejectsWrongProgramHeaderEntrySize) {
  for (bool is64 : {true, false}) {
    const ElfBuilder b = Typical(is64);
    std::vector<uint8_t> bytes = b.Build();
    Put(bytes, b.PhentsizeAt(), 40, 2);
    EXPECT_TRUE(Rejected(Read(bytes), "e_phentsize is 40")) << is64;
  }
}

TEST(ReadImageTest, RejectsTooManyProgramHeaders) {
  ElfBuilder b(true);
  Ph note;
  note.type = kPtNote;
  for (int i = 0; i < 64; ++i) b.Raw(note);
  b.Load(0x100000, 0x10, 0x10, kPfR | kPfX).Entry(0x100000);
  EXPECT_TRUE(Rejected(Read(b.Build()), "too many program headers: e_phnum = 65"));
}

TEST(ReadImageTest, RejectsExtendedProgramHeaderNumbering) {
  const ElfBuilder b = Typical(true);
  std::vector<uint8_t> bytes = b.Build();
  Put(bytes, b.PhnumAt(), 0xffff, 2);  // PN_XNUM
  EXPECT_TRUE(Rejected(Read(bytes), "PN_XNUM"));
}

TEST(ReadImageTest, RejectsTruncatedProgramHeaderTable) {
  for (bool is64 : {true, false}) {
    const ElfBuilder b = Typical(is64);
    std::vector<uint8_t> bytes = b.Build();
    bytes.resize(b.PhAt(4) + 3);  // inside the last header
    EXPECT_TRUE(Rejected(Read(bytes), "program header table is truncated")) << is64;
  }
}

TEST(ReadImageTest, RejectsProgramHeaderTableOffsetThatWraps) {
  const ElfBuilder b = Typical(true);
  std::vector<uint8_t> bytes = b.Build();
  Put(bytes, b.PhoffAt(), ~uint64_t{0} - 8, 8);  // e_phoff + table size wraps
  EXPECT_TRUE(Rejected(Read(bytes), "program header table is truncated"));
}

TEST(ReadImageTest, RejectsNoLoadableSegment) {
  ElfBuilder only_note(true);
  Ph note;
  note.type = kPtNote;
  only_note.Raw(note);
  EXPECT_TRUE(Rejected(Read(only_note.Build()), "no loadable segment"));

  ElfBuilder no_table(false);  // e_phnum = 0
  EXPECT_TRUE(Rejected(Read(no_table.Build()), "no loadable segment"));

  ElfBuilder all_empty(true);
  all_empty.Load(0x100000, 0, 0, kPfR | kPfX).Entry(0x100000);
  EXPECT_TRUE(Rejected(Read(all_empty.Build()), "no loadable segment"));
}

// ---- Rejected: segments ------------------------------------------------------------------

TEST(ReadImageTest, RejectsFileSizeAboveMemSize) {
  ElfBuilder b(true);
  b.Load(0x100000, 0x200, 0x100, kPfR | kPfX).Entry(0x100000);
  EXPECT_TRUE(Rejected(Read(b.Build()), "program header 0 (PT_LOAD at file offset 0x40): p_filesz 0x200 exceeds p_memsz 0x100"));
}

TEST(ReadImageTest, RejectsSegmentBeyondTheFile) {
  for (bool is64 : {true, false}) {
    std::vector<uint8_t> bytes = Typical(is64).Build();
    bytes.resize(bytes.size() - 1);  // the last Load()'s bytes end at the end of the file
    EXPECT_TRUE(Rejected(Read(bytes), "program header 2 (PT_LOAD")) << is64;
    EXPECT_TRUE(Rejected(Read(bytes), "lie beyond the end of the file")) << is64;
  }
}

TEST(ReadImageTest, RejectsSegmentOffsetThatWraps) {
  ElfBuilder b(true);
  Ph ph;
  ph.flags = kPfR | kPfX;
  ph.offset = ~uint64_t{0} - 4;  // p_offset + p_filesz wraps to a small number
  ph.paddr = ph.vaddr = 0x100000;
  ph.filesz = ph.memsz = 0x10;
  b.Raw(ph).Entry(0x100000);
  EXPECT_TRUE(Rejected(Read(b.Build()), "lie beyond the end of the file"));
}

TEST(ReadImageTest, RejectsOverlappingSegments) {
  ElfBuilder b(true);
  b.Load(0x100000, 0x100, 0x2000, kPfR | kPfX).Load(0x300000, 0x10, 0x10, kPfR).Load(0x101fff, 0x10, 0x10, kPfR | kPfW);
  b.Entry(0x100000);
  EXPECT_TRUE(Rejected(Read(b.Build()), "program headers 0 and 2 overlap in guest-physical memory: "
                                        "[0x100000, 0x102000) and [0x101fff, 0x10200f)"));
}

TEST(ReadImageTest, RejectsAddressThatWrapsPast2To64) {
  ElfBuilder b(true);
  Ph ph;
  ph.flags = kPfR | kPfX;
  ph.offset = 0x40;
  ph.paddr = ph.vaddr = 0xfffffffffffff000ull;
  ph.memsz = 0x2000;
  b.Raw(ph).Entry(0xfffffffffffff000ull);
  EXPECT_TRUE(Rejected(Read(b.Build()), "wraps past 2^64"));
}

TEST(ReadImageTest, RejectsAddressBeyond2To52) {
  ElfBuilder b(true);
  b.Load(kPhysicalAddressLimit - 0x1000, 0x10, 0x1001, kPfR | kPfX).Entry(kPhysicalAddressLimit - 0x1000);
  EXPECT_TRUE(Rejected(Read(b.Build()), "passes 2^52"));
}

TEST(ReadImageTest, RejectsElf32SegmentBeyond4GiB) {
  ElfBuilder b(false);
  b.Load(0xfffff000, 0x10, 0x2000, kPfR | kPfX).Entry(0xfffff000);
  EXPECT_TRUE(Rejected(Read(b.Build()), "passes 4 GiB"));
}

TEST(ReadImageTest, RejectsEntryOutsideExecutableSegments) {
  ElfBuilder in_data(true);
  in_data.Load(0x100000, 0x10, 0x10, kPfR | kPfX).Load(0x200000, 0x10, 0x1000, kPfR | kPfW).Entry(0x200000);
  EXPECT_TRUE(Rejected(Read(in_data.Build()), "entry point e_entry = 0x200000 (file offset 0x18) is not inside an executable"));

  ElfBuilder nowhere(false);
  nowhere.Load(0x100000, 0x10, 0x10, kPfR | kPfX).Entry(0x100010);  // one past the end
  EXPECT_TRUE(Rejected(Read(nowhere.Build()), "is not inside an executable PT_LOAD segment"));

  ElfBuilder physical(true);  // e_entry is virtual: the physical address is not enough
  physical.Load(0x200000, 0x10, 0x10, kPfR | kPfX, 0xffffffff80200000ull).Entry(0x200000);
  EXPECT_TRUE(Rejected(Read(physical.Build()), "is not inside an executable"));
}

// ---- Raw images and the digest ------------------------------------------------------------

TEST(ReadImageTest, RawBinaryIsOneRwxSegment) {
  const std::vector<uint8_t> bytes = {'a', 'b', 'c'};
  absl::StatusOr<Image> image = Read(bytes, 0x400000);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->kind, Image::Kind::kRaw);
  EXPECT_EQ(image->entry, 0x400000u);
  EXPECT_EQ(image->size, 3u);
  ASSERT_EQ(image->segments.size(), 1u);
  const Segment& s = image->segments[0];
  EXPECT_EQ(s.guest, 0x400000u);
  EXPECT_EQ(s.file_offset, 0u);
  EXPECT_EQ(s.file_size, 3u);
  EXPECT_EQ(s.mem_size, 3u);
  EXPECT_EQ(s.access, kR | kW | kX);
}

TEST(ReadImageTest, RawDigestIsTheFipsVectorForAbc) {
  // FIPS 180-4 examples (SHA256.pdf), "abc".
  const uint8_t want[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                            0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  absl::StatusOr<Image> image = Read({'a', 'b', 'c'});
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(std::memcmp(image->sha256, want, 32), 0);
}

TEST(ReadImageTest, NearlyElfIsRaw) {
  absl::StatusOr<Image> short_magic = Read({0x7f, 'E', 'L'});
  ASSERT_TRUE(short_magic.ok()) << short_magic.status();
  EXPECT_EQ(short_magic->kind, Image::Kind::kRaw);
  absl::StatusOr<Image> wrong_magic = Read({0x7f, 'E', 'L', 'G', 2, 1, 1});
  ASSERT_TRUE(wrong_magic.ok()) << wrong_magic.status();
  EXPECT_EQ(wrong_magic->kind, Image::Kind::kRaw);
}

TEST(ReadImageTest, RejectsEmptyImage) { EXPECT_TRUE(Rejected(Read({}), "image is empty")); }

TEST(ReadImageTest, RejectsRawImageBeyond2To52) {
  EXPECT_TRUE(Rejected(Read({1, 2, 3}, kPhysicalAddressLimit - 2), "passes 2^52"));
  EXPECT_TRUE(Rejected(Read({1, 2, 3}, ~uint64_t{0}), "passes 2^52"));
}

// ---- Files -------------------------------------------------------------------------------

std::string TempPath(const std::string& name) { return testing::TempDir() + "/image_test_" + name; }

TEST(ReadImageFileTest, ReadsTheWholeFile) {
  const std::vector<uint8_t> bytes = Typical(true).Build();
  const std::string path = TempPath("guest.elf");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  absl::StatusOr<Image> from_file = ReadImageFile(path, 0);
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  absl::StatusOr<Image> from_bytes = Read(bytes);
  ASSERT_TRUE(from_bytes.ok());
  EXPECT_EQ(from_file->size, bytes.size());
  EXPECT_EQ(from_file->entry, from_bytes->entry);
  EXPECT_EQ(from_file->segments.size(), from_bytes->segments.size());
  EXPECT_EQ(std::memcmp(from_file->sha256, from_bytes->sha256, 32), 0);
  std::filesystem::remove(path);
}

TEST(ReadImageFileTest, MissingFileIsNotFound) {
  const std::string path = TempPath("does_not_exist.elf");
  absl::StatusOr<Image> image = ReadImageFile(path, 0);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(image.status().message()).find(path), std::string::npos) << image.status();
}

TEST(ReadImageFileTest, RejectsDirectory) {
  EXPECT_TRUE(Rejected(ReadImageFile(testing::TempDir(), 0), "is not a regular file"));
}

TEST(ReadImageFileTest, RejectsEmptyFile) {
  const std::string path = TempPath("empty.bin");
  { std::ofstream out(path, std::ios::binary | std::ios::trunc); }
  EXPECT_TRUE(Rejected(ReadImageFile(path, 0x1000), "image is empty"));
  std::filesystem::remove(path);
}

TEST(ReadImageFileTest, RejectsFileOver256MiB) {
  const std::string path = TempPath("huge.bin");
  { std::ofstream out(path, std::ios::binary | std::ios::trunc); }
  std::filesystem::resize_file(path, kMaxImageBytes + 1);  // sparse: costs no disk space
  EXPECT_TRUE(Rejected(ReadImageFile(path, 0), "more than the limit of 268435456 (256 MiB)"));
  std::filesystem::remove(path);
}

// ---- Robustness --------------------------------------------------------------------------

// Seeded random mutations of valid ELF64 and ELF32 files: byte flips (mostly in the headers),
// extreme values in header fields and truncations. ReadImage must never crash (the test runs
// under ASan + UBSan too), and whatever it accepts must satisfy image.h's contract.
TEST(ReadImageTest, RandomMutationsNeverCrash) {
  std::mt19937_64 rng(0x5e9u);
  const ElfBuilder builders[2] = {Typical(true), Typical(false)};
  const std::vector<uint8_t> originals[2] = {builders[0].Build(), builders[1].Build()};
  const uint64_t extremes[] = {0, 1, 0x7f, 0xff, 0xffff, 0xffffffffu, ~uint64_t{0}, ~uint64_t{0} - 1,
                               kPhysicalAddressLimit, kPhysicalAddressLimit - 1, uint64_t{1} << 63};
  size_t accepted = 0, accepted_raw = 0, rejected = 0;
  for (int iteration = 0; iteration < 20000; ++iteration) {
    const int which = iteration % 2;
    const ElfBuilder& b = builders[which];
    std::vector<uint8_t> bytes = originals[which];
    const size_t headers_end = b.PhAt(5);
    const int ops = 1 + static_cast<int>(rng() % 4);
    for (int op = 0; op < ops && !bytes.empty(); ++op) {
      const uint64_t kind = rng() % 10;
      if (kind < 5) {  // flip bits of one byte, 80% in the headers
        const size_t span = (rng() % 5 != 0) ? std::min(headers_end, bytes.size()) : bytes.size();
        bytes[rng() % span] ^= static_cast<uint8_t>(1 + rng() % 255);
      } else if (kind < 8) {  // an extreme value in an aligned header field
        const size_t width = (rng() % 2) ? 8 : 4;
        const size_t at = (rng() % (headers_end / width)) * width;
        if (at + width <= bytes.size()) Put(bytes, at, extremes[rng() % (sizeof(extremes) / sizeof(extremes[0]))], width);
      } else if (kind < 9) {  // truncate
        bytes.resize(rng() % (bytes.size() + 1));
      } else {  // a random byte anywhere
        bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
      }
    }
    absl::StatusOr<Image> image = Read(bytes, 0x1000);
    if (image.ok()) {
      ++accepted;
      if (image->kind == Image::Kind::kRaw) ++accepted_raw;
      ASSERT_TRUE(Wellformed(*image, bytes.size())) << "iteration " << iteration;
      ASSERT_TRUE(SameDigest(*image, bytes)) << "iteration " << iteration;
    } else {
      ++rejected;
      ASSERT_EQ(image.status().code(), absl::StatusCode::kInvalidArgument) << image.status();
      ASSERT_FALSE(image.status().message().empty());
    }
  }
  EXPECT_GT(accepted, 100u);
  EXPECT_GT(rejected, 1000u);
  std::printf("random mutations: %zu accepted (%zu as raw: magic hit), %zu rejected\n", accepted, accepted_raw, rejected);
}

}  // namespace
}  // namespace septum::compiler
