// tools/cli/args.cc — see args.h.
#include "tools/cli/args.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace septum::cli {

Flag Flag::Bool(std::string name) {
  Flag f;
  f.name = std::move(name);
  return f;
}

Flag Flag::Value(std::string name, std::string takes) { return Values(std::move(name), 1, std::move(takes)); }

Flag Flag::Values(std::string name, int count, std::string takes) {
  Flag f = Bool(std::move(name));
  f.values = count;
  f.takes = std::move(takes);
  return f;
}

Flag Flag::Repeated(std::string name, std::string takes) {
  Flag f = Value(std::move(name), std::move(takes));
  f.repeated = true;
  return f;
}

Flag Flag::Required() const {
  Flag f = *this;
  f.required = true;
  return f;
}

Flag Flag::Check(std::function<bool(const std::string&)> valid, std::function<std::string(const std::string&)> refused) const {
  Flag f = *this;
  f.valid = std::move(valid);
  f.refused = std::move(refused);
  return f;
}

std::string ParsedArgs::Value(absl::string_view flag, const std::string& fallback) const {
  const auto it = values_.find(std::string(flag));
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> ParsedArgs::Values(absl::string_view flag) const {
  const auto it = values_.find(std::string(flag));
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

const std::string& ParsedArgs::positional() const {
  static const std::string* const kNone = new std::string;
  return positionals_.empty() ? *kNone : positionals_.front();
}

namespace {

absl::Status UsageError(const ArgSpec& spec, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(spec.command, ": ", message));
}

absl::Status TakesError(const ArgSpec& spec, const Flag& flag) {
  return UsageError(spec, absl::StrCat(flag.name, " takes ", flag.takes));
}

}  // namespace

absl::StatusOr<ParsedArgs> ParseArgs(const ArgSpec& spec, absl::Span<const std::string> args) {
  ParsedArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--help" || word == "-h") {
      parsed.help_ = true;
      return parsed;
    }
    if (!absl::StartsWith(word, "-")) {
      if (parsed.positionals_.size() == spec.positionals) return UsageError(spec, spec.too_many);
      parsed.positionals_.push_back(word);
      continue;
    }
    // A known flag: the whole word, or `--name=` for a long flag of one value.
    const Flag* flag = nullptr;
    std::vector<std::string> values;
    for (const Flag& f : spec.flags) {
      if (word == f.name) {
        flag = &f;
      } else if (f.values == 1 && absl::StartsWith(f.name, "--") && absl::StartsWith(word, f.name + "=")) {
        flag = &f;
        values.push_back(word.substr(f.name.size() + 1));
      }
      if (flag) break;
    }
    if (!flag) {
      return UsageError(spec, spec.unknown_option_is_usage ? spec.usage : absl::StrCat("unknown option `", word, "`"));
    }
    if (values.empty() && flag->values > 0) {
      if (args.size() - i - 1 < static_cast<size_t>(flag->values)) return TakesError(spec, *flag);
      values.assign(args.begin() + i + 1, args.begin() + i + 1 + flag->values);
      i += flag->values;
    }
    for (const std::string& v : values) {
      if (flag->valid && !flag->valid(v)) {
        return flag->refused ? absl::InvalidArgumentError(flag->refused(v)) : TakesError(spec, *flag);
      }
    }
    std::vector<std::string>& kept = parsed.values_[flag->name];
    if (!flag->repeated) kept.clear();
    kept.insert(kept.end(), values.begin(), values.end());
  }
  bool missing = parsed.positionals_.size() < spec.positionals;
  for (const std::string& p : parsed.positionals_) missing |= p.empty();
  for (const Flag& f : spec.flags) {
    if (!f.required) continue;
    const auto it = parsed.values_.find(f.name);
    missing |= it == parsed.values_.end();
    if (it != parsed.values_.end()) {
      for (const std::string& v : it->second) missing |= v.empty();
    }
  }
  if (missing) return UsageError(spec, spec.usage);
  return parsed;
}

}  // namespace septum::cli
