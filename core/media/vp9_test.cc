#include "core/media/vp9.h"

#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

TEST(Vp9Test, PayloadRoundTripAndKeyFrameFlag) {
  std::vector<uint8_t> key(50, 0x11), inter(50, 0x11);
  key[0] = 0x82;    // marker 2, profile 0, show_existing 0, key frame
  inter[0] = 0x86;  // frame_type 1
  EXPECT_TRUE(IsVp9KeyFrame(key));
  EXPECT_FALSE(IsVp9KeyFrame(inter));
  Vp9Payloader p(0x7FFF);
  auto a = p.Payload(23, key);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 3u);  // 20 + 20 + 10
  Vp9Depacketizer d;
  std::vector<uint8_t> out;
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ(d.IsPartitionHead((*a)[i]), i == 0);
    auto b = d.Depacketize((*a)[i]);
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(d.last_descriptor().end_of_frame, i == 2);
    EXPECT_FALSE(d.last_descriptor().inter_predicted);
    EXPECT_EQ(d.last_descriptor().picture_id, 0x7FFF);
    out.insert(out.end(), b->begin(), b->end());
  }
  EXPECT_EQ(out, key);
  auto b = p.Payload(100, inter);
  ASSERT_TRUE(b.ok());
  auto desc = ParseVp9Descriptor((*b)[0]);
  ASSERT_TRUE(desc.ok());
  EXPECT_TRUE(desc->inter_predicted);
  EXPECT_EQ(desc->picture_id, 0);
}

TEST(Vp9Test, FlexibleModeWithReferences) {
  // I P L F B; 7-bit pid 5; TID 1 U SID 2 D; P_DIFF 1 (N) then 3.
  const uint8_t pl[] = {0xF8, 0x05, 0x35, 0x03, 0x06, 0xEE};
  auto d = ParseVp9Descriptor(pl);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->flexible);
  EXPECT_EQ(d->picture_id, 5);
  EXPECT_EQ(d->tid, 1);
  EXPECT_TRUE(d->switching_up);
  EXPECT_EQ(d->sid, 2);
  EXPECT_TRUE(d->inter_layer_dependency);
  EXPECT_FALSE(d->tl0_pic_idx.has_value());
  EXPECT_EQ(d->p_diffs, (std::vector<uint8_t>{1, 3}));
  EXPECT_EQ(d->header_size, 5u);
}

TEST(Vp9Test, NonFlexibleWithScalabilityStructure) {
  // I L B V; pid 15-bit 0x0102; layers TID0 SID0; TL0PICIDX 9;
  // SS: N_S=2 (value 1) Y G; 2 resolutions; N_G 1: TID 0, R=1, P_DIFF 1.
  const uint8_t pl[] = {0xAA, 0x81, 0x02, 0x00, 0x09, 0x38, 0x01, 0x40, 0x00,
                        0xF0, 0x02, 0x80, 0x01, 0xE0, 0x01, 0x04, 0x01, 0x77};
  auto d = ParseVp9Descriptor(pl);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->picture_id, 0x0102);
  EXPECT_EQ(d->tl0_pic_idx, 9);
  EXPECT_EQ(d->num_spatial_layers, 2);
  ASSERT_EQ(d->resolutions.size(), 2u);
  EXPECT_EQ(d->resolutions[0], (std::pair<uint16_t, uint16_t>{320, 240}));
  EXPECT_EQ(d->resolutions[1], (std::pair<uint16_t, uint16_t>{640, 480}));
  ASSERT_EQ(d->picture_group.size(), 1u);
  EXPECT_EQ(d->picture_group[0].p_diffs, (std::vector<uint8_t>{1}));
  EXPECT_EQ(d->header_size, 17u);
}

TEST(Vp9Test, Malformed) {
  Vp9Depacketizer d;
  EXPECT_FALSE(d.Depacketize({}).ok());
  const uint8_t too_many_refs[] = {0xD8, 0x05, 0x03, 0x03, 0x03, 0x03, 0x00};
  auto r = d.Depacketize(too_many_refs);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("more than 3"), std::string::npos);
  const uint8_t flex_no_pid[] = {0x58, 0x02, 0x00};
  EXPECT_FALSE(d.Depacketize(flex_no_pid).ok());
  const uint8_t ss_cut[] = {0x0A, 0x30, 0x01};
  EXPECT_FALSE(d.Depacketize(ss_cut).ok());
  Vp9Payloader p;
  const uint8_t f[] = {1, 2};
  EXPECT_FALSE(p.Payload(3, f).ok());
}

}  // namespace
}  // namespace simrtc::media
