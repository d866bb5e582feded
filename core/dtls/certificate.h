// DTLS certificates for WebRTC: a key pair with a self-signed X.509
// certificate, and the SDP fingerprint (RFC 8122) that authenticates it.
//
// WebRTC certificates are not validated against a CA: the peer's identity is
// the hash of its certificate, carried in the signalled SDP. So generation
// only needs a key, a name and validity dates, and verification (see
// endpoint.h) only compares fingerprints.
//
// Contract:
//  * No wall clock. Validity dates are computed from
//    CertificateOptions::not_before_unix_seconds, an injected value: the
//    simulator passes its fixed epoch, the real runtime the current time.
//  * Key generation draws BoringSSL's own entropy (it cannot be injected).
//    Sizes are nevertheless reproducible for RSA-2048, whose signatures are
//    always 256 bytes; ECDSA DER signatures vary by a few bytes, which is why
//    simulated peers use RSA (see DESIGN.md, determinism rules).
//  * Certificate is a cheap, copyable handle (reference-counted BoringSSL
//    objects); copies share the immutable key and certificate.
//  * Fingerprint values are upper-case hex pairs joined by ':' and
//    algorithm names are the RFC 8122 lower-case ones ("sha-256"); parsing
//    accepts any case and normalises.
#ifndef CORE_DTLS_CERTIFICATE_H_
#define CORE_DTLS_CERTIFICATE_H_

#include <openssl/base.h>

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/time.h"

namespace simrtc::dtls {

enum class KeyType : uint8_t {
  kEcdsaP256,  // what browsers use; DER signature length varies
  kRsa2048,    // fixed-length signatures: deterministic flight sizes
};

std::string_view KeyTypeName(KeyType type);

// An SDP a=fingerprint value.
struct Fingerprint {
  std::string algorithm;  // "sha-256"
  std::string value;      // "AB:CD:..."

  // Parses "sha-256 AB:CD:..." (the attribute value after "fingerprint:").
  // Supports sha-1, sha-224, sha-256, sha-384 and sha-512; the number of
  // bytes must match the hash.
  static absl::StatusOr<Fingerprint> Parse(std::string_view sdp_value);
  // "sha-256 AB:CD:...".
  std::string ToSdp() const;

  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

std::ostream& operator<<(std::ostream& os, const Fingerprint& fp);

// Hashes a DER certificate with the named RFC 8122 algorithm.
absl::StatusOr<Fingerprint> ComputeFingerprint(
    std::span<const uint8_t> der, std::string_view algorithm = "sha-256");

struct CertificateOptions {
  KeyType key_type = KeyType::kEcdsaP256;
  std::string common_name = "WebRTC";
  // Start of validity, seconds since the Unix epoch. The default is a fixed
  // date (2024-01-01T00:00:00Z) so that nothing here depends on when a test
  // runs; a real deployment passes its current time.
  int64_t not_before_unix_seconds = 1704067200;
  // Browsers issue 30-day certificates.
  TimeDelta validity = TimeDelta::Seconds(30 * 24 * 3600);
  // Serial number; draw it from the component's Rng for uniqueness.
  uint64_t serial = 1;
};

class Certificate {
 public:
  // An empty handle; valid() is false and endpoints refuse it.
  Certificate() = default;
  Certificate(const Certificate& other);
  Certificate& operator=(const Certificate& other);
  Certificate(Certificate&& other) noexcept;
  Certificate& operator=(Certificate&& other) noexcept;
  ~Certificate();

  // A new key pair and a self-signed certificate (SHA-256 signature).
  static absl::StatusOr<Certificate> Generate(
      const CertificateOptions& options = {});
  // From PEM text: a private key (PKCS#8, or traditional EC/RSA) and the
  // certificate for it. Fails if either is unparsable or the key does not
  // match the certificate.
  static absl::StatusOr<Certificate> FromPem(std::string_view private_key_pem,
                                             std::string_view certificate_pem);
  // FromPem over two files, like webrtc-rs's load_key_and_certificate.
  static absl::StatusOr<Certificate> LoadKeyAndCertificate(
      const std::string& key_path, const std::string& certificate_path);

  bool valid() const { return x509_ != nullptr && key_ != nullptr; }
  KeyType key_type() const { return key_type_; }
  // The DER encoding (what the fingerprint hashes).
  const std::vector<uint8_t>& der() const { return der_; }
  // SHA-256 fingerprint, computed once.
  const Fingerprint& fingerprint() const { return fingerprint_; }
  std::string PrivateKeyPem() const;
  std::string CertificatePem() const;

  // BoringSSL handles for the DTLS endpoint; owned by this object.
  X509* x509() const { return x509_; }
  EVP_PKEY* private_key() const { return key_; }

 private:
  static absl::StatusOr<Certificate> Adopt(X509* x509, EVP_PKEY* key);

  X509* x509_ = nullptr;
  EVP_PKEY* key_ = nullptr;
  KeyType key_type_ = KeyType::kEcdsaP256;
  std::vector<uint8_t> der_;
  Fingerprint fingerprint_;
};

}  // namespace simrtc::dtls

#endif  // CORE_DTLS_CERTIFICATE_H_
