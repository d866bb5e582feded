#include "core/media/vp9.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"

namespace simrtc::media {

absl::StatusOr<Vp9Descriptor> ParseVp9Descriptor(ByteSpan payload) {
  ByteReader r(payload);
  Vp9Descriptor d;
  uint8_t b0 = 0;
  SIMRTC_RETURN_IF_ERROR(r.ReadU8(b0, "VP9 descriptor first byte"));
  const bool has_pid = b0 & 0x80;
  d.inter_predicted = b0 & 0x40;
  const bool has_layers = b0 & 0x20;
  d.flexible = b0 & 0x10;
  d.begin_of_frame = b0 & 0x08;
  d.end_of_frame = b0 & 0x04;
  d.has_ss = b0 & 0x02;
  d.not_reference = b0 & 0x01;
  if (has_pid) {
    uint8_t p0 = 0;
    SIMRTC_RETURN_IF_ERROR(r.ReadU8(p0, "VP9 picture id"));
    if (p0 & 0x80) {
      uint8_t p1 = 0;
      SIMRTC_RETURN_IF_ERROR(r.ReadU8(p1, "VP9 picture id low byte"));
      d.picture_id = static_cast<uint16_t>(((p0 & 0x7F) << 8) | p1);
      d.picture_id_15bit = true;
    } else {
      d.picture_id = p0 & 0x7F;
    }
  }
  if (has_layers) {
    uint8_t l = 0;
    SIMRTC_RETURN_IF_ERROR(r.ReadU8(l, "VP9 layer indices"));
    d.tid = l >> 5;
    d.switching_up = l & 0x10;
    d.sid = (l >> 1) & 0x07;
    d.inter_layer_dependency = l & 0x01;
    if (!d.flexible) {
      uint8_t t = 0;
      SIMRTC_RETURN_IF_ERROR(r.ReadU8(t, "VP9 TL0PICIDX"));
      d.tl0_pic_idx = t;
    }
  }
  if (d.flexible && d.inter_predicted) {
    if (!has_pid) {
      return absl::InvalidArgumentError(
          "VP9 flexible mode with P=1 at offset 0: picture id (I) required");
    }
    bool more = true;
    while (more) {
      if (d.p_diffs.size() == 3) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "VP9 P_DIFF at offset %d: more than 3 references", r.offset()));
      }
      uint8_t p = 0;
      SIMRTC_RETURN_IF_ERROR(r.ReadU8(p, "VP9 P_DIFF"));
      d.p_diffs.push_back(p >> 1);
      more = p & 0x01;
    }
  }
  if (d.has_ss) {
    uint8_t ss = 0;
    SIMRTC_RETURN_IF_ERROR(r.ReadU8(ss, "VP9 scalability structure"));
    d.num_spatial_layers = static_cast<uint8_t>((ss >> 5) + 1);
    if (ss & 0x10) {
      for (int i = 0; i < d.num_spatial_layers; ++i) {
        uint16_t w = 0, h = 0;
        SIMRTC_RETURN_IF_ERROR(r.ReadU16(w, "VP9 SS width"));
        SIMRTC_RETURN_IF_ERROR(r.ReadU16(h, "VP9 SS height"));
        d.resolutions.emplace_back(w, h);
      }
    }
    if (ss & 0x08) {
      uint8_t n = 0;
      SIMRTC_RETURN_IF_ERROR(r.ReadU8(n, "VP9 SS N_G"));
      for (int i = 0; i < n; ++i) {
        uint8_t g = 0;
        SIMRTC_RETURN_IF_ERROR(r.ReadU8(g, "VP9 SS picture group entry"));
        Vp9Descriptor::PictureGroupEntry e;
        e.tid = g >> 5;
        e.switching_up = g & 0x10;
        for (int k = 0; k < ((g >> 2) & 0x03); ++k) {
          uint8_t p = 0;
          SIMRTC_RETURN_IF_ERROR(r.ReadU8(p, "VP9 SS P_DIFF"));
          e.p_diffs.push_back(p);
        }
        d.picture_group.push_back(std::move(e));
      }
    }
  }
  d.header_size = r.offset();
  if (r.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "VP9 payload: no data after %d-byte descriptor", d.header_size));
  }
  return d;
}

bool IsVp9KeyFrame(ByteSpan frame) {
  if (frame.empty()) return false;
  // Bits MSB first: frame_marker(2)=2, profile_low, profile_high,
  // [reserved_zero if profile 3], show_existing_frame, frame_type.
  const uint8_t b = frame[0];
  if ((b >> 6) != 2) return false;
  const int profile = ((b >> 5) & 1) | (((b >> 4) & 1) << 1);
  int bit = profile == 3 ? 3 : 4;  // index (from MSB) of show_existing_frame
  if ((b >> (7 - bit)) & 1) return false;
  ++bit;
  return ((b >> (7 - bit)) & 1) == 0;
}

absl::StatusOr<Payloads> Vp9Payloader::Payload(size_t mtu, ByteSpan frame) {
  Payloads out;
  if (frame.empty()) return out;
  constexpr size_t kHeader = 3;
  if (mtu <= kHeader) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "VP9 payloader: mtu %d leaves no room after 3-byte descriptor", mtu));
  }
  const uint8_t p_bit = IsVp9KeyFrame(frame) ? 0 : 0x40;
  const size_t room = mtu - kHeader;
  for (size_t off = 0; off < frame.size(); off += room) {
    size_t n = std::min(room, frame.size() - off);
    std::vector<uint8_t>& p = out.emplace_back(kHeader + n);
    p[0] = 0x80 | p_bit;
    if (off == 0) p[0] |= 0x08;
    if (off + n == frame.size()) p[0] |= 0x04;
    p[1] = static_cast<uint8_t>(0x80 | (picture_id_ >> 8));
    p[2] = static_cast<uint8_t>(picture_id_);
    std::copy_n(frame.data() + off, n, p.data() + kHeader);
  }
  picture_id_ = (picture_id_ + 1) & 0x7FFF;
  return out;
}

absl::StatusOr<std::vector<uint8_t>> Vp9Depacketizer::Depacketize(
    ByteSpan payload) {
  SIMRTC_ASSIGN_OR_RETURN(last_, ParseVp9Descriptor(payload));
  ByteSpan body = payload.subspan(last_.header_size);
  return std::vector<uint8_t>(body.begin(), body.end());
}

}  // namespace simrtc::media
