// kernel/core/pci_test.cc — PCI devices set up from the device table, against a fake
// configuration space that sizes BARs the way hardware does.
#include "kernel/core/pci.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace septum {
namespace {

// One device's configuration space: 64 dwords; BARs answer a write of all ones with their size
// mask, like hardware.
struct FakeDevice {
  uint32_t regs[64] = {};
  uint64_t bar_size[6] = {};  // 0: not implemented
  std::vector<std::pair<uint32_t, uint32_t>> writes;

  uint32_t Read(uint32_t offset) const { return regs[offset / 4]; }
  void Write(uint32_t offset, uint32_t value) {
    writes.push_back({offset, value});
    const uint32_t i = offset / 4;
    if (offset >= 0x10 && offset < 0x28) {
      const uint32_t bar = (offset - 0x10) / 4;
      const bool upper = bar > 0 && ((regs[i - 1] & 7) == 4) && bar_size[bar - 1];  // the upper half of a 64-bit BAR
      if (upper) {
        const uint64_t mask = ~(bar_size[bar - 1] - 1);
        regs[i] = value & static_cast<uint32_t>(mask >> 32);
        return;
      }
      if (!bar_size[bar]) return;  // not implemented: reads as zero
      const uint32_t flags = regs[i] & ((regs[i] & 1) ? 3u : 0xfu);
      regs[i] = (value & static_cast<uint32_t>(~(bar_size[bar] - 1))) | flags;
      return;
    }
    if (offset == 0x04) {
      regs[i] = (regs[i] & 0xffff0000u) | (value & 0xffff);
      return;
    }
    if (offset == 0x00 || offset == 0x0c || offset == 0x3c) return;  // read-only here
    regs[i] = value;
  }
};

struct FakeBus {
  std::map<uint32_t, FakeDevice> devices;
  PciConfig Config() {
    PciConfig c;
    c.read = [](void* ctx, uint32_t bdf, uint32_t off) -> uint32_t {
      auto& d = static_cast<FakeBus*>(ctx)->devices;
      return d.count(bdf) ? d[bdf].Read(off) : 0xffffffffu;
    };
    c.write = [](void* ctx, uint32_t bdf, uint32_t off, uint32_t v) {
      auto& d = static_cast<FakeBus*>(ctx)->devices;
      if (d.count(bdf)) d[bdf].Write(off, v);
    };
    c.context = this;
    return c;
  }
};

constexpr uint32_t kEdu = 0 << 8 | 4 << 3 | 0;  // 00:04.0

// QEMU's edu: 1234:11e8, BAR0 1 MiB of 32-bit memory at the firmware's 0xfeb00000, INTA on IRQ
// 11, an MSI capability (left enabled here, to see it switched off), bus mastering on.
FakeDevice Edu() {
  FakeDevice d;
  d.regs[0] = 0x11e81234;
  d.regs[1] = 0x00100000 | 0x7;  // status: capability list; command: io, memory, master
  d.regs[3] = 0;                 // header type 0
  d.bar_size[0] = 1 << 20;
  d.regs[4] = 0xfeb00000;
  d.regs[0x34 / 4] = 0x40;
  d.regs[0x40 / 4] = 0x00010005;  // MSI, next 0, enabled
  d.regs[0x3c / 4] = 0x0100 | 11;
  return d;
}

tables::DeviceRecord Record(uint32_t bdf) {
  tables::DeviceRecord r{};
  r.flags = tables::kDevicePci | tables::kDeviceDma;
  r.pci = bdf;
  return r;
}

TEST(PciTest, EduGetsItsBarAtThePolicysMmioAndNoBusMastering) {
  FakeBus bus;
  bus.devices[kEdu] = Edu();
  const std::vector<tables::DeviceResource> res = {{0, tables::kResourceMmio, 0xfea00000, 1 << 20}, {0, tables::kResourceIrq, 11, 1}};
  const PciSetup s = SetUpPciDevice(bus.Config(), Record(kEdu), Span<const tables::DeviceResource>(res.data(), res.size()));
  ASSERT_EQ(s.status, Status::kOk) << s.problem;
  EXPECT_EQ(s.vendor, 0x1234);
  EXPECT_EQ(s.device_id, 0x11e8);
  EXPECT_TRUE(s.bars[0].present);
  EXPECT_EQ(s.bars[0].size, 1u << 20);
  EXPECT_EQ(s.bars[0].base, 0xfea00000u);
  for (int i = 1; i < 6; ++i) EXPECT_FALSE(s.bars[i].present);
  const FakeDevice& d = bus.devices[kEdu];
  EXPECT_EQ(d.Read(0x10), 0xfea00000u);
  EXPECT_EQ(d.Read(0x04) & 0xffff, 0x2u) << "memory decoding on; I/O, bus mastering and INTx-disable off";
  EXPECT_EQ(d.Read(0x40) & (1u << 16), 0u) << "MSI off";
  EXPECT_EQ(s.interrupt_line, 11);
  // Decoding and mastering went off before the first BAR was touched.
  bool quiet_first = false;
  for (const auto& [off, v] : d.writes) {
    if (off == 0x04) {
      quiet_first = (v & 7) == 0;
      break;
    }
    if (off >= 0x10 && off < 0x28) break;
  }
  EXPECT_TRUE(quiet_first);
}

TEST(PciTest, BarsArePlacedLargestFirstAlignedAcrossRangesAndKinds) {
  FakeBus bus;
  FakeDevice d;
  d.regs[0] = 0x5678abcd;
  d.bar_size[0] = 0x1000;       // 32-bit memory, 4 KiB
  d.bar_size[1] = 0x100;        // I/O, 256 ports
  d.regs[5] = 1;
  d.bar_size[2] = 0x200000;     // 64-bit memory, 2 MiB (BARs 2 and 3)
  d.regs[6] = 4;
  d.bar_size[4] = 0x10;         // I/O, 16 ports
  d.regs[8] = 1;
  bus.devices[0x100] = d;
  const std::vector<tables::DeviceResource> res = {{0, tables::kResourceIo, 0xc000, 0x200},
                                                   {0, tables::kResourceMmio, 0xe0001000, 0x1000},
                                                   {0, tables::kResourceMmio, 0xe0200000, 0x200000}};
  const PciSetup s = SetUpPciDevice(bus.Config(), Record(0x100), Span<const tables::DeviceResource>(res.data(), res.size()));
  ASSERT_EQ(s.status, Status::kOk) << s.problem;
  EXPECT_EQ(s.bars[2].base, 0xe0200000u);
  EXPECT_TRUE(s.bars[2].wide);
  EXPECT_EQ(s.bars[0].base, 0xe0001000u);
  EXPECT_EQ(s.bars[1].base, 0xc000u);
  EXPECT_EQ(s.bars[4].base, 0xc100u);
  EXPECT_EQ(bus.devices[0x100].Read(0x04) & 0xffff, 0x403u) << "I/O and memory decoding, no master, INTx off (no IRQ given)";
}

TEST(PciTest, RefusesWhatDoesNotMatchThePolicy) {
  const std::vector<tables::DeviceResource> small = {{0, tables::kResourceMmio, 0xfea00000, 0x80000}, {0, tables::kResourceIrq, 11, 1}};
  const std::vector<tables::DeviceResource> wrong_irq = {{0, tables::kResourceMmio, 0xfea00000, 1 << 20}, {0, tables::kResourceIrq, 10, 1}};
  const std::vector<tables::DeviceResource> misaligned = {{0, tables::kResourceMmio, 0xfea80000, 1 << 20}, {0, tables::kResourceIrq, 11, 1}};
  for (const auto* res : {&small, &wrong_irq, &misaligned}) {
    FakeBus bus;
    bus.devices[kEdu] = Edu();
    const PciSetup s = SetUpPciDevice(bus.Config(), Record(kEdu), Span<const tables::DeviceResource>(res->data(), res->size()));
    EXPECT_NE(s.status, Status::kOk);
    EXPECT_EQ(bus.devices[kEdu].Read(0x04) & 7, 0u) << s.problem << ": a refused device decodes nothing and masters nothing";
  }
  FakeBus empty;
  const std::vector<tables::DeviceResource> res = {{0, tables::kResourceMmio, 0xfea00000, 1 << 20}};
  EXPECT_EQ(SetUpPciDevice(empty.Config(), Record(kEdu), Span<const tables::DeviceResource>(res.data(), res.size())).status,
            Status::kNotFound);
  FakeBus bridge;
  bridge.devices[kEdu] = Edu();
  bridge.devices[kEdu].regs[3] = 0x00010000;  // header type 1
  EXPECT_EQ(SetUpPciDevice(bridge.Config(), Record(kEdu), Span<const tables::DeviceResource>(res.data(), res.size())).status,
            Status::kUnsupported);
}

}  // namespace
}  // namespace septum
