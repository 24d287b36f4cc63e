// The translation validator against single-bit corruption of the demo's blob (built with test
// images, so every section has content). Each flipped blob is resealed (its SHA-256
// recomputed) so that only the validator can object. Flipped:
//  - every bit of every non-zero page-table entry (8 bytes) and of every non-zero 32-byte
//    chunk of the IOMMU section (which holds every non-zero AMD-Vi DTE, VT-d root and context
//    entry and I/O page-table entry);
//  - every bit of the header, the section directory and the record sections (system, domain
//    records with the hypercall permissions, control rights, channels, IRQ routes, schedule,
//    segments, devices and their resources);
//  - a seeded random sample of 20,000 further bits: zero table entries, the I/O and MSR
//    bitmaps, padding.
// Each flip is either rejected by the validator, or accepted and then provably harmless: the
// blob decodes (septum dump) to exactly what the original decodes to. An accepted flip that
// changes what the blob says is a failure. The counts are printed.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "kernel/abi/tables.h"
#include "policy/frontend.h"
#include "proofs/tv/blob_reader.h"
#include "proofs/tv/dump.h"
#include "proofs/tv/validate.h"
#include "tools/compiler/blob_writer.h"
#include "tools/compiler/compile.h"
#include "tools/compiler/image_facts.h"
#include "tools/compiler/testing/test_images.h"

