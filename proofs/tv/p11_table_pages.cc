// proofs/tv/p11_table_pages.cc — P11: table pages are only tables. Every page of the nested and
// IOMMU tables (decoded by P10 and P13) is reached from exactly one slot, the page-table
// section holds no page that no root reaches, and no domain or device can reach the kernel's
// memory or any byte of the blob.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proofs/tv/validator.h"

namespace septum::tv {

const TvEntry kTablePagesEntry = {
    TvObligation::kTablePages,
    {"P11-table-pages", "Every table page is reached from exactly one slot, none is left over, and no domain or device maps kernel memory or any byte of the tables.", "Hyperkernel isolation lemma"}};

void Validator::TablePages(ObligationResult* r) {
  // Every table page (nested and IOMMU) is reached from exactly one slot across the blob,
  // and the page-table section holds no page that no root reaches.
  std::vector<std::pair<uint64_t, std::string>> pages;
  std::vector<Item> reach;  // host-physical memory some domain or device can reach
  for (uint32_t c = 0; c < walks_.size(); ++c) {
    for (int k = 0; k < 2; ++k) {
      const std::optional<Walk>& w = walks_[c][k];
      if (!w) continue;
      for (uint64_t page : w->table_pages) pages.push_back({page, absl::StrCat(k ? "the EPT" : "the NPT", " of ", DomainName(c))});
      for (const tv::Run& run : w->runs) reach.push_back({run.host, run.size, 0, 0});
    }
  }
  for (const auto& [page, owner] : iommu_pages_) pages.push_back({page, owner});
  for (const Item& it : iommu_reach_) reach.push_back(it);
  std::sort(pages.begin(), pages.end());
  for (size_t i = 1; i < pages.size(); ++i) {
    if (pages[i].first == pages[i - 1].first) {
      Fail(r, absl::StrFormat("table page %#x is used twice: by %s and by %s", pages[i].first, pages[i - 1].second, pages[i].second));
    }
  }
  const tables::SectionEntry* pt = reader_.Section(tables::SectionKind::kPageTables);
  const uint64_t pt_base = reader_.header().load_address + pt->offset;
  size_t in_section = 0;
  for (const auto& [page, owner] : pages) in_section += page >= pt_base && page - pt_base < pt->size;
  if (in_section != pt->size / paging::kPageSize || pt->size % paging::kPageSize) {
    Fail(r, absl::StrFormat("the page-table section holds %d pages but %d are reached from the domains' roots", pt->size / paging::kPageSize,
                            in_section));
  }
  // No domain or device reaches the kernel's memory or any byte of the blob (which holds every table).
  std::vector<Item> kernel = {{s_.kernel.memory.base, s_.kernel.memory.size, 0, 0},
                              {reader_.header().load_address, reader_.header().total_size, 0, 0}};
  SortByLo(&reach);
  if (std::optional<uint64_t> hpa = Intersect(r, kernel, reach)) {
    Fail(r, absl::StrFormat("host-physical %#x holds kernel memory or tables, and a domain or device maps it", *hpa));
  }
}

}  // namespace septum::tv
