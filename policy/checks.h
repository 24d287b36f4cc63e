// policy/checks.h — the isolation rules the front end also detects, with both sides of each
// conflict: host-physical overlaps (E0501, E0503), memory outside RAM (E0502, E0512), guest-
// physical overlaps (E0504), and devices sharing ports, IRQs, MMIO or a PCI address
// (E0507-E0510). The Z3 proofs re-prove these over the model; they do not rely on this file.
// Each check sorts and sweeps (n log n), reporting each offending element once.
#ifndef SEPTUM_POLICY_CHECKS_H_
#define SEPTUM_POLICY_CHECKS_H_

#include "policy/diagnostics.h"
#include "policy/model.h"

namespace septum::policy {

void CheckIsolation(const System& system, Diagnostics* diags);

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_CHECKS_H_
