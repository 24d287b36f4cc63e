// tools/cli/args.h — the one argument parser of the `septum` commands.
//
//   const ArgSpec spec{"compile", {Flag::Value("-o", "a file name").Required(), Flag::Bool("--coverage")},
//                      "give one policy file", "usage: septum compile ... FILE.policy -o TABLES.bin"};
//   absl::StatusOr<ParsedArgs> args = ParseArgs(spec, {"demo.policy", "-o", "out.bin"});
//   args->Value("-o");  // "out.bin"
//
// The syntax every command shares, read left to right:
//   --help, -h          help (ParsedArgs::help()); the words after it are not read
//   --name              a boolean flag
//   --name VALUE        a flag with a value; a long flag also takes --name=VALUE, a short one
//   --name=VALUE        (-o) only the separate word. Given again, the last value counts, unless
//                       the flag repeats (--device): then every value is kept, in order
//   --flow A B          a flag with several values, as separate words
//   -anything else      an unknown option
//   anything else       a positional argument
// The first wrong word is the error. Values are taken as they are (`-o -x` writes to "-x")
// unless the flag checks them. A required flag or positional counts as missing when it is
// absent or empty.
//
// Errors (absl::InvalidArgumentError; the caller prints "septum: " before the message and exits
// 2) always start with the command's name:
//   "check: unknown option `--bogus`"          (or the usage, for a command that asks so)
//   "compile: -o takes a file name"            a value missing, or refused by the flag's check
//   "check: give one policy file"              one positional argument too many
//   "compile: usage: septum compile ..."       something required missing
// except that a flag's own message for a refused value is printed as it is.
#ifndef SEPTUM_TOOLS_CLI_ARGS_H_
#define SEPTUM_TOOLS_CLI_ARGS_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace septum::cli {

struct Flag {
  std::string name;         // "-o", "--format", "--print-model"
  int values = 0;           // 0: a boolean; 1: one value; more: that many separate words
  bool repeated = false;    // every value is kept (Values()); else the last one counts
  bool required = false;
  std::string takes;        // "a file name": "CMD: NAME takes a file name" when a value is missing or refused
  std::function<bool(const std::string&)> valid;           // null: every value is valid
  std::function<std::string(const std::string&)> refused;  // the whole message for a refused value; null: the `takes` one

  static Flag Bool(std::string name);
  static Flag Value(std::string name, std::string takes = "a value");
  static Flag Values(std::string name, int count, std::string takes);
  static Flag Repeated(std::string name, std::string takes);
  Flag Required() const;
  // Values that `valid` refuses are usage errors, with the message `refused` makes if given.
  Flag Check(std::function<bool(const std::string&)> valid, std::function<std::string(const std::string&)> refused = nullptr) const;
};

struct ArgSpec {
  std::string command;           // "check": the first word of every message
  std::vector<Flag> flags;       // --help and -h are always there
  std::string too_many;          // "give one policy file": one positional more than it takes
  std::string usage;             // "missing FILE.policy": a required argument missing
  size_t positionals = 1;        // how many positional arguments it takes; all are required
  bool unknown_option_is_usage = false;  // an unknown option gets the `usage` message
};

class ParsedArgs {
 public:
  bool help() const { return help_; }
  bool Has(absl::string_view flag) const { return values_.count(std::string(flag)) > 0; }
  // A one-value flag's value (the last one given), or `fallback` when it was not given.
  std::string Value(absl::string_view flag, const std::string& fallback = "") const;
  // All its values, in order: those of a flag of several values, or every one a repeated flag
  // was given; empty when it was not given.
  std::vector<std::string> Values(absl::string_view flag) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  // The first positional argument ("" if none).
  const std::string& positional() const;

 private:
  friend absl::StatusOr<ParsedArgs> ParseArgs(const ArgSpec& spec, absl::Span<const std::string> args);
  bool help_ = false;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

absl::StatusOr<ParsedArgs> ParseArgs(const ArgSpec& spec, absl::Span<const std::string> args);

}  // namespace septum::cli

#endif  // SEPTUM_TOOLS_CLI_ARGS_H_
