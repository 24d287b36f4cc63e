// kernel/boot/vcpu.cc — see vcpu.h.
#include "kernel/boot/vcpu.h"

#include "kernel/arch/x86/svm/svm.h"

namespace septum {
namespace {

VirtBackend backend = VirtBackend::kNone;
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

ExitEvent RunGuest(Vcpu& v, GuestRegs& regs, uint32_t cpu, bool flush_tlb, uint64_t deadline_tsc) {
  if (Svm()) {
    if (flush_tlb) v.vmcb->Set<uint8_t>(x86::svm::kTlbControl, x86::svm::kTlbFlushAll);
    return x86::svm::Run(*v.vmcb, regs);
  }
  if (flush_tlb) v.vmx.flush = true;
  return x86::vmx::Run(v.vmx, regs, cpu, deadline_tsc);
}

void SetVirtualInterrupt(Vcpu& v, uint8_t vector) {
  if (Svm()) {
    x86::svm::SetVirtualInterrupt(*v.vmcb, vector);
  } else {
    x86::vmx::SetVirtualInterrupt(v.vmx, vector);
  }
}

bool VirtualInterruptPending(const Vcpu& v) {
  return Svm() ? x86::svm::VirtualInterruptPending(*v.vmcb) : x86::vmx::VirtualInterruptPending(v.vmx);
}

void LeaveCpu(Vcpu& v, uint32_t cpu) {
  if (!Svm()) x86::vmx::Leave(v.vmx, cpu);
}

}  // namespace septum
