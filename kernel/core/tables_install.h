// kernel/core/tables_install.h — may the tables blob in a boot module be installed, and where.
//
// The blob is built for a fixed host-physical load address (kernel/abi/tables.h). Before the
// kernel copies it there, CheckTablesInstall decides, from the module's bytes alone:
//  - the container is sound (ValidateBlob: magic, version, lengths, directory, SHA-256);
//  - the load address is 4 KiB aligned and [load, load + size) lies inside one RAM range and
//    overlaps no reserved range (the kernel image, the boot modules, the boot information), so
//    the copy destroys nothing the kernel still needs;
//  - the blob holds a system record that does not say "built without images".
// The kernel then copies the blob and validates it again at its destination: the bytes the
// hardware will use are the bytes that were checked. Pure: host-tested (tables_install_test).
#ifndef SEPTUM_KERNEL_CORE_TABLES_INSTALL_H_
#define SEPTUM_KERNEL_CORE_TABLES_INSTALL_H_

#include <stdint.h>

#include "kernel/core/blob.h"
#include "kernel/core/phys_range.h"
#include "kernel/lib/span.h"

namespace septum {

struct TablesInstall {
  const char* problem = nullptr;  // null: may be installed; otherwise why not (one line)
  BlobProblem container = BlobProblem::kNone;
  uint64_t load_address = 0;
  uint64_t size = 0;
  uint32_t domains = 0;
};

// `module` must be 8-byte aligned (boot modules are page aligned).
TablesInstall CheckTablesInstall(Span<const uint8_t> module, Span<const PhysRange> ram, Span<const PhysRange> reserved);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_TABLES_INSTALL_H_
