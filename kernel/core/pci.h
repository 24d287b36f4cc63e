// kernel/core/pci.h — handing a PCI device to its owner as the device table says.
//
// Before any domain runs, the kernel puts every PCI device of the policy into the state its
// record describes (PCI Local Bus Spec 3.0 §6.2, PCI Firmware Spec): the device must answer at
// its address with a type-0 header; its memory BARs are placed inside the device's MMIO ranges
// and its I/O BARs inside its port ranges (largest first, each naturally aligned: where the
// owner's nested tables and I/O bitmap give it access); MSI and MSI-X stay off; memory and I/O
// decoding are enabled only for what was placed; bus mastering stays OFF — DMA isolation (the
// IOMMU tables are in the blob, the kernel does not program the IOMMU yet) is a later issue, so
// no device may master memory in this version. A device whose BARs do not fit its ranges, or
// whose interrupt line (as the firmware routed it) is not the policy's IRQ, is refused: it is
// left with decoding, bus mastering and INTx off (the kernel keeps its IRQ masked).
//
// Hardware reaches this code only through PciConfig (the kernel's is port I/O 0xcf8/0xcfc);
// host tests use a fake configuration space. Pure: host-tested (pci_test).
#ifndef SEPTUM_KERNEL_CORE_PCI_H_
#define SEPTUM_KERNEL_CORE_PCI_H_

#include <stdint.h>

#include "kernel/abi/status.h"
#include "kernel/abi/tables.h"
#include "kernel/lib/span.h"

namespace septum {

// 32-bit configuration space accesses of device `bdf` (bus << 8 | device << 3 | function).
struct PciConfig {
  uint32_t (*read)(void* context, uint32_t bdf, uint32_t offset) = nullptr;
  void (*write)(void* context, uint32_t bdf, uint32_t offset, uint32_t value) = nullptr;
  void* context = nullptr;

  uint32_t Read(uint32_t bdf, uint32_t offset) const { return read(context, bdf, offset); }
  void Write(uint32_t bdf, uint32_t offset, uint32_t value) const { write(context, bdf, offset, value); }
};

inline constexpr uint32_t kPciBars = 6;

struct PciBar {
  bool present = false;
  bool io = false;       // an I/O BAR (else memory)
  bool wide = false;     // a 64-bit memory BAR (it uses the next BAR's slot too)
  uint64_t size = 0;
  uint64_t base = 0;     // where the kernel placed it
};

struct PciSetup {
  uint16_t vendor = 0, device_id = 0;
  PciBar bars[kPciBars];
  uint8_t interrupt_line = 0xff;  // as the firmware routed it (0xff: none)
  uint8_t interrupt_pin = 0;      // 0: no INTx
  Status status = Status::kOk;    // kOk, or why the device was refused
  const char* problem = "";       // the refusal in words
};

// Sets up the device `record` (its resources: `resources`, the device's own slice) through
// `config`. Leaves the device with decoding off and bus mastering off if it is refused.
PciSetup SetUpPciDevice(const PciConfig& config, const tables::DeviceRecord& record, Span<const tables::DeviceResource> resources);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_PCI_H_
