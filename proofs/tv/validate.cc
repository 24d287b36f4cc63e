// proofs/tv/validate.cc — see validate.h.
#include "proofs/tv/validate.h"

#include <z3++.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/io_bitmaps.h"
#include "kernel/abi/start_info.h"
#include "kernel/abi/tables.h"
#include "kernel/abi/version.h"
#include "proofs/tv/blob_reader.h"
#include "proofs/tv/io_decode.h"
#include "proofs/tv/iommu_decode.h"

namespace septum::tv {

using proofs::Counterexample;
using proofs::ObligationResult;
using proofs::Verdict;

// One Z3 context and the answers of the queries decided so far, keyed by the query's inputs.
struct TvSession::State {
  z3::context ctx;
  struct Answer {
    z3::check_result result = z3::unknown;
    std::vector<uint64_t> witness;
    std::string reason;
    uint64_t rlimit = 0;
  };
  std::unordered_map<std::string, Answer> memo;
  std::optional<z3::solver> shared;  // for small queries, through push/pop
};

TvSession::TvSession() : state_(std::make_unique<State>()) {}
TvSession::~TvSession() = default;
size_t TvSession::queries() const { return state_->memo.size(); }

namespace {

// A stretch of values [lo, lo + size) with a translation offset and an attribute: a mapping
// run (offset = host - guest, attribute = access), or a set of ports / MSRs (offset 0).
struct Item {
  uint64_t lo = 0, size = 0;
  uint64_t offset = 0;
  uint8_t attr = 0;
};

using Tuple = std::vector<uint64_t>;

std::string Key(const char* kind, const std::vector<Item>& a, const std::vector<Item>& b) {
  std::string k = kind;
  for (const auto* v : {&a, &b}) {
    absl::StrAppend(&k, "|", v->size(), ":");
    k.append(reinterpret_cast<const char*>(v->data()), v->size() * sizeof(Item));
  }
  return k;
}

std::string Name(const uint8_t* field, size_t n) { return std::string(reinterpret_cast<const char*>(field), strnlen(reinterpret_cast<const char*>(field), n)); }

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

// The model's hypercall groups and rights as ABI bits (mapped bit by bit, not assumed equal).
uint32_t AbiHypercalls(uint8_t groups) {
  const std::pair<uint8_t, uint32_t> kMap[] = {{policy::kHcConsole, tables::kGroupConsole}, {policy::kHcYield, tables::kGroupYield},
                                               {policy::kHcTime, tables::kGroupTime},       {policy::kHcChannel, tables::kGroupChannel},
                                               {policy::kHcControl, tables::kGroupControl}};
  uint32_t out = 0;
  for (auto [m, a] : kMap) out |= (groups & m) ? a : 0;
  return out;
}

uint32_t AbiRights(uint8_t rights) {
  const std::pair<uint8_t, uint32_t> kMap[] = {{policy::kRightStart, tables::kRightStart}, {policy::kRightStop, tables::kRightStop},
                                               {policy::kRightPause, tables::kRightPause}, {policy::kRightResume, tables::kRightResume},
                                               {policy::kRightQuery, tables::kRightQuery}};
  uint32_t out = 0;
  for (auto [m, a] : kMap) out |= (rights & m) ? a : 0;
  return out;
}

// What the model says, derived here apart from the compiler.
struct Expected {
  std::vector<uint32_t> order;  // canonical position -> model domain
  std::vector<uint32_t> rank;   // model domain -> canonical position
  std::vector<std::vector<Item>> maps;     // by canonical position: regions, channel ends, owned MMIO
  std::vector<std::vector<Item>> dma_maps; // by canonical position: regions and channel ends, r/w only
};

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
    for (auto* v : {&m, &e.dma_maps[c]}) std::sort(v->begin(), v->end(), [](const Item& a, const Item& b) { return a.lo < b.lo; });
  }
  return e;
}

std::vector<Item> FromRuns(const std::vector<tv::Run>& runs) {
  std::vector<Item> out;
  for (const tv::Run& r : runs) out.push_back({r.guest, r.size, r.host - r.guest, r.access});
  return out;
}

class Validator {
 public:
  Validator(const policy::System& s, const std::vector<uint8_t>& blob, const std::vector<compiler::Image>* images, TvSession::State* z,
            const TvOptions& options)
      : s_(s), images_(images), z_(*z), options_(options), reader_(blob), want_(Derive(s)) {}

