// The compiler's blob, read back from its bytes by the independent decoders, says what the
// model says, for every example: NPT and EPT runs equal the domain's mappings, exactly the
// owned ports pass, the container checks out, and the bytes are deterministic.
#include "tools/compiler/compile.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "kernel/abi/tables.h"
#include "kernel/core/blob.h"
#include "policy/frontend.h"
#include "proofs/tv/blob_reader.h"
#include "proofs/tv/dump.h"
#include "proofs/tv/io_decode.h"
#include "proofs/tv/validate.h"
#include "proofs/tv/walk.h"

namespace septum::compiler {
namespace {

std::vector<tv::Run> Merged(const std::vector<Mapping>& ms) {
  std::vector<tv::Run> runs;
  for (const Mapping& m : ms) runs.push_back({m.guest, m.host, m.size, m.access});
  return tv::CanonicalRuns(runs);
}

TEST(CompileTest, EveryExampleReadsBackAsItsModel) {
  size_t examples = 0;
  for (const auto& entry : std::filesystem::directory_iterator("policy/examples")) {
    if (entry.path().extension() != ".policy") continue;
    ++examples;
    const policy::CheckOutcome out = policy::CheckPolicyFile(entry.path().string());
    ASSERT_TRUE(out.accepted()) << entry.path();
    const policy::System& s = *out.system;
    absl::StatusOr<std::vector<uint8_t>> blob = CompileTables(s);
    ASSERT_TRUE(blob.ok()) << entry.path() << ": " << blob.status();
    EXPECT_EQ(*blob, *CompileTables(s)) << "not deterministic";
    const tv::BlobReader reader(*blob);
    ASSERT_EQ(reader.problem(), BlobProblem::kNone);
    EXPECT_EQ(reader.header().load_address, s.kernel.memory.base + kBlobOffsetInKernelMemory);
    ASSERT_EQ(reader.DomainCount(), s.domains.size());
    for (uint32_t d = 0; d < s.domains.size(); ++d) {
      const tables::DomainRecord r = reader.Domain(d);
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.name)), s.domains[d].name);
      const std::vector<tv::Run> want = Merged(DomainMappings(s, d));
      for (auto [format, root] : {std::pair{paging::Format::kNpt, r.npt_root}, std::pair{paging::Format::kEpt, r.ept_root}}) {
        absl::StatusOr<tv::Walk> w = reader.WalkTables(format, root);
        ASSERT_TRUE(w.ok()) << w.status();
        EXPECT_EQ(w->runs, want) << entry.path() << " domain " << s.domains[d].name;
      }
      const absl::Span<const uint8_t> iopm = reader.At(r.svm_iopm, 12 * 1024), vmx_io = reader.At(r.vmx_io_bitmaps, 8192);
      for (uint32_t port = 0; port <= 0xffff; ++port) {
        bool owned = false;
        for (uint32_t dev : s.domains[d].devices) {
          const policy::Device& device = s.devices[dev];
          if (device.owner.kind != policy::Owner::Kind::kDomain || device.owner.domain != d) continue;
          for (const auto& p : device.ports) owned = owned || (p.first <= port && port <= p.last);
        }
        ASSERT_EQ(tv::SvmPortPasses(iopm, port), owned) << s.domains[d].name << " port " << port;
        ASSERT_EQ(tv::VmxPortPasses(vmx_io, port), owned) << s.domains[d].name << " port " << port;
      }
    }
    EXPECT_TRUE(tv::DumpBlob(*blob).ok());
    for (const proofs::ObligationResult& r : tv::ValidateTables(s, *blob)) {
      EXPECT_EQ(r.verdict, proofs::Verdict::kProven)
          << entry.path() << " " << r.info->id << (r.counterexamples.empty() ? "" : ": " + r.counterexamples[0].message);
    }
  }
  EXPECT_GE(examples, 4u);
}

