// kernel/arch/x86/platform.h — the machine as the scheduler (kernel/core/scheduler.h) sees it
// on x86-64: the TSC clock and each CPU's local APIC timer, the idle HLT, a domain's virtual CPU
// (vcpu.h: VMCB or VMCS) and x87/SSE state, its memory loaded through the kernel's identity map,
// and the serial console. Every call is inline and one step from the hardware: the exit path
// pays for no indirection.
//
// Per CPU it keeps the x87/SSE state the CPU held before its first domain (the kernel itself
// uses none) and whose state the CPU's registers hold now: a domain's state is saved only when
// another domain's is loaded, or when it leaves for another CPU.
#ifndef SEPTUM_KERNEL_ARCH_X86_PLATFORM_H_
#define SEPTUM_KERNEL_ARCH_X86_PLATFORM_H_

#include <stdint.h>

#include "kernel/abi/limits.h"
#include "kernel/arch/x86/apic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/serial.h"
#include "kernel/arch/x86/vcpu.h"
#include "kernel/core/domain.h"
#include "kernel/core/domain_load.h"
#include "kernel/core/guest_memory.h"
#include "kernel/core/phys_range.h"

namespace septum::x86 {

class Platform {
 public:
  // The kernel's identity map (entry.S): host-physical = virtual in the first 4 GiB.
  static constexpr PhysicalMemory kMemory{0, 0, uint64_t{4} << 30};

  // `ram`: the machine's RAM ranges; `channels`: the tables' channels (their memory is not a
  // domain's to zero); `shared_tags`: TLB tags are shared between domains (fewer SVM ASIDs than
  // domains), so every entry flushes.
  void Bind(Span<const PhysRange> ram, Span<const tables::ChannelRecord> channels, bool shared_tags) {
    ram_ = ram;
    channels_ = channels;
    shared_tags_ = shared_tags;
  }

  uint64_t NowNs() { return x86::NowNs(); }
  uint64_t Tsc() { return ReadTsc(); }
  const TscClock& Clock() { return x86::Clock(); }
  void ArmTimer(uint32_t, uint64_t ns) { x86::ArmTimer(ns); }
  bool TakeTimerFired(uint32_t cpu) { return x86::TakeTimerFired(cpu); }
  void WaitForInterrupt(uint32_t) { x86::WaitForInterrupt(); }

  Result<LoadReport> Load(Domain& domain) { return LoadDomain(kMemory, paging::Format::kNpt, domain.image, ram_, channels_); }
  void ResetVcpu(uint32_t cpu, Domain& domain, const StartState& start) {
    InitGuest(*domain.vcpu, start, *domain.record, cpu);
    ResetFpu(domain.vcpu->fpu);
    if (cpus_[cpu].on_fpu == domain.vcpu) cpus_[cpu].on_fpu = nullptr;  // it holds the last run's: load the reset one
  }
  void EnterSlot(uint32_t cpu, Domain& domain) {
    PerCpu& c = cpus_[cpu];
    if (c.on_fpu == domain.vcpu) return;
    SaveFpu(c.on_fpu ? c.on_fpu->fpu : c.host_fpu);
    LoadFpu(domain.vcpu->fpu);
    c.on_fpu = domain.vcpu;
  }
  ExitEvent RunGuest(uint32_t cpu, Domain& domain, bool moved, uint64_t deadline_tsc) {
    return septum::RunGuest(*domain.vcpu, domain.regs, cpu, moved || shared_tags_, deadline_tsc);
  }
  void SetVirtualInterrupt(Domain& domain, uint8_t vector) { septum::SetVirtualInterrupt(*domain.vcpu, vector); }
  bool VirtualInterruptPending(const Domain& domain) { return septum::VirtualInterruptPending(*domain.vcpu); }
  void LeaveCpu(uint32_t cpu, Domain& domain) {
    if (cpus_[cpu].on_fpu == domain.vcpu) {
      SaveFpu(domain.vcpu->fpu);
      cpus_[cpu].on_fpu = nullptr;
    }
    septum::LeaveCpu(*domain.vcpu, cpu);
  }

  Sink Console() { return SerialSink(); }
  ConsoleSink DomainConsole() { return ConsoleSink{&DomainLine, nullptr}; }
  using ConsoleHold = ConsoleGuard;

 private:
  struct PerCpu {
    FpuState host_fpu;
    Vcpu* on_fpu = nullptr;  // whose state the CPU's x87/SSE registers hold (nullptr: the host's)
  };

  // A domain's console line, as the kernel prints it: "[name] line".
  static void DomainLine(void*, StringView domain, StringView line) { Print("[{}] {}\n", domain, line); }

  Span<const PhysRange> ram_;
  Span<const tables::ChannelRecord> channels_;
  bool shared_tags_ = false;
  PerCpu cpus_[limits::kMaxCpus];
};

}  // namespace septum::x86

#endif  // SEPTUM_KERNEL_ARCH_X86_PLATFORM_H_
