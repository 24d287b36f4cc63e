// proofs/report.h — what `septum check` prints about a policy and its proofs: text, JSON,
// SARIF 2.1.0 (for CI code scanning: every result points at a line of the policy) and JUnit
// XML (one test case per obligation, plus one for the front end).
#ifndef SEPTUM_PROOFS_REPORT_H_
#define SEPTUM_PROOFS_REPORT_H_

#include <string>
#include <vector>

#include "policy/frontend.h"
#include "proofs/obligations.h"

namespace septum::proofs {

// The proofs run when a model exists and the front end found no error other than the
// isolation properties the proofs decide themselves (codes E05xx-E08xx).
bool ProofsApply(const policy::CheckOutcome& out);

// One diagnostic per counterexample (id = the obligation's id), for text and SARIF.
std::vector<policy::Diagnostic> ProofDiagnostics(const std::vector<ObligationResult>& proofs);

// Accepted: the front end found no error and every obligation is proven.
bool Accepted(const policy::CheckOutcome& out, const std::vector<ObligationResult>* proofs);

// One obligation's line of the proof tables (`septum check`'s, and the translation
// validation's in `septum compile`): id, verdict, seconds, statement.
std::string ObligationLine(const ObligationResult& result);

struct Report {
  std::string path;
  const policy::CheckOutcome* outcome = nullptr;
  const std::vector<ObligationResult>* proofs = nullptr;  // null: the proofs did not run
  bool print_model = false;
};

std::string TextReport(const Report& r);
std::string JsonReport(const Report& r);
std::string SarifReport(const Report& r);
std::string JunitReport(const Report& r);

}  // namespace septum::proofs

#endif  // SEPTUM_PROOFS_REPORT_H_
