// policy/model.h — the system model: a typed, resolved description of one policy.
//
// This is what the proofs (proofs/) and the table compiler consume. It is plain data: indices
// instead of names for references, byte ranges with their final placement, bit sets for rights
// and hypercall groups, and a Span back to the policy source on every element. No parser type
// appears here.
//
// Invariants established by the front end (resolve.h) when it reports no error:
//  - every index refers to an existing element; names are unique in their namespace;
//  - every range has size > 0, is 4 KiB aligned (I/O ports and IRQs excepted) and does not pass
//    2^64; base + size is computed in unsigned 64-bit arithmetic without wrapping, except that a
//    range may end exactly at 2^64 (End() then returns 0 and EndIsTop() is true);
//  - every region and channel has a host-physical and guest-physical placement (the allocator's
//    choice is marked `placed`).
// The isolation invariants (disjointness, exclusivity, flows, schedule sums) are also checked
// by the front end, but the proofs must not assume them: they re-prove them over this model.
#ifndef SEPTUM_POLICY_MODEL_H_
#define SEPTUM_POLICY_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace septum::policy {

// A place in the policy source: 1-based line and column (code points), length in bytes.
struct Span {
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t length = 0;
  uint32_t offset = 0;  // byte offset in the file
};

// [base, base + size) in bytes.
struct Range {
  uint64_t base = 0;
  uint64_t size = 0;

  uint64_t End() const { return base + size; }  // 0 when the range ends at 2^64
  uint64_t Last() const { return base + (size - 1); }
  bool Overlaps(const Range& o) const { return size && o.size && base <= o.Last() && o.base <= Last(); }
  bool Contains(const Range& o) const { return o.size && base <= o.base && o.Last() <= Last(); }
};

enum Perm : uint8_t { kRead = 1, kWrite = 2, kExec = 4 };
std::string PermString(uint8_t perms);  // "rwx", "r-x", ...

enum class DomainType : uint8_t { kPv, kHvm };
enum class FaultAction : uint8_t { kStop, kRestart };
enum class Iommu : uint8_t { kNone, kAmdVi, kVtd };

enum Hypercall : uint8_t {
  kHcConsole = 1 << 0,
  kHcYield = 1 << 1,
  kHcTime = 1 << 2,
  kHcChannel = 1 << 3,
  kHcControl = 1 << 4,
};
enum Right : uint8_t {
  kRightStart = 1 << 0,
  kRightStop = 1 << 1,
  kRightPause = 1 << 2,
  kRightResume = 1 << 3,
  kRightQuery = 1 << 4,
};
std::string HexString(uint64_t value);       // "0x0", "0x1000"
std::string DurationString(uint64_t micros);  // "10ms", "1500us", "2s"
std::string SizeString(uint64_t bytes);       // "16MiB", "4KiB", "12345B"
std::string HypercallNames(uint8_t set);  // "console, yield"
std::string RightNames(uint8_t set);      // "start, stop"

constexpr uint32_t kNoIndex = 0xffffffffu;

struct RamBank {
  Range range;
  Span where;
};

struct Platform {
  uint32_t cpus = 0;
  std::vector<RamBank> ram;
  Iommu iommu = Iommu::kNone;
  Span where;
};

struct KernelSpec {
  Range memory;
  uint32_t console = kNoIndex;  // device index
  Span where;
  Span memory_where;
};

struct PortRange {
  uint32_t first = 0;  // inclusive
  uint32_t last = 0;   // inclusive
  Span where;
};

struct Irq {
  uint32_t number = 0;
  Span where;
};

struct Mmio {
  Range range;
  Span where;
};

struct PciBdf {
  uint32_t bus = 0, device = 0, function = 0;
  Span where;
  uint32_t Packed() const { return bus << 8 | device << 3 | function; }
};

