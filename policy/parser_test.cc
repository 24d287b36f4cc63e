#include "policy/parser.h"

#include <gtest/gtest.h>

#include <string>

namespace septum::policy {
namespace {

struct Parsed {
  std::unique_ptr<SourceFile> file;
  Diagnostics diags;
  ast::File ast;
};

std::unique_ptr<Parsed> ParseText(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  p->file = std::make_unique<SourceFile>("t.policy", text);
  p->ast = Parse(*p->file, &p->diags);
  return p;
}

TEST(ParserTest, WholeLanguage) {
  auto p = ParseText(R"(system s {
  platform { cpus 4; memory at 0x0 size 1GiB; memory at 0x1_0000_0000 size 512 MiB; iommu vt-d; }
  kernel { memory at 0x100000 size 8MiB; console com1; }
  device com1 { io 0x3f8 .. 0x3ff; irq 4; }
  device nic { pci 00:1f.3; mmio at 0xfe000000 size 128KiB; mmio size 4KiB at 0xfe100000; irq 16; dma; }
  domain d { type hvm; image "g/d.bin"; cpus 0, 2; memory ram size 16MiB at 0x2000000 map 0x0 rwx;
             memory rom map 0x100000 size 4KiB rx; device nic; hypercalls console, yield;
             control e, f : start, query; label a; label b; on fault restart; boot no; }
  channel c { writer d map 0x800000; reader e; size 4KiB; notify; at 0x3000000; }
  schedule { major 1s; cpu 0 { d 500ms; idle 500000us; } }
  assert no flow d -> e;
  assert isolated f;
})");
  ASSERT_FALSE(p->diags.has_errors());
  ASSERT_TRUE(p->ast.system);
  const ast::System& s = *p->ast.system;
  EXPECT_EQ(s.name.text, "s");
  EXPECT_EQ(s.platform->cpus->value, 4u);
  ASSERT_EQ(s.platform->memory.size(), 2u);
  EXPECT_EQ(s.platform->memory[1].at->value, 0x100000000u);
  EXPECT_EQ(s.platform->memory[1].size->bytes, 512u << 20);
  EXPECT_EQ(s.platform->iommu->text, "vt-d");
  EXPECT_EQ(s.kernel->console->text, "com1");
  ASSERT_EQ(s.devices.size(), 2u);
  EXPECT_EQ(s.devices[0].io[0].first.value, 0x3f8u);
  EXPECT_EQ(s.devices[1].pci[0].device, 0x1fu);
  EXPECT_EQ(s.devices[1].pci[0].function, 3u);
  EXPECT_EQ(s.devices[1].mmio[1].at->value, 0xfe100000u);  // options in any order
  EXPECT_TRUE(s.devices[1].dma.has_value());
  const ast::Domain& d = s.domains[0];
  EXPECT_EQ(d.type->text, "hvm");
  EXPECT_EQ(d.image->text, "g/d.bin");
  EXPECT_EQ(d.cpus->items.size(), 2u);
  ASSERT_EQ(d.memory.size(), 2u);
  EXPECT_EQ(d.memory[0].map->value, 0u);
  EXPECT_EQ(d.memory[1].perms->text, "rx");
  EXPECT_EQ(d.control[0].targets.size(), 2u);
  EXPECT_EQ(d.control[0].rights[1].text, "query");
  EXPECT_EQ(d.labels.size(), 2u);
  EXPECT_EQ(d.on_fault->text, "restart");
  EXPECT_EQ(d.boot->text, "no");
  EXPECT_EQ(s.channels[0].writer->map->value, 0x800000u);
  EXPECT_FALSE(s.channels[0].reader->map.has_value());
  EXPECT_EQ(s.channels[0].at->value, 0x3000000u);
  EXPECT_EQ(s.schedule->major->micros, 1000000u);
  EXPECT_EQ(s.schedule->cpus[0].slots[1].duration.micros, 500000u);
  ASSERT_EQ(s.asserts.size(), 2u);
  EXPECT_EQ(s.asserts[0].to->text, "e");
  EXPECT_EQ(s.asserts[1].kind, ast::Assert::Kind::kIsolated);
}

TEST(ParserTest, LocationsPointAtTheSource) {
  auto p = ParseText("system s {\n  domain dom0 {\n    memory ram size 4KiB rwx;\n  }\n}\n");
  const ast::Domain& d = p->ast.system->domains[0];
  EXPECT_EQ(d.name.loc.line, 2u);
  EXPECT_EQ(d.name.loc.column, 10u);
  EXPECT_EQ(d.memory[0].loc.line, 3u);
  EXPECT_EQ(d.memory[0].loc.column, 5u);
  EXPECT_EQ(d.memory[0].loc.length, std::string("memory ram size 4KiB rwx;").size());
  EXPECT_EQ(d.memory[0].size->loc.column, 21u);
}

TEST(ParserTest, RecoversAtStatementBoundaries) {
  // Three independent syntax errors, each reported once; the statements after them still parse.
  auto p = ParseText(R"(system s {
  platform { cpus 2 memory at 0x0 size 1GiB; }
  domain a { type pv; colour blue; cpus 0; }
  domain b { type ; image "b"; }
})");
  const auto diags = p->diags.Sorted();
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_EQ(diags[0].code, Code::kExpected);       // missing `;`
  EXPECT_EQ(diags[0].loc.line, 2u);
  EXPECT_EQ(diags[1].code, Code::kUnknownItem);    // colour
  EXPECT_EQ(diags[2].code, Code::kExpected);       // type ;
  ASSERT_EQ(p->ast.system->domains.size(), 2u);
  EXPECT_TRUE(p->ast.system->domains[0].cpus.has_value());
  EXPECT_TRUE(p->ast.system->domains[1].image.has_value());
}

