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
#include "proofs/tv/dump.h"
#include "proofs/tv/io_decode.h"
#include "proofs/tv/walk.h"

namespace septum::compiler {
namespace {

std::vector<tv::Run> Merged(const std::vector<Mapping>& ms) {
  std::vector<tv::Run> runs;
  for (const Mapping& m : ms) {
    if (!runs.empty() && runs.back().guest + runs.back().size == m.guest && runs.back().host + runs.back().size == m.host &&
        runs.back().access == m.access) {
      runs.back().size += m.size;
    } else {
      runs.push_back({m.guest, m.host, m.size, m.access});
    }
  }
  return runs;
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
    std::vector<uint64_t> words((blob->size() + 7) / 8);
    std::memcpy(words.data(), blob->data(), blob->size());
    const Span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(words.data()), blob->size());
    BlobView v;
    ASSERT_EQ(ValidateBlob(bytes, &v), BlobProblem::kNone);
    EXPECT_EQ(v.header->load_address, s.kernel.memory.base + kBlobOffsetInKernelMemory);
    const tables::SectionEntry& rec = v.sections[0];
    const tables::SectionEntry& pt = v.sections[1];
    ASSERT_EQ(rec.size, s.domains.size() * sizeof(tables::DomainRecord));
    auto phys = [&](uint64_t a) { return bytes.data() + (a - v.header->load_address); };
    for (uint32_t d = 0; d < s.domains.size(); ++d) {
      tables::DomainRecord r;
      std::memcpy(&r, bytes.data() + rec.offset + d * sizeof(r), sizeof(r));
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.name)), s.domains[d].name);
      const std::vector<tv::Run> want = Merged(DomainMappings(s, d));
      for (auto [format, root] : {std::pair{paging::Format::kNpt, r.npt_root}, std::pair{paging::Format::kEpt, r.ept_root}}) {
        const uint64_t section_end = v.header->load_address + pt.offset + pt.size;
        absl::StatusOr<tv::Walk> w =
            tv::WalkToRuns(format, absl::Span<const uint8_t>(phys(root), section_end - root), root);
        ASSERT_TRUE(w.ok()) << w.status();
        EXPECT_EQ(w->runs, want) << entry.path() << " domain " << s.domains[d].name;
      }
      const absl::Span<const uint8_t> iopm(phys(r.svm_iopm), 12 * 1024), vmx_io(phys(r.vmx_io_bitmaps), 8192);
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
  }
  EXPECT_GE(examples, 4u);
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
