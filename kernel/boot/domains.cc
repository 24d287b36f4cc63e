// kernel/boot/domains.cc — see domains.h.
//
// Every CPU of the schedule runs its own plan from the tables, on one clock: at each slot it
// arms its local APIC timer for the slot's end and enters the slot's domain, if it is runnable,
// has not given the slot up and runs on no other CPU; otherwise the CPU idles until the slot
// ends — time is never handed to another domain. A domain that waits (channel_wait) idles its
// own slots until its doorbell rings or its deadline passes; a kick (an IPI sent only to the
// CPU that runs or idles in a domain's slot) makes that CPU look again at once. Every exit goes
// to kernel/core's Dispatch; a fault is logged in one line and the domain is stopped or
// restarted (memory zeroed, image and start block loaded again) as its record says.
//
// Shared state: the domains' run-time state lives in system_view and is guarded by its lock
// (kernel/core/control.h); a CPU claims a domain (Domain::cpu, Cpu::running) and notes where it
// idles (Cpu::idle_in) under that lock, and releases the claim with a release store. A domain
// is claimed by one CPU at a time, so its VMCB, registers, FPU state and console line are only
// ever touched by that CPU.
#include "kernel/boot/domains.h"

#include "kernel/abi/hypercall.h"
#include "kernel/arch/x86/apic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/ioapic.h"
#include "kernel/arch/x86/run_end.h"
#include "kernel/arch/x86/serial.h"
#include "kernel/boot/smp.h"
#include "kernel/boot/vcpu.h"
#include "kernel/core/acpi.h"
#include "kernel/core/channel.h"
#include "kernel/core/control.h"
#include "kernel/core/dispatch.h"
#include "kernel/core/domain_load.h"
#include "kernel/core/irq.h"
#include "kernel/core/pci.h"
#include "kernel/lib/sha256.h"

