// policy/json.h — a small JSON writer for the tools' machine-readable output (RFC 8259).
//
//   JsonWriter w;
//   w.BeginObject(); w.Key("ok"); w.Bool(true); w.EndObject();
//   std::string text = w.Take();
//
// Strings are escaped per RFC 8259 §7 (quote, backslash, control characters); the input is
// UTF-8 and passes through unchanged otherwise. Commas are placed automatically.
#ifndef SEPTUM_POLICY_JSON_H_
#define SEPTUM_POLICY_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace septum::policy {

class JsonWriter {
 public:
  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(absl::string_view key);
  void String(absl::string_view value);
  void Number(uint64_t value);
  void Bool(bool value);
  void Null();

  std::string Take() { return std::move(out_); }

 private:
  void Open(char c);
  void Close(char c);
  void BeforeValue();

  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

std::string JsonEscape(absl::string_view text);

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_JSON_H_
