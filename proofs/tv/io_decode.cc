// proofs/tv/io_decode.cc — see io_decode.h. Offsets from AMD APM Vol 2 §15.10-15.11 and
// Intel SDM Vol 3C §25.6.4, §25.6.9.
#include "proofs/tv/io_decode.h"

namespace septum::tv {
namespace {

bool BitClear(absl::Span<const uint8_t> b, uint64_t bit) { return bit / 8 < b.size() && !((b[bit / 8] >> (bit % 8)) & 1); }

}  // namespace

bool SvmPortPasses(absl::Span<const uint8_t> iopm, uint32_t port) { return port <= 0xffff && BitClear(iopm, port); }

bool VmxPortPasses(absl::Span<const uint8_t> io_bitmaps, uint32_t port) {
  if (port > 0xffff) return false;
  const uint64_t bitmap_base = port < 0x8000 ? 0 : 4096;  // A, then B
  return BitClear(io_bitmaps, bitmap_base * 8 + (port & 0x7fff));
}

bool SvmMsrPasses(absl::Span<const uint8_t> msrpm, uint32_t msr, bool write) {
  uint64_t byte_base;
  uint32_t index;
  if (msr <= 0x1fff) {
    byte_base = 0x000, index = msr;
  } else if (msr >= 0xc0000000 && msr <= 0xc0001fff) {
    byte_base = 0x800, index = msr - 0xc0000000;
  } else if (msr >= 0xc0010000 && msr <= 0xc0011fff) {
    byte_base = 0x1000, index = msr - 0xc0010000;
  } else {
    return false;
  }
  return BitClear(msrpm, byte_base * 8 + uint64_t{index} * 2 + (write ? 1 : 0));
}

bool VmxMsrPasses(absl::Span<const uint8_t> msr_bitmap, uint32_t msr, bool write) {
  uint64_t byte_base;
  uint32_t index;
  if (msr <= 0x1fff) {
    byte_base = write ? 2048 : 0, index = msr;
  } else if (msr >= 0xc0000000 && msr <= 0xc0001fff) {
    byte_base = write ? 3072 : 1024, index = msr - 0xc0000000;
  } else {
    return false;
  }
  return BitClear(msr_bitmap, byte_base * 8 + index);
}

}  // namespace septum::tv
