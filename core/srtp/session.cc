#include "core/srtp/session.h"

#include <arpa/inet.h>
#include <srtp2/srtp.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "core/base/byte_io.h"

namespace simrtc::srtp {
namespace {

// libsrtp's crypto kernel is process-wide and must be initialised once
// before any session exists. A function-local static runs srtp_init exactly
// once (thread-safe since C++11) and is never torn down: libsrtp holds no
// per-connection data there, so leaving it alive is harmless and avoids
// shutdown-order bugs between sessions and srtp_shutdown.
absl::Status EnsureLibsrtpInitialized() {
  static const srtp_err_status_t status = srtp_init();
  if (status != srtp_err_status_ok) {
    return absl::InternalError(
        absl::StrFormat("srtp_init failed with libsrtp status %d", status));
  }
  return absl::OkStatus();
}

srtp_profile_t ToLibsrtp(Profile p) {
  switch (p) {
    case Profile::kAes128CmHmacSha1_80:
      return srtp_profile_aes128_cm_sha1_80;
    case Profile::kAes128CmHmacSha1_32:
      return srtp_profile_aes128_cm_sha1_32;
    case Profile::kAeadAes128Gcm:
      return srtp_profile_aead_aes_128_gcm;
    case Profile::kAeadAes256Gcm:
      return srtp_profile_aead_aes_256_gcm;
  }
  return srtp_profile_reserved;
}

// What the error messages identify a packet by.
struct PacketId {
  bool rtcp = false;
  uint32_t ssrc = 0;
  uint32_t seq_or_index = 0;
  bool has_index = false;
};

std::string Describe(const PacketId& id) {
  if (!id.rtcp) {
    return absl::StrFormat("SSRC 0x%08x seq %u", id.ssrc, id.seq_or_index);
  }
  if (id.has_index) {
    return absl::StrFormat("SSRC 0x%08x SRTCP index %u", id.ssrc,
                           id.seq_or_index);
  }
  return absl::StrFormat("SSRC 0x%08x", id.ssrc);
}

absl::Status MapError(srtp_err_status_t err, std::string_view op,
                      const PacketId& id, size_t window) {
  const std::string what = Describe(id);
  switch (err) {
    case srtp_err_status_auth_fail:
      return absl::UnauthenticatedError(absl::StrFormat(
          "%s: authentication failed for %s (tampered packet or wrong key)", op,
          what));
    case srtp_err_status_replay_fail:
      if (op.find("unprotect") == std::string_view::npos) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "%s: %s was already protected once (allow_repeat_tx is off)", op,
            what));
      }
      return absl::AlreadyExistsError(
          absl::StrFormat("%s: replayed packet %s", op, what));
    case srtp_err_status_replay_old:
      return absl::AlreadyExistsError(absl::StrFormat(
          "%s: packet %s is older than the %d-packet replay window", op, what,
          window));
    case srtp_err_status_no_ctx:
      return absl::NotFoundError(absl::StrFormat(
          "%s: no stream for %s and wildcard SSRCs are off", op, what));
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err:
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: malformed packet %s", op, what));
    default:
      return absl::InternalError(
          absl::StrFormat("%s: libsrtp error %d on packet %s", op,
                          static_cast<int>(err), what));
  }
}

// RFC 3550 section 5.1 fixed header, CSRCs and extension must fit; libsrtp
// checks too, but this gives the caller a message that names the field.
absl::Status CheckRtpHeader(std::span<const uint8_t> p, std::string_view op) {
  if (p.size() < 12) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: RTP packet of %d bytes is shorter than the 12-byte header", op,
        p.size()));
  }
  if ((p[0] >> 6) != 2) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: RTP version at offset 0 is %d, expected 2", op, p[0] >> 6));
  }
  size_t header = 12 + 4 * size_t{static_cast<uint8_t>(p[0] & 0x0f)};
  if (p[0] & 0x10) {
    if (p.size() < header + 4) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: RTP header extension at offset %d truncated (%d bytes)", op,
          header, p.size()));
    }
    header += 4 + 4 * size_t{LoadBE16(&p[header + 2])};
  }
  if (header > p.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: RTP header of %d bytes (CSRCs, extension) exceeds packet of %d",
        op, header, p.size()));
  }
  return absl::OkStatus();
}

