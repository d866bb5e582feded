// Known-answer tests for the SRTP session.
//
// Two kinds of evidence:
//  1. libsrtp's own published reference packets (its srtp_validate and
//     srtp_validate_gcm self-tests): master key in, exact packet out.
//  2. RFC vectors. RFC 3711 B.3 / RFC 6188 7.2 give the key derivation, RFC
//     3711 B.2 the AES-CM keystream and RFC 7714 sections 16-17 whole AEAD
//     packets, but from *session* keys, which libsrtp cannot take. So this
//     file carries an independent reference transform written from the RFC
//     text on BoringSSL primitives, first proves it against those vectors,
//     then requires our Session (libsrtp on NSS) to produce byte-identical
//     packets for every profile.
#include <openssl/aead.h>
#include <openssl/aes.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/byte_io.h"
#include "core/srtp/profile.h"
#include "core/srtp/session.h"
#include "gtest/gtest.h"

namespace simrtc::srtp {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Hex(std::string_view s) {
  Bytes out;
  int nibble = -1;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    int v = std::isdigit(static_cast<unsigned char>(c))
                ? c - '0'
                : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<uint8_t>(nibble << 4 | v));
      nibble = -1;
    }
  }
  return out;
}

Bytes Concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// ---------------------------------------------------------------------------
// Reference transform, from the RFC text.

// One AES block.
Bytes AesBlock(const Bytes& key, const uint8_t in[16]) {
  AES_KEY k;
  AES_set_encrypt_key(key.data(), static_cast<unsigned>(key.size() * 8), &k);
  Bytes out(16);
  AES_encrypt(in, out.data(), &k);
  return out;
}

// RFC 3711 4.1.1 AES-CM keystream: block i encrypts IV with i in the low
// 16 bits.
Bytes AesCmKeystream(const Bytes& key, const uint8_t iv[16], size_t len) {
  Bytes out;
  for (uint16_t i = 0; out.size() < len; ++i) {
    uint8_t ctr[16];
    std::memcpy(ctr, iv, 16);
    ctr[14] ^= static_cast<uint8_t>(i >> 8);
    ctr[15] ^= static_cast<uint8_t>(i);
    Bytes block = AesBlock(key, ctr);
    out.insert(out.end(), block.begin(), block.end());
  }
  out.resize(len);
  return out;
}

// RFC 3711 4.3.3 PRF with key_derivation_rate 0: x = (label << 48) XOR
// master_salt, keystream from IV = x * 2^16. A 96-bit AEAD master salt is
// padded on the right to 112 bits first (RFC 7714 section 11).
Bytes Kdf(const Bytes& master_key, const Bytes& master_salt, uint8_t label,
          size_t len) {
  uint8_t iv[16] = {0};
  std::memcpy(iv, master_salt.data(), master_salt.size());
  iv[7] ^= label;
  return AesCmKeystream(master_key, iv, len);
}

struct SessionKeys {
  Bytes enc, salt, auth;
};

// Labels 0/1/2 for SRTP, 3/4/5 for SRTCP.
SessionKeys Derive(Profile profile, const MasterKey& m, bool rtcp) {
  const ProfileInfo& info = GetProfileInfo(profile);
  const uint8_t base = rtcp ? 3 : 0;
  SessionKeys k;
  k.enc = Kdf(m.key, m.salt, base, info.master_key_len);
  k.auth = info.aead ? Bytes() : Kdf(m.key, m.salt, base + 1, 20);
  k.salt = Kdf(m.key, m.salt, base + 2, info.master_salt_len);
  return k;
}

size_t RtpHeaderLen(const Bytes& p) {
  size_t h = 12 + 4 * (p[0] & 0x0f);
  if (p[0] & 0x10) h += 4 + 4 * LoadBE16(&p[h + 2]);
  return h;
}

Bytes Hmac(const Bytes& key, const Bytes& data, size_t tag_len) {
  uint8_t md[SHA_DIGEST_LENGTH];
  unsigned md_len = 0;
  HMAC(EVP_sha1(), key.data(), key.size(), data.data(), data.size(), md,
       &md_len);
  return Bytes(md, md + tag_len);
}

