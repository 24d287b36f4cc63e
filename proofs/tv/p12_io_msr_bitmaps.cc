// proofs/tv/p12_io_msr_bitmaps.cc — P12: each domain's I/O-port bitmaps (the SVM IOPM, the VMX
// I/O bitmaps) pass a port iff the domain owns it, and its MSR bitmaps (SVM MSRPM, VMX MSR
// bitmap) pass exactly the whitelist; the bits the per-port view does not show intercept.
#include <tuple>

#include "absl/strings/str_format.h"
#include "kernel/abi/io_bitmaps.h"
#include "proofs/tv/io_decode.h"
#include "proofs/tv/validator.h"

namespace septum::tv {

const TvEntry kIoMsrBitmapsEntry = {
    TvObligation::kIoMsrBitmaps,
    {"P12-io-msr-bitmaps", "For every domain and I/O port, the IOPM and I/O-bitmap bit passes iff the domain owns the port; MSR bitmaps pass exactly the whitelist.", "Muen IOBM/MSRBM, MSR.Check_Whitelist"}};

namespace {

std::string MsrText(const std::vector<Item>& items, uint64_t msr) {
  for (const Item& it : items) {
    if (msr - it.lo < it.size) return it.attr == 3 ? "reads and writes" : it.attr == 1 ? "reads only" : "writes only";
  }
  return "nothing";
}

}  // namespace

void Validator::IoMsrBitmaps(ObligationResult* r) {
  std::vector<Item> whitelist;
  for (uint32_t m : io_bitmaps::kMsrWhitelist) whitelist.push_back({m, 1, 0, 3});
  SortByLo(&whitelist);
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
    }
    std::vector<Item> owned;
    for (uint32_t dev : dom.devices) {
      const policy::Device& device = s_.devices[dev];
      if (device.owner.kind != policy::Owner::Kind::kDomain || device.owner.domain != want_.order[c]) continue;
      for (const policy::PortRange& p : device.ports) owned.push_back({p.first, uint64_t{p.last} - p.first + 1, 0, 0});
    }
    SortByLo(&owned);
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
        Fail(r, absl::StrFormat("in the %s of `%s`, MSR %#x: the bitmap passes %s, the whitelist %s", what, dom.name, *msr, MsrText(pass, *msr),
                                MsrText(whitelist, *msr)),
             dom.where, dom.name);
      }
    }
  }
}

}  // namespace septum::tv
