#include "core/base/time.h"

#include <gtest/gtest.h>

namespace simrtc {
namespace {

TEST(TimeDeltaTest, UnitsConvert) {
  EXPECT_EQ(TimeDelta::Millis(3).us(), 3000);
  EXPECT_EQ(TimeDelta::Seconds(2).ms(), 2000);
  EXPECT_DOUBLE_EQ(TimeDelta::Micros(1500000).seconds(), 1.5);
  EXPECT_EQ(TimeDelta::SecondsF(0.25).us(), 250000);
}

TEST(TimeDeltaTest, ArithmeticAndOrdering) {
  TimeDelta a = TimeDelta::Millis(10);
  TimeDelta b = TimeDelta::Millis(4);
  EXPECT_EQ((a + b).ms(), 14);
  EXPECT_EQ((a - b).ms(), 6);
  EXPECT_EQ((a * 3).ms(), 30);
  EXPECT_EQ((3 * a).ms(), 30);
  EXPECT_EQ((a / 2).ms(), 5);
  EXPECT_DOUBLE_EQ(a / b, 2.5);
  EXPECT_EQ((a * 0.5).ms(), 5);
  EXPECT_LT(b, a);
  EXPECT_EQ((-a).ms(), -10);
  a += b;
  EXPECT_EQ(a.ms(), 14);
  a -= b;
  EXPECT_EQ(a.ms(), 10);
}

TEST(TimeDeltaTest, Formatting) {
  EXPECT_EQ(TimeDelta::Seconds(2).ToString(), "2s");
  EXPECT_EQ(TimeDelta::Millis(250).ToString(), "250ms");
  EXPECT_EQ(TimeDelta::Micros(1500).ToString(), "1.500ms");
  EXPECT_EQ(TimeDelta::Micros(42).ToString(), "42us");
  EXPECT_EQ(TimeDelta::Zero().ToString(), "0s");
  EXPECT_EQ(TimeDelta::Infinite().ToString(), "inf");
  EXPECT_EQ(TimeDelta::Millis(-5).ToString(), "-5ms");
}

TEST(TimestampTest, ArithmeticWithDeltas) {
  Timestamp t = Timestamp::Millis(100);
  EXPECT_EQ((t + TimeDelta::Millis(50)).ms(), 150);
  EXPECT_EQ((t - TimeDelta::Millis(50)).ms(), 50);
  EXPECT_EQ((Timestamp::Millis(180) - t).ms(), 80);
  t += TimeDelta::Seconds(1);
  EXPECT_EQ(t.ms(), 1100);
  EXPECT_TRUE((t + TimeDelta::Infinite()).IsInfinite());
  EXPECT_LT(t, Timestamp::Infinite());
}

TEST(TimestampTest, Formatting) {
  EXPECT_EQ(Timestamp::Micros(12000250).ToString(), "12.000250s");
  EXPECT_EQ(Timestamp::Zero().ToString(), "0.000000s");
  EXPECT_EQ(Timestamp::Micros(-1500000).ToString(), "-1.500000s");
  EXPECT_EQ(Timestamp::Infinite().ToString(), "inf");
}

}  // namespace
}  // namespace simrtc