Bytes GcmSeal(const Bytes& key, const uint8_t nonce[12], const Bytes& aad,
              const Bytes& plain) {
  const EVP_AEAD* aead =
      key.size() == 16 ? EVP_aead_aes_128_gcm() : EVP_aead_aes_256_gcm();
  EVP_AEAD_CTX ctx;
  EXPECT_EQ(EVP_AEAD_CTX_init(&ctx, aead, key.data(), key.size(), 16, nullptr),
            1);
  Bytes out(plain.size() + 16);
  size_t out_len = 0;
  EXPECT_EQ(
      EVP_AEAD_CTX_seal(&ctx, out.data(), &out_len, out.size(), nonce, 12,
                        plain.data(), plain.size(), aad.data(), aad.size()),
      1);
  EVP_AEAD_CTX_cleanup(&ctx);
  out.resize(out_len);
  return out;
}

// SRTP (RFC 3711 3.1 and 4.1.1; RFC 7714 sections 8.1 and 9.1).
Bytes RefProtectRtp(Profile profile, const SessionKeys& k, const Bytes& plain,
                    uint32_t roc) {
  const ProfileInfo& info = GetProfileInfo(profile);
  const size_t h = RtpHeaderLen(plain);
  const uint32_t ssrc = LoadBE32(&plain[8]);
  const uint16_t seq = LoadBE16(&plain[2]);
  Bytes header(plain.begin(), plain.begin() + h);
  Bytes payload(plain.begin() + h, plain.end());
  if (info.aead) {
    // IV = (00 00 || SSRC || ROC || SEQ) XOR salt.
    uint8_t iv[12] = {0};
    StoreBE32(&iv[2], ssrc);
    StoreBE32(&iv[6], roc);
    StoreBE16(&iv[10], seq);
    for (int i = 0; i < 12; ++i) iv[i] ^= k.salt[i];
    return Concat(header, GcmSeal(k.enc, iv, header, payload));
  }
  // IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16).
  uint8_t iv[16] = {0};
  std::memcpy(iv, k.salt.data(), 14);
  uint8_t ssrc_be[4];
  StoreBE32(ssrc_be, ssrc);
  for (int i = 0; i < 4; ++i) iv[4 + i] ^= ssrc_be[i];
  const uint64_t index = (uint64_t{roc} << 16) | seq;
  for (int i = 0; i < 6; ++i) {
    iv[8 + i] ^= static_cast<uint8_t>(index >> (8 * (5 - i)));
  }
  Bytes ks = AesCmKeystream(k.enc, iv, payload.size());
  for (size_t i = 0; i < payload.size(); ++i) payload[i] ^= ks[i];
  Bytes out = Concat(header, payload);
  Bytes roc_be(4);
  StoreBE32(roc_be.data(), roc);
  Bytes tag = Hmac(k.auth, Concat(out, roc_be), info.rtp_overhead);
  return Concat(out, tag);
}

// SRTCP with the E flag set (RFC 3711 3.4; RFC 7714 sections 9.2 and 17).
Bytes RefProtectRtcp(Profile profile, const SessionKeys& k, const Bytes& plain,
                     uint32_t index) {
  const ProfileInfo& info = GetProfileInfo(profile);
  const uint32_t ssrc = LoadBE32(&plain[4]);
  Bytes header(plain.begin(), plain.begin() + 8);
  Bytes body(plain.begin() + 8, plain.end());
  Bytes e_index(4);
  StoreBE32(e_index.data(), 0x80000000u | index);
  if (info.aead) {
    uint8_t iv[12] = {0};
    StoreBE32(&iv[2], ssrc);
    StoreBE32(&iv[8], index);
    for (int i = 0; i < 12; ++i) iv[i] ^= k.salt[i];
    Bytes sealed = GcmSeal(k.enc, iv, Concat(header, e_index), body);
    return Concat(Concat(header, sealed), e_index);
  }
  uint8_t iv[16] = {0};
  std::memcpy(iv, k.salt.data(), 14);
  uint8_t ssrc_be[4];
  StoreBE32(ssrc_be, ssrc);
  for (int i = 0; i < 4; ++i) iv[4 + i] ^= ssrc_be[i];
  for (int i = 0; i < 4; ++i) {
    iv[10 + i] ^= static_cast<uint8_t>(index >> (8 * (3 - i)));
  }
  Bytes ks = AesCmKeystream(k.enc, iv, body.size());
  for (size_t i = 0; i < body.size(); ++i) body[i] ^= ks[i];
  Bytes out = Concat(Concat(header, body), e_index);
  return Concat(out, Hmac(k.auth, out, 10));
}

