// kernel/core/pci.cc — see pci.h.
#include "kernel/core/pci.h"

namespace septum {
namespace {

// Type-0 configuration header offsets and bits (PCI Local Bus Spec 3.0 §6.1, §6.2).
constexpr uint32_t kIdOffset = 0x00, kCommandOffset = 0x04, kHeaderOffset = 0x0c, kBar0Offset = 0x10, kCapOffset = 0x34,
                   kInterruptOffset = 0x3c;
constexpr uint32_t kCommandIo = 1u << 0, kCommandMemory = 1u << 1, kCommandMaster = 1u << 2, kCommandIntxDisable = 1u << 10;
constexpr uint32_t kStatusCapList = 1u << 20;  // status register bit 4, in the command dword
constexpr uint32_t kCapMsi = 0x05, kCapMsix = 0x11;
constexpr uint32_t kMsiEnable = 1u << 16, kMsixEnable = 1u << 31;  // in the capability's first dword
constexpr uint64_t k4GiB = uint64_t{1} << 32;

PciSetup Refuse(PciSetup s, Status status, const char* problem) {
  s.status = status;
  s.problem = problem;
  return s;
}

// Reads BAR i's size by writing all ones (decoding is off meanwhile).
void SizeBar(const PciConfig& c, uint32_t bdf, uint32_t i, PciBar* bar) {
  const uint32_t at = kBar0Offset + 4 * i;
  const uint32_t original = c.Read(bdf, at);
  c.Write(bdf, at, 0xffffffff);
  const uint32_t low = c.Read(bdf, at);
  c.Write(bdf, at, original);
  if (original & 1) {  // I/O: bits 1:0 are flags; decoders may implement only 16 bits
    const uint32_t mask = (low & ~uint32_t{3}) | 0xffff0000u;
    bar->io = true;
    bar->present = low != 0;
    bar->size = bar->present ? uint64_t{~mask} + 1 : 0;
    return;
  }
  uint64_t mask = low & ~uint32_t{0xf};
  if (((original >> 1) & 3) == 2 && i + 1 < kPciBars) {  // 64-bit memory BAR
    const uint32_t original_high = c.Read(bdf, at + 4);
    c.Write(bdf, at + 4, 0xffffffff);
    mask |= uint64_t{c.Read(bdf, at + 4)} << 32;
    c.Write(bdf, at + 4, original_high);
    bar->wide = true;
  } else {
    mask |= ~uint64_t{0} << 32;
  }
  bar->present = (mask & 0xffffffff) != 0 || (bar->wide && (mask >> 32) != 0);
  bar->size = bar->present ? ~mask + 1 : 0;
}

bool PowerOfTwo(uint64_t x) { return x && (x & (x - 1)) == 0; }

// The lowest address in one of the device's ranges of `kind` where `size` bytes (or ports) fit,
// aligned to `size`, clear of what was placed already (cursor[k]: the first free address of
// resource k). Returns false if none.
bool Place(Span<const tables::DeviceResource> resources, uint32_t kind, uint64_t size, uint64_t limit, uint64_t* cursor,
           uint64_t* out) {
  for (size_t k = 0; k < resources.size(); ++k) {
    const tables::DeviceResource& r = resources[k];
    if (r.kind != kind) continue;
    const uint64_t start = (cursor[k] + size - 1) & ~(size - 1);
    if (start < cursor[k] || start - r.base > r.size || size > r.size - (start - r.base) || start + size > limit) continue;
    *out = start;
    cursor[k] = start + size;
    return true;
  }
  return false;
}

void DisableMsi(const PciConfig& c, uint32_t bdf) {
  if ((c.Read(bdf, kCommandOffset) & kStatusCapList) == 0) return;
  uint32_t cap = c.Read(bdf, kCapOffset) & 0xfc;
  for (int hops = 0; cap >= 0x40 && hops < 48; ++hops) {  // 48 capabilities fill the space: a loop is a lie
    const uint32_t head = c.Read(bdf, cap);
    if ((head & 0xff) == kCapMsi && (head & kMsiEnable)) c.Write(bdf, cap, head & ~kMsiEnable);
    if ((head & 0xff) == kCapMsix && (head & kMsixEnable)) c.Write(bdf, cap, head & ~kMsixEnable);
    cap = (head >> 8) & 0xfc;
  }
}

}  // namespace

PciSetup SetUpPciDevice(const PciConfig& c, const tables::DeviceRecord& record, Span<const tables::DeviceResource> resources) {
  PciSetup s;
  const uint32_t bdf = record.pci;
  const uint32_t id = c.Read(bdf, kIdOffset);
  s.vendor = static_cast<uint16_t>(id);
  s.device_id = static_cast<uint16_t>(id >> 16);
  if (s.vendor == 0xffff) return Refuse(s, Status::kNotFound, "no device answers at its PCI address");
  if (((c.Read(bdf, kHeaderOffset) >> 16) & 0x7f) != 0) return Refuse(s, Status::kUnsupported, "it is not an endpoint (header type 0)");
  const uint32_t command = c.Read(bdf, kCommandOffset) & 0xffff;
  const uint32_t quiet = (command & ~(kCommandIo | kCommandMemory | kCommandMaster)) | kCommandIntxDisable;
  c.Write(bdf, kCommandOffset, quiet);  // nothing decodes, masters or interrupts while it is set up
  DisableMsi(c, bdf);

  for (uint32_t i = 0; i < kPciBars; ++i) {
    SizeBar(c, bdf, i, &s.bars[i]);
    if (s.bars[i].wide) ++i;  // its upper half
  }
  // Largest first, so every placement stays naturally aligned.
  uint64_t cursor[64];
  if (resources.size() > 64) return Refuse(s, Status::kNoSpace, "it has more than 64 resources");
  for (size_t k = 0; k < resources.size(); ++k) cursor[k] = resources[k].base;
  bool placed[kPciBars] = {};
  bool any_io = false, any_memory = false;
  for (;;) {
    uint32_t next = kPciBars;
    for (uint32_t i = 0; i < kPciBars; ++i) {
      if (s.bars[i].present && !placed[i] && (next == kPciBars || s.bars[i].size > s.bars[next].size)) next = i;
    }
    if (next == kPciBars) break;
    PciBar& bar = s.bars[next];
    placed[next] = true;
    if (!PowerOfTwo(bar.size)) return Refuse(s, Status::kCorrupt, "a BAR reports a size that is not a power of two");
    const uint64_t limit = bar.io ? 0x10000 : bar.wide ? ~uint64_t{0} : k4GiB;
    if (!Place(resources, bar.io ? tables::kResourceIo : tables::kResourceMmio, bar.size, limit, cursor, &bar.base)) {
      return Refuse(s, Status::kNoSpace,
                    bar.io ? "an I/O BAR does not fit the device's port ranges" : "a memory BAR does not fit the device's MMIO ranges");
    }
    const uint32_t at = kBar0Offset + 4 * next;
    if (bar.io) {
      c.Write(bdf, at, static_cast<uint32_t>(bar.base) | 1);
      any_io = true;
    } else {
      c.Write(bdf, at, (c.Read(bdf, at) & 0xf) | static_cast<uint32_t>(bar.base));
      if (bar.wide) c.Write(bdf, at + 4, static_cast<uint32_t>(bar.base >> 32));
      any_memory = true;
    }
  }

  const uint32_t interrupt = c.Read(bdf, kInterruptOffset);
  s.interrupt_line = static_cast<uint8_t>(interrupt);
  s.interrupt_pin = static_cast<uint8_t>(interrupt >> 8);
  bool has_irq = false, line_given = false;
  for (const tables::DeviceResource& r : resources) {
    if (r.kind != tables::kResourceIrq) continue;
    has_irq = true;
    line_given = line_given || r.base == s.interrupt_line;
  }
  if (has_irq && s.interrupt_pin == 0) return Refuse(s, Status::kBadState, "the policy gives it an IRQ, but it has no interrupt pin");
  if (has_irq && !line_given) {
    return Refuse(s, Status::kBadState, "the firmware routed its interrupt pin to another IRQ than the policy gives it");
  }
  uint32_t enabled = quiet | (any_io ? kCommandIo : 0) | (any_memory ? kCommandMemory : 0);
  if (has_irq) enabled &= ~kCommandIntxDisable;
  c.Write(bdf, kCommandOffset, enabled);  // bus mastering stays off (see pci.h)
  return s;
}

}  // namespace septum
