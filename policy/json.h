// policy/json.h — a small JSON writer for the tools' machine-readable output (RFC 8259).
//
//   JsonWriter w;
//   w.BeginObject(); w.Key("ok"); w.Bool(true); w.EndObject();
//   std::string text = w.Take();  // {"ok":true}
//
// Strings are escaped per RFC 8259 §7 (quote, backslash, control characters); the input is
// UTF-8 and passes through unchanged otherwise. Commas are placed automatically.
//
// Two styles: kCompact writes no white space (the reports of `septum check`). kReadable writes
// ": " after a key and ", " between elements, and a container begun with Layout::kLines puts
// each element on a line of its own, indented two spaces per enclosing kLines container
// (certificate.json):
//
//   JsonWriter w(JsonWriter::Style::kReadable);
//   w.BeginObject(JsonWriter::Layout::kLines);
//   w.Key("a"); w.BeginObject(); w.Key("b"); w.Number(1); w.Key("c"); w.Number(2); w.EndObject();
//   w.EndObject();  // {\n  "a": {"b": 1, "c": 2}\n}
#ifndef SEPTUM_POLICY_JSON_H_
#define SEPTUM_POLICY_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace septum::policy {

class JsonWriter {
 public:
  enum class Style { kCompact, kReadable };
  enum class Layout { kInline, kLines };  // kLines matters in the kReadable style only

  JsonWriter() = default;
  explicit JsonWriter(Style style) : style_(style) {}

  void BeginObject(Layout layout = Layout::kInline) { Open('{', layout); }
  void EndObject() { Close('}'); }
  void BeginArray(Layout layout = Layout::kInline) { Open('[', layout); }
  void EndArray() { Close(']'); }
  void Key(absl::string_view key);
  void String(absl::string_view value);
  void Number(uint64_t value);
  // `value` with `decimals` digits after the point (0.250 for 0.25 and 3); null when it is not
  // finite, as JSON has no NaN or infinity.
  void Fixed(double value, int decimals);
  void Bool(bool value);
  void Null();

  std::string Take() { return std::move(out_); }

 private:
  struct Container {
    bool first = true;   // no element written yet
    bool lines = false;  // one element per line
  };
  void Open(char c, Layout layout);
  void Close(char c);
  void BeforeValue();
  void NewLine();

  Style style_ = Style::kCompact;
  std::string out_;
  std::vector<Container> open_;
  int lines_open_ = 0;  // how many of open_ are one element per line: the indentation
  bool after_key_ = false;
};

std::string JsonEscape(absl::string_view text);

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_JSON_H_