// ---------------------------------------------------------------------------
// Step 1: the reference transform reproduces the RFC vectors.

TEST(ReferenceTransformTest, KeyDerivationRfc3711AppendixB3) {
  const Bytes master_key = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const Bytes master_salt = Hex("0EC675AD498AFEEBB6960B3AABE6");
  EXPECT_EQ(Kdf(master_key, master_salt, 0, 16),
            Hex("C61E7A93744F39EE10734AFE3FF7A087"));
  EXPECT_EQ(Kdf(master_key, master_salt, 2, 14),
            Hex("30CBBC08863D8C85D49DB34A9AE1"));
  EXPECT_EQ(
      Kdf(master_key, master_salt, 1, 94),
      Hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE"
          "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25"
          "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2"));
}

TEST(ReferenceTransformTest, KeyDerivationRfc6188Aes256) {
  const Bytes master_key =
      Hex("F0F04914B513F2763A1B1FA130F10E2998F6F6E43E4309D1E622A0E332B9F1B6");
  const Bytes master_salt = Hex("3B04803DE51EE7C96423AB5B78D2");
  EXPECT_EQ(
      Kdf(master_key, master_salt, 0, 32),
      Hex("5BA1064E30EC51613CAD926C5A28EF731EC7FB397F70A960653CAF06554CD8C4"));
  EXPECT_EQ(Kdf(master_key, master_salt, 2, 14),
            Hex("FA31791685CA444A9E07C6C64E93"));
}

TEST(ReferenceTransformTest, AesCmKeystreamRfc3711AppendixB2) {
  const Bytes key = Hex("2B7E151628AED2A6ABF7158809CF4F3C");
  const Bytes salt = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
  uint8_t iv[16] = {0};
  std::memcpy(iv, salt.data(), 14);
  EXPECT_EQ(AesCmKeystream(key, iv, 48),
            Hex("E03EAD0935C95E80E166B16DD92B4EB4"
                "D23513162B02D0F72A43A2FE4A5F97AB"
                "41E95B3BB0A2E8DD477901E4FCA894C0"));
}

// RFC 7714 sections 16 and 17 share these inputs.
const Bytes& Rfc7714Rtp() {
  static const Bytes b =
      Hex("8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973"
          "20646976 69736120 696e2070 61727465 73207472 6573");
  return b;
}
const Bytes& Rfc7714Rtcp() {
  static const Bytes b =
      Hex("81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930"
          "4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef");
  return b;
}
const Bytes kRfc7714Salt = Hex("517569642070726f2071756f");

TEST(ReferenceTransformTest, Rfc7714Section16_1_1Aes128GcmRtp) {
  SessionKeys k{Hex("000102030405060708090a0b0c0d0e0f"), kRfc7714Salt, {}};
  EXPECT_EQ(RefProtectRtp(Profile::kAeadAes128Gcm, k, Rfc7714Rtp(), 0),
            Hex("8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c"
                "9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf"
                "8833899d 7f27beb1 6a9152cf 765ee439 0cce"));
}

