// proofs/obligations.cc — the catalogue. Keep in step with proofs/README.md.
#include "proofs/obligations.h"

namespace septum::proofs {

const std::vector<ObligationInfo>& Catalogue() {
  static const std::vector<ObligationInfo> kCatalogue = {
      {"P01-phys-disjoint",
       "Host-physical ranges (kernel memory, domain regions, channels, device MMIO) are pairwise disjoint.",
       "Muen Physical_Memory_Overlap; Jailhouse config-check"},
      {"P02-kernel-ram",
       "No domain maps kernel memory, and all kernel, region and channel memory lies in platform RAM.",
       "Muen Kernel_Memory_Mappings; hvisor#310; ACRN PR #7981"},
      {"P03-guest-disjoint",
       "Each domain's guest-physical mappings are pairwise disjoint and every mapping is 4 KiB aligned.",
       "Muen Virtual_Memory_Overlap, *_Address_Alignment"},
      {"P04-device-unique",
       "Every device has at most one owner, and no two devices share an I/O port, an IRQ, MMIO or a PCI address.",
       "Muen IO_Port_Uniqueness, Physical_IRQ_Uniqueness, PCI_Device_BDF_Uniqueness"},
      {"P05-dma-confined",
       "A DMA-capable device sits behind an IOMMU with a PCI address, does not belong to the kernel, and can reach only its owning domain's memory (an unowned one reaches none).",
       "Hyperkernel IOMMU page-walk corollary; Muen Device_Domains"},
      {"P06-irq-owner", "Every IRQ is delivered only to the owner of the device that raises it.",
       "Hyperkernel interrupt-remapping lemma"},
      {"P07-schedule",
       "Per CPU the schedule sums to the major frame and names only domains pinned to that CPU; every boot domain runs.",
       "Muen Scheduling.*"},
      {"P08-authority",
       "No domain holds rights over itself or the kernel, and control hypercalls are granted iff control rights exist.",
       "seL4 policy_wellformed"},
      {"P09-flows", "Every `assert no flow` and `assert isolated` holds over the transitive flow graph.",
       "Rushby: no channels other than those explicitly provided"},
  };
  return kCatalogue;
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kProven: return "proven";
    case Verdict::kFailed: return "FAILED";
    case Verdict::kUnknown: return "UNKNOWN";
  }
  return "?";
}

}  // namespace septum::proofs
