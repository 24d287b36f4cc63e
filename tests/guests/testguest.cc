// tests/guests/testguest.cc — one PV guest image whose behaviour is picked by its domain's
// name (from the start info), so a test policy is a list of named domains:
//
//   hello*         greets with its identity (self_info) and the time, five rounds, yielding
//   bystander*     prints "NAME round K" for K = 1..kRounds, yielding after each, then
//                  "NAME done" — the output every attack test checks is complete
//   spinner        prints once, then loops forever without yielding
//   attack_read    maps guest-physical 0x1000000 (not its memory) in its own page tables, reads
//   attack_kernel  maps 0x0 in its own page tables and writes 0x100000 (where the kernel lives)
//   attack_exec    clears the no-execute bit of its non-executable `data` region in its own
//                  tables and jumps there
//   attack_port    writes COM1's data port (0x3f8), which the kernel owns
//   attack_com2    writes COM2's data port (0x2f8), which another domain owns
//   attack_msr     writes IA32_APIC_BASE (0x1b), which is not passed through
//   attack_call    calls time() without the `time` group, then carries on as a bystander
//   attack_buffer  passes console_write buffers that cross out of its memory, wrap around
//                  2^64 and are huge, then carries on as a bystander
//   bench          for the hypercall path-length benchmark: 20 rounds of time(),
//                  console_write() of 64 bytes (one line) and yield() at once (a yield in
//                  the middle of its slot), then a yield timed to land at its slot's end
//   timekeeper     measures, with time(), the mean gap between the starts of its consecutive
//                  slots over 10 rounds: a whole major frame when no other slot is handed to it
//   controller     a control domain: lists the domains its start info says it may control,
//                  then starts, queries, pauses, resumes and stops `bystander`, and tries
//                  every call but query on `rogue`, over which it holds only query
//   rogue          calls domain_stop without the control group, then carries on as a bystander
//   chan_writer    sends kMessages messages through channel `pipe` (the ring protocol below),
//                  ringing the doorbell after each batch
//   chan_reader    waits on the doorbell, checks every message's sequence number and
//                  content, then tries to write the read-only channel (a contained fault)
//   outsider       not an endpoint: channel_notify and channel_info on `pipe` are denied
//   lacks_RIGHT    a control domain holding every right over `bystander` but RIGHT: puts the
//                  bystander where RIGHT would apply (stops it before a start, pauses it
//                  before a resume), then calls RIGHT and prints the denial
//   restarter      prints its restart count (self_info); faults on its first two runs
//   uart_irq       owns COM2 (ports 0x2f8-0x2ff, IRQ 3) and sends a line on it driven by the UART's
//                  transmitter-empty interrupt: each interrupt (IRQ 3, its vector 0x23) sends the
//                  next byte; then prints how many bytes went out and how many interrupts came
//   irq_spy        shares a CPU with the owner of a device: takes every interrupt vector it
//                  could be sent (0x20-0xff) and counts what arrives over 20 rounds (nothing
//                  must), calls irq_ack for the device's IRQ 11 (denied), then reads the
//                  device's MMIO at 0xfea00000 through its own page tables (a contained fault)
#include "kernel/abi/paging.h"
#include "tools/sdk/guest.h"

using septum::Status;
using septum::StringView;
using septum::guest::Print;

namespace {

constexpr int kRounds = 10;
constexpr uint64_t kMarkAddress = 0x500000;  // inside the test domains' RAM, above the image

bool StartsWith(StringView s, StringView prefix) {
  return s.size() >= prefix.size() && StringView(s.data(), prefix.size()) == prefix;
}

// What CPUID tells a guest: the hypervisor leaf's signature and whether SVM / VMX show.
void PrintCpuid() {
  uint32_t eax = 0x40000000, ebx, ecx, edx;
  asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "c"(0));
  char signature[13] = {};
  __builtin_memcpy(signature, &ebx, 4);
  __builtin_memcpy(signature + 4, &ecx, 4);
  __builtin_memcpy(signature + 8, &edx, 4);
  uint32_t a1 = 1, b1, c1, d1;
  asm volatile("cpuid" : "+a"(a1), "=b"(b1), "=c"(c1), "=d"(d1) : "c"(0));
  uint32_t a2 = 0x80000001, b2, c2, d2;
  asm volatile("cpuid" : "+a"(a2), "=b"(b2), "=c"(c2), "=d"(d2) : "c"(0));
  Print("cpuid: hypervisor \"{}\", vmx {}, svm {}\n", static_cast<const char*>(signature), (c1 >> 5) & 1 ? "visible" : "hidden",
        (c2 >> 2) & 1 ? "visible" : "hidden");
}

