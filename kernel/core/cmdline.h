// kernel/core/cmdline.h — reading `key=value` options from the kernel command line.
//
// The command line is a space-separated list of words; an option is a word `key=value` or a bare
// `key` (value ""). The first occurrence of a key wins.
#ifndef SEPTUM_KERNEL_CORE_CMDLINE_H_
#define SEPTUM_KERNEL_CORE_CMDLINE_H_

#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/string_view.h"

namespace septum {

// The value of option `key`, or kNotFound.
Result<StringView> FindCmdlineOption(StringView cmdline, StringView key);

// A decimal number of at most 18 digits (no sign, no spaces); kInvalidArgument otherwise.
Result<uint64_t> ParseDecimal(StringView text);

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_CMDLINE_H_
