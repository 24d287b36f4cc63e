// policy/lexer.cc — see lexer.h.
#include "policy/lexer.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace septum::policy {
namespace {

bool IsIdentStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
unsigned HexValue(char c) {
  if (IsDigit(c)) return static_cast<unsigned>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
  return static_cast<unsigned>(c - 'A' + 10);
}

}  // namespace

absl::string_view KindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEof: return "end of file";
    case TokenKind::kIdent: return "a name";
    case TokenKind::kInteger: return "a number";
    case TokenKind::kString: return "a string";
    case TokenKind::kLBrace: return "`{`";
    case TokenKind::kRBrace: return "`}`";
    case TokenKind::kSemicolon: return "`;`";
    case TokenKind::kComma: return "`,`";
    case TokenKind::kColon: return "`:`";
    case TokenKind::kDotDot: return "`..`";
    case TokenKind::kArrow: return "`->`";
  }
  return "?";
}

std::string Describe(const Token& token) {
  // Long tokens are shortened: a message stays one readable line whatever the input.
  constexpr size_t kMaxShown = 40;
  size_t cut = std::min(token.text.size(), kMaxShown - 8);
  while (cut > 0 && cut < token.text.size() && (static_cast<unsigned char>(token.text[cut]) & 0xc0) == 0x80) --cut;
  const std::string shown = token.text.size() <= kMaxShown ? token.text : absl::StrCat(token.text.substr(0, cut), "...");
  switch (token.kind) {
    case TokenKind::kIdent: return absl::StrCat("`", shown, "`");
    case TokenKind::kInteger: return absl::StrCat("number `", shown, "`");
    case TokenKind::kString: return "a string";
    default: return std::string(KindName(token.kind));
  }
}

Lexer::Lexer(const SourceFile& file, Diagnostics* diags) : file_(file), text_(file.text()), diags_(diags) {
  // A UTF-8 byte-order mark at the start is allowed (some editors write one); it is not text.
  if (text_.compare(0, 3, "\xef\xbb\xbf") == 0) pos_ = 3;
}

char Lexer::Peek(size_t ahead) const {
  return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
}

void Lexer::Advance(size_t bytes) {
  for (size_t i = 0; i < bytes && pos_ < text_.size(); ++i, ++pos_) {
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((c & 0xc0) != 0x80) {
      ++column_;
    }
  }
}

Loc Lexer::Here(uint32_t length) const {
  return Loc{static_cast<uint32_t>(pos_), line_, column_, length};
}

Token Lexer::Make(TokenKind kind, const Loc& start, size_t length) {
  Token t;
  t.kind = kind;
  t.loc = start;
  t.loc.length = static_cast<uint32_t>(length);
  t.text = text_.substr(start.offset, length);
  return t;
}

void Lexer::SkipSpaceAndComments() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      Advance(1);
    } else if (c == '#') {
      size_t end = text_.find('\n', pos_);
      if (end == std::string::npos) end = text_.size();
      Advance(end - pos_);
    } else {
      return;
    }
  }
}

Token Lexer::Next() {
  while (true) {
    SkipSpaceAndComments();
    const Loc start = Here(0);
    if (pos_ >= text_.size()) return Make(TokenKind::kEof, start, 0);
    const char c = text_[pos_];
    if (IsDigit(c)) return LexNumber();
    if (IsIdentStart(c)) return LexIdent();
    if (c == '"') return LexString();
    switch (c) {
      case '{': Advance(1); return Make(TokenKind::kLBrace, start, 1);
      case '}': Advance(1); return Make(TokenKind::kRBrace, start, 1);
      case ';': Advance(1); return Make(TokenKind::kSemicolon, start, 1);
      case ',': Advance(1); return Make(TokenKind::kComma, start, 1);
      case ':': Advance(1); return Make(TokenKind::kColon, start, 1);
      case '.':
        if (Peek(1) == '.') {
          Advance(2);
          return Make(TokenKind::kDotDot, start, 2);
        }
        break;
      case '-':
        if (Peek(1) == '>') {
          Advance(2);
          return Make(TokenKind::kArrow, start, 2);
        }
        break;
      default:
        break;
    }
    // One unexpected character (a whole UTF-8 sequence): report, skip, go on.
    size_t len = 1;
    while (pos_ + len < text_.size() && (static_cast<unsigned char>(text_[pos_ + len]) & 0xc0) == 0x80) ++len;
    const std::string shown = text_.substr(pos_, len);
    diags_->Error(Code::kUnexpectedCharacter, Here(static_cast<uint32_t>(len)),
                  absl::StrCat("unexpected character `", shown, "`"))
        .Help(c == '.' ? "ranges are written `A .. B`" : "remove it; comments start with `#`");
    Advance(len);
  }
}

