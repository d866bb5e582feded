#include "core/dtls/certificate.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace simrtc::dtls {
namespace {

struct HashAlgorithm {
  std::string_view name;
  const EVP_MD* (*md)();
};

// RFC 8122 section 5 names; MD5 and MD2 are obsolete and refused.
constexpr std::array<HashAlgorithm, 5> kHashes = {{
    {"sha-1", EVP_sha1},
    {"sha-224", EVP_sha224},
    {"sha-256", EVP_sha256},
    {"sha-384", EVP_sha384},
    {"sha-512", EVP_sha512},
}};

const HashAlgorithm* FindHash(std::string_view name) {
  std::string lower;
  for (char c : name) {
    lower.push_back(
        static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  for (const HashAlgorithm& h : kHashes) {
    if (h.name == lower) return &h;
  }
  return nullptr;
}

std::string HexWithColons(const uint8_t* data, size_t len) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(len * 3);
  for (size_t i = 0; i < len; ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

// The most recent BoringSSL error reason, for messages.
std::string LastSslError() {
  uint32_t err = ERR_get_error();
  ERR_clear_error();
  if (err == 0) return "no BoringSSL error recorded";
  char buf[256];
  ERR_error_string_n(err, buf, sizeof(buf));
  return buf;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path,
                                          std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrFormat("cannot open %s file '%s'", what, path));
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string ToPem(int (*write)(BIO*, void*), void* object) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || !write(bio.get(), object)) return "";
  const uint8_t* data = nullptr;
  size_t len = 0;
  BIO_mem_contents(bio.get(), &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kEcdsaP256:
      return "ECDSA-P256";
    case KeyType::kRsa2048:
      return "RSA-2048";
  }
  return "unknown";
}

absl::StatusOr<Fingerprint> Fingerprint::Parse(std::string_view sdp_value) {
  const size_t space = sdp_value.find(' ');
  if (space == std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "fingerprint '%s': expected '<hash> <hex pairs>'", sdp_value));
  }
  std::string_view alg = sdp_value.substr(0, space);
  std::string_view hex = sdp_value.substr(space + 1);
  while (!hex.empty() && hex.front() == ' ') hex.remove_prefix(1);
  while (!hex.empty() && (hex.back() == ' ' || hex.back() == '\r')) {
    hex.remove_suffix(1);
  }
  const HashAlgorithm* h = FindHash(alg);
  if (h == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "fingerprint hash '%s' is not one of sha-1, sha-224, sha-256, "
        "sha-384, sha-512",
        alg));
  }
  Fingerprint fp;
  fp.algorithm = std::string(h->name);
  size_t bytes = 0;
  for (size_t i = 0; i < hex.size(); i += 3) {
    if (i + 2 > hex.size() ||
        !std::isxdigit(static_cast<unsigned char>(hex[i])) ||
        !std::isxdigit(static_cast<unsigned char>(hex[i + 1])) ||
        (i + 2 < hex.size() && hex[i + 2] != ':')) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "fingerprint value at offset %d: expected a hex pair followed by "
          "':'",
          i));
    }
    if (i != 0) fp.value.push_back(':');
    fp.value.push_back(static_cast<char>(std::toupper(hex[i])));
    fp.value.push_back(static_cast<char>(std::toupper(hex[i + 1])));
    ++bytes;
  }
  const size_t want = EVP_MD_size(h->md());
  if (bytes != want) {
    return absl::InvalidArgumentError(
        absl::StrFormat("fingerprint for %s has %d bytes, expected %d",
                        fp.algorithm, bytes, want));
  }
  return fp;
}

std::string Fingerprint::ToSdp() const { return algorithm + " " + value; }

std::ostream& operator<<(std::ostream& os, const Fingerprint& fp) {
  return os << fp.ToSdp();
}

