#include "core/media/h264.h"

#include <vector>

#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

std::vector<uint8_t> Nal(uint8_t header, size_t size) {
  std::vector<uint8_t> v(size);
  v[0] = header;
  for (size_t i = 1; i < size; ++i) v[i] = static_cast<uint8_t>(0x40 + i % 50);
  return v;
}

std::vector<uint8_t> AnnexB(const std::vector<std::vector<uint8_t>>& nals,
                            bool four_byte = true) {
  std::vector<uint8_t> out;
  for (const auto& n : nals) {
    if (four_byte) out.push_back(0);
    out.insert(out.end(), {0, 0, 1});
    out.insert(out.end(), n.begin(), n.end());
  }
  return out;
}

std::vector<uint8_t> RoundTrip(const Payloads& payloads, H264Depacketizer& d) {
  std::vector<uint8_t> out;
  for (const auto& p : payloads) {
    auto b = d.Depacketize(p);
    EXPECT_TRUE(b.ok()) << b.status();
    if (b.ok()) out.insert(out.end(), b->begin(), b->end());
  }
  return out;
}

TEST(H264Test, SplitAnnexBHandlesBothStartCodes) {
  std::vector<uint8_t> s = {0xFF, 0, 0,    1, 0x67, 1, 2, 0,    0,
                            0,    1, 0x68, 3, 0,    0, 1, 0x65, 9};
  auto nals = SplitAnnexB(s);
  ASSERT_EQ(nals.size(), 3u);
  EXPECT_EQ(nals[0].size(), 3u);
  EXPECT_EQ(nals[1][0], 0x68);
  EXPECT_EQ(nals[1].size(), 2u);
  EXPECT_EQ(nals[2].size(), 2u);
}

TEST(H264Test, SpsPpsAggregatedIntoStapA) {
  auto sps = Nal(0x67, 10), pps = Nal(0x68, 4), idr = Nal(0x65, 500);
  H264Payloader p;
  auto pl = p.Payload(200, AnnexB({Nal(0x09, 2), sps, pps, idr}, false));
  ASSERT_TRUE(pl.ok()) << pl.status();
  // STAP-A(sps, pps) + 3 FU-A fragments of 499 bytes body (198 per packet).
  ASSERT_EQ(pl->size(), 4u);
  EXPECT_EQ((*pl)[0][0] & 0x1F, kH264StapA);
  EXPECT_EQ((*pl)[0][0] & 0x60, 0x60);
  EXPECT_EQ((*pl)[0].size(), 1u + 2 + 10 + 2 + 4);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ((*pl)[i][0] & 0x1F, kH264FuA);
    EXPECT_LE((*pl)[i].size(), 200u);
  }
  EXPECT_EQ((*pl)[1][1], 0x80 | 5);
  EXPECT_EQ((*pl)[2][1], 5);
  EXPECT_EQ((*pl)[3][1], 0x40 | 5);
  H264Depacketizer d;
  EXPECT_TRUE(d.IsPartitionHead((*pl)[0]));
  EXPECT_TRUE(d.IsPartitionHead((*pl)[1]));
  EXPECT_FALSE(d.IsPartitionHead((*pl)[2]));
  EXPECT_EQ(RoundTrip(*pl, d), AnnexB({sps, pps, idr}));  // AUD dropped
}

TEST(H264Test, SingleNalAndAvcOutput) {
  auto nal = Nal(0x41, 50);
  H264Payloader p({.disable_stap_a = true});
  auto pl = p.Payload(100, AnnexB({nal, nal}));
  ASSERT_TRUE(pl.ok());
  ASSERT_EQ(pl->size(), 2u);
  EXPECT_EQ((*pl)[0], nal);
  H264Depacketizer d(H264Depacketizer::Output::kAvc);
  auto out = d.Depacketize((*pl)[0]);
  ASSERT_TRUE(out.ok());
  std::vector<uint8_t> want = {0, 0, 0, 50};
  want.insert(want.end(), nal.begin(), nal.end());
  EXPECT_EQ(*out, want);
}

TEST(H264Test, FuAWithoutStartIsError) {
  H264Depacketizer d;
  const uint8_t middle[] = {0x7C, 0x05, 1, 2};
  auto r = d.Depacketize(middle);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("without a start"), std::string::npos);
  // A lost end: a new start discards the partial unit.
  const uint8_t start[] = {0x7C, 0x85, 1, 2};
  const uint8_t end[] = {0x7C, 0x45, 3};
  ASSERT_TRUE(d.Depacketize(start).ok());
  ASSERT_TRUE(d.Depacketize(start).ok());
  auto done = d.Depacketize(end);
  ASSERT_TRUE(done.ok());
  std::vector<uint8_t> want = {0, 0, 0, 1, 0x65, 1, 2, 3};
  EXPECT_EQ(*done, want);
}

