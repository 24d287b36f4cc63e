// kernel/lib/result.h — Result<T>: a value or a non-ok Status, and the TRY macros.
//
// Invariant: a Result holds a value exactly when its status is kOk. Reading the value of an
// error is a broken invariant and panics. T must be default-constructible and copyable (the
// kernel's values are small plain structs; no std::optional in a freestanding build).
//
//   Result<Span<const uint8_t>> Find(...);
//   Status Use() {
//     SEPTUM_ASSIGN_OR_RETURN(auto bytes, Find(...));
//     SEPTUM_TRY(Check(bytes));
//     return Status::kOk;
//   }
#ifndef SEPTUM_KERNEL_LIB_RESULT_H_
#define SEPTUM_KERNEL_LIB_RESULT_H_

#include "kernel/abi/status.h"
#include "kernel/lib/panic.h"

namespace septum {

template <typename T>
class [[nodiscard]] Result {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): implicit, so `return value;` works.
  Result(const T& value) : value_(value), status_(Status::kOk) {}
  // NOLINTNEXTLINE(google-explicit-constructor): implicit, so `return Status::kDenied;` works.
  Result(Status error) : value_(), status_(error) {
    SEPTUM_ASSERT(error != Status::kOk);  // an ok Result must carry a value
  }

  bool ok() const { return status_ == Status::kOk; }
  Status status() const { return status_; }

  const T& value() const {
    SEPTUM_ASSERT(ok());
    return value_;
  }
  T& value() {
    SEPTUM_ASSERT(ok());
    return value_;
  }
  T value_or(const T& fallback) const { return ok() ? value_ : fallback; }

 private:
  T value_;
  Status status_;
};

// The status of a Status or a Result, for the macros below.
inline Status StatusOf(Status s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) { return r.status(); }

}  // namespace septum

#define SEPTUM_CONCAT_INNER_(a, b) a##b
#define SEPTUM_CONCAT_(a, b) SEPTUM_CONCAT_INNER_(a, b)

// Evaluates expr (a Status or a Result); returns its status from the caller if not ok.
#define SEPTUM_TRY(expr)                                                 \
  do {                                                                   \
    const ::septum::Status septum_try_status_ = ::septum::StatusOf(expr); \
    if (septum_try_status_ != ::septum::Status::kOk) return septum_try_status_; \
  } while (0)

// Evaluates expr (a Result<T>); returns its status if not ok, else assigns its value to lhs.
#define SEPTUM_ASSIGN_OR_RETURN(lhs, expr) \
  SEPTUM_ASSIGN_OR_RETURN_IMPL_(SEPTUM_CONCAT_(septum_result_, __LINE__), lhs, expr)
#define SEPTUM_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = tmp.value()

#endif  // SEPTUM_KERNEL_LIB_RESULT_H_
