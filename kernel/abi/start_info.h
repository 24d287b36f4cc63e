// kernel/abi/start_info.h — how a PV domain finds itself when it starts: its start block.
//
// The compiler builds one start block per PV domain into the tables blob (section
// kStartState); at every start and restart the kernel copies it, after zeroing the domain's
// memory and loading its image, to guest-physical `start_guest` (DomainRecord). The block is
// the top pages of the domain's lowest writable RAM region: a StartInfo page (who it is, what
// it maps, which domains it may control), then the guest
// page tables (4-level, long-mode format) that identity-map every guest-physical range the
// domain has — its memory regions, channel ends and owned MMIO — with the policy's rights
// (writable only where the policy says w, no-execute where it lacks x). The nested tables
// remain the enforcement; the guest tables only make the guest's view match them.
//
// PV start state (both backends): 64-bit long mode, CPL 0, paging on with CR3 = the page after
// the StartInfo page, CR0 = PE|MP|ET|NE|WP|PG, CR4 = PAE|OSFXSR|OSXMMEXCPT (on VT-x the VMXE
// that VMX forces is masked: the guest reads its CR4 without it), EFER = LME|LMA|NXE (SVME too on
// AMD-V, invisible to the guest); CS = 64-bit code, DS/ES/SS/FS/GS flat data with base 0; no
// GDT or IDT in guest memory (GDTR and IDTR limit 0: an exception in the guest is a fault the
// kernel contains); RFLAGS = 0x2 (interrupts off); RIP = the image's entry point;
// RDI = guest-physical address of the StartInfo page; RSP and every other register 0 — the
// guest sets up its own stack first.
#ifndef SEPTUM_KERNEL_ABI_START_INFO_H_
#define SEPTUM_KERNEL_ABI_START_INFO_H_

#include <stddef.h>
#include <stdint.h>

namespace septum::start {

inline constexpr uint8_t kMagic[8] = {'S', 'E', 'P', 'T', 'U', 'M', 'S', 'I'};

enum RegionKind : uint8_t {
  kRam = 1,            // a memory region of the domain
  kChannelWriter = 2,  // a channel the domain writes (read-write)
  kChannelReader = 3,  // a channel the domain reads (read-only)
  kMmio = 4,           // MMIO of a device the domain owns
};

struct Region {
  uint64_t guest;      // guest-physical base (identity-mapped)
  uint64_t size;       // bytes
  uint8_t access;      // paging::Access bits
  uint8_t kind;        // RegionKind
  uint16_t reserved;   // zero
  uint32_t channel;    // index in the channel table for a channel end, else 0xffffffff
  uint8_t name[32];    // region, channel or device name, NUL-padded
};
static_assert(sizeof(Region) == 56, "ABI: start region size");

inline constexpr uint32_t kMaxRegions = 48;

// A domain this one may control (its `control` lines): the target's index — the argument the
// control hypercalls take — its name, and the rights (ControlRightBit, kernel/abi/tables.h).
struct Control {
  uint32_t target;
  uint32_t rights;
  uint8_t name[32];    // NUL-padded
};
static_assert(sizeof(Control) == 40, "ABI: start control size");

inline constexpr uint32_t kMaxControls = 32;

struct StartInfo {
  uint8_t magic[8];           // kMagic
  uint32_t abi_version;       // kAbiVersion (kernel/abi/version.h)
  uint32_t domain;            // index in the tables' domain list
  uint8_t name[32];           // NUL-padded
  uint64_t start_guest;       // guest-physical address of this page
  uint64_t page_table_root;   // guest-physical address of the PML4 (the start CR3)
  uint32_t block_pages;       // this page plus the page-table pages
  uint32_t region_count;      // entries used in `regions`, sorted by guest address
  uint32_t control_count;     // entries used in `controls`, sorted by target index
  uint32_t reserved;          // zero
  Region regions[kMaxRegions];
  Control controls[kMaxControls];
  // The rest of the page is zero.
};
static_assert(offsetof(StartInfo, regions) == 80, "ABI: start info layout");
static_assert(offsetof(StartInfo, controls) == 80 + 48 * 56, "ABI: start info layout");
static_assert(sizeof(StartInfo) <= 4096, "ABI: start info fits its page");

}  // namespace septum::start

#endif  // SEPTUM_KERNEL_ABI_START_INFO_H_
