// policy/lexer.h — tokens of the policy language (POLICY_LANGUAGE.md "Lexical").
//
// The lexer works on demand: the parser asks for one token at a time, which lets it read the
// one context-dependent form, a PCI address `BB:DD.F`, with NextPciAddress(). Positions are
// tracked incrementally (linear time on any input). Lexical errors are reported to Diagnostics
// and the lexer continues after them, so one run can report several.
#ifndef SEPTUM_POLICY_LEXER_H_
#define SEPTUM_POLICY_LEXER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

#include "policy/diagnostics.h"
#include "policy/source.h"

namespace septum::policy {

enum class TokenKind {
  kEof,
  kIdent,
  kInteger,
  kString,
  kLBrace,
  kRBrace,
  kSemicolon,
  kComma,
  kColon,
  kDotDot,
  kArrow,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  Loc loc;
  std::string text;    // identifier text, string value (escapes resolved), or number spelling
  uint64_t value = 0;  // integer value
  bool ok = true;      // false if the integer was malformed or overflowed (already reported)
};

struct PciAddress {
  uint32_t bus = 0, device = 0, function = 0;
  Loc loc;
};

// How a token is named in messages: "`;`", "identifier `foo`", "end of file".
std::string Describe(const Token& token);
absl::string_view KindName(TokenKind kind);

class Lexer {
 public:
  Lexer(const SourceFile& file, Diagnostics* diags);

  Token Next();
  // Reads `BB:DD.F` (hex bus and device, function 0-7). On malformed input reports E0201 at
  // the current position and returns nullopt without consuming anything but whitespace.
  std::optional<PciAddress> NextPciAddress();

 private:
  void SkipSpaceAndComments();
  void Advance(size_t bytes);
  Loc Here(uint32_t length) const;
  char Peek(size_t ahead = 0) const;
  Token Make(TokenKind kind, const Loc& start, size_t length);
  Token LexNumber();
  Token LexString();
  Token LexIdent();

  const SourceFile& file_;
  const std::string& text_;
  Diagnostics* diags_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
};

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_LEXER_H_
