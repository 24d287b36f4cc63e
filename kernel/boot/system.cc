// kernel/boot/system.cc — see system.h.
//
// The kernel's run-time state is one object, `kernel` below: every domain, CPU and virtual CPU,
// the channels' doorbells, the shared System, and the x86 platform the scheduler runs on.
#include "kernel/boot/system.h"

#include "kernel/abi/limits.h"
#include "kernel/arch/x86/apic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/platform.h"
#include "kernel/arch/x86/run_end.h"
#include "kernel/arch/x86/serial.h"
#include "kernel/arch/x86/vcpu.h"
#include "kernel/boot/devices.h"
#include "kernel/boot/images.h"
#include "kernel/boot/irqs.h"
#include "kernel/boot/smp.h"
#include "kernel/core/cpu_bits.h"
#include "kernel/core/scheduler.h"
#include "kernel/core/summary.h"

namespace septum {
namespace {

struct alignas(4096) Page {
  uint8_t bytes[4096];
};

struct Kernel {
  Page vcpu_pages[limits::kMaxDomains];  // each domain's VMCB or VMCS
  Vcpu vcpus[limits::kMaxDomains];
  Domain domains[limits::kMaxDomains];
  Cpu cpus[limits::kMaxCpus];
  uint32_t apic_ids[limits::kMaxCpus] = {};
  uint64_t doorbells[limits::kMaxChannels] = {};
  System system;
  x86::Platform platform;
  volatile bool go = false;  // the bootstrap CPU's word to the APs: the schedule starts
};

Kernel kernel;
Scheduler<x86::Platform> scheduler(kernel.system, kernel.platform);

// Virtualization on for CPU `c`, and FXSAVE/FXRSTOR covering the SSE registers.
void PrepareCpu(uint32_t c) {
  if (EnableVirtualization(c) != Status::kOk) {
    Print("septum: cpu {}: VMXON failed\n", c);
    Refuse("hardware virtualization cannot be turned on");
  }
  x86::WriteCr4(x86::ReadCr4() | kCr4Osfxsr);
}

// An application processor, on its own stack (smp.cc): its local APIC, virtualization, then its plan.
void RunAp(uint32_t c) {
  x86::ApicInitThisCpu();
  PrepareCpu(c);
  while (!kernel.go) __builtin_ia32_pause();
  scheduler.Run(kernel.cpus[c]);
  x86::HaltForever();
}

// The kick of System::Kick: an IPI that makes CPU `cpu` leave its guest or its HLT.
void KickCpu(void*, uint32_t cpu) { x86::SendIpi(kernel.apic_ids[cpu], x86::kKickVector); }

void SelectBackendOrRefuse(VirtBackend backend) {
  if (SelectBackend(backend) != Status::kOk) {
    Print("septum: the {} backend cannot run domains on this CPU: {}\n", BackendName(backend),
          backend == VirtBackend::kVmx ? VmxControlsInUse().problem : "no hardware virtualization");
    Refuse("the CPU's virtualization lacks what Septum needs");
  }
  if (Backend() == VirtBackend::kVmx) {
    const VmxControls& c = VmxControlsInUse();
    Print("septum: vmx: VMCS revision {:#x}; controls pin {:#x} proc {:#x} proc2 {:#x} exit {:#x} entry {:#x}; vpid {}\n", c.revision,
          c.pin, c.proc, c.proc2, c.exit, c.entry, c.vpid ? "yes" : "no");
  }
}

// The domains of the blob, each with its record, nested tables and virtual CPU: an SVM ASID
// (shared round-robin when the CPU has fewer than domains: then every entry flushes), or a VMX
// VPID (one each).
void BindDomains(const BlobView& blob, const Machine& machine) {
  const Span<const tables::DomainRecord> records = SectionArray<tables::DomainRecord>(blob, tables::SectionKind::kDomains);
  if (records.size() > limits::kMaxDomains) Refuse("the tables hold more domains than this kernel supports (64)");
  const uint32_t asids = machine.caps.svm_asids > 1 ? machine.caps.svm_asids : 2;
  const bool svm = Backend() == VirtBackend::kSvm;
  for (uint32_t d = 0; d < records.size(); ++d) {
    Domain& dom = kernel.domains[d];
    dom.record = &records[d];
    dom.ctx = MakeDomainContext(records[d], x86::Platform::kMemory, paging::Format::kNpt);
    dom.vcpu = &kernel.vcpus[d];
    BindVcpu(kernel.vcpus[d], &kernel.vcpu_pages[d], svm ? 1 + d % (asids - 1) : d + 1);
  }
  System& s = kernel.system;
  s.domains = Span<Domain>(kernel.domains, records.size());
  s.rights = SectionArray<tables::ControlRight>(blob, tables::SectionKind::kRights);
  s.channels = SectionArray<tables::ChannelRecord>(blob, tables::SectionKind::kChannels);
  if (s.channels.size() > limits::kMaxChannels) Refuse("the tables hold more channels than this kernel supports (256)");
  s.doorbells = Span<uint64_t>(kernel.doorbells, s.channels.size());
  s.hooks.kick = &KickCpu;
  kernel.platform.Bind(machine.ram, s.channels, svm && records.size() > asids - 1);
  const Span<const uint8_t> start_section = SectionBytes(blob, tables::SectionKind::kStartState);
  BindImages(s.domains, *machine.boot, SectionArray<tables::SegmentRecord>(blob, tables::SectionKind::kSegments), start_section,
             blob.header->load_address + static_cast<uint64_t>(start_section.data() - blob.bytes.data()));
  CheckModulesClear(s.domains, *machine.boot);
}

// Every CPU's plan from the schedule section.
void BindSchedule(const BlobView& blob) {
  const Span<const tables::SystemRecord> system = SectionArray<tables::SystemRecord>(blob, tables::SectionKind::kSystem);
  kernel.system.cpus = Span<Cpu>(kernel.cpus, limits::kMaxCpus);
  switch (BindPlans(kernel.system, SectionBytes(blob, tables::SectionKind::kSchedule), system.size() == 1 ? system[0].cpus : 1)) {
    case Status::kOk: return;
    case Status::kNoSpace: Refuse("the schedule has a plan for a CPU beyond the 16 this kernel runs");
    case Status::kNotFound: Refuse("the schedule has no plan for CPU 0");
    default: Refuse("the schedule section is malformed");
  }
}

// Zeroes every channel's memory once: it belongs to two domains, so no restart zeroes it.
void ZeroChannels() {
  for (const tables::ChannelRecord& c : kernel.system.channels) {
    const Result<uint8_t*> at = PhysAt(x86::Platform::kMemory, c.host, c.size);
    if (!at.ok()) Refuse("a channel's memory lies outside the first 4 GiB");
    __builtin_memset(at.value(), 0, c.size);
  }
}

}  // namespace

void RunSystem(const BlobView& blob, const Machine& machine) {
  System& system = kernel.system;
  SelectBackendOrRefuse(machine.caps.backend);
  BindDomains(blob, machine);
  BindSchedule(blob);
  system.run_end_ns = machine.run_ns;

  const x86::ClockRates rates = x86::InterruptsInit();
  PrepareCpu(0);
  Print("septum: clock: TSC {} kHz, APIC timer {} kHz; major frame {} us\n", rates.tsc_hz / 1000, rates.apic_timer_hz / 1000,
        system.major_ticks * tables::kTickNs / 1000);
  const Span<const Domain> domains(system.domains.data(), system.domains.size());
  StartOtherCpus(machine, domains, static_cast<uint32_t>(system.cpus.size()), kernel.apic_ids, &RunAp);
  InertIrqs inert;
  SetUpDevices(blob, domains, &inert);
  SetUpIrqs(blob, machine, inert, Span<const uint32_t>(kernel.apic_ids, system.cpus.size()), system);
  for (const Cpu& cpu : system.cpus) {
    if (cpu.plan.empty()) continue;
    const x86::ConsoleGuard console;
    WritePlan(x86::SerialSink(), system, cpu, kernel.apic_ids[cpu.index]);
  }
  ZeroChannels();
  for (Domain& d : system.domains) {
    if (!d.record->boot) continue;
    d.status = DomainStatus::kStarting;
    (void)scheduler.Start(system.cpus[0], d);  // one that cannot be loaded says so and stays stopped
  }

  x86::StartClock();
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  kernel.go = true;
  scheduler.Run(system.cpus[0]);
  for (const Cpu& cpu : system.cpus) {  // each leaves its plan within a slot of the end
    for (int waited_ms = 0; waited_ms < 2000 && !__atomic_load_n(&cpu.done, __ATOMIC_ACQUIRE); ++waited_ms) x86::DelayUs(1000);
    if (!__atomic_load_n(&cpu.done, __ATOMIC_ACQUIRE)) Print("septum: cpu {} did not leave its plan at the end of the run\n", cpu.index);
  }
  {
    const x86::ConsoleGuard console;
    WriteSummary(x86::SerialSink(), kernel.platform.DomainConsole(), system);
  }
  x86::EndRun(x86::RunVerdict::kSuccess);
}

}  // namespace septum
