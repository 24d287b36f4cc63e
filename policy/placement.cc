// policy/placement.cc — see placement.h.
#include "policy/placement.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "policy/resolve.h"

namespace septum::policy {
namespace {

// Free space as sorted, disjoint [begin, end) intervals. `end` 0 is not used: addresses are
// below kMaxHostAddress / kMaxGuestAddress, so no interval reaches 2^64.
class FreeSpace {
 public:
  void Add(uint64_t begin, uint64_t end) {
    if (begin < end) free_.push_back({begin, end});
  }
  void Normalize() {
    std::sort(free_.begin(), free_.end());
    std::vector<std::pair<uint64_t, uint64_t>> merged;
    for (const auto& f : free_) {
      if (!merged.empty() && f.first <= merged.back().second) {
        merged.back().second = std::max(merged.back().second, f.second);
      } else {
        merged.push_back(f);
      }
    }
    free_ = std::move(merged);
  }
  // Removes every [begin, end) in `used` from the free space, in one sweep (n log n).
  void Remove(std::vector<std::pair<uint64_t, uint64_t>> used) {
    std::sort(used.begin(), used.end());
    std::vector<std::pair<uint64_t, uint64_t>> out;
    size_t u = 0;
    for (auto [b, e] : free_) {
      while (u < used.size() && used[u].second <= b) ++u;
      size_t k = u;
      while (b < e && k < used.size() && used[k].first < e) {
        if (used[k].first > b) out.push_back({b, used[k].first});
        b = std::max(b, used[k].second);
        ++k;
      }
      if (b < e) out.push_back({b, e});
    }
    free_ = std::move(out);
  }
  // Lowest aligned address where `size` bytes fit, taken out of the free space.
  bool Allocate(uint64_t size, uint64_t align, uint64_t* at) {
    for (size_t i = 0; i < free_.size(); ++i) {
      auto [b, e] = free_[i];
      const uint64_t start = (b + align - 1) & ~(align - 1);
      if (start < b || start >= e || e - start < size) continue;
      *at = start;
      std::vector<std::pair<uint64_t, uint64_t>> pieces;
      if (b < start) pieces.push_back({b, start});
      if (start + size < e) pieces.push_back({start + size, e});
      free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(i));
      free_.insert(free_.begin() + static_cast<std::ptrdiff_t>(i), pieces.begin(), pieces.end());
      return true;
    }
    return false;
  }
  uint64_t Largest() const {
    uint64_t best = 0;
    for (const auto& [b, e] : free_) best = std::max(best, e - b);
    return best;
  }

