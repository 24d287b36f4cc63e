#include "policy/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace septum::policy {
namespace {

struct Lexed {
  std::vector<Token> tokens;
  Diagnostics diags;
};

Lexed LexAll(const std::string& text) {
  SourceFile file("t.policy", text);
  Lexed out;
  Lexer lexer(file, &out.diags);
  while (true) {
    Token t = lexer.Next();
    out.tokens.push_back(t);
    if (t.kind == TokenKind::kEof) break;
  }
  return out;
}

TEST(LexerTest, TokensWithPositions) {
  Lexed l = LexAll("system demo {\n  io 0x3f8 .. 0x3ff; # comment\n}\n");
  std::vector<TokenKind> kinds;
  for (const Token& t : l.tokens) kinds.push_back(t.kind);
  EXPECT_EQ(kinds, (std::vector<TokenKind>{TokenKind::kIdent, TokenKind::kIdent, TokenKind::kLBrace, TokenKind::kIdent,
                                           TokenKind::kInteger, TokenKind::kDotDot, TokenKind::kInteger,
                                           TokenKind::kSemicolon, TokenKind::kRBrace, TokenKind::kEof}));
  EXPECT_EQ(l.tokens[4].value, 0x3f8u);
  EXPECT_EQ(l.tokens[4].loc.line, 2u);
  EXPECT_EQ(l.tokens[4].loc.column, 6u);
  EXPECT_EQ(l.tokens[4].loc.length, 5u);
  EXPECT_EQ(l.tokens[8].loc.line, 3u);
  EXPECT_FALSE(l.diags.has_errors());
}

TEST(LexerTest, NumbersWithSeparatorsAndUnitsSplit) {
  Lexed l = LexAll("0x1000_0000 1_000 4KiB 16 MiB");
  EXPECT_EQ(l.tokens[0].value, 0x10000000u);
  EXPECT_EQ(l.tokens[1].value, 1000u);
  EXPECT_EQ(l.tokens[2].value, 4u);
  EXPECT_EQ(l.tokens[3].text, "KiB");
  EXPECT_EQ(l.tokens[4].value, 16u);
  EXPECT_EQ(l.tokens[5].text, "MiB");
}

TEST(LexerTest, IntegerOverflowIsReportedNotWrapped) {
  Lexed l = LexAll("0xffff_ffff_ffff_ffff 0x1_0000_0000_0000_0000 18446744073709551616");
  EXPECT_TRUE(l.tokens[0].ok);
  EXPECT_EQ(l.tokens[0].value, ~uint64_t{0});
  EXPECT_FALSE(l.tokens[1].ok);
  EXPECT_FALSE(l.tokens[2].ok);
  EXPECT_EQ(l.diags.error_count(), 2u);
}

TEST(LexerTest, IdentifiersWithDashesAndArrows) {
  Lexed l = LexAll("amd-vi a->b c -> d");
  EXPECT_EQ(l.tokens[0].text, "amd-vi");
  EXPECT_EQ(l.tokens[1].text, "a");
  EXPECT_EQ(l.tokens[2].kind, TokenKind::kArrow);
  EXPECT_EQ(l.tokens[3].text, "b");
  EXPECT_EQ(l.tokens[5].kind, TokenKind::kArrow);
}

TEST(LexerTest, StringsAndEscapes) {
  Lexed l = LexAll(R"("guests/a\"b\\c.elf")");
  EXPECT_EQ(l.tokens[0].kind, TokenKind::kString);
  EXPECT_EQ(l.tokens[0].text, "guests/a\"b\\c.elf");
  EXPECT_FALSE(l.diags.has_errors());
}

TEST(LexerTest, UnterminatedStringAndBadEscapeAreErrors) {
  Lexed l = LexAll("\"abc\nx \"a\\nb\"");
  ASSERT_EQ(l.diags.error_count(), 2u);
  const auto sorted = l.diags.Sorted();
  EXPECT_EQ(sorted[0].code, Code::kUnterminatedString);
  EXPECT_EQ(sorted[1].code, Code::kInvalidEscape);
}

TEST(LexerTest, UnexpectedCharactersAreSkippedAndAllReported) {
  Lexed l = LexAll("a @ b $ c é");
  EXPECT_EQ(l.diags.error_count(), 3u);
  EXPECT_EQ(l.tokens.size(), 4u);  // a b c EOF
  const auto sorted = l.diags.Sorted();
  EXPECT_EQ(sorted[2].loc.column, 11u);  // columns count code points
}

TEST(LexerTest, HexWithoutDigits) {
  Lexed l = LexAll("0x;");
  EXPECT_EQ(l.diags.Sorted()[0].code, Code::kMalformedNumber);
  EXPECT_FALSE(l.tokens[0].ok);
}

TEST(LexerTest, PciAddresses) {
  SourceFile file("t.policy", " 00:1f.3; 0:4.0 ; zz");
  Diagnostics diags;
  Lexer lexer(file, &diags);
  auto a = lexer.NextPciAddress();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->bus, 0u);
  EXPECT_EQ(a->device, 0x1fu);
  EXPECT_EQ(a->function, 3u);
  EXPECT_EQ(a->loc.column, 2u);
  EXPECT_EQ(lexer.Next().kind, TokenKind::kSemicolon);
  auto b = lexer.NextPciAddress();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->device, 4u);
  EXPECT_EQ(lexer.Next().kind, TokenKind::kSemicolon);
  EXPECT_FALSE(lexer.NextPciAddress().has_value());
  EXPECT_EQ(diags.error_count(), 1u);
}

TEST(LexerTest, LongSingleLineIsLinear) {
  // 4 MiB of `; ` on one line: positions are tracked incrementally (this would take minutes
  // if each token recomputed its column).
  std::string text;
  for (int i = 0; i < (2 << 20); ++i) text += "; ";
  Lexed l = LexAll(text);
  EXPECT_EQ(l.tokens.size(), (2u << 20) + 1);
  EXPECT_EQ(l.tokens[(2 << 20) - 1].loc.column, static_cast<uint32_t>((2 << 20) * 2 - 1));
}

}  // namespace
}  // namespace septum::policy

namespace septum::policy {
namespace {

TEST(LexerTest, ByteOrderMarkIsSkipped) {
  Lexed l = LexAll("\xef\xbb\xbfsystem");
  EXPECT_FALSE(l.diags.has_errors());
  EXPECT_EQ(l.tokens[0].text, "system");
}

TEST(LexerTest, BackslashAtEndOfFileInAString) {
  Lexed l = LexAll("\"abc\\");
  ASSERT_EQ(l.diags.error_count(), 1u);
  EXPECT_EQ(l.diags.Sorted()[0].code, Code::kUnterminatedString);
}

TEST(LexerTest, NonAsciiNameIsOneTokenAndOneError) {
  Lexed l = LexAll("wörker;");
  EXPECT_EQ(l.tokens[0].text, "wörker");
  EXPECT_EQ(l.tokens[1].kind, TokenKind::kSemicolon);
  EXPECT_EQ(l.diags.error_count(), 1u);
}

}  // namespace
}  // namespace septum::policy
