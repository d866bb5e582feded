// DTLS-SRTP protection profiles (RFC 5764 section 4.1.2, RFC 7714 section
// 14.2) and the keying material a DTLS handshake exports for them.
//
// This header is the meeting point of //core/dtls (which negotiates a profile
// and exports keys) and //core/srtp (which protects packets with them), so it
// carries no libsrtp or BoringSSL dependency: either side can use it alone.
//
// Contract:
//  * Profile values are the IANA DTLS-SRTP profile identifiers, so they may
//    be put on the wire or compared with a peer's list as they are.
//  * SplitKeyingMaterial follows RFC 5764 section 4.2 exactly: the exporter
//    output is client_write_key | server_write_key | client_write_salt |
//    server_write_salt, and each side protects with its own write key and
//    unprotects with the peer's.
#ifndef CORE_SRTP_PROFILE_H_
#define CORE_SRTP_PROFILE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace simrtc::srtp {

enum class Profile : uint16_t {
  kAes128CmHmacSha1_80 = 0x0001,
  kAes128CmHmacSha1_32 = 0x0002,
  kAeadAes128Gcm = 0x0007,
  kAeadAes256Gcm = 0x0008,
};

inline constexpr std::array<Profile, 4> kAllProfiles = {
    Profile::kAes128CmHmacSha1_80, Profile::kAes128CmHmacSha1_32,
    Profile::kAeadAes128Gcm, Profile::kAeadAes256Gcm};

// Sizes in bytes. `rtp_overhead` / `rtcp_overhead` are what protecting adds
// to a packet: the tag, plus for SRTCP the 4-byte E flag + index word.
// SRTCP always uses an 80-bit tag with the AES-CM profiles (RFC 5764 4.1.2:
// the _32 profile shortens only the SRTP tag).
struct ProfileInfo {
  Profile profile;
  std::string_view name;  // RFC 5764 / IANA: "SRTP_AES128_CM_HMAC_SHA1_80"
  std::string_view openssl_name;  // BoringSSL: "SRTP_AES128_CM_SHA1_80"
  size_t master_key_len;
  size_t master_salt_len;
  size_t rtp_overhead;
  size_t rtcp_overhead;
  bool aead;
};

const ProfileInfo& GetProfileInfo(Profile profile);
// nullopt for identifiers we do not implement.
std::optional<Profile> ProfileFromId(uint16_t id);
std::optional<Profile> ProfileFromOpenSslName(std::string_view name);
std::string_view ProfileName(Profile profile);
std::ostream& operator<<(std::ostream& os, Profile profile);

// The largest rtp/rtcp overhead of any profile: a buffer with this much room
// after the packet can be protected under every profile.
inline constexpr size_t kMaxRtpOverhead = 16;
inline constexpr size_t kMaxRtcpOverhead = 20;

// One direction's SRTP master key and master salt.
struct MasterKey {
  std::vector<uint8_t> key;
  std::vector<uint8_t> salt;
  friend bool operator==(const MasterKey&, const MasterKey&) = default;
};

// What a DTLS-SRTP handshake yields: the profile and both directions' keys.
struct KeyingMaterial {
  Profile profile = Profile::kAes128CmHmacSha1_80;
  MasterKey client_write;
  MasterKey server_write;

  // The key this endpoint protects with, and the one it unprotects with.
  const MasterKey& local(bool is_client) const {
    return is_client ? client_write : server_write;
  }
  const MasterKey& remote(bool is_client) const {
    return is_client ? server_write : client_write;
  }
  friend bool operator==(const KeyingMaterial&,
                         const KeyingMaterial&) = default;
};

// Bytes to request from the "EXTRACTOR-dtls_srtp" exporter for `profile`:
// 2 * (master_key_len + master_salt_len).
size_t ExportedKeyingMaterialLength(Profile profile);

inline constexpr std::string_view kDtlsSrtpExporterLabel =
    "EXTRACTOR-dtls_srtp";

// Splits exporter output per RFC 5764 section 4.2. Fails (naming the
// expected length) if `exported` is not exactly
// ExportedKeyingMaterialLength(profile) bytes.
absl::StatusOr<KeyingMaterial> SplitKeyingMaterial(
    Profile profile, std::span<const uint8_t> exported);

}  // namespace simrtc::srtp

#endif  // CORE_SRTP_PROFILE_H_
