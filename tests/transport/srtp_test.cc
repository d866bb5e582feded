// DTLS-SRTP: keys exported from the same DTLS association that carries the
// data channels protect RTP/RTCP sent on the same 5-tuple; the receiver
// demultiplexes by first byte (RFC 7983) in SecurePeer::HandleDelivery.
#include <cstdint>
#include <iostream>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "core/base/demux.h"
#include "core/base/time.h"
#include "core/datachannel/data_channel_manager.h"
#include "core/srtp/profile.h"
#include "core/srtp/session.h"
#include "gtest/gtest.h"
#include "tests/transport/two_peer_driver.h"

namespace simrtc::transport_test {
namespace {

using datachannel::ChannelMessage;
using datachannel::ChannelPtr;
using datachannel::ChannelState;

std::vector<uint8_t> RtpPacket(uint32_t ssrc, uint16_t seq, size_t payload) {
  std::vector<uint8_t> p = {0x80,
                            96,
                            static_cast<uint8_t>(seq >> 8),
                            static_cast<uint8_t>(seq),
                            0,
                            0,
                            static_cast<uint8_t>(seq >> 8),
                            static_cast<uint8_t>(seq),
                            static_cast<uint8_t>(ssrc >> 24),
                            static_cast<uint8_t>(ssrc >> 16),
                            static_cast<uint8_t>(ssrc >> 8),
                            static_cast<uint8_t>(ssrc)};
  for (size_t i = 0; i < payload; ++i) {
    p.push_back(static_cast<uint8_t>(seq * 7 + i));
  }
  return p;
}

// RTCP receiver report with no report blocks.
std::vector<uint8_t> RtcpRr(uint32_t ssrc) {
  return {0x80,
          201,
          0,
          1,
          static_cast<uint8_t>(ssrc >> 24),
          static_cast<uint8_t>(ssrc >> 16),
          static_cast<uint8_t>(ssrc >> 8),
          static_cast<uint8_t>(ssrc)};
}

class SrtpOverDtls : public ::testing::TestWithParam<srtp::Profile> {};

TEST_P(SrtpOverDtls, ProtectedMediaNextToDataChannel) {
  const srtp::Profile profile = GetParam();
  WorldOptions o;
  o.seed = 17;
  o.link_a = ImpairedLink(TimeDelta::Millis(10), 0.0);
  o.link_b = ImpairedLink(TimeDelta::Millis(10), 0.0);
  o.srtp_profiles_a = {profile};
  o.srtp_profiles_b = {profile};
  auto world = MakeWorld(o);
  ASSERT_TRUE(world.ok()) << world.status();
  World& w = *world;
  auto ch = w.a->manager().CreateChannel(w.driver->now(), "side");
  ASSERT_TRUE(ch.ok());
  ChannelPtr c = *ch;
  ASSERT_TRUE(w.driver->RunUntil(
      [&] {
        return c->state() == ChannelState::kOpen &&
               w.b->manager().channel(c->id()) != nullptr;
      },
      Timestamp::Seconds(30)));
  ASSERT_TRUE(w.a->handshake().has_value());
  ASSERT_TRUE(w.b->handshake().has_value());
  std::cout << "[srtp] profile " << srtp::ProfileName(profile)
            << " negotiated a="
            << (w.a->handshake()->srtp_profile
                    ? srtp::ProfileName(*w.a->handshake()->srtp_profile)
                    : "none")
            << " b="
            << (w.b->handshake()->srtp_profile
                    ? srtp::ProfileName(*w.b->handshake()->srtp_profile)
                    : "none")
            << " cipher " << w.a->handshake()->cipher_suite << std::endl;
  ASSERT_EQ(w.a->handshake()->srtp_profile, profile);
  ASSERT_EQ(w.b->handshake()->srtp_profile, profile);

  auto keys_a = w.a->dtls().ExportSrtpKeyingMaterial();
  auto keys_b = w.b->dtls().ExportSrtpKeyingMaterial();
  ASSERT_TRUE(keys_a.ok()) << keys_a.status();
  ASSERT_TRUE(keys_b.ok()) << keys_b.status();
  EXPECT_EQ(*keys_a, *keys_b);
  EXPECT_EQ(keys_a->profile, profile);
  EXPECT_NE(keys_a->client_write, keys_a->server_write);
  auto sa = srtp::Session::Create(
      srtp::SessionConfig::FromKeyingMaterial(*keys_a, /*is_client=*/true));
  auto sb = srtp::Session::Create(
      srtp::SessionConfig::FromKeyingMaterial(*keys_b, /*is_client=*/false));
  ASSERT_TRUE(sa.ok()) << sa.status();
  ASSERT_TRUE(sb.ok()) << sb.status();

  // Both directions: 50 RTP packets + 1 RTCP each, interleaved with data
  // channel messages both ways.
  constexpr int kPackets = 50;
  std::vector<std::vector<uint8_t>> plain_ab, plain_ba;
  auto send_media = [&](SecurePeer& p, srtp::Session& s, uint32_t ssrc,
                        uint16_t seq, std::vector<std::vector<uint8_t>>& log) {
    std::vector<uint8_t> pkt = RtpPacket(ssrc, seq, 160);
    log.push_back(pkt);
    const size_t len = pkt.size();
    pkt.resize(len + srtp::kMaxRtpOverhead);
    auto out = s.ProtectRtp(pkt, len);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(*out, len + s.rtp_overhead());
    pkt.resize(*out);
    EXPECT_EQ(ClassifyPacket(pkt), PacketClass::kRtp);
    p.SendRaw(std::move(pkt));
  };
  int dc_at_b = 0, dc_at_a = 0;
  w.b->on_event = [&](Timestamp now, const datachannel::Event& e) {
    if (auto* m = std::get_if<ChannelMessage>(&e)) {
      ++dc_at_b;
      EXPECT_TRUE(m->channel->Send(now, m->message).ok());
    }
  };
  w.a->on_event = [&](Timestamp, const datachannel::Event& e) {
    if (std::holds_alternative<ChannelMessage>(e)) ++dc_at_a;
  };
  for (int i = 0; i < kPackets; ++i) {
    send_media(*w.a, *sa, 0x1111, static_cast<uint16_t>(65500 + i), plain_ab);
    send_media(*w.b, *sb, 0x2222, static_cast<uint16_t>(i), plain_ba);
    ASSERT_TRUE(c->SendText(w.driver->now(), "dc " + std::to_string(i)).ok());
    w.driver->RunFor(TimeDelta::Millis(20));
  }
  for (auto [p, s, ssrc] : {std::tuple{w.a.get(), &*sa, 0x1111u},
                            std::tuple{w.b.get(), &*sb, 0x2222u}}) {
    std::vector<uint8_t> rr = RtcpRr(ssrc);
    const size_t len = rr.size();
    rr.resize(len + srtp::kMaxRtcpOverhead);
    auto out = s->ProtectRtcp(rr, len);
    ASSERT_TRUE(out.ok()) << out.status();
    rr.resize(*out);
    p->SendRaw(std::move(rr));
  }
  ASSERT_TRUE(w.driver->RunUntil(
      [&] {
        return w.b->rtp_inbox().size() == kPackets + 1 &&
               w.a->rtp_inbox().size() == kPackets + 1 && dc_at_a == kPackets;
      },
      w.driver->now() + TimeDelta::Seconds(10)));
  EXPECT_EQ(dc_at_b, kPackets);

  auto check = [&](SecurePeer& rx, srtp::Session& s,
                   const std::vector<std::vector<uint8_t>>& expected) {
    size_t rtp = 0, rtcp = 0;
    for (auto& pkt : rx.rtp_inbox()) {
      if (IsRtcp(pkt)) {
        auto n = s.UnprotectRtcp(pkt);
        ASSERT_TRUE(n.ok()) << n.status();
        EXPECT_EQ(*n, 8u);
        ++rtcp;
        continue;
      }
      auto n = s.UnprotectRtp(pkt);
      ASSERT_TRUE(n.ok()) << n.status();
      ASSERT_LT(rtp, expected.size());
      EXPECT_EQ(std::vector<uint8_t>(pkt.begin(), pkt.begin() + *n),
                expected[rtp]);
      ++rtp;
    }
    EXPECT_EQ(rtp, expected.size());
    EXPECT_EQ(rtcp, 1u);
  };
  check(*w.b, *sb, plain_ab);
  check(*w.a, *sa, plain_ba);
  EXPECT_EQ(w.a->unknown_datagrams(), 0u);
  EXPECT_EQ(w.b->unknown_datagrams(), 0u);
  // a's sender crossed the 16-bit sequence wrap; b followed it.
  auto roc = sb->RemoteRolloverCounter(0x1111);
  ASSERT_TRUE(roc.ok()) << roc.status();
  EXPECT_EQ(*roc, 1u);

  // A packet protected with the wrong direction's key is refused.
  std::vector<uint8_t> forged = RtpPacket(0x3333, 1, 20);
  size_t len = forged.size();
  forged.resize(len + srtp::kMaxRtpOverhead);
  auto out = sb->ProtectRtp(forged, len);  // b's own key, sent back to b
  ASSERT_TRUE(out.ok());
  forged.resize(*out);
  EXPECT_FALSE(sb->UnprotectRtp(forged).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, SrtpOverDtls, ::testing::ValuesIn(srtp::kAllProfiles),
    [](const ::testing::TestParamInfo<srtp::Profile>& info) {
      return std::string(srtp::ProfileName(info.param));
    });

}  // namespace
}  // namespace simrtc::transport_test
