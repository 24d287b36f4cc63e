// tools/cli/certificate.h — certificate.json, what `septum build` certifies: the SHA-256 of
// the policy, the tables blob, the kernel, every domain's image and the boot image; every
// obligation's verdict; the toolchain and Z3 versions.
//
// The layout (keys in this order, one per line, the records inline; tests/guests/build_test.sh
// reads it):
//   {
//     "certificate": "septum build", "septum": VERSION, "abi": N, "z3": VERSION,
//     "system": NAME,
//     "policy": {"file", "sha256"},
//     "tables": {"file": "tables.bin", "bytes", "sha256", "validated_coverage"},
//     "kernel": {"file", "sha256", "cmdline"},
//     "images": [{"domain", "file", "bytes", "sha256"}, ...],        model order
//     "obligations": [{"id", "verdict", "vacuous", "seconds"}, ...],  P01-P16
//     "boot_image": {"file": "septum.iso", "sha256"}
//   }
#ifndef SEPTUM_TOOLS_CLI_CERTIFICATE_H_
#define SEPTUM_TOOLS_CLI_CERTIFICATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "proofs/obligations.h"

namespace septum::cli {

struct Certificate {
  struct Image {
    std::string domain;
    std::string file;
    uint64_t bytes = 0;
    std::string sha256;
  };
  struct Obligation {
    std::string id;
    std::string verdict;  // proofs::VerdictName
    bool vacuous = false;
    double seconds = 0;
  };

  std::string z3;  // proofs::Z3Version()
  std::string system;
  std::string policy_file;
  std::string policy_sha256;
  uint64_t tables_bytes = 0;
  std::string tables_sha256;
  double validated_coverage = 0;  // 0..1
  std::string kernel_file;
  std::string kernel_sha256;
  std::string kernel_cmdline;
  std::vector<Image> images;
  std::vector<Obligation> obligations;
  std::string boot_image_sha256;

  // Appends one entry per result, in order.
  void AddObligations(const std::vector<proofs::ObligationResult>& results);
};

// The certificate as certificate.json holds it (ending in a newline).
std::string CertificateJson(const Certificate& certificate);

}  // namespace septum::cli

#endif  // SEPTUM_TOOLS_CLI_CERTIFICATE_H_