absl::Status CheckRtcpHeader(std::span<const uint8_t> p, std::string_view op) {
  if (p.size() < 8) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: RTCP packet of %d bytes is shorter than the 8-byte header", op,
        p.size()));
  }
  if ((p[0] >> 6) != 2) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: RTCP version at offset 0 is %d, expected 2", op, p[0] >> 6));
  }
  return absl::OkStatus();
}

absl::Status CheckRoom(std::span<uint8_t> buffer, size_t packet_len,
                       size_t overhead, std::string_view op) {
  if (packet_len > buffer.size() || buffer.size() - packet_len < overhead) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: buffer of %d bytes has no room for a %d-byte trailer after a "
        "%d-byte packet",
        op, buffer.size(), overhead, packet_len));
  }
  if (packet_len + overhead > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: packet of %d bytes is too large", op, packet_len));
  }
  return absl::OkStatus();
}

absl::Status CheckKey(const MasterKey& k, const ProfileInfo& info,
                      std::string_view which) {
  if (k.key.size() != info.master_key_len ||
      k.salt.size() != info.master_salt_len) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "SRTP %s master key for %s: expected %d-byte key and %d-byte salt, "
        "got %d and %d",
        which, info.name, info.master_key_len, info.master_salt_len,
        k.key.size(), k.salt.size()));
  }
  return absl::OkStatus();
}

}  // namespace

SessionConfig SessionConfig::FromKeyingMaterial(const KeyingMaterial& keys,
                                                bool is_client) {
  SessionConfig c;
  c.profile = keys.profile;
  c.local = keys.local(is_client);
  c.remote = keys.remote(is_client);
  return c;
}

absl::StatusOr<Session> Session::Create(const SessionConfig& config) {
  if (auto s = EnsureLibsrtpInitialized(); !s.ok()) return s;
  if (!ProfileFromId(static_cast<uint16_t>(config.profile))) {
    return absl::InvalidArgumentError(
        absl::StrFormat("SRTP profile 0x%04x is not supported",
                        static_cast<int>(config.profile)));
  }
  const ProfileInfo& info = GetProfileInfo(config.profile);
  if (auto s = CheckKey(config.local, info, "local"); !s.ok()) return s;
  if (auto s = CheckKey(config.remote, info, "remote"); !s.ok()) return s;
  if (config.replay_window < 64 || config.replay_window >= 0x8000) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "SRTP replay_window %d outside libsrtp's range 64..32767",
        config.replay_window));
  }

  Session session;
  session.profile_ = config.profile;
  session.rtp_overhead_ = info.rtp_overhead;
  session.rtcp_overhead_ = info.rtcp_overhead;
  session.aead_ = info.aead;
  session.config_ = config;

  srtp_err_status_t err = srtp_create(&session.tx_, nullptr);
  if (err == srtp_err_status_ok) err = srtp_create(&session.rx_, nullptr);
  if (err != srtp_err_status_ok) {
    return absl::InternalError(
        absl::StrFormat("srtp_create failed with libsrtp status %d", err));
  }
  if (config.any_local_ssrc) {
    if (auto s = session.AddStream(/*local=*/true, std::nullopt); !s.ok()) {
      return s;
    }
  }
  if (config.any_remote_ssrc) {
    if (auto s = session.AddStream(/*local=*/false, std::nullopt); !s.ok()) {
      return s;
    }
  }
  return session;
}

Session::Session(Session&& other) noexcept { *this = std::move(other); }

Session& Session::operator=(Session&& other) noexcept {
  if (this != &other) {
    Reset();
    tx_ = std::exchange(other.tx_, nullptr);
    rx_ = std::exchange(other.rx_, nullptr);
    profile_ = other.profile_;
    rtp_overhead_ = other.rtp_overhead_;
    rtcp_overhead_ = other.rtcp_overhead_;
    aead_ = other.aead_;
    config_ = std::move(other.config_);
  }
  return *this;
}

