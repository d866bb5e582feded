// Typed RTP header extensions used by WebRTC, and their SDP extmap URIs.
//
// Each type is a value with Parse(ByteSpan) (strict: the element must have
// exactly the defined size and in-range fields) and WriteTo(MutableByteSpan)
// (fails rather than truncating an out-of-range value). The ids are not
// fixed: they come from SDP negotiation (a=extmap), so every accessor takes
// the id as a parameter.
//
// ReadExtension<T>() returns nullopt both when the id is absent and when
// the element is malformed: a receiver treats a bad optional extension as
// missing rather than dropping the packet. Call T::Parse for the reason.
#ifndef CORE_RTP_RTP_HEADER_EXTENSIONS_H_
#define CORE_RTP_RTP_HEADER_EXTENSIONS_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "core/base/byte_io.h"
#include "core/base/time.h"
#include "core/rtp/rtp_packet.h"

namespace simrtc::rtp {

inline constexpr std::string_view kAbsSendTimeUri =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr std::string_view kAudioLevelUri =
    "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr std::string_view kTransportSequenceNumberUri =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr std::string_view kVideoOrientationUri =
    "urn:3gpp:video-orientation";
inline constexpr std::string_view kMidUri =
    "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr std::string_view kRidUri =
    "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kRepairedRidUri =
    "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

namespace internal {
// Out of line so the inline parsers below stay small.
absl::Status ExtensionSizeError(std::string_view name, size_t expected,
                                size_t got);
}  // namespace internal

// Absolute send time: 24-bit unsigned 6.18 fixed-point seconds, i.e. the
// sender's clock modulo 64 s with ~3.8 us resolution. Only differences
// between packets are meaningful.
struct AbsSendTime {
  static constexpr std::string_view kUri = kAbsSendTimeUri;
  static constexpr size_t kSize = 3;

  uint32_t value = 0;  // 0..0xFFFFFF

  // Truncates (rather than rounds) so the encoded time never runs ahead of
  // the real send time.
  static AbsSendTime FromTimestamp(Timestamp t);
  // The encoded time in [0, 64 s).
  TimeDelta ToTimeDelta() const;

  static absl::StatusOr<AbsSendTime> Parse(ByteSpan data) {
    if (data.size() != kSize) {
      return internal::ExtensionSizeError("abs-send-time", kSize, data.size());
    }
    return AbsSendTime{LoadBE24(data.data())};
  }
  absl::StatusOr<size_t> WriteTo(MutableByteSpan out) const;
  friend bool operator==(const AbsSendTime&, const AbsSendTime&) = default;
};

// Client-to-mixer audio level (RFC 6464): voice activity flag and the level
// in -dBov, 0 (loudest) .. 127 (silence).
struct AudioLevel {
  static constexpr std::string_view kUri = kAudioLevelUri;
  static constexpr size_t kSize = 1;

  bool voice_activity = false;
  uint8_t level = 127;

  static absl::StatusOr<AudioLevel> Parse(ByteSpan data) {
    if (data.size() != kSize) {
      return internal::ExtensionSizeError("audio-level", kSize, data.size());
    }
    return AudioLevel{(data[0] & 0x80) != 0,
                      static_cast<uint8_t>(data[0] & 0x7F)};
  }
  absl::StatusOr<size_t> WriteTo(MutableByteSpan out) const;
  friend bool operator==(const AudioLevel&, const AudioLevel&) = default;
};

// Transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-
// extensions-01): one counter across all media streams of a transport,
// echoed back in transport-cc feedback.
struct TransportSequenceNumber {
  static constexpr std::string_view kUri = kTransportSequenceNumberUri;
  static constexpr size_t kSize = 2;

  uint16_t sequence_number = 0;

