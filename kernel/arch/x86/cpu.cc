// kernel/arch/x86/cpu.cc — reading the CPU's virtualization capabilities.
#include "kernel/arch/x86/cpu.h"

namespace septum::x86 {
namespace {

constexpr uint32_t kMsrFeatureControl = 0x3A;         // SDM Vol 4 Table 2-2
constexpr uint32_t kMsrVmxProcbasedCtls = 0x482;      // SDM Vol 3D A.3.2
constexpr uint32_t kMsrVmxProcbasedCtls2 = 0x48B;     // SDM Vol 3D A.3.3

}  // namespace

CpuSnapshot ProbeCpu() {
  CpuSnapshot cpu;
  cpu.leaf0 = Cpuid(0);
  if (cpu.leaf0.eax >= 1) cpu.leaf1 = Cpuid(1);
  cpu.ext0 = Cpuid(0x80000000);
  if (cpu.ext0.eax >= 0x80000001) cpu.ext1 = Cpuid(0x80000001);
  if (cpu.ext0.eax >= 0x8000000A) cpu.svm_features = Cpuid(0x8000000A);
  if (NeedsVmxMsrs(cpu)) {
    cpu.feature_control = ReadMsr(kMsrFeatureControl);
    cpu.vmx_procbased_ctls = ReadMsr(kMsrVmxProcbasedCtls);
    if (NeedsVmxSecondaryMsr(cpu)) cpu.vmx_procbased_ctls2 = ReadMsr(kMsrVmxProcbasedCtls2);
  }
  return cpu;
}

}  // namespace septum::x86
