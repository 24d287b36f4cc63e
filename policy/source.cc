// policy/source.cc — line table, UTF-8 validation.
#include "policy/source.h"

#include <algorithm>

namespace septum::policy {

SourceFile::SourceFile(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

Loc SourceFile::LocAt(uint32_t offset, uint32_t length) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const uint32_t line_index = static_cast<uint32_t>(it - line_starts_.begin()) - 1;
  const uint32_t line_start = line_starts_[line_index];
  Loc loc;
  loc.offset = offset;
  loc.line = line_index + 1;
  loc.column = static_cast<uint32_t>(CodePoints(absl::string_view(text_).substr(line_start, offset - line_start))) + 1;
  loc.length = length;
  return loc;
}

Loc SourceFile::Span(const Loc& first, const Loc& last) {
  if (!first.valid()) return last;
  if (!last.valid() || last.offset + last.length < first.offset) return first;
  Loc span = first;
  span.length = last.offset + last.length - first.offset;
  return span;
}

absl::string_view SourceFile::Line(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const uint32_t start = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size() ? line_starts_[line] - 1 : static_cast<uint32_t>(text_.size());
  if (end > start && text_[end - 1] == '\r') --end;
  return absl::string_view(text_).substr(start, end - start);
}

size_t CodePoints(absl::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xc0) != 0x80) ++n;  // count every byte that is not a continuation byte
  }
  return n;
}

SourceProblem ValidateSourceBytes(absl::string_view bytes, size_t* offset) {
  *offset = 0;
  if (bytes.size() > kMaxSourceBytes) return SourceProblem::kTooLarge;
  if (bytes.empty()) return SourceProblem::kEmpty;
  size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    *offset = i;
    if (c == 0) return SourceProblem::kNulByte;
    if (c < 0x80) {
      ++i;
      continue;
    }
    // RFC 3629 §4: the well-formed multi-byte sequences (no overlongs, no surrogates, <= U+10FFFF).
    size_t need;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return SourceProblem::kNotUtf8;
    }
    for (size_t k = 1; k <= need; ++k) {
      if (i + k >= bytes.size()) return SourceProblem::kNotUtf8;
      const auto b = static_cast<unsigned char>(bytes[i + k]);
      const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xbf;
      if (b < min || b > max) return SourceProblem::kNotUtf8;
    }
    i += need + 1;
  }
  *offset = 0;
  return SourceProblem::kNone;
}

}  // namespace septum::policy
