#include "examples/common/waiting.h"

#include <gtest/gtest.h>

#include "absl/status/statusor.h"

namespace simrtc::examples {
namespace {

TEST(RetryWhileUnavailableTest, RetriesUntilTheServerAnswers) {
  int calls = 0;
  absl::StatusOr<int> r = RetryWhileUnavailable(
      [&]() -> absl::StatusOr<int> {
        if (++calls < 3) return absl::UnavailableError("connection refused");
        return 42;
      },
      Clock::time_point::max());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(calls, 3);
}

TEST(RetryWhileUnavailableTest, OtherErrorsAndAPassedDeadlineEndIt) {
  int calls = 0;
  absl::StatusOr<int> other = RetryWhileUnavailable(
      [&]() -> absl::StatusOr<int> {
        ++calls;
        return absl::InvalidArgumentError("bad offer");
      },
      Clock::time_point::max());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 1);

  calls = 0;
  absl::StatusOr<int> late = RetryWhileUnavailable(
      [&]() -> absl::StatusOr<int> {
        ++calls;
        return absl::UnavailableError("connection refused");
      },
      Clock::now() - std::chrono::seconds(1));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(calls, 1);
}

TEST(WaitUntilTest, SaysWhetherTheConditionHeld) {
  int polls = 0;
  EXPECT_TRUE(WaitUntil([&] { return ++polls >= 3; }));
  EXPECT_GE(polls, 3);
  EXPECT_FALSE(
      WaitUntil([] { return false; }, Clock::now() - std::chrono::seconds(1)));
}

}  // namespace
}  // namespace simrtc::examples