Session::~Session() { Reset(); }

void Session::Reset() {
  if (tx_ != nullptr) srtp_dealloc(tx_);
  if (rx_ != nullptr) srtp_dealloc(rx_);
  tx_ = nullptr;
  rx_ = nullptr;
}

// No `ssrc` means the direction's wildcard template.
absl::Status Session::AddStream(bool local, std::optional<uint32_t> ssrc) {
  const MasterKey& k = local ? config_.local : config_.remote;
  // libsrtp wants key||salt in one mutable buffer; it copies what it needs.
  std::vector<uint8_t> key_and_salt(k.key);
  key_and_salt.insert(key_and_salt.end(), k.salt.begin(), k.salt.end());

  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, ToLibsrtp(profile_));
  srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp,
                                               ToLibsrtp(profile_));
  const bool wildcard = !ssrc.has_value();
  // libsrtp would happily chain a second stream for the same SSRC, and
  // which one then answers is an accident of list order.
  uint32_t unused_roc = 0;
  if (!wildcard && srtp_get_stream_roc(local ? tx_ : rx_, *ssrc, &unused_roc) ==
                       srtp_err_status_ok) {
    return absl::AlreadyExistsError(
        absl::StrFormat("SRTP: %s stream for SSRC 0x%08x already exists",
                        local ? "local" : "remote", *ssrc));
  }
  if (wildcard) {
    policy.ssrc.type = local ? ssrc_any_outbound : ssrc_any_inbound;
  } else {
    policy.ssrc.type = ssrc_specific;
    policy.ssrc.value = *ssrc;
  }
  policy.key = key_and_salt.data();
  policy.window_size = config_.replay_window;
  policy.allow_repeat_tx = config_.allow_repeat_tx ? 1 : 0;
  policy.next = nullptr;

  srtp_err_status_t err = srtp_add_stream(local ? tx_ : rx_, &policy);
  std::fill(key_and_salt.begin(), key_and_salt.end(), 0);
  if (err != srtp_err_status_ok) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "SRTP: adding %s stream for %s failed with libsrtp status %d",
        local ? "local" : "remote",
        wildcard ? std::string("any SSRC")
                 : absl::StrFormat("SSRC 0x%08x", *ssrc),
        static_cast<int>(err)));
  }
  return absl::OkStatus();
}

absl::Status Session::AddLocalStream(uint32_t ssrc) {
  return AddStream(/*local=*/true, ssrc);
}

absl::Status Session::AddRemoteStream(uint32_t ssrc) {
  return AddStream(/*local=*/false, ssrc);
}

absl::Status Session::RemoveLocalStream(uint32_t ssrc) {
  // srtp_remove_stream takes network order, unlike the roc accessors.
  if (srtp_remove_stream(tx_, htonl(ssrc)) != srtp_err_status_ok) {
    return absl::NotFoundError(
        absl::StrFormat("SRTP: no local stream for SSRC 0x%08x", ssrc));
  }
  return absl::OkStatus();
}

