#include "core/srtp/session.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/base/byte_io.h"
#include "core/base/rng.h"
#include "core/srtp/profile.h"
#include "gtest/gtest.h"

namespace simrtc::srtp {
namespace {

using ::testing::TestWithParam;
using ::testing::ValuesIn;

// Both sides of one DTLS-SRTP association, keyed as a handshake would.
struct Pair {
  Session client;
  Session server;
};

KeyingMaterial MakeKeys(Profile profile, uint64_t seed) {
  Rng rng(seed);
  std::vector<uint8_t> exported(ExportedKeyingMaterialLength(profile));
  rng.Fill(exported);
  return *SplitKeyingMaterial(profile, exported);
}

Pair MakePair(Profile profile, uint64_t seed = 7, size_t replay_window = 1024) {
  KeyingMaterial keys = MakeKeys(profile, seed);
  SessionConfig c = SessionConfig::FromKeyingMaterial(keys, true);
  SessionConfig s = SessionConfig::FromKeyingMaterial(keys, false);
  c.replay_window = s.replay_window = replay_window;
  auto client = Session::Create(c);
  auto server = Session::Create(s);
  EXPECT_TRUE(client.ok()) << client.status();
  EXPECT_TRUE(server.ok()) << server.status();
  return Pair{std::move(*client), std::move(*server)};
}

// An RTP packet with `payload_len` bytes of payload plus tail room.
std::vector<uint8_t> RtpPacket(uint32_t ssrc, uint16_t seq, size_t payload_len,
                               uint8_t fill = 0xab) {
  std::vector<uint8_t> p(12 + payload_len + kMaxRtpOverhead, fill);
  p[0] = 0x80;
  p[1] = 96;
  StoreBE16(&p[2], seq);
  StoreBE32(&p[4], 1000u * seq);
  StoreBE32(&p[8], ssrc);
  return p;
}

// A receiver report with one report block.
std::vector<uint8_t> RtcpPacket(uint32_t ssrc) {
  std::vector<uint8_t> p(32 + kMaxRtcpOverhead, 0x5a);
  p[0] = 0x81;
  p[1] = 201;
  StoreBE16(&p[2], 7);
  StoreBE32(&p[4], ssrc);
  return p;
}

class SessionProfileTest : public TestWithParam<Profile> {};

INSTANTIATE_TEST_SUITE_P(
    AllProfiles, SessionProfileTest, ValuesIn(kAllProfiles),
    [](const auto& info) {
      return std::string(ProfileName(info.param)).substr(5);
    });

TEST_P(SessionProfileTest, RtpRoundTripBothDirections) {
  Pair pair = MakePair(GetParam());
  const ProfileInfo& info = GetProfileInfo(GetParam());
  for (uint16_t seq = 1; seq <= 50; ++seq) {
    for (bool from_client : {true, false}) {
      Session& tx = from_client ? pair.client : pair.server;
      Session& rx = from_client ? pair.server : pair.client;
      const uint32_t ssrc = from_client ? 0x11111111u : 0x22222222u;
      std::vector<uint8_t> packet = RtpPacket(ssrc, seq, 100 + seq);
      const size_t plain_len = 12 + 100 + seq;
      const std::vector<uint8_t> plain(packet.begin(),
                                       packet.begin() + plain_len);
      auto n = tx.ProtectRtp(packet, plain_len);
      ASSERT_TRUE(n.ok()) << n.status();
      ASSERT_EQ(*n, plain_len + info.rtp_overhead);
      // The header stays in the clear; the payload does not.
      EXPECT_TRUE(
          std::equal(plain.begin(), plain.begin() + 12, packet.begin()));
      EXPECT_FALSE(
          std::equal(plain.begin() + 12, plain.end(), packet.begin() + 12));
      auto m = rx.UnprotectRtp(std::span<uint8_t>(packet.data(), *n));
      ASSERT_TRUE(m.ok()) << m.status();
      ASSERT_EQ(*m, plain_len);
      EXPECT_TRUE(std::equal(plain.begin(), plain.end(), packet.begin()));
    }
  }
}

TEST_P(SessionProfileTest, RtcpRoundTripBothDirections) {
  Pair pair = MakePair(GetParam());
  const ProfileInfo& info = GetProfileInfo(GetParam());
  for (int i = 0; i < 20; ++i) {
    for (bool from_client : {true, false}) {
      Session& tx = from_client ? pair.client : pair.server;
      Session& rx = from_client ? pair.server : pair.client;
      std::vector<uint8_t> packet = RtcpPacket(from_client ? 1u : 2u);
      const std::vector<uint8_t> plain(packet.begin(), packet.begin() + 32);
      auto n = tx.ProtectRtcp(packet, 32);
      ASSERT_TRUE(n.ok()) << n.status();
      ASSERT_EQ(*n, 32 + info.rtcp_overhead);
      auto m = rx.UnprotectRtcp(std::span<uint8_t>(packet.data(), *n));
      ASSERT_TRUE(m.ok()) << m.status();
      ASSERT_EQ(*m, 32u);
      EXPECT_TRUE(std::equal(plain.begin(), plain.end(), packet.begin()));
    }
  }
}

// RFC 3711 3.3.1: the rollover counter carries the index across the 16-bit
// sequence wrap. 70000 packets from seq 30000 cross 65535 -> 0 once.
TEST_P(SessionProfileTest, RolloverCounterAcrossSequenceWrap) {
  Pair pair = MakePair(GetParam());
  constexpr uint32_t kSsrc = 0xdecafbad;
  constexpr int kPackets = 70000;
  constexpr uint16_t kFirstSeq = 30000;
  for (int i = 0; i < kPackets; ++i) {
    const uint16_t seq = static_cast<uint16_t>(kFirstSeq + i);
    std::vector<uint8_t> packet =
        RtpPacket(kSsrc, seq, 40, static_cast<uint8_t>(i));
    auto n = pair.client.ProtectRtp(packet, 52);
    ASSERT_TRUE(n.ok()) << "packet " << i << ": " << n.status();
    auto m = pair.server.UnprotectRtp(std::span<uint8_t>(packet.data(), *n));
    ASSERT_TRUE(m.ok()) << "packet " << i << " seq " << seq << ": "
                        << m.status();
    ASSERT_EQ(packet[12], static_cast<uint8_t>(i));
  }
  EXPECT_EQ(*pair.client.LocalRolloverCounter(kSsrc), 1u);
  EXPECT_EQ(*pair.server.RemoteRolloverCounter(kSsrc), 1u);
}

// Reordering across the wrap: packets 65534, 0, 65535, 2, 1 must all pass,
// which needs the receiver to guess ROC-1 for the late 65535.
TEST_P(SessionProfileTest, ReorderingAroundTheWrap) {
  Pair pair = MakePair(GetParam());
  const std::vector<uint16_t> send = {65533, 65534, 65535, 0, 1, 2};
  std::vector<std::vector<uint8_t>> wire;
  for (uint16_t seq : send) {
    std::vector<uint8_t> packet =
        RtpPacket(5, seq, 20, static_cast<uint8_t>(seq));
    auto n = pair.client.ProtectRtp(packet, 32);
    ASSERT_TRUE(n.ok()) << n.status();
    packet.resize(*n);
    wire.push_back(packet);
  }
  for (size_t idx : {0u, 1u, 3u, 2u, 5u, 4u}) {
    auto m = pair.server.UnprotectRtp(wire[idx]);
    ASSERT_TRUE(m.ok()) << "seq " << send[idx] << ": " << m.status();
    EXPECT_EQ(wire[idx][12], static_cast<uint8_t>(send[idx]));
  }
}

TEST_P(SessionProfileTest, ReplayIsRejectedNamingSsrcAndSeq) {
  Pair pair = MakePair(GetParam());
  std::vector<uint8_t> packet = RtpPacket(0x0badcafe, 4242, 64);
  auto n = pair.client.ProtectRtp(packet, 76);
  ASSERT_TRUE(n.ok());
  packet.resize(*n);
  std::vector<uint8_t> copy = packet;
  ASSERT_TRUE(pair.server.UnprotectRtp(packet).ok());
  auto again = pair.server.UnprotectRtp(copy);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("replayed"), std::string::npos);
  EXPECT_NE(again.status().message().find("SSRC 0x0badcafe seq 4242"),
            std::string::npos)
      << again.status();
}

TEST_P(SessionProfileTest, SrtcpReplayIsRejected) {
  Pair pair = MakePair(GetParam());
  std::vector<uint8_t> packet = RtcpPacket(0x1234);
  auto n = pair.client.ProtectRtcp(packet, 32);
  ASSERT_TRUE(n.ok());
  packet.resize(*n);
  std::vector<uint8_t> copy = packet;
  ASSERT_TRUE(pair.server.UnprotectRtcp(packet).ok());
  auto again = pair.server.UnprotectRtcp(copy);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("SSRC 0x00001234 SRTCP index 1"),
            std::string::npos)
      << again.status();
}

