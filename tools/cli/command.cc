// tools/cli/command.cc — see command.h.
#include "tools/cli/command.h"

#include <iostream>

namespace septum::cli {

int Execute(const Command& command, absl::Span<const std::string> args) {
  absl::StatusOr<ParsedArgs> parsed = ParseArgs(command.args, args);
  if (!parsed.ok()) return Usage(parsed.status().message());
  if (parsed->help()) {
    std::cout << command.help;
    return kExitOk;
  }
  return command.run(*parsed);
}

int Usage(absl::string_view message) {
  std::cerr << "septum: " << message << "\n(see `septum --help`)\n";
  return kExitUsage;
}

int IoError(absl::string_view message) {
  std::cerr << "septum: " << message << "\n";
  return kExitUsage;
}

}  // namespace septum::cli
