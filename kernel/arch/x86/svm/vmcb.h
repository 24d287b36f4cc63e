// kernel/arch/x86/svm/vmcb.h — the AMD-V VMCB as a typed struct (AMD APM Vol 2, Appendix B
// "Layout of VMCB": Table B-1 control area, Table B-2 state save area), its intercept and
// interrupt-control bits, and the exit codes (Appendix C). Every field the kernel uses has a
// name and a static_assert'ed offset; the reserved ranges between them are padding. Mirrors
// kernel/arch/x86/vmx/vmcs.h.
#ifndef SEPTUM_KERNEL_ARCH_X86_SVM_VMCB_H_
#define SEPTUM_KERNEL_ARCH_X86_SVM_VMCB_H_

#include <stddef.h>
#include <stdint.h>

namespace septum::x86::svm {

// A segment register in the state save area (APM Vol 2 §15.5.1: attributes are the descriptor's
// bits 47:40 and 55:52, packed).
struct VmcbSegment {
  uint16_t selector;
  uint16_t attributes;
  uint32_t limit;
  uint64_t base;
};
static_assert(sizeof(VmcbSegment) == 16);

// One VMCB: a 4 KiB page the CPU reads at VMRUN and writes at #VMEXIT.
struct alignas(4096) Vmcb {
  // ---- Control area (Table B-1).
  uint32_t intercept_cr;          // 0x000: reads 15:0, writes 31:16
  uint32_t intercept_dr;          // 0x004: reads 15:0, writes 31:16
  uint32_t intercept_exceptions;  // 0x008: one bit per vector
  uint32_t intercept_misc1;       // 0x00c: kMisc1*
  uint32_t intercept_misc2;       // 0x010: kMisc2*
  uint8_t reserved_014[0x040 - 0x014];
  uint64_t iopm_base;             // 0x040: physical address of the 12 KiB I/O permission map
  uint64_t msrpm_base;            // 0x048: physical address of the 8 KiB MSR permission map
  uint64_t tsc_offset;            // 0x050
  uint32_t asid;                  // 0x058
  uint8_t tlb_control;            // 0x05c: kTlbFlush*
  uint8_t reserved_05d[3];
  uint32_t int_control;           // 0x060: V_TPR 7:0, V_IRQ 8, V_INTR_PRIO 19:16, V_IGN_TPR 20, V_INTR_MASKING 24
  uint32_t int_vector;            // 0x064: V_INTR_VECTOR 7:0
  uint64_t interrupt_shadow;      // 0x068
  uint64_t exit_code;             // 0x070: SvmExit
  uint64_t exit_info1;            // 0x078
  uint64_t exit_info2;            // 0x080
  uint64_t exit_int_info;         // 0x088
  uint64_t nested_control;        // 0x090: bit 0 NP_ENABLE
  uint8_t reserved_098[0x0a8 - 0x098];
  uint64_t event_inject;          // 0x0a8
  uint64_t nested_cr3;            // 0x0b0: the NPT root
  uint64_t lbr_virtualization;    // 0x0b8
  uint32_t clean_bits;            // 0x0c0
  uint32_t reserved_0c4;
  uint64_t next_rip;              // 0x0c8: with NRIP save (QEMU's TCG has none: it reads 0)
  uint8_t reserved_0d0[0x400 - 0x0d0];

