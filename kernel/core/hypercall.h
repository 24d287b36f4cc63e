// kernel/core/hypercall.h — the paravirtual hypercalls (ABI: kernel/abi/hypercall.h), each split
// into a pure Decode…() that checks everything and changes nothing, and a Perform…() that acts
// on a decoded request (seL4's decode / invoke split, STYLE.md).
//
// A domain reaches only what its tables record grants: the number's group bit must be in
// record->hypercalls, and every guest buffer is checked through the domain's own nested page
// tables (guest_memory) for the right the call needs before a byte moves. Console output never
// touches hardware here: ConsoleLines assembles a domain's bytes into sanitized lines and hands
// them to a sink the kernel provides. Pure: host-tested (hypercall_test).
#ifndef SEPTUM_KERNEL_CORE_HYPERCALL_H_
#define SEPTUM_KERNEL_CORE_HYPERCALL_H_

#include <stddef.h>
#include <stdint.h>

#include "kernel/abi/hypercall.h"
#include "kernel/abi/paging.h"
#include "kernel/abi/tables.h"
#include "kernel/core/clock.h"
#include "kernel/core/guest_memory.h"
#include "kernel/lib/result.h"
#include "kernel/lib/span.h"
#include "kernel/lib/string_view.h"

namespace septum {

// The registers of a call: RAX, RDI, RSI, RDX.
struct HypercallArgs {
  uint64_t number = 0;
  uint64_t arg0 = 0;
  uint64_t arg1 = 0;
  uint64_t arg2 = 0;
};

// What goes back: RAX = status, RDX = value (0 unless ok). `yielded`: the call was yield(),
// which the scheduler carries out after the guest's registers are written.
struct HypercallResult {
  Status status = Status::kOk;
  uint64_t value = 0;
  bool yielded = false;
  bool blocked = false;  // channel_wait: RAX/RDX are written when the wait ends (ResolveWait)
};

// The caller: its record in the tables and the memory its nested tables live in and map to.
struct DomainContext {
  const tables::DomainRecord* record = nullptr;
  PhysicalMemory memory;
  paging::Format format = paging::Format::kNpt;
  uint64_t root = 0;  // record->npt_root or record->ept_root, per format
};

// The context of `record`'s domain on a platform whose nested tables have `format`.
DomainContext MakeDomainContext(const tables::DomainRecord& record, const PhysicalMemory& memory,
                                paging::Format format);

// The domain's name: record.name up to its first NUL (all 32 bytes if it has none).
StringView DomainName(const tables::DomainRecord& record);

// Per-domain statistics the kernel keeps.
struct DomainCounters {
  uint64_t hypercalls = 0;  // every call, whatever its outcome
  uint64_t denied = 0;      // not allowed at all: unknown number, group not granted, no right over
                            // the target, not the channel's endpoint (see Refused)
  uint64_t failed = 0;      // allowed, but refused on its arguments (buffer, length, target state)
};

// Where finished console lines go (in the kernel: the serial console, prefixed with the name).
struct ConsoleSink {
  void (*write)(void* context, StringView domain, StringView line) = nullptr;
  void* context = nullptr;
};

// One domain's console line assembler. Bytes are sanitized as they arrive — every byte outside
// printable ASCII (0x20-0x7e) becomes '?', '\r' is dropped — so a guest can inject no terminal
// escape into the kernel's log. A line goes to the sink at its '\n' (which is not part of it),
// or when it holds kCapacity characters and one more arrives: a long line continues on the
// next, and a line of exactly kCapacity characters is still one line. The default state (an
// empty line) is constant-initialized: a static array of these runs no constructor.
class ConsoleLines {
 public:
  static constexpr size_t kCapacity = 160;

  void Feed(StringView domain, Span<const uint8_t> bytes, const ConsoleSink& sink);
  // Hands a partial line, if any, to the sink (when the domain stops).
  void Flush(StringView domain, const ConsoleSink& sink);
  size_t pending() const { return size_; }

 private:
  void Emit(StringView domain, const ConsoleSink& sink);