// Who owns a device: nobody, the kernel (its console), or a domain.
struct Owner {
  enum class Kind : uint8_t { kNone, kKernel, kDomain };
  Kind kind = Kind::kNone;
  uint32_t domain = kNoIndex;
  Span where;  // the `device` / `console` line that claims it
};

struct Device {
  std::string name;
  std::vector<PortRange> ports;
  std::vector<Irq> irqs;
  std::vector<Mmio> mmio;
  std::optional<PciBdf> pci;
  bool dma = false;
  Owner owner;
  Span where;
};

// A domain's memory region (not a channel).
struct Region {
  std::string name;     // unique within its domain
  uint32_t domain = kNoIndex;
  Range host;           // host-physical
  uint64_t guest = 0;   // guest-physical base; the size is host.size
  uint8_t perms = 0;
  bool host_placed = false;   // host address chosen by the allocator
  bool guest_placed = false;  // guest address chosen by the allocator
  Span where;

  Range GuestRange() const { return Range{guest, host.size}; }
};

// A grant's target when the policy names the kernel (always rejected; kept for the proofs).
constexpr uint32_t kKernelTarget = 0xfffffffeu;

struct ControlGrant {
  uint32_t holder = kNoIndex;
  uint32_t target = kNoIndex;  // a domain index, or kKernelTarget
  uint8_t rights = 0;
  Span where;
};

struct Domain {
  std::string name;
  DomainType type = DomainType::kPv;
  std::string image;           // as written
  std::string image_path;      // resolved relative to the policy file's folder
  std::vector<uint32_t> cpus;  // sorted, unique
  std::vector<uint32_t> regions;   // indices into System::regions, declaration order
  std::vector<uint32_t> devices;   // devices this domain claims (Device::owner is the first claimant)
  uint8_t hypercalls = 0;
  FaultAction on_fault = FaultAction::kStop;
  bool boot = true;
  std::vector<std::string> labels;
  Span where;
  Span cpus_where;
  Span hypercalls_where;
};

struct ChannelEnd {
  uint32_t domain = kNoIndex;
  uint64_t guest = 0;
  uint8_t perms = 0;  // writer rw, reader r
  bool guest_placed = false;
  Span where;
};

struct Channel {
  std::string name;
  Range host;
  bool host_placed = false;
  ChannelEnd writer;
  ChannelEnd reader;
  bool notify = false;
  Span where;
};

struct Slot {
  uint32_t domain = kNoIndex;  // kNoIndex = idle
  uint64_t micros = 0;
  Span where;
};

struct CpuPlan {
  uint32_t cpu = 0;
  std::vector<Slot> slots;
  Span where;
};

struct Schedule {
  uint64_t major_micros = 0;
  std::vector<CpuPlan> plans;  // sorted by cpu
  Span where;
};

struct Assertion {
  enum class Kind : uint8_t { kNoFlow, kIsolated };
  Kind kind = Kind::kNoFlow;
  std::string from_name, to_name;  // as written (a domain or a label)
  std::vector<uint32_t> from;      // the domains they stand for
  std::vector<uint32_t> to;        // empty for kIsolated
  Span where;
};

struct System {
  std::string name;
  std::string source_path;  // the policy file, as given
  Platform platform;
  KernelSpec kernel;
  std::vector<Device> devices;
  std::vector<Domain> domains;
  std::vector<Region> regions;
  std::vector<Channel> channels;
  std::vector<ControlGrant> grants;
  Schedule schedule;
  std::vector<Assertion> assertions;
  Span where;

  // Looks up by name; kNoIndex if absent.
  uint32_t FindDomain(const std::string& name) const;
  uint32_t FindDevice(const std::string& name) const;
  // The domains a name stands for in an assertion: the domain of that name, or every domain
  // with that label; empty if neither.
  std::vector<uint32_t> DomainsNamed(const std::string& name) const;
  // "dom0.ram" for a region.
  std::string RegionName(uint32_t region) const;
};

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_MODEL_H_
