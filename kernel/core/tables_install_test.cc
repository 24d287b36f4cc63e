// CheckTablesInstall: a sound blob in RAM and clear of everything reserved is accepted; every
// other case is refused with its reason.
#include "kernel/core/tables_install.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "kernel/abi/tables.h"

namespace septum {
namespace {

// A minimal sound blob: header, one directory entry, a system record; 8-byte aligned storage.
std::vector<uint64_t> MakeBlob(uint64_t load, uint32_t flags = 0) {
  constexpr size_t kSize = sizeof(tables::BlobHeader) + sizeof(tables::SectionEntry) + sizeof(tables::SystemRecord);
  std::vector<uint64_t> words(kSize / 8);
  auto* bytes = reinterpret_cast<uint8_t*>(words.data());
  tables::BlobHeader h{};
  std::memcpy(h.magic, tables::kMagic, 8);
  h.version = tables::kFormatVersion;
  h.header_size = sizeof(h);
  h.total_size = kSize;
  h.load_address = load;
  h.section_count = 1;
  std::memcpy(bytes, &h, sizeof(h));
  const tables::SectionEntry e{static_cast<uint32_t>(tables::SectionKind::kSystem), 0,
                               sizeof(tables::BlobHeader) + sizeof(tables::SectionEntry), sizeof(tables::SystemRecord)};
  std::memcpy(bytes + sizeof(h), &e, sizeof(e));
  tables::SystemRecord sys{};
  sys.domain_count = 3;
  sys.flags = flags;
  std::memcpy(bytes + e.offset, &sys, sizeof(sys));
  const Sha256::Digest d = BlobDigest(Span<const uint8_t>(bytes, kSize));
  std::memcpy(bytes + offsetof(tables::BlobHeader, sha256), d.bytes, 32);
  return words;
}

TablesInstall Check(const std::vector<uint64_t>& words, std::vector<PhysRange> ram, std::vector<PhysRange> reserved) {
  return CheckTablesInstall(Span<const uint8_t>(reinterpret_cast<const uint8_t*>(words.data()), words.size() * 8),
                            Span<const PhysRange>(ram.data(), ram.size()), Span<const PhysRange>(reserved.data(), reserved.size()));
}

const std::vector<PhysRange> kRam = {{0x0, 0x9e0c0}, {0x100000, 0x1ff00000}};  // the blob is 224 bytes
const std::vector<PhysRange> kReserved = {{0x100000, 0x40000} /* kernel */, {0x900000, 0x2000} /* a module */};

TEST(TablesInstallTest, SoundBlobInFreeRamIsAccepted) {
  const TablesInstall t = Check(MakeBlob(0x300000), kRam, kReserved);
  EXPECT_EQ(t.problem, nullptr);
  EXPECT_EQ(t.load_address, 0x300000u);
  EXPECT_EQ(t.domains, 3u);
}

TEST(TablesInstallTest, EachRefusalHasItsReason) {
  std::vector<uint64_t> bad_hash = MakeBlob(0x300000);
  reinterpret_cast<uint8_t*>(bad_hash.data())[100] ^= 1;
  TablesInstall t = Check(bad_hash, kRam, kReserved);
  ASSERT_NE(t.problem, nullptr);
  EXPECT_EQ(t.container, BlobProblem::kBadHash);
  EXPECT_NE(Check(MakeBlob(0x300800), kRam, kReserved).problem, nullptr);                       // unaligned
  EXPECT_NE(Check(MakeBlob(0xa0000), kRam, kReserved).problem, nullptr);                        // not RAM
  EXPECT_NE(Check(MakeBlob(0x9e000), kRam, kReserved).problem, nullptr);                        // passes the end of RAM
  EXPECT_NE(Check(MakeBlob(0x13f000), kRam, kReserved).problem, nullptr);                       // on the kernel
  EXPECT_NE(Check(MakeBlob(0x901000), kRam, kReserved).problem, nullptr);                       // on a module
  EXPECT_NE(Check(MakeBlob(~uint64_t{0} & ~uint64_t{0xfff}), kRam, kReserved).problem, nullptr);  // wraps
  t = Check(MakeBlob(0x300000, tables::kSystemNoImages), kRam, kReserved);
  ASSERT_NE(t.problem, nullptr);
  EXPECT_NE(std::string(t.problem).find("--no-images"), std::string::npos);
  EXPECT_NE(Check(std::vector<uint64_t>(4, 0), kRam, kReserved).problem, nullptr);  // not a blob
}

}  // namespace
}  // namespace septum
