// STUN credentials and the hashes behind MESSAGE-INTEGRITY,
// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT (RFC 8489 sections 9, 14.5-14.7).
//
// Contract: stateless functions over caller memory. The hashes are computed
// over a message *prefix* as if its header length field held
// `patched_length`: RFC 8489 defines each hash over the message "up to" the
// attribute with the length already counting that attribute, so neither the
// builder nor the checker has to modify the bytes it hashes. HMAC and MD5
// come from BoringSSL, CRC-32 from zlib.
//
// Credentials: this layer takes keys as bytes. Passwords, usernames and
// realms must already be in the form the RFC prescribes (OpaqueString /
// SASLprep); no Unicode normalisation happens here.
#ifndef CORE_STUN_INTEGRITY_H_
#define CORE_STUN_INTEGRITY_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/base/byte_io.h"

namespace simrtc::stun {

inline constexpr size_t kMessageIntegritySize = 20;        // HMAC-SHA1
inline constexpr size_t kMessageIntegritySha256Size = 32;  // HMAC-SHA256
// MESSAGE-INTEGRITY-SHA256 may be truncated to 16..32 bytes, multiple of 4.
inline constexpr size_t kMinMessageIntegritySha256Size = 16;
inline constexpr size_t kFingerprintSize = 4;

// Short-term credentials (ICE): the key is the password itself.
inline ByteSpan ShortTermKey(std::string_view password) {
  return AsBytes(password);
}

// Long-term credentials: MD5(username ":" realm ":" password).
std::array<uint8_t, 16> LongTermKey(std::string_view username,
                                    std::string_view realm,
                                    std::string_view password);
// The RFC 8489 PASSWORD-ALGORITHM SHA-256 variant of the same key.
std::array<uint8_t, 32> LongTermKeySha256(std::string_view username,
                                          std::string_view realm,
                                          std::string_view password);

// HMAC-SHA1 / HMAC-SHA256 of `prefix` (a message from its first header byte
// up to, not including, the integrity attribute) with its length field
// replaced by `patched_length`. `prefix` must hold at least a header.
std::array<uint8_t, kMessageIntegritySize> ComputeMessageIntegrity(
    ByteSpan key, ByteSpan prefix, uint16_t patched_length);
std::array<uint8_t, kMessageIntegritySha256Size> ComputeMessageIntegritySha256(
    ByteSpan key, ByteSpan prefix, uint16_t patched_length);
// CRC-32 of `prefix` (length field patched) XOR kFingerprintXor.
uint32_t ComputeFingerprint(ByteSpan prefix, uint16_t patched_length);

}  // namespace simrtc::stun

#endif  // CORE_STUN_INTEGRITY_H_
