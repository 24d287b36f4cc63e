// tools/sdk/example/hello.cc — the guest SDK's example, shown whole in tools/sdk/README.md: a PV
// guest that says who it is and which memory it has (from its start info), asks the time in
// three of its slots, giving up the rest of each, and returns (the SDK then yields forever).
#include "tools/sdk/guest.h"

using septum::guest::CallResult;
using septum::guest::Hypercall;
using septum::guest::Print;

void GuestMain(const septum::start::StartInfo& start) {
  Print("hello from {}, domain {}, ABI {}\n", septum::guest::Name(start), start.domain, start.abi_version);
  for (uint32_t i = 0; i < start.region_count; ++i) {
    const septum::start::Region& region = start.regions[i];
    Print("region {}: guest {:#x}, {} KiB, access {:#x}\n", i, region.guest, region.size / 1024, region.access);
  }
  for (int round = 1; round <= 3; ++round) {
    const CallResult now = Hypercall(septum::hypercall::Number::kTime);
    if (now.status == septum::Status::kOk) {
      Print("round {}: {} us into the schedule\n", round, now.value / 1000);
    } else {
      Print("round {}: time: {}\n", round, now.status);  // the policy withholds group `time`
    }
    if (septum::guest::Yield() != septum::Status::kOk) Print("round {}: yield denied\n", round);
  }
  Print("done\n");
}
