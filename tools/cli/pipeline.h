// tools/cli/pipeline.h — the toolchain's pipeline as functions the commands share: "check and
// prove" (read the policy, the front end, the proofs P01-P09) and "compile proven" (read the
// domains' images, compile the tables blob, validate its bytes P10-P16, the coverage).
//
// Nothing here prints or writes a file: each step returns what it found, and the commands
// (check, compile, build, and those to come) decide what to say and what to write. The order
// is the data path of ARCHITECTURE.md: nothing is compiled unless the policy is accepted, and
// a blob counts only when its validation proved every obligation.
//
//   absl::StatusOr<Checked> checked = CheckAndProve("demo.policy");  // not ok: cannot read it
//   if (checked.ok() && checked->accepted()) {
//     Compiled c = CompileProven(*checked->outcome.system, /*with_images=*/true);
//     if (c.ok()) Write(c.blob);
//   }
#ifndef SEPTUM_TOOLS_CLI_PIPELINE_H_
#define SEPTUM_TOOLS_CLI_PIPELINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "policy/frontend.h"
#include "policy/model.h"
#include "proofs/obligations.h"
#include "proofs/report.h"
#include "proofs/tv/validate.h"
#include "tools/compiler/image.h"

namespace septum::cli {

// The front end's verdict on a policy file; not ok (with the reason) when it cannot be read.
absl::StatusOr<policy::CheckOutcome> ReadPolicy(const std::string& path);

// A policy after the front end and, where they apply (proofs::ProofsApply), the proofs.
struct Checked {
  std::string path;
  policy::CheckOutcome outcome;
  bool proved = false;                           // the proofs ran
  std::vector<proofs::ObligationResult> obligations;  // P01-P09, when they ran

  // Accepted: the front end found no error and every obligation is proven.
  bool accepted() const;
  // What `septum check` reports (print_model: with the resolved model, text only).
  proofs::Report MakeReport(bool print_model = false) const;
};

// Reads and checks the policy at `path`, then proves P01-P09 over its model if they apply.
// Not ok only when the file cannot be read.
absl::StatusOr<Checked> CheckAndProve(const std::string& path);

// A proven policy compiled: its images, the blob, and the blob's translation validation. The
// first step that fails ends it (`failure` says which); what the later steps would fill stays
// empty.
struct Compiled {
  enum class Failure {
    kNone,
    kImage,       // a domain's image cannot be read: `failed_domain`, `status`
    kCompile,     // the compiler refused the model and images: `status`
    kValidation,  // the blob's bytes do not implement the policy: `validation` says where
  };
  Failure failure = Failure::kNone;
  uint32_t failed_domain = 0;
  absl::Status status;

  std::vector<compiler::Image> images;  // model order; empty when built without images
  std::vector<uint8_t> blob;
  tv::TvOutcome validation;  // P10-P16 and the coverage, once the blob exists

  bool ok() const { return failure == Failure::kNone; }
  // The share of the blob's bytes the validation decoded and checked, 0..1.
  double coverage() const;
};

// Compiles an accepted policy's model: reads every domain's image (unless `with_images` is
// false: a policy-only blob, not bootable), builds the blob, validates it.
Compiled CompileProven(const policy::System& system, bool with_images);

}  // namespace septum::cli

#endif  // SEPTUM_TOOLS_CLI_PIPELINE_H_
