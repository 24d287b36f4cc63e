// policy/print_model.h — the resolved model as readable text (`septum check --print-model`).
//
// Every address is final; values the allocator chose are marked "(placed)". Each element ends
// with its source line, so the dump can be read against the policy.
#ifndef SEPTUM_POLICY_PRINT_MODEL_H_
#define SEPTUM_POLICY_PRINT_MODEL_H_

#include <string>

#include "policy/model.h"

namespace septum::policy {

std::string ModelText(const System& system);

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_PRINT_MODEL_H_