TEST(ParserTest, DuplicateScalarOptionNotesTheFirst) {
  auto p = ParseText("system s { domain a { type pv; type hvm; } }");
  const auto diags = p->diags.Sorted();
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, Code::kDuplicateOption);
  ASSERT_EQ(diags[0].notes.size(), 1u);
  EXPECT_EQ(diags[0].notes[0].loc.column, 28u);
}

TEST(ParserTest, UnknownOptionSuggestsTheNearest) {
  auto p = ParseText("system s { domain a { hypercals console; } }");
  const auto diags = p->diags.Sorted();
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].help.find("did you mean `hypercalls`"), std::string::npos) << diags[0].help;
}

TEST(ParserTest, UnitsAreChecked) {
  auto p = ParseText(
      "system s { platform { memory at 16MiB size 1 GB; } schedule { major 10; cpu 0 { a 5KiB; } } }");
  std::vector<Code> codes;
  for (const auto& d : p->diags.Sorted()) codes.push_back(d.code);
  EXPECT_EQ(codes, (std::vector<Code>{Code::kWrongUnit, Code::kWrongUnit, Code::kWrongUnit, Code::kWrongUnit}));
}

TEST(ParserTest, UnclosedBlockPointsAtItsBrace) {
  auto p = ParseText("system s {\n  domain a {\n    type pv;\n");
  const auto diags = p->diags.Sorted();
  ASSERT_GE(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, Code::kUnclosedBlock);
  EXPECT_EQ(diags[0].loc.line, 1u);  // the system's `{`, reached first at end of file
}

TEST(ParserTest, SecondSystemAndTrailingText) {
  auto p = ParseText("system a { }\nsystem b { }\n}\nfoo;");
  std::vector<Code> codes;
  for (const auto& d : p->diags.Sorted()) codes.push_back(d.code);
  EXPECT_EQ(codes, (std::vector<Code>{Code::kSystemCount, Code::kExpected, Code::kExpected}));
  EXPECT_EQ(p->ast.system->name.text, "a");
}

TEST(ParserTest, KeywordsAreNotReservedAsNames) {
  auto p = ParseText("system system { domain memory { memory size size 4KiB rwx; } }");
  ASSERT_FALSE(p->diags.has_errors());
  EXPECT_EQ(p->ast.system->name.text, "system");
  EXPECT_EQ(p->ast.system->domains[0].name.text, "memory");
  EXPECT_EQ(p->ast.system->domains[0].memory[0].name->text, "size");
}

}  // namespace
}  // namespace septum::policy