TEST(H264Test, MalformedPayloads) {
  H264Depacketizer d;
  EXPECT_FALSE(d.Depacketize({}).ok());
  const uint8_t stap_overrun[] = {0x18, 0x00, 0x09, 0x67, 1};
  auto r = d.Depacketize(stap_overrun);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("exceeds"), std::string::npos)
      << r.status();
  const uint8_t stap_half_size[] = {0x18, 0x00, 0x01, 0x67, 0x00};
  EXPECT_FALSE(d.Depacketize(stap_half_size).ok());
  const uint8_t stap_b[] = {0x19, 0, 0};
  EXPECT_FALSE(d.Depacketize(stap_b).ok());
  const uint8_t type0[] = {0x00, 1};
  EXPECT_FALSE(d.Depacketize(type0).ok());
  const uint8_t short_fu[] = {0x1C, 0x85};
  EXPECT_FALSE(d.Depacketize(short_fu).ok());
  H264Payloader p;
  EXPECT_FALSE(p.Payload(2, AnnexB({Nal(0x65, 10)})).ok());
}

TEST(H264Test, ManyMtusRoundTrip) {
  auto frame = AnnexB({Nal(0x67, 12), Nal(0x68, 5), Nal(0x06, 30),
                       Nal(0x65, 3000), Nal(0x41, 7)});
  for (size_t mtu : {3u, 4u, 20u, 47u, 100u, 1200u, 5000u}) {
    H264Payloader p;
    auto pl = p.Payload(mtu, frame);
    ASSERT_TRUE(pl.ok()) << mtu;
    for (auto& x : *pl) EXPECT_LE(x.size(), mtu);
    H264Depacketizer d;
    EXPECT_EQ(RoundTrip(*pl, d), frame) << mtu;
  }
}

// Parameter sets with known ids: the SPS id is the ue(v) after profile,
// constraint flags and level (byte 0x8C starts with '1': id 0; 0x4C starts
// '010': id 1); the PPS id starts the RBSP (0xCE: 0, 0x4E: 1, 0x6E: 2).
const std::vector<uint8_t> kSps0 = {0x67, 0x42, 0xC0, 0x1F, 0x8C, 0x8D, 0x40};
const std::vector<uint8_t> kSps0b = {0x67, 0x4D, 0x40, 0x28, 0x8C, 0x11};
const std::vector<uint8_t> kSps1 = {0x67, 0x42, 0xC0, 0x1F, 0x4C, 0x8D, 0x40};
const std::vector<uint8_t> kPps0 = {0x68, 0xCE, 0x3C, 0x80};
const std::vector<uint8_t> kPps1 = {0x68, 0x4E, 0x3C, 0x80};
const std::vector<uint8_t> kPps2 = {0x68, 0x6E, 0x3C, 0x80};

Payloads MustPayload(H264Payloader& p, size_t mtu,
                     const std::vector<uint8_t>& frame) {
  auto pl = p.Payload(mtu, frame);
  EXPECT_TRUE(pl.ok()) << pl.status();
  return pl.ok() ? *pl : Payloads{};
}

std::vector<std::vector<uint8_t>> Held(const H264Payloader& p) {
  std::vector<std::vector<uint8_t>> out;
  for (ByteSpan s : p.held_parameter_sets())
    out.emplace_back(s.begin(), s.end());
  return out;
}

// Today's case: SPS/PPS in the IDR's access unit go out where they stand
// and nothing is held.
TEST(H264Test, ParameterSetsWithIdrAreNotHeld) {
  auto idr = Nal(0x65, 40);
  H264Payloader p;
  Payloads pl = MustPayload(p, 1200, AnnexB({kSps0, kPps0, idr}));
  ASSERT_EQ(pl.size(), 1u);
  EXPECT_EQ(pl[0][0] & 0x1F, kH264StapA);
  EXPECT_TRUE(Held(p).empty());
  H264Depacketizer d;
  EXPECT_EQ(RoundTrip(pl, d), AnnexB({kSps0, kPps0, idr}));
  // The next access unit carries only what it has.
  auto slice = Nal(0x41, 30);
  Payloads next = MustPayload(p, 1200, AnnexB({slice}));
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0], slice);
}

// An access unit of only SPS and PPS yields nothing; they join the IDR in
// one STAP-A when it fits.
TEST(H264Test, ParameterSetsBeforeIdrJoinItsStapA) {
  H264Payloader p;
  EXPECT_TRUE(MustPayload(p, 1200, AnnexB({kSps0, kPps0})).empty());
  EXPECT_EQ(Held(p), (std::vector<std::vector<uint8_t>>{kSps0, kPps0}));
  auto idr = Nal(0x65, 100);
  Payloads pl = MustPayload(p, 1200, AnnexB({idr}));
  ASSERT_EQ(pl.size(), 1u);
  EXPECT_EQ(pl[0][0] & 0x1F, kH264StapA);
  EXPECT_EQ(pl[0].size(), 1u + 2 + kSps0.size() + 2 + kPps0.size() + 2 + 100);
  H264Depacketizer d;
  EXPECT_EQ(RoundTrip(pl, d), AnnexB({kSps0, kPps0, idr}));
  EXPECT_TRUE(Held(p).empty());
  // Sent once: the next IDR does not repeat them.
  Payloads again = MustPayload(p, 1200, AnnexB({idr}));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0], idr);
}

