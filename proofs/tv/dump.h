// proofs/tv/dump.h — `septum dump`: decodes a tables blob into readable text, from its bytes
// alone (container check of kernel/core, the page-table walker, the bitmap decoder).
#ifndef SEPTUM_PROOFS_TV_DUMP_H_
#define SEPTUM_PROOFS_TV_DUMP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace septum::tv {

// Fails (FailedPrecondition, with the reason) on a blob the kernel would refuse.
absl::StatusOr<std::string> DumpBlob(const std::vector<uint8_t>& blob);

}  // namespace septum::tv

#endif  // SEPTUM_PROOFS_TV_DUMP_H_
