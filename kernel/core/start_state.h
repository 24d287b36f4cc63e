// kernel/core/start_state.h — the CPU state a domain starts in, computed once from its record
// for both backends: svm::InitGuest writes it into a VMCB, vmx::InitGuest into a VMCS, so the
// two cannot disagree about what a guest is given.
//
// PV (kernel/abi/start_info.h): 64-bit long mode, CPL 0, paging on with CR3 = the guest page
// tables of its start block, NX on, x87/SSE usable (CR4.OSFXSR, OSXMMEXCPT), RDI = the start
// info, no IDT. HVM: 32-bit protected mode, paging off, flat segments, CR3 = 0. Both: RIP = the
// image's entry, RFLAGS = 0x2 (interrupts off), the PAT at its power-on value, DR7 = 0x400, no
// GDT/IDT/LDT of their own and a busy 64-bit TSS (what the hardware needs in TR). Pure:
// host-tested (start_state_test).
#ifndef SEPTUM_KERNEL_CORE_START_STATE_H_
#define SEPTUM_KERNEL_CORE_START_STATE_H_

#include <stdint.h>

#include "kernel/abi/tables.h"
#include "kernel/core/exit_event.h"

namespace septum {

// A segment register as both backends describe it. `attributes` holds the descriptor's bits
// 47:40 (type, S, DPL, P) in 7:0 and 55:52 (AVL, L, D/B, G) in 11:8: AMD's VMCB attribute
// format (APM Vol 2 §15.5.1); VMX's access rights are the same bits with 11:8 moved to 15:12
// (SDM Vol 3C §25.4.1, VmxAccessRights). `unusable`: VMX's "segment unusable" (bit 16); AMD has
// no such bit and takes the attributes as they are.
struct SegmentState {
  uint16_t selector = 0;
  uint16_t attributes = 0;
  uint32_t limit = 0;
  uint64_t base = 0;
  bool unusable = false;
};

// The segment registers in the SDM's field order (ES, CS, SS, DS, FS, GS, LDTR, TR).
enum class SegmentIndex : uint32_t { kEs, kCs, kSs, kDs, kFs, kGs, kLdtr, kTr };
inline constexpr uint32_t kSegmentCount = 8;

// Descriptor attributes (type | S << 4 | DPL << 5 | P << 7 | AVL << 8 | L << 9 | D/B << 10 | G << 11).
inline constexpr uint16_t kSegmentCode64 = 0x0a9b;   // execute/read, accessed, S, P, L, G
inline constexpr uint16_t kSegmentCode32 = 0x0c9b;   // execute/read, accessed, S, P, D, G
inline constexpr uint16_t kSegmentData = 0x0c93;     // read/write, accessed, S, P, B, G
inline constexpr uint16_t kSegmentTss64Busy = 0x008b;
inline constexpr uint16_t kSegmentLdt = 0x0082;
inline constexpr uint16_t kSegmentLongBit = 1u << 9;        // L: 64-bit code
inline constexpr uint16_t kSegmentDefault32Bit = 1u << 10;  // D/B

// VMX access rights for descriptor attributes (SDM Vol 3C §25.4.1 Table 25-2).
constexpr uint32_t VmxAccessRights(const SegmentState& s) {
  return s.unusable ? (uint32_t{1} << 16) : (uint32_t{s.attributes} & 0xff) | ((uint32_t{s.attributes} & 0xf00) << 4);
}

struct StartState {
  SegmentState segments[kSegmentCount];
  uint64_t gdtr_base = 0, idtr_base = 0;  // no tables of its own
  uint32_t gdtr_limit = 0, idtr_limit = 0;
  uint64_t cr0 = 0, cr3 = 0, cr4 = 0;
  uint64_t efer = 0;       // as the guest sees it (AMD adds EFER.SVME, which SVM requires)
  bool long_mode = false;  // IA-32e mode (EFER.LMA; VMX's "IA-32e mode guest" entry control)
  uint64_t pat = 0;
  uint64_t dr6 = 0, dr7 = 0;
  GuestRegs regs{};        // RIP, RFLAGS, RDI; every other register 0

  const SegmentState& segment(SegmentIndex i) const { return segments[static_cast<uint32_t>(i)]; }
};

// The start state of `record`'s domain (its type, entry and start block).
StartState StartStateOf(const tables::DomainRecord& record);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_START_STATE_H_