// An IDR too large for one packet: a STAP-A of the parameter sets first,
// then the IDR's FU-A fragments.
TEST(H264Test, ParameterSetsBeforeFragmentedIdr) {
  H264Payloader p;
  EXPECT_TRUE(MustPayload(p, 200, AnnexB({kSps0})).empty());
  EXPECT_TRUE(MustPayload(p, 200, AnnexB({kPps0})).empty());
  auto idr = Nal(0x65, 500);
  Payloads pl = MustPayload(p, 200, AnnexB({Nal(0x09, 2), idr}));
  ASSERT_EQ(pl.size(), 4u);
  EXPECT_EQ(pl[0][0] & 0x1F, kH264StapA);
  EXPECT_EQ(pl[0].size(), 1u + 2 + kSps0.size() + 2 + kPps0.size());
  EXPECT_EQ(pl[1][0] & 0x1F, kH264FuA);
  EXPECT_EQ(pl[1][1], 0x80 | 5);
  H264Depacketizer d;
  EXPECT_EQ(RoundTrip(pl, d), AnnexB({kSps0, kPps0, idr}));
}

// Parameter sets that come with non-IDR slices wait too; the slices go now.
TEST(H264Test, ParameterSetsWithNonIdrSliceWaitForIdr) {
  H264Payloader p;
  auto slice = Nal(0x41, 60), sei = Nal(0x06, 10), idr = Nal(0x65, 80);
  Payloads a = MustPayload(p, 1200, AnnexB({kSps0, kPps0, slice}));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0], slice);
  Payloads b = MustPayload(p, 1200, AnnexB({slice}));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0], slice);
  EXPECT_EQ(Held(p).size(), 2u);
  // Held sets go before the IDR's access unit, SEI included.
  Payloads c = MustPayload(p, 1200, AnnexB({sei, idr}));
  H264Depacketizer d;
  EXPECT_EQ(RoundTrip(c, d), AnnexB({kSps0, kPps0, sei, idr}));
}

// The hold keeps the newest of each (type, id), SPS before PPS.
TEST(H264Test, HeldParameterSetsReplacedById) {
  H264Payloader p;
  EXPECT_TRUE(MustPayload(p, 1200, AnnexB({kPps1, kSps0, kPps0})).empty());
  EXPECT_TRUE(MustPayload(p, 1200, AnnexB({kSps0b, kSps1})).empty());
  EXPECT_EQ(Held(p),
            (std::vector<std::vector<uint8_t>>{kSps0b, kSps1, kPps1, kPps0}));
  // The IDR's own SPS 1 and PPS 0 replace the held ones of those ids; the
  // rest are sent first.
  auto own_sps1 = kSps1;
  own_sps1.push_back(0x77);
  auto idr = Nal(0x65, 20);
  Payloads pl = MustPayload(p, 1200, AnnexB({own_sps1, kPps0, kPps2, idr}));
  H264Depacketizer d;
  EXPECT_EQ(RoundTrip(pl, d),
            AnnexB({kSps0b, kPps1, own_sps1, kPps0, kPps2, idr}));
  EXPECT_TRUE(Held(p).empty());
}

// An SPS whose id bits follow an emulation prevention byte still gets the
// right id: 00 00 03 E0 is 00 00 E0, so id 0 (not the 6 zero bits of 03).
TEST(H264Test, ParameterSetIdSkipsEmulationPrevention) {
  const std::vector<uint8_t> escaped = {0x67, 0x42, 0x00, 0x00, 0x03, 0xE0};
  H264Payloader p;
  EXPECT_TRUE(MustPayload(p, 1200, AnnexB({kSps0})).empty());
  EXPECT_TRUE(MustPayload(p, 1200, AnnexB({escaped})).empty());
  EXPECT_EQ(Held(p), (std::vector<std::vector<uint8_t>>{escaped}));
}

TEST(H264Test, HeldParameterSetsWithoutStapA) {
  H264Payloader p({.disable_stap_a = true});
  EXPECT_TRUE(MustPayload(p, 1200, AnnexB({kSps0, kPps0})).empty());
  auto idr = Nal(0x65, 50);
  Payloads pl = MustPayload(p, 1200, AnnexB({idr}));
  ASSERT_EQ(pl.size(), 3u);
  EXPECT_EQ(pl[0], kSps0);
  EXPECT_EQ(pl[1], kPps0);
  EXPECT_EQ(pl[2], idr);
}

TEST(H264Test, FailedPayloadKeepsHeldParameterSets) {
  H264Payloader p;
  EXPECT_TRUE(MustPayload(p, 1200, AnnexB({kSps0, kPps0})).empty());
  EXPECT_FALSE(p.Payload(2, AnnexB({Nal(0x65, 10)})).ok());
  EXPECT_FALSE(p.Payload(2, AnnexB({kSps1})).ok());
  EXPECT_EQ(Held(p), (std::vector<std::vector<uint8_t>>{kSps0, kPps0}));
}

}  // namespace
}  // namespace simrtc::media
