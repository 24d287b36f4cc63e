// tools/cli/compile_command.h — what `septum compile` and `septum build` share: the pipeline
// up to a validated blob, told as it goes.
#ifndef SEPTUM_TOOLS_CLI_COMPILE_COMMAND_H_
#define SEPTUM_TOOLS_CLI_COMPILE_COMMAND_H_

#include <string>
#include <variant>

#include "tools/cli/pipeline.h"

namespace septum::cli {

struct ProvenTables {
  Checked checked;    // accepted: every obligation P01-P09 proven
  Compiled compiled;  // ok: the blob's validation P10-P16 proven
};

// Checks and proves the policy at `path`, compiles it (with its images unless `with_images`
// is false) and validates the blob, printing what `septum compile` prints: the proof report
// when the policy is rejected, what stopped the compiler, the validation table (and with
// `coverage` the coverage by section). Returns the tables, or the exit status when a step
// failed (nothing may be written then).
std::variant<int, ProvenTables> CompileAndReport(const std::string& path, bool with_images, bool coverage);

}  // namespace septum::cli

#endif  // SEPTUM_TOOLS_CLI_COMPILE_COMMAND_H_
