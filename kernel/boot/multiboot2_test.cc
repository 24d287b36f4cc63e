#include "kernel/boot/multiboot2.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace septum {
namespace {

// Builds a Multiboot2 boot information structure the way a loader lays it out.
class MbiBuilder {
 public:
  MbiBuilder() { bytes_.resize(8); }

  MbiBuilder& String(uint32_t type, const std::string& s) {
    std::vector<uint8_t> body(s.begin(), s.end());
    body.push_back(0);
    return Tag(type, body);
  }
  MbiBuilder& Module(uint32_t start, uint32_t end, const std::string& cmdline) {
    std::vector<uint8_t> body;
    Put32(body, start);
    Put32(body, end);
    body.insert(body.end(), cmdline.begin(), cmdline.end());
    body.push_back(0);
    return Tag(3, body);
  }
  MbiBuilder& Meminfo(uint32_t lower, uint32_t upper) {
    std::vector<uint8_t> body;
    Put32(body, lower);
    Put32(body, upper);
    return Tag(4, body);
  }
  MbiBuilder& MemoryMap(const std::vector<MemoryRange>& ranges, uint32_t entry_size = 24) {
    std::vector<uint8_t> body;
    Put32(body, entry_size);
    Put32(body, 0);
    for (const MemoryRange& r : ranges) {
      std::vector<uint8_t> entry(entry_size, 0);
      std::memcpy(&entry[0], &r.base, 8);
      std::memcpy(&entry[8], &r.length, 8);
      std::memcpy(&entry[16], &r.type, 4);
      body.insert(body.end(), entry.begin(), entry.end());
    }
    return Tag(6, body);
  }
  MbiBuilder& Tag(uint32_t type, const std::vector<uint8_t>& body) {
    while (bytes_.size() % 8) bytes_.push_back(0);
    Put32(bytes_, type);
    Put32(bytes_, static_cast<uint32_t>(8 + body.size()));
    bytes_.insert(bytes_.end(), body.begin(), body.end());
    return *this;
  }
  std::vector<uint8_t> Build(bool with_end = true) {
    std::vector<uint8_t> out = bytes_;
    if (with_end) {
      while (out.size() % 8) out.push_back(0);
      Put32(out, 0);
      Put32(out, 8);
    }
    const uint32_t total = static_cast<uint32_t>(out.size());
    std::memcpy(out.data(), &total, 4);
    return out;
  }

