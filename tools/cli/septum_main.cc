// tools/cli/septum_main.cc — the `septum` command line.
//
// Exit status: 0 accepted / done, 1 the policy was rejected, 2 usage or I/O error.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "kernel/abi/version.h"
#include "policy/frontend.h"
#include "policy/json.h"
#include "policy/print_model.h"

namespace septum {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitRejected = 1;
constexpr int kExitUsage = 2;

constexpr char kMainHelp[] = R"HELP(septum — the Septum separation kernel toolchain

Usage:
  septum check [OPTIONS] FILE.policy   check a policy: syntax, names, values, placement,
                                        isolation rules and assertions
  septum --help                         this text
  septum --version                      the toolchain's version
  septum COMMAND --help                 help for one command

Exit status: 0 accepted, 1 rejected (diagnostics on standard output), 2 usage or I/O error.
Policy language reference: policy/README.md.
)HELP";

constexpr char kCheckHelp[] = R"HELP(septum check — check a policy file

Usage:
  septum check [--format=text|json] [--print-model] FILE.policy

Reads FILE.policy (never the guest images it names), and reports every problem found:
syntax, unknown or undeclared names, values out of range, wrong units, alignment,
overlapping memory, shared devices, schedule sums, rights and failed assertions.

Options:
  --format=text    diagnostics as file:line:col: error[CODE]: message, with the source line,
                   notes for the other side of a conflict and a help: hint (default)
  --format=json    one JSON object: {"file", "accepted", "errors", "warnings", "truncated",
                   "diagnostics": [...], "summary"}
  --print-model    when accepted, also print the resolved model: every domain, region,
                   channel, device, the schedule, flows and assertions, with the addresses
                   the compiler placed (marked "(placed)")
  --help           this text

Exit status: 0 accepted (a one-line summary: domains, regions, devices, channels, CPUs),
1 rejected, 2 usage or I/O error.
Diagnostic codes are listed in policy/README.md.
)HELP";

int Usage(const std::string& message) {
  std::cerr << "septum: " << message << "\n(see `septum --help`)\n";
  return kExitUsage;
}

void WriteLocation(policy::JsonWriter& w, const policy::SourceFile& file, const policy::Loc& loc) {
  w.Key("file");
  w.String(file.path());
  if (loc.valid()) {
    w.Key("line");
    w.Number(loc.line);
    w.Key("column");
    w.Number(loc.column);
    w.Key("length");
    w.Number(loc.length);
  }
}

std::string JsonReport(const std::string& path, const policy::CheckOutcome& out) {
  policy::JsonWriter w;
  w.BeginObject();
  w.Key("file");
  w.String(path);
  w.Key("accepted");
  w.Bool(out.accepted());
  w.Key("errors");
  w.Number(out.diags.error_count());
  w.Key("warnings");
  w.Number(out.diags.warning_count());
  w.Key("truncated");
  w.Bool(out.diags.truncated());
  w.Key("diagnostics");
  w.BeginArray();
  for (const policy::Diagnostic& d : out.diags.Sorted()) {
    w.BeginObject();
    w.Key("severity");
    w.String(d.severity == policy::Severity::kError ? "error" : "warning");
    w.Key("code");
    w.String(policy::Describe(d.code).id);
    w.Key("message");
    w.String(d.message);
    WriteLocation(w, *out.source, d.loc);
    w.Key("notes");
    w.BeginArray();
    for (const policy::Note& n : d.notes) {
      w.BeginObject();
      w.Key("message");
      w.String(n.message);
      WriteLocation(w, *out.source, n.loc);
      w.EndObject();
    }
    w.EndArray();
    w.Key("help");
    if (d.help.empty()) {
      w.Null();
    } else {
      w.String(d.help);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("summary");
  if (out.accepted()) {
    const policy::System& s = *out.system;
    w.BeginObject();
    w.Key("system");
    w.String(s.name);
    w.Key("domains");
    w.Number(s.domains.size());
    w.Key("regions");
    w.Number(s.regions.size());
    w.Key("devices");
    w.Number(s.devices.size());
    w.Key("channels");
    w.Number(s.channels.size());
    w.Key("cpus");
    w.Number(s.platform.cpus);
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
  return w.Take() + "\n";
}

int Check(const std::vector<std::string>& args) {
  std::string format = "text";
  bool print_model = false;
  std::string path;
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << kCheckHelp;
      return kExitOk;
    }
    if (absl::StartsWith(a, "--format=")) {
      format = a.substr(9);
      if (format != "text" && format != "json") return Usage(absl::StrCat("unknown format `", format, "`: use text or json"));
    } else if (a == "--print-model") {
      print_model = true;
    } else if (absl::StartsWith(a, "-")) {
      return Usage(absl::StrCat("check: unknown option `", a, "`"));
    } else if (!path.empty()) {
      return Usage("check: give one policy file");
    } else {
      path = a;
    }
  }
  if (path.empty()) return Usage("check: missing FILE.policy");
  if (print_model && format != "text") return Usage("check: --print-model goes with --format=text");
  const policy::CheckOutcome out = policy::CheckPolicyFile(path);
  if (!out.io_error.empty()) {
    std::cerr << "septum: " << out.io_error << "\n";
    return kExitUsage;
  }
  if (format == "json") {
    std::cout << JsonReport(path, out);
    return out.accepted() ? kExitOk : kExitRejected;
  }
  std::cout << policy::RenderText(*out.source, out.diags);
  if (!out.accepted()) {
    std::cout << path << ": rejected: " << out.diags.error_count()
              << (out.diags.error_count() == 1 ? " error" : " errors");
    if (out.diags.warning_count()) {
      std::cout << ", " << out.diags.warning_count() << (out.diags.warning_count() == 1 ? " warning" : " warnings");
    }
    std::cout << "\n";
    return kExitRejected;
  }
  if (print_model) std::cout << policy::ModelText(*out.system);
  std::cout << path << ": ok: system `" << out.system->name << "`: " << policy::Summary(*out.system) << "\n";
  return kExitOk;
}

}  // namespace
}  // namespace septum

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << septum::kMainHelp;
    return septum::kExitUsage;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << septum::kMainHelp;
    return septum::kExitOk;
  }
  if (command == "--version") {
    std::cout << "septum " << septum::kKernelVersion << " (abi " << septum::kAbiVersion << ")\n";
    return septum::kExitOk;
  }
  if (command == "check") return septum::Check(args);
  return septum::Usage(absl::StrCat("unknown command `", command, "`"));
}
