// Z3 and the independent checker agree on every obligation: on the example and rejected
// corpora, and on 1,200 random models (valid ones and ones with injected breaches). Each
// obligation must also be seen both proven and failed, so the comparison is not vacuous.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "policy/frontend.h"
#include "proofs/independent.h"
#include "proofs/prover.h"
#include "proofs/testing/random_model.h"

namespace septum::proofs {
namespace {

// Compares the two deciders on one model; returns the independent verdicts.
std::vector<bool> ExpectAgreement(const policy::System& s, const std::string& what) {
  const std::vector<ObligationResult> z3 = ProveAll(s);
  const std::vector<bool> plain = CheckIndependently(s);
  EXPECT_EQ(z3.size(), plain.size());
  for (size_t i = 0; i < z3.size() && i < plain.size(); ++i) {
    EXPECT_NE(z3[i].verdict, Verdict::kUnknown) << what << ": " << z3[i].info->id << ": " << z3[i].unknown_reason;
    EXPECT_EQ(z3[i].verdict == Verdict::kProven, plain[i])
        << what << ": " << z3[i].info->id << ": Z3 says " << VerdictName(z3[i].verdict) << ", the independent checker says "
        << (plain[i] ? "holds" : "fails")
        << (z3[i].counterexamples.empty() ? "" : absl::StrCat(" (", z3[i].counterexamples[0].message, ")"));
    if (z3[i].verdict == Verdict::kFailed) {
      EXPECT_FALSE(z3[i].counterexamples.empty()) << what << ": " << z3[i].info->id;
    }
  }
  return plain;
}

TEST(AgreementTest, Corpus) {
  size_t models = 0;
  for (const char* dir : {"policy/examples", "policy/testdata/rejected"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".policy") continue;
      policy::CheckOutcome out = policy::CheckPolicyFile(entry.path().string());
      if (!out.model) continue;  // rejected before a model exists (syntax, names)
      ++models;
      const std::vector<bool> plain = ExpectAgreement(*out.model, entry.path().string());
      if (std::string(dir) == "policy/examples") {
        for (size_t i = 0; i < plain.size(); ++i) EXPECT_TRUE(plain[i]) << entry.path() << " obligation " << i;
      }
    }
  }
  EXPECT_GT(models, 50u);
}

TEST(AgreementTest, RandomModels) {
  std::vector<int> failed(9, 0), proven(9, 0);
  for (uint64_t seed = 1; seed <= 1200; ++seed) {
    const policy::System s = testing::RandomModel(seed, /*breaches=*/seed % 4 != 0);
    const std::vector<bool> plain = ExpectAgreement(s, absl::StrCat("seed ", seed));
    for (size_t i = 0; i < plain.size(); ++i) (plain[i] ? proven : failed)[i]++;
    if (HasFailure()) break;
  }
  for (size_t i = 0; i < 9; ++i) {
    EXPECT_GT(failed[i], 5) << "obligation " << i << " was rarely broken: the comparison says little";
    EXPECT_GT(proven[i], 5) << "obligation " << i;
  }
}

TEST(AgreementTest, ValidRandomModelsProveEverything) {
  for (uint64_t seed = 5000; seed < 5100; ++seed) {
    const policy::System s = testing::RandomModel(seed, /*breaches=*/false);
    for (const ObligationResult& r : ProveAll(s)) {
      EXPECT_EQ(r.verdict, Verdict::kProven) << "seed " << seed << " " << r.info->id
                                             << (r.counterexamples.empty() ? "" : ": " + r.counterexamples[0].message);
    }
  }
}

}  // namespace
}  // namespace septum::proofs
