#include "core/media/av1.h"

#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

void AppendObu(std::vector<uint8_t>& out, uint8_t type, size_t size,
               bool ext = false) {
  out.push_back(static_cast<uint8_t>((type << 3) | 0x02 | (ext ? 0x04 : 0)));
  if (ext) out.push_back(0x28);
  AppendLeb128(out, size);
  for (size_t i = 0; i < size; ++i) out.push_back(static_cast<uint8_t>(i * 3));
}

TEST(Av1Test, RoundTripAcrossMtus) {
  std::vector<uint8_t> tu, want;
  AppendObu(tu, 2, 0);  // temporal delimiter: not sent
  AppendObu(want, 1, 12);
  AppendObu(want, 6, 900);
  AppendObu(want, 6, 200, true);
  AppendObu(want, 3, 0);  // empty OBU
  tu.insert(tu.end(), want.begin(), want.end());
  for (size_t mtu : {3u, 4u, 50u, 129u, 130u, 1200u}) {
    Av1Payloader p;
    auto pl = p.Payload(mtu, tu);
    ASSERT_TRUE(pl.ok()) << pl.status();
    ASSERT_FALSE(pl->empty());
    EXPECT_TRUE((*pl)[0][0] & 0x08) << "N set: has a sequence header";
    Av1Depacketizer d;
    std::vector<uint8_t> out;
    for (const auto& x : *pl) {
      EXPECT_LE(x.size(), mtu);
      auto b = d.Depacketize(x);
      ASSERT_TRUE(b.ok()) << b.status() << " mtu " << mtu;
      out.insert(out.end(), b->begin(), b->end());
    }
    EXPECT_EQ(out, want) << mtu;
  }
}

TEST(Av1Test, WFieldAndLostStart) {
  Av1Depacketizer d;
  const uint8_t w2[] = {0x20, 0x02, 0x0A, 0xAB, 0x32, 0x01, 0x02};
  auto r = d.Depacketize(w2);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, (std::vector<uint8_t>{0x0A, 0x01, 0xAB, 0x32, 0x02, 1, 2}));
  const uint8_t cont_only[] = {0x80, 0x02, 0x01, 0x02};
  EXPECT_FALSE(d.Depacketize(cont_only).ok());
  EXPECT_FALSE(d.IsPartitionHead(cont_only));
}

TEST(Av1Test, Malformed) {
  Av1Depacketizer d;
  EXPECT_FALSE(d.Depacketize({}).ok());
  const uint8_t agg_only[] = {0x00};
  EXPECT_FALSE(d.Depacketize(agg_only).ok());
  const uint8_t overrun[] = {0x00, 0x09, 0x0A};
  auto r = d.Depacketize(overrun);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("exceeds"), std::string::npos);
  const uint8_t bad_leb[] = {0x00, 0xFF, 0xFF, 0xFF, 0xFF,
                             0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_FALSE(d.Depacketize(bad_leb).ok());
  const uint8_t extra_after_w[] = {0x10, 0x01, 0x0A};  // W=1: all one element
  EXPECT_TRUE(d.Depacketize(extra_after_w).ok());
  Av1Payloader p;
  const uint8_t forbidden[] = {0x80, 0x00};
  EXPECT_FALSE(p.Payload(100, forbidden).ok());
  const uint8_t short_obu[] = {0x0A, 0x05, 0x01};
  EXPECT_FALSE(p.Payload(100, short_obu).ok());
}

}  // namespace
}  // namespace simrtc::media
