// Mutation test: every accepted example, broken by each isolation breach from a list, must be
// caught by both Z3 and the independent checker, on the obligation the breach violates.
#include <gtest/gtest.h>

#include <filesystem>
#include <cstdio>
#include <functional>
#include <set>

#include "policy/frontend.h"
#include "proofs/independent.h"
#include "proofs/prover.h"

namespace septum::proofs {
namespace {

using namespace policy;

struct Mutation {
  const char* name;
  size_t obligation;  // index in the catalogue: P01 = 0
  // Breaks the model; returns false when the mutation does not apply to it.
  std::function<bool(System&)> apply;
};

uint64_t EndOfUse(const System& s) {
  uint64_t end = s.kernel.memory.End();
  for (const auto& r : s.regions) end = std::max(end, r.host.End());
  for (const auto& c : s.channels) end = std::max(end, c.host.End());
  return (end + 0x1fffff) & ~uint64_t{0x1fffff};
}

// A new region for domain d at a fresh host address (inside RAM when there is room).
Region& AddRegion(System& s, uint32_t d, uint64_t guest) {
  Region r;
  r.name = "mutant";
  r.domain = d;
  r.host = Range{EndOfUse(s), 4096};
  r.guest = guest;
  r.perms = kRead | kWrite;
  s.domains[d].regions.push_back(static_cast<uint32_t>(s.regions.size()));
  s.regions.push_back(r);
  return s.regions.back();
}

// Makes sure the system has an assertion `no flow a -> b` for two domains, adding one if needed.
void AssertNoFlow(System& s, uint32_t a, uint32_t b) {
  Assertion as;
  as.kind = Assertion::Kind::kNoFlow;
  as.from = {a};
  as.to = {b};
  as.from_name = s.domains[a].name;
  as.to_name = s.domains[b].name;
  s.assertions.push_back(as);
}

std::vector<Mutation> Mutations() {
  return {
      {"move a region onto another", 0,
       [](System& s) {
         if (s.regions.size() < 2) return false;
         s.regions[1].host.base = s.regions[0].host.base;
         return true;
       }},
      {"place a region onto kernel memory", 1,
       [](System& s) {
         s.regions[0].host.base = s.kernel.memory.base;
         return true;
       }},
      {"place a region outside platform RAM", 1,
       [](System& s) {
         s.regions[0].host.base = 0x7f0000000000;
         return true;
       }},
      {"map a channel onto kernel memory", 1,
       [](System& s) {
         if (s.channels.empty()) return false;
         s.channels[0].host.base = s.kernel.memory.base;
         return true;
       }},
      {"map two regions of one domain at the same guest address", 2,
       [](System& s) {
         const Region first = s.regions[s.domains[0].regions[0]];
         AddRegion(s, first.domain, first.guest);
         return true;
       }},
      {"misalign a guest mapping", 2,
       [](System& s) {
         s.regions[0].guest += 0x800;
         return true;
       }},
      {"give a device a second owner", 3,
       [](System& s) {
         for (uint32_t dev = 0; dev < s.devices.size(); ++dev) {
           if (s.devices[dev].owner.kind != Owner::Kind::kDomain) continue;
           const uint32_t other = (s.devices[dev].owner.domain + 1) % s.domains.size();
           if (other == s.devices[dev].owner.domain) return false;
           s.domains[other].devices.push_back(dev);
           return true;
         }
         return false;
       }},
      {"let two devices share an I/O port", 3,
       [](System& s) {
         std::vector<Device*> with_ports;
         for (auto& d : s.devices) {
           if (!d.ports.empty()) with_ports.push_back(&d);
         }
         if (with_ports.size() < 2) return false;
         with_ports[1]->ports.push_back(with_ports[0]->ports[0]);
         return true;
       }},
      {"let two devices share a PCI address", 3,
       [](System& s) {
         if (s.devices.size() < 2) return false;
         s.devices[0].pci = PciBdf{0, 7, 0, {}};
         s.devices[1].pci = PciBdf{0, 7, 0, {}};
         return true;
       }},
      {"deliver one IRQ to two owners", 5,
       [](System& s) {
         Device* a = nullptr;
         Device* b = nullptr;
         for (auto& d : s.devices) {
           if (d.irqs.empty()) continue;
           if (!a) {
             a = &d;
           } else if (d.owner.kind != a->owner.kind || d.owner.domain != a->owner.domain) {
             b = &d;
             break;
           }
         }
         if (!a || !b) return false;
         b->irqs.push_back(a->irqs[0]);
         return true;
       }},
      {"remove the IOMMU under a DMA device", 4,
       [](System& s) {
         bool dma = false;
         for (auto& d : s.devices) dma = dma || d.dma;
         if (!dma) return false;
         s.platform.iommu = Iommu::kNone;
         return true;
       }},
      {"let a DMA device's owner map another domain's memory", 4,
       [](System& s) {
         for (auto& d : s.devices) {
           if (!d.dma || d.owner.kind != Owner::Kind::kDomain) continue;
           const uint32_t owner = d.owner.domain;
           for (auto& r : s.regions) {
             if (r.domain != owner) {
               Region& m = AddRegion(s, owner, 0x7000000000);
               m.host = r.host;
               return true;
             }
           }
         }
         return false;
       }},
      {"unbalance a schedule", 6,
       [](System& s) {
         if (s.schedule.plans.empty() || s.schedule.plans[0].slots.empty()) return false;
         s.schedule.plans[0].slots[0].micros += 1000;
         return true;
       }},
      {"schedule a domain on a CPU it is not pinned to", 6,
       [](System& s) {
         for (auto& plan : s.schedule.plans) {
           for (auto& slot : plan.slots) {
             if (slot.domain == kNoIndex) continue;
             auto& cpus = s.domains[slot.domain].cpus;
             cpus.erase(std::remove(cpus.begin(), cpus.end(), plan.cpu), cpus.end());
             return true;
           }
         }
         return false;
       }},
      {"take every slot from a boot domain", 6,
       [](System& s) {
         for (uint32_t d = 0; d < s.domains.size(); ++d) {
           if (!s.domains[d].boot) continue;
           for (auto& plan : s.schedule.plans) {
             for (auto& slot : plan.slots) {
               if (slot.domain == d) slot.domain = kNoIndex;
             }
           }
           return true;
         }
         return false;
       }},
      {"give a domain rights over itself", 7,
       [](System& s) {
         s.grants.push_back({0, 0, kRightStop, {}});
         s.domains[0].hypercalls |= kHcControl;
         return true;
       }},
      {"give a domain rights over the kernel", 7,
       [](System& s) {
         s.grants.push_back({0, kKernelTarget, kRightStart, {}});
         s.domains[0].hypercalls |= kHcControl;
         return true;
       }},
      {"grant control hypercalls without rights", 7,
       [](System& s) {
         for (uint32_t d = 0; d < s.domains.size(); ++d) {
           bool holds = false;
           for (const auto& g : s.grants) holds = holds || g.holder == d;
           if (!holds) {
             s.domains[d].hypercalls |= kHcControl;
             return true;
           }
         }
         return false;
       }},
      {"add a channel that closes a forbidden path", 8,
       [](System& s) {
         if (s.domains.size() < 2) return false;
         if (s.assertions.empty() || s.assertions[0].kind != Assertion::Kind::kNoFlow) AssertNoFlow(s, 0, 1);
         const Assertion& a = s.assertions.back().kind == Assertion::Kind::kNoFlow ? s.assertions.back() : s.assertions[0];
         Channel c;
         c.name = "mutant";
         c.host = Range{EndOfUse(s), 4096};
         c.writer = {a.from[0], 0x7000000000, kRead | kWrite, false, {}};
         c.reader = {a.to[0], 0x7000000000, kRead, false, {}};
         if (c.writer.domain == c.reader.domain) return false;
         s.channels.push_back(c);
         return true;
       }},
      {"grant `query` against a flow assertion", 8,
       [](System& s) {
         if (s.domains.size() < 2) return false;
         AssertNoFlow(s, 0, 1);  // query by 1 over 0 is a flow 0 -> 1
         s.grants.push_back({1, 0, kRightQuery, {}});
         s.domains[1].hypercalls |= kHcControl;
         return true;
       }},
      {"connect a domain asserted isolated", 8,
       [](System& s) {
         if (s.domains.size() < 2) return false;
         Assertion as;
         as.kind = Assertion::Kind::kIsolated;
         as.from = {1};
         as.from_name = s.domains[1].name;
         s.assertions.push_back(as);
         s.grants.push_back({0, 1, kRightPause, {}});
         s.domains[0].hypercalls |= kHcControl;
         return true;
       }},
  };
}

TEST(MutationTest, EveryBreachOfEveryExampleIsCaughtByBoth) {
  size_t applied = 0, caught_z3 = 0, caught_plain = 0;
  std::set<std::string> used;
  for (const auto& entry : std::filesystem::directory_iterator("policy/examples")) {
    if (entry.path().extension() != ".policy") continue;
    CheckOutcome out = CheckPolicyFile(entry.path().string());
    ASSERT_TRUE(out.accepted()) << entry.path();
    for (const Mutation& m : Mutations()) {
      System mutant = *out.system;
      if (!m.apply(mutant)) continue;
      ++applied;
      used.insert(m.name);
      const ObligationResult z3 = ProveOne(mutant, m.obligation);
      const bool plain = CheckIndependently(mutant)[m.obligation];
      EXPECT_EQ(z3.verdict, Verdict::kFailed) << entry.path().filename() << ": `" << m.name << "` not caught by Z3 ("
                                               << z3.info->id << ")";
      EXPECT_FALSE(plain) << entry.path().filename() << ": `" << m.name << "` not caught by the independent checker";
      if (z3.verdict == Verdict::kFailed) {
        ++caught_z3;
        EXPECT_FALSE(z3.counterexamples.empty());
      }
      if (!plain) ++caught_plain;
    }
  }
  EXPECT_EQ(caught_z3, applied);
  EXPECT_EQ(caught_plain, applied);
  EXPECT_GE(applied, 60u);
  EXPECT_EQ(used.size(), Mutations().size()) << "a mutation applied to no example";
  std::printf("%zu mutants of the examples (%zu kinds): Z3 caught %zu, the independent checker %zu\n", applied, used.size(),
              caught_z3, caught_plain);
}

}  // namespace
}  // namespace septum::proofs