void Hello(StringView name) {
  PrintCpuid();
  septum::hypercall::SelfInfo self{};
  septum::guest::Hypercall(septum::hypercall::Number::kSelfInfo, reinterpret_cast<uintptr_t>(&self), sizeof(self));
  for (int k = 1; k <= 5; ++k) {
    const septum::guest::CallResult now = septum::guest::Hypercall(septum::hypercall::Number::kTime);
    if (now.status == Status::kOk) {
      Print("hello from {}, domain {} of the tables, round {} at {} us\n", name, self.domain, k, now.value / 1000);
    } else {
      Print("hello from {}, domain {} of the tables, round {} (time: {})\n", name, self.domain, k, now.status);
    }
    (void)septum::guest::Yield();
  }
  Print("{} done\n", name);
}

using septum::hypercall::Number;

// The ring protocol of the channel tests (the kernel never looks inside a channel). The
// channel's first 64 bytes hold `published`: how many messages the writer has written, stored
// after the message itself. Then kSlots slots of 64 bytes; message n (from 0) lives in slot
// n % kSlots: its sequence number n, then 56 payload bytes (byte i = (n + i) & 0xff). The reader
// cannot write the channel (it maps it read-only), so nothing flows back: the writer writes at
// most kSlots / 2 messages per slot and the static schedule gives the reader a slot between any
// two of the writer's, in which it drains everything; a reader that finds more than kSlots
// unread messages reports an overrun instead of reading garbage.
struct RingMessage {
  uint64_t sequence;
  uint8_t payload[56];
};
constexpr uint64_t kRingHeader = 64;
constexpr uint64_t kMessages = 10000;

uint64_t RingSlots(uint64_t channel_size) { return (channel_size - kRingHeader) / sizeof(RingMessage); }

// The channel end of `kind` (writer or reader) other than the pipe's, if any: with two CPUs the
// reader acknowledges through a second channel (`acks`: its first 8 bytes hold how many
// messages it has consumed), and the writer never gets more than the ring holds ahead of it.
septum::hypercall::ChannelInfo EndInfo(const septum::start::StartInfo& start, uint8_t kind, StringView name) {
  septum::hypercall::ChannelInfo info{};
  for (uint32_t i = 0; i < start.region_count; ++i) {
    if (start.regions[i].kind == kind && StringView(reinterpret_cast<const char*>(start.regions[i].name)) == name) {
      septum::guest::Hypercall(Number::kChannelInfo, start.regions[i].channel, reinterpret_cast<uintptr_t>(&info), sizeof(info));
    }
  }
  return info;
}

void ChannelWriter(const septum::start::StartInfo& start) {
  const septum::hypercall::ChannelInfo info = EndInfo(start, septum::start::kChannelWriter, "pipe");
  const septum::hypercall::ChannelInfo acks = EndInfo(start, septum::start::kChannelReader, "acks");
  const uint64_t slots = RingSlots(info.size);
  auto* published = reinterpret_cast<volatile uint64_t*>(info.guest);
  auto* ring = reinterpret_cast<volatile RingMessage*>(info.guest + kRingHeader);
  auto* consumed = reinterpret_cast<volatile uint64_t*>(acks.guest);
  Print("chan_writer: channel {} at {:#x}, {} slots; sending {} messages{}\n", info.channel, info.guest, slots, kMessages,
        acks.size ? ", acknowledged through `acks`" : "");
  uint64_t waits = 0;
  for (uint64_t n = 0; n < kMessages;) {
    // Without acknowledgements half a ring per slot (the schedule lets the reader drain it);
    // with them, as much as the reader has room for.
    uint64_t room = slots / 2;
    if (acks.size) {
      room = slots - (n - *consumed);
      if (room == 0) {
        septum::guest::Hypercall(Number::kChannelWait, acks.channel, 100000000);
        ++waits;
        continue;
      }
    }
    for (uint64_t batch = 0; batch < room && n < kMessages; ++batch, ++n) {
      volatile RingMessage& m = ring[n % slots];
      m.sequence = n;
      for (uint32_t i = 0; i < sizeof(m.payload); ++i) m.payload[i] = static_cast<uint8_t>(n + i);
      asm volatile("" ::: "memory");  // the message before the count (x86 keeps stores in order)
      *published = n + 1;
    }
    septum::guest::Hypercall(Number::kChannelNotify, info.channel);
    if (!acks.size) (void)septum::guest::Yield();
  }
  Print("chan_writer: sent {} messages ({} waits for room)\n", kMessages, waits);
}

