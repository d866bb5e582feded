#include "core/media/h265.h"

#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

std::vector<uint8_t> Nal(uint8_t type, size_t size) {
  std::vector<uint8_t> v(size);
  v[0] = static_cast<uint8_t>(type << 1);
  v[1] = 0x01;  // LayerId 0, TID 1
  for (size_t i = 2; i < size; ++i) v[i] = static_cast<uint8_t>(0x30 + i % 60);
  return v;
}

std::vector<uint8_t> AnnexB(const std::vector<std::vector<uint8_t>>& nals) {
  std::vector<uint8_t> out;
  for (const auto& n : nals) {
    out.insert(out.end(), {0, 0, 0, 1});
    out.insert(out.end(), n.begin(), n.end());
  }
  return out;
}

TEST(H265Test, ApFuRoundTrip) {
  auto vps = Nal(32, 20), sps = Nal(33, 30), pps = Nal(34, 8),
       idr = Nal(19, 700);
  auto frame = AnnexB({Nal(35, 3), vps, sps, pps, idr});
  for (size_t mtu : {4u, 10u, 100u, 1200u}) {
    H265Payloader p;
    auto pl = p.Payload(mtu, frame);
    ASSERT_TRUE(pl.ok()) << pl.status();
    H265Depacketizer d;
    std::vector<uint8_t> out;
    for (const auto& x : *pl) {
      EXPECT_LE(x.size(), mtu);
      auto b = d.Depacketize(x);
      ASSERT_TRUE(b.ok()) << b.status();
      out.insert(out.end(), b->begin(), b->end());
    }
    EXPECT_EQ(out, AnnexB({vps, sps, pps, idr})) << mtu;  // AUD dropped
    if (mtu == 100) {
      EXPECT_EQ(((*pl)[0][0] >> 1) & 0x3F, kH265Ap);
      EXPECT_EQ(((*pl)[1][0] >> 1) & 0x3F, kH265Fu);
      EXPECT_TRUE(d.IsPartitionHead((*pl)[1]));
      EXPECT_FALSE(d.IsPartitionHead((*pl)[2]));
    }
  }
}

TEST(H265Test, Malformed) {
  H265Depacketizer d;
  EXPECT_FALSE(d.Depacketize({}).ok());
  const uint8_t ap_overrun[] = {0x60, 0x01, 0x00, 0x09, 0x40, 0x01};
  auto r = d.Depacketize(ap_overrun);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("exceeds"), std::string::npos);
  const uint8_t fu_middle[] = {0x62, 0x01, 0x13, 0xAA};
  EXPECT_FALSE(d.Depacketize(fu_middle).ok());
  const uint8_t paci[] = {0x64, 0x01, 0x00, 0x00};
  EXPECT_FALSE(d.Depacketize(paci).ok());
  const uint8_t header_only[] = {0x64};
  EXPECT_FALSE(d.Depacketize(header_only).ok());
  const uint8_t fu_without_fu_header[] = {0x62, 0x01};
  EXPECT_FALSE(d.Depacketize(fu_without_fu_header).ok());
  EXPECT_FALSE(d.IsPartitionHead(fu_without_fu_header));
  const uint8_t empty_ap[] = {0x60, 0x01};
  EXPECT_FALSE(d.Depacketize(empty_ap).ok());
  H265Payloader p;
  EXPECT_FALSE(p.Payload(3, AnnexB({Nal(19, 10)})).ok());
}

// End of sequence and end of bitstream NAL units are only their 2-byte
// header; they travel as single NAL unit packets and come back intact.
TEST(H265Test, HeaderOnlyNalUnitsRoundTrip) {
  const std::vector<uint8_t> eos = {0x48, 0x01};  // type 36
  const std::vector<uint8_t> eob = {0x4A, 0x01};  // type 37
  H265Payloader p;
  H265Depacketizer d;
  for (const auto& nal : {eos, eob}) {
    std::vector<uint8_t> annexb = {0, 0, 0, 1};
    annexb.insert(annexb.end(), nal.begin(), nal.end());
    auto pl = p.Payload(1200, annexb);
    ASSERT_TRUE(pl.ok()) << pl.status();
    ASSERT_EQ(pl->size(), 1u);
    EXPECT_EQ((*pl)[0], nal);
    EXPECT_TRUE(d.IsPartitionHead((*pl)[0]));
    auto back = d.Depacketize((*pl)[0]);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, annexb);
  }
}

}  // namespace
}  // namespace simrtc::media
