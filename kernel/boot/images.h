// kernel/boot/images.h — binding each domain to its image module and start block, and keeping
// the boot modules out of every domain's memory (a restart reloads a domain from its module).
#ifndef SEPTUM_KERNEL_BOOT_IMAGES_H_
#define SEPTUM_KERNEL_BOOT_IMAGES_H_

#include <stdint.h>

#include "kernel/abi/tables.h"
#include "kernel/boot/multiboot2.h"
#include "kernel/core/domain.h"
#include "kernel/core/phys_range.h"
#include "kernel/lib/span.h"

namespace septum {

// Finds the boot module "image:NAME" of each domain, checks it against the domain's record (size
// and SHA-256), and points the domain's image at it, at its segments and at its start block
// (`start_section`: the blob's start-state section, at host-physical `start_section_phys`).
// Refuses to run if a module is missing or is not the one the tables were built with, or a
// record points outside the blob.
void BindImages(Span<Domain> domains, const BootInfo& boot, Span<const tables::SegmentRecord> segments,
                Span<const uint8_t> start_section, uint64_t start_section_phys);

// Whether `range` is clear of every domain's memory (its nested tables' leaves): kOk, or
// kBadState if a leaf overlaps it.
Status ClearOfDomains(Span<const Domain> domains, PhysRange range);

// Refuses to run unless every boot module lies outside every domain's memory.
void CheckModulesClear(Span<const Domain> domains, const BootInfo& boot);

}  // namespace septum

#endif  // SEPTUM_KERNEL_BOOT_IMAGES_H_
