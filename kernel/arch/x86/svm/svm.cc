// kernel/arch/x86/svm/svm.cc — see svm.h.
#include "kernel/arch/x86/svm/svm.h"

#include "kernel/abi/paging.h"
#include "kernel/arch/x86/apic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/lib/panic.h"

extern "C" void septum_svm_run(uint64_t vmcb_physical, septum::GuestRegs* regs);  // vmrun.S

namespace septum::x86::svm {
namespace {

constexpr uint32_t kEferMsr = 0xc0000080, kHsavePaMsr = 0xc0010117;
constexpr uint64_t kEferLme = 1u << 8, kEferLma = 1u << 10, kEferNxe = 1u << 11, kEferSvme = 1u << 12;
constexpr uint64_t kCr0Pe = 1u << 0, kCr0Mp = 1u << 1, kCr0Et = 1u << 4, kCr0Ne = 1u << 5, kCr0Wp = 1u << 16,
                   kCr0Pg = 1u << 31;
constexpr uint64_t kCr4Pae = 1u << 5, kCr4Osfxsr = 1u << 9, kCr4Osxmmexcpt = 1u << 10;
constexpr uint64_t kDefaultPat = 0x0007040600070406ull;

// Segment attributes (APM Vol 2 §15.5.1: the descriptor's bits 47:40 and 55:52, packed).
constexpr uint16_t kCode64 = 0x0a9b;  // type 0xb, S, P, L, G
constexpr uint16_t kCode32 = 0x0c9b;  // type 0xb, S, P, D, G
constexpr uint16_t kData = 0x0c93;    // type 0x3, S, P, B, G
constexpr uint16_t kTss64Busy = 0x008b;
constexpr uint16_t kLdt = 0x0082;

alignas(4096) uint8_t host_save_area[kMaxCpus][4096];  // one per CPU (VM_HSAVE_PA is per CPU)

uint64_t Physical(const void* p) { return reinterpret_cast<uintptr_t>(p); }  // identity-mapped kernel

}  // namespace

void Enable(uint32_t cpu) {
  SEPTUM_ASSERT(cpu < kMaxCpus);
  WriteMsr(kEferMsr, ReadMsr(kEferMsr) | kEferSvme);
  WriteMsr(kHsavePaMsr, Physical(host_save_area[cpu]));
}

void InitGuest(Vmcb& v, GuestRegs& regs, const tables::DomainRecord& rec, uint32_t asid, bool flush_tlb) {
  __builtin_memset(v.bytes, 0, sizeof(v.bytes));
  const bool pv = rec.type == tables::kPv;
  v.Set<uint32_t>(kInterceptDr, 0xffffffff);
  v.Set<uint32_t>(kInterceptExceptions, pv ? 0xffffffff : 0);
  v.Set<uint32_t>(kInterceptMisc1, kMisc1Intr | kMisc1Nmi | kMisc1Smi | kMisc1Init | kMisc1Cpuid | kMisc1Invd | kMisc1Hlt |
                                       kMisc1Invlpga | kMisc1Ioio | kMisc1Msr | kMisc1TaskSwitch | kMisc1Shutdown);
  v.Set<uint32_t>(kInterceptMisc2, kMisc2Vmrun | kMisc2Vmmcall | kMisc2Vmload | kMisc2Vmsave | kMisc2Stgi | kMisc2Clgi |
                                       kMisc2Skinit | kMisc2Icebp | kMisc2Wbinvd | kMisc2Monitor | kMisc2Mwait |
                                       kMisc2MwaitArmed | kMisc2Xsetbv);
  v.Set<uint64_t>(kIopmBase, rec.svm_iopm);
  v.Set<uint64_t>(kMsrpmBase, rec.svm_msrpm);
  v.Set<uint32_t>(kAsid, asid);
  v.Set<uint8_t>(kTlbControl, flush_tlb ? kTlbFlushAll : 0);
  v.Set<uint32_t>(kIntControl, kVIntrMasking);
  v.Set<uint64_t>(kNestedControl, 1);
  v.Set<uint64_t>(kNestedCr3, rec.npt_root);

  v.SetSegment(kCs, 0x08, pv ? kCode64 : kCode32, 0xffffffff, 0);
  constexpr uint32_t kDataSegments[] = {kEs, kSs, kDs, kFs, kGs};
  for (uint32_t seg : kDataSegments) v.SetSegment(seg, 0x10, kData, 0xffffffff, 0);
  v.SetSegment(kGdtr, 0, 0, 0, 0);
  v.SetSegment(kIdtr, 0, 0, 0, 0);
  v.SetSegment(kTr, 0, kTss64Busy, 0x67, 0);
  v.SetSegment(kLdtr, 0, kLdt, 0, 0);
  v.Set<uint8_t>(kCpl, 0);
  if (pv) {
    v.Set<uint64_t>(kEfer, kEferLme | kEferLma | kEferNxe | kEferSvme);
    v.Set<uint64_t>(kCr0, kCr0Pe | kCr0Mp | kCr0Et | kCr0Ne | kCr0Wp | kCr0Pg);
    v.Set<uint64_t>(kCr3, rec.start_guest + paging::kPageSize);
    v.Set<uint64_t>(kCr4, kCr4Pae | kCr4Osfxsr | kCr4Osxmmexcpt);
  } else {
    v.Set<uint64_t>(kEfer, kEferSvme);
    v.Set<uint64_t>(kCr0, kCr0Pe | kCr0Et);
  }
  v.Set<uint64_t>(kDr6, 0xffff0ff0);
  v.Set<uint64_t>(kDr7, 0x400);
  v.Set<uint64_t>(kGuestPat, kDefaultPat);
  // RAX, RIP, RSP and RFLAGS reach the VMCB from `regs` at every entry (Run).
  regs = GuestRegs{};
  regs.rip = rec.entry;
  regs.rflags = 0x2;
  if (pv) regs.rdi = rec.start_guest;  // the start info
  StoreRegs(v, regs);
}

void SetVirtualInterrupt(Vmcb& v, uint8_t vector) {
  v.Set<uint8_t>(kIntVector, vector);
  v.Set<uint32_t>(kIntControl, v.Get<uint32_t>(kIntControl) | kVIrq | (0xfu << kVIntrPrioShift) | kVIgnTpr);
}

bool VirtualInterruptPending(const Vmcb& v) { return (v.Get<uint32_t>(kIntControl) & kVIrq) != 0; }

void StoreRegs(Vmcb& v, const GuestRegs& regs) {
  v.Set<uint64_t>(kRax, regs.rax);
  v.Set<uint64_t>(kRip, regs.rip);
  v.Set<uint64_t>(kRsp, regs.rsp);
  v.Set<uint64_t>(kRflags, regs.rflags);
}

ExitEvent Run(Vmcb& v, GuestRegs& regs) {
  StoreRegs(v, regs);
  septum_svm_run(Physical(&v), &regs);
  v.Set<uint8_t>(kTlbControl, 0);
  regs.rax = v.Get<uint64_t>(kRax);
  regs.rip = v.Get<uint64_t>(kRip);
  regs.rsp = v.Get<uint64_t>(kRsp);
  regs.rflags = v.Get<uint64_t>(kRflags);
  const uint64_t code = v.Get<uint64_t>(kExitCode);
  const uint64_t info1 = v.Get<uint64_t>(kExitInfo1), info2 = v.Get<uint64_t>(kExitInfo2);
  ExitEvent e;
  e.raw = code;
  // TCG has no NRIP-save (PLATFORM.md): instruction lengths are the fixed encodings.
  switch (code) {
    case kExitVmmcall:
      e.kind = ExitKind::kHypercall;
      e.instruction_length = 3;
      break;
    case kExitCpuid:
      e.kind = ExitKind::kCpuid;
      e.instruction_length = 2;
      e.host_cpuid = Cpuid(static_cast<uint32_t>(regs.rax), static_cast<uint32_t>(regs.rcx));
      break;
    case kExitHlt:
      e.kind = ExitKind::kHlt;
      e.instruction_length = 1;
      break;
    case kExitIntr:
    case kExitNmi:
      e.kind = ExitKind::kInterrupt;
      break;
    case kExitIoio:
      e.kind = ExitKind::kIo;
      e.address = info1 >> 16;
      e.info = (info1 & kIoioIn) ? 1 : 0;
      break;
    case kExitMsr:
      e.kind = ExitKind::kMsr;
      e.address = static_cast<uint32_t>(regs.rcx);
      e.info = info1 & 1;
      break;
    case kExitNpf:
      e.kind = ExitKind::kNestedFault;
      e.address = info2;
      e.info = (info1 & kNpfFetch) ? paging::kExec : (info1 & kNpfWrite) ? paging::kWrite : paging::kRead;
      break;
    case kExitShutdown:
      e.kind = ExitKind::kShutdown;
      break;
    case kExitInvalid:
      e.kind = ExitKind::kInvalidState;
      break;
    default:
      if (code >= kExitExceptionBase && code < kExitExceptionBase + 32) {
        e.kind = ExitKind::kException;
        e.address = code - kExitExceptionBase;
        e.info = info1;
      } else {
        e.kind = ExitKind::kOther;
      }
      break;
  }
  return e;
}

}  // namespace septum::x86::svm
