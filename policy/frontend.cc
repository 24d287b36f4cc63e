// policy/frontend.cc — see frontend.h.
#include "policy/frontend.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "policy/checks.h"
#include "policy/flows.h"
#include "policy/parser.h"
#include "policy/placement.h"
#include "policy/resolve.h"

namespace septum::policy {
namespace {

std::string Plural(size_t n, const char* one, const char* many) { return absl::StrCat(n, " ", n == 1 ? one : many); }

}  // namespace

CheckOutcome CheckPolicyText(const std::string& path, std::string text) {
  CheckOutcome out;
  size_t bad = 0;
  const SourceProblem problem = ValidateSourceBytes(text, &bad);
  if (problem != SourceProblem::kNone) {
    // Keep only the valid prefix so the snippet shows clean text up to the offending byte.
    text.resize(problem == SourceProblem::kTooLarge ? 0 : bad);
    out.source = std::make_unique<SourceFile>(path, text);
    const Loc at = problem == SourceProblem::kTooLarge || problem == SourceProblem::kEmpty
                       ? Loc{}
                       : out.source->LocAt(static_cast<uint32_t>(bad), 1);
    switch (problem) {
      case SourceProblem::kEmpty:
        out.diags.Error(Code::kEmptyFile, at, "the policy file is empty").Help("a policy file holds one `system NAME { ... }`");
        break;
      case SourceProblem::kTooLarge:
        out.diags.Error(Code::kFileTooLarge, at, "the policy file is larger than 16 MiB")
            .Help("a policy of 4096 domains is about 1 MiB: is this the right file?");
        break;
      case SourceProblem::kNulByte:
        out.diags.Error(Code::kNulByte, at, absl::StrCat("NUL byte at offset ", bad)).Help("policy files are text: is this a binary file?");
        break;
      case SourceProblem::kNotUtf8:
        out.diags.Error(Code::kNotUtf8, at, absl::StrCat("invalid UTF-8 at offset ", bad))
            .Help("save the file as UTF-8");
        break;
      case SourceProblem::kNone:
        break;
    }
    return out;
  }
  out.source = std::make_unique<SourceFile>(path, std::move(text));
  const ast::File file = Parse(*out.source, &out.diags);
  if (out.diags.full()) return out;
  std::optional<System> system = Resolve(file, *out.source, &out.diags);
  if (!system) return out;
  Place(&*system, &out.diags);
  CheckIsolation(*system, &out.diags);
  CheckAssertions(*system, &out.diags);
  if (!out.diags.has_errors()) out.system = system;
  out.model = std::move(system);
  return out;
}

CheckOutcome CheckPolicyFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    CheckOutcome out;
    out.io_error = absl::StrCat("cannot read `", path, "`: ", std::strerror(errno));
    return out;
  }
  if (S_ISDIR(st.st_mode)) {
    CheckOutcome out;
    out.io_error = absl::StrCat("`", path, "` is a directory, not a policy file");
    return out;
  }
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > kMaxSourceBytes) {
    return CheckPolicyText(path, std::string(kMaxSourceBytes + 1, ' '));  // reported without reading it
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    CheckOutcome out;
    out.io_error = absl::StrCat("cannot read `", path, "`: ", std::strerror(errno));
    return out;
  }
  // Read at most one byte past the limit (a pipe or device has no size to check first).
  std::string text(kMaxSourceBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    CheckOutcome out;
    out.io_error = absl::StrCat("error reading `", path, "`");
    return out;
  }
  text.resize(static_cast<size_t>(in.gcount()));
  return CheckPolicyText(path, std::move(text));
}

std::string Summary(const System& sys) {
  return absl::StrCat(Plural(sys.domains.size(), "domain", "domains"), ", ", Plural(sys.regions.size(), "region", "regions"),
                      ", ", Plural(sys.devices.size(), "device", "devices"), ", ",
                      Plural(sys.channels.size(), "channel", "channels"), ", ", Plural(sys.platform.cpus, "CPU", "CPUs"));
}

}  // namespace septum::policy
