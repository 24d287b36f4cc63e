// kernel/arch/x86/vmx/vmx.cc — see vmx.h.
#include "kernel/arch/x86/vmx/vmx.h"

#include "kernel/abi/paging.h"
#include "kernel/arch/x86/apic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/core/cpu_bits.h"
#include "kernel/lib/panic.h"

extern "C" {
// vmlaunch.S: enters the guest of the current VMCS (VMRESUME if `launched`); 0 after an exit,
// 1 if the entry instruction itself failed.
uint64_t septum_vmx_run(septum::GuestRegs* regs, uint64_t launched);
void septum_vmx_exit();  // the host RIP of every exit
}

namespace septum::x86::vmx {
namespace {

using namespace vmx_bits;

constexpr uint32_t kMsrFeatureControl = 0x3a, kMsrVmxBasic = 0x480, kMsrPinbased = 0x481, kMsrProcbased = 0x482,
                   kMsrExit = 0x483, kMsrEntry = 0x484, kMsrCr0Fixed0 = 0x486, kMsrCr0Fixed1 = 0x487, kMsrCr4Fixed0 = 0x488,
                   kMsrCr4Fixed1 = 0x489, kMsrProcbased2 = 0x48b, kMsrEptVpidCap = 0x48c, kMsrTruePinbased = 0x48d,
                   kMsrTrueProcbased = 0x48e, kMsrTrueExit = 0x48f, kMsrTrueEntry = 0x490, kMsrMisc = 0x485;
constexpr uint64_t kFeatureControlLock = 1u << 0, kFeatureControlVmxOutsideSmx = 1u << 2;
// EPTP: write-back paging structures (type 6), a 4-level walk (length - 1 = 3 in bits 5:3).
constexpr uint64_t kEptpWriteBack4Level = 6 | (3 << 3);

alignas(4096) uint8_t vmxon_region[kMaxCpus][4096];
Vmcs* current[kMaxCpus];  // each CPU's current VMCS
VmxControls controls;

uint64_t Physical(const void* p) { return reinterpret_cast<uintptr_t>(p); }  // identity-mapped kernel

bool VmxOn(uint64_t region) {
  uint8_t failed;
  asm volatile("vmxon %1; setbe %0" : "=qm"(failed) : "m"(region) : "cc", "memory");
  return !failed;
}
void VmClear(Vmcs* v) {
  const uint64_t pa = Physical(v);
  asm volatile("vmclear %0" ::"m"(pa) : "cc", "memory");
}
void VmPtrLd(Vmcs* v) {
  const uint64_t pa = Physical(v);
  asm volatile("vmptrld %0" ::"m"(pa) : "cc", "memory");
}
struct alignas(16) InvDescriptor {
  uint64_t low, high;
};
void InvVpid(uint64_t type, uint16_t vpid) {
  const InvDescriptor d{vpid, 0};
  asm volatile("invvpid %0, %1" ::"m"(d), "r"(type) : "cc", "memory");
}
void InvEpt(uint64_t type) {
  const InvDescriptor d{0, 0};
  asm volatile("invept %0, %1" ::"m"(d), "r"(type) : "cc", "memory");
}

// The CR0 / CR4 a guest gets for the value it means: VMX's fixed bits forced (PE and PG are
// free for an unrestricted guest), and the mask of those bits: the guest reads its own value
// (the read shadow), and a write that changes one exits and is carried out (EmulateCrWrite).
uint64_t Cr0For(uint64_t meant) { return (meant | (controls.cr0_must1 & ~(kCr0Pe | kCr0Pg))) & controls.cr0_may1; }
uint64_t Cr0Mask() { return ((controls.cr0_must1 & ~(kCr0Pe | kCr0Pg)) | ~controls.cr0_may1) & 0xffffffff; }
uint64_t Cr4For(uint64_t meant) { return (meant | controls.cr4_must1) & controls.cr4_may1; }
uint64_t Cr4Mask() { return (controls.cr4_must1 | ~controls.cr4_may1) & 0xffffffff; }

// General register `n` in the SDM's encoding (Vol 3C Table 28-3: RAX, RCX, RDX, RBX, RSP, RBP,
// RSI, RDI, R8-R15).
uint64_t Gpr(const GuestRegs& r, uint32_t n) {
  switch (n) {
    case 0: return r.rax;
    case 1: return r.rcx;
    case 2: return r.rdx;
    case 3: return r.rbx;
    case 4: return r.rsp;
    case 5: return r.rbp;
    case 6: return r.rsi;
    case 7: return r.rdi;
    case 8: return r.r8;
    case 9: return r.r9;
    case 10: return r.r10;
    case 11: return r.r11;
    case 12: return r.r12;
    case 13: return r.r13;
    case 14: return r.r14;
    default: return r.r15;
  }
}

// A MOV to CR0 or CR4 that exited because it changes a bit the guest/host mask keeps (SDM Vol 3C
// §26.1.3; exit qualification Table 28-3): carried out, with VMX's fixed bits kept in the real
// register and the guest's value in the read shadow. CR0.PG changing with EFER.LME set switches
// the guest in or out of IA-32e mode, as the CPU would. False (a fault) for anything else: a
// read, CLTS/LMSW, another register, a bit VMX does not allow at all (CR4.VMXE: no nested VMX).
bool EmulateCrWrite(uint64_t qualification, GuestRegs& regs, uint8_t length) {
  const uint32_t cr = qualification & 0xf, type = (qualification >> 4) & 3, gpr = (qualification >> 8) & 0xf;
  if (type != 0 || (cr != 0 && cr != 4)) return false;
  const uint64_t value = Gpr(regs, gpr);
  if (cr == 0) {
    if (value >> 32) return false;  // reserved: the CPU would raise #GP
    const uint64_t old = Read(VmcsFieldNatural::CR0_READ_SHADOW);
    Write(VmcsFieldNatural::GUEST_CR0, Cr0For(value));
    Write(VmcsFieldNatural::CR0_READ_SHADOW, value);
    const uint64_t efer = Read(VmcsField64::GUEST_IA32_EFER);
    if (((old ^ value) & kCr0Pg) && (efer & kEferLme)) {
      const bool lma = (value & kCr0Pg) != 0;
      Write(VmcsField64::GUEST_IA32_EFER, lma ? (efer | kEferLma) : (efer & ~kEferLma));
      const uint64_t entry = Read(VmcsField32::VM_ENTRY_CONTROLS);
      Write(VmcsField32::VM_ENTRY_CONTROLS, lma ? (entry | kIa32eModeGuest) : (entry & ~kIa32eModeGuest));
    }
  } else {
    if ((value & kCr4Vmxe) || (value & ~controls.cr4_may1)) return false;
    Write(VmcsFieldNatural::GUEST_CR4, Cr4For(value));
    Write(VmcsFieldNatural::CR4_READ_SHADOW, value);
  }
  regs.rip += length;
  return true;
}

void MakeCurrent(Vcpu& v, uint32_t cpu) {
  SEPTUM_ASSERT(v.active_on == kNotActive || v.active_on == cpu);  // a VMCS is current on one CPU only
  if (current[cpu] != v.vmcs) {
    VmPtrLd(v.vmcs);
    current[cpu] = v.vmcs;
  }
  v.active_on = cpu;
}

void WriteHostState() {
  Write(VmcsField16::HOST_CS_SELECTOR, 0x08);
  Write(VmcsField16::HOST_SS_SELECTOR, 0x10);
  Write(VmcsField16::HOST_DS_SELECTOR, 0x10);
  Write(VmcsField16::HOST_ES_SELECTOR, 0x10);
  Write(VmcsField16::HOST_FS_SELECTOR, 0);
  Write(VmcsField16::HOST_GS_SELECTOR, 0);
  Write(VmcsField16::HOST_TR_SELECTOR, kTssSelector);
  Write(VmcsFieldNatural::HOST_CR0, ReadCr0());
  Write(VmcsFieldNatural::HOST_CR3, ReadCr3());
  Write(VmcsFieldNatural::HOST_CR4, ReadCr4());
  Write(VmcsFieldNatural::HOST_FS_BASE, 0);
  Write(VmcsFieldNatural::HOST_GS_BASE, 0);
  Write(VmcsFieldNatural::HOST_TR_BASE, TssBase());
  Write(VmcsFieldNatural::HOST_GDTR_BASE, ReadGdtr().base);
  Write(VmcsFieldNatural::HOST_IDTR_BASE, ReadIdtr().base);
  Write(VmcsField32::HOST_IA32_SYSENTER_CS, 0);
  Write(VmcsFieldNatural::HOST_IA32_SYSENTER_ESP, 0);
  Write(VmcsFieldNatural::HOST_IA32_SYSENTER_EIP, 0);
  Write(VmcsField64::HOST_IA32_EFER, ReadMsr(kMsrEfer));
  Write(VmcsField64::HOST_IA32_PAT, ReadMsr(kMsrPat));
  Write(VmcsFieldNatural::HOST_RIP, reinterpret_cast<uint64_t>(&septum_vmx_exit));
  // HOST_RSP: written by septum_vmx_run at every entry.
}

}  // namespace

VmxControls ReadControls() {
  VmxMsrs m;
  m.basic = ReadMsr(kMsrVmxBasic);
  const bool true_controls = VmxHasTrueControls(m.basic);
  m.pinbased = ReadMsr(true_controls ? kMsrTruePinbased : kMsrPinbased);
  m.procbased = ReadMsr(true_controls ? kMsrTrueProcbased : kMsrProcbased);
  m.exit = ReadMsr(true_controls ? kMsrTrueExit : kMsrExit);
  m.entry = ReadMsr(true_controls ? kMsrTrueEntry : kMsrEntry);
  if ((m.procbased >> 32) & kActivateSecondary) {
    m.procbased2 = ReadMsr(kMsrProcbased2);
    // SDM Vol 3D A.10: the EPT/VPID capability MSR exists if EPT or VPID may be enabled.
    if ((m.procbased2 >> 32) & (kEnableEpt | kEnableVpid)) m.ept_vpid = ReadMsr(kMsrEptVpidCap);
  }
  m.cr0_fixed0 = ReadMsr(kMsrCr0Fixed0);
  m.cr0_fixed1 = ReadMsr(kMsrCr0Fixed1);
  m.cr4_fixed0 = ReadMsr(kMsrCr4Fixed0);
  m.cr4_fixed1 = ReadMsr(kMsrCr4Fixed1);
  m.misc = ReadMsr(kMsrMisc);
  return ComputeVmxControls(m);
}

Status Enable(uint32_t cpu, const VmxControls& c) {
  SEPTUM_ASSERT(cpu < kMaxCpus);
  controls = c;
  const uint64_t fc = ReadMsr(kMsrFeatureControl);
  if (!(fc & kFeatureControlLock)) WriteMsr(kMsrFeatureControl, fc | kFeatureControlLock | kFeatureControlVmxOutsideSmx);
  WriteCr0((ReadCr0() | c.cr0_must1) & c.cr0_may1);  // CR0.NE, SDM Vol 3C §24.8
  WriteCr4(((ReadCr4() | kCr4Vmxe | c.cr4_must1) & c.cr4_may1));
  uint8_t* region = vmxon_region[cpu];
  __builtin_memset(region, 0, 4096);
  __builtin_memcpy(region, &c.revision, sizeof(c.revision));
  if (!VmxOn(Physical(region))) return Status::kUnsupported;
  if (c.invept_global) InvEpt(2);  // whatever the firmware cached
  current[cpu] = nullptr;
  return Status::kOk;
}

void InitGuest(Vcpu& v, const StartState& start, const tables::DomainRecord& rec, uint16_t vpid, uint32_t cpu) {
  const bool pv = rec.type == tables::kPv;
  if (v.active_on != kNotActive) {  // a previous run: clear it where it is active (here)
    VmClear(v.vmcs);
    if (current[v.active_on] == v.vmcs) current[v.active_on] = nullptr;
  }
  __builtin_memset(v.vmcs->bytes, 0, sizeof(v.vmcs->bytes));
  __builtin_memcpy(v.vmcs->bytes, &controls.revision, sizeof(controls.revision));
  VmClear(v.vmcs);
  VmPtrLd(v.vmcs);
  current[cpu] = v.vmcs;
  v.active_on = cpu;
  v.launched = false;
  v.pending_vector = -1;
  v.pending_event = 0;
  v.vpid = controls.vpid ? vpid : 0;
  v.flush = true;

  Write(VmcsField32::PIN_BASED_VM_EXEC_CONTROL, controls.pin);
  Write(VmcsField32::CPU_BASED_VM_EXEC_CONTROL, controls.proc);
  v.proc_written = controls.proc;
  Write(VmcsField32::SECONDARY_VM_EXEC_CONTROL, controls.proc2);
  Write(VmcsField32::VM_EXIT_CONTROLS, controls.exit);
  Write(VmcsField32::VM_ENTRY_CONTROLS, controls.entry | (start.long_mode ? kIa32eModeGuest : 0));
  // A PV domain has no IDT: every exception is a fault the kernel contains. An HVM one handles
  // its own.
  Write(VmcsField32::EXCEPTION_BITMAP, pv ? 0xffffffff : 0);
  Write(VmcsField32::PAGE_FAULT_ERROR_CODE_MASK, 0);
  Write(VmcsField32::PAGE_FAULT_ERROR_CODE_MATCH, 0);
  Write(VmcsField32::CR3_TARGET_COUNT, 0);
  Write(VmcsField32::VM_EXIT_MSR_STORE_COUNT, 0);
  Write(VmcsField32::VM_EXIT_MSR_LOAD_COUNT, 0);
  Write(VmcsField32::VM_ENTRY_MSR_LOAD_COUNT, 0);
  Write(VmcsField32::VM_ENTRY_INTR_INFO_FIELD, 0);
  Write(VmcsField64::IO_BITMAP_A, rec.vmx_io_bitmaps);
  Write(VmcsField64::IO_BITMAP_B, rec.vmx_io_bitmaps + paging::kPageSize);
  Write(VmcsField64::MSR_BITMAP, rec.vmx_msr_bitmap);
  Write(VmcsField64::EPT_POINTER, rec.ept_root | kEptpWriteBack4Level);
  if (v.vpid) Write(VmcsField16::VIRTUAL_PROCESSOR_ID, v.vpid);
  WriteHostState();

  // The guest's segment registers: their fields are encoded in the SDM's order ES, CS, SS, DS,
  // FS, GS, LDTR, TR, 2 apart (Vol 3D Appendix B) — the order of StartState::segments.
  for (uint32_t i = 0; i < kSegmentCount; ++i) {
    const SegmentState& seg = start.segments[i];
    VmWrite(static_cast<uint32_t>(VmcsField16::GUEST_ES_SELECTOR) + 2 * i, seg.selector);
    VmWrite(static_cast<uint32_t>(VmcsField32::GUEST_ES_LIMIT) + 2 * i, seg.limit);
    VmWrite(static_cast<uint32_t>(VmcsField32::GUEST_ES_AR_BYTES) + 2 * i, VmxAccessRights(seg));
    VmWrite(static_cast<uint32_t>(VmcsFieldNatural::GUEST_ES_BASE) + 2 * i, seg.base);
  }
  Write(VmcsField32::GUEST_GDTR_LIMIT, start.gdtr_limit);
  Write(VmcsFieldNatural::GUEST_GDTR_BASE, start.gdtr_base);
  Write(VmcsField32::GUEST_IDTR_LIMIT, start.idtr_limit);
  Write(VmcsFieldNatural::GUEST_IDTR_BASE, start.idtr_base);

  Write(VmcsFieldNatural::GUEST_CR0, Cr0For(start.cr0));
  Write(VmcsFieldNatural::CR0_READ_SHADOW, start.cr0);
  Write(VmcsFieldNatural::CR0_GUEST_HOST_MASK, Cr0Mask());
  Write(VmcsFieldNatural::GUEST_CR4, Cr4For(start.cr4));
  Write(VmcsFieldNatural::CR4_READ_SHADOW, start.cr4);
  Write(VmcsFieldNatural::CR4_GUEST_HOST_MASK, Cr4Mask());
  Write(VmcsFieldNatural::GUEST_CR3, start.cr3);
  Write(VmcsField64::GUEST_IA32_EFER, start.efer);
  Write(VmcsField64::GUEST_IA32_PAT, start.pat);
  Write(VmcsField64::GUEST_IA32_DEBUGCTL, 0);
  Write(VmcsFieldNatural::GUEST_DR7, start.dr7);
  Write(VmcsField32::GUEST_SYSENTER_CS, 0);
  Write(VmcsFieldNatural::GUEST_SYSENTER_ESP, 0);
  Write(VmcsFieldNatural::GUEST_SYSENTER_EIP, 0);
  Write(VmcsField32::GUEST_INTERRUPTIBILITY_INFO, 0);
  Write(VmcsField32::GUEST_ACTIVITY_STATE, 0);
  Write(VmcsFieldNatural::GUEST_PENDING_DBG_EXCEPTIONS, 0);
  Write(VmcsField64::VMCS_LINK_POINTER, ~uint64_t{0});

  // RIP reaches the VMCS from the registers at every entry (Run); RSP and RFLAGS when changed.
  Write(VmcsFieldNatural::GUEST_RSP, start.regs.rsp);
  Write(VmcsFieldNatural::GUEST_RFLAGS, start.regs.rflags);
  v.rsp_written = start.regs.rsp;
  v.rflags_written = start.regs.rflags;
  // Cleared: written to memory, not current anywhere; any CPU may load it next.
  VmClear(v.vmcs);
  current[cpu] = nullptr;
  v.active_on = kNotActive;
}

void SetVirtualInterrupt(Vcpu& v, uint8_t vector) { v.pending_vector = vector; }

void InjectException(Vcpu& v, uint8_t vector, bool has_error_code, uint32_t error_code) {
  v.pending_event = kIntrInfoValid | kIntrTypeHardwareException | vector | (has_error_code ? kIntrErrorCodeValid : 0);
  v.pending_error = error_code;
}

GuestMode ModeOf(Vcpu& v, uint32_t cpu) {
  MakeCurrent(v, cpu);
  GuestMode m;
  m.cr0 = Read(VmcsFieldNatural::GUEST_CR0);
  m.cr3 = Read(VmcsFieldNatural::GUEST_CR3);
  m.cr4 = Read(VmcsFieldNatural::GUEST_CR4);
  m.efer = Read(VmcsField64::GUEST_IA32_EFER);
  m.cs_base = Read(VmcsFieldNatural::GUEST_CS_BASE);
  const uint64_t cs = Read(VmcsField32::GUEST_CS_AR_BYTES);  // SDM Vol 3C Table 25-2: L bit 13, D/B bit 14
  m.cs_long = (cs >> 13) & 1;
  m.cs_default32 = (cs >> 14) & 1;
  return m;
}

void Leave(Vcpu& v, uint32_t cpu) {
  if (v.active_on != cpu) return;
  VmClear(v.vmcs);
  if (current[cpu] == v.vmcs) current[cpu] = nullptr;
  v.active_on = kNotActive;
  v.launched = false;
  v.flush = true;  // its VPID's entries on this CPU outlive it there
}

uint32_t InstructionError() { return static_cast<uint32_t>(Read(VmcsField32::VM_INSTRUCTION_ERROR)); }

ExitEvent Run(Vcpu& v, GuestRegs& regs, uint32_t cpu, uint64_t deadline_tsc) {
  MakeCurrent(v, cpu);
  if (controls.preemption_timer) {
    const uint64_t now = ReadTsc();
    uint64_t ticks = deadline_tsc > now ? (deadline_tsc - now) >> controls.preemption_timer_rate : 0;
    if (ticks > 0xffffffff) ticks = 0xffffffff;
    Write(VmcsField32::VMX_PREEMPTION_TIMER_VALUE, ticks);
  }
  if (v.flush) {
    if (v.vpid) InvVpid(controls.invvpid_single ? 1 : 2, v.vpid);
    v.flush = false;
  }
  // An exception or an interrupted event first; a waiting virtual interrupt now, if the guest
  // can take it, else at an exit when it can.
  uint32_t proc = controls.proc;
  bool injected = false;
  if (v.pending_event) {
    Write(VmcsField32::VM_ENTRY_INTR_INFO_FIELD, v.pending_event);
    if (v.pending_event & kIntrErrorCodeValid) Write(VmcsField32::VM_ENTRY_EXCEPTION_ERROR_CODE, v.pending_error);
    const uint32_t type = v.pending_event & kIntrTypeMask;
    if (type == kIntrTypeSoftwareInterrupt || type == kIntrTypePrivilegedSoftwareException || type == kIntrTypeSoftwareException) {
      Write(VmcsField32::VM_ENTRY_INSTRUCTION_LEN, v.pending_length);
    }
    v.pending_event = 0;
    if (v.pending_vector >= 0) proc |= kInterruptWindowExiting;
  } else if (v.pending_vector >= 0) {
    const bool open = (regs.rflags & kRflagsIf) &&
                      (Read(VmcsField32::GUEST_INTERRUPTIBILITY_INFO) & (kBlockingBySti | kBlockingByMovSs)) == 0;
    if (open) {
      Write(VmcsField32::VM_ENTRY_INTR_INFO_FIELD, kIntrInfoValid | kIntrTypeExternal | static_cast<uint32_t>(v.pending_vector));
      v.pending_vector = -1;
      injected = true;
    } else {
      proc |= kInterruptWindowExiting;
    }
  }
  if (proc != v.proc_written) {
    Write(VmcsField32::CPU_BASED_VM_EXEC_CONTROL, proc);
    v.proc_written = proc;
  }
  Write(VmcsFieldNatural::GUEST_RIP, regs.rip);  // a dispatch moves it past the instruction it emulated
  if (regs.rsp != v.rsp_written) Write(VmcsFieldNatural::GUEST_RSP, regs.rsp);
  if (regs.rflags != v.rflags_written) Write(VmcsFieldNatural::GUEST_RFLAGS, regs.rflags);
  ExitEvent e;
  if (septum_vmx_run(&regs, v.launched) != 0) {  // VMLAUNCH / VMRESUME refused the VMCS
    e.kind = ExitKind::kInvalidState;
    e.raw = uint64_t{0x100000000} | InstructionError();
    return e;
  }
  v.launched = true;
  regs.rip = Read(VmcsFieldNatural::GUEST_RIP);
  regs.rsp = v.rsp_written = Read(VmcsFieldNatural::GUEST_RSP);
  regs.rflags = v.rflags_written = Read(VmcsFieldNatural::GUEST_RFLAGS);
  const uint32_t reason = static_cast<uint32_t>(Read(VmcsField32::VM_EXIT_REASON));
  e.raw = reason;
  // An event whose delivery this exit cut short is delivered again: an interrupt the kernel
  // injected goes back to the pending interrupt, anything else is re-injected as it was.
  const uint32_t vectoring = static_cast<uint32_t>(Read(VmcsField32::IDT_VECTORING_INFO_FIELD));
  if (vectoring & kIntrInfoValid) {
    if (injected && (vectoring & kIntrTypeMask) == kIntrTypeExternal && v.pending_vector < 0) {
      v.pending_vector = static_cast<int32_t>(vectoring & 0xff);
    } else {
      v.pending_event = vectoring & ~kIntrNmiUnblocking;
      if (vectoring & kIntrErrorCodeValid) v.pending_error = static_cast<uint32_t>(Read(VmcsField32::IDT_VECTORING_ERROR_CODE));
      v.pending_length = static_cast<uint32_t>(Read(VmcsField32::VM_EXIT_INSTRUCTION_LEN));
    }
  }
  if (reason & kExitReasonEntryFailure) {
    e.kind = ExitKind::kInvalidState;
    return e;
  }
  switch (static_cast<VmxExit>(reason & 0xffff)) {
    case VmxExit::VMCALL:
      e.kind = ExitKind::kHypercall;
      e.instruction_length = static_cast<uint8_t>(Read(VmcsField32::VM_EXIT_INSTRUCTION_LEN));
      break;
    case VmxExit::CPUID:
      e.kind = ExitKind::kCpuid;
      e.instruction_length = static_cast<uint8_t>(Read(VmcsField32::VM_EXIT_INSTRUCTION_LEN));
      SetHostCpuid(e, Cpuid(static_cast<uint32_t>(regs.rax), static_cast<uint32_t>(regs.rcx)));
      break;
    case VmxExit::HLT:
      e.kind = ExitKind::kHlt;
      e.instruction_length = static_cast<uint8_t>(Read(VmcsField32::VM_EXIT_INSTRUCTION_LEN));
      break;
    case VmxExit::EXTERNAL_INTERRUPT:
    case VmxExit::PREEMPTION_TIMER:  // its slot is over (the scheduler reads the clock)
    case VmxExit::INTERRUPT_WINDOW:  // the guest can take its interrupt now: the next entry injects it
      e.kind = ExitKind::kInterrupt;
      break;
    case VmxExit::IO_INSTRUCTION: {
      // SDM Vol 3C Table 28-5: size - 1 in 2:0, IN in 3, string in 4, REP in 5, port in 31:16.
      const uint64_t q = Read(VmcsFieldNatural::EXIT_QUALIFICATION);
      e.kind = ExitKind::kIo;
      e.address = (q >> 16) & 0xffff;
      e.info = (((q >> 3) & 1) ? kIoIn : 0) | (((q >> 4) & 1) ? kIoString : 0) | (((q >> 5) & 1) ? kIoRep : 0) |
               (((q & 7) + 1) << kIoSizeShift);
      e.instruction_length = static_cast<uint8_t>(Read(VmcsField32::VM_EXIT_INSTRUCTION_LEN));
      break;
    }
    case VmxExit::MSR_READ:
    case VmxExit::MSR_WRITE:
      e.kind = ExitKind::kMsr;
      e.address = static_cast<uint32_t>(regs.rcx);
      e.info = (reason & 0xffff) == static_cast<uint32_t>(VmxExit::MSR_WRITE) ? 1 : 0;
      e.instruction_length = static_cast<uint8_t>(Read(VmcsField32::VM_EXIT_INSTRUCTION_LEN));
      break;
    case VmxExit::EPT_VIOLATION: {
      const uint64_t q = Read(VmcsFieldNatural::EXIT_QUALIFICATION);  // SDM Vol 3C Table 28-7
      e.kind = ExitKind::kNestedFault;
      e.address = Read(VmcsField64::GUEST_PHYSICAL_ADDRESS);
      e.info = (q & 4) ? paging::kExec : (q & 2) ? paging::kWrite : paging::kRead;
      break;
    }
    case VmxExit::EPT_MISCONFIG:
      e.kind = ExitKind::kNestedFault;
      e.address = Read(VmcsField64::GUEST_PHYSICAL_ADDRESS);
      e.info = paging::kRead;
      break;
    case VmxExit::CR_ACCESS:
      e.kind = EmulateCrWrite(Read(VmcsFieldNatural::EXIT_QUALIFICATION), regs,
                              static_cast<uint8_t>(Read(VmcsField32::VM_EXIT_INSTRUCTION_LEN)))
                   ? ExitKind::kEmulated
                   : ExitKind::kOther;
      break;
    case VmxExit::TRIPLE_FAULT:
      e.kind = ExitKind::kShutdown;
      break;
    case VmxExit::INVALID_GUEST_STATE:
    case VmxExit::MSR_LOADING:
      e.kind = ExitKind::kInvalidState;
      break;
    case VmxExit::EXCEPTION_NMI: {
      const uint32_t info = static_cast<uint32_t>(Read(VmcsField32::VM_EXIT_INTR_INFO));
      if ((info & kIntrTypeMask) == kIntrTypeNmi) {
        e.kind = ExitKind::kInterrupt;
      } else {
        e.kind = ExitKind::kException;
        e.address = info & 0xff;
        e.info = (info & (1u << 11)) ? Read(VmcsField32::VM_EXIT_INTR_ERROR_CODE) : 0;
      }
      break;
    }
    default:
      e.kind = ExitKind::kOther;
      break;
  }
  return e;
}

}  // namespace septum::x86::vmx
