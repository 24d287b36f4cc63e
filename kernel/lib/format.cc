// kernel/lib/format.cc — the placeholder parser and number rendering behind Format().
#include "kernel/lib/format.h"

namespace septum {
namespace {

constexpr size_t kMaxWidth = 255;  // wider requests are clamped

struct Spec {
  char align = 0;  // '<', '>' or 0 (default for the kind)
  bool alternate = false;
  bool zero_pad = false;
  size_t width = 0;
  char type = 0;  // 'd', 'x', 'X', 'b' or 0
};

// Parses SPEC (the text between ':' and '}'); unknown characters are ignored.
Spec ParseSpec(StringView text) {
  Spec spec;
  size_t i = 0;
  if (i < text.size() && (text[i] == '<' || text[i] == '>')) spec.align = text[i++];
  if (i < text.size() && text[i] == '#') {
    spec.alternate = true;
    ++i;
  }
  if (i < text.size() && text[i] == '0') {
    spec.zero_pad = true;
    ++i;
  }
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    spec.width = spec.width * 10 + static_cast<size_t>(text[i] - '0');
    if (spec.width > kMaxWidth) spec.width = kMaxWidth;
    ++i;
  }
  if (i < text.size()) spec.type = text[i];
  return spec;
}

void Pad(const Sink& sink, char fill, size_t count) {
  char chunk[16];
  for (char& c : chunk) c = fill;
  while (count > 0) {
    const size_t n = count < sizeof(chunk) ? count : sizeof(chunk);
    sink.Write(chunk, n);
    count -= n;
  }
}

void WriteAligned(const Sink& sink, const Spec& spec, StringView text, bool numeric) {
  const size_t pad = spec.width > text.size() ? spec.width - text.size() : 0;
  const bool left = spec.align == '<' || (spec.align == 0 && !numeric);
  if (!left) Pad(sink, ' ', pad);
  sink.Write(text);
  if (left) Pad(sink, ' ', pad);
}

void WriteNumber(const Sink& sink, const Spec& spec, uint64_t magnitude, bool negative, char type) {
  unsigned base = 10;
  const char* digits = "0123456789abcdef";
  const char* prefix = "";
  if (type == 'x' || type == 'X' || type == 'p') {
    base = 16;
    if (type == 'X') digits = "0123456789ABCDEF";
    if (spec.alternate || type == 'p') prefix = "0x";
  } else if (type == 'b') {
    base = 2;
    if (spec.alternate) prefix = "0b";
  }
  char body[64];
  size_t n = 0;
  do {
    body[sizeof(body) - 1 - n++] = digits[magnitude % base];
    magnitude /= base;
  } while (magnitude != 0);

  char out[1 + 2 + 64 + kMaxWidth];  // sign, prefix, digits, zero padding
  size_t len = 0;
  if (negative) out[len++] = '-';
  for (const char* p = prefix; *p; ++p) out[len++] = *p;
  if (spec.zero_pad && spec.align == 0) {
    while (len + n < spec.width) out[len++] = '0';
  }
  for (size_t i = 0; i < n; ++i) out[len++] = body[sizeof(body) - n + i];
  WriteAligned(sink, spec, StringView(out, len), true);
}

void WriteArg(const Sink& sink, const Spec& spec, const FormatArg& arg) {
  switch (arg.kind) {
    case FormatArg::Kind::kSigned: {
      const int64_t v = static_cast<int64_t>(arg.bits);
      const bool decimal = spec.type == 0 || spec.type == 'd';
      if (decimal && v < 0) {
        WriteNumber(sink, spec, ~arg.bits + 1, true, 'd');
      } else {
        WriteNumber(sink, spec, arg.bits, false, spec.type);
      }
      return;
    }
    case FormatArg::Kind::kUnsigned:
      WriteNumber(sink, spec, arg.bits, false, spec.type);
      return;
    case FormatArg::Kind::kPointer:
      WriteNumber(sink, spec, arg.bits, false, 'p');
      return;
    case FormatArg::Kind::kBool:
      WriteAligned(sink, spec, arg.bits ? "true" : "false", false);
      return;
    case FormatArg::Kind::kChar: {
      const char c = static_cast<char>(arg.bits);
      WriteAligned(sink, spec, StringView(&c, 1), false);
      return;
    }
    case FormatArg::Kind::kString:
      WriteAligned(sink, spec, arg.text, false);
      return;
  }
}

}  // namespace

void FormatV(const Sink& sink, StringView format, const FormatArg* args, size_t count) {
  size_t next_arg = 0;
  size_t i = 0;
  size_t literal_start = 0;
  while (i < format.size()) {
    const char c = format[i];
    if (c == '}' && format[i + 1] == '}') {  // "}}" -> "}"
      sink.Write(format.data() + literal_start, i + 1 - literal_start);
      i += 2;
      literal_start = i;
      continue;
    }
    if (c != '{') {
      ++i;
      continue;
    }
    if (format[i + 1] == '{') {  // "{{" -> "{"
      sink.Write(format.data() + literal_start, i + 1 - literal_start);
      i += 2;
      literal_start = i;
      continue;
    }
    size_t close = i + 1;
    while (close < format.size() && format[close] != '}') ++close;
    if (close >= format.size()) break;  // unterminated: the rest is printed as written
    sink.Write(format.data() + literal_start, i - literal_start);
    const StringView inside = format.Substr(i + 1, close - i - 1);
    const Spec spec = inside.StartsWith(":") ? ParseSpec(inside.Substr(1)) : Spec{};
    if (next_arg < count) {
      WriteArg(sink, spec, args[next_arg++]);
    } else {
      sink.Write("{?}");
    }
    i = close + 1;
    literal_start = i;
  }
  sink.Write(format.data() + literal_start, format.size() - literal_start);
}

BufferWriter::BufferWriter(char* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {
  if (capacity_ > 0) buffer_[0] = '\0';
}

void BufferWriter::Append(void* self, const char* data, size_t length) {
  auto* w = static_cast<BufferWriter*>(self);
  for (size_t i = 0; i < length; ++i) {
    if (w->length_ + 1 < w->capacity_) w->buffer_[w->length_] = data[i];
    ++w->length_;
  }
  if (w->capacity_ > 0) {
    const size_t end = w->length_ < w->capacity_ ? w->length_ : w->capacity_ - 1;
    w->buffer_[end] = '\0';
  }
}

StringView BufferWriter::text() const {
  if (capacity_ == 0) return StringView();
  return StringView(buffer_, length_ < capacity_ ? length_ : capacity_ - 1);
}

}  // namespace septum
