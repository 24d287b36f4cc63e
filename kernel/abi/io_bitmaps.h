// kernel/abi/io_bitmaps.h — the I/O and MSR permission bitmaps in the tables blob, for both
// vendors. A set bit intercepts (the access exits to the kernel); a clear bit passes through.
//
//  - SVM IOPM (AMD APM Vol 2 §15.10.1): 12 KiB, bit p for port p; bits past 0xffff catch
//    multi-byte accesses that wrap, and stay set.
//  - SVM MSRPM (APM Vol 2 §15.11): 8 KiB, two bits per MSR (read, then write) in three 2 KiB
//    blocks for MSRs 0x0-0x1fff, 0xc0000000-0xc0001fff, 0xc0010000-0xc0011fff; the last
//    2 KiB is reserved and stays set. MSRs outside the blocks always exit.
//  - VMX I/O bitmaps A and B (Intel SDM Vol 3C §25.6.4): 4 KiB each, ports 0-0x7fff and
//    0x8000-0xffff, one bit per port.
//  - VMX MSR bitmap (SDM Vol 3C §25.6.9): 4 KiB: read-low (MSRs 0-0x1fff), read-high
//    (0xc0000000-0xc0001fff), write-low, write-high, 1 KiB each. MSRs outside exit.
// Pass-through MSRs are the whitelist below and nothing else.
#ifndef SEPTUM_KERNEL_ABI_IO_BITMAPS_H_
#define SEPTUM_KERNEL_ABI_IO_BITMAPS_H_

#include <stdint.h>

namespace septum::io_bitmaps {

inline constexpr uint32_t kSvmIopmBytes = 12 * 1024;
inline constexpr uint32_t kSvmMsrpmBytes = 8 * 1024;
inline constexpr uint32_t kVmxIoBitmapBytes = 2 * 4096;  // A then B
inline constexpr uint32_t kVmxMsrBitmapBytes = 4096;

// MSRs a domain may read and write without an exit: the segment bases a 64-bit guest changes
// on every context switch (AMD APM Vol 2 §15.5.1 / SDM Vol 4 Table 2-2). Everything else exits.
inline constexpr uint32_t kMsrWhitelist[] = {
    0xc0000100,  // FS_BASE
    0xc0000101,  // GS_BASE
    0xc0000102,  // KERNEL_GS_BASE
};

}  // namespace septum::io_bitmaps

#endif  // SEPTUM_KERNEL_ABI_IO_BITMAPS_H_
