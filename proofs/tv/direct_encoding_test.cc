// Cross-checks the trusted C++ part of P10 and P13 — walking table bytes into runs — against a
// slow, direct encoding in Z3 (PROOFS.md: "nested ite walk, symbolic address"). For every
// table of every example's blob (NPT and EPT of each domain, and the AMD-Vi and VT-d tables of
// each DMA device), Z3 proves that for every guest-physical address below 2^48 the direct
// walk of the bytes and the walker's runs agree on present, frame and access.
//
// The direct encoding reads the entry bits straight from the manuals and shares no code with
// proofs/tv/walk.cc: at each level, the entry selected by the address's 9 index bits is an ite
// over the page's non-zero entries (zero entries are absent in every format), and a table
// entry recurses into its child page.
#include <gtest/gtest.h>
#include <z3++.h>

#include <cstring>
#include <filesystem>
#include <functional>

#include "kernel/abi/tables.h"
#include "policy/frontend.h"
#include "proofs/tv/blob_reader.h"
#include "proofs/tv/iommu_decode.h"
#include "tools/compiler/compile.h"

namespace septum::tv {
namespace {

enum class Fmt { kNpt, kEpt, kAmdVi, kVtd };

// What a walk yields at one address: present, host address, and the r/w/x bits.
struct Sym {
  z3::expr present, host, read, write, exec;
};

class Direct {
 public:
  Direct(z3::context& c, const BlobReader& r, Fmt f, const z3::expr& gpa) : c_(c), r_(r), f_(f), gpa_(gpa) {}

  Sym Walk(uint64_t table, unsigned level) {
    const unsigned shift = 12 + 9 * (level - 1);
    const z3::expr index = gpa_.extract(shift + 8, shift);
    Sym out = Absent();
    const absl::Span<const uint8_t> page = r_.At(table, 4096);
    for (unsigned i = 512; i-- > 0;) {
      uint64_t e;
      std::memcpy(&e, page.data() + i * 8, 8);
      if (e == 0) continue;
      const Sym here = Entry(e, level, shift);
      out = {z3::ite(index == c_.bv_val(i, 9), here.present, out.present), z3::ite(index == c_.bv_val(i, 9), here.host, out.host),
             z3::ite(index == c_.bv_val(i, 9), here.read, out.read), z3::ite(index == c_.bv_val(i, 9), here.write, out.write),
             z3::ite(index == c_.bv_val(i, 9), here.exec, out.exec)};
    }
    return out;
  }

 private:
  Sym Absent() { return {c_.bool_val(false), c_.bv_val(0, 64), c_.bool_val(false), c_.bool_val(false), c_.bool_val(false)}; }

  static bool Bit(uint64_t e, unsigned b) { return (e >> b) & 1; }

  Sym Entry(uint64_t e, unsigned level, unsigned shift) {
    const uint64_t addr = e & 0x000ffffffffff000ull;
    bool present = false, r = false, w = false, x = false, leaf = false;
    switch (f_) {
      case Fmt::kNpt:  // APM Vol 2 §5.3.3: P 0, R/W 1, U/S 2, PS 7, NX 63
        present = Bit(e, 0) && Bit(e, 2);
        r = true, w = Bit(e, 1), x = !Bit(e, 63);
        leaf = level == 1 || Bit(e, 7);
        break;
      case Fmt::kEpt:  // SDM Vol 3C §29.3.2: R 0, W 1, X 2, PS 7
        r = Bit(e, 0), w = Bit(e, 1), x = Bit(e, 2);
        present = r || w || x;
        leaf = level == 1 || Bit(e, 7);
        break;
      case Fmt::kAmdVi:  // AMD IOMMU §2.2.3: PR 0, NextLevel 11:9, IR 61, IW 62
        present = Bit(e, 0);
        r = Bit(e, 61), w = Bit(e, 62), x = false;
        leaf = ((e >> 9) & 7) == 0;
        break;
      case Fmt::kVtd:  // VT-d §9.8: R 0, W 1, PS 7
        r = Bit(e, 0), w = Bit(e, 1), x = false;
        present = r || w;
        leaf = level == 1 || Bit(e, 7);
        break;
    }
    if (!present) return Absent();
    if (leaf) {
      const uint64_t mask = (uint64_t{1} << shift) - 1;
      return {c_.bool_val(true), c_.bv_val(addr, 64) | (gpa_ & c_.bv_val(mask, 64)), c_.bool_val(r), c_.bool_val(w), c_.bool_val(x)};
    }
    const Sym below = Walk(addr, level - 1);
    return {below.present, below.host, below.read && c_.bool_val(r), below.write && c_.bool_val(w), below.exec && c_.bool_val(x)};
  }