  static absl::StatusOr<TransportSequenceNumber> Parse(ByteSpan data) {
    if (data.size() != kSize) {
      return internal::ExtensionSizeError("transport-wide-cc", kSize,
                                          data.size());
    }
    return TransportSequenceNumber{LoadBE16(data.data())};
  }
  absl::StatusOr<size_t> WriteTo(MutableByteSpan out) const;
  friend bool operator==(const TransportSequenceNumber&,
                         const TransportSequenceNumber&) = default;
};

// Coordination of video orientation (3GPP TS 26.114 7.4.5): the byte is
// 0 0 0 0 C F R1 R0.
struct VideoOrientation {
  static constexpr std::string_view kUri = kVideoOrientationUri;
  static constexpr size_t kSize = 1;

  bool back_camera = false;      // C
  bool horizontal_flip = false;  // F
  uint8_t rotation = 0;          // R1R0: 0, 1, 2, 3 = 0, 90, 180, 270 deg

  int rotation_degrees() const { return 90 * rotation; }

  // The upper four bits are reserved; they are ignored rather than
  // rejected so a future use of them does not cost us the rotation.
  static absl::StatusOr<VideoOrientation> Parse(ByteSpan data) {
    if (data.size() != kSize) {
      return internal::ExtensionSizeError("video-orientation", kSize,
                                          data.size());
    }
    return VideoOrientation{(data[0] & 0x08) != 0, (data[0] & 0x04) != 0,
                            static_cast<uint8_t>(data[0] & 0x03)};
  }
  absl::StatusOr<size_t> WriteTo(MutableByteSpan out) const;
  friend bool operator==(const VideoOrientation&,
                         const VideoOrientation&) = default;
};

// An SDES item carried as a header extension (RFC 7941): MID, RID,
// repaired RID. `value` is 1..255 bytes; when parsed it views the packet
// buffer and stops at the first NUL, since some senders pad with zeros.
template <const std::string_view& Uri>
struct SdesStringExtension {
  static constexpr std::string_view kUri = Uri;

  std::string_view value;

  static absl::StatusOr<SdesStringExtension> Parse(ByteSpan data) {
    std::string_view s = AsString(data);
    s = s.substr(0, s.find('\0'));
    if (s.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("RTP extension %s: empty value", Uri));
    }
    return SdesStringExtension{s};
  }
  absl::StatusOr<size_t> WriteTo(MutableByteSpan out) const {
    if (value.empty() || value.size() > kTwoByteMaxLength ||
        value.find('\0') != std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "RTP extension %s: value of %d bytes must be 1..255 without NUL", Uri,
          value.size()));
    }
    if (out.size() < value.size()) {
      return absl::ResourceExhaustedError("RTP extension buffer too small");
    }
    std::memcpy(out.data(), value.data(), value.size());
    return value.size();
  }
  friend bool operator==(const SdesStringExtension&,
                         const SdesStringExtension&) = default;
};

using MidExtension = SdesStringExtension<kMidUri>;
using RidExtension = SdesStringExtension<kRidUri>;
using RepairedRidExtension = SdesStringExtension<kRepairedRidUri>;

template <typename Ext>
std::optional<Ext> ReadExtension(const RtpPacketView& packet, uint8_t id) {
  std::optional<ByteSpan> data = packet.GetExtension(id);
  if (!data) return std::nullopt;
  absl::StatusOr<Ext> ext = Ext::Parse(*data);
  if (!ext.ok()) return std::nullopt;
  return *ext;
}

template <typename Ext>
std::optional<Ext> ReadExtension(const RtpPacket& packet, uint8_t id) {
  std::optional<ByteSpan> data = packet.GetExtension(id);
  if (!data) return std::nullopt;
  absl::StatusOr<Ext> ext = Ext::Parse(*data);
  if (!ext.ok()) return std::nullopt;
  return *ext;
}

template <typename Ext>
absl::Status WriteExtension(RtpPacket& packet, uint8_t id, const Ext& ext) {
  std::array<uint8_t, kTwoByteMaxLength> buf;
  absl::StatusOr<size_t> n = ext.WriteTo(buf);
  if (!n.ok()) return n.status();
  return packet.SetExtension(id, ByteSpan(buf.data(), *n));
}

}  // namespace simrtc::rtp

#endif  // CORE_RTP_RTP_HEADER_EXTENSIONS_H_
