// kernel/boot/smp.h — starting the policy's other CPUs (the application processors, APs).
//
// Policy CPU 0 is the bootstrap CPU; the APIC IDs of the others come from the ACPI MADT
// (AssignCpus, kernel/core/acpi.h). StartCpu copies the real-mode trampoline of entry.S to a
// free page below 1 MiB and starts one AP with the INIT / Startup IPI sequence of Intel SDM
// Vol 3A §9.4.4.1 (INIT, 10 ms, Startup, and a second Startup if the AP has not called in
// after 200 us); the AP goes through protected mode into long mode on the kernel's page
// tables, loads the IDT and runs `main(cpu)` on its own stack. One AP starts at a time.
#ifndef SEPTUM_KERNEL_BOOT_SMP_H_
#define SEPTUM_KERNEL_BOOT_SMP_H_

#include <stdint.h>

#include "kernel/abi/status.h"
#include "kernel/boot/machine.h"
#include "kernel/core/domain.h"
#include "kernel/lib/span.h"

namespace septum {

// The trampoline's size in bytes (it needs one page).
uint64_t TrampolineBytes();

using ApMain = void (*)(uint32_t cpu);

// Starts policy CPU `cpu` (local APIC `apic_id`) at `trampoline_page` (4 KiB aligned, below
// 1 MiB, in RAM no one else uses); kOk once it called in, kTimeout if it did not within 200 ms.
Status StartCpu(uint32_t cpu, uint32_t apic_id, uint64_t trampoline_page, ApMain main);

// Registers the bootstrap CPU as policy CPU 0 and starts policy CPUs 1 .. cpu_count - 1 (CPU c
// is the c-th other enabled processor of the ACPI MADT) at `main`, from a free page of RAM below
// 1 MiB that no domain, module or the boot information uses; `apic_ids[c]` gets CPU c's local
// APIC ID. Refuses to run if the machine has too few CPUs or one does not start.
void StartOtherCpus(const Machine& machine, Span<const Domain> domains, uint32_t cpu_count, uint32_t* apic_ids, ApMain main);

}  // namespace septum

#endif  // SEPTUM_KERNEL_BOOT_SMP_H_
