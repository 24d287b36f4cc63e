// tools/compiler/compile.h — lowers a proven policy model (and its domains' images) to the
// tables blob (kernel/abi/tables.h): everything the kernel needs to run the policy, nothing it
// must compute.
//
// The blob is built for a host-physical load address at the top of the kernel's memory (4 KiB
// aligned, ending at most at the memory's end), so that everything between the kernel image
// and the blob is free for the boot modules; the first 2 MiB of kernel memory (the kernel
// image) are never used.
// Sections, in this order: system, domains, rights, channels, IRQ routes, schedule, segments,
// page tables, I/O bitmaps, IOMMU, start state. Domains appear in canonical order (sorted by name) and
// every cross-reference uses that order, so reordering declarations that do not change
// meaning gives the same bytes; nothing depends on the machine.
//
// What each domain maps (NPT, EPT): its regions with their permissions, its channel ends
// (writer rw, reader r) and the MMIO of the devices it owns (identity-mapped, rw, never
// executable). A DMA-capable device's IOMMU tables (AMD-Vi and VT-d) map its owner's regions
// and channel ends at the owner's guest-physical addresses (r/w only, no MMIO); every other
// device ID is blocked. IRQs of owned devices are routed to the owner's lowest CPU, on that
// CPU's vectors 0x30 upward in IRQ order. Each PV domain gets a start block
// (kernel/abi/start_info.h) at the top of its lowest writable RAM region. The schedule is in
// ticks of 1 µs. Domains that own the same ports share one set of I/O and MSR bitmaps (the
// hardware only reads them).
#ifndef SEPTUM_TOOLS_COMPILER_COMPILE_H_
#define SEPTUM_TOOLS_COMPILER_COMPILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kernel/abi/start_info.h"
#include "policy/model.h"
#include "tools/compiler/image.h"
#include "tools/compiler/page_tables.h"

namespace septum::compiler {

inline constexpr uint64_t kKernelImageRoom = 2u << 20;  // the kernel image's part of kernel memory

inline constexpr uint32_t kNoChannel = 0xffffffffu;

// One guest-physical range of a domain, with what it is (start::RegionKind), the index of its
// channel in the channel table (kNoChannel if none) and the name the start info gives it.
struct DomainRange {
  Mapping map;
  uint8_t kind = 0;
  uint32_t channel = kNoChannel;
  std::string name;
};

// The guest-physical ranges of domain `d`, sorted by guest address: memory (regions and
// channel ends) and, with `with_mmio`, the MMIO of the devices it owns.
std::vector<DomainRange> DomainRanges(const policy::System& system, uint32_t d, bool with_mmio = true);
// The same, as mappings only.
std::vector<Mapping> DomainMappings(const policy::System& system, uint32_t d, bool with_mmio = true);

// Channel indices of the model in table order (sorted by name).
std::vector<uint32_t> ChannelOrder(const policy::System& system);

// Domain indices of the model in canonical order (sorted by name).
std::vector<uint32_t> CanonicalOrder(const policy::System& system);

// Where a raw (non-ELF) image of domain `d` is loaded: the lowest guest-physical address of
// its memory regions (0 if it has none).
uint64_t RawLoadAddress(const policy::System& system, uint32_t d);

// Reads every domain's image (Domain::image_path), in model order. Errors name the domain.
absl::StatusOr<std::vector<Image>> ReadImages(const policy::System& system);

// `images`: one per model domain (model order), or nullptr for a policy-only blob (flag
// kSystemNoImages: inspectable and provable, refused by the kernel). Fails if a segment does
// not lie inside one memory region of its domain or needs access the region does not grant,
// if the IRQ vectors run out, or if the blob does not fit in kernel memory.
absl::StatusOr<std::vector<uint8_t>> CompileTables(const policy::System& system, const std::vector<Image>* images);

}  // namespace septum::compiler

#endif  // SEPTUM_TOOLS_COMPILER_COMPILE_H_
