// kernel/lib/format.h — type-safe formatted printing for the kernel and its host tests.
//
//   Format(sink, "domain {} exit {:#x} at {:#018x}\n", name, code, rip);
//
// A placeholder is `{}` or `{:SPEC}` with SPEC = [<|>][#][0][WIDTH][TYPE]:
//   `<` / `>` left / right align in WIDTH (numbers default right, text left); `#` adds the 0x / 0b
//   prefix; `0` pads numbers with zeros after the prefix; WIDTH is at most 255; TYPE is `d` (decimal, the default for
//   integers), `x` / `X` (hex), `b` (binary). `{{` and `}}` print braces.
// Arguments: any integer, bool ("true"/"false"), char, const char* (nullptr prints "(null)"),
// StringView, pointers (hex with 0x) and Status (its name).
// Formatting never fails and never allocates: a placeholder with no argument prints `{?}`,
// surplus arguments are ignored, and an unterminated `{` is printed as written.
#ifndef SEPTUM_KERNEL_LIB_FORMAT_H_
#define SEPTUM_KERNEL_LIB_FORMAT_H_

#include <stddef.h>
#include <stdint.h>

#include "kernel/abi/status.h"
#include "kernel/lib/string_view.h"

namespace septum {

// Where formatted text goes: a function and its context (no virtual calls, no allocation).
class Sink {
 public:
  using WriteFn = void (*)(void* context, const char* data, size_t length);
  constexpr Sink(WriteFn write, void* context) : write_(write), context_(context) {}
  void Write(const char* data, size_t length) const {
    if (length != 0) write_(context_, data, length);
  }
  void Write(StringView text) const { Write(text.data(), text.size()); }

 private:
  WriteFn write_;
  void* context_;
};

// One argument, type-erased.
struct FormatArg {
  enum class Kind : uint8_t { kSigned, kUnsigned, kBool, kChar, kString, kPointer };
  Kind kind;
  uint64_t bits;     // integer value (two's complement for kSigned), bool, char or pointer
  StringView text;   // kString
};

constexpr FormatArg MakeFormatArg(signed char v) { return {FormatArg::Kind::kSigned, static_cast<uint64_t>(v), {}}; }
constexpr FormatArg MakeFormatArg(short v) { return {FormatArg::Kind::kSigned, static_cast<uint64_t>(v), {}}; }
constexpr FormatArg MakeFormatArg(int v) { return {FormatArg::Kind::kSigned, static_cast<uint64_t>(v), {}}; }
constexpr FormatArg MakeFormatArg(long v) { return {FormatArg::Kind::kSigned, static_cast<uint64_t>(v), {}}; }
constexpr FormatArg MakeFormatArg(long long v) { return {FormatArg::Kind::kSigned, static_cast<uint64_t>(v), {}}; }
constexpr FormatArg MakeFormatArg(unsigned char v) { return {FormatArg::Kind::kUnsigned, v, {}}; }
constexpr FormatArg MakeFormatArg(unsigned short v) { return {FormatArg::Kind::kUnsigned, v, {}}; }
constexpr FormatArg MakeFormatArg(unsigned int v) { return {FormatArg::Kind::kUnsigned, v, {}}; }
constexpr FormatArg MakeFormatArg(unsigned long v) { return {FormatArg::Kind::kUnsigned, v, {}}; }
constexpr FormatArg MakeFormatArg(unsigned long long v) { return {FormatArg::Kind::kUnsigned, v, {}}; }
constexpr FormatArg MakeFormatArg(bool v) { return {FormatArg::Kind::kBool, v ? 1u : 0u, {}}; }
constexpr FormatArg MakeFormatArg(char v) { return {FormatArg::Kind::kChar, static_cast<unsigned char>(v), {}}; }
constexpr FormatArg MakeFormatArg(StringView v) { return {FormatArg::Kind::kString, 0, v}; }
constexpr FormatArg MakeFormatArg(const char* v) {
  return {FormatArg::Kind::kString, 0, v ? StringView(v) : StringView("(null)")};
}
constexpr FormatArg MakeFormatArg(char* v) { return MakeFormatArg(static_cast<const char*>(v)); }
constexpr FormatArg MakeFormatArg(Status v) { return MakeFormatArg(StatusName(v)); }
inline FormatArg MakeFormatArg(const void* v) {
  return {FormatArg::Kind::kPointer, reinterpret_cast<uintptr_t>(v), {}};
}

// Formats `format` with `count` arguments into `sink`.
void FormatV(const Sink& sink, StringView format, const FormatArg* args, size_t count);

template <typename... Args>
void Format(const Sink& sink, StringView format, const Args&... args) {
  const FormatArg packed[sizeof...(Args) + 1] = {MakeFormatArg(args)..., MakeFormatArg(false)};
  FormatV(sink, format, packed, sizeof...(Args));
}

// Collects formatted text in a caller-owned buffer, truncating when it is full; the buffer is
// always NUL-terminated (if it has room for one byte). length() counts every byte written,
// including those cut off, so a caller can tell truncation (length() >= capacity).
class BufferWriter {
 public:
  BufferWriter(char* buffer, size_t capacity);
  Sink sink() { return Sink(&BufferWriter::Append, this); }
  size_t length() const { return length_; }
  bool truncated() const { return capacity_ == 0 || length_ >= capacity_; }
  StringView text() const;

 private:
  static void Append(void* self, const char* data, size_t length);
  char* buffer_;
  size_t capacity_;
  size_t length_ = 0;
};

// snprintf-like: formats into buffer[capacity], returns the untruncated length.
template <typename... Args>
size_t FormatToBuffer(char* buffer, size_t capacity, StringView format, const Args&... args) {
  BufferWriter writer(buffer, capacity);
  Format(writer.sink(), format, args...);
  return writer.length();
}

}  // namespace septum

#endif  // SEPTUM_KERNEL_LIB_FORMAT_H_
