// kernel/abi/hypercall.h — the paravirtual hypercall ABI: what a PV guest puts in its registers
// before VMMCALL (AMD-V) or VMCALL (Intel VT-x), and what it finds there afterwards.
//
// Calling convention (both backends):
//   RAX  = the call's Number
//   RDI, RSI, RDX = arguments 0, 1, 2 (unused ones are ignored)
//   after the call: RAX = Status (kernel/abi/status.h), RDX = the call's value (0 if none);
//   every other register is preserved. The guest's RIP moves past the 3-byte instruction.
// Guest addresses passed to a call are guest-physical. A PV domain starts with an identity
// map (kernel/abi/start_info.h), so its virtual addresses are its physical ones.
//
// Each call belongs to one HypercallGroup (kernel/abi/tables.h); a domain whose record lacks the
// group's bit gets Status::kDenied and the call is counted, never performed. An unknown number
// gets kUnsupported, also counted as denied.
#ifndef SEPTUM_KERNEL_ABI_HYPERCALL_H_
#define SEPTUM_KERNEL_ABI_HYPERCALL_H_

#include <stdint.h>

#include "kernel/abi/status.h"
#include "kernel/abi/tables.h"

namespace septum::hypercall {

enum class Number : uint64_t {
  // console_write(buffer, length): writes `length` bytes to the kernel console, as one or more
  // lines prefixed with the domain's name. The buffer must lie entirely in memory the caller may
  // read, `length` <= kMaxConsoleWrite, and buffer + length must not wrap. Value: bytes written.
  kConsoleWrite = 1,
  // yield(): gives up the rest of the current slot. Value: 0.
  kYield = 2,
  // time(): nanoseconds since the kernel started its schedule. Value: that count.
  kTime = 3,
  // self_info(buffer, size): copies a SelfInfo into the caller's writable memory; `size` must be
  // at least sizeof(SelfInfo). Value: bytes written.
  kSelfInfo = 4,
  // The channel calls (group `channel`): arg0 = the channel's index in the channel table (the
  // start info lists the caller's channel ends with it). Only an endpoint may use a channel;
  // anyone else gets kDenied, counted.
  // channel_notify(channel): the writer rings the doorbell of a channel with `notify`. Value: 0.
  kChannelNotify = 16,
  // channel_wait(channel, timeout_ns): the reader of a channel with `notify` waits for the
  // doorbell, giving up its slot until it rings or `timeout_ns` have passed (0: only check).
  // Value: the doorbell rings since the last wait (at least 1); kTimeout if none came.
  kChannelWait = 17,
  // channel_info(channel, buffer, size): either endpoint learns its mapping: a ChannelInfo
  // into its writable memory; size must be at least sizeof(ChannelInfo). Value: bytes written.
  kChannelInfo = 18,
  // The control calls (group `control`): arg0 = the target's domain index (the start info lists
  // the targets a domain may control, with its rights). Each needs the matching right in the
  // caller's control-rights row for that target; otherwise kDenied, counted. A call that does
  // not fit the target's state (start a running domain, resume one not paused) gives kBadState.
  // domain_start(target): a stopped domain starts afresh (memory zeroed, image loaded).
  kDomainStart = 32,
  // domain_stop(target): it stops now; its slots stay idle.
  kDomainStop = 33,
  // domain_pause(target): a running domain stops being scheduled, keeping its state.
  kDomainPause = 34,
  // domain_resume(target): a paused domain is scheduled again.
  kDomainResume = 35,
  // domain_query(target, buffer, size): copies a DomainQuery into the caller's writable memory;
  // size must be at least sizeof(DomainQuery). Value: bytes written.
  kDomainQuery = 36,
  // irq_ack(irq): the owner of a device says it has handled the device's interrupt `irq`. It
  // needs no hypercall group: owning the device (its `device` line) is the right; anyone else
  // gets kDenied, counted. A level-triggered IRQ stays masked from its arrival until its owner
  // acknowledges it (so a device that keeps its line up cannot flood its CPU); for an
  // edge-triggered one the call changes nothing. Value: 0.
  kIrqAck = 48,
};

// Device interrupts: the IRQ n of a device a domain owns arrives in that domain as a virtual
// external interrupt with vector kGuestIrqVectorBase + n (PV and HVM alike), delivered when the
// guest has interrupts enabled (RFLAGS.IF), through the guest's own IDT. A HLT with interrupts
// enabled gives up the rest of the slot unless an IRQ for the domain arrives in it, which then
// wakes it at once.
inline constexpr uint32_t kGuestIrqVectorBase = 0x20;
inline constexpr uint32_t kMaxGuestIrq = 0xff - kGuestIrqVectorBase;

inline constexpr uint64_t kMaxConsoleWrite = 1024;

// The group that must be granted for each call; 0 for an unknown number.
constexpr uint32_t GroupOf(Number n) {
  switch (n) {
    case Number::kConsoleWrite: return tables::kGroupConsole;
    case Number::kYield: return tables::kGroupYield;
    case Number::kTime: return tables::kGroupTime;
    case Number::kSelfInfo: return tables::kGroupConsole;  // part of the console group: a domain
                                                           // may learn who it is if it may speak
    case Number::kChannelNotify:
    case Number::kChannelWait:
    case Number::kChannelInfo: return tables::kGroupChannel;
    case Number::kDomainStart:
    case Number::kDomainStop:
    case Number::kDomainPause:
    case Number::kDomainResume:
    case Number::kDomainQuery: return tables::kGroupControl;
    case Number::kIrqAck: return 0;  // no group: device ownership decides (kernel/core/irq.h)
  }
  return 0;
}

enum class ChannelRole : uint32_t { kWriter = 1, kReader = 2 };

// What channel_info tells an endpoint.
struct ChannelInfo {
  uint32_t channel;   // its index
  uint32_t role;      // ChannelRole of the caller
  uint64_t guest;     // guest-physical base in the caller
  uint64_t size;      // bytes
  uint32_t notify;    // 1 if the channel has a doorbell
  uint32_t reserved;  // zero
};
static_assert(sizeof(ChannelInfo) == 32, "ABI: channel info size");

// The control right a control call needs (tables::ControlRightBit); 0 for other calls.
constexpr uint32_t RightOf(Number n) {
  switch (n) {
    case Number::kDomainStart: return tables::kRightStart;
    case Number::kDomainStop: return tables::kRightStop;
    case Number::kDomainPause: return tables::kRightPause;
    case Number::kDomainResume: return tables::kRightResume;
    case Number::kDomainQuery: return tables::kRightQuery;
    default: return 0;
  }
}

enum class DomainState : uint32_t { kStopped = 0, kRunning = 1, kPaused = 2 };

// What domain_query tells about a target.
struct DomainQuery {
  uint32_t domain;         // its index
  uint32_t state;          // DomainState
  uint64_t exits;          // VM exits so far
  uint64_t hypercalls;
  uint64_t denied;         // calls refused for lack of a group or right
  uint64_t faults;
  uint32_t restarts;
  uint32_t reserved;       // zero
};
static_assert(sizeof(DomainQuery) == 48, "ABI: domain query size");

struct SelfInfo {
  uint8_t name[32];          // NUL-padded
  uint32_t domain;           // its index in the tables
  uint32_t abi_version;      // kAbiVersion
  uint32_t hypercalls;       // its HypercallGroup bits
  uint32_t restarts;         // how often it has been restarted after a fault
  uint64_t slot_ticks_left;  // ticks left in the current slot when the call was made
};
static_assert(sizeof(SelfInfo) == 56, "ABI: self info size");

// CPUID leaf a guest may read to learn it runs on Septum: EBX, ECX, EDX spell "SeptumSeptum"
// (as Xen's "XenVMMXenVMM"), EAX = the highest hypervisor leaf; leaf 0x40000001 EAX = ABI version.
inline constexpr uint32_t kCpuidHypervisorLeaf = 0x40000000;
inline constexpr uint32_t kCpuidSignatureEbx = 0x74706553;  // "Sept"
inline constexpr uint32_t kCpuidSignatureEcx = 0x65536d75;  // "umSe"
inline constexpr uint32_t kCpuidSignatureEdx = 0x6d757470;  // "ptum"

}  // namespace septum::hypercall

#endif  // SEPTUM_KERNEL_ABI_HYPERCALL_H_
