// kernel/boot/smp.cc — see smp.h.
#include "kernel/boot/smp.h"

#include "kernel/arch/x86/apic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/lib/panic.h"

extern "C" {
extern const char septum_ap_trampoline[];      // entry.S
extern const char septum_ap_trampoline_end[];
uint64_t septum_ap_stack_top = 0;              // read by entry.S's ap_entry64
}

namespace septum {
namespace {

constexpr uint64_t kApStackBytes = 32 * 1024;
alignas(16) uint8_t ap_stacks[x86::kMaxCpus][kApStackBytes];

volatile uint32_t starting_cpu = 0;  // the AP being started
volatile bool called_in = false;     // set by it once it runs C++ on its stack
ApMain ap_main = nullptr;

}  // namespace

uint64_t TrampolineBytes() { return static_cast<uint64_t>(septum_ap_trampoline_end - septum_ap_trampoline); }

bool StartCpu(uint32_t cpu, uint32_t apic_id, uint64_t trampoline_page, ApMain main) {
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
  return called_in;
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