 private:
  static void Put32(std::vector<uint8_t>& v, uint32_t x) {
    for (int i = 0; i < 4; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
  }
  std::vector<uint8_t> bytes_;
};

Span<const uint8_t> AsSpan(const std::vector<uint8_t>& v) { return {v.data(), v.size()}; }
std::string Str(StringView v) { return std::string(v.data(), v.size()); }

TEST(Multiboot2Test, ParsesWhatGrubProvides) {
  auto mbi = MbiBuilder()
                 .String(1, "septum debug")
                 .String(2, "GRUB 2.06")
                 .Meminfo(639, 523136)
                 .Module(0x200000, 0x201000, "tables")
                 .Module(0x300000, 0x300100, "dom0.elf")
                 .MemoryMap({{0, 0x9fc00, 1}, {0x100000, 0x1ff00000, 1}, {0xfffc0000, 0x40000, 2}})
                 .Tag(8, std::vector<uint8_t>(24, 0xaa))  // framebuffer: skipped
                 .Build();
  BootInfo info;
  ASSERT_EQ(ParseMultiboot2(AsSpan(mbi), &info), Status::kOk);
  EXPECT_EQ(Str(info.cmdline), "septum debug");
  EXPECT_EQ(Str(info.loader_name), "GRUB 2.06");
  EXPECT_TRUE(info.has_basic_meminfo);
  EXPECT_EQ(info.mem_upper_kib, 523136u);
  ASSERT_EQ(info.module_count, 2u);
  EXPECT_EQ(info.modules[0].start, 0x200000u);
  EXPECT_EQ(info.modules[0].end, 0x201000u);
  EXPECT_EQ(Str(info.modules[1].cmdline), "dom0.elf");
  ASSERT_EQ(info.memory_count, 3u);
  EXPECT_EQ(info.memory[1].base, 0x100000u);
  EXPECT_EQ(info.memory[1].length, 0x1ff00000u);
  EXPECT_EQ(info.memory[2].type, 2u);
}

TEST(Multiboot2Test, AcceptsLargerMemoryMapEntries) {
  auto mbi = MbiBuilder().MemoryMap({{0x1000, 0x2000, 1}}, 32).Build();
  BootInfo info;
  ASSERT_EQ(ParseMultiboot2(AsSpan(mbi), &info), Status::kOk);
  ASSERT_EQ(info.memory_count, 1u);
  EXPECT_EQ(info.memory[0].length, 0x2000u);
}

TEST(Multiboot2Test, KeepsTheAcpiRsdpPreferringTheNewOne) {
  const std::vector<uint8_t> old_rsdp(20, 0x11), new_rsdp(36, 0x22);
  const std::vector<uint8_t> only_old = MbiBuilder().Tag(14, old_rsdp).Build();
  BootInfo info;
  ASSERT_EQ(ParseMultiboot2(AsSpan(only_old), &info), Status::kOk);
  ASSERT_EQ(info.acpi_rsdp.size(), 20u);
  EXPECT_EQ(info.acpi_rsdp[0], 0x11);
  for (const auto& mbi : {MbiBuilder().Tag(14, old_rsdp).Tag(15, new_rsdp).Build(), MbiBuilder().Tag(15, new_rsdp).Tag(14, old_rsdp).Build()}) {
    ASSERT_EQ(ParseMultiboot2(AsSpan(mbi), &info), Status::kOk);
    ASSERT_EQ(info.acpi_rsdp.size(), 36u);
    EXPECT_EQ(info.acpi_rsdp[0], 0x22);
  }
  const std::vector<uint8_t> none = MbiBuilder().String(1, "x").Build();
  ASSERT_EQ(ParseMultiboot2(AsSpan(none), &info), Status::kOk);
  EXPECT_TRUE(info.acpi_rsdp.empty());
}

TEST(Multiboot2Test, RejectsMissingEndTag) {
  auto mbi = MbiBuilder().String(1, "x").Build(/*with_end=*/false);
  BootInfo info;
  EXPECT_EQ(ParseMultiboot2(AsSpan(mbi), &info), Status::kCorrupt);
}

TEST(Multiboot2Test, RejectsTotalSizeBeyondBuffer) {
  auto mbi = MbiBuilder().Build();
  const uint32_t total = 4096;
  std::memcpy(mbi.data(), &total, 4);
  BootInfo info;
  EXPECT_EQ(ParseMultiboot2(AsSpan(mbi), &info), Status::kCorrupt);
}

TEST(Multiboot2Test, RejectsTagRunningPastTheEnd) {
  auto mbi = MbiBuilder().String(1, "abc").Build();
  mbi[12] = 0xff;  // first tag's size
  BootInfo info;
  EXPECT_EQ(ParseMultiboot2(AsSpan(mbi), &info), Status::kCorrupt);
}

TEST(Multiboot2Test, RejectsUnterminatedString) {
  auto mbi = MbiBuilder().Tag(1, {'a', 'b', 'c'}).Build();
  BootInfo info;
  EXPECT_EQ(ParseMultiboot2(AsSpan(mbi), &info), Status::kCorrupt);
}

TEST(Multiboot2Test, RejectsModuleEndingBeforeStart) {
  auto mbi = MbiBuilder().Module(0x2000, 0x1000, "m").Build();
  BootInfo info;
  EXPECT_EQ(ParseMultiboot2(AsSpan(mbi), &info), Status::kCorrupt);
}

TEST(Multiboot2Test, RejectsTooManyModules) {
  MbiBuilder b;
  for (size_t i = 0; i <= BootInfo::kMaxModules; ++i) b.Module(0x1000, 0x2000, "m");
  auto mbi = b.Build();
  BootInfo info;
  EXPECT_EQ(ParseMultiboot2(AsSpan(mbi), &info), Status::kNoSpace);
}

TEST(Multiboot2Test, RejectsTinyOrTruncatedInput) {
  BootInfo info;
  const uint8_t four[4] = {16, 0, 0, 0};
  EXPECT_EQ(ParseMultiboot2(Span<const uint8_t>(four), &info), Status::kCorrupt);
  EXPECT_EQ(Multiboot2TotalSize(Span<const uint8_t>(four)).status(), Status::kCorrupt);
  auto mbi = MbiBuilder().Build();
  EXPECT_EQ(ParseMultiboot2(Span<const uint8_t>(mbi.data(), mbi.size() - 1), &info),
            Status::kCorrupt);
}

TEST(Multiboot2Test, FuzzedInputsNeverReadOutOfBounds) {
  // Random mutations of a valid structure: the parser must return (ASan checks the reads).
  auto base = MbiBuilder()
                  .String(1, "cmd")
                  .Module(0x1000, 0x2000, "m")
                  .MemoryMap({{0, 0x1000, 1}})
                  .Build();
  uint32_t seed = 1;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> m = base;
    for (int k = 0; k < 3; ++k) {
      seed = seed * 1103515245u + 12345u;
      m[(seed >> 8) % m.size()] = static_cast<uint8_t>(seed >> 24);
    }
    BootInfo info;
    (void)ParseMultiboot2(AsSpan(m), &info);
  }
}

}  // namespace
}  // namespace septum
