#include "core/rtp/sequence_number.h"

#include "gtest/gtest.h"

namespace simrtc::rtp {
namespace {

TEST(SequenceNumberTest, IsNewer) {
  EXPECT_TRUE(IsNewerSequenceNumber(1, 0));
  EXPECT_FALSE(IsNewerSequenceNumber(0, 1));
  EXPECT_FALSE(IsNewerSequenceNumber(5, 5));
  EXPECT_TRUE(IsNewerSequenceNumber(0, 0xFFFF));
  EXPECT_TRUE(IsNewerSequenceNumber(10, 0xFFF0));
  EXPECT_FALSE(IsNewerSequenceNumber(0xFFF0, 10));
  EXPECT_TRUE(IsNewerSequenceNumber(0x7FFF, 0));
  // Exactly half apart: exactly one direction wins.
  EXPECT_TRUE(IsNewerSequenceNumber(0x8000, 0));
  EXPECT_FALSE(IsNewerSequenceNumber(0, 0x8000));
  EXPECT_EQ(LatestSequenceNumber(0xFFFF, 2), 2);
  EXPECT_TRUE(IsNewerTimestamp(0, 0xFFFFFFFF));
  EXPECT_FALSE(IsNewerTimestamp(0xFFFFFFFF, 0));
  EXPECT_TRUE(IsNewerTimestamp(0x80000000, 0));
  EXPECT_FALSE(IsNewerTimestamp(0, 0x80000000));
  EXPECT_EQ(LatestTimestamp(100, 0xFFFFFF00), 100u);
}

TEST(SequenceNumberTest, AntisymmetricEverywhere) {
  for (uint32_t a = 0; a < 65536; a += 257) {
    for (uint32_t b = 0; b < 65536; b += 263) {
      const auto x = static_cast<uint16_t>(a);
      const auto y = static_cast<uint16_t>(b);
      if (x == y) continue;
      EXPECT_NE(IsNewerSequenceNumber(x, y), IsNewerSequenceNumber(y, x));
    }
  }
}

TEST(UnwrapperTest, SequenceNumbersForwardAcrossWrap) {
  SequenceNumberUnwrapper u;
  EXPECT_EQ(u.Unwrap(65533), 65533);
  EXPECT_EQ(u.Unwrap(65535), 65535);
  EXPECT_EQ(u.Unwrap(0), 65536);
  EXPECT_EQ(u.Unwrap(5), 65541);
  for (int i = 0; i < 3 * 65536; i += 1000) {
    u.Unwrap(static_cast<uint16_t>(65541 + i));
  }
  EXPECT_EQ(*u.last_unwrapped(), 65541 + (3 * 65536 - 1) / 1000 * 1000);
}

TEST(UnwrapperTest, SequenceNumbersReorderedAcrossWrap) {
  SequenceNumberUnwrapper u;
  EXPECT_EQ(u.Unwrap(2), 2);
  EXPECT_EQ(u.Unwrap(65535), -1);  // arrived late, from before the start
  EXPECT_EQ(u.Unwrap(3), 3);
  EXPECT_EQ(u.Unwrap(1), 1);
  EXPECT_EQ(u.PeekUnwrap(0x8001), 0x8001);  // exactly half: forward
  EXPECT_EQ(u.PeekUnwrap(0x8002), 0x8002 - 65536);
  EXPECT_EQ(*u.last_unwrapped(), 1);
  u.Reset();
  EXPECT_EQ(u.Unwrap(7), 7);
}

TEST(UnwrapperTest, Timestamps) {
  TimestampUnwrapper u;
  EXPECT_EQ(u.Unwrap(0xFFFFFF00u), 0xFFFFFF00);
  EXPECT_EQ(u.Unwrap(0x00000100u), 0x100000100);
  EXPECT_EQ(u.Unwrap(0xFFFFFFF0u), 0xFFFFFFF0);  // reordered
  EXPECT_EQ(u.Unwrap(0x7FFFFFE0u), 0x17FFFFFE0);
}

}  // namespace
}  // namespace simrtc::rtp
