// Proves libsrtp2 links and works: one protect/unprotect round trip with a
// fixed key, and tampering detected.
#include <gtest/gtest.h>
#include <srtp2/srtp.h>

#include <cstring>
#include <vector>

namespace {

class SrtpSmokeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(srtp_init(), srtp_err_status_ok); }
  void TearDown() override { srtp_shutdown(); }
};

srtp_t MakeSession(srtp_ssrc_type_t direction, uint8_t* key) {
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
  policy.ssrc.type = direction;
  policy.key = key;
  policy.window_size = 128;
  srtp_t session = nullptr;
  EXPECT_EQ(srtp_create(&session, &policy), srtp_err_status_ok);
  return session;
}

TEST_F(SrtpSmokeTest, ProtectUnprotectRoundTrip) {
  uint8_t key[30];
  for (int i = 0; i < 30; ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
  srtp_t sender = MakeSession(ssrc_any_outbound, key);
  srtp_t receiver = MakeSession(ssrc_any_inbound, key);
  ASSERT_NE(sender, nullptr);
  ASSERT_NE(receiver, nullptr);

  // RTP header (V=2, PT=96, seq=1, ts=1000, ssrc=0x11223344) + 100 bytes.
  std::vector<uint8_t> packet = {0x80, 0x60, 0x00, 0x01, 0x00, 0x00,
                                 0x03, 0xe8, 0x11, 0x22, 0x33, 0x44};
  for (int i = 0; i < 100; ++i) packet.push_back(static_cast<uint8_t>(i));
  const std::vector<uint8_t> original = packet;
  packet.resize(packet.size() + SRTP_MAX_TRAILER_LEN);
  int len = static_cast<int>(original.size());
  ASSERT_EQ(srtp_protect(sender, packet.data(), &len), srtp_err_status_ok);
  EXPECT_EQ(len, static_cast<int>(original.size()) + 10);  // 80-bit tag
  EXPECT_NE(std::memcmp(packet.data() + 12, original.data() + 12, 100), 0);

  std::vector<uint8_t> tampered(packet.begin(), packet.begin() + len);
  tampered[20] ^= 1;
  int tampered_len = len;
  EXPECT_EQ(srtp_unprotect(receiver, tampered.data(), &tampered_len),
            srtp_err_status_auth_fail);

  ASSERT_EQ(srtp_unprotect(receiver, packet.data(), &len), srtp_err_status_ok);
  ASSERT_EQ(len, static_cast<int>(original.size()));
  EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + len),
            original);
  srtp_dealloc(sender);
  srtp_dealloc(receiver);
}

}  // namespace
