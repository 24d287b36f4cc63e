// The blob container: what the writer seals, the kernel's check accepts; every corruption of
// the container is refused with its own reason.
#include "tools/compiler/blob_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "kernel/core/blob.h"

namespace septum::compiler {
namespace {

// The blob in 8-byte aligned storage, as the kernel holds it.
struct Aligned {
  explicit Aligned(const std::vector<uint8_t>& b) : words((b.size() + 7) / 8), size(b.size()) {
    std::memcpy(words.data(), b.data(), b.size());
  }
  Span<const uint8_t> span() const { return Span<const uint8_t>(reinterpret_cast<const uint8_t*>(words.data()), size); }
  std::vector<uint64_t> words;
  size_t size;
};

std::vector<uint8_t> Sample() {
  BlobWriter w(0x800000, 3);
  const size_t d = w.AddSection(tables::SectionKind::kDomains, 100);
  const size_t pt = w.AddSection(tables::SectionKind::kPageTables, 8192, 4096);
  const size_t s = w.AddSection(tables::SectionKind::kSchedule, 24);
  for (auto& b : w.Data(d)) b = 0xd0;
  EXPECT_EQ(w.PhysicalAddress(pt) % 4096, 0u);
  w.Data(pt)[0] = 0x63;
  w.Data(s)[7] = 1;
  return w.Finish();
}

BlobProblem Check(const std::vector<uint8_t>& b) {
  BlobView v;
  return ValidateBlob(Aligned(b).span(), &v);
}

void Rehash(std::vector<uint8_t>& b) {
  const Sha256::Digest d = BlobDigest(Aligned(b).span());
  std::memcpy(b.data() + offsetof(tables::BlobHeader, sha256), d.bytes, 32);
}

TEST(BlobTest, WrittenBlobValidates) {
  const std::vector<uint8_t> b = Sample();
  const Aligned a(b);
  BlobView v;
  ASSERT_EQ(ValidateBlob(a.span(), &v), BlobProblem::kNone);
  ASSERT_EQ(v.sections.size(), 3u);
  EXPECT_EQ(v.sections[1].kind, static_cast<uint32_t>(tables::SectionKind::kPageTables));
  EXPECT_EQ(v.header->load_address, 0x800000u);
  EXPECT_EQ(v.header->total_size, b.size());
}

TEST(BlobTest, EveryFlippedBitIsCaught) {
  // Any single-bit change anywhere is refused: by a structural check or by the hash.
  const std::vector<uint8_t> good = Sample();
  std::mt19937 rng(3);
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> b = good;
    const size_t bit = rng() % (b.size() * 8);
    b[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_NE(Check(b), BlobProblem::kNone) << "bit " << bit;
  }
}

TEST(BlobTest, EachContainerProblemHasItsReason) {
  const std::vector<uint8_t> good = Sample();
  EXPECT_EQ(Check(std::vector<uint8_t>(good.begin(), good.begin() + 40)), BlobProblem::kTruncated);
  EXPECT_EQ(Check(std::vector<uint8_t>(good.begin(), good.end() - 8)), BlobProblem::kTruncated);
  std::vector<uint8_t> b = good;
  b[0] = 'X';
  EXPECT_EQ(Check(b), BlobProblem::kBadMagic);
  b = good;
  b[8] = tables::kFormatVersion + 1;  // version
  EXPECT_EQ(Check(b), BlobProblem::kBadVersion);
  b = good;
  b.push_back(0);
  EXPECT_EQ(Check(b), BlobProblem::kBadLength);  // bytes beyond total_size
  b = good;
  b[sizeof(tables::BlobHeader) + 3 * sizeof(tables::SectionEntry) + 10] ^= 1;  // inside the first section
  EXPECT_EQ(Check(b), BlobProblem::kBadHash);
  // A section whose offset + size would wrap past 2^64 (rehashed, so only the bounds catch it).
  b = good;
  tables::SectionEntry e;
  std::memcpy(&e, b.data() + sizeof(tables::BlobHeader), sizeof(e));
  e.size = ~uint64_t{0} - 7;
  std::memcpy(b.data() + sizeof(tables::BlobHeader), &e, sizeof(e));
  Rehash(b);
  EXPECT_EQ(Check(b), BlobProblem::kBadSection);
  // Overlapping sections.
  b = good;
  tables::SectionEntry second;
  std::memcpy(&second, b.data() + sizeof(tables::BlobHeader) + sizeof(e), sizeof(second));
  second.offset -= 4096;
  std::memcpy(b.data() + sizeof(tables::BlobHeader) + sizeof(e), &second, sizeof(second));
  Rehash(b);
  EXPECT_NE(Check(b), BlobProblem::kNone);
  // An absurd section count.
  b = good;
  const uint32_t count = 1000000;
  std::memcpy(b.data() + offsetof(tables::BlobHeader, section_count), &count, 4);
  Rehash(b);
  EXPECT_EQ(Check(b), BlobProblem::kBadDirectory);
  // total_size claiming more than there is.
  b = good;
  const uint64_t huge = ~uint64_t{0};
  std::memcpy(b.data() + offsetof(tables::BlobHeader, total_size), &huge, 8);
  EXPECT_EQ(Check(b), BlobProblem::kTruncated);
}

TEST(BlobTest, Deterministic) { EXPECT_EQ(Sample(), Sample()); }

}  // namespace
}  // namespace septum::compiler
