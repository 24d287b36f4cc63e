// kernel/boot/smp.cc — see smp.h.
#include "kernel/boot/smp.h"

#include "kernel/arch/x86/apic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/serial.h"
#include "kernel/boot/images.h"
#include "kernel/core/acpi.h"
#include "kernel/lib/panic.h"

extern "C" {
extern const char septum_ap_trampoline[];      // entry.S
extern const char septum_ap_trampoline_end[];
uint64_t septum_ap_stack_top = 0;              // read by entry.S's ap_entry64
}

namespace septum {
namespace {

constexpr uint64_t kApStackBytes = 32 * 1024;
constexpr uint64_t kLowMemoryEnd = 0xa0000;  // conventional memory: where an AP's real-mode start can be
alignas(16) uint8_t ap_stacks[x86::kMaxCpus][kApStackBytes];

volatile uint32_t starting_cpu = 0;  // the AP being started
volatile bool called_in = false;     // set by it once it runs C++ on its stack
ApMain ap_main = nullptr;

// A page below 1 MiB for the APs' real-mode start: RAM, and no domain's, module's or the boot
// information's.
uint64_t TrampolinePage(const Machine& machine, Span<const Domain> domains) {
  for (uint64_t page = 0x1000; page + paging::kPageSize <= kLowMemoryEnd; page += paging::kPageSize) {
    const PhysRange r{page, paging::kPageSize};
    bool taken = !Inside(r, machine.ram) || RangesOverlap(r, machine.boot_info);
    for (size_t i = 0; i < machine.boot->module_count && !taken; ++i) {
      const BootModule& m = machine.boot->modules[i];
      taken = RangesOverlap(r, PhysRange{m.start, m.end - m.start});
    }
    if (!taken && ClearOfDomains(domains, r) == Status::kOk) return page;
  }
  Refuse("no free page of RAM below 1 MiB to start the other CPUs from");
}

}  // namespace

uint64_t TrampolineBytes() { return static_cast<uint64_t>(septum_ap_trampoline_end - septum_ap_trampoline); }

Status StartCpu(uint32_t cpu, uint32_t apic_id, uint64_t trampoline_page, ApMain main) {
  SEPTUM_ASSERT(cpu > 0 && cpu < x86::kMaxCpus && trampoline_page % 4096 == 0 && trampoline_page < 0x100000);
  __builtin_memcpy(reinterpret_cast<void*>(static_cast<uintptr_t>(trampoline_page)), septum_ap_trampoline, TrampolineBytes());
  ap_main = main;
  starting_cpu = cpu;
  called_in = false;
  septum_ap_stack_top = reinterpret_cast<uint64_t>(&ap_stacks[cpu][kApStackBytes]);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  x86::SendInit(apic_id);
  x86::DelayUs(10000);
  const auto page = static_cast<uint8_t>(trampoline_page >> 12);
  for (int attempt = 0; attempt < 2 && !called_in; ++attempt) {
    x86::SendStartup(apic_id, page);
    x86::DelayUs(200);
  }
  for (int waited_ms = 0; waited_ms < 200 && !called_in; ++waited_ms) x86::DelayUs(1000);
  return called_in ? Status::kOk : Status::kTimeout;
}

void StartOtherCpus(const Machine& machine, Span<const Domain> domains, uint32_t cpu_count, uint32_t* apic_ids, ApMain main) {
  apic_ids[0] = x86::LocalApicId();
  x86::RegisterCpu(0, apic_ids[0]);
  if (cpu_count == 1) return;
  const Madt& m = MadtOf(machine, "the schedule needs several CPUs");
  if (AssignCpus(m, apic_ids[0], cpu_count, apic_ids) != Status::kOk) {
    Print("septum: the schedule runs plans on {} CPUs; this machine has {} usable ones (ACPI MADT)\n", cpu_count, m.cpu_count);
    Refuse("too few CPUs for the schedule (boot it with as many CPUs as the policy's platform, e.g. QEMU -smp N)");
  }
  const uint64_t page = TrampolinePage(machine, domains);
  for (uint32_t c = 1; c < cpu_count; ++c) {
    x86::RegisterCpu(c, apic_ids[c]);
    if (StartCpu(c, apic_ids[c], page, main) != Status::kOk) {
      Print("septum: cpu {} (apic {}) did not start\n", c, apic_ids[c]);
      Refuse("a CPU of the schedule did not start");
    }
  }
}

}  // namespace septum

// entry.S's ap_entry64 calls this on the AP's own stack, in long mode, interrupts off.
extern "C" [[noreturn]] void ApEntry() {
  using namespace septum;
  x86::IdtLoad();
  const uint32_t cpu = starting_cpu;
  called_in = true;
  ap_main(cpu);
  x86::HaltForever();
}
