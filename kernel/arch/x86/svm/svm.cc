// kernel/arch/x86/svm/svm.cc — see svm.h.
#include "kernel/arch/x86/svm/svm.h"

#include "kernel/abi/paging.h"
#include "kernel/arch/x86/apic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/core/cpu_bits.h"
#include "kernel/lib/panic.h"

extern "C" void septum_svm_run(uint64_t vmcb_physical, septum::GuestRegs* regs);  // vmrun.S

namespace septum::x86::svm {
namespace {

constexpr uint32_t kHsavePaMsr = 0xc0010117;

alignas(4096) uint8_t host_save_area[kMaxCpus][4096];  // one per CPU (VM_HSAVE_PA is per CPU)

uint64_t Physical(const void* p) { return reinterpret_cast<uintptr_t>(p); }  // identity-mapped kernel

void SetSegment(VmcbSegment& to, const SegmentState& from) {
  to.selector = from.selector;
  to.attributes = from.attributes;  // the VMCB's format; SVM has no "unusable" bit
  to.limit = from.limit;
  to.base = from.base;
}

// RAX, RIP, RSP, RFLAGS of `regs` into the VMCB (the rest are the world switch's).
void StoreRegs(Vmcb& v, const GuestRegs& regs) {
  v.rax = regs.rax;
  v.rip = regs.rip;
  v.rsp = regs.rsp;
  v.rflags = regs.rflags;
}

}  // namespace

void Enable(uint32_t cpu) {
  SEPTUM_ASSERT(cpu < kMaxCpus);
  WriteMsr(kMsrEfer, ReadMsr(kMsrEfer) | kEferSvme);
  WriteMsr(kHsavePaMsr, Physical(host_save_area[cpu]));
}

void InitGuest(Vmcb& v, const StartState& start, const tables::DomainRecord& rec, uint32_t asid) {
  __builtin_memset(&v, 0, sizeof(v));
  const bool pv = rec.type == tables::kPv;
  v.intercept_dr = 0xffffffff;
  v.intercept_exceptions = pv ? 0xffffffff : 0;
  v.intercept_misc1 = kMisc1Intr | kMisc1Nmi | kMisc1Smi | kMisc1Init | kMisc1Cpuid | kMisc1Invd | kMisc1Hlt | kMisc1Invlpga |
                      kMisc1Ioio | kMisc1Msr | kMisc1TaskSwitch | kMisc1Shutdown;
  v.intercept_misc2 = kMisc2Vmrun | kMisc2Vmmcall | kMisc2Vmload | kMisc2Vmsave | kMisc2Stgi | kMisc2Clgi | kMisc2Skinit |
                      kMisc2Icebp | kMisc2Wbinvd | kMisc2Monitor | kMisc2Mwait | kMisc2MwaitArmed | kMisc2Xsetbv;
  v.iopm_base = rec.svm_iopm;
  v.msrpm_base = rec.svm_msrpm;
  v.asid = asid;
  v.tlb_control = kTlbFlushAll;
  v.int_control = kVIntrMasking;
  v.nested_control = kNestedPagingEnable;
  v.nested_cr3 = rec.npt_root;

  VmcbSegment* const segments[kSegmentCount] = {&v.es, &v.cs, &v.ss, &v.ds, &v.fs, &v.gs, &v.ldtr, &v.tr};
  for (uint32_t i = 0; i < kSegmentCount; ++i) SetSegment(*segments[i], start.segments[i]);
  v.gdtr = VmcbSegment{0, 0, start.gdtr_limit, start.gdtr_base};
  v.idtr = VmcbSegment{0, 0, start.idtr_limit, start.idtr_base};
  v.cpl = 0;
  v.efer = start.efer | kEferSvme;  // SVM refuses a guest without EFER.SVME (APM Vol 2 §15.5.1)
  v.cr0 = start.cr0;
  v.cr3 = start.cr3;
  v.cr4 = start.cr4;
  v.dr6 = start.dr6;
  v.dr7 = start.dr7;
  v.g_pat = start.pat;
  StoreRegs(v, start.regs);  // and again from the registers at every entry (Run)
}

void InjectException(Vmcb& v, uint8_t vector, bool has_error_code, uint32_t error_code) {
  v.event_inject = vector | kEventTypeException | kEventValid | (has_error_code ? kEventErrorValid | (uint64_t{error_code} << 32) : 0);
}

GuestMode ModeOf(const Vmcb& v) {
  GuestMode m;
  m.cr0 = v.cr0;
  m.cr3 = v.cr3;
  m.cr4 = v.cr4;
  m.efer = v.efer;
  m.cs_base = v.cs.base;
  m.cs_long = (v.cs.attributes & kSegmentLongBit) != 0;
  m.cs_default32 = (v.cs.attributes & kSegmentDefault32Bit) != 0;
  return m;
}

void SetVirtualInterrupt(Vmcb& v, uint8_t vector) {
  v.int_vector = vector;
  v.int_control |= kVIrq | (0xfu << kVIntrPrioShift) | kVIgnTpr;
}

ExitEvent Run(Vmcb& v, GuestRegs& regs) {
  StoreRegs(v, regs);
  septum_svm_run(Physical(&v), &regs);
  v.tlb_control = kTlbFlushNone;
  // An event being delivered when the exit came is delivered again (the exit did not deliver it).
  v.event_inject = (v.exit_int_info & kEventValid) ? v.exit_int_info : 0;
  regs.rax = v.rax;
  regs.rip = v.rip;
  regs.rsp = v.rsp;
  regs.rflags = v.rflags;
  const uint64_t code = v.exit_code;
  const uint64_t info1 = v.exit_info1, info2 = v.exit_info2;
  ExitEvent e;
  e.raw = code;
  // TCG has no NRIP-save (PLATFORM.md): instruction lengths are the fixed encodings.
  switch (static_cast<SvmExit>(code)) {
    case SvmExit::VMMCALL:
      e.kind = ExitKind::kHypercall;
      e.instruction_length = 3;
      break;
    case SvmExit::CPUID:
      e.kind = ExitKind::kCpuid;
      e.instruction_length = 2;
      SetHostCpuid(e, Cpuid(static_cast<uint32_t>(regs.rax), static_cast<uint32_t>(regs.rcx)));
      break;
    case SvmExit::HLT:
      e.kind = ExitKind::kHlt;
      e.instruction_length = 1;
      break;
    case SvmExit::INTR:
    case SvmExit::NMI:
      e.kind = ExitKind::kInterrupt;
      break;
    case SvmExit::IOIO:
      e.kind = ExitKind::kIo;
      e.address = (info1 >> 16) & 0xffff;
      e.info = ((info1 & kIoioIn) ? kIoIn : 0) | ((info1 & kIoioString) ? kIoString : 0) | ((info1 & kIoioRep) ? kIoRep : 0) |
               (uint64_t{(info1 & kIoioSz32) ? 4u : (info1 & kIoioSz16) ? 2u : 1u} << kIoSizeShift);
      e.instruction_length = info2 > regs.rip && info2 - regs.rip <= 15 ? static_cast<uint8_t>(info2 - regs.rip) : 0;
      break;
    case SvmExit::MSR:
      e.kind = ExitKind::kMsr;
      e.address = static_cast<uint32_t>(regs.rcx);
      e.info = info1 & 1;
      e.instruction_length = 2;  // RDMSR / WRMSR
      break;
    case SvmExit::NPF:
      e.kind = ExitKind::kNestedFault;
      e.address = info2;
      e.info = (info1 & kNpfFetch) ? paging::kExec : (info1 & kNpfWrite) ? paging::kWrite : paging::kRead;
      break;
    case SvmExit::SHUTDOWN:
      e.kind = ExitKind::kShutdown;
      break;
    case SvmExit::INVALID:
      e.kind = ExitKind::kInvalidState;
      break;
    default: {
      const uint64_t excp = static_cast<uint64_t>(SvmExit::EXCP_BASE);
      if (code >= excp && code < excp + kExceptionExits) {
        e.kind = ExitKind::kException;
        e.address = code - excp;
        e.info = info1;
      } else {
        e.kind = ExitKind::kOther;
      }
      break;
    }
  }
  return e;
}

}  // namespace septum::x86::svm
