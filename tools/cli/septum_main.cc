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
#include "policy/flows.h"
#include "policy/print_model.h"
#include "policy/resolve.h"
#include "proofs/prover.h"
#include "proofs/report.h"
#include "proofs/tv/dump.h"
#include "tools/compiler/compile.h"
#include <fstream>
#include "absl/strings/str_join.h"

namespace septum {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitRejected = 1;
constexpr int kExitUsage = 2;

constexpr char kMainHelp[] = R"HELP(septum — the Septum separation kernel toolchain

Usage:
  septum check [OPTIONS] FILE.policy       check a policy and prove its isolation invariants
  septum explain FILE.policy --flow A B    show the flow path from A to B, or why none exists
  septum compile FILE.policy -o OUT        check, prove, and write the tables blob (in progress:
                                           domain records, page tables, I/O and MSR bitmaps)
  septum dump TABLES.bin                   decode a tables blob from its bytes
  septum --help                            this text
  septum --version                         the toolchain's version
  septum COMMAND --help                    help for one command

Exit status: 0 accepted, 1 rejected (diagnostics on standard output), 2 usage or I/O error.
Policy language reference: policy/README.md. Proof obligations: proofs/README.md.
)HELP";

constexpr char kCheckHelp[] = R"HELP(septum check — check a policy file and prove it isolates what it says

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

constexpr char kCompileHelp[] = R"HELP(septum compile — write the tables blob of a proven policy

Usage:
  septum compile FILE.policy -o TABLES.bin

Runs `septum check` first (front end and proofs) and writes nothing unless the policy is
accepted. The blob (kernel/abi/tables.h) is built for host-physical address kernel memory
base + 2 MiB and holds, in this version: one record per domain, each domain's NPT and EPT
page tables (regions, channel ends, owned device MMIO identity-mapped; 2 MiB pages where
aligned), and its SVM IOPM/MSRPM and VMX I/O/MSR bitmaps (owned ports and the MSR whitelist
pass, all else exits). Not yet: channels, IRQ routes, schedule, rights, IOMMU tables, guest
images, and the translation-validation proofs. Same policy, same bytes.

Exit status: 0 written, 1 the policy was rejected or cannot be compiled, 2 usage or I/O error.
)HELP";

constexpr char kDumpHelp[] = R"HELP(septum dump — decode a tables blob

Usage:
  septum dump TABLES.bin

Checks the container as the kernel does (magic, version, lengths, sections, SHA-256), then
decodes every domain record, walks its NPT and EPT page tables into runs
`gpa first..last -> hpa perms`, and lists the ports and MSRs its bitmaps let through.

Exit status: 0 decoded, 1 not a valid blob (the reason is printed), 2 usage or I/O error.
)HELP";

constexpr char kExplainHelp[] = R"HELP(septum explain — why a flow exists, or a proof that it does not

Usage:
  septum explain FILE.policy --flow A B

A and B are domains or labels. If information can flow from A to B (channels, control
rights, shared memory; see policy/README.md "Information flow"), prints the path Z3 found,
each edge with its policy line. If not, prints Z3's verdict (no path) and the certificate:
the set of domains reachable from A, which is closed under the flow edges and excludes B.

Exit status: 0 answered, 1 the policy has errors that prevent the question, 2 usage error.
)HELP";

int Usage(const std::string& message) {
  std::cerr << "septum: " << message << "\n(see `septum --help`)\n";
  return kExitUsage;
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
      if (format != "text" && format != "json" && format != "sarif" && format != "junit") {
        return Usage(absl::StrCat("unknown format `", format, "`: use text, json, sarif or junit"));
      }
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
  std::vector<proofs::ObligationResult> results;
  const bool prove = proofs::ProofsApply(out);
  if (prove) results = proofs::ProveAll(*out.model);
  proofs::Report report{path, &out, prove ? &results : nullptr, print_model};
  if (format == "json") {
    std::cout << proofs::JsonReport(report);
  } else if (format == "sarif") {
    std::cout << proofs::SarifReport(report);
  } else if (format == "junit") {
    std::cout << proofs::JunitReport(report);
  } else {
    std::cout << proofs::TextReport(report);
  }
  return proofs::Accepted(out, report.proofs) ? kExitOk : kExitRejected;
}

// septum compile FILE -o OUT
int Compile(const std::vector<std::string>& args) {
  std::string path, out_path;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::cout << kCompileHelp;
      return kExitOk;
    }
    if (args[i] == "-o") {
      if (i + 1 >= args.size()) return Usage("compile: -o takes a file name");
      out_path = args[++i];
    } else if (absl::StartsWith(args[i], "-")) {
      return Usage(absl::StrCat("compile: unknown option `", args[i], "`"));
    } else if (!path.empty()) {
      return Usage("compile: give one policy file");
    } else {
      path = args[i];
    }
  }
  if (path.empty() || out_path.empty()) return Usage("compile: usage: septum compile FILE.policy -o TABLES.bin");
  const policy::CheckOutcome out = policy::CheckPolicyFile(path);
  if (!out.io_error.empty()) {
    std::cerr << "septum: " << out.io_error << "\n";
    return kExitUsage;
  }
  std::vector<proofs::ObligationResult> results;
  const bool prove = proofs::ProofsApply(out);
  if (prove) results = proofs::ProveAll(*out.model);
  proofs::Report report{path, &out, prove ? &results : nullptr, false};
  if (!proofs::Accepted(out, report.proofs)) {
    std::cout << proofs::TextReport(report) << "septum: nothing written: the policy is not accepted\n";
    return kExitRejected;
  }
  absl::StatusOr<std::vector<uint8_t>> blob = compiler::CompileTables(*out.system);
  if (!blob.ok()) {
    std::cout << path << ": cannot compile: " << blob.status().message() << "\n";
    return kExitRejected;
  }
  std::ofstream file(out_path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(blob->data()), static_cast<std::streamsize>(blob->size()));
  file.close();
  if (!file) {
    std::cerr << "septum: cannot write `" << out_path << "`\n";
    return kExitUsage;
  }
  std::cout << path << ": " << results.size() << " obligations proven; wrote " << out_path << " (" << blob->size()
            << " bytes)\n";
  return kExitOk;
}