  TvOutcome Run() {
    TvOutcome out;
    out.results.resize(TvCatalogue().size());
    for (size_t i = 0; i < out.results.size(); ++i) {
      out.results[i].info = &TvCatalogue()[i];
      out.results[i].verdict = Verdict::kProven;
    }
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
      for (ObligationResult& r : out.results) {
        Fail(&r, absl::StrCat("the blob is not valid: ", reader_.problem() != BlobProblem::kNone ? BlobProblemText(reader_.problem())
                                                                                                 : absl::StrCat("no ", missing, " section")));
      }
      out.coverage = MeasureCoverage();
      return out;
    }
    const tables::BlobHeader& h = reader_.header();
    reader_.CoverOffset(0, sizeof(tables::BlobHeader) + uint64_t{h.section_count} * sizeof(tables::SectionEntry));
    ObligationResult* r = out.results.data();
    // In dependency order: the records the others follow; the IOMMU decode and the nested
    // walks (P11 and the segments need both); the rest.
    const std::pair<int, std::function<void(ObligationResult*)>> steps[] = {
        {4, [&](ObligationResult* x) { P14Records(x); }}, {3, [&](ObligationResult* x) { P13(x); }},
        {0, [&](ObligationResult* x) { P10(x); }},        {2, [&](ObligationResult* x) { P12(x); }},
        {1, [&](ObligationResult* x) { P11(x); }},        {4, [&](ObligationResult* x) { P14Segments(x); }},
        {6, [&](ObligationResult* x) { P16(x); }},        {5, [&](ObligationResult* x) { P15(x, out.results); }},
    };
    for (const auto& [index, step] : steps) {
      Timed(&r[index], step);
      if (index == 4 && records_broken_) {
        for (int i : {0, 1, 2, 3, 5, 6}) Fail(&r[i], "the system or domain records cannot be read (see P14-records)");
        break;
      }
      if (options_.stop_at_first_failure && r[index].verdict != Verdict::kProven) {
        for (ObligationResult& x : out.results) {
          if (x.verdict == Verdict::kProven) Fail(&x, "not decided: validation stopped at the first failure");
        }
        break;
      }
    }
    out.coverage = MeasureCoverage();
    return out;
  }

 private:
  template <typename F>
  void Timed(ObligationResult* r, F f) {
    const auto start = std::chrono::steady_clock::now();
    f(r);
    r->seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  static void Fail(ObligationResult* r, std::string message, policy::Span where = {}, std::string what = {}) {
    r->verdict = Verdict::kFailed;
    if (r->counterexamples.size() >= proofs::kMaxCounterexamples) return;
    Counterexample c{std::move(message), {}};
    if (where.line) c.places.push_back({where, std::move(what)});
    r->counterexamples.push_back(std::move(c));
  }

  // ---- Z3 queries (memoized: each is a pure function of its inputs) ----

  // Decides `build`'s formula over `vars` fresh integers, or returns the memoized answer.
  // Small queries (`size` terms or fewer) share one solver of the session through push/pop —
  // creating a solver costs ~1 ms, a small incremental check ~0.04 ms (measured); large ones
  // get a fresh solver, which PROOFS.md measured faster for one-shot queries.
  const TvSession::State::Answer& Decide(const std::string& key, size_t vars, size_t size,
                                         const std::function<z3::expr(const z3::expr_vector&)>& build) {
    auto it = z_.memo.find(key);
    if (it != z_.memo.end()) return it->second;
    z3::context& c = z_.ctx;
    z3::expr_vector x(c);
    for (size_t i = 0; i < vars; ++i) x.push_back(c.int_const(absl::StrCat("x", i).c_str()));
    auto fresh = [&] {
      z3::solver s(c, "QF_LIA");
      z3::params p(c);
      p.set("rlimit", 50000000u);
      p.set("random_seed", 0u);
      s.set(p);
      return s;
    };
    const bool small = size <= kSmallQuery;
    if (small && !z_.shared) z_.shared.emplace(fresh());
    std::optional<z3::solver> own;
    if (!small) own.emplace(fresh());
    z3::solver& s = small ? *z_.shared : *own;
    auto rlimit = [&] {
      const z3::stats st = s.statistics();
      for (unsigned i = 0; i < st.size(); ++i) {
        if (st.key(i) == "rlimit count") return static_cast<uint64_t>(st.is_uint(i) ? st.uint_value(i) : st.double_value(i));
      }
      return uint64_t{0};
    };
    const uint64_t before = small ? rlimit() : 0;
    if (small) s.push();
    s.add(build(x));
    TvSession::State::Answer a;
    a.result = s.check();
    a.rlimit = rlimit() - before;
    if (a.result == z3::sat) {
      const z3::model m = s.get_model();
      for (size_t i = 0; i < vars; ++i) {
        uint64_t v = 0;
        m.eval(x[i], true).is_numeral_u64(v);
        a.witness.push_back(v);
      }
    } else if (a.result == z3::unknown) {
      a.reason = s.reason_unknown();
    }
    if (small) s.pop();
    return z_.memo.emplace(key, std::move(a)).first->second;
  }
  static constexpr size_t kSmallQuery = 64;

  // Handles a query's answer: true when it refutes the difference (proven).
  bool Proven(ObligationResult* r, const TvSession::State::Answer& a) {
    r->rlimit += a.rlimit;
    if (a.result == z3::unsat) return true;
    if (a.result == z3::unknown) {
      if (r->verdict != Verdict::kFailed) r->verdict = Verdict::kUnknown;
      r->unknown_reason = a.reason;
      return true;  // nothing to report beyond the unknown verdict
    }
    return false;
  }

  // ∃x. (x ∈ have) ≠ (x ∈ want), or x lies in a `have` item and a `want` item that disagree
  // on offset or attribute. Returns the witness x when such an x exists.
  std::optional<uint64_t> Differ(ObligationResult* r, const std::vector<Item>& have, const std::vector<Item>& want) {
    const TvSession::State::Answer& a = Decide(Key("maps", have, want), 1, have.size() + want.size(), [&](const z3::expr_vector& v) {
      z3::context& c = z_.ctx;
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

  // ∃x. x ∈ a ∧ x ∈ b.
  std::optional<uint64_t> Intersect(ObligationResult* r, const std::vector<Item>& a_items, const std::vector<Item>& b_items) {
    const TvSession::State::Answer& a = Decide(Key("meet", a_items, b_items), 1, a_items.size() + b_items.size(), [&](const z3::expr_vector& v) {
      z3::context& c = z_.ctx;
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

  // ∃t. (t ∈ have) ≠ (t ∈ want) over tuples of `arity` integers. Returns the witness tuple.
  std::optional<Tuple> RelationsDiffer(ObligationResult* r, const char* what, size_t arity, const std::vector<Tuple>& have,
                                       const std::vector<Tuple>& want) {
    std::string key = absl::StrCat("rel|", what, "|", arity);
    for (const auto* v : {&have, &want}) {
      absl::StrAppend(&key, "|", v->size(), ":");
      for (const Tuple& t : *v) key.append(reinterpret_cast<const char*>(t.data()), t.size() * sizeof(uint64_t));
    }
    const TvSession::State::Answer& a = Decide(key, arity, (have.size() + want.size()) * arity, [&](const z3::expr_vector& x) {
      z3::context& c = z_.ctx;
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

  // Reports a relation difference: which side has the witness tuple.
  void ReportTuple(ObligationResult* r, const std::string& what, const std::vector<Tuple>& have, const Tuple& t,
                   const std::function<std::string(const Tuple&)>& text, policy::Span where = {}) {
    const bool in_blob = std::find(have.begin(), have.end(), t) != have.end();
    Fail(r, absl::StrCat(what, ": ", text(t), in_blob ? " is in the blob but not in the policy" : " is in the policy but not in the blob"),
         where, what);
  }

  std::string DomainName(uint64_t c) const {
    if (c == tables::kKernelOwner) return "the kernel";
    if (c == tables::kNoDomain) return "idle";
    return c < want_.order.size() ? absl::StrCat("`", s_.domains[want_.order[c]].name, "`") : absl::StrCat("domain #", c);
  }

  // ---- P10: nested page tables ----
  void P10(ObligationResult* r) {
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
          Fail(r, absl::StrFormat("in the %s of `%s`, guest-physical %#x: the tables say %s, the policy says %s", name, s_.domains[d].name,
                                  *gpa, Say(have, *gpa), Say(want_.maps[c], *gpa)),
               s_.domains[d].where, s_.domains[d].name);
        }
        walks_[c][k++] = *std::move(w);
      }
    }
  }

  static std::string Say(const std::vector<Item>& items, uint64_t x) {
    for (const Item& it : items) {
      if (x - it.lo < it.size) return absl::StrFormat("-> %#x %s", x + it.offset, AccessText(it.attr));
    }
    return "not mapped";
  }

  // ---- P11: table pages are only tables ----
  void P11(ObligationResult* r) {
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
    std::sort(reach.begin(), reach.end(), [](const Item& a, const Item& b) { return a.lo < b.lo; });
    if (std::optional<uint64_t> hpa = Intersect(r, kernel, reach)) {
      Fail(r, absl::StrFormat("host-physical %#x holds kernel memory or tables, and a domain or device maps it", *hpa));
    }
  }

  // ---- P12: I/O and MSR bitmaps ----
  void P12(ObligationResult* r) {
    std::vector<Item> whitelist;
    for (uint32_t m : io_bitmaps::kMsrWhitelist) whitelist.push_back({m, 1, 0, 3});
    std::sort(whitelist.begin(), whitelist.end(), [](const Item& a, const Item& b) { return a.lo < b.lo; });
    for (uint32_t c = 0; c < records_.size(); ++c) {
      const tables::DomainRecord& rec = records_[c];
      const policy::Domain& dom = s_.domains[want_.order[c]];
      const absl::Span<const uint8_t> iopm = reader_.At(rec.svm_iopm, io_bitmaps::kSvmIopmBytes);
      const absl::Span<const uint8_t> vmx_io = reader_.At(rec.vmx_io_bitmaps, io_bitmaps::kVmxIoBitmapBytes);
      const absl::Span<const uint8_t> msrpm = reader_.At(rec.svm_msrpm, io_bitmaps::kSvmMsrpmBytes);
      const absl::Span<const uint8_t> vmx_msr = reader_.At(rec.vmx_msr_bitmap, io_bitmaps::kVmxMsrBitmapBytes);
      if (iopm.empty() || vmx_io.empty() || msrpm.empty() || vmx_msr.empty() || !InSection(tables::SectionKind::kIoBitmaps, rec.svm_iopm, iopm.size()) ||
          !InSection(tables::SectionKind::kIoBitmaps, rec.vmx_io_bitmaps, vmx_io.size()) ||
          !InSection(tables::SectionKind::kIoBitmaps, rec.svm_msrpm, msrpm.size()) ||
          !InSection(tables::SectionKind::kIoBitmaps, rec.vmx_msr_bitmap, vmx_msr.size())) {
        Fail(r, absl::StrFormat("a bitmap of `%s` lies outside the I/O-bitmap section", dom.name), dom.where, dom.name);
        continue;
      }
      // Bits the per-port view does not show must intercept: the IOPM's third 4 KiB (accesses
      // that wrap past 0xffff) and the MSRPM's reserved last 2 KiB.
      if (!std::all_of(iopm.begin() + 8192, iopm.end(), [](uint8_t b) { return b == 0xff; })) {
        Fail(r, absl::StrFormat("the SVM IOPM of `%s` lets an access that wraps past port 0xffff through", dom.name), dom.where, dom.name);
      }
      if (!std::all_of(msrpm.begin() + 6144, msrpm.end(), [](uint8_t b) { return b == 0xff; })) {
        Fail(r, absl::StrFormat("the reserved part of the SVM MSRPM of `%s` is not all intercepts", dom.name), dom.where, dom.name);
      }
      for (auto [phys, size] : {std::pair{rec.svm_iopm, iopm.size()}, std::pair{rec.vmx_io_bitmaps, vmx_io.size()},
                                std::pair{rec.svm_msrpm, msrpm.size()}, std::pair{rec.vmx_msr_bitmap, vmx_msr.size()}}) {
        reader_.Cover(phys, size);
        bitmap_pages_.push_back({phys, size});
      }
      std::vector<Item> owned;
      for (uint32_t dev : dom.devices) {
        const policy::Device& device = s_.devices[dev];
        if (device.owner.kind != policy::Owner::Kind::kDomain || device.owner.domain != want_.order[c]) continue;
        for (const policy::PortRange& p : device.ports) owned.push_back({p.first, uint64_t{p.last} - p.first + 1, 0, 0});
      }
      std::sort(owned.begin(), owned.end(), [](const Item& a, const Item& b) { return a.lo < b.lo; });
      for (auto [what, bitmap, svm] : {std::tuple{"SVM IOPM", iopm, true}, std::tuple{"VMX I/O bitmaps", vmx_io, false}}) {
        std::vector<Item> pass;
        for (const PassRange& p : PassingPorts(bitmap, svm)) pass.push_back({p.first, uint64_t{p.last} - p.first + 1, 0, 0});
        if (std::optional<uint64_t> port = Differ(r, pass, owned)) {
          const bool passes = std::any_of(pass.begin(), pass.end(), [&](const Item& i) { return *port - i.lo < i.size; });
          Fail(r, absl::StrFormat("in the %s of `%s`, port %#x %s", what, dom.name, *port, passes ? "passes but is not owned" : "is owned but exits"),
               dom.where, dom.name);
        }
      }
      for (auto [what, bitmap, svm] : {std::tuple{"SVM MSRPM", msrpm, true}, std::tuple{"VMX MSR bitmap", vmx_msr, false}}) {
        std::vector<Item> pass;
        for (const PassRange& p : PassingMsrs(bitmap, svm)) pass.push_back({p.first, uint64_t{p.last} - p.first + 1, 0, p.access});
        if (std::optional<uint64_t> msr = Differ(r, pass, whitelist)) {
          Fail(r, absl::StrFormat("in the %s of `%s`, MSR %#x: the bitmap passes %s, the whitelist %s", what, dom.name, *msr,
                                  MsrText(pass, *msr), MsrText(whitelist, *msr)),
               dom.where, dom.name);
        }
      }
    }
  }

  static std::string MsrText(const std::vector<Item>& items, uint64_t msr) {
    for (const Item& it : items) {
      if (msr - it.lo < it.size) return it.attr == 3 ? "reads and writes" : it.attr == 1 ? "reads only" : "writes only";
    }
    return "nothing";
  }

  bool InSection(tables::SectionKind kind, uint64_t phys, uint64_t size) const {
    const tables::SectionEntry* sec = reader_.Section(kind);
    const uint64_t base = reader_.header().load_address + sec->offset;
    return phys >= base && phys - base <= sec->size && size <= sec->size - (phys - base);
  }

  // ---- P13: IOMMU tables and IRQ routing ----
  void P13(ObligationResult* r) {
    P13Irqs(r);
    P13Iommu(r);
  }

  void P13Irqs(ObligationResult* r) {
    const std::optional<std::vector<tables::IrqRoute>> routes = ReadRecords<tables::IrqRoute>(r, tables::SectionKind::kIrqRoutes);
    if (!routes) return;
    std::vector<Tuple> have, want;
    for (const tables::IrqRoute& rt : *routes) have.push_back({rt.irq, rt.owner});
    for (const policy::Device& dev : s_.devices) {
      uint64_t owner;
      if (dev.owner.kind == policy::Owner::Kind::kKernel) {
        owner = tables::kKernelOwner;
      } else if (dev.owner.kind == policy::Owner::Kind::kDomain) {
        owner = want_.rank[dev.owner.domain];
      } else {
        continue;
      }
      for (const policy::Irq& irq : dev.irqs) want.push_back({irq.number, owner});
    }
    if (std::optional<Tuple> t = RelationsDiffer(r, "irq", 2, have, want)) {
      ReportTuple(r, "IRQ routing", have, *t, [&](const Tuple& x) { return absl::StrFormat("IRQ %d to %s", x[0], DomainName(x[1])); });
    }
    std::vector<uint32_t> irqs;
    std::map<uint32_t, uint64_t> per_cpu;  // routes seen per CPU
    for (const tables::IrqRoute& rt : *routes) {
      if (!irqs.empty() && rt.irq <= irqs.back()) Fail(r, absl::StrFormat("the IRQ routes are not sorted by IRQ (IRQ %d)", rt.irq));
      irqs.push_back(rt.irq);
      // The vector and CPU are the compiler's choice, fixed by the format: the owner's lowest
      // CPU (CPU 0 for the kernel), and on each CPU vectors 0x30 upward in IRQ order (routes
      // are sorted by IRQ: checked below). Anything else is refused.
      const uint64_t position = per_cpu[rt.cpu]++;
      if (rt.vector != tables::kFirstIrqVector + position || rt.vector > tables::kLastIrqVector) {
        Fail(r, absl::StrFormat("IRQ %d is routed on vector %#x; as route %d to CPU %d it must use vector %#x", rt.irq, rt.vector, position,
                                rt.cpu, tables::kFirstIrqVector + position));
      }
      uint64_t cpu = ~uint64_t{0};
      if (rt.owner == tables::kKernelOwner) {
        cpu = 0;
      } else if (rt.owner < want_.order.size() && !s_.domains[want_.order[rt.owner]].cpus.empty()) {
        cpu = s_.domains[want_.order[rt.owner]].cpus.front();  // sorted: the lowest
      }
      if (rt.cpu != cpu) {
        Fail(r, absl::StrFormat("IRQ %d is delivered to CPU %d, not to its owner %s's lowest CPU", rt.irq, rt.cpu, DomainName(rt.owner)));
      }
    }

  }

  // The IOMMU section: the AMD-Vi device table at its start, the AMD-Vi I/O page tables up to
  // the VT-d root table, the VT-d structures to its end (the system record's pointers must say
  // so). Each vendor's decode is a DmaDecode; both must translate exactly the policy's DMA
  // devices, each to its owner's memory, with the owner's domain ID.
  void P13Iommu(ObligationResult* r) {
    const tables::SectionEntry* sec = reader_.Section(tables::SectionKind::kIommu);
    const uint64_t base = reader_.header().load_address + sec->offset;
    std::map<uint32_t, uint32_t> dma_owner;  // requester ID -> canonical owner
    for (const policy::Device& dev : s_.devices) {
      if (dev.dma && dev.pci && dev.owner.kind == policy::Owner::Kind::kDomain) dma_owner[dev.pci->Packed()] = want_.rank[dev.owner.domain];
    }
    for (int vendor = 0; vendor < 2; ++vendor) {
      const char* name = vendor == 0 ? "AMD-Vi" : "VT-d";
      absl::StatusOr<DmaDecode> decoded =
          DecodeIommuSection(reader_.At(base, sec->size), base, system_, vendor == 0 ? IommuVendor::kAmdVi : IommuVendor::kVtd);
      if (!decoded.ok()) {
        Fail(r, absl::StrFormat("the %s tables are malformed: %s", name, decoded.status().message()));
        continue;
      }
      for (uint64_t page : decoded->table_pages) {
        reader_.Cover(page, paging::kPageSize);
        iommu_pages_.push_back({page, absl::StrCat("the ", name, " tables")});
      }
      std::vector<Tuple> have, want;
      for (const DmaTranslation& d : decoded->translated) have.push_back({d.id, d.domain_id});
      for (const auto& [id, owner] : dma_owner) want.push_back({id, owner + 1});
      if (std::optional<Tuple> t = RelationsDiffer(r, "dma", 2, have, want)) {
        ReportTuple(r, absl::StrCat("the ", name, " tables"), have, *t, [&](const Tuple& x) {
          return absl::StrFormat("device %s translated with domain ID %d (%s)", DeviceText(static_cast<uint16_t>(x[0])), x[1],
                                 x[1] ? DomainName(x[1] - 1) : "nobody");
        });
        continue;
      }
      for (const DmaTranslation& d : decoded->translated) {
        const std::vector<Item> runs = FromRuns(d.runs);
        for (const tv::Run& run : d.runs) iommu_reach_.push_back({run.host, run.size, 0, 0});
        const uint32_t owner = dma_owner[d.id];
        if (std::optional<uint64_t> a = Differ(r, runs, want_.dma_maps[owner])) {
          Fail(r, absl::StrFormat("in the %s tables of device %s (owner %s), DMA address %#x: the tables say %s, the policy says %s", name,
                                  DeviceText(d.id), DomainName(owner), *a, Say(runs, *a), Say(want_.dma_maps[owner], *a)));
        }
      }
    }
  }

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

  void CoverSection(tables::SectionKind kind) {
    const tables::SectionEntry* sec = reader_.Section(kind);
    if (sec) reader_.CoverOffset(sec->offset, sec->size);
  }

  // ---- P14: records ----
  void P14Records(ObligationResult* r) {
    absl::StatusOr<std::vector<tables::SystemRecord>> sys = reader_.Records<tables::SystemRecord>(tables::SectionKind::kSystem);
    absl::StatusOr<std::vector<tables::DomainRecord>> doms = reader_.Records<tables::DomainRecord>(tables::SectionKind::kDomains);
    for (const absl::Status& st : {sys.status(), doms.status()}) {
      if (!st.ok()) Fail(r, std::string(st.message()));
    }
    if (!sys.ok() || !doms.ok() || sys->size() != 1) {
      if (sys.ok() && sys->size() != 1) Fail(r, "the system section does not hold exactly one record");
      records_broken_ = true;
      return;
    }
    system_ = (*sys)[0];
    CoverSection(tables::SectionKind::kSystem);
    CoverSection(tables::SectionKind::kDomains);
    const tables::SystemRecord& sr = system_;
    const uint32_t iommu = s_.platform.iommu == policy::Iommu::kAmdVi ? tables::kIommuAmdVi
                           : s_.platform.iommu == policy::Iommu::kVtd ? tables::kIommuVtd
                                                                      : tables::kIommuNone;
    if (!NameIs(sr.name, s_.name) || sr.cpus != s_.platform.cpus || sr.iommu != iommu || sr.domain_count != s_.domains.size() ||
        sr.kernel_base != s_.kernel.memory.base || sr.kernel_size != s_.kernel.memory.size || !AllZero(sr.reserved) ||
        sr.flags != (images_ ? 0u : tables::kSystemNoImages)) {
      Fail(r, "the system record disagrees with the policy (name, CPUs, IOMMU, domain count, kernel memory, image flag or reserved fields)");
    }
    if (doms->size() != s_.domains.size()) {
      Fail(r, absl::StrFormat("the blob holds %d domain records, the policy has %d domains", doms->size(), s_.domains.size()));
      records_broken_ = true;
      return;
    }
    records_ = *doms;
    // Names, in canonical order, byte for byte; indices; reserved fields.
    for (uint32_t c = 0; c < records_.size(); ++c) {
      const tables::DomainRecord& rec = records_[c];
      const policy::Domain& dom = s_.domains[want_.order[c]];
      if (!NameIs(rec.name, dom.name)) {
        Fail(r, absl::StrFormat("domain record %d is named `%s`, the policy's domain in that place is `%s`", c, Name(rec.name, 32), dom.name),
             dom.where, dom.name);
      }
      if (rec.index != c || rec.reserved1 != 0 || !AllZero(rec.reserved2)) {
        Fail(r, absl::StrFormat("the record of `%s` has a wrong index or a non-zero reserved field", dom.name), dom.where, dom.name);
      }
    }
    // Per-domain facts as tuples (domain, fact, value).
    enum Fact : uint64_t { kType, kFault, kBoot, kCpu, kGroup };
    std::vector<Tuple> have, want;
    for (uint32_t c = 0; c < records_.size(); ++c) {
      const tables::DomainRecord& rec = records_[c];
      have.push_back({c, kType, rec.type});
      have.push_back({c, kFault, rec.on_fault});
      have.push_back({c, kBoot, rec.boot});
      for (unsigned cpu = 0; cpu < 256; ++cpu) {
        if ((rec.cpu_mask[cpu / 64] >> (cpu % 64)) & 1) have.push_back({c, kCpu, cpu});
      }
      for (unsigned g = 0; g < 32; ++g) {
        if ((rec.hypercalls >> g) & 1) have.push_back({c, kGroup, uint64_t{1} << g});
      }
      const policy::Domain& dom = s_.domains[want_.order[c]];
      want.push_back({c, kType, dom.type == policy::DomainType::kPv ? tables::kPv : tables::kHvm});
      want.push_back({c, kFault, dom.on_fault == policy::FaultAction::kStop ? tables::kStop : tables::kRestart});
      want.push_back({c, kBoot, dom.boot ? 1u : 0u});
      for (uint32_t cpu : dom.cpus) want.push_back({c, kCpu, cpu});
      const uint32_t groups = AbiHypercalls(dom.hypercalls);
      for (unsigned g = 0; g < 32; ++g) {
        if ((groups >> g) & 1) want.push_back({c, kGroup, uint64_t{1} << g});
      }
    }
    if (std::optional<Tuple> t = RelationsDiffer(r, "domain-facts", 3, have, want)) {
      static const char* kFacts[] = {"type", "fault action", "boot flag", "CPU", "hypercall group bit"};
      ReportTuple(r, "domain records", have, *t, [&](const Tuple& x) {
        return absl::StrFormat("%s of %s = %#x", x[1] < 5 ? kFacts[x[1]] : "fact", DomainName(x[0]), x[2]);
      });
    }
    P14Rights(r);
    P14Channels(r);
    P14Devices(r);
    P14Schedule(r);
    P14Padding(r);
  }

  // The device table: every device in name order with its owner, PCI address and flags, and
  // each one's resources (ports, MMIO, IRQs) as the policy lists them, sorted by kind and base.
  void P14Devices(ObligationResult* r) {
    const std::optional<std::vector<tables::DeviceRecord>> devs = ReadRecords<tables::DeviceRecord>(r, tables::SectionKind::kDevices);
    const std::optional<std::vector<tables::DeviceResource>> res =
        ReadRecords<tables::DeviceResource>(r, tables::SectionKind::kDeviceResources);
    if (!devs || !res) return;
    std::vector<uint32_t> order(s_.devices.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return s_.devices[a].name < s_.devices[b].name; });
    std::vector<Tuple> have, want, have_res, want_res;
    uint64_t next = 0;
    for (size_t i = 0; i < devs->size(); ++i) {
      const tables::DeviceRecord& d = (*devs)[i];
      have.push_back({i, d.owner, d.flags, d.pci});
      if (!AllZero(d.reserved) || i >= order.size() || !NameIs(d.name, s_.devices[order[i]].name)) {
        Fail(r, absl::StrFormat("device record %d (`%s`) is not the policy's device in that place, or has a reserved field set", i,
                                Name(d.name, 32)));
      }
      // Its resources are the next slice of the table, all naming it, sorted by (kind, base).
      bool ok = d.resource_first == next && d.resource_count <= res->size() - next;
      for (uint32_t k = 0; ok && k < d.resource_count; ++k) {
        const tables::DeviceResource& x = (*res)[next + k];
        ok = x.device == i && (k == 0 || std::pair{(*res)[next + k - 1].kind, (*res)[next + k - 1].base} < std::pair{x.kind, x.base});
      }
      if (!ok) {
        Fail(r, absl::StrFormat("the resource row of device record %d does not point at exactly its resources in canonical order", i));
        return;
      }
      next += d.resource_count;
    }
    if (next != res->size()) Fail(r, "the device resource table holds entries that no device record points at");
    for (const tables::DeviceResource& x : *res) have_res.push_back({x.device, x.kind, x.base, x.size});
    for (uint32_t i = 0; i < order.size(); ++i) {
      const policy::Device& dev = s_.devices[order[i]];
      uint64_t owner = tables::kNoDomain;
      if (dev.owner.kind == policy::Owner::Kind::kKernel) owner = tables::kKernelOwner;
      if (dev.owner.kind == policy::Owner::Kind::kDomain && dev.owner.domain < s_.domains.size()) owner = want_.rank[dev.owner.domain];
      want.push_back({i, owner, (dev.pci ? tables::kDevicePci : 0u) | (dev.dma ? tables::kDeviceDma : 0u), dev.pci ? dev.pci->Packed() : 0u});
      for (const policy::PortRange& pr : dev.ports) want_res.push_back({i, tables::kResourceIo, pr.first, uint64_t{pr.last} - pr.first + 1});
      for (const policy::Mmio& m : dev.mmio) want_res.push_back({i, tables::kResourceMmio, m.range.base, m.range.size});
      for (const policy::Irq& irq : dev.irqs) want_res.push_back({i, tables::kResourceIrq, irq.number, 1});
    }
    auto device = [&](uint64_t i) { return i < order.size() ? "`" + s_.devices[order[i]].name + "`" : absl::StrFormat("#%d", i); };
    if (std::optional<Tuple> t = RelationsDiffer(r, "devices", 4, have, want)) {
      ReportTuple(r, "the device table", have, *t, [&](const Tuple& x) {
        return absl::StrFormat("device %s owned by %s, flags %#x, PCI %s", device(x[0]),
                               x[1] == tables::kKernelOwner ? "the kernel" : x[1] == tables::kNoDomain ? "nobody" : DomainName(x[1]), x[2],
                               DeviceText(static_cast<uint16_t>(x[3])));
      });
    }
    if (std::optional<Tuple> t = RelationsDiffer(r, "device-resources", 4, have_res, want_res)) {
      static const char* kKinds[] = {"?", "I/O ports", "MMIO", "IRQ"};
      ReportTuple(r, "the device resource table", have_res, *t, [&](const Tuple& x) {
        return absl::StrFormat("device %s: %s at %#x, size %#x", device(x[0]), x[1] < 4 ? kKinds[x[1]] : "unknown resource", x[2], x[3]);
      });
    }
  }

  void P14Rights(ObligationResult* r) {
    const std::optional<std::vector<tables::ControlRight>> rights = ReadRecords<tables::ControlRight>(r, tables::SectionKind::kRights);
    if (!rights) return;
    std::vector<Tuple> have, want;
    for (size_t i = 0; i < rights->size(); ++i) {
      const tables::ControlRight& g = (*rights)[i];
      if (g.reserved != 0 || g.rights == 0 || (g.rights & ~tables::kAllRights) ||
          (i > 0 && std::pair{(*rights)[i - 1].holder, (*rights)[i - 1].target} >= std::pair{g.holder, g.target})) {
        Fail(r, absl::StrFormat("control-rights entry %d is not in canonical form (sorted, unique, known rights, reserved zero)", i));
      }
      for (unsigned b = 0; b < 32; ++b) {
        if ((g.rights >> b) & 1) have.push_back({g.holder, g.target, uint64_t{1} << b});
      }
    }
    for (const policy::ControlGrant& g : s_.grants) {
      if (g.holder >= s_.domains.size() || g.target >= s_.domains.size()) continue;  // the model proofs reject these
      const uint32_t bits = AbiRights(g.rights);
      for (unsigned b = 0; b < 32; ++b) {
        if ((bits >> b) & 1) want.push_back({want_.rank[g.holder], want_.rank[g.target], uint64_t{1} << b});
      }
    }
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    if (std::optional<Tuple> t = RelationsDiffer(r, "rights", 3, have, want)) {
      static const char* kRights[] = {"start", "stop", "pause", "resume", "query"};
      ReportTuple(r, "the control-rights matrix", have, *t, [&](const Tuple& x) {
        unsigned b = 0;
        while (b < 63 && (uint64_t{1} << b) != x[2]) ++b;
        return absl::StrFormat("%s holding `%s` over %s", DomainName(x[0]), b < 5 ? kRights[b] : "an unknown right", DomainName(x[1]));
      });
    }
    // Each domain's row is its slice of the sorted list.
    for (uint32_t c = 0; c < records_.size(); ++c) {
      const tables::DomainRecord& rec = records_[c];
      size_t count = 0;
      for (const tables::ControlRight& g : *rights) count += g.holder == c;
      bool ok = rec.rights_count == count && rec.rights_first <= rights->size() && rec.rights_count <= rights->size() - rec.rights_first;
      for (uint32_t i = 0; ok && i < rec.rights_count; ++i) ok = (*rights)[rec.rights_first + i].holder == c;
      if (!ok) Fail(r, absl::StrFormat("the control-rights row of %s does not point at exactly its entries", DomainName(c)));
    }
  }

  void P14Channels(ObligationResult* r) {
    const std::optional<std::vector<tables::ChannelRecord>> chans = ReadRecords<tables::ChannelRecord>(r, tables::SectionKind::kChannels);
    if (!chans) return;
    std::vector<uint32_t> order(s_.channels.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return s_.channels[a].name < s_.channels[b].name; });
    std::vector<Tuple> have, want;
    for (size_t i = 0; i < chans->size(); ++i) {
      const tables::ChannelRecord& ch = (*chans)[i];
      have.push_back({i, ch.writer, ch.reader, ch.host, ch.size, ch.writer_guest, ch.reader_guest, ch.flags});
      if (ch.reserved != 0 || i >= order.size() || !NameIs(ch.name, s_.channels[order[i]].name)) {
        Fail(r, absl::StrFormat("channel record %d (`%s`) is not the policy's channel in that place, or has a reserved field set", i,
                                Name(ch.name, 32)));
      }
    }
    for (size_t i = 0; i < order.size(); ++i) {
      const policy::Channel& ch = s_.channels[order[i]];
      if (ch.writer.domain >= s_.domains.size() || ch.reader.domain >= s_.domains.size()) continue;
      want.push_back({i, want_.rank[ch.writer.domain], want_.rank[ch.reader.domain], ch.host.base, ch.host.size, ch.writer.guest,
                      ch.reader.guest, ch.notify ? tables::kChannelNotify : 0u});
    }
    if (std::optional<Tuple> t = RelationsDiffer(r, "channels", 8, have, want)) {
      ReportTuple(r, "the channel table", have, *t, [&](const Tuple& x) {
        return absl::StrFormat("channel #%d: writer %s at %#x, reader %s at %#x, memory %#x (%d bytes), flags %#x", x[0], DomainName(x[1]), x[5],
                               DomainName(x[2]), x[6], x[3], x[4], x[7]);
      });
    }
  }

  void P14Schedule(ObligationResult* r) {
    absl::StatusOr<ScheduleParts> parts = reader_.Schedule();
    if (!parts.ok()) {
      Fail(r, std::string(parts.status().message()));
      return;
    }
    CoverSection(tables::SectionKind::kSchedule);
    const tables::ScheduleHeader& h = parts->header;
    // One tick is 1 µs (kTickNs), so tick counts equal the policy's microseconds exactly.
    if (h.tick_ns != tables::kTickNs || h.major_ticks != s_.schedule.major_micros) {
      Fail(r, absl::StrFormat("the schedule's major frame is %d ticks of %d ns, the policy's is %s", h.major_ticks, h.tick_ns,
                              policy::DurationString(s_.schedule.major_micros)),
           s_.schedule.where, "schedule");
    }
    const std::vector<tables::CpuPlan>& plans = parts->plans;
    const std::vector<tables::SlotRecord>& slots = parts->slots;
    std::vector<Tuple> have, want;
    uint32_t next = 0;
    for (size_t i = 0; i < plans.size(); ++i) {
      const tables::CpuPlan& p = plans[i];
      if (p.reserved != 0 || p.slot_first != next || p.slot_count > slots.size() - next || (i > 0 && plans[i - 1].cpu >= p.cpu)) {
        Fail(r, absl::StrFormat("CPU plan %d is not in canonical form (sorted by CPU, consecutive slots, reserved zero)", i));
        return;
      }
      for (uint32_t k = 0; k < p.slot_count; ++k) {
        const tables::SlotRecord& sl = slots[p.slot_first + k];
        if (sl.reserved != 0) Fail(r, absl::StrFormat("slot %d of CPU %d has a reserved field set", k, p.cpu));
        have.push_back({p.cpu, k, sl.domain, sl.ticks});
      }
      next += p.slot_count;
    }
    if (next != slots.size()) Fail(r, "the schedule holds slots that no CPU plan runs");
    for (const policy::CpuPlan& p : s_.schedule.plans) {
      for (uint32_t k = 0; k < p.slots.size(); ++k) {
        const policy::Slot& sl = p.slots[k];
        want.push_back({p.cpu, k, sl.domain == policy::kNoIndex ? tables::kNoDomain : want_.rank[sl.domain], sl.micros});
      }
    }
    if (std::optional<Tuple> t = RelationsDiffer(r, "schedule", 4, have, want)) {
      ReportTuple(r, "the schedule plan", have, *t, [&](const Tuple& x) {
        return absl::StrFormat("CPU %d slot %d: %s for %d ticks of 1 us", x[0], x[1], DomainName(x[2]), x[3]);
      }, s_.schedule.where);
    }
  }

  // Bytes between and after sections belong to no table: they must be zero.
  void P14Padding(ObligationResult* r) {
    const tables::BlobHeader& h = reader_.header();
    std::vector<std::pair<uint64_t, uint64_t>> used = {{0, sizeof(h) + uint64_t{h.section_count} * sizeof(tables::SectionEntry)}};
    for (const tables::SectionEntry& sec : reader_.view().sections) used.push_back({sec.offset, sec.offset + sec.size});
    std::sort(used.begin(), used.end());
    uint64_t at = 0;
    used.push_back({h.total_size, h.total_size});
    for (const auto& [b, e] : used) {
      for (uint64_t i = at; i < b; ++i) {
        if (reader_.view().bytes[i] != 0) {
          padding_checked_ = false;
          Fail(r, absl::StrFormat("blob byte %#x lies in no section and is not zero", i));
          return;
        }
      }
      padding_.push_back({at, b > at ? b - at : 0});
      at = std::max(at, e);
    }
  }

  // Segments: equal to the images' program headers, and every byte the kernel copies lands in
  // the domain's own memory, at the host address its own NPT and EPT give.
  void P14Segments(ObligationResult* r) {
    if (records_broken_) return;
    const std::optional<std::vector<tables::SegmentRecord>> segs = ReadRecords<tables::SegmentRecord>(r, tables::SectionKind::kSegments);
    if (!segs) return;
    std::vector<Tuple> have, want;
    for (const tables::SegmentRecord& sg : *segs) have.push_back({sg.domain, sg.guest, sg.file_offset, sg.file_size, sg.mem_size, sg.access});
    for (uint32_t c = 0; c < records_.size(); ++c) {
      const tables::DomainRecord& rec = records_[c];
      const policy::Domain& dom = s_.domains[want_.order[c]];
      size_t count = 0;
      for (const tables::SegmentRecord& sg : *segs) count += sg.domain == c;
      bool ok = rec.segment_count == count && rec.segment_first <= segs->size() && rec.segment_count <= segs->size() - rec.segment_first;
      for (uint32_t i = 0; ok && i < rec.segment_count; ++i) ok = (*segs)[rec.segment_first + i].domain == c;
      if (!ok) Fail(r, absl::StrFormat("the segment list of `%s` does not point at exactly its segments", dom.name), dom.where, dom.name);
      if (!images_) {
        if (rec.image_kind != tables::kNoImage || rec.entry || rec.image_size || !AllZero(rec.image_sha256)) {
          Fail(r, absl::StrFormat("the blob is marked as built without images but `%s` has image facts", dom.name), dom.where, dom.name);
        }
        continue;
      }
      const compiler::Image& image = (*images_)[want_.order[c]];
      const uint8_t kind = image.kind == compiler::Image::Kind::kElf64 ? tables::kElf64
                           : image.kind == compiler::Image::Kind::kElf32 ? tables::kElf32
                                                                          : tables::kRawImage;
      if (rec.image_kind != kind || rec.entry != image.entry || rec.image_size != image.size ||
          std::memcmp(rec.image_sha256, image.sha256, sizeof(rec.image_sha256)) != 0) {
        Fail(r, absl::StrFormat("the image facts of `%s` (kind, entry, size, SHA-256) differ from its image", dom.name), dom.where, dom.name);
      }
      for (const compiler::Segment& sg : image.segments) want.push_back({c, sg.guest, sg.file_offset, sg.file_size, sg.mem_size, sg.access});
    }
    if (std::optional<Tuple> t = RelationsDiffer(r, "segments", 6, have, want)) {
      ReportTuple(r, "the load segments", have, *t, [&](const Tuple& x) {
        return absl::StrFormat("a segment of %s at guest-physical %#x (file %#x+%d, memory %d bytes, %s)", DomainName(x[0]), x[1], x[2], x[3],
                               x[4], AccessText(static_cast<uint8_t>(x[5])));
      });
    }
    for (const tables::SegmentRecord& sg : *segs) {
      if (sg.domain >= walks_.size() || sg.file_size > sg.mem_size) {
        Fail(r, absl::StrFormat("a segment names domain #%d or is longer in the file than in memory", sg.domain));
        continue;
      }
      for (int k = 0; k < 2; ++k) {
        if (!walks_[sg.domain][k]) continue;  // P10 reports the table
        // ∃x in the segment not covered by a run with the segment's offset and its access.
        std::vector<Item> ok_runs;
        for (const tv::Run& run : walks_[sg.domain][k]->runs) {
          if (run.host - run.guest == sg.host - sg.guest && (run.access & sg.access) == sg.access) ok_runs.push_back({run.guest, run.size, 0, 0});
        }
        const std::vector<Item> seg = {{sg.guest, sg.mem_size, 0, 0}};
        // Differ over (seg) vs (seg ∩ ok_runs) is the same as: some x in seg lies in no ok run.
        std::vector<Item> clipped;
        for (const Item& it : ok_runs) {
          const uint64_t lo = std::max(it.lo, sg.guest), hi = std::min(it.lo + it.size, sg.guest + sg.mem_size);
          if (lo < hi) clipped.push_back({lo, hi - lo, 0, 0});
        }
        if (std::optional<uint64_t> x = Differ(r, clipped, seg)) {
          Fail(r, absl::StrFormat("the kernel would copy guest-physical %#x of %s's image to host %#x, which its %s does not map there with %s",
                                  *x, DomainName(sg.domain), sg.host + (*x - sg.guest), k ? "EPT" : "NPT", AccessText(static_cast<uint8_t>(sg.access))));
        }
      }
    }
  }


  // ---- P16: PV start state ----
  // The expected start info of canonical domain `c`, derived from the policy here.
  start::StartInfo WantStartInfo(uint32_t c, const tables::DomainRecord& rec) const {
    const uint32_t d = want_.order[c];
    start::StartInfo info{};
    std::memcpy(info.magic, start::kMagic, sizeof(info.magic));
    info.abi_version = kAbiVersion;
    info.domain = c;
    std::memcpy(info.name, s_.domains[d].name.data(), std::min<size_t>(s_.domains[d].name.size(), 31));
    info.start_guest = rec.start_guest;
    info.page_table_root = rec.start_guest + paging::kPageSize;
    info.block_pages = static_cast<uint32_t>(rec.start_pages);
    std::vector<start::Region> regions;
    auto add = [&](uint64_t guest, uint64_t size, uint8_t access, uint8_t kind, uint32_t channel, const std::string& name) {
      start::Region x{};
      x.guest = guest;
      x.size = size;
      x.access = access;
      x.kind = kind;
      x.channel = channel;
      std::memcpy(x.name, name.data(), std::min<size_t>(name.size(), 31));
      regions.push_back(x);
    };
    for (uint32_t r : s_.domains[d].regions) {
      const policy::Region& reg = s_.regions[r];
      if (reg.host.size) add(reg.guest, reg.host.size, reg.perms, start::kRam, 0xffffffffu, reg.name);
    }
    std::vector<const policy::Channel*> channels;
    for (const policy::Channel& ch : s_.channels) channels.push_back(&ch);
    std::sort(channels.begin(), channels.end(), [](const policy::Channel* a, const policy::Channel* b) { return a->name < b->name; });
    for (uint32_t i = 0; i < channels.size(); ++i) {
      const policy::Channel& ch = *channels[i];
      if (!ch.host.size) continue;
      if (ch.writer.domain == d) add(ch.writer.guest, ch.host.size, paging::kRead | paging::kWrite, start::kChannelWriter, i, ch.name);
      if (ch.reader.domain == d) add(ch.reader.guest, ch.host.size, paging::kRead, start::kChannelReader, i, ch.name);
    }
    for (uint32_t dev : s_.domains[d].devices) {
      const policy::Device& device = s_.devices[dev];
      if (device.owner.kind != policy::Owner::Kind::kDomain || device.owner.domain != d) continue;
      for (const policy::Mmio& mm : device.mmio) add(mm.range.base, mm.range.size, paging::kRead | paging::kWrite, start::kMmio, 0xffffffffu, device.name);
    }
    std::stable_sort(regions.begin(), regions.end(), [](const start::Region& a, const start::Region& b) { return a.guest < b.guest; });
    info.region_count = static_cast<uint32_t>(regions.size());
    for (size_t i = 0; i < regions.size() && i < start::kMaxRegions; ++i) info.regions[i] = regions[i];
    // The domains it may control, by target index, with the rights of its `control` lines.
    std::map<uint32_t, uint32_t> rights;
    for (const policy::ControlGrant& g : s_.grants) {
      if (g.holder == d && g.target < want_.rank.size() && g.rights) rights[want_.rank[g.target]] |= AbiRights(g.rights);
    }
    for (const auto& [target, bits] : rights) {
      if (info.control_count == start::kMaxControls) break;
      start::Control& ctl = info.controls[info.control_count++];
      ctl.target = target;
      ctl.rights = bits;
      const std::string& name = s_.domains[want_.order[target]].name;
      std::memcpy(ctl.name, name.data(), std::min<size_t>(name.size(), 31));
    }
    return info;
  }

  void P16(ObligationResult* r) {
    const tables::SectionEntry* sec = reader_.Section(tables::SectionKind::kStartState);
    const uint64_t sec_base = reader_.header().load_address + sec->offset;
    uint64_t used = 0;
    for (uint32_t c = 0; c < records_.size(); ++c) {
      const tables::DomainRecord& rec = records_[c];
      const policy::Domain& dom = s_.domains[want_.order[c]];
      auto fail = [&](const std::string& what) { Fail(r, absl::StrFormat("the start block of `%s`: %s", dom.name, what), dom.where, dom.name); };
      if (dom.type != policy::DomainType::kPv) {
        if (rec.start_block || rec.start_guest || rec.start_host || rec.start_pages) fail("an HVM domain has one");
        continue;
      }
      // Where: page aligned, inside the start-state section, the blocks tiling it in domain order.
      if (rec.start_pages < 2 || rec.start_pages > sec->size / paging::kPageSize || rec.start_block != sec_base + used ||
          rec.start_guest % paging::kPageSize) {
        fail("it is not where the start-state section says (misplaced, unaligned, too small or overlapping another)");
        continue;
      }
      const uint64_t bytes = rec.start_pages * paging::kPageSize;
      used += bytes;
      // Inside one writable RAM region of the domain, at the host address that region gives.
      bool home = false;
      for (uint32_t i : dom.regions) {
        const policy::Region& reg = s_.regions[i];
        home = home || ((reg.perms & policy::kWrite) && reg.host.size >= bytes && rec.start_guest >= reg.guest &&
                        rec.start_guest - reg.guest <= reg.host.size - bytes && rec.start_host == reg.host.base + (rec.start_guest - reg.guest));
      }
      if (!home) fail(absl::StrFormat("guest-physical [%#x, +%d) is not inside one writable memory region at its host address", rec.start_guest, bytes));
      if (images_) {
        for (const compiler::Segment& sg : (*images_)[want_.order[c]].segments) {
          if (sg.guest < rec.start_guest + bytes && rec.start_guest < sg.guest + sg.mem_size) {
            fail(absl::StrFormat("the image segment at guest-physical %#x overlaps it: the kernel would overwrite the image", sg.guest));
          }
        }
      }
      const absl::Span<const uint8_t> block = reader_.At(rec.start_block, bytes);
      if (block.empty()) {
        fail("it is not inside the blob");
        continue;
      }
      // The start-info page, byte for byte, zero after the record.
      std::vector<uint8_t> want_page(paging::kPageSize, 0);
      const start::StartInfo info = WantStartInfo(c, rec);
      std::memcpy(want_page.data(), &info, sizeof(info));
      if (info.region_count > start::kMaxRegions) fail("the policy gives the domain more ranges than the start info holds");
      if (std::memcmp(block.data(), want_page.data(), want_page.size()) != 0) {
        size_t at = 0;
        while (block[at] == want_page[at]) ++at;
        fail(absl::StrFormat("byte %d of the start-info page is %#x, the policy gives %#x", at, block[at], want_page[at]));
      }
      reader_.Cover(rec.start_block, paging::kPageSize);
      // The guest page tables: walked as long-mode tables placed at their guest-physical
      // address; they must identity-map exactly the domain's ranges and use every page.
      absl::StatusOr<Walk> w = tv::WalkToRuns(paging::Format::kNpt, block.subspan(paging::kPageSize), info.page_table_root);
      if (!w.ok()) {
        fail(absl::StrCat("the guest page tables are malformed: ", w.status().message()));
        continue;
      }
      if (w->table_pages.size() != rec.start_pages - 1) {
        fail(absl::StrFormat("%d of its %d page-table pages are reached from the root", w->table_pages.size(), rec.start_pages - 1));
      }
      for (uint64_t page : w->table_pages) reader_.Cover(rec.start_block + (page - rec.start_guest), paging::kPageSize);
      std::vector<Item> identity = want_.maps[c];
      for (Item& it : identity) it.offset = 0;
      const std::vector<Item> have = FromRuns(w->runs);
      if (std::optional<uint64_t> gva = Differ(r, have, identity)) {
        fail(absl::StrFormat("at guest-virtual %#x the guest page tables say %s, the identity map of the policy says %s", *gva,
                             Say(have, *gva), Say(identity, *gva)));
      }
    }
    if (used != sec->size) Fail(r, absl::StrFormat("the start-state section holds %d bytes, the PV domains' blocks %d", sec->size, used));
  }

  // ---- P15: vacuity ----
  void P15(ObligationResult* r, std::vector<ObligationResult>& all) {
    // The sets the obligations quantify over are not empty where the policy says they are not.
    bool any_mapping = false;
    for (const auto& m : want_.maps) any_mapping = any_mapping || !m.empty();
    auto note = [&](size_t i, bool premise, const char* why) {
      if (!premise) {
        all[i].vacuous = true;
        all[i].vacuity_note = why;
      }
    };
    note(0, any_mapping, "no domain maps any memory");
    note(1, any_mapping, "no domain maps any memory");
    note(3, !s_.devices.empty(), "no devices");
    note(4, !s_.domains.empty(), "no domains");
    // The decoded sets are not empty: a symbolic address inside some run exists for every
    // domain the policy gives memory (else P10's proof would be about nothing).
    for (uint32_t c = 0; c < walks_.size(); ++c) {
      for (int k = 0; k < 2; ++k) {
        if (!walks_[c][k] || want_.maps[c].empty()) continue;
        const std::vector<Item> runs = FromRuns(walks_[c][k]->runs);
        const std::vector<Item> everything = {{0, uint64_t{1} << 52, 0, 0}};
        if (!Intersect(r, runs, everything) && r->verdict != Verdict::kUnknown) {
          Fail(r, absl::StrFormat("the %s of %s maps nothing, but the policy gives it memory", k ? "EPT" : "NPT", DomainName(c)));
        }
      }
    }
  }

  Coverage MeasureCoverage() const {
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

  const policy::System& s_;
  const std::vector<compiler::Image>* images_;
  TvSession::State& z_;
  TvOptions options_;
  BlobReader reader_;
  Expected want_;
  tables::SystemRecord system_{};
  std::vector<tables::DomainRecord> records_;
  bool records_broken_ = false;
  std::vector<std::array<std::optional<Walk>, 2>> walks_;
  std::vector<std::pair<uint64_t, std::string>> iommu_pages_;
  std::vector<Item> iommu_reach_;
  std::vector<std::pair<uint64_t, uint64_t>> bitmap_pages_;
  std::vector<std::pair<uint64_t, uint64_t>> padding_;
  bool padding_checked_ = true;
};

}  // namespace

bool TvOutcome::ok() const {
  return std::all_of(results.begin(), results.end(), [](const ObligationResult& r) { return r.verdict == Verdict::kProven; });
}

const std::vector<proofs::ObligationInfo>& TvCatalogue() {
  static const std::vector<proofs::ObligationInfo> kCatalogue = {
      {"P10-page-tables",
       "For every domain and guest-physical address, the NPT and EPT decoded from the blob give exactly the policy's frame and access, and nothing where the policy maps nothing.",
       "Hyperkernel pgwalk corollary; Muen generator bugs found by Haque et al. 2020"},
      {"P11-table-pages",
       "Every table page is reached from exactly one slot, none is left over, and no domain or device maps kernel memory or any byte of the tables.",
       "Hyperkernel isolation lemma"},
      {"P12-io-msr-bitmaps",
       "For every domain and I/O port, the IOPM and I/O-bitmap bit passes iff the domain owns the port; MSR bitmaps pass exactly the whitelist.",
       "Muen IOBM/MSRBM, MSR.Check_Whitelist"},
      {"P13-iommu-irq",
       "For every PCI device ID, the AMD-Vi and VT-d tables translate exactly the DMA devices, each to its owner's memory only, and block the rest; every IRQ route names the device's owner.",
       "Hyperkernel iommu and intremap lemmas; Muen Device_Domains"},
      {"P14-records",
       "The domain records, hypercall permissions, control-rights matrix, channel table, device table, schedule plan and load segments in the blob equal the model, and unused bytes are zero.",
       "seL4 capDL loader correspondence; Muen policy compilation"},
      {"P15-vacuity",
       "The premises of P10-P14 are satisfiable: every domain with memory has a non-empty decoded address space.",
       "Hyperkernel _check_initial"},
      {"P16-start-state",
       "Every PV domain's start block lies in one of its writable RAM regions, clear of its image; its start info (identity, ranges, control targets and rights) equals the policy's facts and its guest page tables identity-map exactly the domain's ranges with the policy's access; HVM domains have none.",
       "Xen PVH start info; seL4 bootinfo"},
  };
  return kCatalogue;
}

TvOutcome ValidateTables(const policy::System& system, const std::vector<uint8_t>& blob, const std::vector<compiler::Image>* images,
                         TvSession* session, const TvOptions& options) {
  static const bool kParams = [] {
    z3::set_param("parallel.enable", false);
    return true;
  }();
  (void)kParams;
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
