// hub::LoadKeyAndCertificate and the PEM helpers on files in TEST_TMPDIR:
// round trip of a generated certificate, and a clear error for each wrong
// file (missing, empty, swapped, unknown key type, truncated block,
// mismatched key).
#include "net/hub/certificate_files.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace simrtc::hub {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

std::string Write(const std::string& name, const std::string& content) {
  const std::string path = TempPath(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  return path;
}

dtls::Certificate Generate() {
  absl::StatusOr<dtls::Certificate> c = dtls::Certificate::Generate();
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

bool Says(const absl::Status& s, std::string_view what) {
  return absl::StrContains(s.message(),
                           absl::string_view(what.data(), what.size()));
}

TEST(CertificateFilesTest, LoadsWhatWasWritten) {
  const dtls::Certificate c = Generate();
  const std::string key = Write("key.pem", c.PrivateKeyPem());
  const std::string cert = Write("cert.pem", c.CertificatePem());
  absl::StatusOr<dtls::Certificate> loaded = LoadKeyAndCertificate(key, cert);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->fingerprint(), c.fingerprint());
}

TEST(CertificateFilesTest, AcceptsTextAroundBlocksAndChains) {
  const dtls::Certificate a = Generate();
  const dtls::Certificate b = Generate();
  const std::string key =
      Write("key2.pem", "a comment line\n" + a.PrivateKeyPem());
  const std::string cert =
      Write("chain.pem", a.CertificatePem() + "between\n" + b.CertificatePem());
  absl::StatusOr<std::vector<std::string>> pems = LoadCertificatePems(cert);
  ASSERT_TRUE(pems.ok()) << pems.status();
  EXPECT_EQ(pems->size(), 2u);
  absl::StatusOr<dtls::Certificate> loaded = LoadKeyAndCertificate(key, cert);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->fingerprint(), a.fingerprint());
}

TEST(CertificateFilesTest, MissingFile) {
  const absl::Status s = LoadKeyPem(TempPath("does-not-exist.pem")).status();
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
  EXPECT_TRUE(Says(s, "does-not-exist.pem")) << s;
}

TEST(CertificateFilesTest, NoBlockAtAll) {
  const std::string empty = Write("empty.pem", "");
  absl::Status s = LoadKeyPem(empty).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_TRUE(Says(s, "no private key found")) << s;
  s = LoadCertificatePems(empty).status();
  EXPECT_TRUE(Says(s, "no certificate found")) << s;
}

TEST(CertificateFilesTest, SwappedFilesAreNamed) {
  const dtls::Certificate c = Generate();
  const std::string key = Write("k.pem", c.PrivateKeyPem());
  const std::string cert = Write("c.pem", c.CertificatePem());
  absl::Status s = LoadKeyAndCertificate(cert, key).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_TRUE(Says(s, "PEM block \"CERTIFICATE\" is not a private key")) << s;
  s = LoadCertificatePems(key).status();
  EXPECT_TRUE(Says(s, "is not a certificate")) << s;
}

TEST(CertificateFilesTest, UnknownKeyType) {
  const std::string key = Write("enc.pem",
                                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
                                "-----END ENCRYPTED PRIVATE KEY-----\n");
  const absl::Status s = LoadKeyPem(key).status();
  EXPECT_TRUE(Says(s, "unknown private key type \"ENCRYPTED PRIVATE KEY\""))
      << s;
}

TEST(CertificateFilesTest, TruncatedBlock) {
  const dtls::Certificate c = Generate();
  std::string pem = c.CertificatePem();
  pem.resize(pem.size() / 2);
  const std::string cert = Write("trunc.pem", pem);
  const absl::Status s = LoadCertificatePems(cert).status();
  EXPECT_TRUE(Says(s, "has no END line")) << s;
  EXPECT_TRUE(
      absl::IsInvalidArgument(SplitPem("-----BEGIN X", "inline").status()));
}

TEST(CertificateFilesTest, GarbageInsideABlockIsRejectedByCoreDtls) {
  const dtls::Certificate c = Generate();
  const std::string key = Write("k3.pem", c.PrivateKeyPem());
  const std::string cert =
      Write("bad.pem",
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n");
  const absl::Status s = LoadKeyAndCertificate(key, cert).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_TRUE(Says(s, "bad.pem")) << s;
}

TEST(CertificateFilesTest, KeyOfAnotherCertificate) {
  const dtls::Certificate a = Generate();
  const dtls::Certificate b = Generate();
  const std::string key = Write("ka.pem", a.PrivateKeyPem());
  const std::string cert = Write("cb.pem", b.CertificatePem());
  const absl::Status s = LoadKeyAndCertificate(key, cert).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_TRUE(Says(s, "does not match")) << s;
}

}  // namespace
}  // namespace simrtc::hub
