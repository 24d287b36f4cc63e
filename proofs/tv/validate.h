// proofs/tv/validate.h — translation validation: Z3 proves that the bytes of a compiled blob
// say exactly what the model says (PROOFS.md obligations 10-15; in progress: P10 and P12).
//
// Nothing here reads the compiler's data structures: the expected mappings and ports are
// derived from the model again, the blob is decoded by the walker and the bitmap decoder, and
// Z3 refutes every difference over a symbolic address or port.
#ifndef SEPTUM_PROOFS_TV_VALIDATE_H_
#define SEPTUM_PROOFS_TV_VALIDATE_H_

#include <cstdint>
#include <vector>

#include "policy/model.h"
#include "proofs/obligations.h"

namespace septum::tv {

// The translation-validation obligations implemented so far, in order.
const std::vector<proofs::ObligationInfo>& TvCatalogue();

std::vector<proofs::ObligationResult> ValidateTables(const policy::System& system, const std::vector<uint8_t>& blob);

}  // namespace septum::tv

#endif  // SEPTUM_PROOFS_TV_VALIDATE_H_
