// tools/cli/dump_command.cc — `septum dump TABLES.bin`: a tables blob decoded from its bytes
// alone (proofs/tv/dump.h), after the checks the kernel makes.
#include <iostream>
#include <string>

#include "proofs/tv/dump.h"
#include "tools/cli/command.h"
#include "tools/cli/files.h"

namespace septum::cli {
namespace {

constexpr char kHelp[] = R"HELP(septum dump — decode a tables blob

Usage:
  septum dump TABLES.bin

Checks the container as the kernel does (magic, version, lengths, sections, SHA-256), then
decodes every table from the bytes alone: the system record; each domain record (type, CPUs,
boot, fault action, hypercalls, control rights, image and load segments), its NPT and EPT
walked into runs `gpa first..last -> hpa perms`, the ports and MSRs its bitmaps let through;
the channels; the IRQ routes; the schedule; the AMD-Vi and VT-d tables per device.

Exit status: 0 decoded, 1 not a valid blob (the reason is printed), 2 usage or I/O error.
)HELP";

int Run(const ParsedArgs& args) {
  const std::string& path = args.positional();
  const absl::StatusOr<std::vector<uint8_t>> bytes = ReadFile(path);
  if (!bytes.ok()) return IoError(bytes.status().message());
  const absl::StatusOr<std::string> text = tv::DumpBlob(*bytes);
  if (!text.ok()) {
    std::cout << path << ": " << text.status().message() << "\n";
    return kExitRejected;
  }
  std::cout << *text;
  return kExitOk;
}

ArgSpec Args() {
  ArgSpec spec{"dump", {}, "usage: septum dump TABLES.bin", "usage: septum dump TABLES.bin"};
  spec.unknown_option_is_usage = true;
  return spec;
}

}  // namespace

const Command& DumpCommand() {
  static const Command* const kCommand = new Command{kHelp, Args(), Run};
  return *kCommand;
}

}  // namespace septum::cli
