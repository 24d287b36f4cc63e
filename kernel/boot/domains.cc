// kernel/boot/domains.cc — see domains.h.
//
// One CPU (CPU 0) runs its plan from the tables: at each slot it arms the APIC timer for the
// slot's end and enters the slot's domain, if it is runnable and has not given the slot up;
// otherwise the CPU idles until the slot ends — time is never handed to another domain. Every
// exit goes to kernel/core's Dispatch; a fault is logged in one line and the domain is stopped
// or restarted (memory zeroed, image and start block loaded again) as its record says.
#include "kernel/boot/domains.h"

#include "kernel/abi/hypercall.h"
#include "kernel/arch/x86/apic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/run_end.h"
#include "kernel/arch/x86/serial.h"
#include "kernel/arch/x86/svm/svm.h"
#include "kernel/core/channel.h"
#include "kernel/core/control.h"
#include "kernel/core/dispatch.h"
#include "kernel/core/domain_load.h"
#include "kernel/lib/sha256.h"

namespace septum {
namespace {

constexpr size_t kMaxDomains = 64;
constexpr size_t kMaxChannels = 256;
constexpr uint64_t kNsPerTick = tables::kTickNs;
constexpr uint64_t kCr4Osfxsr = 1u << 9;
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
};

Domain domains[kMaxDomains];
DomainRuntime runtime[kMaxDomains];
x86::svm::Vmcb vmcbs[kMaxDomains];
FpuState fpu[kMaxDomains];
FpuState host_fpu;
size_t domain_count = 0;
size_t on_fpu = kMaxDomains;  // whose x87/SSE state the CPU holds (kMaxDomains: nobody's)
SystemView system_view;  // every domain's record and run-time state, for the control and channel calls
uint64_t doorbells[kMaxChannels];
Span<const PhysRange> ram_ranges;
Span<const tables::ChannelRecord> channel_table;
uint32_t asid_count = 1;

[[noreturn]] void Refuse(StringView what) {
  Print("septum: cannot run: {}\n", what);
  x86::EndRun(x86::RunVerdict::kFailure);
}

void ConsoleLine(void*, StringView domain, StringView line) { Print("[{}] {}\n", domain, line); }
const ConsoleSink kConsole{&ConsoleLine, nullptr};

void ResetFpu(FpuState& s) {
  __builtin_memset(s.bytes, 0, sizeof(s.bytes));
  const uint16_t fcw = 0x37f;
  const uint32_t mxcsr = 0x1f80;
  __builtin_memcpy(s.bytes, &fcw, sizeof(fcw));
  __builtin_memcpy(s.bytes + 24, &mxcsr, sizeof(mxcsr));
}

void SwitchFpu(FpuState& from, FpuState& to) {
  asm volatile("fxsave64 %0" : "=m"(from.bytes) : : "memory");
  asm volatile("fxrstor64 %0" : : "m"(to.bytes) : "memory");
}

uint32_t AsidOf(size_t d) { return 1 + static_cast<uint32_t>(d % (asid_count - 1)); }
bool AsidsShared() { return domain_count > asid_count - 1; }

// Zeroes the domain's memory, loads its image and start block and resets its CPU state.
bool StartDomain(size_t d) {
  Domain& dom = domains[d];
  const DomainImage image{dom.record, dom.segments, dom.image, dom.start_block};
  const Result<LoadReport> loaded = LoadDomain(kMemory, paging::Format::kNpt, image, ram_ranges, channel_table);
  const StringView name = DomainName(*dom.record);
  if (!loaded.ok()) {
    Print("septum: domain `{}` cannot be loaded: {}; it stays stopped\n", name, loaded.status());
    runtime[d].status = DomainStatus::kStopped;
    return false;
  }
  x86::svm::InitGuest(vmcbs[d], dom.regs, *dom.record, AsidOf(d), /*flush_tlb=*/true);
  ResetFpu(fpu[d]);
  if (on_fpu == d) on_fpu = kMaxDomains;  // the CPU holds the previous run's state: load the reset one
  runtime[d].status = DomainStatus::kRunnable;
  runtime[d].gave_up_slot = false;
  runtime[d].waiting = 0;
  Print("septum: domain `{}` started ({} bytes zeroed, {} loaded, entry {:#x})\n", name, loaded.value().zeroed,
        loaded.value().copied, dom.record->entry);
  return true;
}

void Contain(size_t d, const ExitEvent& event) {
  Domain& dom = domains[d];
  const StringView name = DomainName(*dom.record);
  runtime[d].lines.Flush(name, kConsole);
  DescribeFault(x86::SerialSink(), name, event, dom.regs);
  if (dom.record->on_fault == tables::kRestart) {
    ++runtime[d].restarts;
    Print("septum: restarting domain `{}` (restart {})\n", name, runtime[d].restarts);
    StartDomain(d);
  } else {
    runtime[d].status = DomainStatus::kStopped;
    Print("septum: domain `{}` stopped\n", name);
  }
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

// The boot modules must lie outside every domain's memory: a restart reloads from them.
Status CheckLeafClearOfModules(void* context, const GuestLeaf& leaf) {
  const BootInfo& boot = *static_cast<const BootInfo*>(context);
  for (size_t i = 0; i < boot.module_count; ++i) {
    const PhysRange m{boot.modules[i].start, boot.modules[i].end - boot.modules[i].start};
    if (RangesOverlap(PhysRange{leaf.host, leaf.size}, m)) return Status::kBadState;
  }
  return Status::kOk;
}

void CheckModulesClear(const BootInfo& boot) {
  for (size_t d = 0; d < domain_count; ++d) {
    const Status s = ForEachLeaf(kMemory, paging::Format::kNpt, domains[d].record->npt_root, CheckLeafClearOfModules,
                                 const_cast<BootInfo*>(&boot));
    if (s == Status::kBadState) {
      Print("septum: a boot module lies in the memory of domain `{}`: the loader placed it there\n", DomainName(*domains[d].record));
      Refuse("boot modules overlap a domain's memory (give the kernel's modules room below the domains' memory)");
    }
    if (s != Status::kOk) Refuse("a domain's nested tables reach outside the first 4 GiB, which this kernel maps");
  }
}

void ZeroChannels() {
  for (const tables::ChannelRecord& c : channel_table) {
    const Result<uint8_t*> at = PhysAt(kMemory, c.host, c.size);
    if (!at.ok()) Refuse("a channel's memory lies outside the first 4 GiB");
    __builtin_memset(at.value(), 0, c.size);
  }
}

// Loads the domains a control domain asked to start (DomainStatus::kStarting).
void StartRequested() {
  system_view.pending_starts = 0;
  for (size_t d = 0; d < domain_count; ++d) {
    if (runtime[d].status == DomainStatus::kStarting) StartDomain(d);
  }
}

void PrintSummary() {
  for (size_t d = 0; d < domain_count; ++d) {
    const DomainRuntime& r = runtime[d];
    runtime[d].lines.Flush(DomainName(*domains[d].record), kConsole);
    Print("septum: domain `{}`: {}, exits {}, hypercalls {}, denied {}, failed {}, faults {}, restarts {}\n",
          DomainName(*domains[d].record),
          r.status == DomainStatus::kStopped ? "stopped" : r.status == DomainStatus::kPaused ? "paused" : "runnable", r.exits,
          r.calls.hypercalls,
          r.calls.denied, r.calls.failed, r.faults, r.restarts);
  }
}

// Runs domain d until its slot (ending at `end_ns`) ends, it gives the slot up, or it faults.
// The slot timer may fire during any exit (it is taken at STGI, whatever the exit's reason), so
// its flag is checked after every exit, not only after interrupt exits.
void RunSlot(size_t d, const SlotPosition& pos, uint64_t end_ns) {
  Domain& dom = domains[d];
  HypercallEnvironment env;
  env.console = kConsole;
  env.clock = x86::Clock();
  env.slot_end_ns = end_ns;
  env.restarts = runtime[d].restarts;
  const bool flush = AsidsShared();
  for (;;) {
    if (flush) vmcbs[d].Set<uint8_t>(x86::svm::kTlbControl, x86::svm::kTlbFlushAll);
    const ExitEvent event = x86::svm::Run(vmcbs[d], dom.regs);
    env.tsc = x86::ReadTsc();
    const ExitAction action = Dispatch(event, dom.regs, dom.ctx, env, runtime[d], &system_view);
    x86::svm::StoreRegs(vmcbs[d], dom.regs);
    if (action == ExitAction::kEndSlot) {
      runtime[d].gave_up_slot = true;
      runtime[d].given_up = pos;
      return;
    }
    if (action == ExitAction::kFault) {
      Contain(d, event);
      return;
    }
    if (x86::TakeTimerFired()) {
      const uint64_t now = x86::NowNs();
      if (now >= end_ns) return;
      x86::ArmTimer(end_ns - now);  // early: keep going
    }
  }
}

}  // namespace

void RunDomains(const BlobView& blob, const BootInfo& boot, Span<const PhysRange> ram, const VirtCaps& caps, uint64_t run_ns) {
  using tables::SectionKind;
  if (caps.backend != VirtBackend::kSvm) {
    Refuse("running domains needs the AMD-V backend in this version; the VT-x backend is not implemented yet");
  }
  const Span<const tables::DomainRecord> records = SectionArray<tables::DomainRecord>(blob, SectionKind::kDomains);
  if (records.size() > kMaxDomains) Refuse("the tables hold more domains than this kernel supports (64)");
  domain_count = records.size();
  for (size_t d = 0; d < domain_count; ++d) domains[d].record = &records[d];
  ram_ranges = ram;
  channel_table = SectionArray<tables::ChannelRecord>(blob, SectionKind::kChannels);
  system_view.records = records;
  system_view.runtime = Span<DomainRuntime>(runtime, domain_count);
  system_view.rights = SectionArray<tables::ControlRight>(blob, SectionKind::kRights);
  if (channel_table.size() > kMaxChannels) Refuse("the tables hold more channels than this kernel supports (256)");
  system_view.channels = channel_table;
  system_view.doorbells = Span<uint64_t>(doorbells, channel_table.size());
  const Span<const uint8_t> start_section = SectionBytes(blob, SectionKind::kStartState);
  BindImages(boot, SectionArray<tables::SegmentRecord>(blob, SectionKind::kSegments), start_section,
             blob.header->load_address + static_cast<uint64_t>(start_section.data() - blob.bytes.data()));
  CheckModulesClear(boot);

  // The schedule: CPU 0's plan (one CPU in this version).
  const Span<const uint8_t> sched = SectionBytes(blob, SectionKind::kSchedule);
  if (sched.size() < sizeof(tables::ScheduleHeader)) Refuse("the tables have no schedule");
  const auto* header = reinterpret_cast<const tables::ScheduleHeader*>(sched.data());
  const auto* plans = reinterpret_cast<const tables::CpuPlan*>(sched.data() + sizeof(tables::ScheduleHeader));
  const auto* slots = reinterpret_cast<const tables::SlotRecord*>(plans + header->plan_count);
  if (sizeof(tables::ScheduleHeader) + header->plan_count * sizeof(tables::CpuPlan) + uint64_t{header->slot_count} * sizeof(tables::SlotRecord) !=
          sched.size() ||
      header->major_ticks == 0 || header->tick_ns != kNsPerTick) {
    Refuse("the schedule section is malformed");
  }
  Span<const tables::SlotRecord> plan;
  for (uint32_t i = 0; i < header->plan_count; ++i) {
    if (plans[i].cpu == 0 && uint64_t{plans[i].slot_first} + plans[i].slot_count <= header->slot_count) {
      plan = Span<const tables::SlotRecord>(slots + plans[i].slot_first, plans[i].slot_count);
    } else if (plans[i].cpu != 0) {
      Print("septum: the plan of CPU {} is not run: this version runs CPU 0 only (SMP is not implemented yet)\n", plans[i].cpu);
    }
  }
  if (plan.empty()) Refuse("the schedule has no plan for CPU 0");

  asid_count = caps.svm_asids > 1 ? caps.svm_asids : 2;
  x86::svm::Enable();
  x86::WriteCr4(x86::ReadCr4() | kCr4Osfxsr);  // FXSAVE/FXRSTOR cover the SSE registers
  const x86::ClockRates rates = x86::InterruptsInit();
  Print("septum: clock: TSC {} kHz, APIC timer {} kHz; major frame {} us\n", rates.tsc_hz / 1000, rates.apic_timer_hz / 1000,
        header->major_ticks);
  ZeroChannels();
  for (size_t d = 0; d < domain_count; ++d) {
    if (domains[d].record->boot) StartDomain(d);
  }

  x86::StartClock();
  SlotPosition pos;  // pos.end == 0: no slot yet
  uint64_t end_ns = 0;
  for (;;) {
    uint64_t now = x86::NowNs();
    if (run_ns && now >= run_ns) break;
    if (now >= end_ns) {  // the next slot: find it and arm the timer for its end
      pos = Locate(plan, header->major_ticks, now / kNsPerTick);
      end_ns = pos.end * kNsPerTick;
      x86::ArmTimer(end_ns - now);
    } else if (x86::TakeTimerFired()) {  // the slot's timer fired early: arm it again
      x86::ArmTimer(end_ns - now);
    }
    const size_t d = pos.domain;
    const bool runnable = d < domain_count && runtime[d].status == DomainStatus::kRunnable &&
                          !(runtime[d].gave_up_slot && SameSlot(runtime[d].given_up, pos)) &&
                          ResolveWait(runtime[d], system_view, now, domains[d].regs);
    if (!runnable) {  // idle until the slot ends: the timer is armed for its end
      do {
        x86::WaitForInterrupt();
        x86::TakeTimerFired();
        now = x86::NowNs();
        if (now < end_ns) x86::ArmTimer(end_ns - now);
      } while (now < end_ns);
      continue;
    }
    if (on_fpu != d) {
      SwitchFpu(on_fpu < kMaxDomains ? fpu[on_fpu] : host_fpu, fpu[d]);
      on_fpu = d;
    }
    RunSlot(d, pos, end_ns);
    if (system_view.pending_starts) StartRequested();
  }
  PrintSummary();
  x86::EndRun(x86::RunVerdict::kSuccess);
}

}  // namespace septum
