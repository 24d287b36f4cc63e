#include "kernel/lib/result.h"

#include <gtest/gtest.h>

namespace septum {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::kInvalidArgument;
  return x / 2;
}

Result<int> Quarter(int x) {
  SEPTUM_ASSIGN_OR_RETURN(int half, Half(x));
  SEPTUM_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  SEPTUM_TRY(Half(x));
  return Status::kOk;
}

Status Chain(Status first, Status second) {
  SEPTUM_TRY(first);
  SEPTUM_TRY(second);
  return Status::kOk;
}

TEST(ResultTest, HoldsValue) {
  Result<int> r = Half(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.status(), Status::kOk);
  EXPECT_EQ(r.value(), 4);
  EXPECT_EQ(r.value_or(-1), 4);
}

TEST(ResultTest, HoldsError) {
  Result<int> r = Half(7);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status(), Status::kInvalidArgument);
  EXPECT_EQ(r.value_or(-1), -1);
}

TEST(ResultTest, AssignOrReturnPropagatesFirstError) {
  EXPECT_EQ(Quarter(12).value(), 3);
  EXPECT_EQ(Quarter(6).status(), Status::kInvalidArgument);  // 6/2 = 3 is odd
  EXPECT_EQ(Quarter(5).status(), Status::kInvalidArgument);
}

TEST(ResultTest, TryPropagates) {
  EXPECT_EQ(CheckEven(4), Status::kOk);
  EXPECT_EQ(CheckEven(3), Status::kInvalidArgument);
  EXPECT_EQ(Chain(Status::kOk, Status::kDenied), Status::kDenied);
  EXPECT_EQ(Chain(Status::kNotFound, Status::kDenied), Status::kNotFound);
}

TEST(ResultDeathTest, ValueOfErrorPanics) {
  Result<int> r = Status::kDenied;
  EXPECT_DEATH((void)r.value(), "PANIC.*assertion failed: ok\\(\\)");
}

TEST(ResultDeathTest, OkStatusWithoutValuePanics) {
  EXPECT_DEATH((void)Result<int>(Status::kOk), "PANIC");
}

TEST(StatusTest, NamesAreStable) {
  EXPECT_STREQ(StatusName(Status::kOk), "ok");
  EXPECT_STREQ(StatusName(Status::kDenied), "denied");
  EXPECT_STREQ(StatusName(Status::kCorrupt), "corrupt");
  EXPECT_STREQ(StatusName(static_cast<Status>(999)), "unknown");
  EXPECT_EQ(static_cast<uint32_t>(Status::kDenied), 1u);  // ABI value
  EXPECT_EQ(static_cast<uint32_t>(Status::kCorrupt), 8u);
}

}  // namespace
}  // namespace septum
