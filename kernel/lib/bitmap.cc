// kernel/lib/bitmap.cc — BitmapRef operations; see bitmap.h for the bit order.
#include "kernel/lib/bitmap.h"

namespace septum {

BitmapRef::BitmapRef(Span<uint64_t> words, size_t bit_count) : words_(words), bit_count_(bit_count) {
  SEPTUM_ASSERT(bit_count / 64 + (bit_count % 64 != 0) <= words.size());
}

bool BitmapRef::Test(size_t bit) const {
  SEPTUM_ASSERT(bit < bit_count_);
  return (words_[bit / 64] >> (bit % 64)) & 1;
}

void BitmapRef::Set(size_t bit) {
  SEPTUM_ASSERT(bit < bit_count_);
  words_[bit / 64] |= uint64_t{1} << (bit % 64);
}

void BitmapRef::Clear(size_t bit) {
  SEPTUM_ASSERT(bit < bit_count_);
  words_[bit / 64] &= ~(uint64_t{1} << (bit % 64));
}

Status BitmapRef::AssignRange(size_t first, size_t count, bool value) {
  if (first > bit_count_ || count > bit_count_ - first) return Status::kOutOfRange;
  size_t bit = first;
  const size_t end = first + count;
  while (bit < end) {
    const size_t in_word = bit % 64;
    const size_t span = (end - bit < 64 - in_word) ? end - bit : 64 - in_word;
    const uint64_t mask = (span == 64 ? ~uint64_t{0} : ((uint64_t{1} << span) - 1)) << in_word;
    if (value) {
      words_[bit / 64] |= mask;
    } else {
      words_[bit / 64] &= ~mask;
    }
    bit += span;
  }
  return Status::kOk;
}

Status BitmapRef::SetRange(size_t first, size_t count) { return AssignRange(first, count, true); }
Status BitmapRef::ClearRange(size_t first, size_t count) { return AssignRange(first, count, false); }
void BitmapRef::SetAll() { (void)AssignRange(0, bit_count_, true); }
void BitmapRef::ClearAll() { (void)AssignRange(0, bit_count_, false); }

uint64_t BitmapRef::LastWordMask() const {
  const size_t tail = bit_count_ % 64;
  return tail == 0 ? ~uint64_t{0} : (uint64_t{1} << tail) - 1;
}

size_t BitmapRef::Count() const {
  const size_t full_words = bit_count_ / 64;
  size_t total = 0;
  for (size_t w = 0; w < full_words; ++w) total += PopCount64(words_[w]);
  if (bit_count_ % 64 != 0) total += PopCount64(words_[full_words] & LastWordMask());
  return total;
}

Result<size_t> BitmapRef::Find(size_t from, bool value) const {
  if (from >= bit_count_) return Status::kNotFound;
  const size_t word_count = (bit_count_ + 63) / 64;
  for (size_t w = from / 64; w < word_count; ++w) {
    uint64_t word = value ? words_[w] : ~words_[w];
    if (w == from / 64) word &= ~uint64_t{0} << (from % 64);
    if (w == word_count - 1) word &= LastWordMask();
    if (word != 0) return w * 64 + static_cast<size_t>(__builtin_ctzll(word));
  }
  return Status::kNotFound;
}

Result<size_t> BitmapRef::FindFirstSet(size_t from) const { return Find(from, true); }
Result<size_t> BitmapRef::FindFirstClear(size_t from) const { return Find(from, false); }

}  // namespace septum
