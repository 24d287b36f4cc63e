// tools/sdk/guest.cc — the guest SDK's runtime: see guest.h and README.md.
#include "tools/sdk/guest.h"

#include "kernel/abi/paging.h"
#include "kernel/lib/panic.h"

extern "C" void septum_guest_interrupt_stub();  // entry.S

namespace septum {
namespace guest {
namespace {

bool use_vmcall = false;  // Intel: VMCALL; AMD: VMMCALL

char line[256];
size_t line_size = 0;

void Flush() {
  if (line_size) (void)ConsoleWrite(line, line_size);  // a domain denied the console has nowhere to say so
  line_size = 0;
}

void WriteConsole(void*, const char* data, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    line[line_size++] = data[i];
    if (data[i] == '\n' || line_size == sizeof(line)) Flush();
  }
}

struct IdtGate {
  uint16_t offset_low, selector;
  uint8_t ist, type;
  uint16_t offset_mid;
  uint32_t offset_high, reserved;
};
static_assert(sizeof(IdtGate) == 16);
struct [[gnu::packed]] TablePointer {
  uint16_t limit;
  uint64_t base;
};

alignas(16) const uint64_t kGdt[3] = {0, 0x00af9a000000ffff, 0x00cf92000000ffff};  // null, code64, data
alignas(16) IdtGate idt[256];
void (*interrupt_handler)() = nullptr;

uint64_t ReadCr3() {
  uint64_t v;
  asm volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}

}  // namespace

CallResult Hypercall(hypercall::Number number, uint64_t arg0, uint64_t arg1, uint64_t arg2) {
  uint64_t rax = static_cast<uint64_t>(number), rdx = arg2;
  if (use_vmcall) {
    asm volatile("vmcall" : "+a"(rax), "+d"(rdx) : "D"(arg0), "S"(arg1) : "memory");
  } else {
    asm volatile("vmmcall" : "+a"(rax), "+d"(rdx) : "D"(arg0), "S"(arg1) : "memory");
  }
  return CallResult{static_cast<Status>(rax), rdx};
}

Sink Console() { return Sink(&WriteConsole, nullptr); }

void UartLineInit(uint16_t base) {
  Outb(base + 1, 0);     // interrupt enable: none
  Outb(base + 3, 0x83);  // line control: 8N1, divisor latch on
  Outb(base, 1);         // divisor 1: 115200 baud
  Outb(base + 1, 0);
  Outb(base + 3, 0x03);  // divisor latch off
}

const char* DomainStateName(uint32_t state) {
  switch (static_cast<hypercall::DomainState>(state)) {
    case hypercall::DomainState::kStopped: return "stopped";
    case hypercall::DomainState::kRunning: return "running";
    case hypercall::DomainState::kPaused: return "paused";
  }
  return "?";
}

StringView Name(const start::StartInfo& start) {
  size_t n = 0;
  while (n < sizeof(start.name) && start.name[n]) ++n;
  return StringView(reinterpret_cast<const char*>(start.name), n);
}

void YieldForever() {
  Flush();
  for (;;) (void)Yield();  // denied: it spins instead
}

uint64_t* LeafEntry(uint64_t va) {
  uint64_t table = ReadCr3() & paging::kAddressMask;
  for (unsigned level = paging::kLevels; level > 0; --level) {
    auto* entry = reinterpret_cast<uint64_t*>(table) + paging::IndexAt(va, level);
    if (!(*entry & paging::npt::kPresent)) return nullptr;
    if (level == 1 || (*entry & paging::npt::kLarge)) return entry;
    table = *entry & paging::kAddressMask;
  }
  return nullptr;
}

// Page-table pages for MapLarge's missing levels (identity-mapped like the rest of the image).
alignas(4096) uint64_t spare_tables[4][512];
int spare_used = 0;

bool MapLarge(uint64_t va) {
  const uint64_t base = va & ~(paging::kLargePageSize - 1);
  uint64_t table = ReadCr3() & paging::kAddressMask;
  for (unsigned level = paging::kLevels; level > 2; --level) {
    uint64_t& entry = reinterpret_cast<uint64_t*>(table)[paging::IndexAt(base, level)];
    if (entry & paging::npt::kLarge) return false;
    if (!(entry & paging::npt::kPresent)) {  // no table for it yet: take a spare page
      if (spare_used == 4) return false;
      entry = reinterpret_cast<uint64_t>(spare_tables[spare_used++]) | paging::npt::kPresent | paging::npt::kWritable | paging::npt::kUser;
    }
    table = entry & paging::kAddressMask;
  }
  uint64_t& pd = reinterpret_cast<uint64_t*>(table)[paging::IndexAt(base, 2)];
  if (pd & paging::npt::kPresent) return false;
  pd = base | paging::npt::kPresent | paging::npt::kWritable | paging::npt::kUser | paging::npt::kLarge;
  asm volatile("invlpg (%0)" ::"r"(base) : "memory");
  return true;
}

void InstallInterruptHandler(uint8_t vector, void (*handler)()) {
  interrupt_handler = handler;
  const TablePointer gdt{sizeof(kGdt) - 1, reinterpret_cast<uint64_t>(kGdt)};
  asm volatile("lgdt %0" ::"m"(gdt));
  const uint64_t stub = reinterpret_cast<uint64_t>(&septum_guest_interrupt_stub);
  idt[vector] = IdtGate{static_cast<uint16_t>(stub), 0x08, 0, 0x8e, static_cast<uint16_t>(stub >> 16), static_cast<uint32_t>(stub >> 32), 0};
  const TablePointer pointer{sizeof(idt) - 1, reinterpret_cast<uint64_t>(idt)};
  asm volatile("lidt %0" ::"m"(pointer));
}

}  // namespace guest

// kernel/lib's checks call this: say so, then fault (the kernel contains the guest).
void Panic(const char* file, int line, const char* message) {
  guest::Print("PANIC in guest at {}:{}: {}\n", file, line, message);
  for (;;) asm volatile("ud2");
}

}  // namespace septum

// entry.S's interrupt stub calls this with the caller-saved registers saved.
extern "C" void GuestInterrupt() {
  if (septum::guest::interrupt_handler) septum::guest::interrupt_handler();
}

extern "C" [[noreturn]] void GuestStart(const septum::start::StartInfo* start) {
  uint32_t eax = 0, ebx, ecx, edx;
  asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
  septum::guest::use_vmcall = ebx == 0x756e6547;  // "Genu" ineIntel
  GuestMain(*start);
  septum::guest::YieldForever();
}
