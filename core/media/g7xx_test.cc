#include "core/media/g7xx.h"

#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

TEST(G7xxTest, SplitsIntoMtuChunks) {
  G7xxPayloader p;
  std::vector<uint8_t> frame(250);
  for (size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<uint8_t>(i);
  auto pl = p.Payload(100, frame);
  ASSERT_TRUE(pl.ok());
  ASSERT_EQ(pl->size(), 3u);
  EXPECT_EQ((*pl)[2].size(), 50u);
  G7xxDepacketizer d;
  std::vector<uint8_t> out;
  for (auto& x : *pl) {
    auto b = d.Depacketize(x);
    ASSERT_TRUE(b.ok());
    out.insert(out.end(), b->begin(), b->end());
  }
  EXPECT_EQ(out, frame);
  EXPECT_FALSE(p.Payload(0, frame).ok());
}

}  // namespace
}  // namespace simrtc::media
