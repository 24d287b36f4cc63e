// policy/flows.cc — see flows.h.
#include "policy/flows.h"

#include <algorithm>
#include <cstdint>
#include <deque>

#include "absl/strings/str_cat.h"
#include "policy/resolve.h"

namespace septum::policy {

std::vector<FlowEdge> FlowEdges(const System& sys) {
  std::vector<FlowEdge> edges;
  for (const Channel& c : sys.channels) {
    if (c.writer.domain == kNoIndex || c.reader.domain == kNoIndex) continue;
    edges.push_back({c.writer.domain, c.reader.domain, FlowEdge::Kind::kChannel,
                     absl::StrCat("channel `", c.name, "` (writer `", sys.domains[c.writer.domain].name, "`, reader `",
                                  sys.domains[c.reader.domain].name, "`)"),
                     c.where});
  }
  for (const ControlGrant& g : sys.grants) {
    if (g.target >= sys.domains.size() || g.holder >= sys.domains.size() || g.target == g.holder) continue;
    const uint8_t acting = g.rights & (kRightStart | kRightStop | kRightPause | kRightResume);
    const std::string& holder = sys.domains[g.holder].name;
    const std::string& target = sys.domains[g.target].name;
    if (acting) {
      edges.push_back({g.holder, g.target, FlowEdge::Kind::kControl,
                       absl::StrCat("`", holder, "` holds ", RightNames(acting), " over `", target, "`"), g.where});
    }
    if (g.rights & kRightQuery) {
      edges.push_back({g.target, g.holder, FlowEdge::Kind::kQuery,
                       absl::StrCat("`", holder, "` holds query over `", target, "`"), g.where});
    }
  }
  // Shared host memory between different domains' regions (an overlap, which is also an error).
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < sys.regions.size(); ++i) {
    if (sys.regions[i].host.size) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return sys.regions[a].host.base < sys.regions[b].host.base; });
  for (size_t i = 0; i < order.size(); ++i) {
    const Region& a = sys.regions[order[i]];
    for (size_t j = i + 1; j < order.size() && sys.regions[order[j]].host.base <= a.host.Last(); ++j) {
      const Region& b = sys.regions[order[j]];
      if (a.domain == b.domain) continue;
      const std::string why = absl::StrCat("`", sys.RegionName(order[i]), "` and `", sys.RegionName(order[j]),
                                           "` share host-physical memory");
      edges.push_back({a.domain, b.domain, FlowEdge::Kind::kSharedMemory, why, b.where});
      edges.push_back({b.domain, a.domain, FlowEdge::Kind::kSharedMemory, why, b.where});
    }
  }
  return edges;
}

namespace {

// One breadth-first walk over the flow graph from `from` (in index order, so ties go to the
// lower domain index, then to edge order). It stops at the first edge into a domain `target`
// marks (none when `target` is null) and names it in `hit`; else `hit` stays SIZE_MAX and
// `seen` ends as `from` plus every domain reachable from it. `via[d]` is the edge that first
// reached `d` (SIZE_MAX for a start).
struct Walk {
  std::vector<bool> seen;
  std::vector<size_t> via;
  size_t hit = SIZE_MAX;
};

Walk WalkFlows(const System& sys, const std::vector<FlowEdge>& edges, const std::vector<uint32_t>& from,
               const std::vector<bool>* target) {
  const size_t n = sys.domains.size();
  std::vector<std::vector<size_t>> out(n);
  for (size_t e = 0; e < edges.size(); ++e) out[edges[e].from].push_back(e);
  Walk w{std::vector<bool>(n, false), std::vector<size_t>(n, SIZE_MAX), SIZE_MAX};
  std::deque<uint32_t> queue;
  std::vector<uint32_t> starts = from;
  std::sort(starts.begin(), starts.end());
  for (uint32_t s : starts) {
    if (w.seen[s]) continue;
    w.seen[s] = true;
    queue.push_back(s);
  }
  while (!queue.empty()) {
    const uint32_t d = queue.front();
    queue.pop_front();
    for (size_t e : out[d]) {
      const uint32_t next = edges[e].to;
      // A flow needs at least one edge, so a target is found when an edge reaches it, even
      // if it is also a start (`assert no flow group -> member`, or a cycle back to `from`).
      if (target && (*target)[next]) {
        w.hit = e;
        return w;
      }
      if (w.seen[next]) continue;
      w.seen[next] = true;
      w.via[next] = e;
      queue.push_back(next);
    }
  }
  return w;
}

}  // namespace

