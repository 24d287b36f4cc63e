// Front end end to end: accepted examples, placement, and bad input of every kind.
#include "policy/frontend.h"

#include <gtest/gtest.h>

#include <string>

#include "policy/print_model.h"

namespace septum::policy {
namespace {

std::vector<std::string> Codes(const CheckOutcome& out) {
  std::vector<std::string> codes;
  for (const Diagnostic& d : out.diags.Sorted()) codes.push_back(std::string(Describe(d.code).id));
  return codes;
}

constexpr char kBase[] = R"(system t {
  platform { cpus 2; memory at 0x0 size 256MiB; iommu amd-vi; }
  kernel { memory at 0x100000 size 4MiB; }
  domain a { type pv; image "a.elf"; cpus 0; memory ram size 8MiB rwx; hypercalls console; }
  domain b { type pv; image "b.elf"; cpus 1; memory ram size 2MiB rwx; memory buf size 4KiB r; }
  channel c { writer a; reader b; size 4KiB; }
  schedule { major 10ms; cpu 0 { a 10ms; } cpu 1 { b 5ms; idle 5ms; } }
}
)";

TEST(FrontendTest, DemoIsAcceptedWithTheDocumentedPlacement) {
  CheckOutcome out = CheckPolicyFile("policy/examples/demo.policy");
  ASSERT_TRUE(out.accepted()) << RenderText(*out.source, out.diags);
  const System& s = *out.system;
  EXPECT_EQ(Summary(s), "3 domains, 3 regions, 3 devices, 1 channel, 2 CPUs");
  const Region& worker = s.regions[s.domains[s.FindDomain("worker")].regions[0]];
  EXPECT_TRUE(worker.host_placed);
  EXPECT_EQ(worker.guest, 0u);  // 'map' defaults to the lowest free guest address
  EXPECT_EQ(worker.host.base % (2u << 20), 0u);  // >= 2 MiB: 2 MiB aligned
  EXPECT_EQ(s.domains[s.FindDomain("dom0")].image_path, "policy/examples/guests/dom0.elf");
}

TEST(FrontendTest, PlacementIsDeterministicAndIndependentOfDeclarationOrder) {
  CheckOutcome first = CheckPolicyText("t.policy", kBase);
  ASSERT_TRUE(first.accepted()) << RenderText(*first.source, first.diags);
  // Same system, domains declared in the other order.
  std::string swapped = kBase;
  const size_t a = swapped.find("  domain a");
  const size_t b = swapped.find("  domain b");
  const size_t end_b = swapped.find('\n', b) + 1;
  const std::string line_a = swapped.substr(a, b - a), line_b = swapped.substr(b, end_b - b);
  swapped.replace(a, end_b - a, line_b + line_a);
  CheckOutcome second = CheckPolicyText("t.policy", swapped);
  ASSERT_TRUE(second.accepted());
  for (const char* name : {"a", "b"}) {
    const Domain& d1 = first.system->domains[first.system->FindDomain(name)];
    const Domain& d2 = second.system->domains[second.system->FindDomain(name)];
    for (size_t i = 0; i < d1.regions.size(); ++i) {
      EXPECT_EQ(first.system->regions[d1.regions[i]].host.base, second.system->regions[d2.regions[i]].host.base) << name;
      EXPECT_EQ(first.system->regions[d1.regions[i]].guest, second.system->regions[d2.regions[i]].guest) << name;
    }
  }
  EXPECT_EQ(first.system->channels[0].host.base, second.system->channels[0].host.base);
  // Largest first, lowest fitting address, never below 1 MiB or inside the kernel.
  const System& s = *first.system;
  const Region& a_ram = s.regions[s.domains[s.FindDomain("a")].regions[0]];
  const Region& b_ram = s.regions[s.domains[s.FindDomain("b")].regions[0]];
  const Region& b_buf = s.regions[s.domains[s.FindDomain("b")].regions[1]];
  EXPECT_EQ(a_ram.host.base, 0x600000u);   // after the kernel [1 MiB, 5 MiB), 2 MiB aligned
  EXPECT_EQ(b_ram.host.base, 0xe00000u);
  EXPECT_EQ(b_buf.host.base, 0x500000u);   // 4 KiB pieces fill the gap after the kernel
  EXPECT_EQ(b_buf.guest, 0x200000u);       // after b's ram in guest space
  EXPECT_EQ(s.channels[0].reader.guest, 0x201000u);
  EXPECT_EQ(s.channels[0].writer.guest, 0x800000u);
}

TEST(FrontendTest, SeveralIndependentErrorsInOneRun) {
  std::string text = kBase;
  text.replace(text.find("cpus 1;"), 7, "cpus 7;");              // E0402
  text.replace(text.find("hypercalls console"), 18, "hypercalls consol");  // E0203
  text.replace(text.find("size 4KiB; }"), 9, "size 5000;");     // E0403
  CheckOutcome out = CheckPolicyText("t.policy", text);
  EXPECT_FALSE(out.accepted());
  const auto codes = Codes(out);
  EXPECT_NE(std::find(codes.begin(), codes.end(), "E0402"), codes.end());
  EXPECT_NE(std::find(codes.begin(), codes.end(), "E0203"), codes.end());
  EXPECT_NE(std::find(codes.begin(), codes.end(), "E0403"), codes.end());
}

