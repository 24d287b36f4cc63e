// tools/cli/build.h — what `septum build` and `septum run` do after their arguments are read:
// packing a proven policy's tables, the kernel and the domains' images into a bootable image
// with a certificate, and booting it.
#ifndef SEPTUM_TOOLS_CLI_BUILD_H_
#define SEPTUM_TOOLS_CLI_BUILD_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tools/cli/pipeline.h"

namespace septum::cli {

struct BuildInputs {
  const Checked* checked = nullptr;    // accepted: P01-P09 proven
  const Compiled* compiled = nullptr;  // ok and with images: P10-P16 proven
  std::string kernel_path;             // the kernel ELF
  std::string mkiso_path;              // tools/build/mkiso.sh
  std::string kernel_cmdline;
  std::string out_dir;
};

// Writes OUT/tables.bin, OUT/septum.iso, OUT/certificate.json (certificate.h) and OUT/run.conf,
// all or nothing: everything is made in a fresh directory next to OUT and renamed into place
// at the end. An existing OUT is replaced only if it holds an earlier build (a
// certificate.json).
absl::Status WriteBuild(const BuildInputs& in);

struct RunOptions {
  std::string dir;
  std::string backend = "svm";  // "svm": QEMU with AMD-V; "vmx": Bochs with Intel VT-x
  int timeout_seconds = 0;      // 0: until the kernel ends the run
  std::vector<std::string> devices;  // QEMU -device specs (e.g. "edu,addr=04.0" for the demo's edu0)
  std::string serial2;               // a file for COM2 (QEMU's second serial port); empty: no COM2
};

// Boots OUT/septum.iso in QEMU (TCG, qemu64,+svm,+npt, the policy's CPUs and memory from
// run.conf, the devices asked for) or, with backend "vmx", in Bochs (corei7_skylake_x: VMX
// with EPT, the same CPUs and memory), the serial console on standard output, COM2 into a file. Returns the exit status for `septum run`:
// 0 the kernel ended the run with success, 1 with failure, 3 QEMU stopped without a verdict,
// 124 timeout, 2 the build directory or QEMU is missing.
int RunBuild(const RunOptions& options);

}  // namespace septum::cli

#endif  // SEPTUM_TOOLS_CLI_BUILD_H_
