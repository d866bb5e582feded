// Proves BoringSSL links and works: a DTLS context, HMAC-SHA1 and MD5
// known-answer vectors (RFC 2202, RFC 1321), and that the headers are
// BoringSSL's, not OpenSSL's.
#include <gtest/gtest.h>
#include <openssl/base.h>
#include <openssl/hmac.h>
#include <openssl/md5.h>
#include <openssl/ssl.h>

#include <string>

namespace {

std::string Hex(const uint8_t* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += kDigits[p[i] >> 4];
    s += kDigits[p[i] & 15];
  }
  return s;
}

TEST(BoringSslSmokeTest, HeadersAreBoringSsl) {
#ifndef OPENSSL_IS_BORINGSSL
  FAIL() << "compiled against OpenSSL headers instead of BoringSSL";
#endif
}

TEST(BoringSslSmokeTest, DtlsContextWithSrtpProfiles) {
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(DTLS_method()));
  ASSERT_NE(ctx, nullptr);
  EXPECT_EQ(SSL_CTX_set_tlsext_use_srtp(
                ctx.get(), "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"),
            0);  // 0 means success for this legacy API
  bssl::UniquePtr<SSL> ssl(SSL_new(ctx.get()));
  ASSERT_NE(ssl, nullptr);
  EXPECT_TRUE(SSL_is_dtls(ssl.get()));
}

TEST(BoringSslSmokeTest, HmacSha1KnownAnswer) {
  // RFC 2202 test case 1.
  uint8_t key[20];
  for (auto& b : key) b = 0x0b;
  const std::string data = "Hi There";
  uint8_t out[EVP_MAX_MD_SIZE];
  unsigned out_len = 0;
  ASSERT_NE(HMAC(EVP_sha1(), key, sizeof(key),
                 reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                 out, &out_len),
            nullptr);
  EXPECT_EQ(Hex(out, out_len), "b617318655057264e28bc0b6fb378c8ef146be00");
}

TEST(BoringSslSmokeTest, Md5KnownAnswer) {
  // RFC 1321 test suite: MD5("abc").
  const std::string data = "abc";
  uint8_t out[MD5_DIGEST_LENGTH];
  MD5(reinterpret_cast<const uint8_t*>(data.data()), data.size(), out);
  EXPECT_EQ(Hex(out, sizeof(out)), "900150983cd24fb0d6963f7d28e17f72");
}

}  // namespace
