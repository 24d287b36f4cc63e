// proofs/tv/validate.cc — see validate.h.
#include "proofs/tv/validate.h"

#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/io_bitmaps.h"
#include "kernel/abi/tables.h"
#include "proofs/tv/io_decode.h"
#include "proofs/tv/blob_reader.h"

namespace septum::tv {
namespace {

using proofs::Counterexample;
using proofs::ObligationResult;
using proofs::Verdict;

// A mapping as the model defines it: guest range, host base, access.
struct Expected {
  uint64_t guest, size, host;
  uint8_t access;
};

// The domain's mappings, from the model (written again here, apart from the compiler):
// regions, channel ends (writer rw, reader r), identity-mapped MMIO of owned devices (rw).
std::vector<Expected> ExpectedMappings(const policy::System& s, uint32_t d) {
  std::vector<Expected> out;
  for (uint32_t r : s.domains[d].regions) {
    const policy::Region& reg = s.regions[r];
    if (reg.host.size) out.push_back({reg.guest, reg.host.size, reg.host.base, reg.perms});
  }
  for (const policy::Channel& c : s.channels) {
    if (c.host.size && c.writer.domain == d) out.push_back({c.writer.guest, c.host.size, c.host.base, paging::kRead | paging::kWrite});
    if (c.host.size && c.reader.domain == d) out.push_back({c.reader.guest, c.host.size, c.host.base, paging::kRead});
  }
  for (uint32_t dev : s.domains[d].devices) {
    const policy::Device& device = s.devices[dev];
    if (device.owner.kind != policy::Owner::Kind::kDomain || device.owner.domain != d) continue;
    for (const policy::Mmio& m : device.mmio) out.push_back({m.range.base, m.range.size, m.range.base, paging::kRead | paging::kWrite});
  }
  return out;
}

class Validator {
 public:
  Validator(const policy::System& s, const std::vector<uint8_t>& blob) : s_(s), ctx_(), reader_(blob) {}

  std::vector<ObligationResult> Run() {
    std::vector<ObligationResult> out(TvCatalogue().size());
    for (size_t i = 0; i < out.size(); ++i) {
      out[i].info = &TvCatalogue()[i];
      out[i].verdict = Verdict::kProven;
    }
    const BlobProblem problem = reader_.problem();
    const bool complete = problem == BlobProblem::kNone && reader_.Section(tables::SectionKind::kDomains) &&
                          reader_.Section(tables::SectionKind::kPageTables) && reader_.Section(tables::SectionKind::kIoBitmaps);
    if (!complete) {
      for (ObligationResult& r : out) {
        r.verdict = Verdict::kFailed;
        r.counterexamples.push_back({absl::StrCat("the blob is not valid: ",
                                                  problem == BlobProblem::kNone ? "a section is missing" : BlobProblemText(problem)),
                                     {}});
      }
      return out;
    }
    Timed(&out[0], [&](ObligationResult* r) { P10(r); });
    Timed(&out[1], [&](ObligationResult* r) { P12(r); });
    return out;
  }

