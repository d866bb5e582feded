#include "core/dtls/certificate.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace simrtc::dtls {
namespace {

TEST(FingerprintTest, ParseNormalisesAndValidates) {
  const std::string hex32 =
      "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
      "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";
  auto fp = Fingerprint::Parse("SHA-256 " + hex32);
  ASSERT_TRUE(fp.ok()) << fp.status();
  EXPECT_EQ(fp->algorithm, "sha-256");
  EXPECT_EQ(fp->value.substr(0, 8), "AB:CD:EF");
  EXPECT_EQ(fp->ToSdp().size(), 8 + 32 * 3 - 1);

  EXPECT_FALSE(Fingerprint::Parse("sha-256").ok());
  EXPECT_FALSE(Fingerprint::Parse("md5 AB:CD").ok());
  // 31 bytes for sha-256.
  auto short_fp = Fingerprint::Parse("sha-256 " + hex32.substr(3));
  ASSERT_FALSE(short_fp.ok());
  EXPECT_NE(short_fp.status().message().find("has 31 bytes, expected 32"),
            std::string::npos);
  auto bad = Fingerprint::Parse("sha-256 AB:CD;EF");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("offset 3"), std::string::npos)
      << bad.status();
  EXPECT_TRUE(Fingerprint::Parse("sha-1 " + hex32.substr(0, 20 * 3 - 1)).ok());
}

class CertificateTest : public ::testing::TestWithParam<KeyType> {};

INSTANTIATE_TEST_SUITE_P(KeyTypes, CertificateTest,
                         ::testing::Values(KeyType::kEcdsaP256,
                                           KeyType::kRsa2048),
                         [](const auto& info) {
                           return info.param == KeyType::kEcdsaP256 ? "Ecdsa"
                                                                    : "Rsa";
                         });

TEST_P(CertificateTest, GenerateGivesSha256Fingerprint) {
  CertificateOptions options;
  options.key_type = GetParam();
  auto cert = Certificate::Generate(options);
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_TRUE(cert->valid());
  EXPECT_EQ(cert->key_type(), GetParam());
  EXPECT_EQ(cert->fingerprint().algorithm, "sha-256");
  EXPECT_EQ(cert->fingerprint().value.size(), 32u * 3 - 1);
  auto again = ComputeFingerprint(cert->der());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, cert->fingerprint());
  // Round trip through the SDP form.
  auto parsed = Fingerprint::Parse(cert->fingerprint().ToSdp());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, cert->fingerprint());
}

TEST_P(CertificateTest, PemRoundTripKeepsIdentity) {
  CertificateOptions options;
  options.key_type = GetParam();
  auto cert = Certificate::Generate(options);
  ASSERT_TRUE(cert.ok());
  const std::string key_pem = cert->PrivateKeyPem();
  const std::string cert_pem = cert->CertificatePem();
  EXPECT_NE(key_pem.find("PRIVATE KEY-----"), std::string::npos);
  EXPECT_NE(cert_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  auto loaded = Certificate::FromPem(key_pem, cert_pem);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->fingerprint(), cert->fingerprint());
  EXPECT_EQ(loaded->der(), cert->der());
  EXPECT_EQ(loaded->key_type(), GetParam());
}

TEST_P(CertificateTest, LoadKeyAndCertificateFromFiles) {
  CertificateOptions options;
  options.key_type = GetParam();
  auto cert = Certificate::Generate(options);
  ASSERT_TRUE(cert.ok());
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = tmp ? tmp : "/tmp";
  const std::string key_path = dir + "/key.pem";
  const std::string cert_path = dir + "/cert.pem";
  std::ofstream(key_path) << cert->PrivateKeyPem();
  std::ofstream(cert_path) << cert->CertificatePem();
  auto loaded = Certificate::LoadKeyAndCertificate(key_path, cert_path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->fingerprint(), cert->fingerprint());
  auto missing =
      Certificate::LoadKeyAndCertificate(dir + "/nope.pem", cert_path);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST(CertificateTest, MismatchedKeyIsRefused) {
  auto a = Certificate::Generate();
  auto b = Certificate::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  auto mixed = Certificate::FromPem(a->PrivateKeyPem(), b->CertificatePem());
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("does not match"), std::string::npos);
  EXPECT_FALSE(Certificate::FromPem("garbage", b->CertificatePem()).ok());
  EXPECT_FALSE(Certificate::FromPem(a->PrivateKeyPem(), "garbage").ok());
}

TEST(CertificateTest, CopiesShareTheSameIdentity) {
  auto cert = Certificate::Generate();
  ASSERT_TRUE(cert.ok());
  Certificate copy = *cert;
  Certificate assigned;
  EXPECT_FALSE(assigned.valid());
  assigned = copy;
  EXPECT_EQ(copy.x509(), cert->x509());
  EXPECT_EQ(assigned.fingerprint(), cert->fingerprint());
  Certificate moved = std::move(copy);
  EXPECT_TRUE(moved.valid());
}

// The DER embeds the injected dates, serial and name; with RSA the whole
// encoding has a fixed size, which is what keeps simulated flights stable.
TEST(CertificateTest, RsaEncodingSizeIsReproducible) {
  CertificateOptions options;
  options.key_type = KeyType::kRsa2048;
  options.serial = 0x1234567890;
  auto a = Certificate::Generate(options);
  auto b = Certificate::Generate(options);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->der().size(), b->der().size());
  EXPECT_NE(a->fingerprint(), b->fingerprint());  // different keys
  const std::string pem = a->CertificatePem();
  // UTCTime 240101000000Z appears in the DER for the default not_before.
  const std::string der(a->der().begin(), a->der().end());
  EXPECT_NE(der.find("240101000000Z"), std::string::npos);
  EXPECT_NE(der.find("240131000000Z"), std::string::npos);  // +30 days
}

TEST(CertificateTest, InjectedValidityIsUsed) {
  CertificateOptions options;
  options.not_before_unix_seconds = 946684800;  // 2000-01-01
  options.validity = TimeDelta::Seconds(86400);
  auto cert = Certificate::Generate(options);
  ASSERT_TRUE(cert.ok());
  const std::string der(cert->der().begin(), cert->der().end());
  EXPECT_NE(der.find("000101000000Z"), std::string::npos);
  EXPECT_NE(der.find("000102000000Z"), std::string::npos);
  options.validity = TimeDelta::Zero();
  EXPECT_FALSE(Certificate::Generate(options).ok());
}

}  // namespace
}  // namespace simrtc::dtls
