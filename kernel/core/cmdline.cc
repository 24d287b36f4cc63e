// kernel/core/cmdline.cc — see cmdline.h.
#include "kernel/core/cmdline.h"

namespace septum {

Result<StringView> FindCmdlineOption(StringView cmdline, StringView key) {
  size_t i = 0;
  while (i < cmdline.size()) {
    while (i < cmdline.size() && cmdline[i] == ' ') ++i;
    const size_t start = i;
    while (i < cmdline.size() && cmdline[i] != ' ') ++i;
    const StringView word = cmdline.Substr(start, i - start);
    if (word.empty()) continue;
    if (word == key) return StringView();
    if (word.StartsWith(key) && word[key.size()] == '=') return word.Substr(key.size() + 1);
  }
  return Status::kNotFound;
}

Result<uint64_t> ParseDecimal(StringView text) {
  if (text.size() == 0 || text.size() > 18) return Status::kInvalidArgument;
  uint64_t value = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return Status::kInvalidArgument;
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  return value;
}

}  // namespace septum