 private:
  std::vector<std::pair<uint64_t, uint64_t>> free_;
};

uint64_t AlignmentFor(uint64_t size) { return size >= kLargePageSize ? kLargePageSize : kPageSize; }

struct Request {
  uint64_t size;
  std::string key;  // sort key: name
  uint64_t* base;   // where the result goes
  Span where;
  std::string what;
};

void PlaceHost(System* sys, Diagnostics* diags) {
  if (sys->platform.ram.empty()) return;  // no usable RAM: reported by the resolver; nothing to place into
  FreeSpace space;
  for (const RamBank& bank : sys->platform.ram) space.Add(bank.range.base, bank.range.End());
  space.Normalize();
  std::vector<std::pair<uint64_t, uint64_t>> used = {{0, kLegacyAreaEnd}};
  // Every range here ends below kMaxHostAddress (resolve.h), so End() does not wrap.
  auto occupy = [&](const Range& r) {
    if (r.size) used.push_back({r.base, r.End()});
  };
  occupy(sys->kernel.memory);
  std::vector<Request> requests;
  for (uint32_t i = 0; i < sys->regions.size(); ++i) {
    Region& r = sys->regions[i];
    if (!r.host.size) continue;
    if (r.host_placed) {
      requests.push_back({r.host.size, absl::StrCat("0:", sys->RegionName(i)), &r.host.base, r.where,
                          absl::StrCat("memory `", sys->RegionName(i), "`")});
    } else {
      occupy(r.host);
    }
  }
  for (Channel& c : sys->channels) {
    if (!c.host.size) continue;
    if (c.host_placed) {
      requests.push_back({c.host.size, absl::StrCat("1:", c.name), &c.host.base, c.where, absl::StrCat("channel `", c.name, "`")});
    } else {
      occupy(c.host);
    }
  }
  for (const Device& d : sys->devices) {
    for (const Mmio& m : d.mmio) occupy(m.range);
  }
  space.Remove(std::move(used));
  std::sort(requests.begin(), requests.end(), [](const Request& a, const Request& b) {
    if (a.size != b.size) return a.size > b.size;
    return a.key < b.key;
  });
  for (Request& req : requests) {
    if (!space.Allocate(req.size, AlignmentFor(req.size), req.base)) {
      const uint64_t largest = space.Largest();
      diags->Error(Code::kNoRoom, ToLoc(req.where),
                   absl::StrCat("no room in platform RAM for ", req.what, " (", SizeString(req.size), ")"))
          .Help(absl::StrCat("the largest free block left is ", SizeString(largest),
                             "; add RAM to the platform, shrink regions, or place some with `at`"));
      *req.base = 0;
      // mark unusable: callers see size 0
      for (Region& r : sys->regions) {
        if (&r.host.base == req.base) r.host.size = 0;
      }
      for (Channel& c : sys->channels) {
        if (&c.host.base == req.base) c.host.size = 0;
      }
    }
  }
}

void PlaceGuest(System* sys, Diagnostics* diags) {
  // Per domain: the fixed mappings, then the requests.
  struct Mapping {
    uint64_t* guest;
    uint64_t size;
    bool placed;
    Span where;
    std::string what;
  };
  std::vector<std::vector<Mapping>> per_domain(sys->domains.size());
  for (uint32_t i = 0; i < sys->regions.size(); ++i) {
    Region& r = sys->regions[i];
    if (!r.host.size || r.domain == kNoIndex) continue;
    per_domain[r.domain].push_back({&r.guest, r.host.size, r.guest_placed, r.where, absl::StrCat("memory `", sys->RegionName(i), "`")});
  }
  std::vector<uint32_t> channel_order(sys->channels.size());
  for (uint32_t i = 0; i < channel_order.size(); ++i) channel_order[i] = i;
  std::sort(channel_order.begin(), channel_order.end(),
            [&](uint32_t a, uint32_t b) { return sys->channels[a].name < sys->channels[b].name; });
  for (uint32_t ci : channel_order) {
    Channel& c = sys->channels[ci];
    if (!c.host.size) continue;
    for (ChannelEnd* e : {&c.writer, &c.reader}) {
      if (e->domain == kNoIndex) continue;
      per_domain[e->domain].push_back({&e->guest, c.host.size, e->guest_placed, e->where,
                                       absl::StrCat("the mapping of channel `", c.name, "` in `", sys->domains[e->domain].name, "`")});
    }
  }
  for (auto& mappings : per_domain) {
    FreeSpace space;
    space.Add(0, kMaxGuestAddress);
    std::vector<std::pair<uint64_t, uint64_t>> fixed;
    for (const Mapping& m : mappings) {
      if (!m.placed) fixed.push_back({*m.guest, *m.guest + m.size});
    }
    space.Remove(std::move(fixed));
    for (Mapping& m : mappings) {
      if (!m.placed) continue;
      if (!space.Allocate(m.size, AlignmentFor(m.size), m.guest)) {
        diags->Error(Code::kNoRoom, ToLoc(m.where), absl::StrCat("no room in the guest-physical space for ", m.what))
            .Help("guest-physical space is 256 TiB; give the mapping a `map` address");
      }
    }
  }
}

}  // namespace

void Place(System* system, Diagnostics* diags) {
  PlaceHost(system, diags);
  PlaceGuest(system, diags);
}

}  // namespace septum::policy
