// tools/cli/pipeline.cc — see pipeline.h.
#include "tools/cli/pipeline.h"

#include <utility>

#include "proofs/prover.h"
#include "tools/compiler/compile.h"
#include "tools/compiler/image_facts.h"

namespace septum::cli {

absl::StatusOr<policy::CheckOutcome> ReadPolicy(const std::string& path) {
  policy::CheckOutcome outcome = policy::CheckPolicyFile(path);
  if (!outcome.io_error.empty()) return absl::NotFoundError(outcome.io_error);
  return outcome;
}

bool Checked::accepted() const { return proofs::Accepted(outcome, proved ? &obligations : nullptr); }

proofs::Report Checked::MakeReport(bool print_model) const {
  return proofs::Report{path, &outcome, proved ? &obligations : nullptr, print_model};
}

absl::StatusOr<Checked> CheckAndProve(const std::string& path) {
  absl::StatusOr<policy::CheckOutcome> outcome = ReadPolicy(path);
  if (!outcome.ok()) return outcome.status();
  Checked c{path, *std::move(outcome), false, {}};
  c.proved = proofs::ProofsApply(c.outcome);
  if (c.proved) c.obligations = proofs::ProveAll(*c.outcome.model);
  return c;
}

double Compiled::coverage() const {
  const tv::Coverage& c = validation.coverage;
  return c.bytes ? static_cast<double>(c.covered) / c.bytes : 0.0;
}

Compiled CompileProven(const policy::System& system, bool with_images) {
  Compiled c;
  if (with_images) {
    for (uint32_t d = 0; d < system.domains.size(); ++d) {
      absl::StatusOr<compiler::Image> image = compiler::ReadImageFile(system.domains[d].image_path, compiler::RawLoadAddress(system, d));
      if (!image.ok()) {
        c.failure = Compiled::Failure::kImage;
        c.failed_domain = d;
        c.status = image.status();
        c.images.clear();
        return c;
      }
      c.images.push_back(*std::move(image));
    }
  }
  const std::vector<compiler::Image>* images = with_images ? &c.images : nullptr;
  absl::StatusOr<std::vector<uint8_t>> blob = compiler::CompileTables(system, images);
  if (!blob.ok()) {
    c.failure = Compiled::Failure::kCompile;
    c.status = blob.status();
    return c;
  }
  c.blob = *std::move(blob);
  // Translation validation: the bytes, decoded independently, must say what the model says.
  // (The one call of ValidateTables in the tools; it reads the images' facts, not the
  // compiler's types.)
  const std::vector<tv::ImageFacts> facts = compiler::ToImageFacts(c.images);
  c.validation = tv::ValidateTables(system, c.blob, with_images ? &facts : nullptr);
  if (!c.validation.ok()) c.failure = Compiled::Failure::kValidation;
  return c;
}

}  // namespace septum::cli
