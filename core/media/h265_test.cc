#include "core/media/h265.h"

#include <string>
#include <vector>

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
  const uint8_t paci_nested[] = {0x64, 0x01, 0x64, 0x00, 0x02, 0x01};
  EXPECT_FALSE(d.Depacketize(paci_nested).ok());
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

// A PACI carrying `inner` (a single NAL unit, AP or FU packet with its
// 2-byte payload header): A and cType take the place of that header's F and
// Type, LayerId and TID stay in the PACI's own header.
std::vector<uint8_t> Paci(const std::vector<uint8_t>& inner,
                          const std::vector<uint8_t>& phes, bool f0 = false) {
  std::vector<uint8_t> p;
  p.push_back(static_cast<uint8_t>((50 << 1) | (inner[0] & 0x01)));
  p.push_back(inner[1]);
  const uint16_t fields = static_cast<uint16_t>(
      ((inner[0] & 0x80) << 8) | (((inner[0] >> 1) & 0x3F) << 9) |
      (phes.size() << 4) | (f0 ? 0x08 : 0));
  p.push_back(static_cast<uint8_t>(fields >> 8));
  p.push_back(static_cast<uint8_t>(fields));
  p.insert(p.end(), phes.begin(), phes.end());
  p.insert(p.end(), inner.begin() + 2, inner.end());
  return p;
}

TEST(H265Test, PaciSingleNalWithoutPhes) {
  auto nal = Nal(19, 40);  // IDR_W_RADL
  nal[1] = 0x0A;           // LayerId 1, TID 2
  const auto pl = Paci(nal, {});
  ASSERT_EQ(pl.size(), 4u + 38);
  auto h = ParseH265PaciHeader(pl);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_FALSE(h->a);
  EXPECT_EQ(h->ctype, 19);
  EXPECT_EQ(h->phs_size, 0);
  EXPECT_EQ(h->layer_id, 1);
  EXPECT_EQ(h->tid, 2);
  EXPECT_FALSE(h->f0 || h->f1 || h->f2 || h->y);
  EXPECT_FALSE(h->tsci.has_value());
  EXPECT_EQ(h->header_size, 4u);
  H265Depacketizer d;
  EXPECT_TRUE(d.IsPartitionHead(pl));
  auto out = d.Depacketize(pl);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, AnnexB({nal}));
}

TEST(H265Test, PaciWithPhesAndTsci) {
  auto nal = Nal(1, 25);  // TRAIL_R
  // TSCI: TL0PICIDX 7, IrapPicID 9, S=1 E=0; then two bytes of another
  // extension the receiver skips.
  const std::vector<uint8_t> phes = {0x07, 0x09, 0x80, 0xEE, 0xFF};
  auto pl = Paci(nal, phes, /*f0=*/true);
  pl[3] |= 0x07;  // F1, F2 and Y set: ignored by receivers
  auto h = ParseH265PaciHeader(pl);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->ctype, 1);
  EXPECT_EQ(h->phs_size, 5);
  EXPECT_TRUE(h->f0 && h->f1 && h->f2 && h->y);
  ASSERT_TRUE(h->tsci.has_value());
  EXPECT_EQ(h->tsci->tl0_pic_idx, 7);
  EXPECT_EQ(h->tsci->irap_pic_id, 9);
  EXPECT_TRUE(h->tsci->s);
  EXPECT_FALSE(h->tsci->e);
  EXPECT_EQ(h->header_size, 9u);
  H265Depacketizer d;
  auto out = d.Depacketize(pl);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, AnnexB({nal}));
  // The F bit travels as A.
  auto forbidden = nal;
  forbidden[0] |= 0x80;
  auto with_a = Paci(forbidden, phes, true);
  auto ha = ParseH265PaciHeader(with_a);
  ASSERT_TRUE(ha.ok());
  EXPECT_TRUE(ha->a);
  auto out_a = d.Depacketize(with_a);
  ASSERT_TRUE(out_a.ok()) << out_a.status();
  EXPECT_EQ(*out_a, AnnexB({forbidden}));
  // PHSsize at its 5-bit maximum, without F0.
  auto max_phes = Paci(nal, std::vector<uint8_t>(31, 0xAB));
  auto hm = ParseH265PaciHeader(max_phes);
  ASSERT_TRUE(hm.ok()) << hm.status();
  EXPECT_EQ(hm->phs_size, 31);
  EXPECT_EQ(hm->header_size, 35u);
  auto out_m = d.Depacketize(max_phes);
  ASSERT_TRUE(out_m.ok()) << out_m.status();
  EXPECT_EQ(*out_m, AnnexB({nal}));
}

// A header-only NAL unit (end of sequence) in a PACI: nothing after PHES.
TEST(H265Test, PaciHeaderOnlyNal) {
  const std::vector<uint8_t> eos = {0x48, 0x01};
  H265Depacketizer d;
  auto out = d.Depacketize(Paci(eos, {0x01, 0x02, 0x00}, true));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, AnnexB({eos}));
}

