// proofs/tv/validator.h — the core of the translation validation (private to
// //proofs/tv:validate): the Validator whose members prove the obligation groups, what the
// model says (Expected, derived here again, apart from the compiler), and the queries the
// groups share (Differ, Intersect, RelationsDiffer, each decided by Z3 and memoized).
//
// One file per group, each beside its catalogue entry:
//   p10_page_tables.cc      P10 nested page tables (NPT and EPT)
//   p11_table_pages.cc      P11 table pages are only tables; nothing maps the kernel or the blob
//   p12_io_msr_bitmaps.cc   P12 I/O-port and MSR bitmaps
//   p13_iommu_irq.cc        P13 IRQ routes and the AMD-Vi and VT-d tables
//   p14_records.cc          P14 system and domain records, control rights, channels, devices
//   p14_schedule_segments.cc P14 schedule, alignment padding, load segments
//   p15_vacuity.cc          P15 the premises are satisfiable
//   p16_start_state.cc      P16 the PV start state
// validator.cc runs them in dependency order and measures the coverage.
//
// Invariant: an obligation's result is reached by its TvObligation, never by a position, and a
// group adds to its own result only (P15 alone marks the others vacuous, as its statement says).
#ifndef SEPTUM_PROOFS_TV_VALIDATOR_H_
#define SEPTUM_PROOFS_TV_VALIDATOR_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kernel/abi/tables.h"
#include "policy/model.h"
#include "proofs/obligations.h"
#include "proofs/tv/blob_reader.h"
#include "proofs/tv/image_facts.h"
#include "proofs/tv/validate.h"

namespace septum::tv {

// The obligations, in the order of TvCatalogue().
enum class TvObligation : uint8_t { kPageTables, kTablePages, kIoMsrBitmaps, kIommuIrq, kRecords, kVacuity, kStartState };
inline constexpr size_t kTvObligationCount = 7;

// An obligation and its catalogue entry; each is defined in its group's file.
struct TvEntry {
  TvObligation obligation;
  proofs::ObligationInfo info;
};
extern const TvEntry kPageTablesEntry;    // P10-page-tables
extern const TvEntry kTablePagesEntry;    // P11-table-pages
extern const TvEntry kIoMsrBitmapsEntry;  // P12-io-msr-bitmaps
extern const TvEntry kIommuIrqEntry;      // P13-iommu-irq
extern const TvEntry kRecordsEntry;       // P14-records
extern const TvEntry kVacuityEntry;       // P15-vacuity
extern const TvEntry kStartStateEntry;    // P16-start-state

// A stretch of values [lo, lo + size) with a translation offset and an attribute: a mapping
// run (offset = host - guest, attribute = access), or a set of ports / MSRs (offset 0).
struct Item {
  uint64_t lo = 0, size = 0;
  uint64_t offset = 0;
  uint8_t attr = 0;
};

using Tuple = std::vector<uint64_t>;

inline void SortByLo(std::vector<Item>* items) {
  std::sort(items->begin(), items->end(), [](const Item& a, const Item& b) { return a.lo < b.lo; });
}

std::vector<Item> FromRuns(const std::vector<Run>& runs);

// What the model says, derived here apart from the compiler.
struct Expected {
  std::vector<uint32_t> order;              // canonical position -> model domain
  std::vector<uint32_t> rank;               // model domain -> canonical position
  std::vector<std::vector<Item>> maps;      // by canonical position: regions, channel ends, owned MMIO
  std::vector<std::vector<Item>> dma_maps;  // by canonical position: regions and channel ends, r/w only
};

Expected Derive(const policy::System& s);

// A fixed-size name field as a string (up to its first NUL).
std::string Name(const uint8_t* field, size_t n);

// The field holds exactly `want`, NUL-padded.
template <size_t N>
bool NameIs(const uint8_t (&field)[N], const std::string& want) {
  if (want.size() >= N) return false;
  for (size_t i = 0; i < N; ++i) {
    if (field[i] != (i < want.size() ? static_cast<uint8_t>(want[i]) : 0)) return false;
  }
  return true;
}

template <typename T>
bool AllZero(const T& field) {
  const auto* p = reinterpret_cast<const uint8_t*>(&field);
  return std::all_of(p, p + sizeof(T), [](uint8_t b) { return b == 0; });
}

// The model's bits as ABI bits through `map` (model bit, ABI bit): mapped bit by bit, not
// assumed equal.
uint32_t AbiBits(uint8_t model, std::initializer_list<std::pair<uint8_t, uint32_t>> map);
// The model's control rights as ABI bits.
uint32_t AbiRights(uint8_t rights);

class Validator {
 public:
  Validator(const policy::System& s, const std::vector<uint8_t>& blob, const std::vector<ImageFacts>* images, TvSession::State* z,
            const TvOptions& options);

