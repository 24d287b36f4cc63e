// kernel/arch/x86/idt.h — the interrupt descriptor table: every CPU exception ends in a panic
// that names the vector, error code and faulting RIP (Intel SDM Vol 3A §6.14, AMD APM Vol 2 §8.2).
#ifndef SEPTUM_KERNEL_ARCH_X86_IDT_H_
#define SEPTUM_KERNEL_ARCH_X86_IDT_H_

#include <stdint.h>

namespace septum::x86 {

// Register state pushed by the stubs in isr.S, lowest address first.
struct ExceptionFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector;
  uint64_t error_code;  // 0 for vectors without one
  uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(ExceptionFrame) == 22 * 8, "must match isr.S");

// Loads an IDT whose vectors 0..31 lead to the exception panic and 32..255 to
// septum_interrupt (kernel/arch/x86/apic.cc).
void IdtInit();

// Loads the IDT IdtInit filled on this CPU (an application processor).
void IdtLoad();

// The task-state segment: VT-x needs a host TR selector and base (SDM Vol 3C §26.2.3). The
// kernel never switches privilege or uses an interrupt stack, so one zeroed TSS serves every
// CPU and is never loaded with LTR; TssInit writes its descriptor (GDT selector kTssSelector).
inline constexpr uint16_t kTssSelector = 0x20;
void TssInit();
uint64_t TssBase();

}  // namespace septum::x86

#endif  // SEPTUM_KERNEL_ARCH_X86_IDT_H_