TEST(H265Test, PaciCarryingApAndFus) {
  auto vps = Nal(32, 12), sps = Nal(33, 20), pps = Nal(34, 6),
       idr = Nal(19, 300);
  H265Payloader p;
  // mtu 100: one AP (vps, sps, pps) then FUs for the IDR.
  auto pl = p.Payload(100, AnnexB({vps, sps, pps, idr}));
  ASSERT_TRUE(pl.ok()) << pl.status();
  ASSERT_GE(pl->size(), 4u);
  H265Depacketizer d;
  std::vector<uint8_t> out;
  for (size_t i = 0; i < pl->size(); ++i) {
    // Alternate: even packets wrapped in PACIs (with a PHES on some), odd
    // ones as they are; the FU reassembly spans both kinds.
    std::vector<uint8_t> pkt = (*pl)[i];
    if (i % 2 == 0) {
      pkt = Paci(pkt, i % 4 == 0 ? std::vector<uint8_t>{1, 2, 3, 4}
                                 : std::vector<uint8_t>{});
    }
    const bool fu = (((*pl)[i][0] >> 1) & 0x3F) == kH265Fu;
    EXPECT_EQ(d.IsPartitionHead(pkt), !fu || ((*pl)[i][2] & 0x80) != 0) << i;
    auto b = d.Depacketize(pkt);
    ASSERT_TRUE(b.ok()) << i << ": " << b.status();
    out.insert(out.end(), b->begin(), b->end());
  }
  EXPECT_EQ(out, AnnexB({vps, sps, pps, idr}));
}

TEST(H265Test, MalformedPaci) {
  H265Depacketizer d;
  auto expect_error = [&](const std::vector<uint8_t>& pl, const char* needle) {
    auto r = d.Depacketize(pl);
    ASSERT_FALSE(r.ok()) << needle;
    EXPECT_NE(std::string(r.status().message()).find(needle), std::string::npos)
        << r.status();
  };
  // Header cut: only the payload header, or one byte of the fields.
  expect_error({0x64, 0x01}, "PACI header fields");
  expect_error({0x64, 0x01, 0x26}, "PACI header fields");
  // PHSsize 4 with only 2 PHES bytes.
  expect_error({0x64, 0x01, 0x26, 0x40, 0xAA, 0xBB}, "PHSsize 4 exceeds");
  // F0 with a PHES too short for the TSCI.
  expect_error({0x64, 0x01, 0x26, 0x28, 0x01, 0x02, 0xAA},
               "F0 set but PHSsize 2");
  // Nested PACI and reserved cType.
  expect_error({0x64, 0x01, 0x64, 0x00, 0xAA}, "cannot carry a PACI");
  expect_error({0x64, 0x01, 0x6A, 0x00, 0xAA}, "cType at offset 2: 53");
  // AP inside: a NALU size running past the end, offset counted in the
  // whole payload (4 header + 1 PHES byte).
  expect_error({0x64, 0x01, 0x60, 0x10, 0xEE, 0x00, 0x09, 0x40, 0x01},
               "NALU size 9 at offset 5");
  // AP inside with nothing after the PHES.
  expect_error({0x64, 0x01, 0x60, 0x00}, "AP at offset 4: no NAL units");
  // FU inside: no FU header, and a continuation without a start.
  expect_error({0x64, 0x01, 0x62, 0x00}, "FU at offset 4");
  expect_error({0x64, 0x01, 0x62, 0x00, 0x13, 0xAA}, "without a start");
  EXPECT_FALSE(d.IsPartitionHead(std::vector<uint8_t>{0x64, 0x01, 0x62}));
  EXPECT_FALSE(
      d.IsPartitionHead(std::vector<uint8_t>{0x64, 0x01, 0x62, 0x10, 0xEE}));
  // A bad PACI drops a fragmented unit in progress.
  const uint8_t fu_start[] = {0x62, 0x01, 0x93, 0xAA};
  const uint8_t fu_end[] = {0x62, 0x01, 0x53, 0xBB};
  ASSERT_TRUE(d.Depacketize(fu_start).ok());
  expect_error({0x64, 0x01, 0x62, 0x40, 0xAA}, "PHSsize 4");
  EXPECT_FALSE(d.Depacketize(fu_end).ok());
  // ParseH265PaciHeader on other packet types.
  const uint8_t ap[] = {0x60, 0x01, 0x00, 0x00};
  EXPECT_FALSE(ParseH265PaciHeader(ap).ok());
  // Every truncation of a valid PACI with PHES fails or yields a shorter
  // NAL; none crashes.
  auto full = Paci(Nal(1, 10), {7, 9, 0x40}, true);
  for (size_t n = 0; n < full.size(); ++n) {
    auto r = d.Depacketize(ByteSpan(full.data(), n));
    EXPECT_EQ(r.ok(), n >= 7) << n;
  }
}

}  // namespace
}  // namespace simrtc::media
