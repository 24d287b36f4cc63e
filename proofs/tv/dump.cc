// proofs/tv/dump.cc — see dump.h.
#include "proofs/tv/dump.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/io_bitmaps.h"
#include "kernel/abi/tables.h"
#include "kernel/core/blob.h"
#include "proofs/tv/io_decode.h"
#include "proofs/tv/walk.h"

namespace septum::tv {
namespace {

const char* KindName(uint32_t k) {
  static const char* kNames[] = {"?", "domains", "page-tables", "io-bitmaps", "channels", "irq-routes", "schedule", "iommu", "rights"};
  return k < 9 ? kNames[k] : "?";
}

std::string Access(uint8_t a) {
  return absl::StrCat((a & paging::kRead) ? "r" : "-", (a & paging::kWrite) ? "w" : "-", (a & paging::kExec) ? "x" : "-");
}

}  // namespace

absl::StatusOr<std::string> DumpBlob(const std::vector<uint8_t>& blob) {
  std::vector<uint64_t> aligned((blob.size() + 7) / 8);
  std::memcpy(aligned.data(), blob.data(), blob.size());
  const Span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(aligned.data()), blob.size());
  BlobView v;
  const BlobProblem p = ValidateBlob(bytes, &v);
  if (p != BlobProblem::kNone) return absl::FailedPreconditionError(absl::StrCat("not a valid tables blob: ", BlobProblemText(p)));
  const tables::BlobHeader& h = *v.header;
  std::string o = absl::StrFormat("tables blob: %d bytes, format %d, load address %#x, sha256 ", h.total_size, h.version, h.load_address);
  for (uint8_t b : h.sha256) absl::StrAppendFormat(&o, "%02x", b);
  absl::StrAppend(&o, "\nsections:\n");
  const tables::SectionEntry* records = nullptr;
  const tables::SectionEntry* page_tables = nullptr;
  for (const tables::SectionEntry& s : v.sections) {
    absl::StrAppendFormat(&o, "  %-12s at %#x, %d bytes\n", KindName(s.kind), h.load_address + s.offset, s.size);
    if (s.kind == static_cast<uint32_t>(tables::SectionKind::kDomains)) records = &s;
    if (s.kind == static_cast<uint32_t>(tables::SectionKind::kPageTables)) page_tables = &s;
  }
  if (!records) return o;
  // Physical address -> bytes of the blob.
  auto at = [&](uint64_t phys, uint64_t size) -> absl::Span<const uint8_t> {
    if (phys < h.load_address || phys - h.load_address > h.total_size || size > h.total_size - (phys - h.load_address)) return {};
    return absl::Span<const uint8_t>(bytes.data() + (phys - h.load_address), size);
  };
  const size_t n = records->size / sizeof(tables::DomainRecord);
  for (size_t i = 0; i < n; ++i) {
    tables::DomainRecord r;
    std::memcpy(&r, bytes.data() + records->offset + i * sizeof(r), sizeof(r));
    std::string cpus;
    for (unsigned c = 0; c < 256; ++c) {
      if ((r.cpu_mask[c / 64] >> (c % 64)) & 1) absl::StrAppend(&cpus, cpus.empty() ? "" : ",", c);
    }
    absl::StrAppendFormat(&o, "domain %d `%s`: %s, cpus %s, boot %s, on fault %s, hypercall groups %#x\n", r.index,
                          std::string(reinterpret_cast<const char*>(r.name), strnlen(reinterpret_cast<const char*>(r.name), sizeof(r.name))),
                          r.type == 1 ? "pv" : "hvm", cpus, r.boot ? "yes" : "no", r.on_fault == 1 ? "stop" : "restart", r.hypercalls);
    for (auto [name, format, root] : {std::tuple{"npt", paging::Format::kNpt, r.npt_root}, std::tuple{"ept", paging::Format::kEpt, r.ept_root}}) {
      if (!page_tables) break;
      // The walker gets the whole page-table section; tables of other domains are simply not reached.
      const uint64_t section_base = h.load_address + page_tables->offset;
      const absl::Span<const uint8_t> area = at(section_base, page_tables->size);
      if (root < section_base || root - section_base >= page_tables->size) {
        absl::StrAppendFormat(&o, "  %s root %#x: outside the page-table section\n", name, root);
        continue;
      }
      // Walk from the root: present the area starting at the root as the table pages.
      const absl::Span<const uint8_t> from_root = area.subspan(static_cast<size_t>(root - section_base));
      absl::StatusOr<Walk> w = WalkToRuns(format, from_root, root);
      if (!w.ok()) {
        absl::StrAppendFormat(&o, "  %s root %#x: %s\n", name, root, w.status().message());
        continue;
      }
      absl::StrAppendFormat(&o, "  %s root %#x, %d table pages:\n", name, root, w->table_pages.size());
      for (const Run& run : w->runs) {
        absl::StrAppendFormat(&o, "    gpa 0x%010x..0x%010x -> hpa 0x%010x %s\n", run.guest, run.guest + run.size - 1, run.host,
                              Access(run.access));
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
