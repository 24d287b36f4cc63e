// proofs/tv/io_decode.h — reads I/O and MSR bitmaps back from bytes, per the manuals
// (kernel/abi/io_bitmaps.h), independently of the compiler.
#ifndef SEPTUM_PROOFS_TV_IO_DECODE_H_
#define SEPTUM_PROOFS_TV_IO_DECODE_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace septum::tv {

// Whether an access to `port` passes through (no exit).
bool SvmPortPasses(absl::Span<const uint8_t> iopm, uint32_t port);
bool VmxPortPasses(absl::Span<const uint8_t> io_bitmaps, uint32_t port);
// Whether reading / writing `msr` passes through. MSRs outside the bitmaps always exit.
bool SvmMsrPasses(absl::Span<const uint8_t> msrpm, uint32_t msr, bool write);
bool VmxMsrPasses(absl::Span<const uint8_t> msr_bitmap, uint32_t msr, bool write);

// Inclusive ranges of values with one attribute, sorted, maximal (neighbours with the same
// attribute merged).
struct PassRange {
  uint32_t first = 0, last = 0;
  uint8_t access = 0;  // for MSRs: 1 = read passes, 2 = write passes; 0 for ports
  bool operator==(const PassRange& o) const { return first == o.first && last == o.last && access == o.access; }
};

// Every port that passes, as ranges: the same answer as the per-port functions above, read
// a byte at a time (bytes that intercept all eight ports are skipped).
std::vector<PassRange> PassingPorts(absl::Span<const uint8_t> bitmap, bool svm);
// Every MSR for which a read or a write passes, with which.
std::vector<PassRange> PassingMsrs(absl::Span<const uint8_t> bitmap, bool svm);

}  // namespace septum::tv

#endif  // SEPTUM_PROOFS_TV_IO_DECODE_H_
