// kernel/arch/x86/vmx/vmcs.h — the VMCS fields the kernel uses (Intel SDM Vol 3D Appendix B,
// "Field Encoding in VMCS"), VMREAD / VMWRITE, and the exit reasons (Appendix C).
//
// A VMCS is an opaque 4 KiB region (its first dword the revision identifier); it is reached only
// through VMREAD/VMWRITE while it is the CPU's current VMCS (VMPTRLD). Names keep the SDM's
// spelling; the enum's width says which VMREAD/VMWRITE size the field has.
#ifndef SEPTUM_KERNEL_ARCH_X86_VMX_VMCS_H_
#define SEPTUM_KERNEL_ARCH_X86_VMX_VMCS_H_

#include <stdint.h>

namespace septum::x86::vmx {

enum class VmcsField16 : uint32_t {
  VIRTUAL_PROCESSOR_ID = 0x0000,
  GUEST_ES_SELECTOR = 0x0800, GUEST_CS_SELECTOR = 0x0802, GUEST_SS_SELECTOR = 0x0804, GUEST_DS_SELECTOR = 0x0806,
  GUEST_FS_SELECTOR = 0x0808, GUEST_GS_SELECTOR = 0x080a, GUEST_LDTR_SELECTOR = 0x080c, GUEST_TR_SELECTOR = 0x080e,
  HOST_ES_SELECTOR = 0x0c00, HOST_CS_SELECTOR = 0x0c02, HOST_SS_SELECTOR = 0x0c04, HOST_DS_SELECTOR = 0x0c06,
  HOST_FS_SELECTOR = 0x0c08, HOST_GS_SELECTOR = 0x0c0a, HOST_TR_SELECTOR = 0x0c0c,
};

enum class VmcsField64 : uint32_t {
  IO_BITMAP_A = 0x2000, IO_BITMAP_B = 0x2002, MSR_BITMAP = 0x2004, EPT_POINTER = 0x201a,
  GUEST_PHYSICAL_ADDRESS = 0x2400,
  VMCS_LINK_POINTER = 0x2800, GUEST_IA32_DEBUGCTL = 0x2802, GUEST_IA32_PAT = 0x2804, GUEST_IA32_EFER = 0x2806,
  HOST_IA32_PAT = 0x2c00, HOST_IA32_EFER = 0x2c02,
};

enum class VmcsField32 : uint32_t {
  PIN_BASED_VM_EXEC_CONTROL = 0x4000, CPU_BASED_VM_EXEC_CONTROL = 0x4002, EXCEPTION_BITMAP = 0x4004,
  PAGE_FAULT_ERROR_CODE_MASK = 0x4006, PAGE_FAULT_ERROR_CODE_MATCH = 0x4008, CR3_TARGET_COUNT = 0x400a,
  VM_EXIT_CONTROLS = 0x400c, VM_EXIT_MSR_STORE_COUNT = 0x400e, VM_EXIT_MSR_LOAD_COUNT = 0x4010,
  VM_ENTRY_CONTROLS = 0x4012, VM_ENTRY_MSR_LOAD_COUNT = 0x4014, VM_ENTRY_INTR_INFO_FIELD = 0x4016,
  VM_ENTRY_EXCEPTION_ERROR_CODE = 0x4018, VM_ENTRY_INSTRUCTION_LEN = 0x401a, SECONDARY_VM_EXEC_CONTROL = 0x401e,
  VM_INSTRUCTION_ERROR = 0x4400, VM_EXIT_REASON = 0x4402, VM_EXIT_INTR_INFO = 0x4404, VM_EXIT_INTR_ERROR_CODE = 0x4406,
  IDT_VECTORING_INFO_FIELD = 0x4408, IDT_VECTORING_ERROR_CODE = 0x440a, VM_EXIT_INSTRUCTION_LEN = 0x440c,
  GUEST_ES_LIMIT = 0x4800, GUEST_CS_LIMIT = 0x4802, GUEST_SS_LIMIT = 0x4804, GUEST_DS_LIMIT = 0x4806,
  GUEST_FS_LIMIT = 0x4808, GUEST_GS_LIMIT = 0x480a, GUEST_LDTR_LIMIT = 0x480c, GUEST_TR_LIMIT = 0x480e,
  GUEST_GDTR_LIMIT = 0x4810, GUEST_IDTR_LIMIT = 0x4812,
  GUEST_ES_AR_BYTES = 0x4814, GUEST_CS_AR_BYTES = 0x4816, GUEST_SS_AR_BYTES = 0x4818, GUEST_DS_AR_BYTES = 0x481a,
  GUEST_FS_AR_BYTES = 0x481c, GUEST_GS_AR_BYTES = 0x481e, GUEST_LDTR_AR_BYTES = 0x4820, GUEST_TR_AR_BYTES = 0x4822,
  GUEST_INTERRUPTIBILITY_INFO = 0x4824, GUEST_ACTIVITY_STATE = 0x4826, GUEST_SYSENTER_CS = 0x482a,
  VMX_PREEMPTION_TIMER_VALUE = 0x482e,
  HOST_IA32_SYSENTER_CS = 0x4c00,
};

enum class VmcsFieldNatural : uint32_t {
  CR0_GUEST_HOST_MASK = 0x6000, CR4_GUEST_HOST_MASK = 0x6002, CR0_READ_SHADOW = 0x6004, CR4_READ_SHADOW = 0x6006,
  EXIT_QUALIFICATION = 0x6400,
  GUEST_CR0 = 0x6800, GUEST_CR3 = 0x6802, GUEST_CR4 = 0x6804,
  GUEST_ES_BASE = 0x6806, GUEST_CS_BASE = 0x6808, GUEST_SS_BASE = 0x680a, GUEST_DS_BASE = 0x680c, GUEST_FS_BASE = 0x680e,
  GUEST_GS_BASE = 0x6810, GUEST_LDTR_BASE = 0x6812, GUEST_TR_BASE = 0x6814, GUEST_GDTR_BASE = 0x6816, GUEST_IDTR_BASE = 0x6818,
  GUEST_DR7 = 0x681a, GUEST_RSP = 0x681c, GUEST_RIP = 0x681e, GUEST_RFLAGS = 0x6820, GUEST_PENDING_DBG_EXCEPTIONS = 0x6822,
  GUEST_SYSENTER_ESP = 0x6824, GUEST_SYSENTER_EIP = 0x6826,
  HOST_CR0 = 0x6c00, HOST_CR3 = 0x6c02, HOST_CR4 = 0x6c04, HOST_FS_BASE = 0x6c06, HOST_GS_BASE = 0x6c08, HOST_TR_BASE = 0x6c0a,
  HOST_GDTR_BASE = 0x6c0c, HOST_IDTR_BASE = 0x6c0e, HOST_IA32_SYSENTER_ESP = 0x6c10, HOST_IA32_SYSENTER_EIP = 0x6c12,
  HOST_RSP = 0x6c14, HOST_RIP = 0x6c16,
};

// Basic exit reasons (bits 15:0 of VM_EXIT_REASON), SDM Vol 3D Appendix C.
enum class VmxExit : uint32_t {
  EXCEPTION_NMI = 0, EXTERNAL_INTERRUPT = 1, TRIPLE_FAULT = 2, INIT_SIGNAL = 3, SIPI = 4, INTERRUPT_WINDOW = 7,
  TASK_SWITCH = 9, CPUID = 10, HLT = 12, INVD = 13, INVLPG = 14, RDPMC = 15, RDTSC = 16, VMCALL = 18,
  CR_ACCESS = 28, DR_ACCESS = 29, IO_INSTRUCTION = 30, MSR_READ = 31, MSR_WRITE = 32, INVALID_GUEST_STATE = 33,
  MSR_LOADING = 34, MWAIT = 36, MONITOR = 39, EPT_VIOLATION = 48, EPT_MISCONFIG = 49, PREEMPTION_TIMER = 52, WBINVD = 54,
  XSETBV = 55,
};
inline constexpr uint32_t kExitReasonEntryFailure = 1u << 31;

// VM-entry / exit interruption information (SDM Vol 3C §25.8.3, §25.9.2).
inline constexpr uint32_t kIntrInfoValid = 1u << 31;
inline constexpr uint32_t kIntrTypeExternal = 0u << 8, kIntrTypeNmi = 2u << 8, kIntrTypeHardwareException = 3u << 8,
                          kIntrTypeSoftwareInterrupt = 4u << 8, kIntrTypePrivilegedSoftwareException = 5u << 8,
                          kIntrTypeSoftwareException = 6u << 8;
inline constexpr uint32_t kIntrTypeMask = 7u << 8;
inline constexpr uint32_t kIntrErrorCodeValid = 1u << 11;
inline constexpr uint32_t kIntrNmiUnblocking = 1u << 12;  // exit information only: clear it to re-inject
// Guest interruptibility: blocking by STI (bit 0) and by MOV SS (bit 1).
inline constexpr uint32_t kBlockingBySti = 1u << 0, kBlockingByMovSs = 1u << 1;

// One VMCS region (its content is the CPU's business: only the revision dword is ours).
struct alignas(4096) Vmcs {
  uint8_t bytes[4096];
};
static_assert(sizeof(Vmcs) == 4096);

// VMREAD / VMWRITE on the current VMCS (SDM Vol 3C §31). A failure is a kernel bug (a field
// this CPU lacks): the callers use only fields every VMX CPU with EPT has.
inline uint64_t VmRead(uint32_t field) {
  uint64_t v;
  asm volatile("vmread %1, %0" : "=r"(v) : "r"(static_cast<uint64_t>(field)) : "cc");
  return v;
}
inline void VmWrite(uint32_t field, uint64_t value) {
  asm volatile("vmwrite %0, %1" ::"r"(value), "r"(static_cast<uint64_t>(field)) : "cc", "memory");
}
inline uint64_t Read(VmcsField16 f) { return VmRead(static_cast<uint32_t>(f)); }
inline uint64_t Read(VmcsField64 f) { return VmRead(static_cast<uint32_t>(f)); }
inline uint64_t Read(VmcsField32 f) { return VmRead(static_cast<uint32_t>(f)); }
inline uint64_t Read(VmcsFieldNatural f) { return VmRead(static_cast<uint32_t>(f)); }
inline void Write(VmcsField16 f, uint64_t v) { VmWrite(static_cast<uint32_t>(f), v); }
inline void Write(VmcsField64 f, uint64_t v) { VmWrite(static_cast<uint32_t>(f), v); }
inline void Write(VmcsField32 f, uint64_t v) { VmWrite(static_cast<uint32_t>(f), v); }
inline void Write(VmcsFieldNatural f, uint64_t v) { VmWrite(static_cast<uint32_t>(f), v); }

}  // namespace septum::x86::vmx

#endif  // SEPTUM_KERNEL_ARCH_X86_VMX_VMCS_H_
