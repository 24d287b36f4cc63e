// policy/model.cc — small helpers of the system model.
#include "policy/model.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace septum::policy {

std::string PermString(uint8_t perms) {
  std::string s = "---";
  if (perms & kRead) s[0] = 'r';
  if (perms & kWrite) s[1] = 'w';
  if (perms & kExec) s[2] = 'x';
  return s;
}

std::string HexString(uint64_t value) { return absl::StrCat("0x", absl::Hex(value)); }

std::string DurationString(uint64_t us) {
  if (us != 0 && us % 1000000 == 0) return absl::StrCat(us / 1000000, "s");
  if (us != 0 && us % 1000 == 0) return absl::StrCat(us / 1000, "ms");
  return absl::StrCat(us, "us");
}

std::string SizeString(uint64_t bytes) {
  if (bytes != 0 && bytes % (1ull << 30) == 0) return absl::StrCat(bytes >> 30, "GiB");
  if (bytes != 0 && bytes % (1ull << 20) == 0) return absl::StrCat(bytes >> 20, "MiB");
  if (bytes != 0 && bytes % (1ull << 10) == 0) return absl::StrCat(bytes >> 10, "KiB");
  return absl::StrCat(bytes, "B");
}

std::string HypercallNames(uint8_t set) {
  std::vector<const char*> names;
  if (set & kHcConsole) names.push_back("console");
  if (set & kHcYield) names.push_back("yield");
  if (set & kHcTime) names.push_back("time");
  if (set & kHcChannel) names.push_back("channel");
  if (set & kHcControl) names.push_back("control");
  return names.empty() ? "none" : absl::StrJoin(names, ", ");
}

std::string RightNames(uint8_t set) {
  std::vector<const char*> names;
  if (set & kRightStart) names.push_back("start");
  if (set & kRightStop) names.push_back("stop");
  if (set & kRightPause) names.push_back("pause");
  if (set & kRightResume) names.push_back("resume");
  if (set & kRightQuery) names.push_back("query");
  return absl::StrJoin(names, ", ");
}

uint32_t System::FindDomain(const std::string& n) const {
  for (uint32_t i = 0; i < domains.size(); ++i) {
    if (domains[i].name == n) return i;
  }
  return kNoIndex;
}

uint32_t System::FindDevice(const std::string& n) const {
  for (uint32_t i = 0; i < devices.size(); ++i) {
    if (devices[i].name == n) return i;
  }
  return kNoIndex;
}

std::vector<uint32_t> System::DomainsNamed(const std::string& n) const {
  const uint32_t d = FindDomain(n);
  if (d != kNoIndex) return {d};
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < domains.size(); ++i) {
    for (const std::string& l : domains[i].labels) {
      if (l == n) out.push_back(i);
    }
  }
  return out;
}

std::string System::RegionName(uint32_t region) const {
  const Region& r = regions[region];
  return domains[r.domain].name + "." + r.name;
}

}  // namespace septum::policy