Token Lexer::LexNumber() {
  const Loc start = Here(0);
  const size_t begin = pos_;
  uint64_t value = 0;
  bool overflow = false;
  unsigned base = 10;
  if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X')) {
    base = 16;
    Advance(2);
  }
  size_t digits = 0;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    const bool is_digit = base == 16 ? IsHexDigit(c) : IsDigit(c);
    if (!is_digit && c != '_') break;
    if (c != '_') {
      ++digits;
      const unsigned d = base == 16 ? HexValue(c) : static_cast<unsigned>(c - '0');
      if (__builtin_mul_overflow(value, base, &value) || __builtin_add_overflow(value, d, &value)) {
        overflow = true;
      }
    }
    Advance(1);
  }
  Token t = Make(TokenKind::kInteger, start, pos_ - begin);
  if (digits == 0) {
    diags_->Error(Code::kMalformedNumber, t.loc, absl::StrCat("`", t.text, "` has no digits"))
        .Help("write a hexadecimal number as `0x` followed by digits, e.g. `0x1000`");
    t.ok = false;
  } else if (overflow) {
    diags_->Error(Code::kIntegerOverflow, t.loc,
                  absl::StrCat("`", t.text, "` does not fit in 64 bits"))
        .Help("the largest value is 0xffff_ffff_ffff_ffff");
    t.ok = false;
  } else {
    t.value = value;
  }
  return t;
}

Token Lexer::LexIdent() {
  const Loc start = Here(0);
  const size_t begin = pos_;
  bool non_ascii = false;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '-' && Peek(1) == '>') break;  // `a->b` is a flow, not the name `a-`
    if (static_cast<unsigned char>(c) >= 0x80) {
      non_ascii = true;  // a letter like `ö` inside a name: keep the name whole, report once
    } else if (!(IsIdentStart(c) || IsDigit(c) || c == '-')) {
      break;
    }
    Advance(1);
  }
  Token t = Make(TokenKind::kIdent, start, pos_ - begin);
  if (non_ascii) {
    diags_->Error(Code::kUnexpectedCharacter, t.loc, absl::StrCat("the name `", t.text, "` has a non-ASCII character"))
        .Help("names are ASCII letters, digits, `_` and `-`");
  }
  return t;
}

Token Lexer::LexString() {
  const Loc start = Here(0);
  const size_t begin = pos_;
  Advance(1);  // opening quote
  std::string value;
  while (true) {
    if (pos_ >= text_.size() || text_[pos_] == '\n') {
      Token t = Make(TokenKind::kString, start, pos_ - begin);
      t.loc.length = 1;
      diags_->Error(Code::kUnterminatedString, t.loc, "string is not closed before the end of the line")
          .Help("add the closing `\"`; a string cannot span lines");
      t.text = value;
      return t;
    }
    const char c = text_[pos_];
    if (c == '"') {
      Advance(1);
      break;
    }
    if (c == '\\' && (pos_ + 1 >= text_.size() || Peek(1) == '\n')) {
      Advance(1);  // a backslash at the end of the line: the string is unterminated
      continue;
    }
    if (c == '\\') {
      const char e = Peek(1);
      if (e == '"' || e == '\\') {
        value += e;
        Advance(2);
        continue;
      }
      size_t len = 1;  // the escaped character, a whole UTF-8 sequence
      while (pos_ + 1 + len < text_.size() && (static_cast<unsigned char>(text_[pos_ + 1 + len]) & 0xc0) == 0x80) ++len;
      diags_->Error(Code::kInvalidEscape, Here(static_cast<uint32_t>(1 + len)),
                    absl::StrCat("unknown escape `\\", text_.substr(pos_ + 1, len), "`"))
          .Help("only `\\\"` and `\\\\` are escapes");
      Advance(1);
      continue;
    }
    value += c;
    Advance(1);
  }
  Token t = Make(TokenKind::kString, start, pos_ - begin);
  t.text = value;
  return t;
}

std::optional<PciAddress> Lexer::NextPciAddress() {
  SkipSpaceAndComments();
  const Loc start = Here(0);
  size_t i = 0;
  auto hex_field = [&](size_t max_digits, uint32_t* out) {
    size_t n = 0;
    uint32_t v = 0;
    while (n < max_digits && IsHexDigit(Peek(i))) {
      v = v * 16 + HexValue(Peek(i));
      ++i;
      ++n;
    }
    *out = v;
    return n > 0;
  };
  PciAddress pci;
  const bool ok = hex_field(2, &pci.bus) && Peek(i++) == ':' && hex_field(2, &pci.device) &&
                  Peek(i++) == '.' && hex_field(1, &pci.function) &&
                  !IsHexDigit(Peek(i)) && !IsIdentStart(Peek(i));
  if (!ok) {
    size_t len = 0;  // the malformed address, up to a separator
    while (pos_ + len < text_.size() && !std::strchr(" \t\r\n;{}#", text_[pos_ + len])) ++len;
    diags_->Error(Code::kExpected, Here(static_cast<uint32_t>(std::max<size_t>(len, 1))),
                  absl::StrCat("expected a PCI address `BB:DD.F`, found `", text_.substr(pos_, len), "`"))
        .Help("bus and device are hexadecimal, the function 0-7, e.g. `pci 00:04.0;`");
    Advance(len);
    return std::nullopt;
  }
  Advance(i);
  pci.loc = start;
  pci.loc.length = static_cast<uint32_t>(i);
  return pci;
}

}  // namespace septum::policy
