// kernel/core/channel.cc — see channel.h.
#include "kernel/core/channel.h"

namespace septum {
namespace {

using hypercall::ChannelRole;
using hypercall::Number;

struct ChannelRequest {
  Number number = Number::kChannelInfo;
  uint32_t channel = 0;
  ChannelRole role = ChannelRole::kWriter;
  uint64_t argument = 0;  // wait: timeout_ns; info: the buffer
};

// Whether the caller may make this call on this channel at all: its `channel` group, a channel
// that exists, the caller one of its endpoints, the right end, a doorbell for notify and wait.
Result<ChannelRequest> AuthorizeChannel(const Domain& caller, const System& system, const HypercallArgs& args) {
  SEPTUM_ASSIGN_OR_RETURN(const Number number, DecodeNumber(*caller.record, args));
  if (args.arg0 >= system.channels.size() || args.arg0 >= system.doorbells.size()) return Status::kDenied;  // no such channel
  const tables::ChannelRecord& c = system.channels[args.arg0];
  const uint32_t self = caller.index();
  if (self != c.writer && self != c.reader) return Status::kDenied;  // not an endpoint
  ChannelRequest request{number, static_cast<uint32_t>(args.arg0), self == c.writer ? ChannelRole::kWriter : ChannelRole::kReader, 0};
  const bool doorbell = (c.flags & tables::kChannelNotify) != 0;
  switch (number) {
    case Number::kChannelNotify:
      if (request.role != ChannelRole::kWriter || !doorbell) return Status::kDenied;
      break;
    case Number::kChannelWait:
      if (request.role != ChannelRole::kReader || !doorbell) return Status::kDenied;
      request.argument = args.arg1;
      break;
    case Number::kChannelInfo:
      break;
    default:
      return Status::kInvalidArgument;
  }
  return request;
}

// channel_info's buffer: at least sizeof(ChannelInfo), writable by the caller.
Result<ChannelRequest> CheckChannelArguments(const DomainContext& caller, const HypercallArgs& args, const ChannelRequest& authorized) {
  if (authorized.number != Number::kChannelInfo) return authorized;
  if (args.arg2 < sizeof(hypercall::ChannelInfo)) return Status::kInvalidArgument;
  SEPTUM_TRY(CheckGuestRange(caller.memory, caller.format, caller.root, args.arg1, sizeof(hypercall::ChannelInfo), paging::kWrite));
  ChannelRequest request = authorized;
  request.argument = args.arg1;
  return request;
}

}  // namespace

HypercallResult HandleChannel(Domain& caller, System& system, const HypercallArgs& args, uint64_t now_ns) {
  DomainCounters& counters = caller.calls;
  ++counters.hypercalls;
  const LockGuard guard(system.lock);
  const Result<ChannelRequest> authorized = AuthorizeChannel(caller, system, args);
  if (!authorized.ok()) return Refused(authorized.status(), counters.denied);
  const Result<ChannelRequest> decoded = CheckChannelArguments(caller.ctx, args, authorized.value());
  if (!decoded.ok()) return Refused(decoded.status(), counters.failed);
  const ChannelRequest& r = decoded.value();
  uint64_t& rings = system.doorbells[r.channel];
  switch (r.number) {
    case Number::kChannelNotify: {
      if (rings != ~uint64_t{0}) ++rings;
      const uint32_t reader = system.channels[r.channel].reader;
      if (reader < system.domains.size() && system.domains[reader].waiting == r.channel + 1) system.Kick(reader, caller.cpu);
      return HypercallResult{Status::kOk, 0, false};
    }
    case Number::kChannelWait: {
      if (rings) {
        const uint64_t n = rings;
        rings = 0;
        return HypercallResult{Status::kOk, n, false};
      }
      if (r.argument == 0) return HypercallResult{Status::kTimeout, 0, false};
      caller.waiting = r.channel + 1;
      caller.wait_deadline_ns = now_ns + r.argument < now_ns ? ~uint64_t{0} : now_ns + r.argument;
      HypercallResult blocked{Status::kOk, 0, true};
      blocked.blocked = true;
      return blocked;
    }
    default: {
      const tables::ChannelRecord& c = system.channels[r.channel];
      hypercall::ChannelInfo info{};
      info.channel = r.channel;
      info.role = static_cast<uint32_t>(r.role);
      info.guest = r.role == ChannelRole::kWriter ? c.writer_guest : c.reader_guest;
      info.size = c.size;
      info.notify = (c.flags & tables::kChannelNotify) ? 1 : 0;
      const Status st =
          CopyToGuest(caller.ctx.memory, caller.ctx.format, caller.ctx.root, r.argument, reinterpret_cast<const uint8_t*>(&info), sizeof(info));
      if (st != Status::kOk) return Refused(st, counters.failed);
      return HypercallResult{Status::kOk, sizeof(info), false};
    }
  }
}

bool ResolveWait(Domain& domain, System& system, uint64_t now_ns) {
  if (domain.waiting == 0) return true;
  GuestRegs& regs = domain.regs;
  const uint32_t channel = domain.waiting - 1;
  uint64_t& rings = system.doorbells[channel];
  if (rings) {
    regs.rax = static_cast<uint64_t>(Status::kOk);
    regs.rdx = rings;
    rings = 0;
  } else if (now_ns >= domain.wait_deadline_ns) {
    regs.rax = static_cast<uint64_t>(Status::kTimeout);
    regs.rdx = 0;
  } else {
    return false;
  }
  domain.waiting = 0;
  return true;
}

}  // namespace septum
