#include "core/rtcp/common.h"

#include <string>

#include "absl/strings/str_format.h"
#include "absl/utility/utility.h"

namespace simrtc::rtcp {

absl::StatusOr<RawPacket> ParseRawPacket(ByteSpan buffer, size_t offset) {
  absl::StatusOr<RawPacket> result(absl::in_place);
  absl::Status s = internal::ParseRawPacketInto(buffer, offset, *result);
  if (!s.ok()) result = std::move(s);
  return result;
}

namespace internal {

absl::Status ParseRawPacketInto(ByteSpan buffer, size_t offset,
                                RawPacket& raw) {
  if (offset > buffer.size() || buffer.size() - offset < kHeaderSize) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "RTCP header at offset %d: need 4 bytes, have %d", offset,
        offset > buffer.size() ? 0 : buffer.size() - offset));
  }
  const uint8_t* p = buffer.data() + offset;
  raw.offset = offset;
  raw.padding = (p[0] & 0x20) != 0;
  raw.count = p[0] & 0x1F;
  raw.type = p[1];
  // Only built on the error paths: the name is a std::string.
  auto name = [&] { return PacketTypeName(raw.type, raw.count); };
  if ((p[0] >> 6) != kVersion) {
    return absl::InvalidArgumentError(
        absl::StrFormat("RTCP %s at offset %d: version is %d, expected 2",
                        name(), offset, p[0] >> 6));
  }
  const size_t size = 4 * (size_t{LoadBE16(p + 2)} + 1);
  if (size > buffer.size() - offset) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "RTCP %s at offset %d: length field at offset %d says %d bytes, only "
        "%d remain",
        name(), offset, offset + 2, size, buffer.size() - offset));
  }
  raw.packet = buffer.subspan(offset, size);
  size_t body_size = size - kHeaderSize;
  if (raw.padding) {
    const uint8_t pad = p[size - 1];
    if (pad == 0 || pad > body_size) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "RTCP %s at offset %d: padding count at offset %d is %d, must be "
          "1..%d",
          name(), offset, offset + size - 1, pad, body_size));
    }
    body_size -= pad;
  }
  raw.body = raw.packet.subspan(kHeaderSize, body_size);
  return absl::OkStatus();
}

}  // namespace internal

std::string PacketTypeName(uint8_t type, uint8_t count) {
  switch (type) {
    case kPacketTypeSr:
      return "SR";
    case kPacketTypeRr:
      return "RR";
    case kPacketTypeSdes:
      return "SDES";
    case kPacketTypeBye:
      return "BYE";
    case kPacketTypeApp:
      return "APP";
    case kPacketTypeXr:
      return "XR";
    case kPacketTypeRtpfb:
      switch (count) {
        case kFmtGenericNack:
          return "NACK";
        case kFmtRapidResync:
          return "RRR";
        case kFmtTransportCc:
          return "TWCC";
        default:
          return absl::StrFormat("RTPFB FMT %d", count);
      }
    case kPacketTypePsfb:
      switch (count) {
        case kFmtPli:
          return "PLI";
        case kFmtSli:
          return "SLI";
        case kFmtFir:
          return "FIR";
        case kFmtApplicationLayer:
          return "AFB";
        default:
          return absl::StrFormat("PSFB FMT %d", count);
      }
    default:
      return absl::StrFormat("PT %d", type);
  }
}

namespace internal {

absl::Status FieldError(const RawPacket& raw, std::string_view name,
                        std::string_view field, size_t rel_offset,
                        std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("RTCP %s at offset %d: %s at offset %d: %s", name,
                      raw.offset, field, raw.offset + rel_offset, what));
}

absl::Status Truncated(const RawPacket& raw, std::string_view name,
                       std::string_view field, size_t rel_offset, size_t need,
                       size_t have) {
  return FieldError(
      raw, name, field, rel_offset,
      absl::StrFormat("truncated: need %d bytes, have %d", need, have));
}

absl::Status MarshalError(std::string_view name, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("RTCP %s marshal: %s", name, what));
}

absl::Status CheckPacketSize(std::string_view name, size_t size) {
  if (size % 4 != 0 || size < kHeaderSize || size > kMaxPacketSize) {
    return MarshalError(
        name, absl::StrFormat("packet size %d is not a multiple of 4 in "
                              "4..262144",
                              size));
  }
  return absl::OkStatus();
}

absl::Status WriteHeader(ByteWriter& w, bool padding, uint8_t count,
                         uint8_t type, size_t size) {
  absl::Status s = w.WriteU8(static_cast<uint8_t>(
      (kVersion << 6) | (padding ? 0x20 : 0) | (count & 0x1F)));
  if (!s.ok()) return s;
  s = w.WriteU8(type);
  if (!s.ok()) return s;
  return w.WriteU16(static_cast<uint16_t>(size / 4 - 1));
}

}  // namespace internal
}  // namespace simrtc::rtcp