namespace septum::tv {
namespace {

using Demo = compiler::testing::CompiledWithImages;

Demo Build() {
  const char* tmp = getenv("TEST_TMPDIR");
  Demo d = compiler::testing::CompileWithTestImages("policy/examples/demo.policy", std::string(tmp ? tmp : "/tmp") + "/bitflip");
  EXPECT_TRUE(d.out.accepted());
  EXPECT_FALSE(d.blob.empty());
  return d;
}

// What the blob says: its dump, without the first line (the SHA-256, changed by every flip)
// and without the addresses of tables and bitmaps (pointing a domain at another, identical
// bitmap changes no access: the shared bitmaps of domains that own the same ports are such).
std::string Meaning(const std::vector<uint8_t>& blob) {
  absl::StatusOr<std::string> d = DumpBlob(blob);
  if (!d.ok()) return "invalid: " + std::string(d.status().message());
  static const std::regex kAddress("(at|root) 0x[0-9a-f]+");
  return std::regex_replace(d->substr(d->find('\n') + 1), kAddress, "$1 ADDRESS");
}

// "the domains section, byte 113" for a blob offset.
std::string Where(const BlobReader& reader, uint64_t offset) {
  for (const tables::SectionEntry& sec : reader.view().sections) {
    if (offset >= sec.offset && offset < sec.offset + sec.size) {
      return absl::StrCat("the ", SectionName(static_cast<tables::SectionKind>(sec.kind)), " section, byte ", offset - sec.offset);
    }
  }
  return absl::StrCat("blob byte ", offset, " (header, directory or padding)");
}

TEST(BitFlipTest, EveryFlipIsRejectedOrHarmless) {
  const Demo demo = Build();
  const policy::System& s = *demo.out.system;
  const std::vector<ImageFacts> images = compiler::ToImageFacts(demo.images);
  {
    TvSession session;
    const TvOutcome base = ValidateTables(s, demo.blob, &images, &session);
    ASSERT_TRUE(base.ok());
    ASSERT_EQ(base.coverage.covered, base.coverage.bytes);
  }
  const std::string meaning = Meaning(demo.blob);

  const BlobReader reader(demo.blob);
  const tables::BlobHeader& h = reader.header();
  auto section = [&](tables::SectionKind k) { return *reader.Section(k); };
  std::set<uint64_t> exhaustive;  // bit numbers: byte * 8 + bit
  auto all_bits = [&](uint64_t off, uint64_t size) {
    for (uint64_t b = off * 8; b < (off + size) * 8; ++b) exhaustive.insert(b);
  };
  // Every bit of every entry (of `entry` bytes) that is not all zero.
  auto non_zero = [&](uint64_t off, uint64_t size, uint64_t entry) {
    for (uint64_t c = off; c < off + size; c += entry) {
      if (std::any_of(demo.blob.begin() + c, demo.blob.begin() + c + entry, [](uint8_t x) { return x != 0; })) all_bits(c, entry);
    }
  };
  const tables::SectionEntry pt = section(tables::SectionKind::kPageTables), io = section(tables::SectionKind::kIommu);
  non_zero(pt.offset, pt.size, 8);
  const size_t table_bits = exhaustive.size();
  // The IOMMU section (layout: compile.h): AMD-Vi device table (32-byte DTEs), AMD-Vi I/O page
  // tables (8-byte entries), VT-d root, context and second-level tables (16-byte root and
  // context entries; second-level entries are 8 bytes, taken in pairs: a superset).
  tables::SystemRecord sys;
  std::memcpy(&sys, demo.blob.data() + section(tables::SectionKind::kSystem).offset, sizeof(sys));
  const uint64_t dt = sys.amdvi_device_table - h.load_address, dt_size = sys.amdvi_device_table_pages * 4096;
  const uint64_t vtd = sys.vtd_root_table - h.load_address;
  ASSERT_EQ(dt, io.offset);
  non_zero(dt, dt_size, 32);
  non_zero(dt + dt_size, vtd - dt - dt_size, 8);
  non_zero(vtd, io.offset + io.size - vtd, 16);
  const size_t iommu_bits = exhaustive.size() - table_bits;
  all_bits(0, sizeof(h) + h.section_count * sizeof(tables::SectionEntry));
  for (auto k : {tables::SectionKind::kSystem, tables::SectionKind::kDomains, tables::SectionKind::kRights, tables::SectionKind::kChannels,
                 tables::SectionKind::kIrqRoutes, tables::SectionKind::kSchedule, tables::SectionKind::kSegments,
                 tables::SectionKind::kDevices, tables::SectionKind::kDeviceResources}) {
    all_bits(section(k).offset, section(k).size);
  }
  const size_t record_bits = exhaustive.size() - table_bits - iommu_bits;
  // The random sample: any bit not flipped exhaustively (zero entries, bitmaps, padding).
  std::mt19937_64 rng(20261125);
  std::set<uint64_t> sample;
  while (sample.size() < 20000) {
    const uint64_t b = rng() % (demo.blob.size() * 8);
    if (!exhaustive.count(b)) sample.insert(b);
  }
  std::vector<uint64_t> bits(exhaustive.begin(), exhaustive.end());
  bits.insert(bits.end(), sample.begin(), sample.end());
  printf("flipping %zu bits of a %zu-byte blob: %zu in page-table entries, %zu in IOMMU entries, %zu in the header and records, %zu sampled\n",
         bits.size(), demo.blob.size(), table_bits, iommu_bits, record_bits, sample.size());

  // Two workers (the machine's two cores), each with its own Z3 context.
  std::atomic<size_t> rejected{0}, harmless{0}, moot{0}, undecided{0}, queries{0};
  std::mutex mu;
  std::vector<std::string> escaped;
  const auto start = std::chrono::steady_clock::now();
  auto work = [&](size_t first) {
    TvSession session;
    TvOptions fast;
    fast.stop_at_first_failure = true;
    for (size_t i = first; i < bits.size(); i += 2) {
      const uint64_t byte = bits[i] / 8;
      if (byte >= offsetof(tables::BlobHeader, sha256) && byte < offsetof(tables::BlobHeader, sha256) + 32) {
        ++moot;  // the hash field: resealing rewrites it
        continue;
      }
      std::vector<uint8_t> flipped = demo.blob;
      flipped[byte] ^= static_cast<uint8_t>(1u << (bits[i] % 8));
      compiler::Reseal(&flipped);
      const TvOutcome o = ValidateTables(s, flipped, &images, &session, fast);
      if (std::any_of(o.results.begin(), o.results.end(), [](const proofs::ObligationResult& r) { return r.verdict == proofs::Verdict::kUnknown; })) {
        ++undecided;  // Z3 gave no answer: neither a rejection nor a proof
      } else if (!o.ok()) {
        ++rejected;
      } else if (Meaning(flipped) == meaning) {
        ++harmless;
      } else {
        std::lock_guard<std::mutex> lock(mu);
        escaped.push_back(absl::StrCat("bit ", bits[i] % 8, " of ", Where(reader, byte)));
      }
    }
    queries += session.queries();
  };
  std::thread other(work, 1);
  work(0);
  other.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  printf("rejected %zu, accepted and harmless %zu, accepted and changing what the blob says %zu, undecided %zu, hash-field bits (moot) %zu; "
         "%zu distinct Z3 queries; %.1f s\n",
         rejected.load(), harmless.load(), escaped.size(), undecided.load(), moot.load(), queries.load(), seconds);
  for (const std::string& e : escaped) ADD_FAILURE() << e << " changes what the blob says, and the validator accepted it";
  EXPECT_EQ(undecided, 0u);
  EXPECT_EQ(rejected + harmless + moot + undecided + escaped.size(), bits.size());
  EXPECT_GE(sample.size(), 20000u);
}

TEST(BitFlipTest, BrokenContainersGiveCleanErrors) {
  const Demo demo = Build();
  const policy::System& s = *demo.out.system;
  const std::vector<ImageFacts> images = compiler::ToImageFacts(demo.images);
  auto expect_refused = [&](std::vector<uint8_t> blob, const char* reason) {
    const TvOutcome o = ValidateTables(s, blob, &images);
    EXPECT_FALSE(o.ok()) << reason;
    ASSERT_FALSE(o.results[0].counterexamples.empty()) << reason;
    EXPECT_NE(o.results[0].counterexamples[0].message.find(reason), std::string::npos) << o.results[0].counterexamples[0].message;
    absl::StatusOr<std::string> d = DumpBlob(blob);
    EXPECT_FALSE(d.ok());
  };
  std::vector<uint8_t> b = demo.blob;
  b.resize(b.size() / 2);
  expect_refused(b, "truncated");
  expect_refused({}, "truncated");
  b = demo.blob;
  b[0] ^= 1;
  compiler::Reseal(&b);
  expect_refused(b, "magic");
  b = demo.blob;
  b[offsetof(tables::BlobHeader, version)] = static_cast<uint8_t>(tables::kFormatVersion + 1);
  compiler::Reseal(&b);
  expect_refused(b, "version");
  b = demo.blob;
  b.back() ^= 0x10;  // inside the last section; not resealed
  expect_refused(b, "SHA-256");
  b = demo.blob;
  const uint64_t huge = ~uint64_t{0} - 7;
  std::memcpy(b.data() + offsetof(tables::BlobHeader, total_size), &huge, 8);
  compiler::Reseal(&b);
  expect_refused(b, "truncated");
}

}  // namespace
}  // namespace septum::tv
