// tools/cli/files.h — whole files in and out for the commands, with the messages they print
// ("cannot read `PATH`", "cannot write `PATH`"). A write either leaves the whole new content
// or, with WriteFileAtomically, nothing new at all (never a half-written file at PATH).
#ifndef SEPTUM_TOOLS_CLI_FILES_H_
#define SEPTUM_TOOLS_CLI_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace septum::cli {

// The bytes of the file at `path`; NotFound "cannot read `PATH`" when it cannot be opened, is
// a directory or a read fails.
absl::StatusOr<std::vector<uint8_t>> ReadFile(const std::string& path);

// Writes `bytes` to `path`, replacing it; Internal "cannot write `PATH`" on failure.
absl::Status WriteFile(const std::string& path, absl::string_view bytes);
absl::Status WriteFile(const std::string& path, absl::Span<const uint8_t> bytes);

// The same, written whole or not at all: into PATH.tmp, then renamed over PATH. On failure
// PATH is untouched and PATH.tmp removed.
absl::Status WriteFileAtomically(const std::string& path, absl::Span<const uint8_t> bytes);

// Lower-case hex of bytes ("00ff").
std::string Hex(absl::Span<const uint8_t> bytes);

// Hex SHA-256 (FIPS 180-4) of bytes, and of a file (ReadFile's errors).
std::string Sha256Hex(absl::Span<const uint8_t> bytes);
absl::StatusOr<std::string> FileSha256(const std::string& path);

}  // namespace septum::cli

#endif  // SEPTUM_TOOLS_CLI_FILES_H_
