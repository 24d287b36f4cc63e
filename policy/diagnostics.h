// policy/diagnostics.h — errors and warnings with source locations, notes and fix hints.
//
//   diags.Error(Code::kHostOverlap, region.loc, "...")
//       .Note(other.loc, "`dom0.ram` is here")
//       .Help("move one of them, or leave out `at` to let the compiler place it");
//
// Rendered as text (file:line:col: error[CODE]: message, the source line, a caret underline,
// note: lines for the other side of a conflict, help:) or JSON. At most kMaxErrors errors are
// kept; after that the front end stops and says so (bounded output on any input).
#ifndef SEPTUM_POLICY_DIAGNOSTICS_H_
#define SEPTUM_POLICY_DIAGNOSTICS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "policy/codes.h"
#include "policy/source.h"

namespace septum::policy {

enum class Severity { kError, kWarning };

struct Note {
  Loc loc;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  Code code = Code::kExpected;
  Loc loc;
  std::string message;
  std::vector<Note> notes;
  std::string help;
  std::string id;  // overrides the code's id in output (proof obligations: "P01-phys-disjoint")

  absl::string_view Id() const { return id.empty() ? Describe(code).id : absl::string_view(id); }

  Diagnostic& AddNote(Loc at, std::string text) {
    notes.push_back({at, std::move(text)});
    return *this;
  }
  Diagnostic& Help(std::string text) {
    help = std::move(text);
    return *this;
  }
};

class Diagnostics {
 public:
  static constexpr size_t kMaxErrors = 100;

  Diagnostic& Error(Code code, Loc loc, std::string message);
  Diagnostic& Warning(Code code, Loc loc, std::string message);

  // True once kMaxErrors errors were reported: later phases should stop.
  bool full() const { return errors_ >= kMaxErrors; }
  // The limit was reached: the front end stopped, later problems may be unreported.
  bool truncated() const { return errors_ >= kMaxErrors; }
  size_t error_count() const { return errors_; }
  size_t warning_count() const { return warnings_; }
  bool has_errors() const { return errors_ > 0; }

  // All kept diagnostics, file-level first, then in source order (stable).
  std::vector<Diagnostic> Sorted() const;

 private:
  Diagnostic& Add(Severity severity, Code code, Loc loc, std::string message);

  std::vector<Diagnostic> list_;
  Diagnostic discarded_;  // target of reports past the limit
  size_t errors_ = 0;
  size_t warnings_ = 0;
  size_t dropped_ = 0;
};

// Text in the compiler style, ending with a newline per line; "" if there is nothing.
std::string RenderText(const SourceFile& file, const Diagnostics& diags);
std::string RenderDiagnosticText(const SourceFile& file, const Diagnostic& d);
// The source line of `loc` and a caret line under it (no trailing newline), "" for file-level.
std::string RenderSnippet(const SourceFile& file, const Loc& loc);

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_DIAGNOSTICS_H_