TEST(ReferenceTransformTest, Rfc7714Section16_2_1Aes256GcmRtp) {
  SessionKeys k{
      Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
      kRfc7714Salt,
      {}};
  EXPECT_EQ(RefProtectRtp(Profile::kAeadAes256Gcm, k, Rfc7714Rtp(), 0),
            Hex("8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa"
                "332e33aa b1801238 9a58e2f3 b50b2a02 76ffae0f 1ba63799"
                "b87b7aa3 db36dfff d6b0f9bb 7878d7a7 6c13"));
}

TEST(ReferenceTransformTest, Rfc7714Section17_1Aes128GcmRtcp) {
  SessionKeys k{Hex("000102030405060708090a0b0c0d0e0f"), kRfc7714Salt, {}};
  EXPECT_EQ(RefProtectRtcp(Profile::kAeadAes128Gcm, k, Rfc7714Rtcp(), 0x5d4),
            Hex("81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99"
                "7ff5c0f7 6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded"
                "0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4"));
}

TEST(ReferenceTransformTest, Rfc7714Section17_2Aes256GcmRtcp) {
  SessionKeys k{
      Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
      kRfc7714Salt,
      {}};
  EXPECT_EQ(RefProtectRtcp(Profile::kAeadAes256Gcm, k, Rfc7714Rtcp(), 0x5d4),
            Hex("81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28"
                "2c3ece5d bffe0a50 a2eaa5c1 110555be 8415f658 c61de047"
                "6f1b6fad 1d1eb30c 4446839f 57ff6f6c b26ac3be 800005d4"));
}

// ---------------------------------------------------------------------------
// Step 2: libsrtp's published packets through our Session.

// Protect with a session whose local key is `m`, returning the wire bytes.
Bytes SessionProtect(Session& s, const Bytes& plain, bool rtcp) {
  Bytes buf = plain;
  buf.resize(plain.size() + kMaxRtcpOverhead);
  auto n =
      rtcp ? s.ProtectRtcp(buf, plain.size()) : s.ProtectRtp(buf, plain.size());
  EXPECT_TRUE(n.ok()) << n.status();
  buf.resize(n.ok() ? *n : 0);
  return buf;
}

Session MakeSession(Profile profile, const MasterKey& m) {
  SessionConfig c;
  c.profile = profile;
  c.local = m;
  c.remote = m;
  auto s = Session::Create(c);
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(*s);
}

const Bytes kLibsrtpRtpPlain =
    Hex("800f1234 decafbad cafebabe abababab abababab abababab abababab");
const Bytes kLibsrtpRtcpPlain =
    Hex("81c8000b cafebabe abababab abababab abababab abababab");
const MasterKey kLibsrtpCmKey{Hex("e1f97a0d3e018be0d64fa32c06de4139"),
                              Hex("0ec675ad498afeebb6960b3aabe6")};

TEST(LibsrtpVectorTest, AesCm128HmacSha1_80) {
  Session s = MakeSession(Profile::kAes128CmHmacSha1_80, kLibsrtpCmKey);
  const Bytes want_rtp =
      Hex("800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402"
          "b78d6acc 99ea179b 8dbb");
  EXPECT_EQ(SessionProtect(s, kLibsrtpRtpPlain, false), want_rtp);
  const Bytes want_rtcp =
      Hex("81c8000b cafebabe 7128035b e487b9bd bef89041 f977a5a8 80000001"
          "993e08cd 54d6c123 0798");
  EXPECT_EQ(SessionProtect(s, kLibsrtpRtcpPlain, true), want_rtcp);

  // And back: the receiving direction accepts exactly these bytes.
  Session rx = MakeSession(Profile::kAes128CmHmacSha1_80, kLibsrtpCmKey);
  Bytes wire = want_rtp;
  auto n = rx.UnprotectRtp(wire);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(Bytes(wire.begin(), wire.begin() + *n), kLibsrtpRtpPlain);
  wire = want_rtcp;
  n = rx.UnprotectRtcp(wire);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(Bytes(wire.begin(), wire.begin() + *n), kLibsrtpRtcpPlain);
}

