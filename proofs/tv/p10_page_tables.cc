// proofs/tv/p10_page_tables.cc — P10: the nested page tables (NPT and EPT) of every domain,
// walked from the roots its record names, map exactly what the policy maps. The walks are
// kept for P11, P14's segments and P15.
#include <tuple>

#include "absl/strings/str_format.h"
#include "proofs/tv/validator.h"

namespace septum::tv {

const TvEntry kPageTablesEntry = {
    TvObligation::kPageTables,
    {"P10-page-tables", "For every domain and guest-physical address, the NPT and EPT decoded from the blob give exactly the policy's frame and access, and nothing where the policy maps nothing.", "Hyperkernel pgwalk corollary; Muen generator bugs found by Haque et al. 2020"}};

void Validator::PageTables(ObligationResult* r) {
  walks_.assign(records_.size(), {});
  for (uint32_t c = 0; c < records_.size(); ++c) {
    const tables::DomainRecord& rec = records_[c];
    const uint32_t d = want_.order[c];
    int k = 0;
    for (auto [name, format, root] : {std::tuple{"NPT", paging::Format::kNpt, rec.npt_root}, std::tuple{"EPT", paging::Format::kEpt, rec.ept_root}}) {
      absl::StatusOr<Walk> w = reader_.WalkTables(format, root);
      if (!w.ok()) {
        Fail(r, absl::StrFormat("the %s of `%s` is malformed: %s", name, s_.domains[d].name, w.status().message()), s_.domains[d].where,
             s_.domains[d].name);
        ++k;
        continue;
      }
      for (uint64_t page : w->table_pages) reader_.Cover(page, paging::kPageSize);
      const std::vector<Item> have = FromRuns(w->runs);
      if (std::optional<uint64_t> gpa = Differ(r, have, want_.maps[c])) {
        Fail(r, absl::StrFormat("in the %s of `%s`, guest-physical %#x: the tables say %s, the policy says %s", name, s_.domains[d].name, *gpa,
                                Say(have, *gpa), Say(want_.maps[c], *gpa)),
             s_.domains[d].where, s_.domains[d].name);
      }
      walks_[c][k++] = *std::move(w);
    }
  }
}

}  // namespace septum::tv