  z3::context& c_;
  const BlobReader& r_;
  Fmt f_;
  z3::expr gpa_;
};

// ∃ gpa < 2^48 where the direct walk and the runs disagree; the witness, if any.
std::string Disagreement(const BlobReader& reader, Fmt f, uint64_t root, const std::vector<Run>& runs) {
  z3::context c;
  const z3::expr gpa = c.bv_const("gpa", 64);
  const Sym d = Direct(c, reader, f, gpa).Walk(root, 4);
  Sym r{c.bool_val(false), c.bv_val(0, 64), c.bool_val(false), c.bool_val(false), c.bool_val(false)};
  for (const Run& run : runs) {
    const z3::expr in = z3::uge(gpa, c.bv_val(run.guest, 64)) && z3::ult(gpa - c.bv_val(run.guest, 64), c.bv_val(run.size, 64));
    r = {in || r.present, z3::ite(in, c.bv_val(run.host, 64) + (gpa - c.bv_val(run.guest, 64)), r.host),
         z3::ite(in, c.bool_val(run.access & 1), r.read), z3::ite(in, c.bool_val(run.access & 2), r.write),
         z3::ite(in, c.bool_val(run.access & 4), r.exec)};
  }
  // The walker lists a run only where some access is granted; the direct walk's "present"
  // with no access at all is the same as absent.
  const z3::expr d_any = d.present && (d.read || d.write || d.exec);
  z3::solver s(c, "QF_BV");
  s.add(z3::ult(gpa, c.bv_val(uint64_t{1} << 48, 64)));
  s.add(d_any != r.present ||
        (r.present && (d.host != r.host || d.read != r.read || d.write != r.write || d.exec != r.exec)));
  const z3::check_result res = s.check();
  if (res == z3::unsat) return "";
  if (res == z3::unknown) return "unknown: " + s.reason_unknown();
  return "at guest-physical " + s.get_model().eval(gpa, true).to_string();
}

TEST(DirectEncodingTest, WalkerAgreesWithDirectEncodingOnEveryExampleTable) {
  size_t tables = 0;
  for (const auto& entry : std::filesystem::directory_iterator("policy/examples")) {
    if (entry.path().extension() != ".policy") continue;
    const policy::CheckOutcome out = policy::CheckPolicyFile(entry.path().string());
    ASSERT_TRUE(out.accepted()) << entry.path();
    const std::vector<uint8_t> blob = *compiler::CompileTables(*out.system, nullptr);
    const BlobReader reader(blob);
    ASSERT_EQ(reader.problem(), BlobProblem::kNone);
    for (size_t i = 0; i < reader.DomainCount(); ++i) {
      const tables::DomainRecord rec = reader.Domain(i);
      for (auto [f, fmt, root] : {std::tuple{paging::Format::kNpt, Fmt::kNpt, rec.npt_root}, std::tuple{paging::Format::kEpt, Fmt::kEpt, rec.ept_root}}) {
        absl::StatusOr<Walk> w = reader.WalkTables(f, root);
        ASSERT_TRUE(w.ok()) << w.status();
        EXPECT_EQ(Disagreement(reader, fmt, root, w->runs), "") << entry.path() << " domain " << i;
        if (tables == 0 && !w->runs.empty()) {  // the check can fail: a wrong W bit, a shifted frame
          std::vector<tv::Run> wrong = w->runs;
          wrong[0].access ^= paging::kWrite;
          EXPECT_NE(Disagreement(reader, fmt, root, wrong), "");
          wrong = w->runs;
          wrong.back().host += 0x1000;
          EXPECT_NE(Disagreement(reader, fmt, root, wrong), "");
        }
        ++tables;
      }
    }
    // The IOMMU tables of each DMA device.
    tables::SystemRecord sys;
    std::memcpy(&sys, blob.data() + reader.Section(tables::SectionKind::kSystem)->offset, sizeof(sys));
    const tables::SectionEntry* io = reader.Section(tables::SectionKind::kIommu);
    const uint64_t io_base = reader.header().load_address + io->offset;
    absl::StatusOr<DmaDecode> amd = DecodeIommuSection(reader.At(io_base, io->size), io_base, sys, IommuVendor::kAmdVi);
    absl::StatusOr<DmaDecode> vtd = DecodeIommuSection(reader.At(io_base, io->size), io_base, sys, IommuVendor::kVtd);
    ASSERT_TRUE(amd.ok() && vtd.ok());
    for (auto [decoded, fmt] : {std::pair{&*amd, Fmt::kAmdVi}, std::pair{&*vtd, Fmt::kVtd}}) {
      for (const DmaTranslation& d : decoded->translated) {
        // The device-level IR/IW of AMD-Vi are ANDed into the runs by the decoder; the DTEs the
        // compiler writes grant both, so the page tables alone must give the same runs.
        EXPECT_EQ(Disagreement(reader, fmt, d.root, d.runs), "") << entry.path() << " device " << DeviceText(d.id);
        ++tables;
      }
    }
  }
  printf("%zu tables: walker runs = direct Z3 walk for every address below 2^48\n", tables);
  EXPECT_GE(tables, 30u);
}

}  // namespace
}  // namespace septum::tv
