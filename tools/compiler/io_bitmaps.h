// tools/compiler/io_bitmaps.h — writes a domain's I/O and MSR permission bitmaps for both
// vendors (formats: kernel/abi/io_bitmaps.h): owned ports and whitelisted MSRs clear,
// everything else set.
#ifndef SEPTUM_TOOLS_COMPILER_IO_BITMAPS_H_
#define SEPTUM_TOOLS_COMPILER_IO_BITMAPS_H_

#include <cstdint>
#include <utility>
#include <vector>

namespace septum::compiler {

struct IoBitmaps {
  std::vector<uint8_t> svm_iopm;     // kSvmIopmBytes
  std::vector<uint8_t> svm_msrpm;    // kSvmMsrpmBytes
  std::vector<uint8_t> vmx_io;       // kVmxIoBitmapBytes (A then B)
  std::vector<uint8_t> vmx_msr;      // kVmxMsrBitmapBytes
};

// `ports`: inclusive [first, last] ranges the domain owns (each last <= 0xffff).
IoBitmaps BuildIoBitmaps(const std::vector<std::pair<uint32_t, uint32_t>>& ports);

}  // namespace septum::compiler

#endif  // SEPTUM_TOOLS_COMPILER_IO_BITMAPS_H_
