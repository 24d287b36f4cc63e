// kernel/lib/string_view.h — StringView: a non-owning, length-delimited character range.
#ifndef SEPTUM_KERNEL_LIB_STRING_VIEW_H_
#define SEPTUM_KERNEL_LIB_STRING_VIEW_H_

#include <stddef.h>

namespace septum {

class StringView {
 public:
  constexpr StringView() : data_(""), size_(0) {}
  constexpr StringView(const char* data, size_t size) : data_(data), size_(size) {}
  // From a NUL-terminated string; nullptr gives the empty view.
  constexpr StringView(const char* cstr)  // NOLINT: implicit from string literals
      : data_(cstr ? cstr : ""), size_(cstr ? Length(cstr) : 0) {}

  constexpr const char* data() const { return data_; }
  constexpr size_t size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr char operator[](size_t i) const { return i < size_ ? data_[i] : '\0'; }

  constexpr bool StartsWith(StringView prefix) const {
    return prefix.size_ <= size_ && StringView(data_, prefix.size_) == prefix;
  }
  // [pos, pos + count) clamped to this view.
  constexpr StringView Substr(size_t pos, size_t count = static_cast<size_t>(-1)) const {
    if (pos > size_) pos = size_;
    if (count > size_ - pos) count = size_ - pos;
    return StringView(data_ + pos, count);
  }

  friend constexpr bool operator==(StringView a, StringView b) {
    if (a.size_ != b.size_) return false;
    for (size_t i = 0; i < a.size_; ++i) {
      if (a.data_[i] != b.data_[i]) return false;
    }
    return true;
  }
  friend constexpr bool operator!=(StringView a, StringView b) { return !(a == b); }

  // Length of a NUL-terminated string.
  static constexpr size_t Length(const char* s) {
    size_t n = 0;
    while (s[n] != '\0') ++n;
    return n;
  }

 private:
  const char* data_;
  size_t size_;
};

}  // namespace septum

#endif  // SEPTUM_KERNEL_LIB_STRING_VIEW_H_
