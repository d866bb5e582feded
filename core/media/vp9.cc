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

namespace {

absl::Status CheckFrameInfo(const Vp9PayloaderOptions& options,
                            const Vp9FrameInfo& info) {
  if (!options.flexible && !info.p_diffs.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "VP9 payloader: %d P_DIFF entries given in non-flexible mode (F=0 "
        "carries no reference indices)",
        info.p_diffs.size()));
  }
  if (info.p_diffs.size() > 3) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "VP9 payloader: %d P_DIFF entries, at most 3", info.p_diffs.size()));
  }
  for (size_t i = 0; i < info.p_diffs.size(); ++i) {
    if (info.p_diffs[i] == 0 || info.p_diffs[i] > 127) {
      return absl::InvalidArgumentError(
          absl::StrFormat("VP9 payloader: P_DIFF[%d] = %d, expected 1..127", i,
                          info.p_diffs[i]));
    }
  }
  if (options.flexible && info.inter_predicted.has_value() &&
      *info.inter_predicted != !info.p_diffs.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "VP9 payloader: P=%d with %d P_DIFF entries (flexible mode needs "
        "1..3 references exactly when P=1)",
        *info.inter_predicted ? 1 : 0, info.p_diffs.size()));
  }
  if (info.layer.has_value()) {
    if (info.layer->tid > 7) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "VP9 payloader: layer TID %d, expected 0..7", info.layer->tid));
    }
    if (info.layer->sid > 7) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "VP9 payloader: layer SID %d, expected 0..7", info.layer->sid));
    }
  }
  if (info.ss.has_value()) {
    const Vp9ScalabilityStructure& ss = *info.ss;
    if (ss.num_spatial_layers < 1 || ss.num_spatial_layers > 8) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "VP9 payloader: SS spatial layer count %d, expected 1..8",
          ss.num_spatial_layers));
    }
    if (!ss.resolutions.empty() &&
        ss.resolutions.size() != static_cast<size_t>(ss.num_spatial_layers)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "VP9 payloader: SS has %d resolutions for %d spatial layers",
          ss.resolutions.size(), ss.num_spatial_layers));
    }
    if (info.layer.has_value() && info.layer->sid >= ss.num_spatial_layers) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "VP9 payloader: layer SID %d outside the SS's %d spatial layers",
          info.layer->sid, ss.num_spatial_layers));
    }
    if (ss.picture_group.has_value()) {
      if (ss.picture_group->size() > 255) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "VP9 payloader: SS picture group of %d entries, N_G holds 255",
            ss.picture_group->size()));
      }
      for (size_t i = 0; i < ss.picture_group->size(); ++i) {
        const Vp9Descriptor::PictureGroupEntry& e = (*ss.picture_group)[i];
        if (e.tid > 7 || e.p_diffs.size() > 3) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "VP9 payloader: SS picture group entry %d: TID %d (0..7) with "
              "%d P_DIFF entries (at most 3)",
              i, e.tid, e.p_diffs.size()));
        }
      }
    }
  }
  return absl::OkStatus();
}

void AppendScalabilityStructure(const Vp9ScalabilityStructure& ss,
                                std::vector<uint8_t>& out) {
  uint8_t b = static_cast<uint8_t>((ss.num_spatial_layers - 1) << 5);
  if (!ss.resolutions.empty()) b |= 0x10;
  if (ss.picture_group.has_value()) b |= 0x08;
  out.push_back(b);
  for (const auto& [w, h] : ss.resolutions) {
    out.insert(out.end(),
               {static_cast<uint8_t>(w >> 8), static_cast<uint8_t>(w),
                static_cast<uint8_t>(h >> 8), static_cast<uint8_t>(h)});
  }
  if (!ss.picture_group.has_value()) return;
  out.push_back(static_cast<uint8_t>(ss.picture_group->size()));
  for (const Vp9Descriptor::PictureGroupEntry& e : *ss.picture_group) {
    out.push_back(static_cast<uint8_t>(
        (e.tid << 5) | (e.switching_up ? 0x10 : 0) | (e.p_diffs.size() << 2)));
    out.insert(out.end(), e.p_diffs.begin(), e.p_diffs.end());
  }
}

}  // namespace

Vp9Payloader::Vp9Payloader(const Vp9PayloaderOptions& options)
    : options_(options),
      id_mask_(options.picture_id_15bit ? 0x7FFF : 0x7F),
      next_picture_id_(options.initial_picture_id & id_mask_),
      tl0_pic_idx_(options.initial_tl0_pic_idx) {}

