// proofs/tv/io_decode.h — reads I/O and MSR bitmaps back from bytes, per the manuals
// (kernel/abi/io_bitmaps.h), independently of the compiler.
#ifndef SEPTUM_PROOFS_TV_IO_DECODE_H_
#define SEPTUM_PROOFS_TV_IO_DECODE_H_

#include <cstdint>

#include "absl/types/span.h"

namespace septum::tv {

// Whether an access to `port` passes through (no exit).
bool SvmPortPasses(absl::Span<const uint8_t> iopm, uint32_t port);
bool VmxPortPasses(absl::Span<const uint8_t> io_bitmaps, uint32_t port);
// Whether reading / writing `msr` passes through. MSRs outside the bitmaps always exit.
bool SvmMsrPasses(absl::Span<const uint8_t> msrpm, uint32_t msr, bool write);
bool VmxMsrPasses(absl::Span<const uint8_t> msr_bitmap, uint32_t msr, bool write);

}  // namespace septum::tv

#endif  // SEPTUM_PROOFS_TV_IO_DECODE_H_
