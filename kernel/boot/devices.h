// kernel/boot/devices.h — the PCI devices of the tables' device table, put into the state their
// records say before any domain runs (kernel/core/pci: BARs placed in the owner's MMIO and port
// ranges, MSI off, bus mastering off — DMA isolation is a later issue), and every other PCI
// device on the buses kept from mastering memory.
//
// A device that is missing, or that does not fit its record (a BAR too big for its ranges,
// another IRQ than the policy's), is left switched off — no decoding, no bus mastering, its IRQ
// masked — and said so; its owner runs without it, everything else runs.
#ifndef SEPTUM_KERNEL_BOOT_DEVICES_H_
#define SEPTUM_KERNEL_BOOT_DEVICES_H_

#include "kernel/core/blob.h"
#include "kernel/core/domain.h"
#include "kernel/lib/span.h"

namespace septum {

// The IRQs of devices left switched off: their routes stay masked.
struct InertIrqs {
  bool irq[256] = {};
};

void SetUpDevices(const BlobView& blob, Span<const Domain> domains, InertIrqs* inert);

// "the kernel", "nobody", or the domain's name, for a record's owner field.
StringView OwnerName(Span<const Domain> domains, uint32_t owner);

}  // namespace septum

#endif  // SEPTUM_KERNEL_BOOT_DEVICES_H_