  char line_[kCapacity] = {};
  size_t size_ = 0;
};

// Decoding: pure checks, in the order a caller would meet them.

// The call's number: kUnsupported if unknown, kDenied if its group is not granted.
inline Result<hypercall::Number> DecodeNumber(const tables::DomainRecord& record, const HypercallArgs& args) {
  const auto number = static_cast<hypercall::Number>(args.number);
  const uint32_t group = hypercall::GroupOf(number);
  if (group == 0) return Status::kUnsupported;
  if ((record.hypercalls & group) == 0) return Status::kDenied;
  return number;
}

struct ConsoleWriteRequest {
  uint64_t buffer = 0;  // guest-physical
  uint64_t length = 0;
};
// console_write(arg0 = buffer, arg1 = length): kOutOfRange if length > kMaxConsoleWrite or the
// buffer wraps or is not all mapped; kDenied if part of it is mapped without read.
Result<ConsoleWriteRequest> DecodeConsoleWrite(const DomainContext& ctx, const HypercallArgs& args);

struct SelfInfoRequest {
  uint64_t buffer = 0;  // guest-physical; sizeof(SelfInfo) bytes are written
};
// self_info(arg0 = buffer, arg1 = size): kInvalidArgument if size < sizeof(SelfInfo); as above
// for the buffer's sizeof(SelfInfo) bytes, which must be writable.
Result<SelfInfoRequest> DecodeSelfInfo(const DomainContext& ctx, const HypercallArgs& args);

// Performing: on decoded requests only. Each returns the call's value.

// Copies the buffer (in stack-sized chunks) into `lines`. Value: request.length.
Result<uint64_t> PerformConsoleWrite(const DomainContext& ctx, const ConsoleWriteRequest& request,
                                     ConsoleLines& lines, const ConsoleSink& sink);
// Writes the caller's SelfInfo. Value: sizeof(SelfInfo).
Result<uint64_t> PerformSelfInfo(const DomainContext& ctx, const SelfInfoRequest& request, uint32_t restarts,
                                 uint64_t slot_ticks_left);

// What the dispatcher knows at the time of the call, beyond the caller's record. Times are
// converted only for the calls that need them (time, self_info).
struct HypercallEnvironment {
  ConsoleSink console;
  TscClock clock;             // the schedule's clock
  uint64_t tsc = 0;           // the TSC at the exit: time() is NsAt(clock, tsc)
  uint64_t slot_end_ns = 0;   // the end of the caller's slot on that clock, for self_info
  uint32_t restarts = 0;      // the caller's restarts, for self_info
};

// A refused call changes nothing but one counter: `counters.denied` when the caller may not make
// the call at all (unknown number, group not granted, no right over the target, not a channel
// endpoint), `counters.failed` when it may but its arguments are refused (a buffer, a length,
// the target's state). Returns `status` with value 0.
inline HypercallResult Refused(Status status, uint64_t& counter) {
  ++counter;
  return HypercallResult{status, 0, false};
}

// Decodes and performs a granted call that takes guest buffers (console_write, self_info). Out
// of line: the calls without buffers (yield, time) pay for no stack frame of these.
[[gnu::noinline]] Result<uint64_t> PerformWithBuffers(hypercall::Number number, const DomainContext& ctx, const HypercallArgs& args,
                                                      const HypercallEnvironment& env, ConsoleLines& lines);

// Decodes and performs one call and counts it. A refused call changes nothing but the counters
// and returns its status with value 0. Inline: it is on every hypercall's path.
inline HypercallResult HandleHypercall(const DomainContext& ctx, const HypercallArgs& args, const HypercallEnvironment& env,
                                       ConsoleLines& lines, DomainCounters& counters) {
  using hypercall::Number;
  ++counters.hypercalls;
  const Result<Number> number = DecodeNumber(*ctx.record, args);
  if (!number.ok()) return Refused(number.status(), counters.denied);
  switch (number.value()) {
    case Number::kYield: return HypercallResult{Status::kOk, 0, true};  // the scheduler acts on `yielded`
    case Number::kTime: return HypercallResult{Status::kOk, NsAt(env.clock, env.tsc), false};
    case Number::kConsoleWrite:
    case Number::kSelfInfo: break;
    case Number::kChannelNotify:
    case Number::kChannelWait:
    case Number::kChannelInfo:
    case Number::kDomainStart:
    case Number::kDomainStop:
    case Number::kDomainPause:
    case Number::kDomainResume:
    case Number::kDomainQuery:
    case Number::kIrqAck: return Refused(Status::kUnsupported, counters.denied);  // Dispatch routes these elsewhere
  }
  const Result<uint64_t> value = PerformWithBuffers(number.value(), ctx, args, env, lines);
  if (!value.ok()) return Refused(value.status(), counters.failed);
  return HypercallResult{Status::kOk, value.value(), false};
}

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_HYPERCALL_H_
