// kernel/boot/vcpu.cc — see vcpu.h.
#include "kernel/boot/vcpu.h"

#include "kernel/arch/x86/svm/svm.h"

namespace septum {
namespace internal {
VirtBackend backend = VirtBackend::kNone;
}  // namespace internal
namespace {

using internal::backend;
VmxControls vmx_controls;

bool Svm() { return backend == VirtBackend::kSvm; }

}  // namespace

bool SelectBackend(VirtBackend b, const char** problem) {
  backend = b;
  if (b == VirtBackend::kVmx) {
    vmx_controls = x86::vmx::ReadControls();
    *problem = vmx_controls.problem;
    return vmx_controls.problem[0] == '\0';
  }
  *problem = "";
  return b == VirtBackend::kSvm;
}

VirtBackend Backend() { return backend; }
const VmxControls& VmxControlsInUse() { return vmx_controls; }

void BindVcpu(Vcpu& v, void* page, uint32_t tag) {
  v.vmcb = static_cast<x86::svm::Vmcb*>(page);
  v.vmx.vmcs = static_cast<x86::vmx::Vmcs*>(page);
  v.asid = tag;
  v.vmx.vpid = static_cast<uint16_t>(tag);
}

bool EnableVirtualization(uint32_t cpu) {
  if (Svm()) {
    x86::svm::Enable(cpu);
    return true;
  }
  return x86::vmx::Enable(cpu, vmx_controls);
}

void InitGuest(Vcpu& v, GuestRegs& regs, const tables::DomainRecord& record, uint32_t cpu) {
  if (Svm()) {
    x86::svm::InitGuest(*v.vmcb, regs, record, v.asid, /*flush_tlb=*/true);
  } else {
    x86::vmx::InitGuest(v.vmx, regs, record, static_cast<uint16_t>(v.asid), cpu);
  }
}

void LeaveCpu(Vcpu& v, uint32_t cpu) {
  if (!Svm()) x86::vmx::Leave(v.vmx, cpu);
}

}  // namespace septum
