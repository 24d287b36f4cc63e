// tools/cli/files.cc — see files.h.
#include "tools/cli/files.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/lib/sha256.h"

namespace septum::cli {

absl::StatusOr<std::vector<uint8_t>> ReadFile(const std::string& path) {
  const absl::Status cannot = absl::NotFoundError(absl::StrCat("cannot read `", path, "`"));
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return cannot;
  std::ifstream f(path, std::ios::binary);
  if (!f) return cannot;
  std::vector<uint8_t> bytes;
  char buffer[1 << 16];
  // istream::read turns a failing read into badbit (std::istreambuf_iterator would throw).
  while (f.read(buffer, sizeof(buffer)) || f.gcount() > 0) bytes.insert(bytes.end(), buffer, buffer + f.gcount());
  if (f.bad()) return cannot;
  return bytes;
}

absl::Status WriteFile(const std::string& path, absl::string_view bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) return absl::InternalError(absl::StrCat("cannot write `", path, "`"));
  return absl::OkStatus();
}

absl::Status WriteFile(const std::string& path, absl::Span<const uint8_t> bytes) {
  return WriteFile(path, absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

absl::Status WriteFileAtomically(const std::string& path, absl::Span<const uint8_t> bytes) {
  const std::string tmp = absl::StrCat(path, ".tmp");
  if (WriteFile(tmp, bytes).ok() && std::rename(tmp.c_str(), path.c_str()) == 0) return absl::OkStatus();
  std::remove(tmp.c_str());
  return absl::InternalError(absl::StrCat("cannot write `", path, "`"));
}

std::string Hex(absl::Span<const uint8_t> bytes) {
  std::string hex;
  for (uint8_t b : bytes) absl::StrAppendFormat(&hex, "%02x", b);
  return hex;
}

std::string Sha256Hex(absl::Span<const uint8_t> bytes) {
  const Sha256::Digest d = Sha256::Hash(septum::Span<const uint8_t>(bytes.data(), bytes.size()));
  return Hex(d.bytes);
}

absl::StatusOr<std::string> FileSha256(const std::string& path) {
  absl::StatusOr<std::vector<uint8_t>> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  return Sha256Hex(*bytes);
}

}  // namespace septum::cli
