#include "core/srtp/profile.h"

#include <cstdint>
#include <numeric>
#include <sstream>
#include <vector>

#include "gtest/gtest.h"

namespace simrtc::srtp {
namespace {

TEST(ProfileTest, IanaIdentifiersAndNames) {
  EXPECT_EQ(static_cast<uint16_t>(Profile::kAes128CmHmacSha1_80), 0x0001);
  EXPECT_EQ(static_cast<uint16_t>(Profile::kAes128CmHmacSha1_32), 0x0002);
  EXPECT_EQ(static_cast<uint16_t>(Profile::kAeadAes128Gcm), 0x0007);
  EXPECT_EQ(static_cast<uint16_t>(Profile::kAeadAes256Gcm), 0x0008);
  EXPECT_EQ(ProfileName(Profile::kAeadAes256Gcm), "SRTP_AEAD_AES_256_GCM");
  EXPECT_EQ(ProfileFromId(0x0007), Profile::kAeadAes128Gcm);
  EXPECT_EQ(ProfileFromId(0x0005), std::nullopt);  // NULL cipher: never
  EXPECT_EQ(ProfileFromOpenSslName("SRTP_AES128_CM_SHA1_32"),
            Profile::kAes128CmHmacSha1_32);
  EXPECT_EQ(ProfileFromOpenSslName("SRTP_NULL"), std::nullopt);
  std::ostringstream os;
  os << Profile::kAes128CmHmacSha1_80;
  EXPECT_EQ(os.str(), "SRTP_AES128_CM_HMAC_SHA1_80");
}

TEST(ProfileTest, LengthsFollowRfc5764AndRfc7714) {
  const ProfileInfo& cm80 = GetProfileInfo(Profile::kAes128CmHmacSha1_80);
  EXPECT_EQ(cm80.master_key_len, 16u);
  EXPECT_EQ(cm80.master_salt_len, 14u);
  EXPECT_EQ(cm80.rtp_overhead, 10u);
  EXPECT_EQ(cm80.rtcp_overhead, 14u);
  const ProfileInfo& cm32 = GetProfileInfo(Profile::kAes128CmHmacSha1_32);
  EXPECT_EQ(cm32.rtp_overhead, 4u);
  EXPECT_EQ(cm32.rtcp_overhead, 14u);  // SRTCP keeps the 80-bit tag
  const ProfileInfo& gcm256 = GetProfileInfo(Profile::kAeadAes256Gcm);
  EXPECT_EQ(gcm256.master_key_len, 32u);
  EXPECT_EQ(gcm256.master_salt_len, 12u);
  EXPECT_EQ(gcm256.rtp_overhead, 16u);
  EXPECT_EQ(gcm256.rtcp_overhead, 20u);
  EXPECT_EQ(ExportedKeyingMaterialLength(Profile::kAes128CmHmacSha1_80), 60u);
  EXPECT_EQ(ExportedKeyingMaterialLength(Profile::kAeadAes128Gcm), 56u);
  EXPECT_EQ(ExportedKeyingMaterialLength(Profile::kAeadAes256Gcm), 88u);
  for (Profile p : kAllProfiles) {
    EXPECT_LE(GetProfileInfo(p).rtp_overhead, kMaxRtpOverhead);
    EXPECT_LE(GetProfileInfo(p).rtcp_overhead, kMaxRtcpOverhead);
  }
}

TEST(ProfileTest, SplitFollowsRfc5764Section4_2Layout) {
  // Bytes numbered 0..59: client key 0..15, server key 16..31, client salt
  // 32..45, server salt 46..59.
  std::vector<uint8_t> exported(60);
  std::iota(exported.begin(), exported.end(), 0);
  auto keys = SplitKeyingMaterial(Profile::kAes128CmHmacSha1_80, exported);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->client_write.key.front(), 0);
  EXPECT_EQ(keys->client_write.key.back(), 15);
  EXPECT_EQ(keys->server_write.key.front(), 16);
  EXPECT_EQ(keys->server_write.key.back(), 31);
  EXPECT_EQ(keys->client_write.salt.front(), 32);
  EXPECT_EQ(keys->client_write.salt.size(), 14u);
  EXPECT_EQ(keys->server_write.salt.front(), 46);
  EXPECT_EQ(keys->server_write.salt.back(), 59);
  EXPECT_EQ(&keys->local(true), &keys->client_write);
  EXPECT_EQ(&keys->remote(true), &keys->server_write);
  EXPECT_EQ(&keys->local(false), &keys->server_write);
}

TEST(ProfileTest, SplitRejectsWrongLength) {
  std::vector<uint8_t> exported(59);
  auto keys = SplitKeyingMaterial(Profile::kAes128CmHmacSha1_80, exported);
  ASSERT_FALSE(keys.ok());
  EXPECT_NE(keys.status().message().find("expected 60 bytes, got 59"),
            std::string::npos)
      << keys.status();
  EXPECT_FALSE(
      SplitKeyingMaterial(static_cast<Profile>(0x0005), exported).ok());
}

}  // namespace
}  // namespace simrtc::srtp
