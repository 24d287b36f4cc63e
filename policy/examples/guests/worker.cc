// policy/examples/guests/worker.cc — the demo's `worker` (PV, CPU 1): it computes factorials on
// `edu0`, the PCI device it owns (QEMU's educational device: MMIO at 0xfea00000, IRQ 11), takes
// the device's interrupt after each one — a virtual interrupt the kernel injects, vector
// 0x20 + 11 — and sends its results to `dom0` over channel `results` (results_ring.h).
// Everything it touches is what the policy gives it: its RAM, the channel's writer end, the
// device's MMIO and IRQ, and the hypercall groups console, yield and channel (irq_ack needs no
// group: owning the device is the right).
#include "policy/examples/guests/results_ring.h"
#include "tools/sdk/guest.h"

using septum::Status;
using septum::StringView;
using septum::guest::Hypercall;
using septum::guest::Print;
using septum::hypercall::Number;

namespace {

// edu's registers (QEMU docs/specs/edu.rst): 32-bit accesses below 0x80.
constexpr uint32_t kId = 0x00, kLiveness = 0x04, kFactorial = 0x08, kStatus = 0x20, kIrqStatus = 0x24, kIrqRaise = 0x60,
                   kIrqAck = 0x64;
constexpr uint32_t kStatusComputing = 0x01;
constexpr uint32_t kEduIrq = 11;
constexpr uint32_t kFactorials = 12;  // 12! is the largest that fits the device's 32 bits

volatile uint32_t* edu = nullptr;
volatile uint64_t interrupts = 0;

uint32_t Read(uint32_t reg) { return edu[reg / 4]; }
void Write(uint32_t reg, uint32_t value) { edu[reg / 4] = value; }

// The device's interrupt: acknowledge it at the device (it lowers its line), then tell the
// kernel (it masked the level-triggered line when the interrupt arrived).
void OnEduInterrupt() {
  Write(kIrqAck, Read(kIrqStatus));
  interrupts = interrupts + 1;
  Hypercall(Number::kIrqAck, kEduIrq);
}

struct Ring {
  volatile uint64_t* published = nullptr;
  volatile demo::Record* records = nullptr;
  uint32_t channel = 0;
  uint64_t next = 0;

  void Send(uint32_t kind, uint32_t n, uint64_t value) {
    if (!published) {  // no channel in this system: say it on the console instead
      if (kind == demo::kFactorial) Print("worker: {}! = {}\n", n, value);
      return;
    }
    if (next >= demo::kSlots) return;  // the ring is full: nothing more fits (results_ring.h)
    volatile demo::Record& r = records[next];
    r.sequence = next;
    r.kind = kind;
    r.n = n;
    r.value = value;
    asm volatile("" ::: "memory");  // the record before the count
    *published = ++next;
    Hypercall(Number::kChannelNotify, channel);
  }
};

bool FindDevice(const septum::start::StartInfo& start, Ring* ring) {
  for (uint32_t i = 0; i < start.region_count; ++i) {
    const septum::start::Region& r = start.regions[i];
    if (r.kind == septum::start::kMmio && StringView(reinterpret_cast<const char*>(r.name)) == StringView("edu0")) {
      edu = reinterpret_cast<volatile uint32_t*>(r.guest);
    }
    if (r.kind == septum::start::kChannelWriter) {
      septum::hypercall::ChannelInfo info{};
      Hypercall(Number::kChannelInfo, r.channel, reinterpret_cast<uintptr_t>(&info), sizeof(info));
      ring->published = reinterpret_cast<volatile uint64_t*>(info.guest);
      ring->records = reinterpret_cast<volatile demo::Record*>(info.guest + demo::kHeaderBytes);
      ring->channel = info.channel;
    }
  }
  return edu != nullptr;
}

}  // namespace

void GuestMain(const septum::start::StartInfo& start) {
  Ring ring;
  if (!FindDevice(start, &ring)) {
    Print("worker: my start info lists no `edu0` MMIO: nothing to do\n");
    return;
  }
  const uint32_t id = Read(kId);
  Write(kLiveness, 0x5eb70000);
  Print("worker: edu0 at {:#x}: id {:#x}, liveness {}\n", reinterpret_cast<uintptr_t>(edu), id,
        Read(kLiveness) == ~uint32_t{0x5eb70000} ? "ok" : "WRONG");
  if ((id & 0xff) != 0xed) {
    Print("worker: edu0 does not answer as an edu device\n");
    return;
  }
  septum::guest::InstallInterruptHandler(static_cast<uint8_t>(septum::hypercall::kGuestIrqVectorBase + kEduIrq), &OnEduInterrupt);
  septum::guest::EnableInterrupts();
  for (uint32_t n = 1; n <= kFactorials; ++n) {
    Write(kFactorial, n);
    for (int spins = 0; spins < 1000000 && (Read(kStatus) & kStatusComputing); ++spins) {
    }
    const uint32_t value = Read(kFactorial);
    Write(kIrqRaise, n);  // the device raises its interrupt line
    for (int naps = 0; naps < 100 && interrupts < n; ++naps) septum::guest::WaitForInterrupt();
    ring.Send(demo::kFactorial, n, value);
  }
  ring.Send(demo::kInterrupts, kFactorials, interrupts);
  ring.Send(demo::kDone, 0, 0);
  Print("worker: sent {} factorials; {} device interrupts raised, {} handled\n", kFactorials, kFactorials, interrupts);
}
