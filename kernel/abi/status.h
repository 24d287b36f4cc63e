// kernel/abi/status.h — the status codes of Septum's ABI.
//
// One enumeration shared by the kernel, guests and host tools: hypercalls return these in RAX,
// kernel functions return them (inside Result<T>), tools print their names. The numbers are ABI:
// a value never changes meaning; new codes are appended.
#ifndef SEPTUM_KERNEL_ABI_STATUS_H_
#define SEPTUM_KERNEL_ABI_STATUS_H_

#include <stdint.h>

namespace septum {

enum class [[nodiscard]] Status : uint32_t {
  kOk = 0,
  kDenied = 1,           // the caller does not hold the right (permission bit, control right)
  kInvalidArgument = 2,  // malformed argument (bad pointer, bad length, unknown selector)
  kOutOfRange = 3,       // an index, address or length outside the permitted range
  kNotFound = 4,         // no such element (domain, channel, tag)
  kBadState = 5,         // the request is valid but not in the target's current state
  kUnsupported = 6,      // not available on this platform or in this version
  kNoSpace = 7,          // a fixed-capacity buffer or table is full
  kCorrupt = 8,          // data failed an integrity check (magic, length, hash)
  kTimeout = 9,          // a wait ended at its deadline with nothing to report
};

// The stable name of a status, e.g. "denied". Unknown values give "unknown".
constexpr const char* StatusName(Status s) {
  switch (s) {
    case Status::kOk: return "ok";
    case Status::kDenied: return "denied";
    case Status::kInvalidArgument: return "invalid-argument";
    case Status::kOutOfRange: return "out-of-range";
    case Status::kNotFound: return "not-found";
    case Status::kBadState: return "bad-state";
    case Status::kUnsupported: return "unsupported";
    case Status::kNoSpace: return "no-space";
    case Status::kCorrupt: return "corrupt";
    case Status::kTimeout: return "timeout";
  }
  return "unknown";
}

}  // namespace septum

#endif  // SEPTUM_KERNEL_ABI_STATUS_H_