void ChannelReader(const septum::start::StartInfo& start) {
  const septum::hypercall::ChannelInfo info = EndInfo(start, septum::start::kChannelReader, "pipe");
  const septum::hypercall::ChannelInfo acks = EndInfo(start, septum::start::kChannelWriter, "acks");
  auto* consumed = reinterpret_cast<volatile uint64_t*>(acks.guest);
  const uint64_t slots = RingSlots(info.size);
  auto* published = reinterpret_cast<volatile uint64_t*>(info.guest);
  auto* ring = reinterpret_cast<volatile RingMessage*>(info.guest + kRingHeader);
  uint64_t next = 0, waits = 0, timeouts = 0;
  while (next < kMessages) {
    const Status st = septum::guest::Hypercall(Number::kChannelWait, info.channel, 100000000).status;  // 100 ms
    ++waits;
    if (st == Status::kTimeout) ++timeouts;
    const uint64_t end = *published;
    asm volatile("" ::: "memory");
    if (end - next > slots) {
      Print("chan_reader: overrun: {} unread messages, the ring holds {}\n", end - next, slots);
      return;
    }
    for (; next < end; ++next) {
      const volatile RingMessage& m = ring[next % slots];
      bool ok = m.sequence == next;
      for (uint32_t i = 0; ok && i < sizeof(m.payload); ++i) ok = m.payload[i] == static_cast<uint8_t>(next + i);
      if (!ok) {
        Print("chan_reader: message {} is wrong (sequence {})\n", next, m.sequence);
        return;
      }
    }
    if (acks.size) {
      *consumed = next;
      septum::guest::Hypercall(Number::kChannelNotify, acks.channel);
    }
  }
  Print("chan_reader: {} messages in order, content checked, {} waits, {} timeouts\n", next, waits, timeouts);
  Print("chan_reader: writing the read-only channel at {:#x}\n", info.guest);
  // Its own page tables say read-only too: make them say writable, so the nested tables decide.
  if (uint64_t* pte = septum::guest::LeafEntry(info.guest)) *pte |= septum::paging::npt::kWritable;
  asm volatile("invlpg (%0)" ::"r"(info.guest) : "memory");
  *reinterpret_cast<volatile uint64_t*>(info.guest) = 0;
  Print("chan_reader: wrote (must not happen)\n");
}

// The hypercall path-length benchmark's guest (bench/hypercall_path.py, policy
// tests/guests/policies/bench.policy: its slot is the first 5 ms of every 10 ms frame). Each
// round calls time(), console_write() of one 64-byte line and yield() at once — a yield in the
// middle of its slot — and then yields once more, timed to land at its slot's end: its exit a
// little before the end, so that the kernel, which reads the clock some 200 instructions after
// the exit, finds the slot over and steps to the next one. The spin is timed by a loop
// calibrated against time(), from the time() value, which the guest sees some hundred or more
// instructions after the kernel read it (how many depends on the backend); under QEMU's -icount
// and in Bochs an instruction takes a fixed time, and the lead sweeps 120 to 960 instructions
// over the rounds (in an order that spreads the first few), so some yields land in the window
// whatever the backend's entry costs.
// The time() calls that serve the aim carry kBenchNotSampled in RDX (time() takes no argument):
// the benchmark does not single-step those exits, whose stepping in QEMU's gdb stub would move
// the virtual clock under the aim.
constexpr uint64_t kBenchFrameNs = 10000000, kBenchSlotNs = 5000000;
constexpr uint64_t kSlotEndLeadInstructions = 120, kSlotEndLeadStep = 120, kSlotEndLeadSteps = 8;
constexpr uint64_t kSpinInstructions = 2;  // dec; jnz
constexpr uint64_t kBenchNotSampled = 0x53455054554d0000;  // bench/hypercall_path.py knows it

