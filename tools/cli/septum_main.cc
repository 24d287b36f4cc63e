// tools/cli/septum_main.cc — the `septum` command line: --help, --version, and the dispatch to
// the commands (command.h; one file each).
//
// Exit status: 0 accepted / done, 1 the policy was rejected, 2 usage or I/O error.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kernel/abi/version.h"
#include "tools/cli/command.h"

namespace {

constexpr char kMainHelp[] = R"HELP(septum — the Septum separation kernel toolchain

Usage:
  septum check [OPTIONS] FILE.policy       check a policy and prove its isolation invariants
  septum explain FILE.policy --flow A B    show the flow path from A to B, or why none exists
  septum compile FILE.policy -o OUT        check, prove, write the tables blob, and prove the
                                           bytes implement the policy
  septum dump TABLES.bin                   decode a tables blob from its bytes
  septum build FILE.policy -o DIR          compile, prove, and pack kernel, tables and images
                                           into a bootable image with a certificate
  septum run DIR                           boot a build in QEMU (AMD-V), console on stdout
  septum --help                            this text
  septum --version                         the toolchain's version
  septum COMMAND --help                    help for one command

Exit status: 0 accepted, 1 rejected (diagnostics on standard output), 2 usage or I/O error.
Policy language reference: policy/README.md. Proof obligations: proofs/README.md.
)HELP";

}  // namespace

int main(int argc, char** argv) {
  namespace cli = septum::cli;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kMainHelp;
    return cli::kExitUsage;
  }
  const std::string& name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    std::cout << kMainHelp;
    return cli::kExitOk;
  }
  if (name == "--version") {
    std::cout << "septum " << septum::kKernelVersion << " (abi " << septum::kAbiVersion << ")\n";
    return cli::kExitOk;
  }
  for (const cli::Command* command : {&cli::CheckCommand(), &cli::ExplainCommand(), &cli::CompileCommand(), &cli::DumpCommand(),
                                      &cli::BuildCommand(), &cli::RunCommand()}) {
    if (name == command->args.command) return cli::Execute(*command, absl::MakeConstSpan(args).subspan(1));
  }
  return cli::Usage(absl::StrCat("unknown command `", name, "`"));
}