// The _32 profile truncates the same HMAC to 4 bytes.
TEST(LibsrtpVectorTest, AesCm128HmacSha1_32) {
  Session s = MakeSession(Profile::kAes128CmHmacSha1_32, kLibsrtpCmKey);
  EXPECT_EQ(SessionProtect(s, kLibsrtpRtpPlain, false),
            Hex("800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215"
                "949d2402 b78d6acc"));
}

TEST(LibsrtpVectorTest, AeadAes128Gcm) {
  const MasterKey key{Hex("000102030405060708090a0b0c0d0e0f"),
                      Hex("a0a1a2a3a4a5a6a7a8a9aaab")};
  Session s = MakeSession(Profile::kAeadAes128Gcm, key);
  EXPECT_EQ(SessionProtect(s, kLibsrtpRtpPlain, false),
            Hex("800f1234 decafbad cafebabe c5002ede 04cfdd2e b91159e0"
                "880aa06e d2976826 f796b201 df3131a1 27e8a392"));
}

// ---------------------------------------------------------------------------
// Step 3: for every profile, Session == reference(KDF(master key)).

struct KatCase {
  Profile profile;
  MasterKey master;
};

std::vector<KatCase> KatCases() {
  return {
      // RFC 3711 B.3's master key, so the derived keys are the RFC's.
      {Profile::kAes128CmHmacSha1_80, kLibsrtpCmKey},
      {Profile::kAes128CmHmacSha1_32, kLibsrtpCmKey},
      {Profile::kAeadAes128Gcm,
       {Hex("000102030405060708090a0b0c0d0e0f"),
        Hex("517569642070726f2071756f")}},
      {Profile::kAeadAes256Gcm,
       {Hex("000102030405060708090a0b0c0d0e0f"
            "101112131415161718191a1b1c1d1e1f"),
        Hex("517569642070726f2071756f")}},
  };
}

class SessionMatchesReferenceTest : public ::testing::TestWithParam<KatCase> {};

INSTANTIATE_TEST_SUITE_P(
    AllProfiles, SessionMatchesReferenceTest, ::testing::ValuesIn(KatCases()),
    [](const auto& info) {
      return std::string(ProfileName(info.param.profile)).substr(5);
    });

TEST_P(SessionMatchesReferenceTest, RtpPackets) {
  const KatCase& c = GetParam();
  Session s = MakeSession(c.profile, c.master);
  const SessionKeys k = Derive(c.profile, c.master, /*rtcp=*/false);
  // The RFC 7714 packet, a packet with two CSRCs and a header extension,
  // and sequence numbers across the wrap (ROC 0 -> 1).
  Bytes csrc_ext =
      Hex("92e0fffe 00001000 11223344 aaaaaaaa bbbbbbbb bede0001 10ff0000"
          "00010203 04050607 08090a0b 0c0d0e0f 10");
  const std::vector<std::pair<uint16_t, uint32_t>> seq_roc = {
      {0xfffe, 0}, {0xffff, 0}, {0x0000, 1}, {0x0001, 1}};
  EXPECT_EQ(SessionProtect(s, Rfc7714Rtp(), false),
            RefProtectRtp(c.profile, k, Rfc7714Rtp(), 0));
  for (auto [seq, roc] : seq_roc) {
    StoreBE16(&csrc_ext[2], seq);
    EXPECT_EQ(SessionProtect(s, csrc_ext, false),
              RefProtectRtp(c.profile, k, csrc_ext, roc))
        << "seq " << seq;
  }
}

TEST_P(SessionMatchesReferenceTest, RtcpPackets) {
  const KatCase& c = GetParam();
  Session s = MakeSession(c.profile, c.master);
  const SessionKeys k = Derive(c.profile, c.master, /*rtcp=*/true);
  // libsrtp numbers SRTCP packets from 1.
  for (uint32_t index = 1; index <= 3; ++index) {
    EXPECT_EQ(SessionProtect(s, Rfc7714Rtcp(), true),
              RefProtectRtcp(c.profile, k, Rfc7714Rtcp(), index))
        << "index " << index;
  }
}

}  // namespace
}  // namespace simrtc::srtp
