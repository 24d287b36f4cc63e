// proofs/tv/p15_vacuity.cc — P15: the premises of P10-P14 are satisfiable. The obligations
// with nothing to quantify over (no devices, no memory, no domains) are marked vacuous, and
// every domain the policy gives memory has a non-empty decoded address space (P10's walks).
#include "absl/strings/str_format.h"
#include "proofs/tv/validator.h"

namespace septum::tv {

const TvEntry kVacuityEntry = {
    TvObligation::kVacuity,
    {"P15-vacuity", "The premises of P10-P14 are satisfiable: every domain with memory has a non-empty decoded address space.", "Hyperkernel _check_initial"}};

void Validator::Vacuity(ObligationResult* r) {
  // The sets the obligations quantify over are not empty where the policy says they are not.
  bool any_mapping = false;
  for (const auto& m : want_.maps) any_mapping = any_mapping || !m.empty();
  auto note = [&](TvObligation o, bool premise, const char* why) {
    if (!premise) {
      result(o).vacuous = true;
      result(o).vacuity_note = why;
    }
  };
  note(TvObligation::kPageTables, any_mapping, "no domain maps any memory");
  note(TvObligation::kTablePages, any_mapping, "no domain maps any memory");
  note(TvObligation::kIommuIrq, !s_.devices.empty(), "no devices");
  note(TvObligation::kRecords, !s_.domains.empty(), "no domains");
  // The decoded sets are not empty: a symbolic address inside some run exists for every
  // domain the policy gives memory (else P10's proof would be about nothing).
  for (uint32_t c = 0; c < walks_.size(); ++c) {
    for (int k = 0; k < 2; ++k) {
      if (!walks_[c][k] || want_.maps[c].empty()) continue;
      const std::vector<Item> runs = FromRuns(walks_[c][k]->runs);
      const std::vector<Item> everything = {{0, uint64_t{1} << 52, 0, 0}};
      if (!Intersect(r, runs, everything) && r->verdict != proofs::Verdict::kUnknown) {
        Fail(r, absl::StrFormat("the %s of %s maps nothing, but the policy gives it memory", k ? "EPT" : "NPT", DomainName(c)));
      }
    }
  }
}

}  // namespace septum::tv
