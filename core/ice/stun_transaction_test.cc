#include "core/ice/stun_transaction.h"

#include <gtest/gtest.h>

#include <vector>

namespace simrtc::ice {
namespace {

// Drives a transaction to its end and returns the send times (ms) and the
// timeout time.
std::pair<std::vector<int64_t>, int64_t> Schedule(const RetransmitPolicy& p) {
  StunTransaction tx;
  tx.Start(Timestamp::Zero(), p);
  std::vector<int64_t> sends = {0};
  for (int i = 0; i < 100; ++i) {
    const Timestamp t = tx.NextTime();
    EXPECT_FALSE(t.IsInfinite());
    switch (tx.Advance(t)) {
      case StunTransaction::Step::kRetransmit:
        sends.push_back(t.ms());
        break;
      case StunTransaction::Step::kTimedOut:
        EXPECT_TRUE(tx.finished());
        EXPECT_TRUE(tx.NextTime().IsInfinite());
        return {sends, t.ms()};
      case StunTransaction::Step::kNothing:
        ADD_FAILURE() << "nothing due at NextTime";
        return {sends, -1};
    }
  }
  return {sends, -1};
}

TEST(StunTransactionTest, Rfc8489DefaultSchedule) {
  auto [sends, timeout] = Schedule(RetransmitPolicy{});
  EXPECT_EQ(sends,
            (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_EQ(timeout, 39500);
  EXPECT_EQ(RetransmitPolicy{}.TotalTimeout(), TimeDelta::Millis(39500));
}

TEST(StunTransactionTest, CappedSchedule) {
  RetransmitPolicy p{TimeDelta::Millis(500), 7, 4, TimeDelta::Millis(1600)};
  auto [sends, timeout] = Schedule(p);
  EXPECT_EQ(sends,
            (std::vector<int64_t>{0, 500, 1500, 3100, 4700, 6300, 7900}));
  EXPECT_EQ(timeout, 9900);
  EXPECT_EQ(p.TotalTimeout(), TimeDelta::Millis(9900));
}

TEST(StunTransactionTest, SingleTransmission) {
  RetransmitPolicy p{TimeDelta::Millis(100), 1, 3};
  auto [sends, timeout] = Schedule(p);
  EXPECT_EQ(sends, std::vector<int64_t>{0});
  EXPECT_EQ(timeout, 300);
}

TEST(StunTransactionTest, NothingBeforeDeadlineAndFinishStops) {
  StunTransaction tx;
  tx.Start(Timestamp::Seconds(1), RetransmitPolicy{});
  EXPECT_EQ(tx.Advance(Timestamp::Millis(1499)),
            StunTransaction::Step::kNothing);
  EXPECT_EQ(tx.Advance(Timestamp::Millis(1500)),
            StunTransaction::Step::kRetransmit);
  EXPECT_EQ(tx.transmissions(), 2);
  EXPECT_EQ(tx.first_sent(), Timestamp::Seconds(1));
  EXPECT_EQ(tx.last_sent(), Timestamp::Millis(1500));
  tx.Finish();
  EXPECT_EQ(tx.Advance(Timestamp::Seconds(100)),
            StunTransaction::Step::kNothing);
}

TEST(StunTransactionTest, StopRetransmittingTimesOutAtNextDeadline) {
  StunTransaction tx;
  tx.Start(Timestamp::Zero(), RetransmitPolicy{});
  tx.StopRetransmitting();
  EXPECT_EQ(tx.Advance(Timestamp::Millis(500)),
            StunTransaction::Step::kTimedOut);
}

TEST(StunTransactionTest, ValidateNamesTheField) {
  RetransmitPolicy p;
  p.rto = TimeDelta::Zero();
  absl::Status s = p.Validate("cfg");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("cfg.rto"), std::string::npos);
  p = RetransmitPolicy{};
  p.max_transmissions = 0;
  EXPECT_FALSE(p.Validate("cfg").ok());
  p = RetransmitPolicy{};
  p.max_rto = TimeDelta::Millis(10);
  EXPECT_FALSE(p.Validate("cfg").ok());
  EXPECT_TRUE(RetransmitPolicy{}.Validate("cfg").ok());
}

}  // namespace
}  // namespace simrtc::ice