namespace septum {
namespace {

constexpr size_t kMaxDomains = 64;
constexpr size_t kMaxChannels = 256;
constexpr uint32_t kNoCpu = 0xffffffffu;
constexpr uint64_t kNsPerTick = tables::kTickNs;
constexpr uint64_t kCr4Osfxsr = 1u << 9;
constexpr uint64_t kRflagsIf = 1u << 9;
constexpr size_t kMaxRoutes = 256;
constexpr uint64_t kLowMemoryEnd = 0xa0000;  // conventional memory: where an AP's real-mode start can be
const PhysicalMemory kMemory{0, 0, uint64_t{4} << 30};  // the kernel's identity map (entry.S)

// The FXSAVE image of a freshly reset x87/SSE unit: FCW 0x37f, MXCSR 0x1f80.
struct alignas(16) FpuState {
  uint8_t bytes[512];
};

struct Domain {
  const tables::DomainRecord* record = nullptr;
  Span<const tables::SegmentRecord> segments;
  Span<const uint8_t> image;
  Span<const uint8_t> start_block;
  DomainContext ctx;
  GuestRegs regs{};
  uint32_t plans = 0;           // how many CPUs' plans have a slot for it
  uint32_t cpu = kNoCpu;        // the CPU running it now (guarded by system_view.lock)
  uint32_t last_cpu = kNoCpu;   // the CPU it last ran on: its TLB entries elsewhere may be stale
  bool gave_up = false;         // yield / HLT: off until the slot instance changes
  bool wakeable = false;        // a HLT with interrupts on: a device IRQ ends it within the slot
  bool owns_irqs = false;       // some IRQ route names it: its exits look for IRQs to inject
  uint32_t gave_up_cpu = kNoCpu;
  SlotPosition given_up;
};

// The run-time state of an IRQ route to a domain.
struct Route {
  bool active = false;  // a domain's route, programmed in an I/O APIC
  bool level = false;
  uint32_t gsi = 0;
  bool masked = false;  // masked since it arrived (level) or since its owner stopped (atomic)
  uint64_t arrived = 0, dropped = 0;
};

struct Cpu {
  FpuState host_fpu;  // what the CPU held before its first domain (the kernel uses no FPU)
  uint32_t index = 0;
  uint32_t apic_id = 0;
  Span<const tables::SlotRecord> plan;
  size_t on_fpu = kMaxDomains;    // whose x87/SSE state this CPU holds (kMaxDomains: nobody's)
  uint32_t running = tables::kNoDomain;  // guarded by system_view.lock
  uint32_t idle_in = tables::kNoDomain;  // the domain whose slot it idles in; guarded likewise
  uint64_t frames = 0;            // major frames begun
  uint64_t idle_slots = 0;        // slots in which no domain ran
  uint32_t slots_run[kMaxDomains] = {};
  volatile bool done = false;     // left its plan at the end of the run
  uint64_t armed_at = 0;          // when its timer is armed to fire (0: not armed, or it fired)
};

// Arms `cpu`'s timer for time `when` (now is `now`), unless it is armed for exactly then.
void ArmAt(Cpu& cpu, uint64_t when, uint64_t now) {
  if (when == cpu.armed_at) return;
  x86::ArmTimer(when > now ? when - now : 1);
  cpu.armed_at = when;
}

// Whether `cpu`'s timer fired since the last look (then it is no longer armed).
bool TimerFired(Cpu& cpu) {
  if (!x86::TakeTimerFired(cpu.index)) return false;
  cpu.armed_at = 0;
  return true;
}

Domain domains[kMaxDomains];
DomainRuntime runtime[kMaxDomains];
struct alignas(4096) Page {
  uint8_t bytes[4096];
};
Page vcpu_pages[kMaxDomains];  // each domain's VMCB or VMCS
Vcpu vcpus[kMaxDomains];
FpuState fpu[kMaxDomains];
size_t domain_count = 0;
Cpu cpus[x86::kMaxCpus];
uint32_t cpu_count = 1;
SystemView system_view;  // every domain's record and run-time state, for the control and channel calls
uint64_t doorbells[kMaxChannels];
Span<const PhysRange> ram_ranges;
Span<const tables::ChannelRecord> channel_table;
uint32_t asid_count = 1;
uint64_t major_ticks = 0;
uint64_t run_end_ns = 0;     // 0: run forever
Span<const tables::IrqRoute> irq_routes;
Route route_state[kMaxRoutes];
uint16_t route_of_vector[x86::kMaxCpus][256];  // route index + 1 by (CPU, vector); 0: none
bool irq_of_inert_device[256];  // the IRQs of PCI devices that could not be set up: never unmasked
Madt madt;                   // read once, if the CPUs or the IRQ routes need it
bool madt_read = false;
volatile bool go = false;    // the bootstrap CPU's word to the APs: the schedule starts

[[noreturn]] void Refuse(StringView what) {
  Print("septum: cannot run: {}\n", what);
  x86::EndRun(x86::RunVerdict::kFailure);
}

void ConsoleLine(void*, StringView domain, StringView line) { Print("[{}] {}\n", domain, line); }
const ConsoleSink kConsole{&ConsoleLine, nullptr};

Cpu& ThisCpu() { return cpus[x86::CpuIndex()]; }

void ResetFpu(FpuState& s) {
  __builtin_memset(s.bytes, 0, sizeof(s.bytes));
  const uint16_t fcw = 0x37f;
  const uint32_t mxcsr = 0x1f80;
  __builtin_memcpy(s.bytes, &fcw, sizeof(fcw));
  __builtin_memcpy(s.bytes + 24, &mxcsr, sizeof(mxcsr));
}

void SaveFpu(FpuState& s) { asm volatile("fxsave64 %0" : "=m"(s.bytes) : : "memory"); }
void LoadFpu(const FpuState& s) { asm volatile("fxrstor64 %0" : : "m"(s.bytes) : "memory"); }

// The domain's TLB tag: an SVM ASID (shared round-robin when the CPU has fewer than domains:
// then every entry flushes), or a VMX VPID (one each).
uint32_t TagOf(size_t d) { return Backend() == VirtBackend::kSvm ? 1 + static_cast<uint32_t>(d % (asid_count - 1)) : static_cast<uint32_t>(d + 1); }
bool TagsShared() { return Backend() == VirtBackend::kSvm && domain_count > asid_count - 1; }

DomainStatus StatusNow(size_t d) { return __atomic_load_n(&runtime[d].status, __ATOMIC_RELAXED); }

// Whether a device IRQ waits for domain d: recorded, or already set as its virtual interrupt.
bool IrqWaiting(size_t d) { return runtime[d].irqs.Any() || VirtualInterruptPending(vcpus[d]); }

// SystemView::kick: an IPI to the CPU that runs `domain` or idles in its slot, if that is not
// this CPU (called with system_view.lock held).
void KickDomain(void*, uint32_t domain) {
  const uint32_t self = x86::CpuIndex();
  for (uint32_t c = 0; c < cpu_count; ++c) {
    const bool there = __atomic_load_n(&cpus[c].running, __ATOMIC_RELAXED) == domain ||
                       __atomic_load_n(&cpus[c].idle_in, __ATOMIC_RELAXED) == domain;
    if (c != self && there) x86::SendIpi(cpus[c].apic_id, x86::kKickVector);
  }
}

// Zeroes the domain's memory, loads its image and start block and resets its CPU state, on the
// CPU that has claimed it (or the bootstrap CPU before the schedule starts). It becomes
// runnable unless a controller stopped it meanwhile.
bool StartDomain(size_t d) {
  Domain& dom = domains[d];
  const DomainImage image{dom.record, dom.segments, dom.image, dom.start_block};
  const Result<LoadReport> loaded = LoadDomain(kMemory, paging::Format::kNpt, image, ram_ranges, channel_table);
  const StringView name = DomainName(*dom.record);
  if (!loaded.ok()) {
    Print("septum: domain `{}` cannot be loaded: {}; it stays stopped\n", name, loaded.status());
    const LockGuard guard(system_view.lock);
    runtime[d].status = DomainStatus::kStopped;
    return false;
  }
  Cpu& cpu = ThisCpu();
  InitGuest(vcpus[d], dom.regs, *dom.record, cpu.index);
  ResetFpu(fpu[d]);
  runtime[d].irqs.Clear();
  for (size_t i = 0; i < irq_routes.size(); ++i) {  // its device lines: open again, nothing pending
    if (route_state[i].active && irq_routes[i].owner == d && __atomic_exchange_n(&route_state[i].masked, false, __ATOMIC_ACQ_REL)) {
      x86::IoApicMask(route_state[i].gsi, false);
    }
  }
  if (cpu.on_fpu == d) cpu.on_fpu = kMaxDomains;  // the CPU holds the previous run's state: load the reset one
  {
    const LockGuard guard(system_view.lock);
    if (runtime[d].status == DomainStatus::kStarting) runtime[d].status = DomainStatus::kRunnable;
    runtime[d].waiting = 0;
    dom.gave_up = false;
  }
  Print("septum: domain `{}` started ({} bytes zeroed, {} loaded, entry {:#x})\n", name, loaded.value().zeroed,
        loaded.value().copied, dom.record->entry);
  return true;
}

void Contain(size_t d, const ExitEvent& event) {
  Domain& dom = domains[d];
  const StringView name = DomainName(*dom.record);
  const bool restart = dom.record->on_fault == tables::kRestart;
  {
    const x86::ConsoleGuard console;  // the fault's line in one piece
    runtime[d].lines.Flush(name, kConsole);
    DescribeFault(x86::SerialSink(), name, event, dom.regs);
    if (restart) {
      Print("septum: restarting domain `{}` (restart {})\n", name, runtime[d].restarts + 1);
    } else {
      Print("septum: domain `{}` stopped\n", name);
    }
  }
  {
    const LockGuard guard(system_view.lock);
    DomainRuntime& r = runtime[d];
    if (restart) {
      ++r.restarts;
      if (r.status == DomainStatus::kRunnable) r.status = DomainStatus::kStarting;
    } else {
      r.status = DomainStatus::kStopped;
      r.waiting = 0;
    }
  }
  if (restart && StatusNow(d) == DomainStatus::kStarting) StartDomain(d);
}

// Finds the boot module "image:NAME" of each domain and checks it against its record.
void BindImages(const BootInfo& boot, Span<const tables::SegmentRecord> segments, Span<const uint8_t> start_section,
                uint64_t start_section_phys) {
  for (size_t d = 0; d < domain_count; ++d) {
    Domain& dom = domains[d];
    const tables::DomainRecord& rec = *dom.record;
    const StringView name = DomainName(rec);
    const BootModule* module = nullptr;
    for (size_t i = 0; i < boot.module_count; ++i) {
      const StringView c = boot.modules[i].cmdline;
      if (c.StartsWith("image:") && c.Substr(6) == name) module = &boot.modules[i];
    }
    if (!module) {
      Print("septum: no boot module \"image:{}\" for domain `{}`\n", name, name);
      Refuse("a domain's image is missing");
    }
    dom.image = Span<const uint8_t>(reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(module->start)), module->end - module->start);
    if (dom.image.size() != rec.image_size || Sha256::Hash(dom.image) != *reinterpret_cast<const Sha256::Digest*>(rec.image_sha256)) {
      Print("septum: the image of domain `{}` ({} bytes) is not the one the tables were built with ({} bytes and their SHA-256)\n",
            name, dom.image.size(), rec.image_size);
      Refuse("an image does not match its tables");
    }
    if (uint64_t{rec.segment_first} + rec.segment_count > segments.size()) Refuse("a domain's segment list lies outside the blob");
    dom.segments = Span<const tables::SegmentRecord>(segments.data() + rec.segment_first, rec.segment_count);
    if (rec.start_pages) {
      const uint64_t offset = rec.start_block - start_section_phys;
      if (rec.start_block < start_section_phys || offset > start_section.size() ||
          rec.start_pages * paging::kPageSize > start_section.size() - offset) {
        Refuse("a domain's start block lies outside the start-state section");
      }
      dom.start_block = Span<const uint8_t>(start_section.data() + offset, rec.start_pages * paging::kPageSize);
    }
    dom.ctx = MakeDomainContext(rec, kMemory, paging::Format::kNpt);
  }
}

// Whether `range` is clear of every domain's memory (kBadState if it is not).
Status CheckLeafClear(void* context, const GuestLeaf& leaf) {
  const PhysRange& range = *static_cast<const PhysRange*>(context);
  return RangesOverlap(PhysRange{leaf.host, leaf.size}, range) ? Status::kBadState : Status::kOk;
}

Status ClearOfDomains(PhysRange range) {
  for (size_t d = 0; d < domain_count; ++d) {
    const Status s = ForEachLeaf(kMemory, paging::Format::kNpt, domains[d].record->npt_root, CheckLeafClear, &range);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

// The boot modules must lie outside every domain's memory: a restart reloads from them.
void CheckModulesClear(const BootInfo& boot) {
  for (size_t i = 0; i < boot.module_count; ++i) {
    const Status s = ClearOfDomains(PhysRange{boot.modules[i].start, boot.modules[i].end - boot.modules[i].start});
    if (s == Status::kBadState) {
      Print("septum: boot module \"{}\" lies in a domain's memory: the loader placed it there\n", boot.modules[i].cmdline);
      Refuse("boot modules overlap a domain's memory (give the kernel's modules room below the domains' memory)");
    }
    if (s != Status::kOk) Refuse("a domain's nested tables reach outside the first 4 GiB, which this kernel maps");
  }
}

// A page below 1 MiB for the APs' real-mode start: RAM, and no domain's, module's or the boot
// information's.
uint64_t TrampolinePage(const Machine& machine) {
  for (uint64_t page = 0x1000; page + paging::kPageSize <= kLowMemoryEnd; page += paging::kPageSize) {
    const PhysRange r{page, paging::kPageSize};
    bool taken = !Inside(r, machine.ram) || RangesOverlap(r, machine.boot_info);
    for (size_t i = 0; i < machine.boot->module_count && !taken; ++i) {
      const BootModule& m = machine.boot->modules[i];
      taken = RangesOverlap(r, PhysRange{m.start, m.end - m.start});
    }
    if (!taken && ClearOfDomains(r) == Status::kOk) return page;
  }
  Refuse("no free page of RAM below 1 MiB to start the other CPUs from");
}

void ZeroChannels() {
  for (const tables::ChannelRecord& c : channel_table) {
    const Result<uint8_t*> at = PhysAt(kMemory, c.host, c.size);
    if (!at.ok()) Refuse("a channel's memory lies outside the first 4 GiB");
    __builtin_memset(at.value(), 0, c.size);
  }
}

const char* StatusWord(DomainStatus s) {
  return s == DomainStatus::kStopped ? "stopped" : s == DomainStatus::kPaused ? "paused" : "runnable";
}

void PrintSummary() {
  for (uint32_t c = 0; c < cpu_count; ++c) {
    const Cpu& cpu = cpus[c];
    const x86::ConsoleGuard console;
    Print("septum: cpu {}: {} frames; slots run:", c, cpu.frames);
    for (size_t d = 0; d < domain_count; ++d) {
      if (cpu.slots_run[d]) Print(" {} {}", DomainName(*domains[d].record), cpu.slots_run[d]);
    }
    Print("; idle {}\n", cpu.idle_slots);
  }
  for (size_t i = 0; i < irq_routes.size(); ++i) {
    if (route_state[i].active) {
      Print("septum: irq {} -> `{}`: arrived {}, dropped {} while its owner was stopped\n", irq_routes[i].irq,
            DomainName(*domains[irq_routes[i].owner].record), route_state[i].arrived, route_state[i].dropped);
    }
  }
  for (size_t d = 0; d < domain_count; ++d) {
    const DomainRuntime& r = runtime[d];
    runtime[d].lines.Flush(DomainName(*domains[d].record), kConsole);
    Print("septum: domain `{}`: {}, exits {}, hypercalls {}, denied {}, failed {}, faults {}, restarts {}\n",
          DomainName(*domains[d].record), StatusWord(r.status), r.exits, r.calls.hypercalls, r.calls.denied, r.calls.failed,
          r.faults, r.restarts);
  }
}

// Runs domain d (claimed by `cpu`) until its slot (ending at `end_ns`) ends, it gives the slot
// up, waits, faults, or a controller stops or pauses it. The slot timer may fire during any
// exit (it is taken at STGI, whatever the exit's reason), so its flag is checked after every
// exit, not only after interrupt exits.
void RunSlot(Cpu& cpu, size_t d, const SlotPosition& pos, uint64_t end_ns) {
  Domain& dom = domains[d];
  HypercallEnvironment env;
  env.console = kConsole;
  env.clock = x86::Clock();
  env.slot_end_ns = end_ns;
  env.restarts = runtime[d].restarts;
  bool flush = TagsShared() || dom.last_cpu != cpu.index;
  dom.last_cpu = cpu.index;
  const uint64_t end_tsc = TscAt(env.clock, end_ns);
  for (;;) {
    uint32_t irq = 0;
    if (dom.owns_irqs && !VirtualInterruptPending(vcpus[d]) && runtime[d].irqs.TakeLowest(&irq)) {
      SetVirtualInterrupt(vcpus[d], static_cast<uint8_t>(hypercall::kGuestIrqVectorBase + irq));
    }
    const ExitEvent event = RunGuest(vcpus[d], dom.regs, cpu.index, flush, end_tsc);
    flush = TagsShared();
    env.tsc = x86::ReadTsc();
    const ExitAction action = Dispatch(event, dom.regs, dom.ctx, env, runtime[d], &system_view);
    switch (action) {
      case ExitAction::kHalt:
        dom.wakeable = (dom.regs.rflags & kRflagsIf) != 0;
        if (dom.wakeable && IrqWaiting(d)) break;  // an interrupt ends the HLT at once
        dom.gave_up = true;
        dom.gave_up_cpu = cpu.index;
        dom.given_up = pos;
        return;
      case ExitAction::kEndSlot:
        dom.gave_up = true;
        dom.wakeable = false;
        dom.gave_up_cpu = cpu.index;
        dom.given_up = pos;
        return;
      case ExitAction::kBlock:
        return;
      case ExitAction::kFault:
        Contain(d, event);
        return;
      default:
        break;
    }
    if (StatusNow(d) != DomainStatus::kRunnable) return;  // a controller stopped or paused it
    if (TimerFired(cpu) || (action == ExitAction::kTimer && x86::ReadTsc() >= end_tsc)) {
      const uint64_t now = x86::NowNs();
      if (now >= end_ns) return;
      ArmAt(cpu, end_ns, now);  // early: keep going
    }
  }
}

enum class SlotUse { kIdle, kRun, kLoad };

// Whether domain d gave up this slot instance of `cpu` and is not woken from its HLT by an IRQ.
bool GaveUpHere(Domain& dom, size_t d, const Cpu& cpu, const SlotPosition& pos) {
  if (!dom.gave_up || dom.gave_up_cpu != cpu.index || !SameSlot(dom.given_up, pos)) return false;
  if (dom.wakeable && IrqWaiting(d)) {
    dom.gave_up = false;
    return false;
  }
  return true;
}

// What `cpu` does now in its slot `pos`: run its domain, load it first (a controller started
// it), or idle. Claims the domain when it is to run.
SlotUse Decide(Cpu& cpu, const SlotPosition& pos, uint64_t now) {
  const uint32_t d = pos.domain;
  // The common case after a yield, without the lock: a domain only this CPU runs gave up this
  // slot (only this CPU writes those fields; what a controller does to it can wait for the slot).
  if (d < domain_count && domains[d].plans == 1 && !domains[d].wakeable && domains[d].gave_up && domains[d].gave_up_cpu == cpu.index &&
      SameSlot(domains[d].given_up, pos)) {
    __atomic_store_n(&cpu.idle_in, d, __ATOMIC_RELAXED);
    return SlotUse::kIdle;
  }
  const LockGuard guard(system_view.lock);
  __atomic_store_n(&cpu.idle_in, tables::kNoDomain, __ATOMIC_RELAXED);
  if (d >= domain_count) return SlotUse::kIdle;
  Domain& dom = domains[d];
  DomainRuntime& r = runtime[d];
  SlotUse use = SlotUse::kIdle;
  if (__atomic_load_n(&dom.cpu, __ATOMIC_ACQUIRE) != kNoCpu) {
    use = SlotUse::kIdle;  // it runs on another CPU now: one virtual CPU per domain
  } else if (r.status == DomainStatus::kStarting) {
    use = SlotUse::kLoad;
  } else if (r.status == DomainStatus::kRunnable && !GaveUpHere(dom, d, cpu, pos) && ResolveWait(r, system_view, now, dom.regs)) {
    use = SlotUse::kRun;
  }
  if (use == SlotUse::kIdle) {
    __atomic_store_n(&cpu.idle_in, d, __ATOMIC_RELAXED);
  } else {
    __atomic_store_n(&dom.cpu, cpu.index, __ATOMIC_RELAXED);
    __atomic_store_n(&cpu.running, d, __ATOMIC_RELAXED);
  }
  return use;
}

// Gives up the claim on domain d, without the lock: everything this CPU wrote of the domain is
// published by the release store before another CPU can claim it (Decide's acquire load); a
// kick that still finds `running` set is a harmless spurious IPI.
[[gnu::always_inline]] inline void Release(Cpu& cpu, size_t d) {
  if (domains[d].plans > 1) {  // it may run on another CPU next: leave its state in memory
    if (cpu.on_fpu == d) {
      SaveFpu(fpu[d]);
      cpu.on_fpu = kMaxDomains;
    }
    LeaveCpu(vcpus[d], cpu.index);
  }
  __atomic_store_n(&cpu.running, tables::kNoDomain, __ATOMIC_RELAXED);
  __atomic_store_n(&domains[d].cpu, kNoCpu, __ATOMIC_RELEASE);
}

// One CPU's plan, until the end of the run (forever without one). A CPU the schedule gives no
// plan idles.
void RunCpu(Cpu& cpu) {
  while (cpu.plan.empty()) {
    const uint64_t now = x86::NowNs();
    if (run_end_ns && now >= run_end_ns) return;
    ArmAt(cpu, run_end_ns ? run_end_ns : now + 1000000000, now);
    x86::WaitForInterrupt();
    TimerFired(cpu);
  }
  SlotPosition pos;  // pos.end == 0: no slot yet
  uint64_t end_ns = 0;
  bool slot_ran = false;
  for (;;) {
    uint64_t now = x86::NowNs();
    if (run_end_ns && now >= run_end_ns) break;
    if (now >= end_ns) {  // the next slot
      if (end_ns && !slot_ran) ++cpu.idle_slots;
      const SlotPosition next = Locate(cpu.plan, major_ticks, now / kNsPerTick);
      if (end_ns == 0 || next.frame != pos.frame) ++cpu.frames;
      pos = next;
      end_ns = pos.end * kNsPerTick;
      slot_ran = false;
    }
    const SlotUse use = Decide(cpu, pos, now);
    if (use == SlotUse::kIdle) {  // until the slot ends, the domain's wait ends, or a kick
      uint64_t wake = end_ns;
      if (pos.domain < domain_count && WaitDeadline(runtime[pos.domain]) < wake) wake = WaitDeadline(runtime[pos.domain]);
      if (run_end_ns && run_end_ns < wake) wake = run_end_ns;
      ArmAt(cpu, wake, now);  // after a yield: armed for the slot's end already
      x86::WaitForInterrupt();
      TimerFired(cpu);
      continue;
    }
    const size_t d = pos.domain;
    if (use == SlotUse::kLoad && !StartDomain(d)) {
      Release(cpu, d);
      continue;
    }
    if (cpu.on_fpu != d) {
      SaveFpu(cpu.on_fpu < kMaxDomains ? fpu[cpu.on_fpu] : cpu.host_fpu);
      LoadFpu(fpu[d]);
      cpu.on_fpu = d;
    }
    if (!slot_ran) ++cpu.slots_run[d];
    slot_ran = true;
    ArmAt(cpu, end_ns, x86::NowNs());
    RunSlot(cpu, d, pos, end_ns);
    Release(cpu, d);
  }
  if (!slot_ran && end_ns) ++cpu.idle_slots;
}

void PrepareCpu(uint32_t c) {
  if (!EnableVirtualization(c)) {
    Print("septum: cpu {}: VMXON failed\n", c);
    Refuse("hardware virtualization cannot be turned on");
  }
  x86::WriteCr4(x86::ReadCr4() | kCr4Osfxsr);  // FXSAVE/FXRSTOR cover the SSE registers
}

// An application processor, on its own stack (smp.cc): its local APIC, SVM, then its plan.
void ApMain(uint32_t c) {
  x86::ApicInitThisCpu();
  PrepareCpu(c);
  while (!go) __builtin_ia32_pause();
  RunCpu(cpus[c]);
  cpus[c].done = true;
  x86::HaltForever();
}

// The schedule section: every CPU's plan (how many CPUs the schedule needs).
void ReadSchedule(const BlobView& blob, uint32_t platform_cpus) {
  const Span<const uint8_t> sched = SectionBytes(blob, tables::SectionKind::kSchedule);
  if (sched.size() < sizeof(tables::ScheduleHeader)) Refuse("the tables have no schedule");
  const auto* header = reinterpret_cast<const tables::ScheduleHeader*>(sched.data());
  const auto* plans = reinterpret_cast<const tables::CpuPlan*>(sched.data() + sizeof(tables::ScheduleHeader));
  const auto* slots = reinterpret_cast<const tables::SlotRecord*>(plans + header->plan_count);
  if (sizeof(tables::ScheduleHeader) + header->plan_count * sizeof(tables::CpuPlan) + uint64_t{header->slot_count} * sizeof(tables::SlotRecord) !=
          sched.size() ||
      header->major_ticks == 0 || header->tick_ns != kNsPerTick) {
    Refuse("the schedule section is malformed");
  }
  major_ticks = header->major_ticks;
  cpu_count = 0;
  for (uint32_t i = 0; i < header->plan_count; ++i) {
    const tables::CpuPlan& p = plans[i];
    if (p.cpu >= platform_cpus || uint64_t{p.slot_first} + p.slot_count > header->slot_count || p.slot_count == 0) {
      Refuse("the schedule section is malformed");
    }
    if (p.cpu >= x86::kMaxCpus) Refuse("the schedule has a plan for a CPU beyond the 16 this kernel runs");
    cpus[p.cpu].plan = Span<const tables::SlotRecord>(slots + p.slot_first, p.slot_count);
    if (p.cpu + 1 > cpu_count) cpu_count = p.cpu + 1;
    bool named[kMaxDomains] = {};
    for (const tables::SlotRecord& s : cpus[p.cpu].plan) {
      if (s.domain < domain_count && !named[s.domain]) {
        named[s.domain] = true;
        ++domains[s.domain].plans;
      }
    }
  }
  if (cpus[0].plan.empty()) Refuse("the schedule has no plan for CPU 0");
}

void PrintPlan(const Cpu& cpu) {
  const x86::ConsoleGuard console;
  Print("septum: cpu {} (apic {}): plan", cpu.index, cpu.apic_id);
  for (const tables::SlotRecord& s : cpu.plan) {
    Print(" {} {} us", s.domain < domain_count ? DomainName(*domains[s.domain].record) : StringView("idle"), s.ticks * kNsPerTick / 1000);
  }
  Print("\n");
}

// The ACPI MADT, read on first use; `why` says what needs it if it cannot be read.
const Madt& MadtOf(const Machine& machine, StringView why) {
  if (madt_read) return madt;
  if (machine.boot->acpi_rsdp.empty()) {
    Print("septum: {}, but the loader passed no ACPI tables\n", why);
    Refuse("the machine's CPUs and interrupt controllers are unknown (no ACPI RSDP)");
  }
  const Status read = ReadMadt(kMemory, machine.boot->acpi_rsdp, &madt);
  if (read != Status::kOk) {
    Print("septum: {}, but the ACPI MADT cannot be read: {}\n", why, read);
    Refuse("the machine's CPUs and interrupt controllers are unknown (ACPI MADT unreadable)");
  }
  madt_read = true;
  return madt;
}

// Finds the other CPUs of the schedule in the ACPI MADT and starts them.
void StartOtherCpus(const Machine& machine) {
  cpus[0].apic_id = x86::LocalApicId();
  x86::RegisterCpu(0, cpus[0].apic_id);
  if (cpu_count == 1) return;
  const Madt& m = MadtOf(machine, "the schedule needs several CPUs");
  uint32_t apic_ids[x86::kMaxCpus] = {};
  const Status assigned = AssignCpus(m, cpus[0].apic_id, cpu_count, apic_ids);
  if (assigned != Status::kOk) {
    Print("septum: the schedule runs plans on {} CPUs; this machine has {} usable ones (ACPI MADT)\n", cpu_count, m.cpu_count);
    Refuse("too few CPUs for the schedule (boot it with as many CPUs as the policy's platform, e.g. QEMU -smp N)");
  }
  const uint64_t page = TrampolinePage(machine);
  for (uint32_t c = 1; c < cpu_count; ++c) {
    cpus[c].apic_id = apic_ids[c];
    x86::RegisterCpu(c, apic_ids[c]);
    if (!StartCpu(c, apic_ids[c], page, &ApMain)) {
      Print("septum: cpu {} (apic {}) did not start\n", c, apic_ids[c]);
      Refuse("a CPU of the schedule did not start");
    }
  }
}

// ---- Devices ----

constexpr uint32_t kPciCommand = 0x04, kPciHeader = 0x0c;
constexpr uint32_t kPciMaster = 1u << 2;

StringView OwnerName(uint32_t owner) {
  if (owner == tables::kKernelOwner) return "the kernel";
  if (owner < domain_count) return DomainName(*domains[owner].record);
  return "nobody";
}

StringView DeviceName(const tables::DeviceRecord& dev) {
  const char* name = reinterpret_cast<const char*>(dev.name);
  size_t size = 0;
  while (size < sizeof(dev.name) && name[size] != '\0') ++size;
  return StringView(name, size);
}

void PrintPci(uint32_t bdf) { Print("{:02x}:{:02x}.{}", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7); }

// Every PCI device of the device table is put into the state its record says (kernel/core/pci).
// One that is missing, or that does not fit its record (a BAR too big for its ranges, another
// IRQ than the policy's), is left switched off — its owner runs without it, everything else
// runs — and said so. Every other PCI device found on the buses loses bus mastering: no device
// masters memory.
void SetUpDevices(const BlobView& blob) {
  const Span<const tables::DeviceRecord> devices = SectionArray<tables::DeviceRecord>(blob, tables::SectionKind::kDevices);
  const Span<const tables::DeviceResource> resources = SectionArray<tables::DeviceResource>(blob, tables::SectionKind::kDeviceResources);
  const PciConfig pci = x86::PortPciConfig();
  for (const tables::DeviceRecord& dev : devices) {
    if (!(dev.flags & tables::kDevicePci)) continue;
    if (uint64_t{dev.resource_first} + dev.resource_count > resources.size()) Refuse("a device's resources lie outside the blob");
    const Span<const tables::DeviceResource> mine(resources.data() + dev.resource_first, dev.resource_count);
    const StringView name = DeviceName(dev);
    const x86::ConsoleGuard console;
    if (dev.owner >= domain_count) {  // nobody's (or the kernel's: it drives no PCI device): quiet
      pci.Write(dev.pci, kPciCommand, (pci.Read(dev.pci, kPciCommand) & 0xfff8) | (1u << 10));
      Print("septum: device `{}` (pci ", name);
      PrintPci(dev.pci);
      Print(") belongs to {}: decoding, bus mastering and INTx off\n", OwnerName(dev.owner));
      continue;
    }
    const PciSetup set = SetUpPciDevice(pci, dev, mine);
    Print("septum: device `{}` (pci ", name);
    PrintPci(dev.pci);
    if (set.status != Status::kOk) {  // fail closed for this device only: the other domains run
      for (const tables::DeviceResource& r : mine) {
        if (r.kind == tables::kResourceIrq && r.base < 256) irq_of_inert_device[r.base] = true;
      }
      if (set.status == Status::kNotFound) {
        Print(") is not on this machine: `{}` runs without it\n", OwnerName(dev.owner));
      } else {
        Print(", {:04x}:{:04x}, interrupt line {}) cannot be given to `{}`: {}; it stays switched off (no decoding, no bus "
              "mastering, its IRQ masked)\n",
              set.vendor, set.device_id, set.interrupt_line, OwnerName(dev.owner), set.problem);
      }
      continue;
    }
    Print(", {:04x}:{:04x}) given to `{}`:", set.vendor, set.device_id, OwnerName(dev.owner));
    for (uint32_t i = 0; i < kPciBars; ++i) {
      if (set.bars[i].present) Print(" BAR{} {} {:#x} ({} bytes);", i, set.bars[i].io ? "ports" : "memory", set.bars[i].base, set.bars[i].size);
    }
    if (set.interrupt_pin) Print(" INT{}# on IRQ {};", static_cast<char>('A' + set.interrupt_pin - 1), set.interrupt_line);
    Print(" bus mastering off (DMA isolation is not implemented yet)\n");
  }
  // The rest of the PCI buses: whatever the policy does not list may not master memory.
  uint32_t silenced = 0;
  for (uint32_t bdf = 0; bdf < 0x10000; ++bdf) {
    if ((bdf & 7) == 0 && (pci.Read(bdf, 0) & 0xffff) == 0xffff) {
      bdf += 7;  // no function 0: no device in this slot
      continue;
    }
    const uint32_t id = pci.Read(bdf, 0);
    if ((id & 0xffff) == 0xffff || ((pci.Read(bdf, kPciHeader) >> 16) & 0x7f) != 0) continue;
    bool listed = false;
    for (const tables::DeviceRecord& dev : devices) listed = listed || ((dev.flags & tables::kDevicePci) && dev.pci == bdf);
    const uint32_t command = pci.Read(bdf, kPciCommand);
    if (!listed && (command & kPciMaster)) {
      pci.Write(bdf, kPciCommand, command & 0xffff & ~kPciMaster);
      ++silenced;
    }
  }
  if (silenced) Print("septum: pci: bus mastering turned off on {} device(s) the policy does not list\n", silenced);
}

// ---- Device IRQs ----

// Called by the interrupt entry for a device IRQ's vector on the CPU it was routed to.
void OnDeviceIrq(uint32_t cpu, uint32_t vector) {
  if (cpu >= x86::kMaxCpus || vector > 0xff) return;
  const uint32_t slot = route_of_vector[cpu][vector];
  if (slot == 0) return;
  Route& st = route_state[slot - 1];
  const tables::IrqRoute& r = irq_routes[slot - 1];
  ++st.arrived;
  if (StatusNow(r.owner) == DomainStatus::kStopped) {  // nobody to deliver to: quiet the line until it starts
    ++st.dropped;
    __atomic_store_n(&st.masked, true, __ATOMIC_RELEASE);
    x86::IoApicMask(st.gsi, true);
    return;
  }
  runtime[r.owner].irqs.Add(r.irq);
  if (st.level) {  // it stays asserted until the owner has served the device: masked until irq_ack
    __atomic_store_n(&st.masked, true, __ATOMIC_RELEASE);
    x86::IoApicMask(st.gsi, true);
  }
}

// SystemView::ack: the owner has served the device behind route `route`.
void AckRoute(void*, uint32_t route) {
  if (route < irq_routes.size() && route_state[route].active && __atomic_exchange_n(&route_state[route].masked, false, __ATOMIC_ACQ_REL)) {
    x86::IoApicMask(route_state[route].gsi, false);
  }
}

// Programs an I/O APIC entry for every IRQ the tables route to a domain: the route's vector on
// the route's CPU, trigger and polarity from ACPI; masked until the owner starts. The kernel's
// own IRQs (its console's) stay masked: the console is polled.
void SetUpIrqs(const BlobView& blob, const Machine& machine) {
  irq_routes = SectionArray<tables::IrqRoute>(blob, tables::SectionKind::kIrqRoutes);
  if (irq_routes.size() > kMaxRoutes) Refuse("the tables route more IRQs than this kernel supports (256)");
  bool any = false;
  for (const tables::IrqRoute& r : irq_routes) any = any || r.owner < domain_count;
  if (!any) return;
  const Madt& m = MadtOf(machine, "the policy gives device IRQs to domains");
  for (size_t i = 0; i < m.ioapic_count; ++i) {
    if (!x86::IoApicAdd(m.ioapics[i].address, m.ioapics[i].gsi_base)) {
      Print("septum: the I/O APIC at {:#x} (ACPI MADT) does not answer\n", m.ioapics[i].address);
      Refuse("an interrupt controller of the machine does not answer");
    }
  }
  for (size_t i = 0; i < irq_routes.size(); ++i) {
    const tables::IrqRoute& r = irq_routes[i];
    if (r.owner >= domain_count) continue;
    if (r.irq < 256 && irq_of_inert_device[r.irq]) {
      Print("septum: irq {} of `{}` stays masked: its device is switched off\n", r.irq, OwnerName(r.owner));
      continue;
    }
    if (r.cpu >= cpu_count) {
      Print("septum: IRQ {} of `{}` is routed to CPU {}, which runs no plan and was not started\n", r.irq, OwnerName(r.owner), r.cpu);
      Refuse("an IRQ is routed to a CPU the schedule does not use");
    }
    if (r.vector < tables::kFirstIrqVector || r.vector > tables::kLastIrqVector || r.irq > hypercall::kMaxGuestIrq) {
      Refuse("an IRQ route has a vector or IRQ out of range");
    }
    const IrqLine line = ResolveIrq(m, r.irq);
    Route& st = route_state[i];
    st.active = true;
    st.level = line.level;
    st.gsi = line.gsi;
    st.masked = true;
    route_of_vector[r.cpu][r.vector] = static_cast<uint16_t>(i + 1);
    domains[r.owner].owns_irqs = true;
    if (!x86::IoApicRoute(line.gsi, static_cast<uint8_t>(r.vector), cpus[r.cpu].apic_id, line.level, line.active_low, /*masked=*/true)) {
      Print("septum: IRQ {} (GSI {}) has no I/O APIC input on this machine\n", r.irq, line.gsi);
      Refuse("an IRQ of the policy has no interrupt controller input");
    }
    Print("septum: irq {} (gsi {}, {}, active {}) -> `{}` on cpu {}, its vector {:#x}\n", r.irq, line.gsi, line.level ? "level" : "edge",
          line.active_low ? "low" : "high", OwnerName(r.owner), r.cpu, hypercall::kGuestIrqVectorBase + r.irq);
  }
  system_view.irq_routes = irq_routes;
  system_view.ack = &AckRoute;
  x86::SetIrqHandler(&OnDeviceIrq);
}

}  // namespace

void RunDomains(const BlobView& blob, const Machine& machine) {
  using tables::SectionKind;
  const char* problem = "";
  if (!SelectBackend(machine.caps.backend, &problem)) {
    Print("septum: the {} backend cannot run domains on this CPU: {}\n", BackendName(machine.caps.backend), problem);
    Refuse("the CPU's virtualization lacks what Septum needs");
  }
  if (Backend() == VirtBackend::kVmx) {
    const VmxControls& c = VmxControlsInUse();
    Print("septum: vmx: VMCS revision {:#x}; controls pin {:#x} proc {:#x} proc2 {:#x} exit {:#x} entry {:#x}; vpid {}\n", c.revision,
          c.pin, c.proc, c.proc2, c.exit, c.entry, c.vpid ? "yes" : "no");
  }
  const Span<const tables::DomainRecord> records = SectionArray<tables::DomainRecord>(blob, SectionKind::kDomains);
  if (records.size() > kMaxDomains) Refuse("the tables hold more domains than this kernel supports (64)");
  domain_count = records.size();
  asid_count = machine.caps.svm_asids > 1 ? machine.caps.svm_asids : 2;
  for (size_t d = 0; d < domain_count; ++d) {
    domains[d].record = &records[d];
    BindVcpu(vcpus[d], &vcpu_pages[d], TagOf(d));
  }
  ram_ranges = machine.ram;
  channel_table = SectionArray<tables::ChannelRecord>(blob, SectionKind::kChannels);
  system_view.records = records;
  system_view.runtime = Span<DomainRuntime>(runtime, domain_count);
  system_view.rights = SectionArray<tables::ControlRight>(blob, SectionKind::kRights);
  if (channel_table.size() > kMaxChannels) Refuse("the tables hold more channels than this kernel supports (256)");
  system_view.channels = channel_table;
  system_view.doorbells = Span<uint64_t>(doorbells, channel_table.size());
  system_view.kick = &KickDomain;
  const Span<const uint8_t> start_section = SectionBytes(blob, SectionKind::kStartState);
  BindImages(*machine.boot, SectionArray<tables::SegmentRecord>(blob, SectionKind::kSegments), start_section,
             blob.header->load_address + static_cast<uint64_t>(start_section.data() - blob.bytes.data()));
  CheckModulesClear(*machine.boot);
  const Span<const tables::SystemRecord> system = SectionArray<tables::SystemRecord>(blob, SectionKind::kSystem);
  ReadSchedule(blob, system.size() == 1 ? system[0].cpus : 1);
  for (uint32_t c = 0; c < x86::kMaxCpus; ++c) cpus[c].index = c;
  run_end_ns = machine.run_ns;

  const x86::ClockRates rates = x86::InterruptsInit();
  PrepareCpu(0);
  Print("septum: clock: TSC {} kHz, APIC timer {} kHz; major frame {} us\n", rates.tsc_hz / 1000, rates.apic_timer_hz / 1000,
        major_ticks * kNsPerTick / 1000);
  StartOtherCpus(machine);
  SetUpDevices(blob);
  SetUpIrqs(blob, machine);
  for (uint32_t c = 0; c < cpu_count; ++c) {
    if (!cpus[c].plan.empty()) PrintPlan(cpus[c]);
  }
  ZeroChannels();
  for (size_t d = 0; d < domain_count; ++d) {
    if (domains[d].record->boot) {
      runtime[d].status = DomainStatus::kStarting;
      StartDomain(d);
    }
  }

  x86::StartClock();
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  go = true;
  RunCpu(cpus[0]);
  cpus[0].done = true;
  for (uint32_t c = 1; c < cpu_count; ++c) {  // each leaves its plan within a slot of the end
    for (int waited_ms = 0; waited_ms < 2000 && !cpus[c].done; ++waited_ms) x86::DelayUs(1000);
    if (!cpus[c].done) Print("septum: cpu {} did not leave its plan at the end of the run\n", c);
  }
  PrintSummary();
  x86::EndRun(x86::RunVerdict::kSuccess);
}

}  // namespace septum
