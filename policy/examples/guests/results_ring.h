// policy/examples/guests/results_ring.h — the protocol the demo's guests speak over channel
// `results` (writer `worker`, reader `dom0`, 4 KiB, with a doorbell). The kernel never looks
// inside a channel: this is the guests' own contract.
//
// Layout: the first 64 bytes hold `published`, the number of records the writer has written
// so far; record k (from 0) follows at byte 64 + 64 k. The writer fills a record completely,
// then stores published = k + 1 (x86 keeps stores in order, and the compiler is fenced), then
// rings the doorbell (channel_notify). The reader waits on the doorbell (channel_wait with a
// timeout), reads `published`, and takes every record below it. The reader maps the channel
// read-only, so nothing flows back: the writer never writes more records than the ring holds
// (kSlots); a run that has more to say needs a second channel for acknowledgements.
// A record with kind kDone ends the stream. If the writer restarts (it is `on fault
// restart`), its memory is fresh but the channel is not: it starts again at record 0, and the
// reader sees `published` fall — it says so and follows.
#ifndef SEPTUM_POLICY_EXAMPLES_GUESTS_RESULTS_RING_H_
#define SEPTUM_POLICY_EXAMPLES_GUESTS_RESULTS_RING_H_

#include <stdint.h>

namespace demo {

enum RecordKind : uint32_t { kFactorial = 1, kInterrupts = 2, kDone = 3 };

struct Record {
  uint64_t sequence;  // its index k
  uint32_t kind;      // RecordKind
  uint32_t n;         // kFactorial: the argument; kInterrupts: how many the device raised
  uint64_t value;     // kFactorial: n!, as the device computed it; kInterrupts: how many arrived
  uint8_t reserved[40];
};
static_assert(sizeof(Record) == 64, "one record per 64 bytes");

inline constexpr uint64_t kHeaderBytes = 64;
inline constexpr uint64_t kSlots = (4096 - kHeaderBytes) / sizeof(Record);  // 63 in 4 KiB

}  // namespace demo

#endif  // SEPTUM_POLICY_EXAMPLES_GUESTS_RESULTS_RING_H_
