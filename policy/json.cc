// policy/json.cc — see json.h.
#include "policy/json.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace septum::policy {

std::string JsonEscape(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

void JsonWriter::NewLine() {
  out_ += '\n';
  out_.append(2 * static_cast<size_t>(lines_open_), ' ');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (open_.empty()) return;
  Container& c = open_.back();
  if (!c.first) out_ += ',';
  if (c.lines) {
    NewLine();
  } else if (!c.first && style_ == Style::kReadable) {
    out_ += ' ';
  }
  c.first = false;
}

void JsonWriter::Open(char c, Layout layout) {
  BeforeValue();
  out_ += c;
  const bool lines = style_ == Style::kReadable && layout == Layout::kLines;
  open_.push_back(Container{true, lines});
  lines_open_ += lines;
}

void JsonWriter::Close(char c) {
  const Container closed = open_.back();
  open_.pop_back();
  if (closed.lines) {
    --lines_open_;
    if (!closed.first) NewLine();
  }
  out_ += c;
}

void JsonWriter::Key(absl::string_view key) {
  BeforeValue();
  out_ += JsonEscape(key);
  out_ += style_ == Style::kReadable ? ": " : ":";
  after_key_ = true;
}

void JsonWriter::String(absl::string_view value) {
  BeforeValue();
  out_ += JsonEscape(value);
}

void JsonWriter::Number(uint64_t value) {
  BeforeValue();
  absl::StrAppend(&out_, value);
}

void JsonWriter::Fixed(double value, int decimals) {
  BeforeValue();
  if (std::isfinite(value)) {
    absl::StrAppendFormat(&out_, "%.*f", decimals, value);
  } else {
    out_ += "null";
  }
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
}

void JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
}

}  // namespace septum::policy
