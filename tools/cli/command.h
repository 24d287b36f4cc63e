// tools/cli/command.h — what a `septum` command is (its name, help text, arguments and run
// function), the exit statuses every command keeps, and the commands themselves (one file
// each: check_command.cc, explain_command.cc, compile_command.cc, dump_command.cc,
// build_command.cc, run_command.cc).
//
// Exit status: 0 accepted / done, 1 the policy was rejected (or the blob is not valid), 2 a
// usage or I/O error; `run` adds the emulator's verdicts (build.h).
#ifndef SEPTUM_TOOLS_CLI_COMMAND_H_
#define SEPTUM_TOOLS_CLI_COMMAND_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tools/cli/args.h"

namespace septum::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRejected = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  const char* help;              // what `septum NAME --help` prints
  ArgSpec args;                  // args.command is the command's name
  int (*run)(const ParsedArgs&);  // runs it on parsed arguments; returns the exit status
};

// Parses `args` for `command`: prints its help (exit 0) or the usage error (exit 2), or runs it.
int Execute(const Command& command, absl::Span<const std::string> args);

// Prints "septum: MESSAGE" and the pointer to --help on standard error; returns kExitUsage.
int Usage(absl::string_view message);

// Prints "septum: MESSAGE" on standard error (a file that cannot be read or written); returns
// kExitUsage.
int IoError(absl::string_view message);

// The commands, in the order `septum --help` lists them.
const Command& CheckCommand();
const Command& ExplainCommand();
const Command& CompileCommand();
const Command& DumpCommand();
const Command& BuildCommand();
const Command& RunCommand();

}  // namespace septum::cli

#endif  // SEPTUM_TOOLS_CLI_COMMAND_H_
