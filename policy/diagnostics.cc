// policy/diagnostics.cc — collecting and rendering diagnostics.
#include "policy/diagnostics.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace septum::policy {
namespace {

constexpr size_t kMaxShownCodePoints = 120;  // long source lines are shown as a window

// Byte offset of code point `cp` in `s` (or s.size()).
size_t ByteOfCodePoint(absl::string_view s, size_t cp) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) {
      if (seen == cp) return i;
      ++seen;
    }
  }
  return s.size();
}

}  // namespace

Diagnostic& Diagnostics::Add(Severity severity, Code code, Loc loc, std::string message) {
  if (severity == Severity::kError && errors_ >= kMaxErrors) {
    ++dropped_;
    discarded_ = Diagnostic();
    return discarded_;
  }
  (severity == Severity::kError ? errors_ : warnings_)++;
  list_.push_back(Diagnostic{severity, code, loc, std::move(message), {}, {}, {}});
  return list_.back();
}

Diagnostic& Diagnostics::Error(Code code, Loc loc, std::string message) {
  return Add(Severity::kError, code, loc, std::move(message));
}

Diagnostic& Diagnostics::Warning(Code code, Loc loc, std::string message) {
  return Add(Severity::kWarning, code, loc, std::move(message));
}

std::vector<Diagnostic> Diagnostics::Sorted() const {
  std::vector<Diagnostic> out = list_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.loc.offset + (a.loc.valid() ? 1u : 0u) < b.loc.offset + (b.loc.valid() ? 1u : 0u);
  });
  return out;
}

std::string RenderSnippet(const SourceFile& file, const Loc& loc) {
  if (!loc.valid()) return "";
  const absl::string_view line = file.Line(loc.line);
  const size_t line_cps = CodePoints(line);
  size_t first_cp = 0, shown_cps = line_cps;
  if (line_cps > kMaxShownCodePoints) {
    first_cp = loc.column > 41 ? loc.column - 41 : 0;
    shown_cps = std::min(kMaxShownCodePoints, line_cps - first_cp);
  }
  const size_t begin = ByteOfCodePoint(line, first_cp);
  const size_t end = ByteOfCodePoint(line, first_cp + shown_cps);
  const std::string prefix = first_cp > 0 ? "..." : "";
  const std::string suffix = first_cp + shown_cps < line_cps ? "..." : "";
  const std::string number = absl::StrCat(loc.line);
  const std::string gutter(std::max<size_t>(number.size(), 4), ' ');

  // Caret line: copy tabs from the source so the caret lines up.
  std::string caret(prefix.size(), ' ');
  const size_t caret_cp = loc.column - 1;
  const size_t caret_byte = ByteOfCodePoint(line, caret_cp);
  for (size_t i = begin; i < std::min(caret_byte, end); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xc0) == 0x80) continue;
    caret += c == '\t' ? '\t' : ' ';
  }
  const size_t token_end = std::min(line.size(), caret_byte + loc.length);
  size_t width = caret_byte < line.size()
                     ? CodePoints(line.substr(caret_byte, token_end - caret_byte))
                     : 1;
  width = std::max<size_t>(1, std::min(width, kMaxShownCodePoints));
  caret += "^";
  caret += std::string(width - 1, '~');

  return absl::StrFormat("%*s | %s%s%s\n%s | %s", gutter.size(), number, prefix,
                         line.substr(begin, end - begin), suffix, gutter, caret);
}

std::string RenderDiagnosticText(const SourceFile& file, const Diagnostic& d) {
  auto where = [&](const Loc& loc) {
    return loc.valid() ? absl::StrCat(file.path(), ":", loc.line, ":", loc.column) : file.path();
  };
  std::string out = absl::StrCat(where(d.loc), ": ",
                                 d.severity == Severity::kError ? "error" : "warning", "[",
                                 d.Id(), "]: ", d.message, "\n");
  if (d.loc.valid()) absl::StrAppend(&out, RenderSnippet(file, d.loc), "\n");
  for (const Note& n : d.notes) {
    absl::StrAppend(&out, where(n.loc), ": note: ", n.message, "\n");
    if (n.loc.valid()) absl::StrAppend(&out, RenderSnippet(file, n.loc), "\n");
  }
  if (!d.help.empty()) absl::StrAppend(&out, "help: ", d.help, "\n");
  return out;
}

std::string RenderText(const SourceFile& file, const Diagnostics& diags) {
  std::string out;
  for (const Diagnostic& d : diags.Sorted()) absl::StrAppend(&out, RenderDiagnosticText(file, d));
  if (diags.truncated()) {
    absl::StrAppend(&out, file.path(), ": note: stopped after ", Diagnostics::kMaxErrors,
                    " errors; fix these and run again\n");
  }
  return out;
}

}  // namespace septum::policy
