#include "kernel/core/acpi.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace septum {
namespace {

constexpr uint64_t kBase = 0xe0000;  // where the fake physical memory starts

// Physical memory [kBase, kBase + 64 KiB) with ACPI tables laid out the way firmware does.
class FakeAcpi {
 public:
  FakeAcpi() : bytes_(64 * 1024, 0) {}

  PhysicalMemory Memory() const { return PhysicalMemory{reinterpret_cast<uintptr_t>(bytes_.data()), kBase, bytes_.size()}; }

  // Places a table (header + body) at the next free 16-byte boundary; returns its address.
  uint64_t Table(const char* signature, const std::vector<uint8_t>& body, bool fix_checksum = true) {
    std::vector<uint8_t> t(36, 0);
    std::memcpy(t.data(), signature, 4);
    t.insert(t.end(), body.begin(), body.end());
    const uint32_t length = static_cast<uint32_t>(t.size());
    std::memcpy(&t[4], &length, 4);
    t[8] = 1;
    if (fix_checksum) t[9] = Checksum(t);
    return Place(t);
  }

  uint64_t Place(const std::vector<uint8_t>& t) {
    next_ = (next_ + 15) & ~size_t{15};
    std::memcpy(&bytes_[next_], t.data(), t.size());
    const uint64_t at = kBase + next_;
    next_ += t.size();
    return at;
  }

  std::vector<uint8_t>& bytes() { return bytes_; }

  static uint8_t Checksum(const std::vector<uint8_t>& t, size_t length = 0) {
    uint8_t sum = 0;
    for (size_t i = 0; i < (length ? length : t.size()); ++i) sum = static_cast<uint8_t>(sum + t[i]);
    return static_cast<uint8_t>(-sum);
  }

