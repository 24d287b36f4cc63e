// policy/flows_test.cc — the flow graph's two questions, a path (FindFlowPath) and the set
// reachable from a domain (ReachableFrom), on the examples: they agree with each other, and
// the reachable set is closed under the edges.
#include "policy/flows.h"

#include <gtest/gtest.h>

#include <string>

#include "policy/frontend.h"

namespace septum::policy {
namespace {

System Load(const std::string& path) {
  CheckOutcome out = CheckPolicyFile(path);
  EXPECT_TRUE(out.accepted()) << path;
  return *out.system;
}

std::vector<std::string> Names(const System& s, const std::vector<bool>& set) {
  std::vector<std::string> names;
  for (size_t d = 0; d < set.size(); ++d) {
    if (set[d]) names.push_back(s.domains[d].name);
  }
  return names;
}

TEST(FlowsTest, DemoReachableSets) {
  const System s = Load("policy/examples/demo.policy");
  const std::vector<FlowEdge> edges = FlowEdges(s);
  using V = std::vector<std::string>;
  // sandbox: nothing leaves it (dom0 only starts and stops it), so the set is sandbox alone.
  EXPECT_EQ(Names(s, ReachableFrom(s, edges, {s.FindDomain("sandbox")})), V({"sandbox"}));
  // worker -> dom0 (channel results) -> sandbox (start, stop).
  EXPECT_EQ(Names(s, ReachableFrom(s, edges, {s.FindDomain("worker")})), V({"dom0", "worker", "sandbox"}));
  EXPECT_EQ(Names(s, ReachableFrom(s, edges, {})), V({}));
}

// On every example and every pair of domains: a path exists iff the target is in the
// reachable set (for a domain to itself, iff an edge leads back into it); every edge that
// starts in a reachable set ends in it.
TEST(FlowsTest, PathAndReachableAgree) {
  for (const char* path : {"policy/examples/demo.policy", "policy/examples/cross_domain_guard.policy",
                           "policy/examples/driver_domain.policy", "policy/examples/mixed_criticality.policy",
                           "policy/examples/pv_pair.policy"}) {
    const System s = Load(path);
    const std::vector<FlowEdge> edges = FlowEdges(s);
    for (uint32_t a = 0; a < s.domains.size(); ++a) {
      const std::vector<bool> reach = ReachableFrom(s, edges, {a});
      ASSERT_EQ(reach.size(), s.domains.size());
      EXPECT_TRUE(reach[a]);
      for (const FlowEdge& e : edges) EXPECT_TRUE(!reach[e.from] || reach[e.to]) << path << ": " << e.why;
      for (uint32_t b = 0; b < s.domains.size(); ++b) {
        const std::vector<size_t> p = FindFlowPath(s, edges, {a}, {b});
        if (a != b) {
          EXPECT_EQ(!p.empty(), static_cast<bool>(reach[b])) << path << ": " << a << " -> " << b;
        }
        if (p.empty()) continue;
        EXPECT_EQ(edges[p.front()].from, a);
        EXPECT_EQ(edges[p.back()].to, b);
        for (size_t i = 1; i < p.size(); ++i) EXPECT_EQ(edges[p[i - 1]].to, edges[p[i]].from);
      }
    }
  }
}

}  // namespace
}  // namespace septum::policy
