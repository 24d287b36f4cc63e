// The compiler's blob, read back from its bytes by the independent decoders, says what the
// model says, for every example; the validator proves it and catches tampering; the bytes do
// not depend on the order of declarations; images become segments inside the domain's memory.
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
#include "tools/compiler/blob_writer.h"
#include "tools/compiler/image_facts.h"
#include "tools/compiler/testing/test_images.h"

namespace septum::compiler {
namespace {

std::vector<tv::Run> Merged(const std::vector<Mapping>& ms) {
  std::vector<tv::Run> runs;
  for (const Mapping& m : ms) runs.push_back({m.guest, m.host, m.size, m.access});
  return tv::CanonicalRuns(runs);
}

std::string Failures(const tv::TvOutcome& o) {
  std::string s;
  for (const proofs::ObligationResult& r : o.results) {
    for (const proofs::Counterexample& c : r.counterexamples) s += std::string(r.info->id) + ": " + c.message + "\n";
    if (r.verdict == proofs::Verdict::kUnknown) s += std::string(r.info->id) + ": unknown: " + r.unknown_reason + "\n";
  }
  return s;
}

TEST(CompileTest, EveryExampleReadsBackAsItsModel) {
  size_t examples = 0;
  for (const auto& entry : std::filesystem::directory_iterator("policy/examples")) {
    if (entry.path().extension() != ".policy") continue;
    ++examples;
    const policy::CheckOutcome out = policy::CheckPolicyFile(entry.path().string());
    ASSERT_TRUE(out.accepted()) << entry.path();
    const policy::System& s = *out.system;
    absl::StatusOr<std::vector<uint8_t>> blob = CompileTables(s, nullptr);
    ASSERT_TRUE(blob.ok()) << entry.path() << ": " << blob.status();
    EXPECT_EQ(*blob, *CompileTables(s, nullptr)) << "not deterministic";
    const tv::BlobReader reader(*blob);
    ASSERT_EQ(reader.problem(), BlobProblem::kNone);
    const uint64_t end = s.kernel.memory.base + s.kernel.memory.size;
    EXPECT_EQ(reader.header().load_address, (end - reader.header().total_size) & ~uint64_t{4095}) << "at the top of kernel memory";
    EXPECT_GE(reader.header().load_address, s.kernel.memory.base + kKernelImageRoom);
    ASSERT_EQ(reader.DomainCount(), s.domains.size());
    const std::vector<uint32_t> order = CanonicalOrder(s);
    for (uint32_t c = 0; c < s.domains.size(); ++c) {
      const uint32_t d = order[c];
      const tables::DomainRecord r = reader.Domain(c);
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
    const tv::TvOutcome v = tv::ValidateTables(s, *blob, nullptr);
    EXPECT_TRUE(v.ok()) << entry.path() << "\n" << Failures(v);
    EXPECT_EQ(v.coverage.covered, v.coverage.bytes) << entry.path() << "\n" << tv::CoverageText(v.coverage);
    EXPECT_EQ(v.coverage.bytes, blob->size());
  }
  EXPECT_GE(examples, 4u);
}

// Reordering declarations that do not change meaning (items, domains, devices, channels,
// control lines, the lists inside them) gives the same bytes.
TEST(CompileTest, DeclarationOrderDoesNotMatter) {
  for (const char* name : {"demo", "driver_domain"}) {
    const policy::CheckOutcome a = policy::CheckPolicyFile(std::string("policy/examples/") + name + ".policy");
    const policy::CheckOutcome b = policy::CheckPolicyFile(std::string("tools/compiler/testdata/") + name + "_reordered.policy");
    ASSERT_TRUE(a.accepted() && b.accepted()) << name;
    ASSERT_NE(a.system->domains[0].name, b.system->domains[0].name) << name << ": the reordered copy must reorder domains";
    EXPECT_EQ(*CompileTables(*a.system, nullptr), *CompileTables(*b.system, nullptr)) << name;
  }
}

testing::CompiledWithImages MakeDemo() {
  const char* tmp = getenv("TEST_TMPDIR");
  testing::CompiledWithImages d = testing::CompileWithTestImages("policy/examples/demo.policy", std::string(tmp ? tmp : "/tmp") + "/demo");
  EXPECT_TRUE(d.out.accepted());
  EXPECT_FALSE(d.blob.empty());
  return d;
}

TEST(CompileTest, ImagesBecomeSegmentsInsideTheDomain) {
  const testing::CompiledWithImages d = MakeDemo();
  const std::vector<tv::ImageFacts> facts = ToImageFacts(d.images);
  const tv::TvOutcome v = tv::ValidateTables(*d.out.system, d.blob, &facts);
  EXPECT_TRUE(v.ok()) << Failures(v);
  EXPECT_EQ(v.coverage.covered, v.coverage.bytes) << tv::CoverageText(v.coverage);
  const std::string dump = *tv::DumpBlob(d.blob);
  EXPECT_NE(dump.find("image: elf64"), std::string::npos) << dump;
  EXPECT_NE(dump.find("image: raw"), std::string::npos) << dump;
  EXPECT_NE(dump.find("segment gpa"), std::string::npos) << dump;
  // The same blob checked as if built without images: the image facts are then wrong.
  EXPECT_FALSE(tv::ValidateTables(*d.out.system, d.blob, nullptr).ok());
  // A segment outside the domain's memory: the compiler refuses, naming domain and segment.
  std::vector<Image> bad = d.images;
  bad[0].segments[0].guest = uint64_t{1} << 40;
  absl::StatusOr<std::vector<uint8_t>> blob = CompileTables(*d.out.system, &bad);
  ASSERT_FALSE(blob.ok());
  EXPECT_NE(std::string(blob.status().message()).find("does not lie inside one memory region"), std::string::npos) << blob.status();
  // A changed image is caught by the validator (its digest and segments are in the blob).
  bad = d.images;
  bad[1].sha256[0] ^= 1;
  const std::vector<tv::ImageFacts> bad_facts = ToImageFacts(bad);
  EXPECT_FALSE(tv::ValidateTables(*d.out.system, d.blob, &bad_facts).ok());
}

// Flips one bit, then reseals the blob (so only the validator, not the hash, can object).
std::vector<uint8_t> FlipAndReseal(std::vector<uint8_t> blob, uint64_t phys, unsigned bit) {
  tables::BlobHeader h;
  std::memcpy(&h, blob.data(), sizeof(h));
  blob[phys - h.load_address] ^= static_cast<uint8_t>(1u << bit);
  Reseal(&blob);
  return blob;
}

const proofs::ObligationResult& Result(const tv::TvOutcome& o, const char* id) {
  for (const proofs::ObligationResult& r : o.results) {
    if (std::string(r.info->id) == id) return r;
  }
  static proofs::ObligationResult none;
  return none;
}

TEST(CompileTest, ValidatorCatchesTamperedTables) {
  const policy::CheckOutcome out = policy::CheckPolicyFile("policy/examples/demo.policy");
  ASSERT_TRUE(out.accepted());
  const std::vector<uint8_t> blob = *CompileTables(*out.system, nullptr);
  const tv::BlobReader reader(blob);
  // Canonical order: dom0, sandbox, worker.
  const tables::DomainRecord dom0 = reader.Domain(0), sandbox = reader.Domain(1);
  ASSERT_EQ(std::string(reinterpret_cast<const char*>(sandbox.name)), "sandbox");
  // sandbox's NPT root entry 0 -> its level-3 table; find the 2 MiB leaf two levels down and
  // clear its writable bit (byte 0, bit 1): the tables would then say r-x where the policy says rwx.
  auto entry = [&](uint64_t phys) {
    uint64_t e;
    std::memcpy(&e, blob.data() + (phys - reader.header().load_address), 8);
    return e;
  };
  const uint64_t l3 = entry(sandbox.npt_root) & paging::kAddressMask;
  const uint64_t l2 = entry(l3) & paging::kAddressMask;
  ASSERT_TRUE(entry(l2) & paging::npt::kLarge);
  tv::TvOutcome r = tv::ValidateTables(*out.system, FlipAndReseal(blob, l2, 1), nullptr);
  const proofs::ObligationResult& p10 = Result(r, "P10-page-tables");
  EXPECT_EQ(p10.verdict, proofs::Verdict::kFailed);
  ASSERT_FALSE(p10.counterexamples.empty());
  EXPECT_NE(p10.counterexamples[0].message.find("`sandbox`"), std::string::npos) << p10.counterexamples[0].message;
  // Moving the leaf's frame by 2 MiB (bit 21 = byte 2, bit 5) maps another domain's memory.
  r = tv::ValidateTables(*out.system, FlipAndReseal(blob, l2 + 2, 5), nullptr);
  EXPECT_EQ(Result(r, "P10-page-tables").verdict, proofs::Verdict::kFailed);
  // A port let through: clear the IOPM bit of port 0x60 for dom0.
  r = tv::ValidateTables(*out.system, FlipAndReseal(blob, dom0.svm_iopm + 0x60 / 8, 0x60 % 8), nullptr);
  const proofs::ObligationResult& p12 = Result(r, "P12-io-msr-bitmaps");
  EXPECT_EQ(p12.verdict, proofs::Verdict::kFailed);
  ASSERT_FALSE(p12.counterexamples.empty());
  EXPECT_NE(p12.counterexamples[0].message.find("0x60 passes but is not owned"), std::string::npos) << p12.counterexamples[0].message;
  // And an owned port made to exit: com2's 0x2f8 in dom0's VMX bitmap.
  r = tv::ValidateTables(*out.system, FlipAndReseal(blob, dom0.vmx_io_bitmaps + 0x2f8 / 8, 0x2f8 % 8), nullptr);
  EXPECT_EQ(Result(r, "P12-io-msr-bitmaps").verdict, proofs::Verdict::kFailed);
  // A right granted that the policy does not give: dom0's first right gains a bit.
  const tables::SectionEntry* rights = reader.Section(tables::SectionKind::kRights);
  r = tv::ValidateTables(*out.system, FlipAndReseal(blob, reader.header().load_address + rights->offset + 8, 7), nullptr);
  const proofs::ObligationResult& p14 = Result(r, "P14-records");
  EXPECT_EQ(p14.verdict, proofs::Verdict::kFailed);
  // A hypercall group granted to sandbox (which has none).
  const tables::SectionEntry* doms = reader.Section(tables::SectionKind::kDomains);
  r = tv::ValidateTables(*out.system,
                         FlipAndReseal(blob, reader.header().load_address + doms->offset + sizeof(tables::DomainRecord) +
                                                 offsetof(tables::DomainRecord, hypercalls), 0),
                         nullptr);
  ASSERT_FALSE(Result(r, "P14-records").counterexamples.empty());
  EXPECT_NE(Result(r, "P14-records").counterexamples[0].message.find("hypercall group bit of `sandbox`"), std::string::npos)
      << Result(r, "P14-records").counterexamples[0].message;
  // edu0 (device record 2: com1, com2, edu0) handed to another domain: its owner field changes.
  const tables::SectionEntry* devs = reader.Section(tables::SectionKind::kDevices);
  r = tv::ValidateTables(*out.system,
                         FlipAndReseal(blob, reader.header().load_address + devs->offset + 2 * sizeof(tables::DeviceRecord) +
                                                 offsetof(tables::DeviceRecord, owner), 0),
                         nullptr);
  ASSERT_FALSE(Result(r, "P14-records").counterexamples.empty());
  EXPECT_NE(Result(r, "P14-records").counterexamples[0].message.find("device table"), std::string::npos)
      << Result(r, "P14-records").counterexamples[0].message;
  // Its MMIO moved by 1 MiB (resource 4: com1 io, irq; com2 io, irq; edu0 mmio, irq).
  const tables::SectionEntry* res = reader.Section(tables::SectionKind::kDeviceResources);
  r = tv::ValidateTables(*out.system,
                         FlipAndReseal(blob, reader.header().load_address + res->offset + 4 * sizeof(tables::DeviceResource) +
                                                 offsetof(tables::DeviceResource, base) + 2, 4),
                         nullptr);
  ASSERT_FALSE(Result(r, "P14-records").counterexamples.empty());
  EXPECT_NE(Result(r, "P14-records").counterexamples[0].message.find("device resource table"), std::string::npos)
      << Result(r, "P14-records").counterexamples[0].message;
}

TEST(CompileTest, RefusesAnIrqADomainCannotReceive) {
  const char* tmp = getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp ? tmp : "/tmp") + "/irq240.policy";
  FILE* f = fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("system s {\n"
        "  platform { cpus 1; memory at 0x0 size 256MiB; iommu none; }\n"
        "  kernel { memory at 0x100000 size 8MiB; }\n"
        "  device big { irq 240; }\n"
        "  domain a { type pv; image \"a.elf\"; cpus 0; memory ram size 4MiB rwx; device big; }\n"
        "  schedule { major 10ms; cpu 0 { a 10ms; } }\n"
        "}\n",
        f);
  fclose(f);
  const policy::CheckOutcome out = policy::CheckPolicyFile(path);
  ASSERT_TRUE(out.accepted());
  const absl::StatusOr<std::vector<uint8_t>> blob = CompileTables(*out.system, nullptr);
  ASSERT_FALSE(blob.ok());
  EXPECT_NE(blob.status().message().find("IRQ 240 cannot be delivered to its owner `a`"), std::string::npos) << blob.status().message();
}

TEST(CompileTest, DumpRefusesABrokenBlob) {
  const policy::CheckOutcome out = policy::CheckPolicyFile("policy/examples/demo.policy");
  ASSERT_TRUE(out.accepted());
  std::vector<uint8_t> blob = *CompileTables(*out.system, nullptr);
  blob[5000] ^= 0x40;
  absl::StatusOr<std::string> d = tv::DumpBlob(blob);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(std::string(d.status().message()).find("SHA-256 mismatch"), std::string::npos);
}

}  // namespace
}  // namespace septum::compiler