 private:
  std::vector<uint8_t> bytes_;
  size_t next_ = 0;
};

void Put32(std::vector<uint8_t>& v, uint32_t x) {
  for (int i = 0; i < 4; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
void Put64(std::vector<uint8_t>& v, uint64_t x) {
  for (int i = 0; i < 8; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}

// The MADT QEMU's pc machine builds for -smp 2: two local APICs, one I/O APIC, overrides for
// IRQ 0 (to GSI 2) and 5, 9, 10, 11 (level, active high).
std::vector<uint8_t> QemuMadtBody() {
  std::vector<uint8_t> b;
  Put32(b, 0xfee00000);
  Put32(b, 1);  // PCAT_COMPAT
  for (uint8_t cpu = 0; cpu < 2; ++cpu) {
    b.insert(b.end(), {0, 8, cpu, cpu});
    Put32(b, 1);
  }
  b.insert(b.end(), {1, 12, 0, 0});
  Put32(b, 0xfec00000);
  Put32(b, 0);
  b.insert(b.end(), {2, 10, 0, 0});
  Put32(b, 2);
  b.insert(b.end(), {0, 0});
  for (uint8_t irq : {5, 9, 10, 11}) {
    b.insert(b.end(), {2, 10, 0, irq});
    Put32(b, irq);
    b.insert(b.end(), {0x0d, 0});  // level, active high
  }
  b.insert(b.end(), {4, 6, 0xff, 0, 0, 1});  // local APIC NMI: skipped
  return b;
}

std::vector<uint8_t> Rsdp(uint64_t rsdt, uint64_t xsdt, uint8_t revision) {
  std::vector<uint8_t> r(revision >= 2 ? 36 : 20, 0);
  std::memcpy(r.data(), "RSD PTR ", 8);
  std::memcpy(&r[9], "SEPTUM", 6);
  r[15] = revision;
  const uint32_t rsdt32 = static_cast<uint32_t>(rsdt);
  std::memcpy(&r[16], &rsdt32, 4);
  r[8] = FakeAcpi::Checksum(r, 20);
  if (revision >= 2) {
    const uint32_t length = 36;
    std::memcpy(&r[20], &length, 4);
    std::memcpy(&r[24], &xsdt, 8);
    r[32] = FakeAcpi::Checksum(r);
  }
  return r;
}

Span<const uint8_t> AsSpan(const std::vector<uint8_t>& v) { return {v.data(), v.size()}; }

TEST(AcpiTest, ReadsQemusMadtThroughTheRsdt) {
  FakeAcpi acpi;
  const uint64_t facp = acpi.Table("FACP", std::vector<uint8_t>(80, 0));
  const uint64_t madt = acpi.Table("APIC", QemuMadtBody());
  std::vector<uint8_t> root;
  Put32(root, static_cast<uint32_t>(facp));
  Put32(root, static_cast<uint32_t>(madt));
  const uint64_t rsdt = acpi.Table("RSDT", root);
  const std::vector<uint8_t> rsdp = Rsdp(rsdt, 0, 0);
  Madt m;
  ASSERT_EQ(ReadMadt(acpi.Memory(), AsSpan(rsdp), &m), Status::kOk);
  EXPECT_EQ(m.lapic_address, 0xfee00000u);
  EXPECT_TRUE(m.pcat_compat);
  ASSERT_EQ(m.cpu_count, 2u);
  EXPECT_EQ(m.cpus[1].apic_id, 1u);
  ASSERT_EQ(m.ioapic_count, 1u);
  EXPECT_EQ(m.ioapics[0].address, 0xfec00000u);
  EXPECT_EQ(m.override_count, 5u);

  const IrqLine timer = ResolveIrq(m, 0);
  EXPECT_EQ(timer.gsi, 2u);
  EXPECT_FALSE(timer.level);
  const IrqLine com2 = ResolveIrq(m, 3);
  EXPECT_EQ(com2.gsi, 3u);
  EXPECT_FALSE(com2.level);
  EXPECT_FALSE(com2.active_low);
  const IrqLine edu = ResolveIrq(m, 11);
  EXPECT_EQ(edu.gsi, 11u);
  EXPECT_TRUE(edu.level);
  EXPECT_FALSE(edu.active_low);
  const IrqLine pci = ResolveIrq(m, 20);
  EXPECT_EQ(pci.gsi, 20u);
  EXPECT_TRUE(pci.level);
  EXPECT_TRUE(pci.active_low);
  EXPECT_EQ(IoApicFor(m, 11).value(), 0u);
}

TEST(AcpiTest, AssignsPolicyCpusBootstrapFirst) {
  Madt m;
  for (uint32_t id : {4u, 0u, 2u, 6u}) m.cpus[m.cpu_count++] = AcpiCpu{id, id};
  uint32_t ids[4] = {};
  ASSERT_EQ(AssignCpus(m, 2, 4, ids), Status::kOk);
  EXPECT_EQ(ids[0], 2u);
  EXPECT_EQ(ids[1], 4u);
  EXPECT_EQ(ids[2], 0u);
  EXPECT_EQ(ids[3], 6u);
  ASSERT_EQ(AssignCpus(m, 6, 2, ids), Status::kOk);
  EXPECT_EQ(ids[0], 6u);
  EXPECT_EQ(ids[1], 4u);
  EXPECT_EQ(AssignCpus(m, 2, 5, ids), Status::kNoSpace);
  EXPECT_EQ(AssignCpus(m, 9, 1, ids), Status::kNotFound);
}

TEST(AcpiTest, PrefersTheXsdtAndHonoursAddressOverrides) {
  FakeAcpi acpi;
  std::vector<uint8_t> body = QemuMadtBody();
  body.insert(body.end(), {5, 12, 0, 0});
  Put64(body, 0x1fee00000ull);
  body.insert(body.end(), {0, 8, 7, 9});
  Put32(body, 0);  // disabled processor
  body.insert(body.end(), {9, 16, 0, 0});
  Put32(body, 300);
  Put32(body, 1);  // enabled x2APIC-only processor
  Put32(body, 2);
  const uint64_t madt = acpi.Table("APIC", body);
  const uint64_t decoy = acpi.Table("APIC", std::vector<uint8_t>(8, 0));  // what the RSDT names
  std::vector<uint8_t> x, r;
  Put64(x, madt);
  Put32(r, static_cast<uint32_t>(decoy));
  const uint64_t xsdt = acpi.Table("XSDT", x);
  const uint64_t rsdt = acpi.Table("RSDT", r);
  const std::vector<uint8_t> rsdp = Rsdp(rsdt, xsdt, 2);
  Madt m;
  ASSERT_EQ(ReadMadt(acpi.Memory(), AsSpan(rsdp), &m), Status::kOk);
  EXPECT_EQ(m.lapic_address, 0x1fee00000ull);
  EXPECT_EQ(m.cpu_count, 2u);
  EXPECT_EQ(m.cpus_unusable, 2u);
}

TEST(AcpiTest, RefusesBrokenTables) {
  FakeAcpi acpi;
  const uint64_t madt = acpi.Table("APIC", QemuMadtBody());
  std::vector<uint8_t> root;
  Put32(root, static_cast<uint32_t>(madt));
  const uint64_t rsdt = acpi.Table("RSDT", root);
  std::vector<uint8_t> rsdp = Rsdp(rsdt, 0, 0);
  Madt m;
  ASSERT_EQ(ReadMadt(acpi.Memory(), AsSpan(rsdp), &m), Status::kOk);

  std::vector<uint8_t> bad = rsdp;
  bad[0] = 'X';
  EXPECT_EQ(ReadMadt(acpi.Memory(), AsSpan(bad), &m), Status::kCorrupt);
  bad = rsdp;
  bad[10] ^= 1;  // RSDP checksum
  EXPECT_EQ(ReadMadt(acpi.Memory(), AsSpan(bad), &m), Status::kCorrupt);
  EXPECT_EQ(ReadMadt(acpi.Memory(), AsSpan(rsdp).Subspan(0, 19).value(), &m), Status::kCorrupt);

  // The MADT's checksum.
  acpi.bytes()[madt - kBase + 20] ^= 0x40;
  EXPECT_EQ(ReadMadt(acpi.Memory(), AsSpan(rsdp), &m), Status::kCorrupt);
  acpi.bytes()[madt - kBase + 20] ^= 0x40;

  // A root table pointing outside memory.
  FakeAcpi far;
  std::vector<uint8_t> wild;
  Put32(wild, 0x10000000);
  const std::vector<uint8_t> far_rsdp = Rsdp(far.Table("RSDT", wild), 0, 0);
  EXPECT_EQ(ReadMadt(far.Memory(), AsSpan(far_rsdp), &m), Status::kOutOfRange);

  // No MADT at all.
  FakeAcpi none;
  std::vector<uint8_t> only_facp;
  Put32(only_facp, static_cast<uint32_t>(none.Table("FACP", std::vector<uint8_t>(20, 0))));
  const std::vector<uint8_t> none_rsdp = Rsdp(none.Table("RSDT", only_facp), 0, 0);
  EXPECT_EQ(ReadMadt(none.Memory(), AsSpan(none_rsdp), &m), Status::kNotFound);

  // An entry running past the end of the MADT.
  FakeAcpi cut;
  std::vector<uint8_t> body = QemuMadtBody();
  body.insert(body.end(), {1, 12, 0});
  std::vector<uint8_t> cut_root;
  Put32(cut_root, static_cast<uint32_t>(cut.Table("APIC", body)));
  const std::vector<uint8_t> cut_rsdp = Rsdp(cut.Table("RSDT", cut_root), 0, 0);
  EXPECT_EQ(ReadMadt(cut.Memory(), AsSpan(cut_rsdp), &m), Status::kCorrupt);
}

TEST(AcpiTest, MutatedTablesNeverReadOutOfBounds) {
  FakeAcpi acpi;
  const uint64_t madt = acpi.Table("APIC", QemuMadtBody());
  std::vector<uint8_t> root;
  Put32(root, static_cast<uint32_t>(madt));
  const uint64_t rsdt = acpi.Table("RSDT", root);
  const std::vector<uint8_t> rsdp = Rsdp(rsdt, 0, 0);
  const std::vector<uint8_t> pristine = acpi.bytes();
  std::mt19937 rng(7);
  const size_t span = static_cast<size_t>(rsdt - kBase) + 40;
  for (int round = 0; round < 20000; ++round) {
    acpi.bytes() = pristine;
    for (int k = 0; k < 3; ++k) acpi.bytes()[rng() % span] = static_cast<uint8_t>(rng());
    // Keep the checksums right half the time, so the parser itself is exercised.
    if (round % 2 == 0) {
      std::vector<uint8_t>& b = acpi.bytes();
      for (uint64_t at : {madt, rsdt}) {
        const size_t off = static_cast<size_t>(at - kBase);
        uint32_t length;
        std::memcpy(&length, &b[off + 4], 4);
        if (length < 36 || off + length > b.size()) continue;
        b[off + 9] = 0;
        std::vector<uint8_t> t(b.begin() + off, b.begin() + off + length);
        b[off + 9] = FakeAcpi::Checksum(t);
      }
    }
    Madt m;
    const Status s = ReadMadt(acpi.Memory(), AsSpan(rsdp), &m);
    if (s == Status::kOk) {
      EXPECT_LE(m.cpu_count, Madt::kMaxCpus);
      EXPECT_LE(m.ioapic_count, Madt::kMaxIoApics);
    }
  }
}

}  // namespace
}  // namespace septum
