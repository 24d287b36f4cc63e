// tools/cli/run_command.cc — `septum run DIR`: a `septum build` booted in QEMU (AMD-V) or
// Bochs (VT-x), the console on standard output, the kernel's verdict as the exit status
// (build.h: RunBuild).
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "tools/cli/build.h"
#include "tools/cli/command.h"

namespace septum::cli {
namespace {

constexpr char kHelp[] = R"HELP(septum run — boot a `septum build` in QEMU

Usage:
  septum run DIR [--backend=svm|vmx] [--timeout S] [--device SPEC]... [--serial2 FILE]

Boots DIR/septum.iso with the CPUs and memory of DIR/run.conf: --backend=svm (the default)
under QEMU TCG with AMD-V (-cpu qemu64,+svm,+npt), --backend=vmx under Bochs with Intel VT-x
(corei7_skylake_x: VMX with EPT). The same image serves both: the kernel picks its backend from
CPUID. The serial console (the kernel's log and every domain's console, prefixed [name])
streams to standard output.

Options:
  --timeout S      stop the machine after S seconds (exit status 124)
  --device SPEC    give the machine a QEMU device, e.g. `edu,addr=04.0` for the demo's edu0 at
                   PCI 00:04.0 (repeatable; svm only: Bochs has none of them); a PCI device of
                   the policy that the machine lacks stays off and its owner runs without it
  --serial2 FILE   a second serial port (COM2, 0x2f8), written to FILE: what a domain that owns
                   COM2 sends there

Exit status: 0 the kernel ended the run with success, 1 with failure, 3 the emulator stopped
without a verdict, 124 the timeout expired, 2 usage error or the emulator missing.
)HELP";

// A --timeout: a whole number of seconds > 0, or 0 for anything else (none given, or not valid).
int Seconds(const std::string& s) {
  int seconds = 0;
  return absl::SimpleAtoi(s, &seconds) && seconds > 0 ? seconds : 0;
}

int Run(const ParsedArgs& args) {
  RunOptions o;
  o.dir = args.positional();
  o.backend = args.Value("--backend", o.backend);
  o.timeout_seconds = Seconds(args.Value("--timeout"));
  o.devices = args.Values("--device");
  o.serial2 = args.Value("--serial2");
  return RunBuild(o);
}

}  // namespace

const Command& RunCommand() {
  static const Command* const kCommand = new Command{
      kHelp,
      ArgSpec{"run",
              {Flag::Value("--backend", "svm or vmx"), Flag::Value("--timeout", "seconds (> 0)").Check([](const std::string& s) { return Seconds(s) > 0; }),
               Flag::Repeated("--device", "a QEMU device spec, e.g. edu,addr=04.0")
                   .Check([](const std::string& spec) { return !spec.empty() && !absl::StartsWith(spec, "-"); }),
               Flag::Value("--serial2", "a file name").Check([](const std::string& file) { return !file.empty(); })},
              "give one build directory",
              "usage: septum run DIR [--backend=svm|vmx] [--timeout S] [--device SPEC]... [--serial2 FILE]"},
      Run};
  return *kCommand;
}

}  // namespace septum::cli
