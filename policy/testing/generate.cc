// policy/testing/generate.cc — see generate.h.
#include "policy/testing/generate.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/hypercall.h"
#include "kernel/abi/tables.h"

namespace septum::policy::testing {

std::string GeneratePolicy(const GenerateOptions& o) {
  const uint32_t n = std::max<uint32_t>(o.domains, 1);
  const uint32_t regions = std::max<uint32_t>(o.regions, 1);
  const uint32_t cpus = std::max<uint32_t>(o.cpus, 1);
  constexpr uint64_t kFixedBank = uint64_t{1} << 40;  // second RAM bank: fixed-address regions
  constexpr uint64_t kFixedSize = 1u << 20;           // each fixed region: 1 MiB
  constexpr uint32_t kFirstIrq = 32;
  constexpr uint32_t kIrqDevices = hypercall::kMaxGuestIrq + 1 - kFirstIrq;
  static_assert(kIrqDevices <= tables::kLastIrqVector - tables::kFirstIrqVector + 1, "one CPU can route them all");
  std::string s;
  s.reserve(n * 600);
  absl::StrAppend(&s, "# generated: ", n, " domains, ", regions, " regions each, ", cpus, " CPUs\n");
  absl::StrAppend(&s, "system generated {\n  platform {\n    cpus ", cpus, ";\n");
  absl::StrAppendFormat(&s, "    memory at 0x0 size %uGiB;\n", std::max<uint32_t>(4, (n * 2 + 1023) / 1024 + 1));
  absl::StrAppendFormat(&s, "    memory at 0x%x size %uGiB;\n", kFixedBank,
                        static_cast<uint32_t>((uint64_t{n} * regions * kFixedSize >> 30) + 1));
  // Kernel memory: the kernel image and room for the tables blob (about 100 KiB per domain:
  // its NPT and EPT pages and its own I/O and MSR bitmaps).
  absl::StrAppendFormat(&s, "    iommu amd-vi;\n  }\n  kernel { memory at 0x100000 size %uMiB; }\n", 8 + (n * 128 + 1023) / 1024);
  // IRQs 32 + i for the first kIrqDevices devices: 32..223, all a domain can be sent (IRQ n
  // arrives as vector 0x20 + n, kernel/abi/hypercall.h), and no more than one CPU can route
  // (0x30..0xef, kernel/abi/tables.h), so the policy compiles with any CPU count.
  for (uint32_t i = 0; i < n; ++i) {
    absl::StrAppendFormat(&s, "  device dev%u { io 0x%x .. 0x%x;%s }\n", i, 0x1000 + 8 * i, 0x1000 + 8 * i + 7,
                          i < kIrqDevices ? absl::StrFormat(" irq %u;", kFirstIrq + i) : "");
  }
  uint64_t fixed = kFixedBank;
  for (uint32_t i = 0; i < n; ++i) {
    absl::StrAppendFormat(&s, "  domain d%u {\n    type %s;\n    image \"guests/d%u.elf\";\n    cpus %u;\n", i,
                          i % 3 == 2 ? "hvm" : "pv", i, i % cpus);
    absl::StrAppend(&s, "    memory ram size 2MiB rwx;\n");
    for (uint32_t r = 1; r < regions; ++r) {
      absl::StrAppendFormat(&s, "    memory r%u size 1MiB at 0x%x map 0x%x rw;\n", r, fixed, 0x40000000u + r * 0x100000u);
      fixed += kFixedSize;
    }
    absl::StrAppendFormat(&s, "    device dev%u;\n", i);
    if (i == 0 && n > 1) {
      absl::StrAppend(&s, "    hypercalls console, yield, time, channel, control;\n    control ");
      for (uint32_t t = 1; t < n && t <= 15; ++t) absl::StrAppend(&s, t > 1 ? ", " : "", "d", t);
      absl::StrAppend(&s, " : start, stop;\n");
    } else {
      absl::StrAppend(&s, "    hypercalls console, yield, channel;\n");
    }
    if (i % 2 == 1) absl::StrAppend(&s, "    label reader;\n");
    absl::StrAppend(&s, "  }\n");
  }
  for (uint32_t i = 0; i + 1 < n; i += 2) {
    absl::StrAppendFormat(&s, "  channel c%u {\n    writer d%u;\n    reader d%u;\n    size 4KiB;\n    notify;\n  }\n", i, i,
                          i + 1);
  }
  const uint32_t per_cpu = (n + cpus - 1) / cpus;
  absl::StrAppendFormat(&s, "  schedule {\n    major %uus;\n", per_cpu * 100);
  for (uint32_t c = 0; c < cpus; ++c) {
    absl::StrAppendFormat(&s, "    cpu %u {", c);
    uint32_t used = 0;
    for (uint32_t i = c; i < n; i += cpus, ++used) absl::StrAppendFormat(&s, " d%u 100us;", i);
    if (used < per_cpu) absl::StrAppendFormat(&s, " idle %uus;", (per_cpu - used) * 100);
    absl::StrAppend(&s, " }\n");
  }
  absl::StrAppend(&s, "  }\n");
  for (uint32_t i = 1; i < n; i += 2) absl::StrAppendFormat(&s, "  assert no flow d%u -> d%u;\n", i, i - 1);
  absl::StrAppend(&s, "}\n");
  return s;
}

}  // namespace septum::policy::testing
