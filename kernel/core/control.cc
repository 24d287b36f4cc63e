// kernel/core/control.cc — see control.h.
#include "kernel/core/control.h"

namespace septum {

using hypercall::Number;

uint32_t RightsOver(Span<const tables::ControlRight> rights, uint32_t holder, uint32_t target) {
  for (const tables::ControlRight& r : rights) {
    if (r.holder == holder && r.target == target) return r.rights;
  }
  return 0;
}

hypercall::DomainState StateOf(const Domain& r) {
  switch (r.status) {
    case DomainStatus::kRunnable:
    case DomainStatus::kStarting: return hypercall::DomainState::kRunning;
    case DomainStatus::kPaused: return hypercall::DomainState::kPaused;
    case DomainStatus::kStopped: break;
  }
  return hypercall::DomainState::kStopped;
}

Result<ControlRequest> AuthorizeControl(const Domain& caller, const System& system, const HypercallArgs& args) {
  SEPTUM_ASSIGN_OR_RETURN(const Number number, DecodeNumber(*caller.record, args));
  const uint32_t need = hypercall::RightOf(number);
  if (need == 0) return Status::kInvalidArgument;  // not a control call
  if (args.arg0 >= system.domains.size()) return Status::kDenied;  // no such target
  const auto target = static_cast<uint32_t>(args.arg0);
  if ((RightsOver(system.rights, caller.index(), target) & need) == 0) return Status::kDenied;
  return ControlRequest{number, target, 0};
}

Result<ControlRequest> CheckControlArguments(const Domain& caller, const System& system, const HypercallArgs& args,
                                             const ControlRequest& authorized) {
  ControlRequest request = authorized;
  const DomainStatus status = system.domains[request.target].status;
  switch (request.number) {
    case Number::kDomainStart:
      if (status != DomainStatus::kStopped) return Status::kBadState;
      break;
    case Number::kDomainStop:
      if (status == DomainStatus::kStopped) return Status::kBadState;
      break;
    case Number::kDomainPause:
      if (status != DomainStatus::kRunnable) return Status::kBadState;
      break;
    case Number::kDomainResume:
      if (status != DomainStatus::kPaused) return Status::kBadState;
      break;
    case Number::kDomainQuery:
      if (args.arg2 < sizeof(hypercall::DomainQuery)) return Status::kInvalidArgument;
      SEPTUM_TRY(CheckGuestRange(caller.ctx.memory, caller.ctx.format, caller.ctx.root, args.arg1, sizeof(hypercall::DomainQuery),
                                 paging::kWrite));
      request.buffer = args.arg1;
      break;
    default:
      return Status::kInvalidArgument;
  }
  return request;
}

Result<uint64_t> PerformControl(const Domain& caller, System& system, const ControlRequest& request) {
  Domain& target = system.domains[request.target];
  switch (request.number) {
    case Number::kDomainStart:
      target.status = DomainStatus::kStarting;  // its CPU loads it
      system.Kick(request.target, caller.cpu);
      return uint64_t{0};
    case Number::kDomainStop:
      target.status = DomainStatus::kStopped;
      target.waiting = 0;
      system.Kick(request.target, caller.cpu);
      return uint64_t{0};
    case Number::kDomainPause:
      target.status = DomainStatus::kPaused;
      system.Kick(request.target, caller.cpu);
      return uint64_t{0};
    case Number::kDomainResume:
      target.status = DomainStatus::kRunnable;
      system.Kick(request.target, caller.cpu);
      return uint64_t{0};
    case Number::kDomainQuery: {
      hypercall::DomainQuery q{};
      q.domain = request.target;
      q.state = static_cast<uint32_t>(StateOf(target));
      q.exits = target.exits;
      q.hypercalls = target.calls.hypercalls;
      q.denied = target.calls.denied;
      q.faults = target.faults;
      q.restarts = target.restarts;
      SEPTUM_TRY(CopyToGuest(caller.ctx.memory, caller.ctx.format, caller.ctx.root, request.buffer, reinterpret_cast<const uint8_t*>(&q),
                             sizeof(q)));
      return uint64_t{sizeof(q)};
    }
    default:
      return Status::kInvalidArgument;
  }
}

HypercallResult HandleIrqAck(Domain& caller, System& system, const HypercallArgs& args) {
  DomainCounters& counters = caller.calls;
  ++counters.hypercalls;
  const Result<uint32_t> route = OwnedRoute(system.routes, caller.index(), args.arg0);
  if (!route.ok()) return Refused(route.status(), counters.denied);
  AckRoute(system, route.value());
  return HypercallResult{Status::kOk, 0, false};
}

HypercallResult HandleControl(Domain& caller, System& system, const HypercallArgs& args) {
  DomainCounters& counters = caller.calls;
  ++counters.hypercalls;
  const LockGuard guard(system.lock);
  const Result<ControlRequest> authorized = AuthorizeControl(caller, system, args);
  if (!authorized.ok()) return Refused(authorized.status(), counters.denied);
  const Result<ControlRequest> request = CheckControlArguments(caller, system, args, authorized.value());
  if (!request.ok()) return Refused(request.status(), counters.failed);
  const Result<uint64_t> value = PerformControl(caller, system, request.value());
  if (!value.ok()) return Refused(value.status(), counters.failed);
  return HypercallResult{Status::kOk, value.value(), false};
}

}  // namespace septum
