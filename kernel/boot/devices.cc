// kernel/boot/devices.cc — see devices.h.
#include "kernel/boot/devices.h"

#include "kernel/arch/x86/ioapic.h"
#include "kernel/arch/x86/serial.h"
#include "kernel/boot/machine.h"
#include "kernel/core/pci.h"

namespace septum {
namespace {

constexpr uint32_t kPciCommand = 0x04, kPciHeader = 0x0c;
constexpr uint32_t kPciMaster = 1u << 2;

StringView DeviceName(const tables::DeviceRecord& dev) {
  const char* name = reinterpret_cast<const char*>(dev.name);
  size_t size = 0;
  while (size < sizeof(dev.name) && name[size] != '\0') ++size;
  return StringView(name, size);
}

void PrintPci(uint32_t bdf) { Print("{:02x}:{:02x}.{}", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7); }

}  // namespace

StringView OwnerName(Span<const Domain> domains, uint32_t owner) {
  if (owner == tables::kKernelOwner) return "the kernel";
  if (owner < domains.size()) return domains[owner].name();
  return "nobody";
}

void SetUpDevices(const BlobView& blob, Span<const Domain> domains, InertIrqs* inert) {
  const Span<const tables::DeviceRecord> devices = SectionArray<tables::DeviceRecord>(blob, tables::SectionKind::kDevices);
  const Span<const tables::DeviceResource> resources = SectionArray<tables::DeviceResource>(blob, tables::SectionKind::kDeviceResources);
  const PciConfig pci = x86::PortPciConfig();
  for (const tables::DeviceRecord& dev : devices) {
    if (!(dev.flags & tables::kDevicePci)) continue;
    if (uint64_t{dev.resource_first} + dev.resource_count > resources.size()) Refuse("a device's resources lie outside the blob");
    const Span<const tables::DeviceResource> mine(resources.data() + dev.resource_first, dev.resource_count);
    const StringView name = DeviceName(dev);
    const x86::ConsoleGuard console;
    if (dev.owner >= domains.size()) {  // nobody's (or the kernel's: it drives no PCI device): quiet
      pci.Write(dev.pci, kPciCommand, (pci.Read(dev.pci, kPciCommand) & 0xfff8) | (1u << 10));
      Print("septum: device `{}` (pci ", name);
      PrintPci(dev.pci);
      Print(") belongs to {}: decoding, bus mastering and INTx off\n", OwnerName(domains, dev.owner));
      continue;
    }
    const PciSetup set = SetUpPciDevice(pci, dev, mine);
    Print("septum: device `{}` (pci ", name);
    PrintPci(dev.pci);
    if (set.status != Status::kOk) {  // fail closed for this device only: the other domains run
      for (const tables::DeviceResource& r : mine) {
        if (r.kind == tables::kResourceIrq && r.base < 256) inert->irq[r.base] = true;
      }
      if (set.status == Status::kNotFound) {
        Print(") is not on this machine: `{}` runs without it\n", OwnerName(domains, dev.owner));
      } else {
        Print(", {:04x}:{:04x}, interrupt line {}) cannot be given to `{}`: {}; it stays switched off (no decoding, no bus "
              "mastering, its IRQ masked)\n",
              set.vendor, set.device_id, set.interrupt_line, OwnerName(domains, dev.owner), set.problem);
      }
      continue;
    }
    Print(", {:04x}:{:04x}) given to `{}`:", set.vendor, set.device_id, OwnerName(domains, dev.owner));
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

}  // namespace septum