// Flips one bit, then reseals the blob (so only the validator, not the hash, can object).
std::vector<uint8_t> FlipAndReseal(std::vector<uint8_t> blob, uint64_t phys, unsigned bit) {
  tables::BlobHeader h;
  std::memcpy(&h, blob.data(), sizeof(h));
  blob[phys - h.load_address] ^= static_cast<uint8_t>(1u << bit);
  std::vector<uint64_t> words((blob.size() + 7) / 8);
  std::memcpy(words.data(), blob.data(), blob.size());
  const Sha256::Digest d = BlobDigest(Span<const uint8_t>(reinterpret_cast<const uint8_t*>(words.data()), blob.size()));
  std::memcpy(blob.data() + offsetof(tables::BlobHeader, sha256), d.bytes, 32);
  return blob;
}

TEST(CompileTest, ValidatorCatchesTamperedTables) {
  const policy::CheckOutcome out = policy::CheckPolicyFile("policy/examples/demo.policy");
  ASSERT_TRUE(out.accepted());
  const std::vector<uint8_t> blob = *CompileTables(*out.system);
  tables::BlobHeader h;
  std::memcpy(&h, blob.data(), sizeof(h));
  tables::DomainRecord sandbox;
  std::memcpy(&sandbox, blob.data() + sizeof(h) + 3 * sizeof(tables::SectionEntry) + 2 * sizeof(sandbox), sizeof(sandbox));
  // sandbox's NPT root entry 0 -> its level-3 table; find the 2 MiB leaf two levels down and
  // clear its writable bit (byte 0, bit 1): the tables would then say r-x where the policy says rwx.
  auto entry = [&](uint64_t phys) {
    uint64_t e;
    std::memcpy(&e, blob.data() + (phys - h.load_address), 8);
    return e;
  };
  const uint64_t l3 = entry(sandbox.npt_root) & paging::kAddressMask;
  const uint64_t l2 = entry(l3) & paging::kAddressMask;
  ASSERT_TRUE(entry(l2) & paging::npt::kLarge);
  std::vector<proofs::ObligationResult> r = tv::ValidateTables(*out.system, FlipAndReseal(blob, l2, 1));
  EXPECT_EQ(r[0].verdict, proofs::Verdict::kFailed);
  ASSERT_FALSE(r[0].counterexamples.empty());
  EXPECT_NE(r[0].counterexamples[0].message.find("`sandbox`"), std::string::npos) << r[0].counterexamples[0].message;
  // Moving the leaf's frame by 2 MiB (bit 21 = byte 2, bit 5) maps another domain's memory.
  r = tv::ValidateTables(*out.system, FlipAndReseal(blob, l2 + 2, 5));
  EXPECT_EQ(r[0].verdict, proofs::Verdict::kFailed);
  // A port let through: clear the IOPM bit of port 0x60 for dom0.
  tables::DomainRecord dom0;
  std::memcpy(&dom0, blob.data() + sizeof(h) + 3 * sizeof(tables::SectionEntry), sizeof(dom0));
  r = tv::ValidateTables(*out.system, FlipAndReseal(blob, dom0.svm_iopm + 0x60 / 8, 0x60 % 8));
  EXPECT_EQ(r[1].verdict, proofs::Verdict::kFailed);
  EXPECT_NE(r[1].counterexamples[0].message.find("0x60 passes but is not owned"), std::string::npos) << r[1].counterexamples[0].message;
  // And an owned port made to exit: com2's 0x2f8 in dom0's VMX bitmap.
  r = tv::ValidateTables(*out.system, FlipAndReseal(blob, dom0.vmx_io_bitmaps + 0x2f8 / 8, 0x2f8 % 8));
  EXPECT_EQ(r[1].verdict, proofs::Verdict::kFailed);
}

TEST(CompileTest, DumpRefusesABrokenBlob) {
  const policy::CheckOutcome out = policy::CheckPolicyFile("policy/examples/demo.policy");
  ASSERT_TRUE(out.accepted());
  std::vector<uint8_t> blob = *CompileTables(*out.system);
  blob[5000] ^= 0x40;
  absl::StatusOr<std::string> d = tv::DumpBlob(blob);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(std::string(d.status().message()).find("SHA-256 mismatch"), std::string::npos);
}

}  // namespace
}  // namespace septum::compiler