void Spin(uint64_t iterations) {
  if (iterations) asm volatile("1: dec %0; jnz 1b" : "+r"(iterations) : : "cc");
}

uint64_t Now() { return septum::guest::Hypercall(Number::kTime, 0, 0, kBenchNotSampled).value; }

void Bench() {
  static const char kLine[65] = "bench: a console_write of exactly sixty-four bytes, one line...\n";
  static_assert(sizeof(kLine) == 65, "64 bytes and the NUL");
  // Picoseconds per spin iteration, measured at a slot's start and well inside it (in Bochs an
  // instruction takes 20 ns: 3 x 30,000 iterations take 3.6 ms): the spins of N and 2N
  // iterations, each between two time() calls, differ by N iterations and no call's cost.
  constexpr uint64_t kCalibration = 30000;
  (void)septum::guest::Yield();
  const uint64_t t0 = Now();
  Spin(kCalibration);
  const uint64_t t1 = Now();
  Spin(2 * kCalibration);
  const uint64_t t2 = Now();
  const uint64_t ps_per_iteration = t2 - t1 > t1 - t0 ? ((t2 - t1) - (t1 - t0)) * 1000 / kCalibration : 0;
  uint64_t aimed = 0;
  for (uint64_t round = 0; round < 20; ++round) {
    septum::guest::Hypercall(Number::kTime);
    (void)septum::guest::ConsoleWrite(kLine, 64);
    (void)septum::guest::Yield();
    const uint64_t lead = kSlotEndLeadInstructions + kSlotEndLeadStep * (round * 3 % kSlotEndLeadSteps);
    const uint64_t lead_ns = lead * ps_per_iteration / kSpinInstructions / 1000;
    const uint64_t now = Now();  // at its next slot's start
    const uint64_t end = now - now % kBenchFrameNs + kBenchSlotNs;
    if (now % kBenchFrameNs >= kBenchSlotNs || end - now <= lead_ns || ps_per_iteration == 0) continue;
    Spin((end - now - lead_ns) * 1000 / ps_per_iteration);
    (void)septum::guest::Yield();
    ++aimed;
  }
  Print("bench done ({} ps per spin iteration; {} yields aimed at a slot's end)\n", ps_per_iteration, aimed);
}

const char* CallName(Number n) {
  switch (n) {
    case Number::kDomainStart: return "start";
    case Number::kDomainStop: return "stop";
    case Number::kDomainPause: return "pause";
    case Number::kDomainResume: return "resume";
    default: return "query";
  }
}

void Control(Number n, uint32_t target, StringView name) {
  Print("controller: {} {}: {}\n", CallName(n), name, septum::guest::Hypercall(n, target).status);
}

void Query(uint32_t target, StringView name) {
  septum::hypercall::DomainQuery q{};
  const Status st = septum::guest::Hypercall(Number::kDomainQuery, target, reinterpret_cast<uintptr_t>(&q), sizeof(q)).status;
  if (st == Status::kOk) {
    Print("controller: query {}: {}, {} hypercalls, {} denied, {} faults\n", name, septum::guest::DomainStateName(q.state), q.hypercalls, q.denied, q.faults);
  } else {
    Print("controller: query {}: {}\n", name, st);
  }
}

