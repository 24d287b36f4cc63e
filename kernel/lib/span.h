// kernel/lib/span.h — Span<T>: a bounds-checked view of contiguous elements.
//
// Invariant: [data, data + size) is the whole view; indexing outside it panics, and the
// checked sub-view operations return kOutOfRange instead of wrapping.
#ifndef SEPTUM_KERNEL_LIB_SPAN_H_
#define SEPTUM_KERNEL_LIB_SPAN_H_

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/panic.h"
#include "kernel/lib/result.h"

namespace septum {

template <typename T>
class Span {
 public:
  constexpr Span() : data_(nullptr), size_(0) {}
  constexpr Span(T* data, size_t size) : data_(data), size_(size) {}
  template <size_t N>
  constexpr Span(T (&array)[N]) : data_(array), size_(N) {}  // NOLINT: implicit from arrays
  // Span<T> converts to Span<const T>.
  template <typename U>
  constexpr Span(const Span<U>& other) : data_(other.data()), size_(other.size()) {}  // NOLINT

  constexpr T* data() const { return data_; }
  constexpr size_t size() const { return size_; }
  constexpr size_t size_bytes() const { return size_ * sizeof(T); }
  constexpr bool empty() const { return size_ == 0; }
  constexpr T* begin() const { return data_; }
  constexpr T* end() const { return data_ + size_; }

  T& operator[](size_t i) const {
    SEPTUM_ASSERT(i < size_);
    return data_[i];
  }

  // The elements [offset, offset + count); kOutOfRange unless that lies inside this span.
  Result<Span> Subspan(size_t offset, size_t count) const {
    if (offset > size_ || count > size_ - offset) return Status::kOutOfRange;
    return Span(data_ + offset, count);
  }
  // The elements from offset to the end; kOutOfRange if offset > size.
  Result<Span> From(size_t offset) const {
    if (offset > size_) return Status::kOutOfRange;
    return Span(data_ + offset, size_ - offset);
  }

 private:
  T* data_;
  size_t size_;
};

// Reads a little-endian unsigned integer of type U at byte offset `offset` of `bytes`.
template <typename U>
Result<U> LoadLe(Span<const uint8_t> bytes, size_t offset) {
  if (offset > bytes.size() || sizeof(U) > bytes.size() - offset) return Status::kOutOfRange;
  U value = 0;
  for (size_t i = 0; i < sizeof(U); ++i) {
    value = static_cast<U>(value | (static_cast<U>(bytes.data()[offset + i]) << (8 * i)));
  }
  return value;
}

}  // namespace septum

#endif  // SEPTUM_KERNEL_LIB_SPAN_H_
