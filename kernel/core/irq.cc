// kernel/core/irq.cc — see irq.h.
#include "kernel/core/irq.h"

namespace septum {

bool PendingIrqs::TakeLowest(uint32_t* irq) {
  for (uint32_t i = 0; i < 4; ++i) {
    uint64_t w = __atomic_load_n(&words_[i], __ATOMIC_ACQUIRE);
    while (w) {
      const uint64_t bit = w & (~w + 1);
      if (__atomic_compare_exchange_n(&words_[i], &w, w & ~bit, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        *irq = i * 64 + static_cast<uint32_t>(__builtin_ctzll(bit));
        return true;
      }
    }
  }
  return false;
}

Result<uint32_t> OwnedRoute(Span<const tables::IrqRoute> routes, uint32_t owner, uint64_t irq) {
  for (uint32_t i = 0; i < routes.size(); ++i) {
    if (routes[i].irq == irq && routes[i].owner == owner) return i;
  }
  return Status::kDenied;
}

}  // namespace septum
