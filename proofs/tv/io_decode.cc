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

namespace {

void Append(std::vector<PassRange>* out, uint32_t value, uint8_t access) {
  if (!out->empty() && out->back().last + 1 == value && out->back().access == access) {
    out->back().last = value;
  } else {
    out->push_back({value, value, access});
  }
}

}  // namespace

std::vector<PassRange> PassingPorts(absl::Span<const uint8_t> bitmap, bool svm) {
  std::vector<PassRange> out;
  for (uint32_t port = 0; port <= 0xffff; port += 8) {
    // Ports port..port+7 share one byte in both layouts (bitmap B starts at a byte boundary).
    const uint64_t byte = svm ? port / 8 : (port < 0x8000 ? 0 : 4096) + (port & 0x7fff) / 8;
    if (byte < bitmap.size() && bitmap[byte] == 0xff) continue;
    for (uint32_t p = port; p < port + 8; ++p) {
      if (svm ? SvmPortPasses(bitmap, p) : VmxPortPasses(bitmap, p)) Append(&out, p, 0);
    }
  }
  return out;
}

std::vector<PassRange> PassingMsrs(absl::Span<const uint8_t> bitmap, bool svm) {
  std::vector<PassRange> out;
  const uint32_t bases[] = {0x0u, 0xc0000000u, 0xc0010000u};
  for (uint32_t base : bases) {
    if (!svm && base == 0xc0010000u) break;  // VMX has no bitmap for this block: always exits
    for (uint32_t msr = base; msr <= base + 0x1fff; ++msr) {
      const bool read = svm ? SvmMsrPasses(bitmap, msr, false) : VmxMsrPasses(bitmap, msr, false);
      const bool write = svm ? SvmMsrPasses(bitmap, msr, true) : VmxMsrPasses(bitmap, msr, true);
      const uint8_t a = (read ? 1 : 0) | (write ? 2 : 0);
      if (a) Append(&out, msr, a);
    }
  }
  return out;
}

}  // namespace septum::tv
