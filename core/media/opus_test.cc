#include "core/media/opus.h"

#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

TEST(OpusTest, WholeFrameRoundTrip) {
  OpusPayloader p;
  std::vector<uint8_t> frame(300, 0xAB);
  auto pl = p.Payload(100, frame);  // never split
  ASSERT_TRUE(pl.ok());
  ASSERT_EQ(pl->size(), 1u);
  OpusDepacketizer d;
  auto out = d.Depacketize((*pl)[0]);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, frame);
  EXPECT_TRUE(d.IsPartitionHead((*pl)[0]));
  EXPECT_TRUE(d.IsPartitionTail(false, (*pl)[0]));
  EXPECT_FALSE(d.Depacketize({}).ok());
  EXPECT_TRUE(p.Payload(100, {})->empty());
}

}  // namespace
}  // namespace simrtc::media
