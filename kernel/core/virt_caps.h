// kernel/core/virt_caps.h — which hardware virtualization this CPU offers, decided from raw
// CPUID leaves and VMX capability MSRs (pure: the arch layer reads, this decodes).
//
// Septum needs nested paging: SVM with NPT (AMD APM Vol 2 §15.25) or VMX with EPT (Intel SDM
// Vol 3C §28.2). Without one of those pairs the kernel refuses to run domains.
#ifndef SEPTUM_KERNEL_CORE_VIRT_CAPS_H_
#define SEPTUM_KERNEL_CORE_VIRT_CAPS_H_

#include <stdint.h>

namespace septum {

struct CpuidRegs {
  uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

// What the arch layer read. Leaves a CPU does not report are left zero; MSRs are read only
// where the CPUID bits say they exist (see NeedsVmxMsrs / NeedsVmxSecondaryMsr).
struct CpuSnapshot {
  CpuidRegs leaf0;          // CPUID 0: max basic leaf, vendor
  CpuidRegs leaf1;          // CPUID 1: ECX.VMX[5]
  CpuidRegs ext0;           // CPUID 0x80000000: max extended leaf
  CpuidRegs ext1;           // CPUID 0x80000001: ECX.SVM[2]
  CpuidRegs svm_features;   // CPUID 0x8000000A: EBX = ASIDs, EDX.NP[0]
  uint64_t feature_control = 0;       // IA32_FEATURE_CONTROL (0x3A)
  uint64_t vmx_procbased_ctls = 0;    // IA32_VMX_PROCBASED_CTLS (0x482)
  uint64_t vmx_procbased_ctls2 = 0;   // IA32_VMX_PROCBASED_CTLS2 (0x48B)
};

enum class VirtBackend : uint8_t { kNone, kSvm, kVmx };

struct VirtCaps {
  char vendor[13] = {};
  bool svm = false;           // CPUID 0x80000001 ECX[2]
  bool npt = false;           // CPUID 0x8000000A EDX[0]
  uint32_t svm_asids = 0;     // CPUID 0x8000000A EBX
  bool vmx = false;           // CPUID 1 ECX[5]
  bool vmx_locked_off = false;  // IA32_FEATURE_CONTROL locked with VMX outside SMX disabled
  bool ept = false;           // secondary controls allowed and "enable EPT" allowed-1
  VirtBackend backend = VirtBackend::kNone;
  // Why backend is kNone (or "" when a backend was chosen).
  const char* reason = "";
};

// The arch layer reads the VMX MSRs only when these say they exist (reading an absent MSR #GPs).
bool NeedsVmxMsrs(const CpuSnapshot& cpu);
bool NeedsVmxSecondaryMsr(const CpuSnapshot& cpu);

// Decides the backend: SVM+NPT if present, else VMX+EPT, else none with a reason.
VirtCaps DecodeVirtCaps(const CpuSnapshot& cpu);

constexpr const char* BackendName(VirtBackend b) {
  switch (b) {
    case VirtBackend::kSvm: return "svm";
    case VirtBackend::kVmx: return "vmx";
    case VirtBackend::kNone: return "none";
  }
  return "none";
}

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_VIRT_CAPS_H_