  TvOutcome Run();

 private:
  using ObligationResult = proofs::ObligationResult;

  ObligationResult& result(TvObligation o) { return results_[static_cast<size_t>(o)]; }

  // ---- the groups (one file each; see the banner) ----
  void PageTables(ObligationResult* r);  // P10
  void TablePages(ObligationResult* r);  // P11
  void IoMsrBitmaps(ObligationResult* r);  // P12
  void IommuIrq(ObligationResult* r);    // P13
  void IrqRoutes(ObligationResult* r);
  void IommuTables(ObligationResult* r);
  void Records(ObligationResult* r);     // P14: system and domain records, then the rest below
  void Rights(ObligationResult* r);
  void Channels(ObligationResult* r);
  void Devices(ObligationResult* r);
  void Schedule(ObligationResult* r);
  void Padding(ObligationResult* r);
  void Segments(ObligationResult* r);    // P14, after the walks of P10
  void Vacuity(ObligationResult* r);     // P15
  void StartState(ObligationResult* r);  // P16

  // ---- shared by the groups (validator.cc) ----
  static void Fail(ObligationResult* r, std::string message, policy::Span where = {}, std::string what = {});

  // ∃x. (x ∈ have) ≠ (x ∈ want), or x lies in a `have` item and a `want` item that disagree
  // on offset or attribute. Returns the witness x when such an x exists.
  std::optional<uint64_t> Differ(ObligationResult* r, const std::vector<Item>& have, const std::vector<Item>& want);
  // ∃x. x ∈ a ∧ x ∈ b.
  std::optional<uint64_t> Intersect(ObligationResult* r, const std::vector<Item>& a_items, const std::vector<Item>& b_items);
  // ∃t. (t ∈ have) ≠ (t ∈ want) over tuples of `arity` integers. Returns the witness tuple.
  std::optional<Tuple> RelationsDiffer(ObligationResult* r, const char* what, size_t arity, const std::vector<Tuple>& have,
                                       const std::vector<Tuple>& want);
  // Reports a relation difference: which side has the witness tuple.
  void ReportTuple(ObligationResult* r, const std::string& what, const std::vector<Tuple>& have, const Tuple& t,
                   const std::function<std::string(const Tuple&)>& text, policy::Span where = {});

  // "`dom0`", "the kernel", "idle" for a canonical domain index or owner.
  std::string DomainName(uint64_t c) const;
  // "-> 0x1000 rw-" or "not mapped": what `items` say of x.
  static std::string Say(const std::vector<Item>& items, uint64_t x);

  // The records of a section, marked covered; nullopt (and a failure) if it cannot be read.
  template <typename T>
  std::optional<std::vector<T>> ReadRecords(ObligationResult* r, tables::SectionKind kind) {
    absl::StatusOr<std::vector<T>> v = reader_.Records<T>(kind);
    if (!v.ok()) {
      Fail(r, std::string(v.status().message()));
      return std::nullopt;
    }
    CoverSection(kind);
    return *std::move(v);
  }
  void CoverSection(tables::SectionKind kind);
  // [phys, phys + size) lies inside the section of `kind`.
  bool InSection(tables::SectionKind kind, uint64_t phys, uint64_t size) const;

  Coverage MeasureCoverage() const;

  const policy::System& s_;
  const std::vector<ImageFacts>* images_;  // model order, or nullptr
  TvSession::State& z_;
  TvOptions options_;
  BlobReader reader_;
  Expected want_;
  std::vector<ObligationResult> results_;  // by TvObligation
  // Decoded by one group, used by later ones.
  tables::SystemRecord system_{};             // Records; read by IommuTables
  std::vector<tables::DomainRecord> records_;  // Records, canonical order
  bool records_broken_ = false;
  std::vector<std::array<std::optional<Walk>, 2>> walks_;  // PageTables: NPT, EPT per domain
  std::vector<std::pair<uint64_t, std::string>> iommu_pages_;  // IommuTables: page, whose
  std::vector<Item> iommu_reach_;                          // IommuTables: host memory devices reach
  std::vector<std::pair<uint64_t, uint64_t>> padding_;       // Padding: offset, size
  bool padding_checked_ = true;
};

}  // namespace septum::tv

#endif  // SEPTUM_PROOFS_TV_VALIDATOR_H_