TEST_P(SessionProfileTest, TamperingIsDetectedAnywhere) {
  Pair pair = MakePair(GetParam());
  std::vector<uint8_t> packet = RtpPacket(0xfeedf00d, 777, 64);
  auto n = pair.client.ProtectRtp(packet, 76);
  ASSERT_TRUE(n.ok());
  packet.resize(*n);
  // One flipped bit in the header (timestamp), the payload and the tag.
  for (size_t at : {size_t{5}, size_t{40}, packet.size() - 1}) {
    std::vector<uint8_t> bad = packet;
    bad[at] ^= 0x01;
    auto m = pair.server.UnprotectRtp(bad);
    ASSERT_FALSE(m.ok()) << "flip at " << at;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_NE(m.status().message().find("SSRC 0xfeedf00d seq 777"),
              std::string::npos)
        << m.status();
  }
  // The genuine packet still passes: failed ones left no replay state.
  EXPECT_TRUE(pair.server.UnprotectRtp(packet).ok());
}

TEST_P(SessionProfileTest, SrtcpTamperingIsDetected) {
  Pair pair = MakePair(GetParam());
  std::vector<uint8_t> packet = RtcpPacket(0x42);
  auto n = pair.client.ProtectRtcp(packet, 32);
  ASSERT_TRUE(n.ok());
  packet.resize(*n);
  std::vector<uint8_t> bad = packet;
  bad[20] ^= 0x80;
  auto m = pair.server.UnprotectRtcp(bad);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(m.status().message().find("SSRC 0x00000042"), std::string::npos);
  EXPECT_TRUE(pair.server.UnprotectRtcp(packet).ok());
}

