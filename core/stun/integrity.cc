#include "core/stun/integrity.h"

#include <openssl/digest.h>
#include <openssl/hmac.h>
#include <openssl/md5.h>
#include <openssl/sha.h>
#include <zlib.h>

#include <algorithm>

#include "core/stun/constants.h"

namespace simrtc::stun {
namespace {

// The three pieces a patched prefix is hashed in: bytes 0-1 (type), the
// replacement length, and everything from the cookie on.
struct PatchedPrefix {
  PatchedPrefix(ByteSpan prefix, uint16_t patched_length) : whole(prefix) {
    StoreBE16(length.data(), patched_length);
  }
  ByteSpan head() const { return whole.first(2); }
  ByteSpan tail() const { return whole.subspan(4); }
  ByteSpan whole;
  std::array<uint8_t, 2> length;
};

template <size_t N>
std::array<uint8_t, N> Hmac(const EVP_MD* md, ByteSpan key, ByteSpan prefix,
                            uint16_t patched_length) {
  std::array<uint8_t, N> out{};
  if (prefix.size() < 4) return out;  // callers always pass a full header
  const PatchedPrefix p(prefix, patched_length);
  HMAC_CTX ctx;
  HMAC_CTX_init(&ctx);
  // BoringSSL only fails here on allocation failure; the zero result then
  // simply never matches.
  unsigned int len = 0;
  if (HMAC_Init_ex(&ctx, key.data(), key.size(), md, nullptr) &&
      HMAC_Update(&ctx, p.head().data(), p.head().size()) &&
      HMAC_Update(&ctx, p.length.data(), p.length.size()) &&
      HMAC_Update(&ctx, p.tail().data(), p.tail().size())) {
    uint8_t full[EVP_MAX_MD_SIZE];
    if (HMAC_Final(&ctx, full, &len) && len >= N) {
      std::copy(full, full + N, out.begin());
    }
  }
  HMAC_CTX_cleanup(&ctx);
  return out;
}

}  // namespace

std::array<uint8_t, 16> LongTermKey(std::string_view username,
                                    std::string_view realm,
                                    std::string_view password) {
  MD5_CTX ctx;
  MD5_Init(&ctx);
  MD5_Update(&ctx, username.data(), username.size());
  MD5_Update(&ctx, ":", 1);
  MD5_Update(&ctx, realm.data(), realm.size());
  MD5_Update(&ctx, ":", 1);
  MD5_Update(&ctx, password.data(), password.size());
  std::array<uint8_t, 16> key;
  MD5_Final(key.data(), &ctx);
  return key;
}

std::array<uint8_t, 32> LongTermKeySha256(std::string_view username,
                                          std::string_view realm,
                                          std::string_view password) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, username.data(), username.size());
  SHA256_Update(&ctx, ":", 1);
  SHA256_Update(&ctx, realm.data(), realm.size());
  SHA256_Update(&ctx, ":", 1);
  SHA256_Update(&ctx, password.data(), password.size());
  std::array<uint8_t, 32> key;
  SHA256_Final(key.data(), &ctx);
  return key;
}

std::array<uint8_t, kMessageIntegritySize> ComputeMessageIntegrity(
    ByteSpan key, ByteSpan prefix, uint16_t patched_length) {
  return Hmac<kMessageIntegritySize>(EVP_sha1(), key, prefix, patched_length);
}

std::array<uint8_t, kMessageIntegritySha256Size> ComputeMessageIntegritySha256(
    ByteSpan key, ByteSpan prefix, uint16_t patched_length) {
  return Hmac<kMessageIntegritySha256Size>(EVP_sha256(), key, prefix,
                                           patched_length);
}

uint32_t ComputeFingerprint(ByteSpan prefix, uint16_t patched_length) {
  if (prefix.size() < 4) return 0;
  const PatchedPrefix p(prefix, patched_length);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, p.head().data(), static_cast<uInt>(p.head().size()));
  crc = crc32(crc, p.length.data(), static_cast<uInt>(p.length.size()));
  // A STUN message is at most 64 KiB, well inside uInt.
  crc = crc32(crc, p.tail().data(), static_cast<uInt>(p.tail().size()));
  return static_cast<uint32_t>(crc) ^ kFingerprintXor;
}

}  // namespace simrtc::stun
