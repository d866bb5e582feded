#include "core/media/h265.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"
#include "core/media/h264.h"

namespace simrtc::media {
namespace {

constexpr uint8_t kAud = 35;

uint8_t NalType(ByteSpan nal) { return (nal[0] >> 1) & 0x3F; }

void AppendAnnexB(std::vector<uint8_t>& out, ByteSpan nal) {
  out.insert(out.end(), {0, 0, 0, 1});
  out.insert(out.end(), nal.begin(), nal.end());
}

}  // namespace

absl::StatusOr<Payloads> H265Payloader::Payload(size_t mtu, ByteSpan frame) {
  Payloads out;
  if (frame.empty()) return out;
  if (mtu < 4) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "H265 payloader: mtu %d below the 4 bytes an FU needs", mtu));
  }
  std::vector<ByteSpan> nals;
  for (ByteSpan nal : SplitAnnexB(frame)) {
    // A NAL needs its 2-byte header; a 1-byte one is not valid HEVC.
    if (nal.size() < 2 || NalType(nal) == kAud) continue;
    nals.push_back(nal);
  }
  size_t i = 0;
  while (i < nals.size()) {
    size_t size = 2;
    size_t j = i;
    while (j < nals.size() && size + 2 + nals[j].size() <= mtu) {
      size += 2 + nals[j].size();
      ++j;
    }
    if (j - i >= 2) {
      // AP header: F if any F, lowest LayerId and TID of the contents.
      uint8_t f = 0, layer = 63, tid = 7;
      for (size_t k = i; k < j; ++k) {
        f |= nals[k][0] & 0x80;
        layer = std::min<uint8_t>(
            layer,
            static_cast<uint8_t>(((nals[k][0] & 1) << 5) | (nals[k][1] >> 3)));
        tid = std::min<uint8_t>(tid, nals[k][1] & 0x07);
      }
      std::vector<uint8_t>& p = out.emplace_back();
      p.reserve(size);
      p.push_back(static_cast<uint8_t>(f | (kH265Ap << 1) | (layer >> 5)));
      p.push_back(static_cast<uint8_t>(((layer & 0x1F) << 3) | tid));
      for (size_t k = i; k < j; ++k) {
        p.push_back(static_cast<uint8_t>(nals[k].size() >> 8));
        p.push_back(static_cast<uint8_t>(nals[k].size()));
        p.insert(p.end(), nals[k].begin(), nals[k].end());
      }
      i = j;
      continue;
    }
    ByteSpan nal = nals[i++];
    if (nal.size() <= mtu) {
      out.emplace_back(nal.begin(), nal.end());
      continue;
    }
    const uint8_t type = NalType(nal);
    const uint8_t h0 = static_cast<uint8_t>((nal[0] & 0x81) | (kH265Fu << 1));
    ByteSpan body = nal.subspan(2);
    const size_t room = mtu - 3;
    for (size_t off = 0; off < body.size(); off += room) {
      size_t n = std::min(room, body.size() - off);
      std::vector<uint8_t>& p = out.emplace_back(3 + n);
      p[0] = h0;
      p[1] = nal[1];
      p[2] = type;
      if (off == 0) p[2] |= 0x80;
      if (off + n == body.size()) p[2] |= 0x40;
      std::copy_n(body.data() + off, n, p.data() + 3);
    }
  }
  return out;
}

absl::StatusOr<H265PaciHeader> ParseH265PaciHeader(ByteSpan payload) {
  ByteReader r(payload);
  uint16_t payload_hdr = 0, fields = 0;
  SIMRTC_RETURN_IF_ERROR(r.ReadU16(payload_hdr, "H265 PACI payload header"));
  if (((payload_hdr >> 9) & 0x3F) != kH265Paci) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "H265 PACI at offset 0: payload header type %d, expected %d",
        (payload_hdr >> 9) & 0x3F, kH265Paci));
  }
  SIMRTC_RETURN_IF_ERROR(r.ReadU16(fields, "H265 PACI header fields"));
  H265PaciHeader h;
  h.layer_id = static_cast<uint8_t>((payload_hdr >> 3) & 0x3F);
  h.tid = static_cast<uint8_t>(payload_hdr & 0x07);
  h.a = (fields & 0x8000) != 0;
  h.ctype = static_cast<uint8_t>((fields >> 9) & 0x3F);
  h.phs_size = static_cast<uint8_t>((fields >> 4) & 0x1F);
  h.f0 = (fields & 0x08) != 0;
  h.f1 = (fields & 0x04) != 0;
  h.f2 = (fields & 0x02) != 0;
  h.y = (fields & 0x01) != 0;
  if (h.ctype == kH265Paci) {
    return absl::InvalidArgumentError(
        "H265 PACI cType at offset 2: 50, a PACI cannot carry a PACI");
  }
  if (h.ctype > kH265Paci) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "H265 PACI cType at offset 2: %d, reserved (expected 0..49)", h.ctype));
  }
  ByteSpan phes;
  if (!r.ReadBytes(h.phs_size, phes).ok()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "H265 PACI PHES at offset 4: PHSsize %d exceeds remaining %d",
        h.phs_size, r.remaining()));
  }
  if (h.f0) {
    // Temporal scalability control information: the first 3 PHES bytes.
    if (h.phs_size < 3) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "H265 PACI PHES at offset 4: F0 set but PHSsize %d, TSCI needs 3",
          h.phs_size));
    }
    H265Tsci t;
    t.tl0_pic_idx = phes[0];
    t.irap_pic_id = phes[1];
    t.s = (phes[2] & 0x80) != 0;
    t.e = (phes[2] & 0x40) != 0;
    h.tsci = t;
  }
  h.header_size = r.offset();
  return h;
}

