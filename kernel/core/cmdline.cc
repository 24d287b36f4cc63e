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

}  // namespace septum
