#include "core/stun/channel_data.h"

#include "absl/strings/str_format.h"
#include "core/stun/constants.h"

namespace simrtc::stun {
namespace {

absl::Status ChannelError(uint16_t channel) {
  if (channel >= 0x5000 && channel <= 0x7FFF) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "ChannelData at offset 0: channel number 0x%04x is reserved "
        "(valid: 0x4000..0x4FFF)",
        channel));
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "ChannelData at offset 0: 0x%04x is not a channel number (first two "
      "bits must be 01)",
      channel));
}

}  // namespace

bool IsChannelData(ByteSpan d) {
  if (d.size() < kChannelDataHeaderSize) return false;
  return IsValidChannelNumber(LoadBE16(&d[0])) &&
         kChannelDataHeaderSize + LoadBE16(&d[2]) <= d.size();
}

absl::StatusOr<ChannelData> ParseChannelData(ByteSpan d) {
  if (d.size() < kChannelDataHeaderSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("ChannelData at offset 0: %d bytes, header needs %d",
                        d.size(), kChannelDataHeaderSize));
  }
  const uint16_t channel = LoadBE16(&d[0]);
  if (!IsValidChannelNumber(channel)) return ChannelError(channel);
  const uint16_t length = LoadBE16(&d[2]);
  const size_t remaining = d.size() - kChannelDataHeaderSize;
  if (length > remaining) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "ChannelData at offset 2: length %d exceeds remaining %d", length,
        remaining));
  }
  return ChannelData{channel, d.subspan(kChannelDataHeaderSize, length)};
}

absl::StatusOr<size_t> WriteChannelData(uint16_t channel, ByteSpan data,
                                        MutableByteSpan out, bool pad) {
  if (!IsValidChannelNumber(channel)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "ChannelData channel number 0x%04x is outside 0x4000..0x4FFF",
        channel));
  }
  if (data.size() > 0xFFFF) {
    return absl::InvalidArgumentError(
        absl::StrFormat("ChannelData of %d bytes exceeds 65535", data.size()));
  }
  const size_t total = ChannelDataSize(data.size(), pad);
  ByteWriter w(out);
  if (w.capacity_left() < total) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "ChannelData needs %d bytes, buffer has %d", total, out.size()));
  }
  // Capacity was checked above, so these writes cannot fail.
  (void)w.WriteU16(channel);
  (void)w.WriteU16(static_cast<uint16_t>(data.size()));
  (void)w.WriteBytes(data);
  (void)w.WriteZeros(total - w.size());
  return total;
}

absl::StatusOr<std::vector<uint8_t>> BuildChannelData(uint16_t channel,
                                                      ByteSpan data, bool pad) {
  std::vector<uint8_t> out(ChannelDataSize(data.size(), pad));
  absl::StatusOr<size_t> n = WriteChannelData(channel, data, out, pad);
  if (!n.ok()) return n.status();
  return out;
}

absl::StatusOr<std::optional<size_t>> StreamFrameSize(ByteSpan b) {
  if (b.empty()) return std::nullopt;
  switch (b[0] >> 6) {
    case 0: {  // STUN
      if (b.size() < kHeaderSize) return std::nullopt;
      const uint32_t cookie = LoadBE32(&b[4]);
      if (cookie != kMagicCookie) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "STUN header at offset 4: magic cookie 0x%08x, expected 0x%08x",
            cookie, kMagicCookie));
      }
      const uint16_t length = LoadBE16(&b[2]);
      if ((length & 3) != 0) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "STUN header at offset 2: length %d is not a multiple of 4",
            length));
      }
      return kHeaderSize + length;
    }
    case 1: {  // ChannelData
      if (b.size() < kChannelDataHeaderSize) return std::nullopt;
      const uint16_t channel = LoadBE16(&b[0]);
      if (!IsValidChannelNumber(channel)) return ChannelError(channel);
      return ChannelDataSize(LoadBE16(&b[2]), /*pad=*/true);
    }
    default:
      return absl::InvalidArgumentError(absl::StrFormat(
          "stream frame at offset 0: first byte 0x%02x starts neither STUN "
          "nor ChannelData",
          b[0]));
  }
}

}  // namespace simrtc::stun
