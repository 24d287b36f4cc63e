// kernel/core/dispatch.cc — see dispatch.h.
#include "kernel/core/dispatch.h"

#include "kernel/abi/version.h"
#include "kernel/core/channel.h"
#include "kernel/core/control.h"

namespace septum {
namespace {

constexpr uint32_t kCpuid1EcxVmx = 1u << 5;
constexpr uint32_t kCpuid1EcxHypervisor = 1u << 31;
constexpr uint32_t kCpuidExt1EcxSvm = 1u << 2;
constexpr uint32_t kCpuidSvmLeaf = 0x8000000a;

const char* AccessWord(uint64_t access) {
  if (access & paging::kExec) return "executing";
  if (access & paging::kWrite) return "writing";
  return "reading";
}

}  // namespace

CpuidRegs GuestCpuid(uint32_t leaf, uint32_t subleaf, const CpuidRegs& host) {
  (void)subleaf;
  CpuidRegs r = host;
  switch (leaf) {
    case 1:
      r.ecx = (r.ecx & ~kCpuid1EcxVmx) | kCpuid1EcxHypervisor;
      break;
    case 0x80000001:
      r.ecx &= ~kCpuidExt1EcxSvm;
      break;
    case kCpuidSvmLeaf:
      r = CpuidRegs{};
      break;
    case hypercall::kCpuidHypervisorLeaf:
      r = CpuidRegs{hypercall::kCpuidHypervisorLeaf + 1, hypercall::kCpuidSignatureEbx, hypercall::kCpuidSignatureEcx,
                    hypercall::kCpuidSignatureEdx};
      break;
    case hypercall::kCpuidHypervisorLeaf + 1:
      r = CpuidRegs{kAbiVersion, 0, 0, 0};
      break;
    default:
      // Other hypervisor-range leaves say nothing (a guest probing for other hypervisors
      // finds none); everything else is the CPU's own answer.
      if (leaf >= 0x40000000 && leaf <= 0x4fffffff) r = CpuidRegs{};
      break;
  }
  return r;
}

ExitAction Dispatch(const ExitEvent& event, Domain& domain, const HypercallEnvironment& env, System* system) {
  GuestRegs& regs = domain.regs;
  ++domain.exits;
  switch (event.kind) {
    case ExitKind::kHypercall: {
      const HypercallArgs args{regs.rax, regs.rdi, regs.rsi, regs.rdx};
      const uint32_t group = hypercall::GroupOf(static_cast<hypercall::Number>(args.number));
      HypercallResult result;
      if (system && args.number == static_cast<uint64_t>(hypercall::Number::kIrqAck)) {
        result = HandleIrqAck(domain, *system, args);
      } else if (system && group == tables::kGroupControl) {
        result = HandleControl(domain, *system, args);
      } else if (system && group == tables::kGroupChannel) {
        result = HandleChannel(domain, *system, args, NsAt(env.clock, env.tsc));
      } else {
        result = HandleHypercall(domain.ctx, args, env, domain.lines, domain.calls);
      }
      regs.rip += event.instruction_length;
      if (result.blocked) return ExitAction::kBlock;  // RAX/RDX come when the wait ends
      regs.rax = static_cast<uint64_t>(result.status);
      regs.rdx = result.value;
      return result.yielded ? ExitAction::kEndSlot : ExitAction::kResume;
    }
    case ExitKind::kCpuid: {
      const CpuidRegs r = GuestCpuid(static_cast<uint32_t>(regs.rax), static_cast<uint32_t>(regs.rcx), HostCpuid(event));
      regs.rax = r.eax;
      regs.rbx = r.ebx;
      regs.rcx = r.ecx;
      regs.rdx = r.edx;
      regs.rip += event.instruction_length;
      return ExitAction::kResume;
    }
    case ExitKind::kHlt:
      regs.rip += event.instruction_length;
      return ExitAction::kHalt;
    case ExitKind::kInterrupt:
      return ExitAction::kTimer;
    case ExitKind::kEmulated:
      return ExitAction::kResume;
    default:
      ++domain.faults;
      return ExitAction::kFault;
  }
}

void DescribeFault(Sink sink, StringView domain, const ExitEvent& e, const GuestRegs& regs) {
  Format(sink, "fault: domain `{}`: ", domain);
  switch (e.kind) {
    case ExitKind::kNestedFault:
      Format(sink, "nested page fault {} guest-physical {:#x}: not granted by its tables", AccessWord(e.info), e.address);
      break;
    case ExitKind::kIo:
      Format(sink, "I/O port {:#x} ({}): the domain does not own it", e.address, (e.info & kIoIn) ? "in" : "out");
      break;
    case ExitKind::kMsr:
      Format(sink, "MSR {:#x} ({}): not passed through to the domain", e.address, e.info ? "write" : "read");
      break;
    case ExitKind::kException:
      Format(sink, "exception vector {} (error code {:#x}) in the guest", e.address, e.info);
      break;
    case ExitKind::kShutdown:
      Format(sink, "shutdown (triple fault)");
      break;
    case ExitKind::kInvalidState:
      Format(sink, "the CPU refused the guest state (exit {:#x})", e.raw);
      break;
    default:
      Format(sink, "instruction the kernel keeps for itself (exit {:#x})", e.raw);
      break;
  }
  Format(sink, " (rip {:#x})\n", regs.rip);
}

}  // namespace septum