absl::Status Session::RemoveRemoteStream(uint32_t ssrc) {
  if (srtp_remove_stream(rx_, htonl(ssrc)) != srtp_err_status_ok) {
    return absl::NotFoundError(
        absl::StrFormat("SRTP: no remote stream for SSRC 0x%08x", ssrc));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> Session::LocalRolloverCounter(uint32_t ssrc) const {
  uint32_t roc = 0;
  if (srtp_get_stream_roc(tx_, ssrc, &roc) != srtp_err_status_ok) {
    return absl::NotFoundError(
        absl::StrFormat("SRTP: no local stream for SSRC 0x%08x", ssrc));
  }
  return roc;
}

absl::StatusOr<uint32_t> Session::RemoteRolloverCounter(uint32_t ssrc) const {
  uint32_t roc = 0;
  if (srtp_get_stream_roc(rx_, ssrc, &roc) != srtp_err_status_ok) {
    return absl::NotFoundError(
        absl::StrFormat("SRTP: no remote stream for SSRC 0x%08x", ssrc));
  }
  return roc;
}

absl::Status Session::SetRemoteRolloverCounter(uint32_t ssrc, uint32_t roc) {
  if (srtp_set_stream_roc(rx_, ssrc, roc) != srtp_err_status_ok) {
    return absl::NotFoundError(
        absl::StrFormat("SRTP: no remote stream for SSRC 0x%08x", ssrc));
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> Session::ProtectRtp(std::span<uint8_t> buffer,
                                           size_t packet_len) {
  constexpr std::string_view kOp = "SRTP protect";
  if (auto s = CheckRoom(buffer, packet_len, rtp_overhead_, kOp); !s.ok()) {
    return s;
  }
  if (auto s = CheckRtpHeader(buffer.first(packet_len), kOp); !s.ok()) {
    return s;
  }
  int len = static_cast<int>(packet_len);
  srtp_err_status_t err = srtp_protect(tx_, buffer.data(), &len);
  if (err != srtp_err_status_ok) {
    PacketId id{false, LoadBE32(&buffer[8]), LoadBE16(&buffer[2]), false};
    return MapError(err, kOp, id, config_.replay_window);
  }
  return static_cast<size_t>(len);
}

absl::StatusOr<size_t> Session::UnprotectRtp(std::span<uint8_t> packet) {
  constexpr std::string_view kOp = "SRTP unprotect";
  if (auto s = CheckRtpHeader(packet, kOp); !s.ok()) return s;
  if (packet.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("SRTP unprotect: packet too large");
  }
  // Read before libsrtp touches the buffer: the header is authenticated but
  // never encrypted, so these are what the sender put there.
  PacketId id{false, LoadBE32(&packet[8]), LoadBE16(&packet[2]), false};
  int len = static_cast<int>(packet.size());
  srtp_err_status_t err = srtp_unprotect(rx_, packet.data(), &len);
  if (err != srtp_err_status_ok) {
    return MapError(err, kOp, id, config_.replay_window);
  }
  return static_cast<size_t>(len);
}

absl::StatusOr<size_t> Session::ProtectRtcp(std::span<uint8_t> buffer,
                                            size_t packet_len) {
  constexpr std::string_view kOp = "SRTCP protect";
  if (auto s = CheckRoom(buffer, packet_len, rtcp_overhead_, kOp); !s.ok()) {
    return s;
  }
  if (auto s = CheckRtcpHeader(buffer.first(packet_len), kOp); !s.ok()) {
    return s;
  }
  PacketId id{true, LoadBE32(&buffer[4]), 0, false};
  int len = static_cast<int>(packet_len);
  srtp_err_status_t err = srtp_protect_rtcp(tx_, buffer.data(), &len);
  if (err != srtp_err_status_ok) {
    return MapError(err, kOp, id, config_.replay_window);
  }
  return static_cast<size_t>(len);
}

absl::StatusOr<size_t> Session::UnprotectRtcp(std::span<uint8_t> packet) {
  constexpr std::string_view kOp = "SRTCP unprotect";
  if (auto s = CheckRtcpHeader(packet, kOp); !s.ok()) return s;
  if (packet.size() < 8 + rtcp_overhead_) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: packet of %d bytes is shorter than header + %d-byte trailer", kOp,
        packet.size(), rtcp_overhead_));
  }
  if (packet.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("SRTCP unprotect: packet too large");
  }
  // RFC 3711 puts E|index before the tag; RFC 7714 (AEAD) after it.
  const size_t index_at =
      aead_ ? packet.size() - 4 : packet.size() - rtcp_overhead_;
  PacketId id{true, LoadBE32(&packet[4]),
              LoadBE32(&packet[index_at]) & 0x7fffffffu, true};
  int len = static_cast<int>(packet.size());
  srtp_err_status_t err = srtp_unprotect_rtcp(rx_, packet.data(), &len);
  if (err != srtp_err_status_ok) {
    return MapError(err, kOp, id, config_.replay_window);
  }
  return static_cast<size_t>(len);
}

}  // namespace simrtc::srtp
