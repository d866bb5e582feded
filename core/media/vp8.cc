#include "core/media/vp8.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"

namespace simrtc::media {

absl::StatusOr<Vp8Descriptor> ParseVp8Descriptor(ByteSpan payload) {
  ByteReader r(payload);
  Vp8Descriptor d;
  uint8_t b0 = 0;
  SIMRTC_RETURN_IF_ERROR(r.ReadU8(b0, "VP8 descriptor first byte"));
  d.non_reference = (b0 & 0x20) != 0;
  d.start_of_partition = (b0 & 0x10) != 0;
  d.partition_index = b0 & 0x07;
  if (b0 & 0x80) {
    uint8_t x = 0;
    SIMRTC_RETURN_IF_ERROR(r.ReadU8(x, "VP8 extension byte (I/L/T/K)"));
    if (x & 0x80) {
      uint8_t p0 = 0;
      SIMRTC_RETURN_IF_ERROR(r.ReadU8(p0, "VP8 PictureID"));
      if (p0 & 0x80) {
        uint8_t p1 = 0;
        SIMRTC_RETURN_IF_ERROR(r.ReadU8(p1, "VP8 PictureID low byte"));
        d.picture_id = static_cast<uint16_t>(((p0 & 0x7F) << 8) | p1);
        d.picture_id_15bit = true;
      } else {
        d.picture_id = p0 & 0x7F;
      }
    }
    if (x & 0x40) {
      uint8_t v = 0;
      SIMRTC_RETURN_IF_ERROR(r.ReadU8(v, "VP8 TL0PICIDX"));
      d.tl0_pic_idx = v;
    }
    if (x & 0x30) {  // T or K: they share one byte
      uint8_t v = 0;
      SIMRTC_RETURN_IF_ERROR(r.ReadU8(v, "VP8 TID/Y/KEYIDX"));
      if (x & 0x20) {
        d.tid = v >> 6;
        d.layer_sync = (v & 0x20) != 0;
      }
      if (x & 0x10) d.key_idx = v & 0x1F;
    }
  }
  d.header_size = r.offset();
  if (r.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "VP8 payload: no data after %d-byte descriptor", d.header_size));
  }
  return d;
}

absl::StatusOr<Payloads> Vp8Payloader::Payload(size_t mtu, ByteSpan frame) {
  Payloads out;
  if (frame.empty()) return out;
  const size_t header = options_.enable_picture_id ? 4 : 1;
  if (mtu <= header) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "VP8 payloader: mtu %d leaves no room after %d-byte descriptor", mtu,
        header));
  }
  const size_t room = mtu - header;
  out.reserve((frame.size() + room - 1) / room);
  for (size_t off = 0; off < frame.size(); off += room) {
    size_t n = std::min(room, frame.size() - off);
    std::vector<uint8_t>& p = out.emplace_back(header + n);
    p[0] = off == 0 ? 0x10 : 0x00;
    if (options_.enable_picture_id) {
      p[0] |= 0x80;
      p[1] = 0x80;
      p[2] = static_cast<uint8_t>(0x80 | (picture_id_ >> 8));
      p[3] = static_cast<uint8_t>(picture_id_);
    }
    std::copy_n(frame.data() + off, n, p.data() + header);
  }
  picture_id_ = (picture_id_ + 1) & 0x7FFF;
  return out;
}

absl::StatusOr<std::vector<uint8_t>> Vp8Depacketizer::Depacketize(
    ByteSpan payload) {
  SIMRTC_ASSIGN_OR_RETURN(last_, ParseVp8Descriptor(payload));
  ByteSpan body = payload.subspan(last_.header_size);
  return std::vector<uint8_t>(body.begin(), body.end());
}

bool Vp8Depacketizer::IsPartitionHead(ByteSpan payload) const {
  return !payload.empty() && (payload[0] & 0x10) != 0 &&
         (payload[0] & 0x07) == 0;
}

}  // namespace simrtc::media
