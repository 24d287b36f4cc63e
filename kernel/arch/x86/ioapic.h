// kernel/arch/x86/ioapic.h — the I/O APICs (Intel 82093AA datasheet; ACPI MADT entries) and
// PCI configuration space (mechanism #1, ports 0xcf8 / 0xcfc: PCI Local Bus Spec 3.0 §3.2.2.3.2).
//
// Every redirection entry starts masked; the IRQ setup (kernel/boot/irqs) programs one per
// routed IRQ (vector and destination CPU from the tables, trigger and polarity from ACPI), and
// kernel/core masks / unmasks level-triggered lines around their delivery to the owner. Register accesses of one I/O APIC
// (index, then data) are serialized by a lock: the CPUs share the chips.
#ifndef SEPTUM_KERNEL_ARCH_X86_IOAPIC_H_
#define SEPTUM_KERNEL_ARCH_X86_IOAPIC_H_

#include <stdint.h>

#include "kernel/core/pci.h"
#include "kernel/lib/result.h"

namespace septum::x86 {

inline constexpr uint32_t kMaxIoApics = 8;

// Registers the I/O APIC at `address` (below 4 GiB, identity-mapped) serving GSIs from
// `gsi_base`, masks all its inputs, and returns how many it has. kNotFound if none answers
// there, kOutOfRange above 4 GiB, kNoSpace beyond kMaxIoApics.
Result<uint32_t> IoApicAdd(uint64_t address, uint32_t gsi_base);

// Programs `gsi`'s entry: fixed delivery of `vector` to the local APIC `apic_id`, physical
// destination, with the line's trigger and polarity; masked as asked. kNotFound if no
// registered I/O APIC has that input.
Status IoApicRoute(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level, bool active_low, bool masked);
void IoApicMask(uint32_t gsi, bool masked);

// PCI configuration space through ports 0xcf8 / 0xcfc, for kernel/core/pci.
PciConfig PortPciConfig();

}  // namespace septum::x86

#endif  // SEPTUM_KERNEL_ARCH_X86_IOAPIC_H_
