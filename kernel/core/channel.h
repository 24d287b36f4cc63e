// kernel/core/channel.h — the channel calls: doorbells between a channel's writer and reader,
// and an endpoint learning its mapping. The kernel never reads or writes channel contents (the
// memory is mapped by the tables: writer read-write, reader read-only).
//
// channel_wait blocks: the caller is not run again until the doorbell rings or its deadline
// passes — within its own slots only: the CPU idles in them meanwhile; a notify kicks the CPU
// idling in the reader's slot (System::Kick), so a ring in the middle of that slot resumes
// the reader at once. ResolveWait, called by the scheduler whenever the waiter's slot could run
// it, decides which and writes the call's result. HandleChannel holds system.lock; callers of
// ResolveWait hold it. Pure: host-tested (channel_test).
#ifndef SEPTUM_KERNEL_CORE_CHANNEL_H_
#define SEPTUM_KERNEL_CORE_CHANNEL_H_

#include <stdint.h>

#include "kernel/core/system.h"

namespace septum {

// Decodes, performs and counts one channel call (its number is a channel number). `now_ns` is
// the time of the call (for a wait's deadline).
HypercallResult HandleChannel(Domain& caller, System& system, const HypercallArgs& args, uint64_t now_ns);

// For a domain whose slot has come: true if it may run (it is not waiting, or its wait ended
// now — the doorbell rang, RAX/RDX get ok and the count; or the deadline passed, RAX gets
// timeout), false if it keeps waiting (its slot stays idle).
bool ResolveWait(Domain& domain, System& system, uint64_t now_ns);

// The deadline of `domain`'s wait, or ~0 when it is not waiting (the scheduler's idle timer).
inline uint64_t WaitDeadline(const Domain& domain) { return domain.waiting ? domain.wait_deadline_ns : ~uint64_t{0}; }

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_CHANNEL_H_
