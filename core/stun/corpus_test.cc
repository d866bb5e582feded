// The seed corpus was written by testdata/make_corpus.py, an independent
// Python encoder (hmac, hashlib, zlib). Parsing and verifying it here
// cross-checks our MESSAGE-INTEGRITY(-SHA256), FINGERPRINT and XOR address
// code against a second implementation, beyond the RFC 5769 vectors.
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/stun/channel_data.h"
#include "core/stun/integrity.h"
#include "core/stun/message.h"
#include "gtest/gtest.h"

namespace simrtc::stun {
namespace {

std::vector<uint8_t> ReadCorpus(const std::string& name) {
  std::ifstream in("core/stun/testdata/stun_corpus/" + name + ".bin",
                   std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

const auto kKey = LongTermKey("user", "example.org", "pass");

TEST(CorpusTest, TurnMessagesVerify) {
  for (const char* name :
       {"turn_allocate_request", "turn_allocate_success", "turn_channel_bind",
        "turn_create_permission_sha256", "turn_refresh_family"}) {
    const auto bytes = ReadCorpus(name);
    auto msg = Message::Parse(bytes);
    ASSERT_TRUE(msg.ok()) << name << ": " << msg.status();
    EXPECT_TRUE(msg->VerifyMessageIntegrity(kKey).ok()) << name;
    if (msg->HasFingerprint()) {
      EXPECT_TRUE(msg->VerifyFingerprint().ok()) << name;
    }
    EXPECT_TRUE(UnknownComprehensionRequired(*msg).empty()) << name;
  }
}

TEST(CorpusTest, TurnAttributesDecode) {
  const auto alloc = ReadCorpus("turn_allocate_request");
  auto m = Message::Parse(alloc);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->method(), Method::kAllocate);
  EXPECT_EQ(m->GetRequestedTransport().value(), kProtocolUdp);
  EXPECT_TRUE(m->HasDontFragment());
  EXPECT_TRUE(m->GetEvenPort().value());
  EXPECT_EQ(m->GetLifetime().value(), TimeDelta::Seconds(600));

  const auto ok = ReadCorpus("turn_allocate_success");
  m = Message::Parse(ok);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->GetXorRelayedAddress()->ToString(), "198.51.100.7:49152");
  EXPECT_EQ(m->GetXorMappedAddress()->ToString(), "203.0.113.5:40001");
  EXPECT_EQ(m->GetReservationToken().value(), 0x0102030405060708u);

  const auto perm = ReadCorpus("turn_create_permission_sha256");
  m = Message::Parse(perm);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->VerifyMessageIntegritySha256(kKey).ok());
  auto peers = m->GetXorPeerAddresses();
  ASSERT_TRUE(peers.ok());
  ASSERT_EQ(peers->size(), 2u);
  EXPECT_EQ((*peers)[1].ToString(), "[2001:db8::10]:0");

  const auto err = ReadCorpus("error_420_unknown");
  m = Message::Parse(err);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->GetErrorCode()->code, 420);
  EXPECT_EQ(m->GetUnknownAttributes()->size(), 3u);
  EXPECT_EQ(m->GetAlternateServer()->ToString(), "192.0.2.99:3478");

  const auto ice = ReadCorpus("ice_binding_request");
  m = Message::Parse(ice);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->VerifyMessageIntegrity("icepassword0123456789").ok());
  EXPECT_TRUE(m->VerifyFingerprint().ok());
  EXPECT_EQ(m->GetIceControlling().value(), 0x1122334455667788u);
}

TEST(CorpusTest, ChannelData) {
  const auto padded = ReadCorpus("channel_data_padded");
  auto cd = ParseChannelData(padded);
  ASSERT_TRUE(cd.ok());
  EXPECT_EQ(cd->channel, 0x4001);
  EXPECT_EQ(AsString(cd->data), "hello");
  const auto unpadded = ReadCorpus("channel_data_unpadded");
  EXPECT_TRUE(ParseChannelData(unpadded).ok());
}

}  // namespace
}  // namespace simrtc::stun
