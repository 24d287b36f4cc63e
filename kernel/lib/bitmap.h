// kernel/lib/bitmap.h — bit sets over 64-bit words: a view (BitmapRef) and an owner (Bitmap<N>).
//
// Bit i lives in word i / 64 at bit i % 64. On little-endian x86 that is also byte i / 8, bit
// i % 8, the order the hardware bitmaps use (AMD APM Vol 2 §15.10 IOPM, §15.11 MSRPM; Intel SDM
// Vol 3C §25.6.4 I/O bitmaps), so a BitmapRef over those pages addresses them directly.
// Invariant: only bits [0, bit_count) are ever read or written; out-of-range requests return
// kOutOfRange (checked operations) or panic (Test/Set/Clear, whose callers own the bound).
#ifndef SEPTUM_KERNEL_LIB_BITMAP_H_
#define SEPTUM_KERNEL_LIB_BITMAP_H_

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/span.h"

namespace septum {

// Number of set bits in a word (no libgcc helper needed in a freestanding build).
constexpr unsigned PopCount64(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<unsigned>((x * 0x0101010101010101ull) >> 56);
}

class BitmapRef {
 public:
  // A view of `bit_count` bits stored in `words`; panics if the words cannot hold them.
  BitmapRef(Span<uint64_t> words, size_t bit_count);

  size_t bit_count() const { return bit_count_; }
  Span<uint64_t> words() const { return words_; }

  bool Test(size_t bit) const;
  void Set(size_t bit);
  void Clear(size_t bit);

  // Sets / clears bits [first, first + count); kOutOfRange (and no change) unless all exist.
  Status SetRange(size_t first, size_t count);
  Status ClearRange(size_t first, size_t count);
  void SetAll();
  void ClearAll();

  // Number of set bits.
  size_t Count() const;
  // The lowest set (clear) bit at or after `from`; kNotFound if there is none.
  Result<size_t> FindFirstSet(size_t from = 0) const;
  Result<size_t> FindFirstClear(size_t from = 0) const;

 private:
  Status AssignRange(size_t first, size_t count, bool value);
  Result<size_t> Find(size_t from, bool value) const;
  uint64_t LastWordMask() const;

  Span<uint64_t> words_;
  size_t bit_count_;
};

// A bitmap that owns its storage: N bits, all clear.
template <size_t N>
class Bitmap {
 public:
  static constexpr size_t kWords = (N + 63) / 64;

  BitmapRef ref() { return BitmapRef(Span<uint64_t>(words_, kWords), N); }
  bool Test(size_t bit) const {
    SEPTUM_ASSERT(bit < N);
    return (words_[bit / 64] >> (bit % 64)) & 1;
  }

 private:
  uint64_t words_[kWords] = {};
};

}  // namespace septum

#endif  // SEPTUM_KERNEL_LIB_BITMAP_H_
