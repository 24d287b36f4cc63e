// kernel/core/hypercall.cc — see hypercall.h.
#include "kernel/core/hypercall.h"

#include "kernel/abi/version.h"

namespace septum {
namespace {

using hypercall::Number;

// console_write copies guest bytes through a buffer of this size on the kernel stack.
constexpr uint64_t kConsoleChunk = 256;

// Printable ASCII passes; anything else (escape sequences, control bytes, UTF-8) becomes '?'.
char Sanitize(uint8_t byte) { return byte >= 0x20 && byte <= 0x7e ? static_cast<char>(byte) : '?'; }

}  // namespace

Result<uint64_t> PerformWithBuffers(Number number, const DomainContext& ctx, const HypercallArgs& args,
                                    const HypercallEnvironment& env, ConsoleLines& lines) {
  if (number == Number::kConsoleWrite) {
    SEPTUM_ASSIGN_OR_RETURN(const ConsoleWriteRequest request, DecodeConsoleWrite(ctx, args));
    return PerformConsoleWrite(ctx, request, lines, env.console);
  }
  SEPTUM_ASSIGN_OR_RETURN(const SelfInfoRequest request, DecodeSelfInfo(ctx, args));
  const uint64_t now = NsAt(env.clock, env.tsc);
  const uint64_t left = env.slot_end_ns > now ? (env.slot_end_ns - now) / tables::kTickNs : 0;
  return PerformSelfInfo(ctx, request, env.restarts, left);
}

DomainContext MakeDomainContext(const tables::DomainRecord& record, const PhysicalMemory& memory,
                                paging::Format format) {
  return DomainContext{&record, memory, format, format == paging::Format::kEpt ? record.ept_root : record.npt_root};
}

StringView DomainName(const tables::DomainRecord& record) {
  const char* name = reinterpret_cast<const char*>(record.name);
  size_t size = 0;
  while (size < sizeof(record.name) && name[size] != '\0') ++size;
  return StringView(name, size);
}

void ConsoleLines::Feed(StringView domain, Span<const uint8_t> bytes, const ConsoleSink& sink) {
  for (const uint8_t byte : bytes) {
    if (byte == '\r') continue;
    if (byte == '\n') {
      Emit(domain, sink);
      continue;
    }
    if (size_ == kCapacity) Emit(domain, sink);
    line_[size_++] = Sanitize(byte);
  }
}

void ConsoleLines::Flush(StringView domain, const ConsoleSink& sink) {
  if (size_ != 0) Emit(domain, sink);
}

void ConsoleLines::Emit(StringView domain, const ConsoleSink& sink) {
  if (sink.write) sink.write(sink.context, domain, StringView(line_, size_));
  size_ = 0;
}

Result<ConsoleWriteRequest> DecodeConsoleWrite(const DomainContext& ctx, const HypercallArgs& args) {
  const ConsoleWriteRequest request{args.arg0, args.arg1};
  if (request.length > hypercall::kMaxConsoleWrite) return Status::kOutOfRange;
  SEPTUM_TRY(CheckGuestRange(ctx.memory, ctx.format, ctx.root, request.buffer, request.length, paging::kRead));
  return request;
}

Result<SelfInfoRequest> DecodeSelfInfo(const DomainContext& ctx, const HypercallArgs& args) {
  const SelfInfoRequest request{args.arg0};
  if (args.arg1 < sizeof(hypercall::SelfInfo)) return Status::kInvalidArgument;
  SEPTUM_TRY(CheckGuestRange(ctx.memory, ctx.format, ctx.root, request.buffer, sizeof(hypercall::SelfInfo),
                             paging::kWrite));
  return request;
}

Result<uint64_t> PerformConsoleWrite(const DomainContext& ctx, const ConsoleWriteRequest& request,
                                     ConsoleLines& lines, const ConsoleSink& sink) {
  const StringView name = DomainName(*ctx.record);
  uint8_t chunk[kConsoleChunk];
  for (uint64_t done = 0; done < request.length; done += kConsoleChunk) {
    const uint64_t size = request.length - done < kConsoleChunk ? request.length - done : kConsoleChunk;
    SEPTUM_TRY(CopyFromGuest(ctx.memory, ctx.format, ctx.root, request.buffer + done, size, chunk));
    lines.Feed(name, Span<const uint8_t>(chunk, size), sink);
  }
  return request.length;
}

Result<uint64_t> PerformSelfInfo(const DomainContext& ctx, const SelfInfoRequest& request, uint32_t restarts,
                                 uint64_t slot_ticks_left) {
  hypercall::SelfInfo info{};
  __builtin_memcpy(info.name, ctx.record->name, sizeof(info.name));
  info.domain = ctx.record->index;
  info.abi_version = kAbiVersion;
  info.hypercalls = ctx.record->hypercalls;
  info.restarts = restarts;
  info.slot_ticks_left = slot_ticks_left;
  SEPTUM_TRY(CopyToGuest(ctx.memory, ctx.format, ctx.root, request.buffer, reinterpret_cast<const uint8_t*>(&info),
                         sizeof(info)));
  return uint64_t{sizeof(info)};
}

}  // namespace septum