absl::StatusOr<Fingerprint> ComputeFingerprint(std::span<const uint8_t> der,
                                               std::string_view algorithm) {
  const HashAlgorithm* h = FindHash(algorithm);
  if (h == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("fingerprint hash '%s' is not supported", algorithm));
  }
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned md_len = 0;
  if (!EVP_Digest(der.data(), der.size(), md, &md_len, h->md(), nullptr)) {
    return absl::InternalError("EVP_Digest failed: " + LastSslError());
  }
  return Fingerprint{std::string(h->name), HexWithColons(md, md_len)};
}

Certificate::Certificate(const Certificate& other) { *this = other; }

Certificate& Certificate::operator=(const Certificate& other) {
  if (this == &other) return *this;
  if (other.x509_ != nullptr) X509_up_ref(other.x509_);
  if (other.key_ != nullptr) EVP_PKEY_up_ref(other.key_);
  X509_free(x509_);
  EVP_PKEY_free(key_);
  x509_ = other.x509_;
  key_ = other.key_;
  key_type_ = other.key_type_;
  der_ = other.der_;
  fingerprint_ = other.fingerprint_;
  return *this;
}

Certificate::Certificate(Certificate&& other) noexcept {
  *this = std::move(other);
}

Certificate& Certificate::operator=(Certificate&& other) noexcept {
  if (this == &other) return *this;
  X509_free(x509_);
  EVP_PKEY_free(key_);
  x509_ = std::exchange(other.x509_, nullptr);
  key_ = std::exchange(other.key_, nullptr);
  key_type_ = other.key_type_;
  der_ = std::move(other.der_);
  fingerprint_ = std::move(other.fingerprint_);
  return *this;
}

Certificate::~Certificate() {
  X509_free(x509_);
  EVP_PKEY_free(key_);
}

// Takes ownership of both; fills the derived fields.
absl::StatusOr<Certificate> Certificate::Adopt(X509* x509, EVP_PKEY* key) {
  Certificate c;
  c.x509_ = x509;
  c.key_ = key;
  switch (EVP_PKEY_id(key)) {
    case EVP_PKEY_EC: {
      const EC_GROUP* group = EC_KEY_get0_group(EVP_PKEY_get0_EC_KEY(key));
      if (group == nullptr ||
          EC_GROUP_get_curve_name(group) != NID_X9_62_prime256v1) {
        return absl::InvalidArgumentError(
            "DTLS certificate: only the P-256 curve is supported for ECDSA");
      }
      c.key_type_ = KeyType::kEcdsaP256;
      break;
    }
    case EVP_PKEY_RSA:
      if (EVP_PKEY_bits(key) < 2048) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "DTLS certificate: RSA key of %d bits, at least 2048 required",
            EVP_PKEY_bits(key)));
      }
      c.key_type_ = KeyType::kRsa2048;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrFormat(
          "DTLS certificate: key type %d is neither ECDSA nor RSA",
          EVP_PKEY_id(key)));
  }
  uint8_t* der = nullptr;
  int der_len = i2d_X509(x509, &der);
  if (der_len <= 0) {
    return absl::InternalError("i2d_X509 failed: " + LastSslError());
  }
  c.der_.assign(der, der + der_len);
  OPENSSL_free(der);
  auto fp = ComputeFingerprint(c.der_, "sha-256");
  if (!fp.ok()) return fp.status();
  c.fingerprint_ = std::move(*fp);
  return c;
}

