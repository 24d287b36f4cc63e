// policy/codes.h — every diagnostic code the policy front end can emit, in one place.
//
// The table in codes.cc gives each code its one-line title; policy/README.md lists the same
// codes (a test keeps the two in step). Codes are stable: a code never changes meaning.
#ifndef SEPTUM_POLICY_CODES_H_
#define SEPTUM_POLICY_CODES_H_

#include "absl/strings/string_view.h"
#include <vector>

namespace septum::policy {

enum class Code {
  // The file as a whole.
  kEmptyFile,            // E0001
  kFileTooLarge,         // E0002
  kNulByte,              // E0003
  kNotUtf8,              // E0004
  // Lexical.
  kUnexpectedCharacter,  // E0101
  kUnterminatedString,   // E0102
  kInvalidEscape,        // E0103
  kIntegerOverflow,      // E0104
  kMalformedNumber,      // E0105
  // Syntax.
  kExpected,             // E0201
  kUnknownItem,          // E0202
  kUnknownValue,         // E0203
  kDuplicateOption,      // E0204
  kMissingOption,        // E0205
  kSystemCount,          // E0206
  kUnclosedBlock,        // E0207
  // Names and references.
  kDuplicateName,        // E0301
  kUndeclaredDomain,     // E0302
  kUndeclaredDevice,     // E0303
  kReservedName,         // E0304
  kUndeclaredFlowEnd,    // E0305
  // Values, ranges, units, alignment.
  kOutOfRange,           // E0401
  kCpuOutOfRange,        // E0402
  kMisaligned,           // E0403
  kZero,                 // E0404
  kRangeWraps,           // E0405
  kWrongUnit,            // E0406
  kReversedRange,        // E0407
  kBadPermissions,       // E0408
  kListedTwice,          // E0409
  kDmaWithoutIommu,      // E0410
  kDmaWithoutPci,        // E0411
  kSameEndpoints,        // E0412
  // Isolation of resources.
  kHostOverlap,          // E0501
  kOutsideRam,           // E0502
  kMapsKernelMemory,     // E0503
  kGuestOverlap,         // E0504
  kDeviceTwoOwners,      // E0505
  kDeviceKernelAndDomain,// E0506
  kSharedPort,           // E0507
  kSharedIrq,            // E0508
  kSharedMmio,           // E0509
  kSharedPci,            // E0510
  kNoRoom,               // E0511
  kRamBanksOverlap,      // E0512
  // Schedule.
  kNoSchedule,           // E0601
  kScheduleSum,          // E0602
  kScheduleCpu,          // E0603
  kBootNotScheduled,     // E0604
  kCpuPlanTwice,         // E0605
  kNeverRuns,            // W0606 (warning)
  kNeverStarted,         // W0607 (warning)
  // Authority.
  kRightOverSelf,        // E0701
  kRightOverKernel,      // E0702
  kControlWithoutLines,  // E0703
  kLinesWithoutControl,  // E0704
  // Assertions.
  kFlowExists,           // E0801
  kNotIsolated,          // E0802
  kCount,
};

struct CodeInfo {
  absl::string_view id;     // "E0501"
  absl::string_view title;  // "host-physical ranges overlap"
};

const CodeInfo& Describe(Code code);
std::vector<Code> AllCodes();

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_CODES_H_
