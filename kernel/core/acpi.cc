// kernel/core/acpi.cc — see acpi.h.
#include "kernel/core/acpi.h"

namespace septum {
namespace {

constexpr size_t kRsdpV1Bytes = 20;       // ACPI 6.4 §5.2.5.3: signature .. RSDT address
constexpr size_t kRsdpV2Bytes = 36;       // .. length, XSDT address, extended checksum
constexpr size_t kHeaderBytes = 36;       // §5.2.6: the common system description header
constexpr size_t kMadtFixedBytes = 44;    // header, local APIC address, flags
constexpr uint32_t kMadtPcatCompat = 1u << 0;

enum MadtEntry : uint8_t {
  kLocalApic = 0,          // §5.2.12.2
  kIoApic = 1,             // §5.2.12.3
  kOverride = 2,           // §5.2.12.5
  kLocalApicAddress = 5,   // §5.2.12.8
  kLocalX2Apic = 9,        // §5.2.12.12
};
constexpr uint32_t kLapicEnabled = 1u << 0;

// MPS INTI flags (§5.2.12.5 Table 5.26).
constexpr uint16_t kPolarityMask = 0x3, kPolarityHigh = 0x1, kPolarityLow = 0x3;
constexpr uint16_t kTriggerMask = 0xc, kTriggerEdge = 0x4, kTriggerLevel = 0xc;

bool SumsToZero(Span<const uint8_t> bytes) {
  uint8_t sum = 0;
  for (uint8_t b : bytes) sum = static_cast<uint8_t>(sum + b);
  return sum == 0;
}

bool HasSignature(Span<const uint8_t> bytes, const char* signature, size_t length) {
  if (bytes.size() < length) return false;
  for (size_t i = 0; i < length; ++i) {
    if (bytes[i] != static_cast<uint8_t>(signature[i])) return false;
  }
  return true;
}

// The table at `phys` with `signature`, its length and checksum checked. kNotFound when the
// signature differs (so a caller scanning the root table can skip it).
Result<Span<const uint8_t>> ReadTable(const PhysicalMemory& memory, uint64_t phys, const char* signature) {
  SEPTUM_ASSIGN_OR_RETURN(const uint8_t* header, PhysAt(memory, phys, kHeaderBytes));
  const Span<const uint8_t> head(header, kHeaderBytes);
  if (!HasSignature(head, signature, 4)) return Status::kNotFound;
  const uint32_t length = LoadLe<uint32_t>(head, 4).value();
  if (length < kHeaderBytes || length > kMaxAcpiTableBytes) return Status::kCorrupt;
  SEPTUM_ASSIGN_OR_RETURN(const uint8_t* whole, PhysAt(memory, phys, length));
  const Span<const uint8_t> table(whole, length);
  if (!SumsToZero(table)) return Status::kCorrupt;
  return table;
}

Status ParseMadt(Span<const uint8_t> table, Madt* out) {
  if (table.size() < kMadtFixedBytes) return Status::kCorrupt;
  out->lapic_address = LoadLe<uint32_t>(table, 36).value();
  out->pcat_compat = (LoadLe<uint32_t>(table, 40).value() & kMadtPcatCompat) != 0;
  size_t offset = kMadtFixedBytes;
  while (offset < table.size()) {
    if (table.size() - offset < 2) return Status::kCorrupt;
    const uint8_t type = table[offset];
    const uint8_t length = table[offset + 1];
    if (length < 2 || length > table.size() - offset) return Status::kCorrupt;
    const Span<const uint8_t> e = table.Subspan(offset, length).value();
    switch (type) {
      case kLocalApic: {
        if (length < 8) return Status::kCorrupt;
        if ((LoadLe<uint32_t>(e, 4).value() & kLapicEnabled) == 0) {
          ++out->cpus_unusable;
          break;
        }
        if (out->cpu_count == Madt::kMaxCpus) return Status::kNoSpace;
        out->cpus[out->cpu_count++] = AcpiCpu{e[3], e[2]};
        break;
      }
      case kLocalX2Apic:
        if (length < 16) return Status::kCorrupt;
        // An x2APIC-only processor (ID above 254) cannot be started through the xAPIC.
        if (LoadLe<uint32_t>(e, 8).value() & kLapicEnabled) ++out->cpus_unusable;
        break;
      case kIoApic: {
        if (length < 12) return Status::kCorrupt;
        if (out->ioapic_count == Madt::kMaxIoApics) return Status::kNoSpace;
        out->ioapics[out->ioapic_count++] = AcpiIoApic{e[2], LoadLe<uint32_t>(e, 4).value(), LoadLe<uint32_t>(e, 8).value()};
        break;
      }
      case kOverride: {
        if (length < 10) return Status::kCorrupt;
        if (out->override_count == Madt::kMaxOverrides) return Status::kNoSpace;
        out->overrides[out->override_count++] = AcpiOverride{e[3], LoadLe<uint32_t>(e, 4).value(), LoadLe<uint16_t>(e, 8).value()};
        break;
      }
      case kLocalApicAddress:
        if (length < 12) return Status::kCorrupt;
        out->lapic_address = LoadLe<uint64_t>(e, 4).value();
        break;
      default:
        break;  // NMI sources, GIC entries, ...: not used
    }
    offset += length;
  }
  return Status::kOk;
}

}  // namespace

Status ReadMadt(const PhysicalMemory& memory, Span<const uint8_t> rsdp, Madt* out) {
  *out = Madt();
  if (rsdp.size() < kRsdpV1Bytes || !HasSignature(rsdp, "RSD PTR ", 8)) return Status::kCorrupt;
  if (!SumsToZero(rsdp.Subspan(0, kRsdpV1Bytes).value())) return Status::kCorrupt;
  const uint8_t revision = rsdp[15];
  uint64_t root = LoadLe<uint32_t>(rsdp, 16).value();
  bool extended = false;
  if (revision >= 2) {
    if (rsdp.size() < kRsdpV2Bytes) return Status::kCorrupt;
    const uint32_t length = LoadLe<uint32_t>(rsdp, 20).value();
    if (length < kRsdpV2Bytes || length > rsdp.size() || !SumsToZero(rsdp.Subspan(0, length).value())) return Status::kCorrupt;
    const uint64_t xsdt = LoadLe<uint64_t>(rsdp, 24).value();
    if (xsdt != 0) {
      root = xsdt;
      extended = true;
    }
  }
  const Result<Span<const uint8_t>> root_table = ReadTable(memory, root, extended ? "XSDT" : "RSDT");
  if (!root_table.ok()) return root_table.status() == Status::kNotFound ? Status::kCorrupt : root_table.status();
  const Span<const uint8_t> entries = root_table.value().From(kHeaderBytes).value();
  const size_t width = extended ? 8 : 4;
  if (entries.size() % width != 0) return Status::kCorrupt;
  for (size_t i = 0; i < entries.size(); i += width) {
    const uint64_t phys = extended ? LoadLe<uint64_t>(entries, i).value() : LoadLe<uint32_t>(entries, i).value();
    const Result<Span<const uint8_t>> madt = ReadTable(memory, phys, "APIC");
    if (madt.status() == Status::kNotFound) continue;
    if (!madt.ok()) return madt.status();
    return ParseMadt(madt.value(), out);
  }
  return Status::kNotFound;
}

IrqLine ResolveIrq(const Madt& madt, uint32_t irq) {
  if (irq >= 16) return IrqLine{irq, true, true};
  IrqLine line{irq, false, false};
  for (size_t i = 0; i < madt.override_count; ++i) {
    const AcpiOverride& o = madt.overrides[i];
    if (o.bus_irq != irq) continue;
    line.gsi = o.gsi;
    if ((o.flags & kTriggerMask) == kTriggerLevel) line.level = true;
    if ((o.flags & kTriggerMask) == kTriggerEdge) line.level = false;
    if ((o.flags & kPolarityMask) == kPolarityLow) line.active_low = true;
    if ((o.flags & kPolarityMask) == kPolarityHigh) line.active_low = false;
  }
  return line;
}

Status AssignCpus(const Madt& madt, uint32_t bsp_apic_id, uint32_t count, uint32_t* apic_ids) {
  bool bsp_listed = false;
  for (size_t i = 0; i < madt.cpu_count; ++i) bsp_listed = bsp_listed || madt.cpus[i].apic_id == bsp_apic_id;
  if (!bsp_listed) return Status::kNotFound;
  if (count == 0) return Status::kOk;
  if (madt.cpu_count < count) return Status::kNoSpace;
  apic_ids[0] = bsp_apic_id;
  uint32_t next = 1;
  for (size_t i = 0; i < madt.cpu_count && next < count; ++i) {
    if (madt.cpus[i].apic_id != bsp_apic_id) apic_ids[next++] = madt.cpus[i].apic_id;
  }
  return Status::kOk;
}

Result<size_t> IoApicFor(const Madt& madt, uint32_t gsi) {
  size_t best = madt.ioapic_count;
  for (size_t i = 0; i < madt.ioapic_count; ++i) {
    if (madt.ioapics[i].gsi_base <= gsi && (best == madt.ioapic_count || madt.ioapics[i].gsi_base > madt.ioapics[best].gsi_base)) best = i;
  }
  if (best == madt.ioapic_count) return Status::kNotFound;
  return best;
}

}  // namespace septum
