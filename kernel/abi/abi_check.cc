// kernel/abi/abi_check.cc — compiles every ABI header in this target's build (the kernel's
// freestanding flags for `abi`, the host's for `abi_host`), so both builds keep accepting them.
#include "kernel/abi/io_bitmaps.h"
#include "kernel/abi/iommu.h"
#include "kernel/abi/paging.h"
#include "kernel/abi/status.h"
#include "kernel/abi/tables.h"
#include "kernel/abi/version.h"

static_assert(sizeof(septum::Status) == 4, "Status is a u32 in RAX");
static_assert(septum::paging::kEntriesPerTable * 8 == septum::paging::kPageSize, "a table is one page");
static_assert(sizeof(septum::iommu::amdvi::Dte) == 32, "an AMD-Vi DTE is 256 bits");
static_assert(septum::iommu::amdvi::kMaxDeviceTablePages * septum::paging::kPageSize == 2u << 20,
              "a full AMD-Vi device table is 2 MiB");
static_assert(sizeof(septum::iommu::vtd::RootEntry) * septum::iommu::vtd::kEntriesPerTable == septum::paging::kPageSize,
              "a VT-d root table is one page");
static_assert(sizeof(septum::iommu::vtd::ContextEntry) * septum::iommu::vtd::kEntriesPerTable == septum::paging::kPageSize,
              "a VT-d context table is one page");