void Controller(const septum::start::StartInfo& start) {
  uint32_t bystander = ~0u, rogue = ~0u;
  for (uint32_t i = 0; i < start.control_count; ++i) {
    const septum::start::Control& c = start.controls[i];
    const StringView target(reinterpret_cast<const char*>(c.name));
    Print("controller: may control `{}` (domain {}), rights {:#x}\n", target, c.target, c.rights);
    if (target == StringView("bystander")) bystander = c.target;
    if (target == StringView("rogue")) rogue = c.target;
  }
  Query(bystander, "bystander");
  Control(Number::kDomainStart, bystander, "bystander");
  (void)septum::guest::Yield();
  (void)septum::guest::Yield();
  Query(bystander, "bystander");
  Control(Number::kDomainPause, bystander, "bystander");
  (void)septum::guest::Yield();
  Query(bystander, "bystander");
  Control(Number::kDomainResume, bystander, "bystander");
  (void)septum::guest::Yield();
  Control(Number::kDomainStop, bystander, "bystander");
  Query(bystander, "bystander");
  constexpr Number kLacking[] = {Number::kDomainStart, Number::kDomainStop, Number::kDomainPause, Number::kDomainResume};
  for (Number n : kLacking) Control(n, rogue, "rogue");
  Query(rogue, "rogue");
  Print("controller done\n");
}

void LacksRight(const septum::start::StartInfo& start, StringView name) {
  const StringView right(name.data() + 6, name.size() - 6);  // after "lacks_"
  uint32_t bystander = ~0u;
  for (uint32_t i = 0; i < start.control_count; ++i) {
    if (StringView(reinterpret_cast<const char*>(start.controls[i].name)) == StringView("bystander")) bystander = start.controls[i].target;
  }
  struct Case {
    const char* right;
    Number prepare;  // a call to make first, or the call itself when none is needed
    Number call;
  };
  constexpr Case kCases[] = {{"start", Number::kDomainStop, Number::kDomainStart},
                             {"stop", Number::kDomainStop, Number::kDomainStop},
                             {"pause", Number::kDomainPause, Number::kDomainPause},
                             {"resume", Number::kDomainPause, Number::kDomainResume},
                             {"query", Number::kDomainQuery, Number::kDomainQuery}};
  for (const Case& c : kCases) {
    if (right != StringView(c.right)) continue;
    if (c.prepare != c.call) Print("{}: {} bystander first: {}\n", name, CallName(c.prepare), septum::guest::Hypercall(c.prepare, bystander).status);
    septum::hypercall::DomainQuery q{};
    const Status st = septum::guest::Hypercall(c.call, bystander, reinterpret_cast<uintptr_t>(&q), sizeof(q)).status;
    Print("{}: {} bystander: {}\n", name, CallName(c.call), st);
  }
}

void Bystander(StringView name) {
  for (int k = 1; k <= kRounds; ++k) {
    Print("{} round {}\n", name, k);
    (void)septum::guest::Yield();
  }
  Print("{} done\n", name);
}

// The guest-physical end of the domain's first region (its RAM at 0x200000 in the test policies).
uint64_t RamEnd(const septum::start::StartInfo& start) { return start.regions[0].guest + start.regions[0].size; }

// COM2 driven by its interrupt (16550: IER 0x2f9 bit 1 = transmitter-empty interrupt; reading
// IIR 0x2fa acknowledges it; MCR OUT2 gates the UART's IRQ line on a PC).
constexpr uint16_t kCom2 = 0x2f8;
constexpr char kUartLine[] = "uart_irq: this line went out one interrupt per byte\r\n";
volatile uint32_t uart_sent = 0;
volatile uint32_t uart_interrupts = 0;

using septum::guest::Inb;
using septum::guest::Outb;

void OnUartInterrupt() {
  uart_interrupts = uart_interrupts + 1;
  if ((Inb(kCom2 + 2) & 0x0f) != 0x02) return;  // not "transmitter empty"
  if (uart_sent < sizeof(kUartLine) - 1) {
    Outb(kCom2, static_cast<uint8_t>(kUartLine[uart_sent]));
    uart_sent = uart_sent + 1;
  } else {
    Outb(kCom2 + 1, 0);  // all sent: no more interrupts
  }
}

