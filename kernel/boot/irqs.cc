// kernel/boot/irqs.cc — see irqs.h.
#include "kernel/boot/irqs.h"

#include "kernel/abi/hypercall.h"
#include "kernel/arch/x86/apic.h"
#include "kernel/arch/x86/ioapic.h"
#include "kernel/arch/x86/serial.h"

namespace septum {
namespace {

System* the_system = nullptr;

// The interrupt entry's handler for a device IRQ's vector on the CPU it was routed to.
void OnIrq(uint32_t cpu, uint32_t vector) { OnDeviceIrq(*the_system, cpu, vector); }

void MaskIrq(void*, uint32_t gsi, bool masked) { x86::IoApicMask(gsi, masked); }

}  // namespace

void SetUpIrqs(const BlobView& blob, const Machine& machine, const InertIrqs& inert, Span<const uint32_t> apic_ids, System& system) {
  const Span<const tables::IrqRoute> routes = SectionArray<tables::IrqRoute>(blob, tables::SectionKind::kIrqRoutes);
  if (routes.size() > limits::kMaxIrqRoutes) Refuse("the tables route more IRQs than this kernel supports (256)");
  system.routes = routes;
  system.hooks.mask_irq = &MaskIrq;
  bool any = false;
  for (const tables::IrqRoute& r : routes) any = any || r.owner < system.domains.size();
  if (!any) return;
  const Madt& m = MadtOf(machine, "the policy gives device IRQs to domains");
  for (size_t i = 0; i < m.ioapic_count; ++i) {
    const Result<uint32_t> added = x86::IoApicAdd(m.ioapics[i].address, m.ioapics[i].gsi_base);
    if (!added.ok()) {
      Print("septum: the I/O APIC at {:#x} (ACPI MADT) {}\n", m.ioapics[i].address,
            added.status() == Status::kNotFound ? "does not answer" : "is beyond what this kernel maps or holds");
      Refuse("an interrupt controller of the machine does not answer");
    }
  }
  const Span<const Domain> domains(system.domains.data(), system.domains.size());
  for (uint32_t i = 0; i < routes.size(); ++i) {
    const tables::IrqRoute& r = routes[i];
    if (r.owner >= system.domains.size()) continue;
    if (r.irq < 256 && inert.irq[r.irq]) {
      Print("septum: irq {} of `{}` stays masked: its device is switched off\n", r.irq, OwnerName(domains, r.owner));
      continue;
    }
    if (r.cpu >= system.cpus.size()) {
      Print("septum: IRQ {} of `{}` is routed to CPU {}, which runs no plan and was not started\n", r.irq, OwnerName(domains, r.owner), r.cpu);
      Refuse("an IRQ is routed to a CPU the schedule does not use");
    }
    if (r.vector < tables::kFirstIrqVector || r.vector > tables::kLastIrqVector || r.irq > hypercall::kMaxGuestIrq) {
      Refuse("an IRQ route has a vector or IRQ out of range");
    }
    const IrqLine line = ResolveIrq(m, r.irq);
    system.route_state[i] = RouteState{true, line.level, line.gsi, true, 0, 0};
    system.route_of_vector[r.cpu][r.vector] = static_cast<uint16_t>(i + 1);
    system.domains[r.owner].owns_irqs = true;
    if (x86::IoApicRoute(line.gsi, static_cast<uint8_t>(r.vector), apic_ids[r.cpu], line.level, line.active_low, /*masked=*/true) !=
        Status::kOk) {
      Print("septum: IRQ {} (GSI {}) has no I/O APIC input on this machine\n", r.irq, line.gsi);
      Refuse("an IRQ of the policy has no interrupt controller input");
    }
    Print("septum: irq {} (gsi {}, {}, active {}) -> `{}` on cpu {}, its vector {:#x}\n", r.irq, line.gsi, line.level ? "level" : "edge",
          line.active_low ? "low" : "high", OwnerName(domains, r.owner), r.cpu, hypercall::kGuestIrqVectorBase + r.irq);
  }
  the_system = &system;
  x86::SetIrqHandler(&OnIrq);
}

}  // namespace septum