 private:
  template <typename F>
  void Timed(ObligationResult* r, F f) {
    const auto start = std::chrono::steady_clock::now();
    f(r);
    r->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  z3::solver Solver(z3::context& c) {
    z3::solver s(c, "QF_LIA");
    z3::params p(c);
    p.set("rlimit", 50000000u);
    p.set("random_seed", 0u);
    s.set(p);
    return s;
  }

  // Refutes: some address is mapped by the tables but not the model (or the reverse), or
  // mapped by both to different frames or with different access.
  void P10(ObligationResult* r) {
    if (reader_.DomainCount() != s_.domains.size()) {
      Fail(r, "the blob holds a different number of domain records than the policy has domains");
      return;
    }
    for (uint32_t d = 0; d < s_.domains.size(); ++d) {
      const tables::DomainRecord rec = reader_.Domain(d);
      for (auto [name, format, root] : {std::tuple{"NPT", paging::Format::kNpt, rec.npt_root}, std::tuple{"EPT", paging::Format::kEpt, rec.ept_root}}) {
        absl::StatusOr<Walk> w = reader_.WalkTables(format, root);
        if (!w.ok()) {
          Fail(r, absl::StrFormat("the %s of `%s` is malformed: %s", name, s_.domains[d].name, w.status().message()));
          continue;
        }
        Compare(r, d, name, w->runs, ExpectedMappings(s_, d));
      }
    }
  }

  void Compare(ObligationResult* r, uint32_t d, const char* table, const std::vector<tv::Run>& runs, const std::vector<Expected>& want) {
    z3::context& c = ctx_;  // one context for all queries: creating one costs ~70 ms
    const z3::expr x = c.int_const("gpa");
    auto in = [&](uint64_t base, uint64_t size) { return x >= c.int_val(base) && x < c.int_val(base) + c.int_val(size); };
    z3::expr_vector in_runs(c), in_want(c), differ(c);
    for (const tv::Run& run : runs) in_runs.push_back(in(run.guest, run.size));
    for (const Expected& e : want) in_want.push_back(in(e.guest, e.size));
    // Pairs that overlap (found by C++, cross-checked by the round-trip tests): same frame
    // offset and same access, or a difference Z3 can witness.
    for (const tv::Run& run : runs) {
      for (const Expected& e : want) {
        if (run.guest < e.guest + e.size && e.guest < run.guest + run.size &&
            (run.host - run.guest != e.host - e.guest || run.access != e.access)) {
          differ.push_back(in(run.guest, run.size) && in(e.guest, e.size));
        }
      }
    }
    const z3::expr any_run = in_runs.empty() ? c.bool_val(false) : z3::mk_or(in_runs);
    const z3::expr any_want = in_want.empty() ? c.bool_val(false) : z3::mk_or(in_want);
    z3::solver s = Solver(c);
    s.add(any_run != any_want || (differ.empty() ? c.bool_val(false) : z3::mk_or(differ)));
    const z3::check_result res = s.check();
    if (res == z3::unsat) return;
    if (res == z3::unknown) {
      r->verdict = Verdict::kUnknown;
      r->unknown_reason = s.reason_unknown();
      return;
    }
    int64_t gpa = 0;
    s.get_model().eval(x, true).is_numeral_i64(gpa);
    std::string tables_say = "not mapped", model_says = "not mapped";
    for (const tv::Run& run : runs) {
      if (static_cast<uint64_t>(gpa) - run.guest < run.size) {
        tables_say = absl::StrFormat("-> %#x %s", run.host + (gpa - run.guest), AccessText(run.access));
      }
    }
    for (const Expected& e : want) {
      if (static_cast<uint64_t>(gpa) - e.guest < e.size) {
        model_says = absl::StrFormat("-> %#x %s", e.host + (gpa - e.guest), AccessText(e.access));
      }
    }
    Fail(r, absl::StrFormat("in the %s of `%s`, guest-physical %#x: the tables say %s, the policy says %s", table,
                            s_.domains[d].name, gpa, tables_say, model_says));
  }

  // Refutes: some port passes a domain's bitmaps without being owned, or is owned and exits;
  // some MSR passes that is not on the whitelist, or a whitelisted one exits.
  void P12(ObligationResult* r) {
    for (uint32_t d = 0; d < s_.domains.size(); ++d) {
      const tables::DomainRecord rec = reader_.Domain(d);
      const absl::Span<const uint8_t> iopm = reader_.At(rec.svm_iopm, io_bitmaps::kSvmIopmBytes);
      const absl::Span<const uint8_t> vmx_io = reader_.At(rec.vmx_io_bitmaps, io_bitmaps::kVmxIoBitmapBytes);
      const absl::Span<const uint8_t> msrpm = reader_.At(rec.svm_msrpm, io_bitmaps::kSvmMsrpmBytes);
      const absl::Span<const uint8_t> vmx_msr = reader_.At(rec.vmx_msr_bitmap, io_bitmaps::kVmxMsrBitmapBytes);
      if (iopm.empty() || vmx_io.empty() || msrpm.empty() || vmx_msr.empty()) {
        Fail(r, absl::StrFormat("a bitmap of `%s` lies outside the blob", s_.domains[d].name));
        continue;
      }
      std::vector<std::pair<uint64_t, uint64_t>> owned;  // [first, last]
      for (uint32_t dev : s_.domains[d].devices) {
        const policy::Device& device = s_.devices[dev];
        if (device.owner.kind != policy::Owner::Kind::kDomain || device.owner.domain != d) continue;
        for (const policy::PortRange& p : device.ports) owned.push_back({p.first, p.last});
      }
      for (const auto& [what, passes] : {std::pair<const char*, std::function<bool(uint32_t)>>{"SVM IOPM", [&](uint32_t p) { return SvmPortPasses(iopm, p); }},
                                         {"VMX I/O bitmaps", [&](uint32_t p) { return VmxPortPasses(vmx_io, p); }}}) {
        // The decoded bitmap as intervals of passing ports, then: ∃p. passes(p) xor owned(p).
        std::vector<std::pair<uint64_t, uint64_t>> pass;
        for (uint32_t p = 0; p <= 0xffff; ++p) {
          if (!passes(p)) continue;
          if (!pass.empty() && pass.back().second + 1 == p) {
            pass.back().second = p;
          } else {
            pass.push_back({p, p});
          }
        }
        EqualSets(r, pass, owned, absl::StrFormat("the %s of `%s`", what, s_.domains[d].name), "port", "passes", "is not owned",
                  "is owned but exits");
      }
      std::vector<std::pair<uint64_t, uint64_t>> white, svm_pass, vmx_pass;
      for (uint32_t m : io_bitmaps::kMsrWhitelist) white.push_back({m, m});
      for (uint32_t base : {0x0u, 0xc0000000u, 0xc0010000u}) {
        for (uint32_t m = base; m <= base + 0x1fff; ++m) {
          for (bool write : {false, true}) {
            if (SvmMsrPasses(msrpm, m, write)) svm_pass.push_back({m, m});
            if (VmxMsrPasses(vmx_msr, m, write)) vmx_pass.push_back({m, m});
          }
        }
      }
      // Each whitelisted MSR passes for both read and write: twice in the decoded lists.
      std::vector<std::pair<uint64_t, uint64_t>> white_rw;
      for (const auto& w : white) white_rw.insert(white_rw.end(), {w, w});
      for (auto* lst : {&svm_pass, &vmx_pass}) std::sort(lst->begin(), lst->end());
      std::sort(white_rw.begin(), white_rw.end());
      if (svm_pass != white_rw) Fail(r, absl::StrFormat("the SVM MSRPM of `%s` lets through other MSRs than the whitelist", s_.domains[d].name));
      if (vmx_pass != white_rw) Fail(r, absl::StrFormat("the VMX MSR bitmap of `%s` lets through other MSRs than the whitelist", s_.domains[d].name));
    }
  }

  void EqualSets(ObligationResult* r, const std::vector<std::pair<uint64_t, uint64_t>>& have,
                 const std::vector<std::pair<uint64_t, uint64_t>>& want, const std::string& where, const char* noun,
                 const char* verb, const char* extra, const char* missing) {
    z3::context& c = ctx_;
    const z3::expr x = c.int_const("port");
    auto any = [&](const std::vector<std::pair<uint64_t, uint64_t>>& iv) {
      z3::expr_vector v(c);
      for (const auto& [a, b] : iv) v.push_back(x >= c.int_val(a) && x <= c.int_val(b));
      return v.empty() ? c.bool_val(false) : z3::mk_or(v);
    };
    z3::solver s = Solver(c);
    const z3::expr h = any(have), w = any(want);
    s.add(h != w);
    const z3::check_result res = s.check();
    if (res == z3::unsat) return;
    if (res == z3::unknown) {
      r->verdict = Verdict::kUnknown;
      r->unknown_reason = s.reason_unknown();
      return;
    }
    const z3::model m = s.get_model();
    int64_t v = 0;
    m.eval(x, true).is_numeral_i64(v);
    Fail(r, absl::StrFormat("in %s, %s %#x %s", where, noun, v, m.eval(h, true).is_true() ? absl::StrCat(verb, " but ", extra) : missing));
  }

  static void Fail(ObligationResult* r, std::string message) {
    r->verdict = Verdict::kFailed;
    if (r->counterexamples.size() < proofs::kMaxCounterexamples) r->counterexamples.push_back({std::move(message), {}});
  }

  const policy::System& s_;
  z3::context ctx_;
  BlobReader reader_;
};

}  // namespace

const std::vector<proofs::ObligationInfo>& TvCatalogue() {
  static const std::vector<proofs::ObligationInfo> kCatalogue = {
      {"P10-page-tables",
       "For every domain and guest-physical address, the NPT and EPT decoded from the blob give exactly the policy's frame and access, and nothing where the policy maps nothing.",
       "Hyperkernel pgwalk corollary; Muen generator bugs found by Haque et al. 2020"},
      {"P12-io-msr-bitmaps",
       "For every domain and I/O port, the IOPM and I/O-bitmap bit passes iff the domain owns the port; MSR bitmaps pass exactly the whitelist.",
       "Muen IOBM/MSRBM, MSR.Check_Whitelist"},
  };
  return kCatalogue;
}

std::vector<proofs::ObligationResult> ValidateTables(const policy::System& system, const std::vector<uint8_t>& blob) {
  z3::set_param("parallel.enable", false);
  return Validator(system, blob).Run();
}

}  // namespace septum::tv
