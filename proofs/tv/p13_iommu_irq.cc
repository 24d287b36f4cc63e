// proofs/tv/p13_iommu_irq.cc — P13: every IRQ route names the device's owner, on the canonical
// vector and the owner's lowest CPU; the AMD-Vi and VT-d tables translate exactly the policy's
// DMA devices, with the owner's domain ID, to the owner's memory only. The decoded IOMMU pages
// and the memory devices reach are kept for P11.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proofs/tv/iommu_decode.h"
#include "proofs/tv/validator.h"

namespace septum::tv {

const TvEntry kIommuIrqEntry = {
    TvObligation::kIommuIrq,
    {"P13-iommu-irq", "For every PCI device ID, the AMD-Vi and VT-d tables translate exactly the DMA devices, each to its owner's memory only, and block the rest; every IRQ route names the device's owner.", "Hyperkernel iommu and intremap lemmas; Muen Device_Domains"}};

void Validator::IommuIrq(ObligationResult* r) {
  IrqRoutes(r);
  IommuTables(r);
}

void Validator::IrqRoutes(ObligationResult* r) {
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
    // are sorted by IRQ: checked above). Anything else is refused.
    const uint64_t position = per_cpu[rt.cpu]++;
    if (rt.vector != tables::kFirstIrqVector + position || rt.vector > tables::kLastIrqVector) {
      Fail(r, absl::StrFormat("IRQ %d is routed on vector %#x; as route %d to CPU %d it must use vector %#x", rt.irq, rt.vector, position, rt.cpu,
                              tables::kFirstIrqVector + position));
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
void Validator::IommuTables(ObligationResult* r) {
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

}  // namespace septum::tv
