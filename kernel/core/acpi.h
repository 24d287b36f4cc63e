// kernel/core/acpi.h — what the kernel reads from ACPI: the processors and interrupt
// controllers of the MADT, found from the copy of the RSDP the Multiboot2 loader hands over.
//
// ACPI 6.4 §5.2.5 (RSDP), §5.2.7/§5.2.8 (RSDT/XSDT), §5.2.12 (MADT). Every table is checked
// before it is used: signature, length (at least its header, at most kMaxTableBytes, inside
// the PhysicalMemory window) and checksum (all bytes sum to 0 mod 256). Nothing here trusts a
// length it has not bounded. The kernel uses the result to start the policy's CPUs (the
// enabled local APICs, in table order) and to route device IRQs through the I/O APICs.
// Pure: host-tested (acpi_test) with tables laid out in a vector.
#ifndef SEPTUM_KERNEL_CORE_ACPI_H_
#define SEPTUM_KERNEL_CORE_ACPI_H_

#include <stddef.h>
#include <stdint.h>

#include "kernel/abi/status.h"
#include "kernel/core/guest_memory.h"
#include "kernel/lib/result.h"
#include "kernel/lib/span.h"

namespace septum {

// A table longer than this is refused (QEMU's and Bochs' MADTs are a few hundred bytes).
inline constexpr uint32_t kMaxAcpiTableBytes = 64 * 1024;

struct AcpiCpu {
  uint32_t apic_id = 0;
  uint32_t processor_uid = 0;
};

struct AcpiIoApic {
  uint32_t id = 0;
  uint64_t address = 0;   // its MMIO registers (IOREGSEL at +0, IOWIN at +0x10)
  uint32_t gsi_base = 0;  // the global system interrupt of its input 0
};

// An interrupt source override: ISA IRQ `bus_irq` is global system interrupt `gsi`, with the
// MPS INTI flags `flags` (bits 1:0 polarity, 3:2 trigger mode; 0 = as the bus says).
struct AcpiOverride {
  uint8_t bus_irq = 0;
  uint32_t gsi = 0;
  uint16_t flags = 0;
};

struct Madt {
  static constexpr size_t kMaxCpus = 64;
  static constexpr size_t kMaxIoApics = 8;
  static constexpr size_t kMaxOverrides = 32;

  uint64_t lapic_address = 0;  // the local APICs' MMIO (after any address override)
  bool pcat_compat = false;    // legacy 8259 PICs present (they must be masked)
  AcpiCpu cpus[kMaxCpus];      // the enabled processors with an xAPIC ID, in table order
  size_t cpu_count = 0;
  size_t cpus_unusable = 0;    // disabled or only online-capable entries, x2APIC-only ones
  AcpiIoApic ioapics[kMaxIoApics];
  size_t ioapic_count = 0;
  AcpiOverride overrides[kMaxOverrides];
  size_t override_count = 0;
};

// Reads the MADT through the RSDP copy `rsdp` (the XSDT when the RSDP is revision 2 or later and
// names one, the RSDT otherwise). kCorrupt: a table fails its checks (bad signature, length or
// checksum, an entry running past its table); kNotFound: no MADT; kNoSpace: more entries of a
// kind than Madt holds; kOutOfRange: a table lies outside `memory`.
Status ReadMadt(const PhysicalMemory& memory, Span<const uint8_t> rsdp, Madt* out);

// How a device IRQ of the policy reaches an I/O APIC input. Policy IRQs 0-15 are ISA IRQs:
// an override may move one to another GSI and set its trigger and polarity; without one it is
// GSI = IRQ, edge-triggered, active high (ISA). IRQs 16 and up are GSIs, level-triggered,
// active low (PCI), unless an override says otherwise.
struct IrqLine {
  uint32_t gsi = 0;
  bool level = false;
  bool active_low = false;
};
IrqLine ResolveIrq(const Madt& madt, uint32_t irq);

// The local APIC IDs of the policy's CPUs 0 .. count - 1: CPU 0 is the bootstrap processor
// (`bsp_apic_id`), CPU c >= 1 the c-th other enabled processor in MADT order. kNotFound: the
// MADT does not list the bootstrap processor; kNoSpace: it lists fewer than `count` CPUs.
Status AssignCpus(const Madt& madt, uint32_t bsp_apic_id, uint32_t count, uint32_t* apic_ids);

// The I/O APIC whose inputs start at the greatest gsi_base <= gsi (the caller checks that it
// has that many inputs); kNotFound if none.
Result<size_t> IoApicFor(const Madt& madt, uint32_t gsi);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_ACPI_H_