void UartIrq() {
  septum::guest::InstallInterruptHandler(static_cast<uint8_t>(septum::hypercall::kGuestIrqVectorBase + 3), &OnUartInterrupt);
  septum::guest::UartLineInit(kCom2);  // its interrupts off while the line is set up
  Outb(kCom2 + 4, 0x0b);                // DTR, RTS, OUT2 (the IRQ line)
  septum::guest::EnableInterrupts();
  Outb(kCom2 + 1, 0x02);  // transmitter-empty interrupt: it is empty now
  for (int naps = 0; naps < 500 && uart_sent < sizeof(kUartLine) - 1; ++naps) septum::guest::WaitForInterrupt();
  septum::guest::DisableInterrupts();
  Print("uart_irq: sent {} of {} bytes, {} interrupts\n", uart_sent, sizeof(kUartLine) - 1, uart_interrupts);
}

volatile uint64_t spied_interrupts = 0;
void OnAnyInterrupt() { spied_interrupts = spied_interrupts + 1; }

void IrqSpy() {
  for (uint32_t v = septum::hypercall::kGuestIrqVectorBase; v <= 0xff; ++v) {
    septum::guest::InstallInterruptHandler(static_cast<uint8_t>(v), &OnAnyInterrupt);
  }
  septum::guest::EnableInterrupts();
  for (int round = 0; round < 20; ++round) (void)septum::guest::Yield();
  septum::guest::DisableInterrupts();
  Print("irq_spy: {} interrupts in 20 rounds\n", spied_interrupts);
  Print("irq_spy: irq_ack(11): {}\n", septum::guest::Hypercall(Number::kIrqAck, 11).status);
  Print("irq_spy: reading the device's MMIO at 0xfea00000\n");
  septum::guest::MapLarge(0xfea00000);
  Print("irq_spy: read {:#x} (must not happen)\n", *reinterpret_cast<volatile uint32_t*>(0xfea00000));
}

void AttackBuffers(const septum::start::StartInfo& start) {
  const uint64_t end = RamEnd(start);
  const Status crossing = septum::guest::ConsoleWrite(reinterpret_cast<const void*>(end - 8), 16);
  const Status wrapping = septum::guest::ConsoleWrite(reinterpret_cast<const void*>(0xfffffffffffffff0ull), 0x20);
  const Status huge = septum::guest::ConsoleWrite(reinterpret_cast<const void*>(start.regions[0].guest), uint64_t{1} << 40);
  Print("buffer crossing the end of memory: {}; wrapping around 2^64: {}; huge length: {}\n", crossing, wrapping, huge);
}

}  // namespace