absl::StatusOr<Certificate> Certificate::Generate(
    const CertificateOptions& options) {
  if (options.validity <= TimeDelta::Zero()) {
    return absl::InvalidArgumentError("certificate validity must be positive");
  }
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  if (options.key_type == KeyType::kEcdsaP256) {
    bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
    if (!ec || !EC_KEY_generate_key(ec.get()) ||
        !EVP_PKEY_assign_EC_KEY(key.get(), ec.release())) {
      return absl::InternalError("ECDSA P-256 key generation failed: " +
                                 LastSslError());
    }
  } else {
    bssl::UniquePtr<RSA> rsa(RSA_new());
    bssl::UniquePtr<BIGNUM> e(BN_new());
    if (!rsa || !e || !BN_set_word(e.get(), RSA_F4) ||
        !RSA_generate_key_ex(rsa.get(), 2048, e.get(), nullptr) ||
        !EVP_PKEY_assign_RSA(key.get(), rsa.release())) {
      return absl::InternalError("RSA-2048 key generation failed: " +
                                 LastSslError());
    }
  }

  bssl::UniquePtr<X509> x509(X509_new());
  bssl::UniquePtr<X509_NAME> name(X509_NAME_new());
  const int64_t not_after =
      options.not_before_unix_seconds + options.validity.us() / 1000000;
  if (!x509 || !name || !X509_set_version(x509.get(), X509_VERSION_3) ||
      !ASN1_INTEGER_set_uint64(X509_get_serialNumber(x509.get()),
                               options.serial) ||
      !X509_NAME_add_entry_by_txt(
          name.get(), "CN", MBSTRING_UTF8,
          reinterpret_cast<const uint8_t*>(options.common_name.data()),
          static_cast<int>(options.common_name.size()), -1, 0) ||
      !X509_set_subject_name(x509.get(), name.get()) ||
      !X509_set_issuer_name(x509.get(), name.get()) ||
      !ASN1_TIME_set(X509_getm_notBefore(x509.get()),
                     static_cast<time_t>(options.not_before_unix_seconds)) ||
      !ASN1_TIME_set(X509_getm_notAfter(x509.get()),
                     static_cast<time_t>(not_after)) ||
      !X509_set_pubkey(x509.get(), key.get()) ||
      !X509_sign(x509.get(), key.get(), EVP_sha256())) {
    return absl::InternalError("self-signed certificate creation failed: " +
                               LastSslError());
  }
  return Adopt(x509.release(), key.release());
}

absl::StatusOr<Certificate> Certificate::FromPem(
    std::string_view private_key_pem, std::string_view certificate_pem) {
  bssl::UniquePtr<BIO> key_bio(
      BIO_new_mem_buf(private_key_pem.data(), private_key_pem.size()));
  bssl::UniquePtr<EVP_PKEY> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    return absl::InvalidArgumentError("no PEM private key found: " +
                                      LastSslError());
  }
  bssl::UniquePtr<BIO> cert_bio(
      BIO_new_mem_buf(certificate_pem.data(), certificate_pem.size()));
  bssl::UniquePtr<X509> x509(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!x509) {
    return absl::InvalidArgumentError("no PEM certificate found: " +
                                      LastSslError());
  }
  if (!X509_check_private_key(x509.get(), key.get())) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "PEM private key does not match the certificate's public key");
  }
  return Adopt(x509.release(), key.release());
}

absl::StatusOr<Certificate> Certificate::LoadKeyAndCertificate(
    const std::string& key_path, const std::string& certificate_path) {
  auto key = ReadWholeFile(key_path, "private key");
  if (!key.ok()) return key.status();
  auto cert = ReadWholeFile(certificate_path, "certificate");
  if (!cert.ok()) return cert.status();
  return FromPem(*key, *cert);
}

std::string Certificate::PrivateKeyPem() const {
  if (key_ == nullptr) return "";
  return ToPem(
      [](BIO* bio, void* k) {
        return PEM_write_bio_PrivateKey(bio, static_cast<EVP_PKEY*>(k), nullptr,
                                        nullptr, 0, nullptr, nullptr);
      },
      key_);
}

std::string Certificate::CertificatePem() const {
  if (x509_ == nullptr) return "";
  return ToPem(
      [](BIO* bio, void* x) {
        return PEM_write_bio_X509(bio, static_cast<X509*>(x));
      },
      x509_);
}

}  // namespace simrtc::dtls
