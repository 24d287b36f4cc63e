// policy/flows.h — the information-flow graph of a system and paths through it.
//
// Edges (POLICY_LANGUAGE.md "Information flow"): A -> B when A writes a channel B reads; when
// A holds start, stop, pause or resume over B; when B holds query over A; when A and B map the
// same host-physical memory (both directions). Flows are transitive. Every edge keeps the span
// of the policy line that creates it, so a path can be shown line by line.
#ifndef SEPTUM_POLICY_FLOWS_H_
#define SEPTUM_POLICY_FLOWS_H_

#include <string>
#include <vector>

#include "policy/diagnostics.h"
#include "policy/model.h"

namespace septum::policy {

struct FlowEdge {
  enum class Kind { kChannel, kControl, kQuery, kSharedMemory };
  uint32_t from = kNoIndex;
  uint32_t to = kNoIndex;
  Kind kind = Kind::kChannel;
  std::string why;  // "channel `results`", "`dom0` holds start, stop over `worker`"
  Span where;
};

std::vector<FlowEdge> FlowEdges(const System& system);

// A shortest path (fewest edges) from any of `from` to any of `to`, as edge indices into
// `edges`; empty if none. Deterministic: ties go to the lower domain index, then edge order.
std::vector<size_t> FindFlowPath(const System& system, const std::vector<FlowEdge>& edges,
                                 const std::vector<uint32_t>& from, const std::vector<uint32_t>& to);

// Which domains information from `from` can reach: a vector indexed by domain, true for each
// domain of `from` and each domain a path of edges from one of them ends in. The set is closed
// under the edges (no edge leaves it), which is what makes it a certificate that a domain
// outside it is unreachable. The same walk as FindFlowPath's.
std::vector<bool> ReachableFrom(const System& system, const std::vector<FlowEdge>& edges,
                                const std::vector<uint32_t>& from);

// E0801 / E0802 for every assertion the graph refutes, with the path as notes.
void CheckAssertions(const System& system, Diagnostics* diags);

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_FLOWS_H_
