// kernel/arch/x86/vcpu.cc — see vcpu.h.
#include "kernel/arch/x86/vcpu.h"

namespace septum {
namespace internal {
VirtBackend backend = VirtBackend::kNone;
}  // namespace internal
namespace {

using internal::backend;
VmxControls vmx_controls;

bool Svm() { return backend == VirtBackend::kSvm; }

}  // namespace

void ResetFpu(FpuState& s) {
  __builtin_memset(s.bytes, 0, sizeof(s.bytes));
  const uint16_t fcw = 0x37f;
  const uint32_t mxcsr = 0x1f80;
  __builtin_memcpy(s.bytes, &fcw, sizeof(fcw));
  __builtin_memcpy(s.bytes + 24, &mxcsr, sizeof(mxcsr));
}

Status SelectBackend(VirtBackend b) {
  backend = b;
  if (b == VirtBackend::kVmx) {
    vmx_controls = x86::vmx::ReadControls();
    return vmx_controls.problem[0] == '\0' ? Status::kOk : Status::kUnsupported;
  }
  return b == VirtBackend::kSvm ? Status::kOk : Status::kUnsupported;
}

VirtBackend Backend() { return backend; }
const VmxControls& VmxControlsInUse() { return vmx_controls; }

void BindVcpu(Vcpu& v, void* page, uint32_t tag) {
  v.vmcb = static_cast<x86::svm::Vmcb*>(page);
  v.vmx.vmcs = static_cast<x86::vmx::Vmcs*>(page);
  v.tag = tag;
}

Status EnableVirtualization(uint32_t cpu) {
  if (Svm()) {
    x86::svm::Enable(cpu);
    return Status::kOk;
  }
  return x86::vmx::Enable(cpu, vmx_controls);
}

void InitGuest(Vcpu& v, const StartState& start, const tables::DomainRecord& record, uint32_t cpu) {
  if (Svm()) {
    x86::svm::InitGuest(*v.vmcb, start, record, v.tag);
  } else {
    x86::vmx::InitGuest(v.vmx, start, record, static_cast<uint16_t>(v.tag), cpu);
  }
}

void LeaveCpu(Vcpu& v, uint32_t cpu) {
  if (!Svm()) x86::vmx::Leave(v.vmx, cpu);
}

void InjectException(Vcpu& v, uint8_t vector, bool has_error_code, uint32_t error_code) {
  if (Svm()) {
    x86::svm::InjectException(*v.vmcb, vector, has_error_code, error_code);
  } else {
    x86::vmx::InjectException(v.vmx, vector, has_error_code, error_code);
  }
}

GuestMode GuestModeOf(Vcpu& v, uint32_t cpu) { return Svm() ? x86::svm::ModeOf(*v.vmcb) : x86::vmx::ModeOf(v.vmx, cpu); }

}  // namespace septum