absl::StatusOr<Payloads> Vp9Payloader::Payload(size_t mtu, ByteSpan frame) {
  if (next_info_.has_value()) {
    absl::StatusOr<Payloads> out = PayloadFrame(mtu, frame, *next_info_);
    if (out.ok()) next_info_.reset();
    return out;
  }
  Vp9FrameInfo info;
  if (options_.flexible && !IsVp9KeyFrame(frame)) info.p_diffs = {1};
  return PayloadFrame(mtu, frame, info);
}

absl::StatusOr<Payloads> Vp9Payloader::PayloadFrame(size_t mtu, ByteSpan frame,
                                                    const Vp9FrameInfo& info) {
  Payloads out;
  if (frame.empty()) return out;
  SIMRTC_RETURN_IF_ERROR(CheckFrameInfo(options_, info));

  // Picture id and TL0PICIDX for this frame, committed only on success.
  const bool new_picture = !info.continues_picture || !sent_picture_;
  const uint16_t picture_id = new_picture ? next_picture_id_ : picture_id_;
  uint8_t tl0_pic_idx = tl0_pic_idx_;
  bool sent_tl0 = sent_tl0_;
  if (new_picture && info.layer.has_value() && info.layer->tid == 0) {
    if (sent_tl0) ++tl0_pic_idx;
    sent_tl0 = true;
  }

  bool inter_predicted;
  if (options_.flexible) {
    inter_predicted = !info.p_diffs.empty();
  } else {
    inter_predicted = info.inter_predicted.value_or(!IsVp9KeyFrame(frame));
  }
  // The descriptor every packet of the frame carries, less B/E and V.
  std::vector<uint8_t> common;
  common.reserve(8);
  uint8_t b0 = 0x80;  // I
  if (inter_predicted) b0 |= 0x40;
  if (info.layer.has_value()) b0 |= 0x20;
  if (options_.flexible) b0 |= 0x10;
  if (info.not_reference) b0 |= 0x01;
  common.push_back(b0);
  if (options_.picture_id_15bit) {
    common.push_back(static_cast<uint8_t>(0x80 | (picture_id >> 8)));
    common.push_back(static_cast<uint8_t>(picture_id));
  } else {
    common.push_back(static_cast<uint8_t>(picture_id & 0x7F));
  }
  if (info.layer.has_value()) {
    const Vp9LayerInfo& l = *info.layer;
    common.push_back(static_cast<uint8_t>(
        (l.tid << 5) | (l.switching_up ? 0x10 : 0) | (l.sid << 1) |
        (l.inter_layer_dependency ? 0x01 : 0)));
    if (!options_.flexible) common.push_back(tl0_pic_idx);
  }
  for (size_t i = 0; i < info.p_diffs.size(); ++i) {
    const bool more = i + 1 < info.p_diffs.size();
    common.push_back(static_cast<uint8_t>((info.p_diffs[i] << 1) | more));
  }
  std::vector<uint8_t> ss;
  if (info.ss.has_value()) AppendScalabilityStructure(*info.ss, ss);

  const size_t first_header = common.size() + ss.size();
  if (mtu <= first_header) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "VP9 payloader: mtu %d leaves no room after the %d-byte descriptor",
        mtu, first_header));
  }
  size_t off = 0;
  while (off < frame.size()) {
    const bool first = off == 0;
    const size_t header = first ? first_header : common.size();
    const size_t n = std::min(mtu - header, frame.size() - off);
    std::vector<uint8_t>& p = out.emplace_back();
    p.reserve(header + n);
    p.insert(p.end(), common.begin(), common.end());
    if (first) {
      p[0] |= 0x08;  // B
      if (!ss.empty()) {
        p[0] |= 0x02;  // V
        p.insert(p.end(), ss.begin(), ss.end());
      }
    }
    if (off + n == frame.size()) p[0] |= 0x04;  // E
    p.insert(p.end(), frame.begin() + off, frame.begin() + off + n);
    off += n;
  }

  if (new_picture) {
    picture_id_ = picture_id;
    next_picture_id_ = (picture_id + 1) & id_mask_;
    sent_picture_ = true;
  }
  tl0_pic_idx_ = tl0_pic_idx;
  sent_tl0_ = sent_tl0;
  return out;
}

absl::StatusOr<std::vector<uint8_t>> Vp9Depacketizer::Depacketize(
    ByteSpan payload) {
  SIMRTC_ASSIGN_OR_RETURN(last_, ParseVp9Descriptor(payload));
  ByteSpan body = payload.subspan(last_.header_size);
  return std::vector<uint8_t>(body.begin(), body.end());
}

}  // namespace simrtc::media