  // ---- State save area (Table B-2).
  VmcbSegment es, cs, ss, ds, fs, gs;  // 0x400
  VmcbSegment gdtr, ldtr, idtr, tr;    // 0x460
  uint8_t reserved_4a0[0x4cb - 0x4a0];
  uint8_t cpl;                    // 0x4cb
  uint32_t reserved_4cc;
  uint64_t efer;                  // 0x4d0
  uint8_t reserved_4d8[0x548 - 0x4d8];
  uint64_t cr4;                   // 0x548
  uint64_t cr3;                   // 0x550
  uint64_t cr0;                   // 0x558
  uint64_t dr7;                   // 0x560
  uint64_t dr6;                   // 0x568
  uint64_t rflags;                // 0x570
  uint64_t rip;                   // 0x578
  uint8_t reserved_580[0x5d8 - 0x580];
  uint64_t rsp;                   // 0x5d8
  uint8_t reserved_5e0[0x5f8 - 0x5e0];
  uint64_t rax;                   // 0x5f8
  uint64_t star, lstar, cstar, sfmask, kernel_gs_base;  // 0x600
  uint64_t sysenter_cs, sysenter_esp, sysenter_eip;     // 0x628
  uint64_t cr2;                   // 0x640
  uint8_t reserved_648[0x668 - 0x648];
  uint64_t g_pat;                 // 0x668
  uint8_t reserved_670[0x1000 - 0x670];
};
static_assert(sizeof(Vmcb) == 4096);
static_assert(offsetof(Vmcb, intercept_misc2) == 0x010);
static_assert(offsetof(Vmcb, iopm_base) == 0x040 && offsetof(Vmcb, msrpm_base) == 0x048);
static_assert(offsetof(Vmcb, asid) == 0x058 && offsetof(Vmcb, tlb_control) == 0x05c);
static_assert(offsetof(Vmcb, int_control) == 0x060 && offsetof(Vmcb, int_vector) == 0x064);
static_assert(offsetof(Vmcb, exit_code) == 0x070 && offsetof(Vmcb, exit_info1) == 0x078 && offsetof(Vmcb, exit_info2) == 0x080);
static_assert(offsetof(Vmcb, nested_control) == 0x090 && offsetof(Vmcb, event_inject) == 0x0a8 && offsetof(Vmcb, nested_cr3) == 0x0b0);
static_assert(offsetof(Vmcb, clean_bits) == 0x0c0 && offsetof(Vmcb, next_rip) == 0x0c8);
static_assert(offsetof(Vmcb, es) == 0x400 && offsetof(Vmcb, cs) == 0x410 && offsetof(Vmcb, gs) == 0x450);
static_assert(offsetof(Vmcb, gdtr) == 0x460 && offsetof(Vmcb, ldtr) == 0x470 && offsetof(Vmcb, idtr) == 0x480 && offsetof(Vmcb, tr) == 0x490);
static_assert(offsetof(Vmcb, cpl) == 0x4cb && offsetof(Vmcb, efer) == 0x4d0);
static_assert(offsetof(Vmcb, cr4) == 0x548 && offsetof(Vmcb, cr3) == 0x550 && offsetof(Vmcb, cr0) == 0x558);
static_assert(offsetof(Vmcb, dr7) == 0x560 && offsetof(Vmcb, dr6) == 0x568);
static_assert(offsetof(Vmcb, rflags) == 0x570 && offsetof(Vmcb, rip) == 0x578 && offsetof(Vmcb, rsp) == 0x5d8);
static_assert(offsetof(Vmcb, rax) == 0x5f8 && offsetof(Vmcb, star) == 0x600 && offsetof(Vmcb, sysenter_eip) == 0x638);
static_assert(offsetof(Vmcb, cr2) == 0x640 && offsetof(Vmcb, g_pat) == 0x668);

// intercept_misc1 / intercept_misc2 bits (Table B-1, offsets 0x00c and 0x010).
inline constexpr uint32_t kMisc1Intr = 1u << 0, kMisc1Nmi = 1u << 1, kMisc1Smi = 1u << 2, kMisc1Init = 1u << 3,
                          kMisc1Cpuid = 1u << 18, kMisc1Invd = 1u << 22, kMisc1Hlt = 1u << 24, kMisc1Invlpga = 1u << 26,
                          kMisc1Ioio = 1u << 27, kMisc1Msr = 1u << 28, kMisc1TaskSwitch = 1u << 29,
                          kMisc1Shutdown = 1u << 31;
inline constexpr uint32_t kMisc2Vmrun = 1u << 0, kMisc2Vmmcall = 1u << 1, kMisc2Vmload = 1u << 2, kMisc2Vmsave = 1u << 3,
                          kMisc2Stgi = 1u << 4, kMisc2Clgi = 1u << 5, kMisc2Skinit = 1u << 6, kMisc2Icebp = 1u << 8,
                          kMisc2Wbinvd = 1u << 9, kMisc2Monitor = 1u << 10, kMisc2Mwait = 1u << 11,
                          kMisc2MwaitArmed = 1u << 12, kMisc2Xsetbv = 1u << 13;
// int_control bits (§15.21.4).
inline constexpr uint32_t kVIrq = 1u << 8, kVIntrPrioShift = 16, kVIgnTpr = 1u << 20, kVIntrMasking = 1u << 24;
// EVENTINJ and EXITINTINFO (§15.20): vector 7:0, type 10:8, error code valid 11, valid 31, the
// error code in 63:32.
inline constexpr uint64_t kEventValid = 1u << 31, kEventErrorValid = 1u << 11;
inline constexpr uint64_t kEventTypeException = 3u << 8;
// tlb_control (§15.16.1).
inline constexpr uint8_t kTlbFlushNone = 0, kTlbFlushAll = 1;
inline constexpr uint64_t kNestedPagingEnable = 1;

// Exit codes (Appendix C), named as the APM names them without the VMEXIT_ prefix. Exceptions
// are EXCP_BASE + vector (0x40 - 0x5f).
enum class SvmExit : uint64_t {
  EXCP_BASE = 0x40, INTR = 0x60, NMI = 0x61, SMI = 0x62, INIT = 0x63, CPUID = 0x72, HLT = 0x78, IOIO = 0x7b, MSR = 0x7c,
  SHUTDOWN = 0x7f, VMMCALL = 0x81, NPF = 0x400, INVALID = ~uint64_t{0},
};
inline constexpr uint64_t kExceptionExits = 32;

// NPF EXITINFO1 bits (the #PF error-code format): bit 1 write, bit 4 instruction fetch.
inline constexpr uint64_t kNpfWrite = 1u << 1, kNpfFetch = 1u << 4;
// IOIO EXITINFO1 (§15.10.2): bit 0 IN, bit 2 string, bit 3 REP, bits 6:4 the size (8, 16 or 32
// bits, one-hot), port in 31:16. EXITINFO2 holds the next instruction's RIP.
inline constexpr uint64_t kIoioIn = 1u << 0, kIoioString = 1u << 2, kIoioRep = 1u << 3;
inline constexpr uint64_t kIoioSz8 = 1u << 4, kIoioSz16 = 1u << 5, kIoioSz32 = 1u << 6;

}  // namespace septum::x86::svm

#endif  // SEPTUM_KERNEL_ARCH_X86_SVM_VMCB_H_