TEST(FrontendTest, ConflictNamesBothSides) {
  std::string text = kBase;
  text.replace(text.find("memory ram size 2MiB rwx"), 24, "memory ram size 2MiB at 0x100000 rwx");
  CheckOutcome out = CheckPolicyText("t.policy", text);
  ASSERT_FALSE(out.accepted());
  const std::string rendered = RenderText(*out.source, out.diags);
  EXPECT_NE(rendered.find("error[E0503]"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("t.policy:3:"), std::string::npos) << rendered;  // the note at the kernel line
  EXPECT_NE(rendered.find("help:"), std::string::npos);
}

TEST(FrontendTest, FailedFlowAssertionShowsThePath) {
  std::string text = kBase;
  text.insert(text.rfind('}'), "  assert no flow a -> b;\n");
  CheckOutcome out = CheckPolicyText("t.policy", text);
  ASSERT_FALSE(out.accepted());
  const auto sorted = out.diags.Sorted();
  ASSERT_EQ(sorted.size(), 1u);
  EXPECT_EQ(sorted[0].code, Code::kFlowExists);
  ASSERT_EQ(sorted[0].notes.size(), 1u);
  EXPECT_EQ(sorted[0].notes[0].loc.line, 6u);  // the channel
}

// ---- bad input: never a crash, a hang or unbounded output ----

TEST(FrontendBadInputTest, EmptyNulAndNonUtf8) {
  EXPECT_EQ(Codes(CheckPolicyText("t.policy", "")), std::vector<std::string>{"E0001"});
  EXPECT_EQ(Codes(CheckPolicyText("t.policy", std::string("system a {\0}", 12))), std::vector<std::string>{"E0003"});
  CheckOutcome bad = CheckPolicyText("t.policy", "system a {\n  \xff }");
  ASSERT_EQ(Codes(bad), std::vector<std::string>{"E0004"});
  EXPECT_EQ(bad.diags.Sorted()[0].loc.line, 2u);
  EXPECT_EQ(Codes(CheckPolicyText("t.policy", "\xc0\x80")), std::vector<std::string>{"E0004"});  // overlong
  EXPECT_EQ(Codes(CheckPolicyText("t.policy", "\xed\xa0\x80")), std::vector<std::string>{"E0004"});  // surrogate
  EXPECT_EQ(Codes(CheckPolicyText("t.policy", "# only a comment\n")), std::vector<std::string>{"E0206"});
}

TEST(FrontendBadInputTest, SixteenMebibyteLimit) {
  EXPECT_EQ(Codes(CheckPolicyText("t.policy", std::string(kMaxSourceBytes + 1, 'a'))), std::vector<std::string>{"E0002"});
  // Exactly 16 MiB of one identifier: a syntax error, reported once, with a bounded snippet.
  CheckOutcome out = CheckPolicyText("t.policy", std::string(kMaxSourceBytes, 'a'));
  ASSERT_EQ(out.diags.error_count(), 1u);
  EXPECT_LT(RenderText(*out.source, out.diags).size(), 2000u);
}

TEST(FrontendBadInputTest, TenThousandNestedBraces) {
  const std::string text = "system a " + std::string(10000, '{') + std::string(10000, '}');
  CheckOutcome out = CheckPolicyText("t.policy", text);
  EXPECT_FALSE(out.accepted());
  EXPECT_LE(out.diags.error_count(), Diagnostics::kMaxErrors);
}

TEST(FrontendBadInputTest, ErrorCountIsCapped) {
  std::string text = "system a { platform { ";
  for (int i = 0; i < 5000; ++i) text += "cpus 1; ";
  text += "} }";
  CheckOutcome out = CheckPolicyText("t.policy", text);
  EXPECT_EQ(out.diags.error_count(), Diagnostics::kMaxErrors);
  EXPECT_TRUE(out.diags.truncated());
  EXPECT_NE(RenderText(*out.source, out.diags).find("stopped after 100 errors"), std::string::npos);
}

TEST(FrontendBadInputTest, OverflowsAndWrapping) {
  std::string text = kBase;
  text.replace(text.find("size 8MiB rwx"), 13, "size 8MiB at 0xffff_ffff_ffff_f000 rwx");
  EXPECT_EQ(Codes(CheckPolicyText("t.policy", text)), std::vector<std::string>{"E0405"});
  text = kBase;
  text.replace(text.find("size 8MiB"), 9, "size 99999999999999GiB");
  EXPECT_EQ(Codes(CheckPolicyText("t.policy", text)), std::vector<std::string>{"E0104"});
  text = kBase;
  text.replace(text.find("size 8MiB"), 9, "size 0x1_0000_0000_0000_0000");
  EXPECT_EQ(Codes(CheckPolicyText("t.policy", text)), std::vector<std::string>{"E0104"});
}

TEST(FrontendBadInputTest, UnterminatedEverything) {
  for (const char* text : {"system a { domain b { type \"pv", "system a {", "system a { # comment", "\"", "system"}) {
    CheckOutcome out = CheckPolicyText("t.policy", text);
    EXPECT_FALSE(out.accepted()) << text;
    EXPECT_GT(out.diags.error_count(), 0u) << text;
  }
}

TEST(FrontendBadInputTest, MissingFileIsAnIoError) {
  CheckOutcome out = CheckPolicyFile("/nonexistent/x.policy");
  EXPECT_FALSE(out.io_error.empty());
  EXPECT_FALSE(out.accepted());
  EXPECT_FALSE(CheckPolicyFile("/").io_error.empty());
}

TEST(FrontendTest, ModelTextMarksPlacedValues) {
  CheckOutcome out = CheckPolicyText("t.policy", kBase);
  ASSERT_TRUE(out.accepted());
  const std::string model = ModelText(*out.system);
  EXPECT_NE(model.find("memory ram: host [0x0000600000, 0x0000e00000) (placed)"), std::string::npos) << model;
  EXPECT_NE(model.find("cpu 1: b 5ms, idle 5ms"), std::string::npos) << model;
  EXPECT_NE(model.find("a -> b: channel `c`"), std::string::npos) << model;
}

}  // namespace
}  // namespace septum::policy