void GuestMain(const septum::start::StartInfo& start) {
  const StringView name = septum::guest::Name(start);
  Print("{} started: domain {}, abi {}, {} regions\n", name, start.domain, start.abi_version, start.region_count);
  if (StartsWith(name, "hello")) {
    Hello(name);
  } else if (StartsWith(name, "bystander")) {
    Bystander(name);
  } else if (name == StringView("spinner")) {
    Print("spinner: spinning without yielding\n");
    for (volatile uint64_t i = 0;; i = i + 1) {
    }
  } else if (name == StringView("attack_read")) {
    Print("attack_read: reading guest-physical 0x1000000\n");
    septum::guest::MapLarge(0x1000000);
    Print("attack_read: read {:#x} (must not happen)\n", *reinterpret_cast<volatile uint64_t*>(0x1000000));
  } else if (name == StringView("attack_kernel")) {
    Print("attack_kernel: writing guest-physical 0x100000\n");
    septum::guest::MapLarge(0x0);
    *reinterpret_cast<volatile uint64_t*>(0x100000) = 0xdeadbeef;
    Print("attack_kernel: wrote (must not happen)\n");
  } else if (name == StringView("attack_exec")) {
    uint64_t data = 0;
    for (uint32_t i = 0; i < start.region_count; ++i) {
      if (StringView(reinterpret_cast<const char*>(start.regions[i].name)) == StringView("data")) data = start.regions[i].guest;
    }
    Print("attack_exec: executing non-executable memory at {:#x}\n", data);
    *reinterpret_cast<volatile uint8_t*>(data) = 0xc3;  // ret
    if (uint64_t* pte = septum::guest::LeafEntry(data)) *pte &= ~(uint64_t{1} << 63);
    asm volatile("invlpg (%0)" ::"r"(data) : "memory");
    reinterpret_cast<void (*)()>(data)();
    Print("attack_exec: executed (must not happen)\n");
  } else if (name == StringView("attack_port")) {
    Print("attack_port: writing port 0x3f8\n");
    asm volatile("outb %0, %1" ::"a"(static_cast<uint8_t>('X')), "Nd"(static_cast<uint16_t>(0x3f8)));
    Print("attack_port: wrote (must not happen)\n");
  } else if (name == StringView("attack_com2")) {
    Print("attack_com2: writing port 0x2f8, which another domain owns\n");
    asm volatile("outb %0, %1" ::"a"(static_cast<uint8_t>('X')), "Nd"(static_cast<uint16_t>(0x2f8)));
    Print("attack_com2: wrote (must not happen)\n");
  } else if (name == StringView("attack_msr")) {
    Print("attack_msr: writing MSR 0x1b\n");
    asm volatile("wrmsr" ::"c"(0x1b), "a"(0), "d"(0));
    Print("attack_msr: wrote (must not happen)\n");
  } else if (name == StringView("attack_call")) {
    const septum::guest::CallResult r = septum::guest::Hypercall(septum::hypercall::Number::kTime);
    Print("attack_call: time() without the time group: {}\n", r.status);
    Bystander(name);
  } else if (name == StringView("attack_buffer")) {
    AttackBuffers(start);
    Bystander(name);
  } else if (name == StringView("timekeeper")) {
    (void)septum::guest::Yield();  // measure from a slot's start: its first slot began before its start-up output
    const uint64_t first = septum::guest::Hypercall(septum::hypercall::Number::kTime).value;
    for (int round = 0; round < kRounds; ++round) (void)septum::guest::Yield();
    const uint64_t last = septum::guest::Hypercall(septum::hypercall::Number::kTime).value;
    // The mean, not the smallest gap: a busy host delays single slot starts by milliseconds
    // (TCG runs on host time), but not the average over many frames.
    Print("timekeeper: {} rounds, mean gap between slots {} us\n", kRounds, (last - first) / kRounds / 1000);
  } else if (name == StringView("bench")) {
    Bench();
  } else if (name == StringView("controller")) {
    Controller(start);
  } else if (name == StringView("rogue")) {
    Print("rogue: domain_stop without the control group: {}\n", septum::guest::Hypercall(Number::kDomainStop, 0).status);
    Bystander(name);
  } else if (name == StringView("chan_writer")) {
    ChannelWriter(start);
  } else if (name == StringView("chan_reader")) {
    ChannelReader(start);
  } else if (name == StringView("outsider")) {
    septum::hypercall::ChannelInfo info{};
    Print("outsider: channel_notify(0): {}; channel_info(0): {}\n", septum::guest::Hypercall(Number::kChannelNotify, 0).status,
          septum::guest::Hypercall(Number::kChannelInfo, 0, reinterpret_cast<uintptr_t>(&info), sizeof(info)).status);
    Bystander(name);
  } else if (name == StringView("uart_irq")) {
    UartIrq();
  } else if (name == StringView("irq_spy")) {
    IrqSpy();
  } else if (StartsWith(name, "lacks_")) {
    LacksRight(start, name);
  } else if (name == StringView("restarter")) {
    septum::hypercall::SelfInfo self{};
    septum::guest::Hypercall(septum::hypercall::Number::kSelfInfo, reinterpret_cast<uintptr_t>(&self), sizeof(self));
    Print("restarter: run with {} restarts\n", self.restarts);
    // Memory outside the image: a previous run left a mark here before it faulted.
    volatile uint64_t* mark = reinterpret_cast<volatile uint64_t*>(kMarkAddress);
    Print("restarter: memory left by the previous run: {}\n", *mark == 0 ? "zeroed" : "STILL THERE");
    *mark = 0x5eb7u + self.restarts;
    if (self.restarts < 2) {
      Print("restarter: faulting\n");
      *reinterpret_cast<volatile uint64_t*>(0x40000000) = 1;  // not mapped anywhere
    }
    Print("restarter: staying up\n");
  } else {
    Print("{}: no behaviour for this name\n", name);
  }
}
