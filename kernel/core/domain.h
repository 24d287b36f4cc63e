// kernel/core/domain.h — one domain at run time: what its tables record grants it, what it is
// doing now, and what it has done.
//
// One Domain per record of the tables' domain section, same index. The first group is set at
// boot and never changes; the run state is guarded by System::lock (kernel/core/system.h) unless
// a field says otherwise; the claim (`cpu`) makes one CPU at a time the only one that runs the
// domain, touches its virtual CPU, registers and console line, and writes its counters.
// Constant-initialized: a static array of these runs no constructor.
#ifndef SEPTUM_KERNEL_CORE_DOMAIN_H_
#define SEPTUM_KERNEL_CORE_DOMAIN_H_

#include <stdint.h>

#include "kernel/abi/tables.h"
#include "kernel/core/domain_load.h"
#include "kernel/core/exit_event.h"
#include "kernel/core/hypercall.h"
#include "kernel/core/irq.h"
#include "kernel/core/schedule.h"

namespace septum {

inline constexpr uint32_t kNoCpu = 0xffffffffu;

// kStarting: a control domain asked for a start (or a fault asked for a restart); the CPU that
// next claims it zeroes its memory, loads its image and makes it runnable.
enum class DomainStatus : uint8_t { kStopped, kRunnable, kPaused, kStarting };

// A backend's virtual CPU (kernel/arch/x86/vcpu.h: the VMCB or VMCS, the x87/SSE state). The
// kernel's core only hands it back to the platform.
struct Vcpu;

struct Domain {
  // ---- From the tables, set at boot.
  const tables::DomainRecord* record = nullptr;
  DomainContext ctx;     // its record and the memory its nested tables live in: for hypercalls
  DomainImage image;     // its image module, segments and start block: for (re)loading
  uint32_t plans = 0;    // how many CPUs' plans give it a slot
  bool owns_irqs = false;  // an IRQ route names it: its exits look for IRQs to inject
  Vcpu* vcpu = nullptr;

  // ---- Run state (guarded by System::lock).
  DomainStatus status = DomainStatus::kStopped;
  uint32_t waiting = 0;           // channel_wait: the channel's index + 1; 0 when not waiting
  uint64_t wait_deadline_ns = 0;
  uint32_t cpu = kNoCpu;          // the CPU that claimed it (released with a release store)

  // ---- Only the CPU that claimed it reads or writes these.
  GuestRegs regs{};
  uint32_t last_cpu = kNoCpu;     // where it last ran: its TLB entries elsewhere may be stale
  bool gave_up = false;           // yield / HLT: it stays off until the slot instance changes
  bool wakeable = false;          // a HLT with interrupts on: its device IRQ ends it in the slot
  uint32_t gave_up_cpu = kNoCpu;
  SlotId given_up;
  ConsoleLines lines;             // its console line being assembled

  // ---- Counters, written by the CPU that runs it (a query reads them as they are).
  uint32_t restarts = 0;
  uint64_t exits = 0;
  uint64_t faults = 0;
  DomainCounters calls;

  // Device IRQs arrived for it and not yet delivered (any CPU adds, the runner takes).
  PendingIrqs irqs;

  uint32_t index() const { return record->index; }
  StringView name() const { return DomainName(*record); }
};

// The status, read without the lock (its owner CPU's quick look; the lock decides).
inline DomainStatus StatusNow(const Domain& d) { return __atomic_load_n(&d.status, __ATOMIC_RELAXED); }

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_DOMAIN_H_
