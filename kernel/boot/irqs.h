// kernel/boot/irqs.h — programming the I/O APICs for the tables' IRQ routes: each domain's IRQ
// to the route's vector on the route's CPU, trigger and polarity from the ACPI MADT, masked
// until its owner starts. The kernel's own IRQs (its console's) stay masked: the console is
// polled. What happens when one arrives is kernel/core/system.h's OnDeviceIrq.
#ifndef SEPTUM_KERNEL_BOOT_IRQS_H_
#define SEPTUM_KERNEL_BOOT_IRQS_H_

#include <stdint.h>

#include "kernel/boot/devices.h"
#include "kernel/boot/machine.h"
#include "kernel/core/blob.h"
#include "kernel/core/system.h"

namespace septum {

// Binds `system.routes` to the blob's IRQ routes and programs every one a domain owns (`apic_ids`:
// each policy CPU's local APIC); a route of a device left switched off (`inert`) stays masked.
// Refuses to run if a route names a CPU the schedule does not use or an IRQ the machine has no
// I/O APIC input for.
void SetUpIrqs(const BlobView& blob, const Machine& machine, const InertIrqs& inert, Span<const uint32_t> apic_ids, System& system);

}  // namespace septum

#endif  // SEPTUM_KERNEL_BOOT_IRQS_H_
