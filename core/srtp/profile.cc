#include "core/srtp/profile.h"

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace simrtc::srtp {
namespace {

// Lengths from RFC 5764 4.1.2 (AES-CM) and RFC 7714 sections 12 and 14.2
// (AEAD: 96-bit salt, 128-bit tag, and SRTCP carries the same 16-byte tag).
constexpr std::array<ProfileInfo, 4> kInfos = {{
    {Profile::kAes128CmHmacSha1_80, "SRTP_AES128_CM_HMAC_SHA1_80",
     "SRTP_AES128_CM_SHA1_80", 16, 14, 10, 14, false},
    {Profile::kAes128CmHmacSha1_32, "SRTP_AES128_CM_HMAC_SHA1_32",
     "SRTP_AES128_CM_SHA1_32", 16, 14, 4, 14, false},
    {Profile::kAeadAes128Gcm, "SRTP_AEAD_AES_128_GCM", "SRTP_AEAD_AES_128_GCM",
     16, 12, 16, 20, true},
    {Profile::kAeadAes256Gcm, "SRTP_AEAD_AES_256_GCM", "SRTP_AEAD_AES_256_GCM",
     32, 12, 16, 20, true},
}};

static_assert(kMaxRtpOverhead == 16 && kMaxRtcpOverhead == 20);

}  // namespace

const ProfileInfo& GetProfileInfo(Profile profile) {
  for (const ProfileInfo& info : kInfos) {
    if (info.profile == profile) return info;
  }
  // Only reachable through a cast of an unlisted value; the first entry is a
  // safe, documented fallback rather than undefined behaviour.
  return kInfos[0];
}

std::optional<Profile> ProfileFromId(uint16_t id) {
  for (const ProfileInfo& info : kInfos) {
    if (static_cast<uint16_t>(info.profile) == id) return info.profile;
  }
  return std::nullopt;
}

std::optional<Profile> ProfileFromOpenSslName(std::string_view name) {
  for (const ProfileInfo& info : kInfos) {
    if (info.openssl_name == name) return info.profile;
  }
  return std::nullopt;
}

std::string_view ProfileName(Profile profile) {
  if (!ProfileFromId(static_cast<uint16_t>(profile))) return "unknown";
  return GetProfileInfo(profile).name;
}

std::ostream& operator<<(std::ostream& os, Profile profile) {
  return os << ProfileName(profile);
}

size_t ExportedKeyingMaterialLength(Profile profile) {
  const ProfileInfo& info = GetProfileInfo(profile);
  return 2 * (info.master_key_len + info.master_salt_len);
}

absl::StatusOr<KeyingMaterial> SplitKeyingMaterial(
    Profile profile, std::span<const uint8_t> exported) {
  if (!ProfileFromId(static_cast<uint16_t>(profile))) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "SRTP profile 0x%04x is not supported", static_cast<int>(profile)));
  }
  const ProfileInfo& info = GetProfileInfo(profile);
  const size_t want = ExportedKeyingMaterialLength(profile);
  if (exported.size() != want) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "DTLS-SRTP keying material for %s: expected %d bytes, got %d",
        info.name, want, exported.size()));
  }
  const size_t k = info.master_key_len;
  const size_t s = info.master_salt_len;
  auto take = [&](size_t offset, size_t n) {
    return std::vector<uint8_t>(exported.begin() + offset,
                                exported.begin() + offset + n);
  };
  KeyingMaterial out;
  out.profile = profile;
  out.client_write.key = take(0, k);
  out.server_write.key = take(k, k);
  out.client_write.salt = take(2 * k, s);
  out.server_write.salt = take(2 * k + s, s);
  return out;
}

}  // namespace simrtc::srtp
