// kernel/core/irq.h — device interrupts on their way to the domain that owns the device.
//
// The tables route each IRQ of an owned device to one CPU (IrqRoute: the owner's lowest CPU,
// a host vector there). When it arrives, the kernel records it in the owner's PendingIrqs (and
// masks a level-triggered line at the I/O APIC); before the owner next enters its guest, the
// lowest pending IRQ n is made its virtual interrupt, vector kGuestIrqVectorBase + n
// (kernel/abi/hypercall.h). Nothing of a device's interrupt reaches any other domain: the
// route names the owner, the translation validator proves the routes equal the policy (P13).
//
// irq_ack(irq) is decoded here: only a domain owning a route of that IRQ may make it; the
// kernel then unmasks the line (AckRoute, kernel/core/system.h). Pure: host-tested (irq_test).
#ifndef SEPTUM_KERNEL_CORE_IRQ_H_
#define SEPTUM_KERNEL_CORE_IRQ_H_

#include <stdint.h>

#include "kernel/abi/tables.h"
#include "kernel/core/hypercall.h"
#include "kernel/lib/span.h"

namespace septum {

// A set of IRQs 0-255, safe to add to from an interrupt handler on one CPU while another CPU
// takes from it (atomic words). Constant-initialized.
class PendingIrqs {
 public:
  void Add(uint32_t irq) {
    if (irq < 256) __atomic_fetch_or(&words_[irq / 64], uint64_t{1} << (irq % 64), __ATOMIC_RELEASE);
  }
  bool Any() const {
    for (const uint64_t& w : words_) {
      if (__atomic_load_n(&w, __ATOMIC_ACQUIRE)) return true;
    }
    return false;
  }
  // Removes and returns the lowest pending IRQ; false if none.
  bool TakeLowest(uint32_t* irq);
  void Clear() {
    for (uint64_t& w : words_) __atomic_store_n(&w, 0, __ATOMIC_RELEASE);
  }

 private:
  uint64_t words_[4] = {};
};

// The route of `irq` owned by domain `owner` (its index in `routes`); kDenied if `owner` owns
// no route of it.
Result<uint32_t> OwnedRoute(Span<const tables::IrqRoute> routes, uint32_t owner, uint64_t irq);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_IRQ_H_
