#include "core/rtp/rtp_header_extensions.h"

namespace simrtc::rtp {
namespace internal {

absl::Status ExtensionSizeError(std::string_view name, size_t expected,
                                size_t got) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "RTP extension %s: expected %d bytes, got %d", name, expected, got));
}

}  // namespace internal
namespace {

absl::Status CheckRoom(std::string_view name, MutableByteSpan out,
                       size_t need) {
  if (out.size() < need) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("RTP extension %s: needs %d bytes, buffer has %d", name,
                        need, out.size()));
  }
  return absl::OkStatus();
}

constexpr int64_t kAbsSendTimeWrapUs = int64_t{64} * 1000000;

}  // namespace

AbsSendTime AbsSendTime::FromTimestamp(Timestamp t) {
  // Reduce modulo the 64 s wrap first so the shift below cannot overflow.
  int64_t us = t.us() % kAbsSendTimeWrapUs;
  if (us < 0) us += kAbsSendTimeWrapUs;
  return AbsSendTime{static_cast<uint32_t>((us << 18) / 1000000)};
}

TimeDelta AbsSendTime::ToTimeDelta() const {
  return TimeDelta::Micros((int64_t{value} * 1000000) >> 18);
}

absl::StatusOr<size_t> AbsSendTime::WriteTo(MutableByteSpan out) const {
  if (value > 0xFFFFFF) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "RTP extension abs-send-time: value 0x%x exceeds 24 bits", value));
  }
  absl::Status s = CheckRoom("abs-send-time", out, kSize);
  if (!s.ok()) return s;
  StoreBE24(out.data(), value);
  return kSize;
}

absl::StatusOr<size_t> AudioLevel::WriteTo(MutableByteSpan out) const {
  if (level > 127) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "RTP extension audio-level: level %d exceeds 127", level));
  }
  absl::Status s = CheckRoom("audio-level", out, kSize);
  if (!s.ok()) return s;
  out[0] = static_cast<uint8_t>((voice_activity ? 0x80 : 0) | level);
  return kSize;
}

absl::StatusOr<size_t> TransportSequenceNumber::WriteTo(
    MutableByteSpan out) const {
  absl::Status s = CheckRoom("transport-wide-cc", out, kSize);
  if (!s.ok()) return s;
  StoreBE16(out.data(), sequence_number);
  return kSize;
}

absl::StatusOr<size_t> VideoOrientation::WriteTo(MutableByteSpan out) const {
  if (rotation > 3) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "RTP extension video-orientation: rotation %d exceeds 3", rotation));
  }
  absl::Status s = CheckRoom("video-orientation", out, kSize);
  if (!s.ok()) return s;
  out[0] = static_cast<uint8_t>((back_camera ? 0x08 : 0) |
                                (horizontal_flip ? 0x04 : 0) | rotation);
  return kSize;
}

}  // namespace simrtc::rtp
