// tools/cli/certificate_test.cc — certificate.json's exact text: keys in order, one per line,
// records inline, numbers with their fixed decimals, strings escaped.
#include "tools/cli/certificate.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "kernel/abi/version.h"

namespace septum::cli {
namespace {

TEST(CertificateTest, Layout) {
  Certificate c;
  c.z3 = "4.8.12.0";
  c.system = "two_pv";
  c.policy_file = "src/system.policy";
  c.policy_sha256 = "aa";
  c.tables_bytes = 127088;
  c.tables_sha256 = "bb";
  c.validated_coverage = 1.0;
  c.kernel_file = "kernel/septum.elf";
  c.kernel_sha256 = "cc";
  c.kernel_cmdline = "run=\"200\"";
  c.images = {{"a", "guest.elf", 38520, "dd"}, {"b", "guest.elf", 38520, "dd"}};
  c.obligations = {{"P01-phys-disjoint", "proven", false, 0.0042}, {"P05-dma-confined", "proven", true, 1.25}};
  c.boot_image_sha256 = "ee";
  const std::string want = absl::StrCat(R"({
  "certificate": "septum build",
  "septum": ")", kKernelVersion, R"(",
  "abi": )", kAbiVersion, R"(,
  "z3": "4.8.12.0",
  "system": "two_pv",
  "policy": {"file": "src/system.policy", "sha256": "aa"},
  "tables": {"file": "tables.bin", "bytes": 127088, "sha256": "bb", "validated_coverage": 1.0000},
  "kernel": {"file": "kernel/septum.elf", "sha256": "cc", "cmdline": "run=\"200\""},
  "images": [
    {"domain": "a", "file": "guest.elf", "bytes": 38520, "sha256": "dd"},
    {"domain": "b", "file": "guest.elf", "bytes": 38520, "sha256": "dd"}
  ],
  "obligations": [
    {"id": "P01-phys-disjoint", "verdict": "proven", "vacuous": false, "seconds": 0.004},
    {"id": "P05-dma-confined", "verdict": "proven", "vacuous": true, "seconds": 1.250}
  ],
  "boot_image": {"file": "septum.iso", "sha256": "ee"}
}
)");
  EXPECT_EQ(CertificateJson(c), want);
}

}  // namespace
}  // namespace septum::cli
