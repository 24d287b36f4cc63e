// tools/cli/check_command.cc — `septum check`: the front end and the proofs P01-P09 over a
// policy, reported as text, JSON, SARIF or JUnit. Reads nothing but the policy file.
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "proofs/report.h"
#include "tools/cli/command.h"
#include "tools/cli/pipeline.h"

namespace septum::cli {
namespace {

constexpr char kHelp[] = R"HELP(septum check — check a policy file and prove it isolates what it says

Usage:
  septum check [--format=text|json|sarif|junit] [--print-model] FILE.policy

Reads FILE.policy (never the guest images it names). The front end reports syntax, unknown
or undeclared names, values out of range, wrong units, alignment, and also detects
overlapping memory, shared devices, schedule sums, rights and failed assertions. Then Z3
proves the nine isolation obligations P01-P09 over the resolved model (they run unless the
front end found an error other than those isolation ones): each obligation prints its id,
verdict (proven, vacuous, FAILED, UNKNOWN), time and statement; a failed one prints its
counterexample in policy terms (addresses, names, source lines). An undecided proof fails.

Options:
  --format=text    diagnostics as file:line:col: error[CODE]: message, with the source line,
                   notes for the other side of a conflict and a help: hint, then the proof
                   table (default)
  --format=json    one JSON object: {"file", "accepted", "errors", "warnings", "truncated",
                   "diagnostics": [...], "proofs": {"z3", "obligations": [...]}, "summary"}
  --format=sarif   SARIF 2.1.0 with physical locations in the policy file (CI code scanning)
  --format=junit   JUnit XML: one test case for the front end and one per obligation
  --print-model    when accepted, also print the resolved model: every domain, region,
                   channel, device, the schedule, flows and assertions, with the addresses
                   the compiler placed (marked "(placed)"); text format only
  --help           this text

Exit status: 0 accepted (every obligation proven; a one-line summary: domains, regions,
devices, channels, CPUs), 1 rejected, 2 usage or I/O error.
Diagnostic codes: policy/README.md. Obligations: proofs/README.md.
)HELP";

bool IsFormat(const std::string& f) { return f == "text" || f == "json" || f == "sarif" || f == "junit"; }

int Run(const ParsedArgs& args) {
  const std::string format = args.Value("--format", "text");
  const bool print_model = args.Has("--print-model");
  if (print_model && format != "text") return Usage("check: --print-model goes with --format=text");
  const absl::StatusOr<Checked> checked = CheckAndProve(args.positional());
  if (!checked.ok()) return IoError(checked.status().message());
  const proofs::Report report = checked->MakeReport(print_model);
  if (format == "json") {
    std::cout << proofs::JsonReport(report);
  } else if (format == "sarif") {
    std::cout << proofs::SarifReport(report);
  } else if (format == "junit") {
    std::cout << proofs::JunitReport(report);
  } else {
    std::cout << proofs::TextReport(report);
  }
  return checked->accepted() ? kExitOk : kExitRejected;
}

}  // namespace

const Command& CheckCommand() {
  static const Command* const kCommand = new Command{
      kHelp,
      ArgSpec{"check",
              {Flag::Value("--format").Check(IsFormat,
                                             [](const std::string& f) {
                                               return absl::StrCat("unknown format `", f, "`: use text, json, sarif or junit");
                                             }),
               Flag::Bool("--print-model")},
              "give one policy file",
              "missing FILE.policy"},
      Run};
  return *kCommand;
}

}  // namespace septum::cli
