// proofs/tv/dump.cc — see dump.h.
#include "proofs/tv/dump.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/io_bitmaps.h"
#include "kernel/abi/tables.h"
#include "proofs/tv/io_decode.h"
#include "proofs/tv/blob_reader.h"

namespace septum::tv {
namespace {

const char* KindName(uint32_t k) {
  static const char* kNames[] = {"?", "domains", "page-tables", "io-bitmaps", "channels", "irq-routes", "schedule", "iommu", "rights"};
  return k < 9 ? kNames[k] : "?";
}

}  // namespace

absl::StatusOr<std::string> DumpBlob(const std::vector<uint8_t>& blob) {
  const BlobReader reader(blob);
  if (reader.problem() != BlobProblem::kNone) {
    return absl::FailedPreconditionError(absl::StrCat("not a valid tables blob: ", BlobProblemText(reader.problem())));
  }
  const tables::BlobHeader& h = reader.header();
  std::string o = absl::StrFormat("tables blob: %d bytes, format %d, load address %#x, sha256 ", h.total_size, h.version, h.load_address);
  for (uint8_t b : h.sha256) absl::StrAppendFormat(&o, "%02x", b);
  absl::StrAppend(&o, "\nsections:\n");
  for (const tables::SectionEntry& s : reader.view().sections) {
    absl::StrAppendFormat(&o, "  %-12s at %#x, %d bytes\n", KindName(s.kind), h.load_address + s.offset, s.size);
  }
  const auto at = [&](uint64_t phys, uint64_t size) { return reader.At(phys, size); };
  for (size_t i = 0; i < reader.DomainCount(); ++i) {
    const tables::DomainRecord r = reader.Domain(i);
    std::string cpus;
    for (unsigned c = 0; c < 256; ++c) {
      if ((r.cpu_mask[c / 64] >> (c % 64)) & 1) absl::StrAppend(&cpus, cpus.empty() ? "" : ",", c);
    }
    absl::StrAppendFormat(&o, "domain %d `%s`: %s, cpus %s, boot %s, on fault %s, hypercall groups %#x\n", r.index,
                          std::string(reinterpret_cast<const char*>(r.name), strnlen(reinterpret_cast<const char*>(r.name), sizeof(r.name))),
                          r.type == 1 ? "pv" : "hvm", cpus, r.boot ? "yes" : "no", r.on_fault == 1 ? "stop" : "restart", r.hypercalls);
    for (auto [name, format, root] : {std::tuple{"npt", paging::Format::kNpt, r.npt_root}, std::tuple{"ept", paging::Format::kEpt, r.ept_root}}) {
      absl::StatusOr<Walk> w = reader.WalkTables(format, root);
      if (!w.ok()) {
        absl::StrAppendFormat(&o, "  %s root %#x: %s\n", name, root, w.status().message());
        continue;
      }
      absl::StrAppendFormat(&o, "  %s root %#x, %d table pages:\n", name, root, w->table_pages.size());
      for (const Run& run : w->runs) {
        absl::StrAppendFormat(&o, "    gpa 0x%010x..0x%010x -> hpa 0x%010x %s\n", run.guest, run.guest + run.size - 1, run.host,
                              AccessText(run.access));
      }
    }
    const absl::Span<const uint8_t> iopm = at(r.svm_iopm, io_bitmaps::kSvmIopmBytes), vmx_io = at(r.vmx_io_bitmaps, io_bitmaps::kVmxIoBitmapBytes);
    std::string svm_ports, vmx_ports;
    for (const auto& [ports, decide] : {std::pair{&svm_ports, 0}, std::pair{&vmx_ports, 1}}) {
      for (uint32_t port = 0; port <= 0xffff;) {
        const auto passes = [&](uint32_t q) { return decide == 0 ? SvmPortPasses(iopm, q) : VmxPortPasses(vmx_io, q); };
        if (!passes(port)) {
          ++port;
          continue;
        }
        uint32_t last = port;
        while (last < 0xffff && passes(last + 1)) ++last;
        absl::StrAppendFormat(ports, "%s%#x..%#x", ports->empty() ? "" : ", ", port, last);
        port = last + 1;
      }
    }
    absl::StrAppend(&o, "  ports passing (svm iopm): ", svm_ports.empty() ? "none" : svm_ports, "\n");
    absl::StrAppend(&o, "  ports passing (vmx i/o bitmaps): ", vmx_ports.empty() ? "none" : vmx_ports, "\n");
    const absl::Span<const uint8_t> msrpm = at(r.svm_msrpm, io_bitmaps::kSvmMsrpmBytes), vmx_msr = at(r.vmx_msr_bitmap, io_bitmaps::kVmxMsrBitmapBytes);
    std::string msrs;
    for (uint32_t base : {0x0u, 0xc0000000u, 0xc0010000u}) {
      for (uint32_t msr = base; msr <= base + 0x1fff; ++msr) {
        const bool rd = SvmMsrPasses(msrpm, msr, false), wr = SvmMsrPasses(msrpm, msr, true);
        const bool vrd = VmxMsrPasses(vmx_msr, msr, false), vwr = VmxMsrPasses(vmx_msr, msr, true);
        if (rd || wr || vrd || vwr) {
          absl::StrAppendFormat(&msrs, "%s%#x svm %s%s vmx %s%s", msrs.empty() ? "" : ", ", msr, rd ? "r" : "-", wr ? "w" : "-",
                                vrd ? "r" : "-", vwr ? "w" : "-");
        }
      }
    }
    absl::StrAppend(&o, "  MSRs passing: ", msrs.empty() ? "none" : msrs, "\n");
  }
  return o;
}

}  // namespace septum::tv
