// tools/sdk/guest.h — the guest SDK: everything a PV guest of Septum is given to run on. A PV
// domain's entry (entry.S sets up a stack and calls GuestMain with the start info), the
// hypercall wrappers of kernel/abi/hypercall.h, a formatted Print to the kernel console, the
// guest's own GDT and IDT for device interrupts, port I/O, UART line setup and helpers over the
// guest's own page tables.
//
// A guest is freestanding C++ built with the kernel's flags and linked at guest-physical
// 0x200000 (guest.ld; pv_guest in pv_guest.bzl does both): a domain running one needs memory
// there. README.md in this folder is the guide, with a complete example (example/hello.cc).
#ifndef SEPTUM_TOOLS_SDK_GUEST_H_
#define SEPTUM_TOOLS_SDK_GUEST_H_

#include <stdint.h>

#include "kernel/abi/hypercall.h"
#include "kernel/abi/start_info.h"
#include "kernel/lib/format.h"

// Written by each guest: runs after the runtime is set up; returning stops the guest (it then
// yields forever).
void GuestMain(const septum::start::StartInfo& start);

namespace septum::guest {

struct CallResult {
  Status status;
  uint64_t value;
};

// One hypercall: VMMCALL on AMD, VMCALL on Intel (picked once from the CPU vendor).
CallResult Hypercall(hypercall::Number number, uint64_t arg0 = 0, uint64_t arg1 = 0, uint64_t arg2 = 0);

inline Status ConsoleWrite(const void* buffer, uint64_t length) {
  return Hypercall(hypercall::Number::kConsoleWrite, reinterpret_cast<uintptr_t>(buffer), length).status;
}
inline Status Yield() { return Hypercall(hypercall::Number::kYield).status; }

// The console as a Sink: bytes are gathered and sent a line at a time.
Sink Console();

template <typename... Args>
void Print(StringView format, const Args&... args) {
  Format(Console(), format, args...);
}

// Device interrupts (kernel/abi/hypercall.h: the IRQ n of a device the domain owns arrives as
// vector kGuestIrqVectorBase + n). InstallInterruptHandler loads the guest's own GDT (64-bit
// code 0x08 and data 0x10, the selectors it already runs with) and IDT — the kernel starts a PV
// guest with neither — and makes `vector` call `handler` (with interrupts off, as an interrupt
// gate); any other vector has no gate, so it would fault. The guest has one handler: every
// vector installed calls the one given last. Interrupts stay off until EnableInterrupts.
void InstallInterruptHandler(uint8_t vector, void (*handler)());
inline void EnableInterrupts() { asm volatile("sti" ::: "memory"); }
inline void DisableInterrupts() { asm volatile("cli" ::: "memory"); }
// HLT with interrupts on: sleeps until a device interrupt (or the domain's next slot).
inline void WaitForInterrupt() { asm volatile("sti; hlt" ::: "memory"); }

// Port I/O on a device the domain owns (its ports pass straight through: no exit).
inline void Outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline uint8_t Inb(uint16_t port) {
  uint8_t v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

// Sets up the 16550 UART at `base` as any driver would: its interrupts off, 8 data bits, no
// parity, 1 stop bit, 115200 baud (divisor 1).
void UartLineInit(uint16_t base);

// A DomainState (domain_query) in words: "stopped", "running", "paused".
const char* DomainStateName(uint32_t state);

// The domain's name from its start info.
StringView Name(const start::StartInfo& start);

[[noreturn]] void YieldForever();

// The guest's own leaf page-table entry for virtual address `va` (4 KiB or 2 MiB leaf), or
// null; an attack guest edits its own tables with it (the nested tables stay in force).
uint64_t* LeafEntry(uint64_t va);
// Maps the 2 MiB around `va` identity in the guest's own tables (PD entry, read-write-exec)
// when nothing maps it yet, adding missing directory levels from a few spare pages of its own;
// returns false if something maps it already or the spares are used up.
bool MapLarge(uint64_t va);

}  // namespace septum::guest

#endif  // SEPTUM_TOOLS_SDK_GUEST_H_
