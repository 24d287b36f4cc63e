// policy/examples/guests/dom0.cc — the demo's `dom0` (PV, CPU 0), the control domain: it greets
// on COM2, the serial port it owns and drives directly; starts `sandbox`; queries `worker`;
// receives worker's results over channel `results` (results_ring.h) and prints them; then
// uses the rest of its rights (pause and resume worker; 600 ms into the schedule, stop sandbox)
// and shows one it lacks (query sandbox).
#include "policy/examples/guests/results_ring.h"
#include "tools/sdk/guest.h"

using septum::Status;
using septum::StringView;
using septum::guest::Hypercall;
using septum::guest::Inb;
using septum::guest::Outb;
using septum::guest::Print;
using septum::hypercall::Number;

namespace {

constexpr uint64_t kSandboxRunsUntilNs = 600000000;  // 600 ms into the schedule
constexpr uint16_t kCom2 = 0x2f8;
constexpr uint16_t kLineStatus = 5;
constexpr uint8_t kTransmitterEmpty = 1 << 5;

// COM2 is dom0's own device: its ports pass straight through (no exit, no hypercall). It sets
// the line up first (septum::guest::UartLineInit), as any driver would.
void Com2(StringView text) {
  for (size_t i = 0; i < text.size(); ++i) {
    for (int spins = 0; spins < 100000 && !(Inb(kCom2 + kLineStatus) & kTransmitterEmpty); ++spins) {
    }
    Outb(kCom2, static_cast<uint8_t>(text[i]));
  }
}

void Query(uint32_t target, StringView name) {
  septum::hypercall::DomainQuery q{};
  const Status st = Hypercall(Number::kDomainQuery, target, reinterpret_cast<uintptr_t>(&q), sizeof(q)).status;
  if (st != Status::kOk) {
    Print("dom0: query {}: {}\n", name, st);
    return;
  }
  Print("dom0: query {}: {}, {} exits, {} hypercalls, {} denied, {} faults, {} restarts\n", name, septum::guest::DomainStateName(q.state), q.exits,
        q.hypercalls, q.denied, q.faults, q.restarts);
}

uint32_t Target(const septum::start::StartInfo& start, StringView name) {
  for (uint32_t i = 0; i < start.control_count; ++i) {
    if (StringView(reinterpret_cast<const char*>(start.controls[i].name)) == name) return start.controls[i].target;
  }
  return ~0u;
}

// Takes worker's records until its kDone (or about 20 s of waiting).
void Receive(const septum::start::StartInfo& start) {
  septum::hypercall::ChannelInfo info{};
  for (uint32_t i = 0; i < start.region_count; ++i) {
    if (start.regions[i].kind == septum::start::kChannelReader) {
      Hypercall(Number::kChannelInfo, start.regions[i].channel, reinterpret_cast<uintptr_t>(&info), sizeof(info));
    }
  }
  if (info.size == 0) {
    Print("dom0: no channel to read\n");
    return;
  }
  auto* published = reinterpret_cast<volatile uint64_t*>(info.guest);
  auto* records = reinterpret_cast<volatile demo::Record*>(info.guest + demo::kHeaderBytes);
  uint64_t next = 0, rings = 0;
  for (int waits = 0; waits < 400; ++waits) {
    const septum::guest::CallResult r = Hypercall(Number::kChannelWait, info.channel, 50000000);  // 50 ms
    if (r.status == Status::kOk) rings += r.value;
    const uint64_t end = *published;
    asm volatile("" ::: "memory");
    if (end < next) {
      Print("dom0: worker started its stream again (it was restarted)\n");
      next = 0;
    }
    for (; next < end && next < demo::kSlots; ++next) {
      const volatile demo::Record& rec = records[next];
      if (rec.sequence != next) {
        Print("dom0: record {} is out of order (sequence {})\n", next, rec.sequence);
        return;
      }
      switch (rec.kind) {
        case demo::kFactorial:
          Print("dom0: result {}: {}! = {} (edu0, in worker)\n", next, rec.n, rec.value);
          break;
        case demo::kInterrupts:
          Print("dom0: worker's edu0 raised {} interrupts, {} reached worker\n", rec.n, rec.value);
          break;
        case demo::kDone:
          Print("dom0: worker's results complete: {} records, {} doorbell rings\n", next + 1, rings);
          return;
        default:
          Print("dom0: record {} has an unknown kind {}\n", next, rec.kind);
          return;
      }
    }
  }
  Print("dom0: worker's results did not complete\n");
}

}  // namespace

void GuestMain(const septum::start::StartInfo& start) {
  for (uint32_t i = 0; i < start.control_count; ++i) {
    Print("dom0: may control `{}` (domain {}), rights {:#x}\n", reinterpret_cast<const char*>(start.controls[i].name),
          start.controls[i].target, start.controls[i].rights);
  }
  septum::guest::UartLineInit(kCom2);
  Com2("dom0: hello on COM2, the serial port only dom0 owns\r\n");
  const uint32_t worker = Target(start, "worker"), sandbox = Target(start, "sandbox");
  Print("dom0: start sandbox: {}\n", Hypercall(Number::kDomainStart, sandbox).status);
  Query(worker, "worker");
  Receive(start);
  Query(worker, "worker");
  Print("dom0: pause worker: {}\n", Hypercall(Number::kDomainPause, worker).status);
  Print("dom0: resume worker: {}\n", Hypercall(Number::kDomainResume, worker).status);
  septum::hypercall::DomainQuery q{};
  Print("dom0: query sandbox: {} (dom0 holds start and stop over it, not query)\n",
        Hypercall(Number::kDomainQuery, sandbox, reinterpret_cast<uintptr_t>(&q), sizeof(q)).status);
  // Let sandbox run a while (it shares CPU 1 with worker), then stop it.
  while (Hypercall(Number::kTime).value < kSandboxRunsUntilNs) (void)septum::guest::Yield();
  Print("dom0: stop sandbox: {}\n", Hypercall(Number::kDomainStop, sandbox).status);
  Com2("dom0: done\r\n");
  Print("dom0 done\n");
}