absl::StatusOr<std::vector<uint8_t>> H265Depacketizer::Depacketize(
    ByteSpan payload) {
  // A single NAL unit packet may be just the 2-byte header: end of
  // sequence and end of bitstream NAL units carry nothing else.
  if (payload.size() < 2) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "H265 payload: %d bytes, need the 2-byte payload header",
        payload.size()));
  }
  if (NalType(payload) != kH265Paci) {
    return DepacketizeUnit(payload[0], payload[1], payload.subspan(2), 2);
  }
  absl::StatusOr<H265PaciHeader> paci = ParseH265PaciHeader(payload);
  if (!paci.ok()) {
    // Whatever was being reassembled cannot continue across a bad packet.
    in_fu_ = false;
    fu_buffer_.clear();
    return paci.status();
  }
  // The contained packet's own payload header is not sent: A and cType
  // stand for its F and Type, LayerId and TID are the PACI's.
  const uint8_t h0 = static_cast<uint8_t>(
      (paci->a ? 0x80 : 0) | (paci->ctype << 1) | (payload[0] & 1));
  return DepacketizeUnit(h0, payload[1], payload.subspan(paci->header_size),
                         paci->header_size);
}

absl::StatusOr<std::vector<uint8_t>> H265Depacketizer::DepacketizeUnit(
    uint8_t h0, uint8_t h1, ByteSpan body, size_t body_offset) {
  std::vector<uint8_t> out;
  const uint8_t type = (h0 >> 1) & 0x3F;
  if (type != kH265Fu && in_fu_) {
    in_fu_ = false;
    fu_buffer_.clear();
  }
  if (type < kH265Ap) {
    out.reserve(6 + body.size());
    out.insert(out.end(), {0, 0, 0, 1, h0, h1});
    out.insert(out.end(), body.begin(), body.end());
    return out;
  }
  if (type == kH265Ap) {
    ByteReader r(body);
    while (!r.empty()) {
      uint16_t size = 0;
      if (!r.ReadU16(size).ok()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "H265 AP at offset %d: 1 byte left, NALU size needs 2",
            body_offset + r.offset()));
      }
      ByteSpan nal;
      if (size < 2 || !r.ReadBytes(size, nal).ok()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "H265 AP NALU size %d at offset %d exceeds remaining %d (or is "
            "below the 2-byte header)",
            size, body_offset + r.offset() - 2, r.remaining()));
      }
      AppendAnnexB(out, nal);
    }
    if (out.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("H265 AP at offset %d: no NAL units", body_offset));
    }
    return out;
  }
  if (type == kH265Fu) {
    if (body.size() < 2) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "H265 FU at offset %d: %d bytes, need the FU header and data",
          body_offset, body.size()));
    }
    const uint8_t fu = body[0];
    if (fu & 0x80) {
      fu_buffer_.clear();
      fu_buffer_.push_back(
          static_cast<uint8_t>((h0 & 0x81) | ((fu & 0x3F) << 1)));
      fu_buffer_.push_back(h1);
      in_fu_ = true;
    } else if (!in_fu_) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "H265 FU header at offset %d: continuation fragment without a "
          "start fragment",
          body_offset));
    }
    fu_buffer_.insert(fu_buffer_.end(), body.begin() + 1, body.end());
    if (fu & 0x40) {
      AppendAnnexB(out, fu_buffer_);
      fu_buffer_.clear();
      in_fu_ = false;
    }
    return out;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "H265 payload: NAL unit type %d at offset %d unsupported (reserved)",
      type, body_offset - 2));
}

bool H265Depacketizer::IsPartitionHead(ByteSpan payload) const {
  if (payload.size() < 2) return false;
  uint8_t type = NalType(payload);
  size_t body = 2;
  if (type == kH265Paci) {
    if (payload.size() < 4) return false;
    type = (payload[2] >> 1) & 0x3F;
    body = 4 + (((payload[2] & 1) << 4) | (payload[3] >> 4));
  }
  if (type == kH265Fu) {
    return payload.size() > body && (payload[body] & 0x80) != 0;
  }
  return true;
}

}  // namespace simrtc::media
