// policy/source.h — a policy file in memory, and positions in it.
//
// Invariant: a SourceFile's text is valid UTF-8 without NUL bytes and at most kMaxSourceBytes
// long; LoadSource refuses anything else with a diagnostic, so the lexer never sees such input.
#ifndef SEPTUM_POLICY_SOURCE_H_
#define SEPTUM_POLICY_SOURCE_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

namespace septum::policy {

inline constexpr size_t kMaxSourceBytes = 16u << 20;  // 16 MiB (POLICY_LANGUAGE.md "Rejected")

// A span of source text. line and column are 1-based (column counts code points); length is in
// bytes. line 0 means "the file as a whole" (no position).
struct Loc {
  uint32_t offset = 0;
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t length = 0;

  bool valid() const { return line != 0; }
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  // The location of [offset, offset + length). O(log lines + line length): for occasional use;
  // the lexer tracks positions incrementally.
  Loc LocAt(uint32_t offset, uint32_t length) const;
  // A location spanning from `first` to the end of `last` (first's line and column).
  static Loc Span(const Loc& first, const Loc& last);
  // The text of 1-based line `line`, without its newline.
  absl::string_view Line(uint32_t line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

// Number of UTF-8 code points in `text` (text is valid UTF-8).
size_t CodePoints(absl::string_view text);

// Why raw bytes are not acceptable source text, or "" if they are. On failure *offset is the
// first offending byte.
enum class SourceProblem { kNone, kEmpty, kTooLarge, kNulByte, kNotUtf8 };
SourceProblem ValidateSourceBytes(absl::string_view bytes, size_t* offset);

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_SOURCE_H_
