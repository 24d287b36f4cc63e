// proofs/tv/validator.cc — the validator's core: the session's Z3 engine and memo, the queries
// the groups share, the expected model, the order the groups run in, the coverage, and the
// public entry points of validate.h. See validator.h.
#include "proofs/tv/validator.h"

#include <chrono>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proofs/z3_engine.h"

namespace septum::tv {

using proofs::Counterexample;
using proofs::ObligationResult;
using proofs::Verdict;

// One Z3 engine and the answers of the queries decided so far, keyed by the query's inputs.
struct TvSession::State {
  struct Answer {
    proofs::Z3Answer check;
    std::vector<uint64_t> witness;  // the query's variables, when sat
  };
  proofs::Z3Engine engine;
  std::unordered_map<std::string, Answer> memo;
};

TvSession::TvSession() : state_(std::make_unique<State>()) {}
TvSession::~TvSession() = default;
size_t TvSession::queries() const { return state_->memo.size(); }

namespace {

// A query's memo key: its kind and every field of its items. Fields, not the items' bytes: an
// Item has padding, whose bytes are indeterminate, and keys that differ in them would miss the
// memo at random (answers, and so witnesses and rlimit counts, would vary from run to run).
std::string Key(const char* kind, const std::vector<Item>& a, const std::vector<Item>& b) {
  std::string k = kind;
  for (const auto* v : {&a, &b}) {
    absl::StrAppend(&k, "|", v->size(), ":");
    for (const Item& it : *v) {
      const uint64_t fields[4] = {it.lo, it.size, it.offset, it.attr};
      k.append(reinterpret_cast<const char*>(fields), sizeof(fields));
    }
  }
  return k;
}

// Queries of up to this many terms share the engine's solver through push/pop; larger ones
// get a fresh solver (see Z3Engine::Decide).
constexpr size_t kSmallQuery = 64;

// Decides `build`'s formula over `vars` fresh integers, or returns the memoized answer (each
// query is a pure function of its inputs, which `key` spells out).
const TvSession::State::Answer& Decide(TvSession::State& z, const std::string& key, size_t vars, size_t size,
                                       const std::function<z3::expr(const z3::expr_vector&)>& build) {
  auto it = z.memo.find(key);
  if (it != z.memo.end()) return it->second;
  z3::context& c = z.engine.ctx();
  z3::expr_vector x(c);
  for (size_t i = 0; i < vars; ++i) x.push_back(c.int_const(absl::StrCat("x", i).c_str()));
  TvSession::State::Answer a;
  a.check = z.engine.Decide([&] { return build(x); }, size <= kSmallQuery, [&](const z3::model& m) {
    for (size_t i = 0; i < vars; ++i) {
      uint64_t v = 0;
      m.eval(x[i], true).is_numeral_u64(v);
      a.witness.push_back(v);
    }
  });
  return z.memo.emplace(key, std::move(a)).first->second;
}

// Charges a query's answer to `r`: true when it refutes the difference (proven) or Z3 gave up
// (nothing to report beyond the unknown verdict; a failure found before stands).
bool Proven(ObligationResult* r, const TvSession::State::Answer& a) { return !proofs::Charge(a.check, r, /*failure_stands=*/true); }

}  // namespace

std::vector<Item> FromRuns(const std::vector<Run>& runs) {
  std::vector<Item> out;
  for (const Run& r : runs) out.push_back({r.guest, r.size, r.host - r.guest, r.access});
  return out;
}

Expected Derive(const policy::System& s) {
  Expected e;
  e.order.resize(s.domains.size());
  for (uint32_t i = 0; i < e.order.size(); ++i) e.order[i] = i;
  std::sort(e.order.begin(), e.order.end(), [&](uint32_t a, uint32_t b) { return s.domains[a].name < s.domains[b].name; });
  e.rank.resize(s.domains.size());
  for (uint32_t c = 0; c < e.order.size(); ++c) e.rank[e.order[c]] = c;
  e.maps.resize(s.domains.size());
  e.dma_maps.resize(s.domains.size());
  for (uint32_t c = 0; c < e.order.size(); ++c) {
    const uint32_t d = e.order[c];
    std::vector<Item>& m = e.maps[c];
    auto add = [&](uint64_t guest, uint64_t size, uint64_t host, uint8_t access) { m.push_back({guest, size, host - guest, access}); };
    for (uint32_t r : s.domains[d].regions) {
      const policy::Region& reg = s.regions[r];
      if (reg.host.size) add(reg.guest, reg.host.size, reg.host.base, reg.perms);
    }
    for (const policy::Channel& ch : s.channels) {
      if (ch.host.size && ch.writer.domain == d) add(ch.writer.guest, ch.host.size, ch.host.base, paging::kRead | paging::kWrite);
      if (ch.host.size && ch.reader.domain == d) add(ch.reader.guest, ch.host.size, ch.host.base, paging::kRead);
    }
    e.dma_maps[c] = m;
    for (Item& it : e.dma_maps[c]) it.attr &= paging::kRead | paging::kWrite;
    for (uint32_t dev : s.domains[d].devices) {
      const policy::Device& device = s.devices[dev];
      if (device.owner.kind != policy::Owner::Kind::kDomain || device.owner.domain != d) continue;
      for (const policy::Mmio& mm : device.mmio) add(mm.range.base, mm.range.size, mm.range.base, paging::kRead | paging::kWrite);
    }
    SortByLo(&m);
    SortByLo(&e.dma_maps[c]);
  }
  return e;
}

std::string Name(const uint8_t* field, size_t n) {
  return std::string(reinterpret_cast<const char*>(field), strnlen(reinterpret_cast<const char*>(field), n));
}

uint32_t AbiBits(uint8_t model, std::initializer_list<std::pair<uint8_t, uint32_t>> map) {
  uint32_t out = 0;
  for (auto [m, a] : map) out |= (model & m) ? a : 0;
  return out;
}

uint32_t AbiRights(uint8_t rights) {
  return AbiBits(rights, {{policy::kRightStart, tables::kRightStart}, {policy::kRightStop, tables::kRightStop},
                          {policy::kRightPause, tables::kRightPause}, {policy::kRightResume, tables::kRightResume},
                          {policy::kRightQuery, tables::kRightQuery}});
}

Validator::Validator(const policy::System& s, const std::vector<uint8_t>& blob, const std::vector<ImageFacts>* images, TvSession::State* z,
                     const TvOptions& options)
    : s_(s), images_(images), z_(*z), options_(options), reader_(blob), want_(Derive(s)) {}

TvOutcome Validator::Run() {
  results_.resize(TvCatalogue().size());
  for (size_t i = 0; i < results_.size(); ++i) {
    results_[i].info = &TvCatalogue()[i];
    results_[i].verdict = Verdict::kProven;
  }
  TvOutcome out;
  std::string missing;
  if (reader_.problem() == BlobProblem::kNone) {
    for (auto k : {tables::SectionKind::kSystem, tables::SectionKind::kDomains, tables::SectionKind::kRights, tables::SectionKind::kChannels,
                   tables::SectionKind::kIrqRoutes, tables::SectionKind::kSchedule, tables::SectionKind::kSegments,
                   tables::SectionKind::kPageTables, tables::SectionKind::kIoBitmaps, tables::SectionKind::kIommu,
                   tables::SectionKind::kStartState, tables::SectionKind::kDevices, tables::SectionKind::kDeviceResources}) {
      if (!reader_.Section(k)) absl::StrAppend(&missing, missing.empty() ? "" : ", ", SectionName(k));
    }
  }
  if (reader_.problem() != BlobProblem::kNone || !missing.empty()) {
    for (ObligationResult& r : results_) {
      Fail(&r, absl::StrCat("the blob is not valid: ", reader_.problem() != BlobProblem::kNone ? BlobProblemText(reader_.problem())
                                                                                               : absl::StrCat("no ", missing, " section")));
    }
    out.results = std::move(results_);
    out.coverage = MeasureCoverage();
    return out;
  }
  const tables::BlobHeader& h = reader_.header();
  reader_.CoverOffset(0, sizeof(tables::BlobHeader) + uint64_t{h.section_count} * sizeof(tables::SectionEntry));
  // In dependency order: the records the others follow; the IOMMU decode and the nested walks
  // (P11 and the segments need both); the rest.
  struct Step {
    TvObligation obligation;
    void (Validator::*run)(ObligationResult*);
  };
  static constexpr Step kSteps[] = {
      {TvObligation::kRecords, &Validator::Records},       {TvObligation::kIommuIrq, &Validator::IommuIrq},
      {TvObligation::kPageTables, &Validator::PageTables}, {TvObligation::kIoMsrBitmaps, &Validator::IoMsrBitmaps},
      {TvObligation::kTablePages, &Validator::TablePages}, {TvObligation::kRecords, &Validator::Segments},
      {TvObligation::kStartState, &Validator::StartState}, {TvObligation::kVacuity, &Validator::Vacuity},
  };
  for (const Step& step : kSteps) {
    ObligationResult& r = result(step.obligation);
    const auto start = std::chrono::steady_clock::now();
    (this->*step.run)(&r);
    r.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (step.obligation == TvObligation::kRecords && records_broken_) {
      for (ObligationResult& other : results_) {
        if (&other != &r) Fail(&other, "the system or domain records cannot be read (see P14-records)");
      }
      break;
    }
    if (options_.stop_at_first_failure && r.verdict != Verdict::kProven) {
      for (ObligationResult& x : results_) {
        if (x.verdict == Verdict::kProven) Fail(&x, "not decided: validation stopped at the first failure");
      }
      break;
    }
  }
  out.results = std::move(results_);
  out.coverage = MeasureCoverage();
  return out;
}

void Validator::Fail(ObligationResult* r, std::string message, policy::Span where, std::string what) {
  r->verdict = Verdict::kFailed;
  if (r->counterexamples.size() >= proofs::kMaxCounterexamples) return;
  Counterexample c{std::move(message), {}};
  if (where.line) c.places.push_back({where, std::move(what)});
  r->counterexamples.push_back(std::move(c));
}

std::optional<uint64_t> Validator::Differ(ObligationResult* r, const std::vector<Item>& have, const std::vector<Item>& want) {
  const TvSession::State::Answer& a = Decide(z_, Key("maps", have, want), 1, have.size() + want.size(), [&](const z3::expr_vector& v) {
    z3::context& c = z_.engine.ctx();
    const z3::expr x = v[0];
    auto in = [&](const Item& it) { return x >= c.int_val(it.lo) && x < c.int_val(it.lo) + c.int_val(it.size); };
    z3::expr_vector in_have(c), in_want(c), disagree(c);
    for (const Item& it : have) in_have.push_back(in(it));
    for (const Item& it : want) in_want.push_back(in(it));
    // Overlapping pairs that disagree, found in C++ (cross-checked against the all-pairs
    // encoding by the tests): with `want` sorted and disjoint, a binary search per `have`
    // item finds its overlaps; otherwise every pair is tried.
    bool sorted_disjoint = true;
    for (size_t j = 1; j < want.size(); ++j) sorted_disjoint = sorted_disjoint && want[j - 1].lo + want[j - 1].size <= want[j].lo;
    for (const Item& h : have) {
      size_t j = 0;
      if (sorted_disjoint) {
        j = std::partition_point(want.begin(), want.end(), [&](const Item& w) { return w.lo + w.size <= h.lo; }) - want.begin();
      }
      for (; j < want.size(); ++j) {
        const Item& w = want[j];
        if (sorted_disjoint && w.lo >= h.lo + h.size) break;
        if (w.lo < h.lo + h.size && h.lo < w.lo + w.size && (w.offset != h.offset || w.attr != h.attr)) {
          disagree.push_back(in(h) && in(w));
        }
      }
    }
    auto any = [&](z3::expr_vector& e) { return e.empty() ? c.bool_val(false) : z3::mk_or(e); };
    return any(in_have) != any(in_want) || any(disagree);
  });
  if (Proven(r, a)) return std::nullopt;
  return a.witness[0];
}

std::optional<uint64_t> Validator::Intersect(ObligationResult* r, const std::vector<Item>& a_items, const std::vector<Item>& b_items) {
  const TvSession::State::Answer& a = Decide(z_, Key("meet", a_items, b_items), 1, a_items.size() + b_items.size(), [&](const z3::expr_vector& v) {
    z3::context& c = z_.engine.ctx();
    const z3::expr x = v[0];
    z3::expr_vector ia(c), ib(c);
    for (const Item& it : a_items) ia.push_back(x >= c.int_val(it.lo) && x < c.int_val(it.lo) + c.int_val(it.size));
    for (const Item& it : b_items) ib.push_back(x >= c.int_val(it.lo) && x < c.int_val(it.lo) + c.int_val(it.size));
    if (ia.empty() || ib.empty()) return c.bool_val(false);
    return z3::mk_or(ia) && z3::mk_or(ib);
  });
  if (Proven(r, a)) return std::nullopt;
  return a.witness[0];
}

std::optional<Tuple> Validator::RelationsDiffer(ObligationResult* r, const char* what, size_t arity, const std::vector<Tuple>& have,
                                                const std::vector<Tuple>& want) {
  std::string key = absl::StrCat("rel|", what, "|", arity);
  for (const auto* v : {&have, &want}) {
    absl::StrAppend(&key, "|", v->size(), ":");
    for (const Tuple& t : *v) key.append(reinterpret_cast<const char*>(t.data()), t.size() * sizeof(uint64_t));
  }
  const TvSession::State::Answer& a = Decide(z_, key, arity, (have.size() + want.size()) * arity, [&](const z3::expr_vector& x) {
    z3::context& c = z_.engine.ctx();
    auto member = [&](const std::vector<Tuple>& rel) {
      z3::expr_vector any(c);
      for (const Tuple& t : rel) {
        z3::expr_vector all(c);
        for (size_t i = 0; i < arity; ++i) all.push_back(x[i] == c.int_val(t[i]));
        any.push_back(z3::mk_and(all));
      }
      return any.empty() ? c.bool_val(false) : z3::mk_or(any);
    };
    return member(have) != member(want);
  });
  if (Proven(r, a)) return std::nullopt;
  return a.witness;
}

void Validator::ReportTuple(ObligationResult* r, const std::string& what, const std::vector<Tuple>& have, const Tuple& t,
                            const std::function<std::string(const Tuple&)>& text, policy::Span where) {
  const bool in_blob = std::find(have.begin(), have.end(), t) != have.end();
  Fail(r, absl::StrCat(what, ": ", text(t), in_blob ? " is in the blob but not in the policy" : " is in the policy but not in the blob"), where,
       what);
}

std::string Validator::DomainName(uint64_t c) const {
  if (c == tables::kKernelOwner) return "the kernel";
  if (c == tables::kNoDomain) return "idle";
  return c < want_.order.size() ? absl::StrCat("`", s_.domains[want_.order[c]].name, "`") : absl::StrCat("domain #", c);
}

std::string Validator::Say(const std::vector<Item>& items, uint64_t x) {
  for (const Item& it : items) {
    if (x - it.lo < it.size) return absl::StrFormat("-> %#x %s", x + it.offset, AccessText(it.attr));
  }
  return "not mapped";
}

void Validator::CoverSection(tables::SectionKind kind) {
  const tables::SectionEntry* sec = reader_.Section(kind);
  if (sec) reader_.CoverOffset(sec->offset, sec->size);
}

bool Validator::InSection(tables::SectionKind kind, uint64_t phys, uint64_t size) const {
  const tables::SectionEntry* sec = reader_.Section(kind);
  const uint64_t base = reader_.header().load_address + sec->offset;
  return phys >= base && phys - base <= sec->size && size <= sec->size - (phys - base);
}

Coverage Validator::MeasureCoverage() const {
  Coverage cov;
  if (reader_.problem() != BlobProblem::kNone) return cov;
  const tables::BlobHeader& h = reader_.header();
  auto count = [&](uint64_t off, uint64_t size) { return reader_.CoveredBytes(off, size); };
  const uint64_t dir = sizeof(h) + uint64_t{h.section_count} * sizeof(tables::SectionEntry);
  cov.parts.push_back({"header and section directory", dir, count(0, dir), "container check (magic, version, length, directory, SHA-256)"});
  static const char* kBy[] = {"", "P14", "P10, P11", "P12", "P14", "P13", "P14", "P13, P11", "P14", "P14", "P14", "P16", "P14", "P14"};
  for (const tables::SectionEntry& sec : reader_.view().sections) {
    cov.parts.push_back({SectionName(static_cast<tables::SectionKind>(sec.kind)), sec.size, count(sec.offset, sec.size),
                         sec.kind <= tables::kMaxSectionKind ? kBy[sec.kind] : ""});
  }
  uint64_t pad = 0;
  for (const auto& [off, size] : padding_) pad += size;
  cov.parts.push_back({"alignment padding", pad, padding_checked_ ? pad : 0, "P14 (must be zero)"});
  for (const CoveragePart& p : cov.parts) {
    cov.bytes += p.bytes;
    cov.covered += p.covered;
  }
  return cov;
}

bool TvOutcome::ok() const {
  return std::all_of(results.begin(), results.end(), [](const ObligationResult& r) { return r.verdict == Verdict::kProven; });
}

const std::vector<proofs::ObligationInfo>& TvCatalogue() {
  static const std::vector<proofs::ObligationInfo> kCatalogue = [] {
    std::vector<proofs::ObligationInfo> c(kTvObligationCount);
    for (const TvEntry* e : {&kPageTablesEntry, &kTablePagesEntry, &kIoMsrBitmapsEntry, &kIommuIrqEntry, &kRecordsEntry, &kVacuityEntry,
                             &kStartStateEntry}) {
      c[static_cast<size_t>(e->obligation)] = e->info;
    }
    return c;
  }();
  return kCatalogue;
}

TvOutcome ValidateTables(const policy::System& system, const std::vector<uint8_t>& blob, const std::vector<ImageFacts>* images,
                         TvSession* session, const TvOptions& options) {
  if (session) return Validator(system, blob, images, session->state(), options).Run();
  TvSession local;  // a Z3 context costs ~50 ms: made only when the caller brings none
  return Validator(system, blob, images, local.state(), options).Run();
}

std::string CoverageText(const Coverage& c) {
  std::string o = "coverage of the blob by the translation validation:\n";
  for (const CoveragePart& p : c.parts) {
    absl::StrAppendFormat(&o, "  %-30s %10d bytes  %10d covered  %6.2f%%  %s\n", p.name, p.bytes, p.covered,
                          p.bytes ? 100.0 * p.covered / p.bytes : 100.0, p.by);
  }
  absl::StrAppendFormat(&o, "  %-30s %10d bytes  %10d covered  %6.2f%%\n", "total", c.bytes, c.covered, c.bytes ? 100.0 * c.covered / c.bytes : 100.0);
  return o;
}

}  // namespace septum::tv
