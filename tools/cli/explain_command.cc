// tools/cli/explain_command.cc — `septum explain FILE --flow A B`: the flow path from A to B
// that Z3 finds, each edge with its policy line, or Z3's proof that none exists with its
// certificate, the set of domains reachable from A (policy::ReachableFrom).
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/diagnostics.h"
#include "policy/flows.h"
#include "policy/resolve.h"
#include "proofs/prover.h"
#include "proofs/report.h"
#include "tools/cli/command.h"
#include "tools/cli/pipeline.h"

namespace septum::cli {
namespace {

constexpr char kHelp[] = R"HELP(septum explain — why a flow exists, or a proof that it does not

Usage:
  septum explain FILE.policy --flow A B

A and B are domains or labels. If information can flow from A to B (channels, control
rights, shared memory; see policy/README.md "Information flow"), prints the path Z3 found,
each edge with its policy line. If not, prints Z3's verdict (no path) and the certificate:
the set of domains reachable from A, which is closed under the flow edges and excludes B.

Exit status: 0 answered, 1 the policy has errors that prevent the question, 2 usage error.
)HELP";

// The obligation P09 (index 8 of the catalogue) over one assertion, `no flow A -> B`.
constexpr size_t kFlowObligation = 8;
constexpr size_t kMaxEdgesShown = 20;

int Run(const ParsedArgs& args) {
  const std::string& path = args.positional();
  const std::vector<std::string> names = args.Values("--flow");
  const std::string &from_name = names[0], &to_name = names[1];
  const absl::StatusOr<policy::CheckOutcome> out = ReadPolicy(path);
  if (!out.ok()) return IoError(out.status().message());
  if (!proofs::ProofsApply(*out)) {
    std::cout << policy::RenderText(*out->source, out->diags) << path << ": cannot explain: fix the errors above first\n";
    return kExitRejected;
  }
  const policy::System& model = *out->model;
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
  const proofs::ObligationResult r = proofs::ProveOne(question, kFlowObligation);
  if (r.verdict == proofs::Verdict::kUnknown) {
    std::cout << "undecided: " << r.unknown_reason << "\n";
    return kExitRejected;
  }
  if (r.verdict == proofs::Verdict::kFailed) {
    std::cout << "flow " << from_name << " -> " << to_name << ": exists (Z3 found a path)\n";
    const proofs::Counterexample& ce = r.counterexamples.front();
    for (size_t i = 1; i < ce.places.size(); ++i) {
      const policy::Loc loc = policy::ToLoc(ce.places[i].where);
      std::cout << "  " << i << ". " << ce.places[i].what << "  (" << path << ":" << loc.line << ")\n"
                << policy::RenderSnippet(*out->source, loc) << "\n";
    }
    return kExitOk;
  }
  // No flow: Z3 refuted every path. The set of domains reachable from A is the certificate:
  // it is closed under the flow edges and contains no domain of B.
  const std::vector<policy::FlowEdge> edges = policy::FlowEdges(model);
  const std::vector<bool> reach = policy::ReachableFrom(model, edges, from);
  std::vector<std::string> reached;
  for (uint32_t i = 0; i < reach.size(); ++i) {
    if (reach[i]) reached.push_back(model.domains[i].name);
  }
  std::cout << "flow " << from_name << " -> " << to_name << ": none (Z3: no path exists, unsat)\n"
            << "  certificate (Z3 checked that the domains reached from " << from_name << " form a closed set without " << to_name
            << "):\n  " << from_name << " and every domain reachable from it: {" << absl::StrJoin(reached, ", ")
            << "}; no flow edge leaves this set.\n";
  size_t shown = 0;
  for (const policy::FlowEdge& e : edges) {
    if (reach[e.from] && shown < kMaxEdgesShown) {
      std::cout << "  edge inside the set: " << model.domains[e.from].name << " -> " << model.domains[e.to].name << ": " << e.why
                << " (line " << e.where.line << ")\n";
      ++shown;
    }
  }
  return kExitOk;
}

}  // namespace

const Command& ExplainCommand() {
  static const Command* const kCommand =
      new Command{kHelp,
                  ArgSpec{"explain",
                          {Flag::Values("--flow", 2, "two names: --flow A B").Required()},
                          "give one policy file",
                          "usage: septum explain FILE.policy --flow A B"},
                  Run};
  return *kCommand;
}

}  // namespace septum::cli