TEST_P(SessionProfileTest, WrongKeyFailsAuthentication) {
  Pair a = MakePair(GetParam(), 1);
  Pair b = MakePair(GetParam(), 2);
  std::vector<uint8_t> packet = RtpPacket(9, 1, 30);
  auto n = a.client.ProtectRtp(packet, 42);
  ASSERT_TRUE(n.ok());
  auto m = b.server.UnprotectRtp(std::span<uint8_t>(packet.data(), *n));
  EXPECT_EQ(m.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(SessionTest, PacketOlderThanWindowIsRejected) {
  Pair pair = MakePair(Profile::kAes128CmHmacSha1_80, 3, /*replay_window=*/64);
  std::vector<std::vector<uint8_t>> wire;
  for (uint16_t seq = 100; seq < 300; ++seq) {
    std::vector<uint8_t> packet = RtpPacket(1, seq, 10);
    auto n = pair.client.ProtectRtp(packet, 22);
    ASSERT_TRUE(n.ok());
    packet.resize(*n);
    wire.push_back(packet);
  }
  ASSERT_TRUE(pair.server.UnprotectRtp(wire.back()).ok());  // seq 299
  auto old = pair.server.UnprotectRtp(wire[0]);             // seq 100
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(old.status().message().find("older than the 64-packet replay"),
            std::string::npos)
      << old.status();
  // Inside the window, out of order, is fine.
  EXPECT_TRUE(pair.server.UnprotectRtp(wire[190]).ok());
}

TEST(SessionTest, ForgedPacketCreatesNoStream) {
  Pair pair = MakePair(Profile::kAeadAes128Gcm);
  std::vector<uint8_t> forged = RtpPacket(0x77777777, 1, 40);
  forged.resize(12 + 40 + 16);
  EXPECT_FALSE(pair.server.UnprotectRtp(forged).ok());
  EXPECT_EQ(pair.server.RemoteRolloverCounter(0x77777777).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(SessionTest, ExplicitStreamsWhenWildcardsAreOff) {
  KeyingMaterial keys = MakeKeys(Profile::kAes128CmHmacSha1_80, 11);
  SessionConfig c = SessionConfig::FromKeyingMaterial(keys, true);
  SessionConfig s = SessionConfig::FromKeyingMaterial(keys, false);
  c.any_local_ssrc = false;
  s.any_remote_ssrc = false;
  auto client = Session::Create(c);
  auto server = Session::Create(s);
  ASSERT_TRUE(client.ok() && server.ok());

  std::vector<uint8_t> packet = RtpPacket(0xabc, 1, 20);
  auto n = client->ProtectRtp(packet, 32);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(client->AddLocalStream(0xabc).ok());
  packet = RtpPacket(0xabc, 1, 20);
  n = client->ProtectRtp(packet, 32);
  ASSERT_TRUE(n.ok()) << n.status();
  auto m = server->UnprotectRtp(std::span<uint8_t>(packet.data(), *n));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(m.status().message().find("SSRC 0x00000abc"), std::string::npos);

  ASSERT_TRUE(server->AddRemoteStream(0xabc).ok());
  EXPECT_EQ(server->AddRemoteStream(0xabc).code(),
            absl::StatusCode::kAlreadyExists);
  packet = RtpPacket(0xabc, 2, 20);
  n = client->ProtectRtp(packet, 32);
  ASSERT_TRUE(n.ok());
  m = server->UnprotectRtp(std::span<uint8_t>(packet.data(), *n));
  EXPECT_TRUE(m.ok()) << m.status();

  ASSERT_TRUE(server->RemoveRemoteStream(0xabc).ok());
  EXPECT_EQ(server->RemoveRemoteStream(0xabc).code(),
            absl::StatusCode::kNotFound);
}

TEST(SessionTest, RepeatedProtectNeedsAllowRepeatTx) {
  KeyingMaterial keys = MakeKeys(Profile::kAes128CmHmacSha1_80, 12);
  SessionConfig c = SessionConfig::FromKeyingMaterial(keys, true);
  c.allow_repeat_tx = false;
  auto client = Session::Create(c);
  ASSERT_TRUE(client.ok());
  std::vector<uint8_t> packet = RtpPacket(1, 10, 20);
  ASSERT_TRUE(client->ProtectRtp(packet, 32).ok());
  packet = RtpPacket(1, 10, 20);
  auto again = client->ProtectRtp(packet, 32);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition)
      << again.status();

  c.allow_repeat_tx = true;
  auto lenient = Session::Create(c);
  ASSERT_TRUE(lenient.ok());
  packet = RtpPacket(1, 10, 20);
  ASSERT_TRUE(lenient->ProtectRtp(packet, 32).ok());
  packet = RtpPacket(1, 10, 20);
  EXPECT_TRUE(lenient->ProtectRtp(packet, 32).ok());
}

TEST(SessionTest, RejectsBadConfig) {
  KeyingMaterial keys = MakeKeys(Profile::kAeadAes128Gcm, 1);
  SessionConfig c = SessionConfig::FromKeyingMaterial(keys, true);
  c.local.salt.pop_back();
  auto s = Session::Create(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("expected 16-byte key and 12-byte salt"),
            std::string::npos)
      << s.status();
  c = SessionConfig::FromKeyingMaterial(keys, true);
  c.replay_window = 10;
  EXPECT_EQ(Session::Create(c).status().code(),
            absl::StatusCode::kInvalidArgument);
  c = SessionConfig::FromKeyingMaterial(keys, true);
  c.profile = static_cast<Profile>(5);
  EXPECT_FALSE(Session::Create(c).ok());
}

TEST(SessionTest, RejectsMalformedPacketsAndSmallBuffers) {
  Pair pair = MakePair(Profile::kAes128CmHmacSha1_80);
  std::vector<uint8_t> packet = RtpPacket(1, 1, 20);
  // No room for the 10-byte tag.
  auto n = pair.client.ProtectRtp(std::span<uint8_t>(packet.data(), 35), 32);
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(n.status().message().find("no room for a 10-byte trailer"),
            std::string::npos);
  // packet_len beyond the buffer.
  EXPECT_FALSE(
      pair.client.ProtectRtp(std::span<uint8_t>(packet.data(), 10), 32).ok());
  // Short and wrong-version packets.
  std::vector<uint8_t> short_packet(11, 0x80);
  EXPECT_EQ(pair.server.UnprotectRtp(short_packet).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<uint8_t> v1 = RtpPacket(1, 1, 20);
  v1[0] = 0x40;
  EXPECT_NE(pair.client.ProtectRtp(v1, 32).status().message().find(
                "version at offset 0 is 1"),
            std::string::npos);
  // CSRC count pointing past the end.
  std::vector<uint8_t> csrc = RtpPacket(1, 1, 0);
  csrc[0] = 0x8f;
  EXPECT_EQ(pair.client.ProtectRtp(csrc, 12).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<uint8_t> rtcp(7, 0x80);
  EXPECT_FALSE(pair.server.UnprotectRtcp(rtcp).ok());
}

TEST(SessionTest, RandomGarbageNeverCrashes) {
  Pair pair = MakePair(Profile::kAeadAes256Gcm);
  Rng rng(99);
  for (int i = 0; i < 5000; ++i) {
    std::vector<uint8_t> junk(rng.Uniform(200));
    rng.Fill(junk);
    if (!junk.empty() && rng.Bernoulli(0.5)) junk[0] = 0x80 | (junk[0] & 0x3f);
    std::vector<uint8_t> copy = junk;
    EXPECT_FALSE(pair.server.UnprotectRtp(junk).ok());
    EXPECT_FALSE(pair.server.UnprotectRtcp(copy).ok());
  }
}

TEST(SessionTest, MoveKeepsStreams) {
  Pair pair = MakePair(Profile::kAes128CmHmacSha1_32);
  Session moved = std::move(pair.client);
  std::vector<uint8_t> packet = RtpPacket(3, 3, 10);
  auto n = moved.ProtectRtp(packet, 22);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 26u);
  EXPECT_TRUE(
      pair.server.UnprotectRtp(std::span<uint8_t>(packet.data(), *n)).ok());
}

}  // namespace
}  // namespace simrtc::srtp