std::vector<size_t> FindFlowPath(const System& sys, const std::vector<FlowEdge>& edges,
                                 const std::vector<uint32_t>& from, const std::vector<uint32_t>& to) {
  std::vector<bool> target(sys.domains.size(), false);
  for (uint32_t t : to) target[t] = true;
  const Walk w = WalkFlows(sys, edges, from, &target);
  if (w.hit == SIZE_MAX) return {};
  // The path from a start to the hit edge's source, then the hit edge.
  std::vector<size_t> path = {w.hit};
  for (uint32_t at = edges[w.hit].from; w.via[at] != SIZE_MAX; at = edges[w.via[at]].from) path.push_back(w.via[at]);
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<bool> ReachableFrom(const System& sys, const std::vector<FlowEdge>& edges, const std::vector<uint32_t>& from) {
  return WalkFlows(sys, edges, from, nullptr).seen;
}

void CheckAssertions(const System& sys, Diagnostics* diags) {
  const std::vector<FlowEdge> edges = FlowEdges(sys);
  for (const Assertion& a : sys.assertions) {
    if (a.kind == Assertion::Kind::kNoFlow) {
      const std::vector<size_t> path = FindFlowPath(sys, edges, a.from, a.to);
      if (path.empty()) continue;
      const FlowEdge& first = edges[path.front()];
      const FlowEdge& last = edges[path.back()];
      Diagnostic& d = diags->Error(
          Code::kFlowExists, ToLoc(a.where),
          absl::StrCat("assertion `no flow ", a.from_name, " -> ", a.to_name, "` is false: `", sys.domains[first.from].name,
                       "` reaches `", sys.domains[last.to].name, "` in ", path.size(), path.size() == 1 ? " step" : " steps"));
      for (size_t e : path) {
        const FlowEdge& edge = edges[e];
        d.AddNote(ToLoc(edge.where), absl::StrCat("`", sys.domains[edge.from].name, "` -> `", sys.domains[edge.to].name,
                                                  "`: ", edge.why));
      }
      d.Help("remove or narrow one of these edges (a channel, a right), or drop the assertion if the flow is intended");
    } else {
      // isolated: no edge into or out of the domains.
      std::vector<bool> inside(sys.domains.size(), false);
      for (uint32_t x : a.from) inside[x] = true;
      std::vector<size_t> crossing;
      for (size_t e = 0; e < edges.size(); ++e) {
        if (inside[edges[e].from] != inside[edges[e].to]) crossing.push_back(e);
      }
      if (crossing.empty()) continue;
      Diagnostic& d = diags->Error(Code::kNotIsolated, ToLoc(a.where),
                                   absl::StrCat("assertion `isolated ", a.from_name, "` is false: ", crossing.size(),
                                                crossing.size() == 1 ? " flow crosses" : " flows cross", " its boundary"));
      constexpr size_t kMaxShown = 10;
      for (size_t i = 0; i < crossing.size() && i < kMaxShown; ++i) {
        const FlowEdge& edge = edges[crossing[i]];
        d.AddNote(ToLoc(edge.where), absl::StrCat("`", sys.domains[edge.from].name, "` -> `", sys.domains[edge.to].name,
                                                  "`: ", edge.why));
      }
      if (crossing.size() > kMaxShown) d.AddNote(ToLoc(a.where), absl::StrCat("and ", crossing.size() - kMaxShown, " more"));
      d.Help("an isolated domain has no channels, grants no rights and is subject to none");
    }
  }
}

}  // namespace septum::policy
