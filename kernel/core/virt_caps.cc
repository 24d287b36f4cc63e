// kernel/core/virt_caps.cc — decoding CPUID / capability MSRs into VirtCaps.
#include "kernel/core/virt_caps.h"

namespace septum {
namespace {

constexpr uint32_t kLeafSvmFeatures = 0x8000000A;
constexpr uint32_t kLeafExtFeatures = 0x80000001;

bool Bit(uint64_t value, unsigned bit) { return (value >> bit) & 1; }

void StoreVendor(const CpuidRegs& leaf0, char (&vendor)[13]) {
  const uint32_t parts[3] = {leaf0.ebx, leaf0.edx, leaf0.ecx};  // "Auth" "enti" "cAMD"
  for (int p = 0; p < 3; ++p) {
    for (int b = 0; b < 4; ++b) vendor[p * 4 + b] = static_cast<char>(parts[p] >> (8 * b));
  }
  vendor[12] = '\0';
}

}  // namespace

bool NeedsVmxMsrs(const CpuSnapshot& cpu) { return cpu.leaf0.eax >= 1 && Bit(cpu.leaf1.ecx, 5); }

bool NeedsVmxSecondaryMsr(const CpuSnapshot& cpu) {
  // IA32_VMX_PROCBASED_CTLS allowed-1 bit 31 ("activate secondary controls"), SDM Vol 3D A.3.2.
  return NeedsVmxMsrs(cpu) && Bit(cpu.vmx_procbased_ctls, 32 + 31);
}

VirtCaps DecodeVirtCaps(const CpuSnapshot& cpu) {
  VirtCaps caps;
  StoreVendor(cpu.leaf0, caps.vendor);

  if (cpu.ext0.eax >= kLeafExtFeatures) caps.svm = Bit(cpu.ext1.ecx, 2);  // APM Vol 3 E.4.2
  if (caps.svm && cpu.ext0.eax >= kLeafSvmFeatures) {                   // APM Vol 3 E.4.9
    caps.npt = Bit(cpu.svm_features.edx, 0);
    caps.svm_asids = cpu.svm_features.ebx;
  }

  caps.vmx = NeedsVmxMsrs(cpu);  // SDM Vol 2A CPUID.01H:ECX.VMX[5]
  if (caps.vmx) {
    // SDM Vol 3C §24.7: lock bit 0 set and "VMXON outside SMX" bit 2 clear = VMX disabled.
    caps.vmx_locked_off = Bit(cpu.feature_control, 0) && !Bit(cpu.feature_control, 2);
    // SDM Vol 3D A.3.3: IA32_VMX_PROCBASED_CTLS2 allowed-1 bit 1 = "enable EPT".
    caps.ept = NeedsVmxSecondaryMsr(cpu) && Bit(cpu.vmx_procbased_ctls2, 32 + 1);
  }

  if (caps.svm && caps.npt) {
    caps.backend = VirtBackend::kSvm;
  } else if (caps.vmx && caps.ept && !caps.vmx_locked_off) {
    caps.backend = VirtBackend::kVmx;
  } else if (caps.svm) {
    caps.reason = "SVM without nested paging (NPT): Septum needs NPT";
  } else if (caps.vmx && caps.vmx_locked_off) {
    caps.reason = "VMX disabled by firmware (IA32_FEATURE_CONTROL locked)";
  } else if (caps.vmx) {
    caps.reason = "VMX without EPT: Septum needs EPT";
  } else {
    caps.reason = "no hardware virtualization (neither SVM nor VMX)";
  }
  return caps;
}

}  // namespace septum
