#include "core/media/vp8.h"

#include <vector>

#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

std::vector<uint8_t> Bytes(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + 1);
  return v;
}

TEST(Vp8Test, PayloadSplitsAndRoundTrips) {
  Vp8Payloader p;
  auto frame = Bytes(25);
  auto payloads = p.Payload(10, frame);
  ASSERT_TRUE(payloads.ok()) << payloads.status();
  ASSERT_EQ(payloads->size(), 3u);  // 9 + 9 + 7
  Vp8Depacketizer d;
  std::vector<uint8_t> out;
  for (size_t i = 0; i < payloads->size(); ++i) {
    const auto& pl = (*payloads)[i];
    EXPECT_LE(pl.size(), 10u);
    EXPECT_EQ(d.IsPartitionHead(pl), i == 0);
    auto b = d.Depacketize(pl);
    ASSERT_TRUE(b.ok()) << b.status();
    out.insert(out.end(), b->begin(), b->end());
  }
  EXPECT_EQ(out, frame);
}

TEST(Vp8Test, PictureIdIncrementsPerFrame) {
  Vp8Payloader p({.enable_picture_id = true, .initial_picture_id = 0x7FFF});
  auto a = p.Payload(100, Bytes(5));
  auto b = p.Payload(100, Bytes(5));
  ASSERT_TRUE(a.ok() && b.ok());
  auto da = ParseVp8Descriptor((*a)[0]);
  auto db = ParseVp8Descriptor((*b)[0]);
  ASSERT_TRUE(da.ok() && db.ok());
  EXPECT_EQ(da->picture_id, 0x7FFF);
  EXPECT_TRUE(da->picture_id_15bit);
  EXPECT_EQ(db->picture_id, 0);  // wraps at 15 bits
  EXPECT_EQ(da->header_size, 4u);
}

TEST(Vp8Test, ParsesAllExtensions) {
  // X=1 N=1 S=1 PID=2; I L T K; 7-bit picture id 0x55; TL0 0x33;
  // TID=2 Y=1 KEYIDX=5.
  const uint8_t pl[] = {0xB2, 0xF0, 0x55, 0x33, 0xA5, 0xAA};
  auto d = ParseVp8Descriptor(pl);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->non_reference);
  EXPECT_TRUE(d->start_of_partition);
  EXPECT_EQ(d->partition_index, 2);
  EXPECT_EQ(d->picture_id, 0x55);
  EXPECT_FALSE(d->picture_id_15bit);
  EXPECT_EQ(d->tl0_pic_idx, 0x33);
  EXPECT_EQ(d->tid, 2);
  EXPECT_TRUE(d->layer_sync);
  EXPECT_EQ(d->key_idx, 5);
  EXPECT_EQ(d->header_size, 5u);
  Vp8Depacketizer dp;
  EXPECT_FALSE(dp.IsPartitionHead(pl));  // PID != 0
}

TEST(Vp8Test, MalformedPayloadsAreErrors) {
  Vp8Depacketizer d;
  EXPECT_FALSE(d.Depacketize({}).ok());
  const uint8_t no_ext[] = {0x90};
  auto s = d.Depacketize(no_ext);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("extension"), std::string::npos)
      << s.status();
  const uint8_t short_pid[] = {0x90, 0x80, 0x80};
  s = d.Depacketize(short_pid);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("PictureID"), std::string::npos)
      << s.status();
  const uint8_t header_only[] = {0x10};
  EXPECT_FALSE(d.Depacketize(header_only).ok());
}

TEST(Vp8Test, MtuTooSmall) {
  Vp8Payloader p({.enable_picture_id = true});
  EXPECT_FALSE(p.Payload(4, Bytes(3)).ok());
  auto empty = p.Payload(4, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace simrtc::media
