// kernel/arch/x86/svm/vmcb.h — the parts of the AMD-V VMCB the kernel uses (AMD APM Vol 2,
// Appendix B "Layout of VMCB", Table B-1 control area and Table B-2 state save area).
#ifndef SEPTUM_KERNEL_ARCH_X86_SVM_VMCB_H_
#define SEPTUM_KERNEL_ARCH_X86_SVM_VMCB_H_

#include <stdint.h>

namespace septum::x86::svm {

// Control area offsets.
inline constexpr uint32_t kInterceptCr = 0x000;         // reads 15:0, writes 31:16
inline constexpr uint32_t kInterceptDr = 0x004;         // reads 15:0, writes 31:16
inline constexpr uint32_t kInterceptExceptions = 0x008;
inline constexpr uint32_t kInterceptMisc1 = 0x00c;
inline constexpr uint32_t kInterceptMisc2 = 0x010;
inline constexpr uint32_t kIopmBase = 0x040;
inline constexpr uint32_t kMsrpmBase = 0x048;
inline constexpr uint32_t kTscOffset = 0x050;
inline constexpr uint32_t kAsid = 0x058;                // 32 bits
inline constexpr uint32_t kTlbControl = 0x05c;          // 8 bits
inline constexpr uint32_t kIntControl = 0x060;          // V_IRQ bit 8, V_INTR_PRIO 19:16, V_IGN_TPR 20, V_INTR_MASKING 24
inline constexpr uint32_t kIntVector = 0x064;           // V_INTR_VECTOR, 8 bits
inline constexpr uint32_t kExitCode = 0x070;
inline constexpr uint32_t kExitInfo1 = 0x078;
inline constexpr uint32_t kExitInfo2 = 0x080;
inline constexpr uint32_t kExitIntInfo = 0x088;
inline constexpr uint32_t kNestedControl = 0x090;       // bit 0: NP_ENABLE
inline constexpr uint32_t kEventInject = 0x0a8;
inline constexpr uint32_t kNestedCr3 = 0x0b0;
inline constexpr uint32_t kCleanBits = 0x0c0;
inline constexpr uint32_t kNextRip = 0x0c8;

// State save area offsets (segment: selector u16, attributes u16, limit u32, base u64).
inline constexpr uint32_t kEs = 0x400, kCs = 0x410, kSs = 0x420, kDs = 0x430, kFs = 0x440, kGs = 0x450, kGdtr = 0x460,
                          kLdtr = 0x470, kIdtr = 0x480, kTr = 0x490;
inline constexpr uint32_t kCpl = 0x4cb;
inline constexpr uint32_t kEfer = 0x4d0;
inline constexpr uint32_t kCr4 = 0x548, kCr3 = 0x550, kCr0 = 0x558, kDr7 = 0x560, kDr6 = 0x568;
inline constexpr uint32_t kRflags = 0x570, kRip = 0x578, kRsp = 0x5d8, kRax = 0x5f8;
inline constexpr uint32_t kCr2 = 0x640;
inline constexpr uint32_t kGuestPat = 0x668;

// Intercept bits.
inline constexpr uint32_t kMisc1Intr = 1u << 0, kMisc1Nmi = 1u << 1, kMisc1Smi = 1u << 2, kMisc1Init = 1u << 3,
                          kMisc1Cpuid = 1u << 18, kMisc1Invd = 1u << 22, kMisc1Hlt = 1u << 24, kMisc1Invlpga = 1u << 26,
                          kMisc1Ioio = 1u << 27, kMisc1Msr = 1u << 28, kMisc1TaskSwitch = 1u << 29,
                          kMisc1Shutdown = 1u << 31;
inline constexpr uint32_t kMisc2Vmrun = 1u << 0, kMisc2Vmmcall = 1u << 1, kMisc2Vmload = 1u << 2, kMisc2Vmsave = 1u << 3,
                          kMisc2Stgi = 1u << 4, kMisc2Clgi = 1u << 5, kMisc2Skinit = 1u << 6, kMisc2Icebp = 1u << 8,
                          kMisc2Wbinvd = 1u << 9, kMisc2Monitor = 1u << 10, kMisc2Mwait = 1u << 11,
                          kMisc2MwaitArmed = 1u << 12, kMisc2Xsetbv = 1u << 13;
inline constexpr uint32_t kVIntrMasking = 1u << 24;
inline constexpr uint32_t kVIrq = 1u << 8, kVIntrPrioShift = 16, kVIgnTpr = 1u << 20;
inline constexpr uint8_t kTlbFlushAll = 1;

// Exit codes (Appendix C).
inline constexpr uint64_t kExitExceptionBase = 0x40, kExitIntr = 0x60, kExitNmi = 0x61, kExitCpuid = 0x72, kExitHlt = 0x78,
                          kExitIoio = 0x7b, kExitMsr = 0x7c, kExitShutdown = 0x7f, kExitVmmcall = 0x81, kExitNpf = 0x400,
                          kExitInvalid = ~uint64_t{0};

// NPF EXITINFO1 bits (the #PF error-code format): bit 1 write, bit 4 instruction fetch.
inline constexpr uint64_t kNpfWrite = 1u << 1, kNpfFetch = 1u << 4;
// IOIO EXITINFO1: bit 0 = IN, port in 31:16.
inline constexpr uint64_t kIoioIn = 1u << 0;

// One VMCB: a 4 KiB page, accessed by offset.
struct alignas(4096) Vmcb {
  uint8_t bytes[4096];

  template <typename T>
  T Get(uint32_t offset) const {
    T v;
    __builtin_memcpy(&v, bytes + offset, sizeof(T));
    return v;
  }
  template <typename T>
  void Set(uint32_t offset, T v) {
    __builtin_memcpy(bytes + offset, &v, sizeof(T));
  }
  void SetSegment(uint32_t offset, uint16_t selector, uint16_t attributes, uint32_t limit, uint64_t base) {
    Set<uint16_t>(offset, selector);
    Set<uint16_t>(offset + 2, attributes);
    Set<uint32_t>(offset + 4, limit);
    Set<uint64_t>(offset + 8, base);
  }
};
static_assert(sizeof(Vmcb) == 4096);

}  // namespace septum::x86::svm

#endif  // SEPTUM_KERNEL_ARCH_X86_SVM_VMCB_H_