// septum dump TABLES.bin
int Dump(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << kDumpHelp;
    return kExitOk;
  }
  if (args.size() != 1 || absl::StartsWith(args[0], "-")) return Usage("dump: usage: septum dump TABLES.bin");
  std::ifstream in(args[0], std::ios::binary);
  if (!in) {
    std::cerr << "septum: cannot read `" << args[0] << "`\n";
    return kExitUsage;
  }
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  absl::StatusOr<std::string> text = tv::DumpBlob(bytes);
  if (!text.ok()) {
    std::cout << args[0] << ": " << text.status().message() << "\n";
    return kExitRejected;
  }
  std::cout << *text;
  return kExitOk;
}

// septum explain FILE --flow A B
int Explain(const std::vector<std::string>& args) {
  std::string path, from_name, to_name;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::cout << kExplainHelp;
      return kExitOk;
    }
    if (args[i] == "--flow") {
      if (i + 2 >= args.size()) return Usage("explain: --flow takes two names: --flow A B");
      from_name = args[i + 1];
      to_name = args[i + 2];
      i += 2;
    } else if (absl::StartsWith(args[i], "-")) {
      return Usage(absl::StrCat("explain: unknown option `", args[i], "`"));
    } else if (!path.empty()) {
      return Usage("explain: give one policy file");
    } else {
      path = args[i];
    }
  }
  if (path.empty() || from_name.empty()) return Usage("explain: usage: septum explain FILE.policy --flow A B");
  const policy::CheckOutcome out = policy::CheckPolicyFile(path);
  if (!out.io_error.empty()) {
    std::cerr << "septum: " << out.io_error << "\n";
    return kExitUsage;
  }
  if (!proofs::ProofsApply(out)) {
    std::cout << policy::RenderText(*out.source, out.diags) << path << ": cannot explain: fix the errors above first\n";
    return kExitRejected;
  }
  const policy::System& model = *out.model;
  const std::vector<uint32_t> from = model.DomainsNamed(from_name), to = model.DomainsNamed(to_name);
  if (from.empty()) return Usage(absl::StrCat("explain: `", from_name, "` is neither a domain nor a label of ", path));
  if (to.empty()) return Usage(absl::StrCat("explain: `", to_name, "` is neither a domain nor a label of ", path));
  policy::System question = model;
  policy::Assertion a;
  a.kind = policy::Assertion::Kind::kNoFlow;
  a.from = from;
  a.to = to;
  a.from_name = from_name;
  a.to_name = to_name;
  question.assertions = {a};
  const proofs::ObligationResult r = proofs::ProveOne(question, 8);
  if (r.verdict == proofs::Verdict::kUnknown) {
    std::cout << "undecided: " << r.unknown_reason << "\n";
    return kExitRejected;
  }
  const std::vector<policy::FlowEdge> edges = policy::FlowEdges(model);
  if (r.verdict == proofs::Verdict::kFailed) {
    std::cout << "flow " << from_name << " -> " << to_name << ": exists (Z3 found a path)\n";
    const proofs::Counterexample& ce = r.counterexamples.front();
    for (size_t i = 1; i < ce.places.size(); ++i) {
      policy::Diagnostic d;
      d.id = "flow";
      d.loc = policy::ToLoc(ce.places[i].where);
      std::cout << "  " << i << ". " << ce.places[i].what << "  (" << path << ":" << d.loc.line << ")\n"
                << policy::RenderSnippet(*out.source, d.loc) << "\n";
    }
    return kExitOk;
  }
  // No flow: Z3 refuted every path. The set of domains reachable from A is the certificate:
  // it is closed under the flow edges and contains no domain of B.
  std::vector<bool> reach(model.domains.size(), false);
  std::vector<uint32_t> work = from;
  for (uint32_t f : from) reach[f] = true;
  while (!work.empty()) {
    const uint32_t d = work.back();
    work.pop_back();
    for (const policy::FlowEdge& e : edges) {
      if (e.from == d && !reach[e.to]) {
        reach[e.to] = true;
        work.push_back(e.to);
      }
    }
  }
  std::vector<std::string> names;
  for (uint32_t i = 0; i < reach.size(); ++i) {
    if (reach[i]) names.push_back(model.domains[i].name);
  }
  std::cout << "flow " << from_name << " -> " << to_name << ": none (Z3: no path exists, unsat)\n"
            << "  certificate (Z3 checked that the domains reached from " << from_name
            << " form a closed set without " << to_name << "):\n  " << from_name << " and every domain reachable from it: {"
            << absl::StrJoin(names, ", ") << "}; no flow edge leaves this set.\n";
  size_t shown = 0;
  for (const policy::FlowEdge& e : edges) {
    if (reach[e.from] && shown < 20) {
      std::cout << "  edge inside the set: " << model.domains[e.from].name << " -> " << model.domains[e.to].name << ": " << e.why
                << " (line " << e.where.line << ")\n";
      ++shown;
    }
  }
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
  if (command == "explain") return septum::Explain(args);
  if (command == "compile") return septum::Compile(args);
  if (command == "dump") return septum::Dump(args);
  return septum::Usage(absl::StrCat("unknown command `", command, "`"));
}
