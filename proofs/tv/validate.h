// proofs/tv/validate.h — translation validation: Z3 proves that the bytes of a compiled blob
// say exactly what the model says (PROOFS.md obligations 10-16).
//
// Nothing here reads the compiler's data structures: what the blob must say is derived from
// the model again; the blob is decoded from its bytes by the page-table walker, the bitmap and
// IOMMU decoders and plain record reads; and Z3 refutes every difference over a symbolic
// address, port, MSR, device or record tuple (a satisfying assignment is the counterexample,
// reported in policy terms). The C++ parts (walking tables into runs, finding overlapping
// pairs) are cross-checked against direct encodings on small inputs in the tests.
//
// Coverage: every byte the validator decodes and checks is marked; the report names each
// section's share and what is left (the goal, met by the compiler's blobs, is every byte).
//
// The code: validator.h/.cc hold the core (the queries, the expected model, the order the
// obligations run in, the coverage); each obligation group has its own file, p10_*.cc to
// p16_*.cc, beside its catalogue entry. Z3 is set up by proofs/z3_engine.h, as for P01-P09.
#ifndef SEPTUM_PROOFS_TV_VALIDATE_H_
#define SEPTUM_PROOFS_TV_VALIDATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "policy/model.h"
#include "proofs/obligations.h"
#include "proofs/tv/image_facts.h"

namespace septum::tv {

// The translation-validation obligations P10-P16, in order.
const std::vector<proofs::ObligationInfo>& TvCatalogue();

struct CoveragePart {
  std::string name;       // "page-tables", "header and section directory", "alignment padding"
  uint64_t bytes = 0;
  uint64_t covered = 0;   // bytes some obligation decoded and checked
  std::string by;         // which obligation covers them
};

struct Coverage {
  std::vector<CoveragePart> parts;
  uint64_t bytes = 0;
  uint64_t covered = 0;
};

struct TvOutcome {
  std::vector<proofs::ObligationResult> results;  // one per TvCatalogue() entry
  Coverage coverage;
  bool ok() const;  // every obligation proven
};

// Reusable Z3 state for validating many blobs of one model (the bit-flip test): one Z3 engine
// (one context), and a memo of queries already decided (each query is a pure function of its
// inputs).
class TvSession {
 public:
  TvSession();
  ~TvSession();
  struct State;
  State* state() { return state_.get(); }
  size_t queries() const;  // distinct queries decided so far

 private:
  std::unique_ptr<State> state_;
};

struct TvOptions {
  // Stop at the first obligation that fails (the rest are reported as not decided): for
  // callers that only need the verdict, like the bit-flip test.
  bool stop_at_first_failure = false;
};

// `images`: the facts of the domains' images in model order, or nullptr for a blob built
// without images (which must say so). `session` may be nullptr.
TvOutcome ValidateTables(const policy::System& system, const std::vector<uint8_t>& blob,
                         const std::vector<ImageFacts>* images, TvSession* session = nullptr,
                         const TvOptions& options = {});

// The coverage as a table, one line per part, then the total.
std::string CoverageText(const Coverage& coverage);

}  // namespace septum::tv

#endif  // SEPTUM_PROOFS_TV_VALIDATE_H_
