// tools/compiler/io_bitmaps.cc — see io_bitmaps.h.
#include "tools/compiler/io_bitmaps.h"

#include "kernel/abi/io_bitmaps.h"

namespace septum::compiler {
namespace {

void ClearBit(std::vector<uint8_t>& b, uint64_t bit) { b[bit / 8] &= static_cast<uint8_t>(~(1u << (bit % 8))); }

}  // namespace

IoBitmaps BuildIoBitmaps(const std::vector<std::pair<uint32_t, uint32_t>>& ports) {
  using namespace io_bitmaps;
  IoBitmaps out;
  out.svm_iopm.assign(kSvmIopmBytes, 0xff);
  out.svm_msrpm.assign(kSvmMsrpmBytes, 0xff);
  out.vmx_io.assign(kVmxIoBitmapBytes, 0xff);
  out.vmx_msr.assign(kVmxMsrBitmapBytes, 0xff);
  for (const auto& [first, last] : ports) {
    for (uint32_t p = first; p <= last && p <= 0xffff; ++p) {
      ClearBit(out.svm_iopm, p);
      ClearBit(out.vmx_io, p);  // A covers 0-0x7fff, B follows it: bit p in the concatenation
    }
  }
  for (uint32_t msr : kMsrWhitelist) {
    // SVM: block 1 holds 0xc0000000-0xc0001fff at byte 0x800, 2 bits per MSR (read, write).
    const uint64_t svm_bit = 0x800 * 8 + uint64_t{msr - 0xc0000000} * 2;
    ClearBit(out.svm_msrpm, svm_bit);
    ClearBit(out.svm_msrpm, svm_bit + 1);
    // VMX: read-high at byte 1024, write-high at byte 3072, 1 bit per MSR.
    ClearBit(out.vmx_msr, 1024 * 8 + uint64_t{msr - 0xc0000000});
    ClearBit(out.vmx_msr, 3072 * 8 + uint64_t{msr - 0xc0000000});
  }
  return out;
}

}  // namespace septum::compiler
