// kernel/arch/x86/idt.cc — IDT setup and the exception panic.
#include "kernel/arch/x86/idt.h"

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/run_end.h"
#include "kernel/arch/x86/serial.h"
#include "kernel/lib/panic.h"

extern "C" const uint64_t septum_isr_table[32];  // isr.S
extern "C" uint64_t septum_boot_gdt[6];           // kernel/boot/entry.S
extern "C" const char septum_irq_stubs[];        // isr.S: 16-byte stubs for vectors 32..255

namespace septum::x86 {
namespace {

// 64-bit IDT gate descriptor, SDM Vol 3A §6.14.1 Figure 6-8.
struct IdtGate {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type_attributes;
  uint16_t offset_mid;
  uint32_t offset_high;
  uint32_t reserved;
};
static_assert(sizeof(IdtGate) == 16);

struct [[gnu::packed]] IdtPointer {
  uint16_t limit;
  uint64_t base;
};
static_assert(sizeof(IdtPointer) == 10);

constexpr uint16_t kKernelCodeSelector = 0x08;  // boot GDT in kernel/boot/entry.S
constexpr uint8_t kInterruptGatePresentDpl0 = 0x8e;

alignas(16) IdtGate idt[256];
alignas(16) uint8_t tss[104];  // a 64-bit TSS (SDM Vol 3A §8.7): all zero, never used

constexpr const char* kVectorNames[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available", "#DF double fault",
    "coprocessor segment overrun", "#TS invalid TSS", "#NP segment not present",
    "#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
    "#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
    "#VE virtualization exception", "#CP control protection", "reserved 22", "reserved 23",
    "reserved 24", "reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
    "#VC VMM communication", "#SX security exception", "reserved 31"};

}  // namespace

void IdtInit() {
  for (int v = 0; v < 256; ++v) {
    const uint64_t handler = v < 32 ? septum_isr_table[v] : reinterpret_cast<uint64_t>(septum_irq_stubs) + 16 * (v - 32);
    idt[v] = IdtGate{static_cast<uint16_t>(handler), kKernelCodeSelector, 0,
                     kInterruptGatePresentDpl0, static_cast<uint16_t>(handler >> 16),
                     static_cast<uint32_t>(handler >> 32), 0};
  }
  IdtLoad();
}

void TssInit() {
  // A 64-bit TSS descriptor, type 9 (available), present, limit 103 (SDM Vol 3A §8.2.3).
  const uint64_t base = reinterpret_cast<uint64_t>(tss);
  septum_boot_gdt[kTssSelector / 8] = (sizeof(tss) - 1) | (base & 0xffffff) << 16 | uint64_t{0x89} << 40 | ((base >> 24) & 0xff) << 56;
  septum_boot_gdt[kTssSelector / 8 + 1] = base >> 32;
}

uint64_t TssBase() { return reinterpret_cast<uint64_t>(tss); }

void IdtLoad() {
  const IdtPointer pointer{sizeof(idt) - 1, reinterpret_cast<uint64_t>(&idt[0])};
  asm volatile("lidt %0" ::"m"(pointer));
}

}  // namespace septum::x86

// Called by isr.S with the saved state; never returns.
extern "C" [[noreturn]] void septum_exception(septum::x86::ExceptionFrame* frame) {
  using septum::Print;
  const septum::x86::ConsoleGuard console(/*panicking=*/true);
  const uint64_t v = frame->vector;
  Print("\nCPU exception {} ({}) error={:#x} rip={:#018x} cs={:#x} rflags={:#x} rsp={:#018x}\n", v,
        v < 32 ? septum::x86::kVectorNames[v] : "?", frame->error_code, frame->rip, frame->cs,
        frame->rflags, frame->rsp);
  if (v == 14) Print("  cr2={:#018x}\n", septum::x86::ReadCr2());
  Print("  rax={:#x} rbx={:#x} rcx={:#x} rdx={:#x} rsi={:#x} rdi={:#x} rbp={:#x}\n", frame->rax,
        frame->rbx, frame->rcx, frame->rdx, frame->rsi, frame->rdi, frame->rbp);
  SEPTUM_PANIC("unexpected CPU exception in the kernel");
}
