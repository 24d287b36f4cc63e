// kernel/arch/x86/ioapic.cc — see ioapic.h.
#include "kernel/arch/x86/ioapic.h"

#include "kernel/arch/x86/cpu.h"
#include "kernel/lib/spinlock.h"

namespace septum::x86 {
namespace {

constexpr uint32_t kRegVersion = 0x01, kRegRedirection = 0x10;  // entry n: 0x10 + 2n (low), + 1 (high)
constexpr uint32_t kEntryMasked = 1u << 16, kEntryLevel = 1u << 15, kEntryActiveLow = 1u << 13;

struct IoApic {
  volatile uint32_t* select = nullptr;  // IOREGSEL at +0x00, IOWIN at +0x10
  uint32_t gsi_base = 0;
  uint32_t inputs = 0;
};

IoApic ioapics[kMaxIoApics];
uint32_t ioapic_count = 0;
SpinLock ioapic_lock;  // guards every IOREGSEL/IOWIN pair

uint32_t Read(const IoApic& a, uint32_t reg) {
  a.select[0] = reg;
  return a.select[4];
}
void Write(const IoApic& a, uint32_t reg, uint32_t value) {
  a.select[0] = reg;
  a.select[4] = value;
}

IoApic* Find(uint32_t gsi, uint32_t* pin) {
  for (uint32_t i = 0; i < ioapic_count; ++i) {
    if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].inputs) {
      *pin = gsi - ioapics[i].gsi_base;
      return &ioapics[i];
    }
  }
  return nullptr;
}

constexpr uint16_t kPciAddressPort = 0xcf8, kPciDataPort = 0xcfc;
SpinLock pci_lock;  // guards the address/data port pair

uint32_t PciAddress(uint32_t bdf, uint32_t offset) { return 0x80000000u | (bdf & 0xffff) << 8 | (offset & 0xfc); }

uint32_t PciRead(void*, uint32_t bdf, uint32_t offset) {
  const LockGuard guard(pci_lock);
  Outl(kPciAddressPort, PciAddress(bdf, offset));
  return Inl(kPciDataPort);
}

void PciWrite(void*, uint32_t bdf, uint32_t offset, uint32_t value) {
  const LockGuard guard(pci_lock);
  Outl(kPciAddressPort, PciAddress(bdf, offset));
  Outl(kPciDataPort, value);
}

}  // namespace

Result<uint32_t> IoApicAdd(uint64_t address, uint32_t gsi_base) {
  if (ioapic_count == kMaxIoApics) return Status::kNoSpace;
  if (address >= (uint64_t{1} << 32)) return Status::kOutOfRange;
  IoApic& a = ioapics[ioapic_count];
  a.select = reinterpret_cast<volatile uint32_t*>(static_cast<uintptr_t>(address));
  a.gsi_base = gsi_base;
  const LockGuard guard(ioapic_lock);
  const uint32_t version = Read(a, kRegVersion);
  if (version == 0xffffffffu) return Status::kNotFound;
  a.inputs = ((version >> 16) & 0xff) + 1;
  for (uint32_t pin = 0; pin < a.inputs; ++pin) {
    Write(a, kRegRedirection + 2 * pin, kEntryMasked);
    Write(a, kRegRedirection + 2 * pin + 1, 0);
  }
  ++ioapic_count;
  return a.inputs;
}

Status IoApicRoute(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level, bool active_low, bool masked) {
  uint32_t pin = 0;
  IoApic* a = Find(gsi, &pin);
  if (!a) return Status::kNotFound;
  const uint32_t low = vector | (level ? kEntryLevel : 0) | (active_low ? kEntryActiveLow : 0) | (masked ? kEntryMasked : 0);
  const LockGuard guard(ioapic_lock);
  Write(*a, kRegRedirection + 2 * pin, kEntryMasked);  // masked while the halves disagree
  Write(*a, kRegRedirection + 2 * pin + 1, apic_id << 24);
  Write(*a, kRegRedirection + 2 * pin, low);
  return Status::kOk;
}

void IoApicMask(uint32_t gsi, bool masked) {
  uint32_t pin = 0;
  IoApic* a = Find(gsi, &pin);
  if (!a) return;
  const LockGuard guard(ioapic_lock);
  const uint32_t low = Read(*a, kRegRedirection + 2 * pin);
  Write(*a, kRegRedirection + 2 * pin, masked ? (low | kEntryMasked) : (low & ~kEntryMasked));
}

PciConfig PortPciConfig() {
  PciConfig c;
  c.read = &PciRead;
  c.write = &PciWrite;
  return c;
}

}  // namespace septum::x86
