#include "core/media/h265.h"

#include <algorithm>

#include "absl/strings/str_format.h"
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

absl::StatusOr<std::vector<uint8_t>> H265Depacketizer::Depacketize(
    ByteSpan payload) {
  std::vector<uint8_t> out;
  // A single NAL unit packet may be just the 2-byte header: end of
  // sequence and end of bitstream NAL units carry nothing else.
  if (payload.size() < 2) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "H265 payload: %d bytes, need the 2-byte payload header",
        payload.size()));
  }
  const uint8_t type = NalType(payload);
  if (type != kH265Fu && in_fu_) {
    in_fu_ = false;
    fu_buffer_.clear();
  }
  if (type < kH265Ap) {
    AppendAnnexB(out, payload);
    return out;
  }
  if (type == kH265Ap) {
    ByteReader r(payload.subspan(2));
    while (!r.empty()) {
      uint16_t size = 0;
      if (!r.ReadU16(size).ok()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "H265 AP at offset %d: 1 byte left, NALU size needs 2",
            2 + r.offset()));
      }
      ByteSpan nal;
      if (size < 2 || !r.ReadBytes(size, nal).ok()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "H265 AP NALU size %d at offset %d exceeds remaining %d (or is "
            "below the 2-byte header)",
            size, r.offset(), r.remaining()));
      }
      AppendAnnexB(out, nal);
    }
    if (out.empty()) return absl::InvalidArgumentError("H265 AP: no NAL units");
    return out;
  }
  if (type == kH265Fu) {
    if (payload.size() < 4) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "H265 FU: %d bytes, need 3 header bytes and data", payload.size()));
    }
    const uint8_t fu = payload[2];
    if (fu & 0x80) {
      fu_buffer_.clear();
      fu_buffer_.push_back(
          static_cast<uint8_t>((payload[0] & 0x81) | ((fu & 0x3F) << 1)));
      fu_buffer_.push_back(payload[1]);
      in_fu_ = true;
    } else if (!in_fu_) {
      return absl::InvalidArgumentError(
          "H265 FU: continuation fragment without a start fragment");
    }
    fu_buffer_.insert(fu_buffer_.end(), payload.begin() + 3, payload.end());
    if (fu & 0x40) {
      AppendAnnexB(out, fu_buffer_);
      fu_buffer_.clear();
      in_fu_ = false;
    }
    return out;
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("H265 payload: NAL unit type %d at offset 0 unsupported "
                      "(PACI and reserved types)",
                      type));
}

bool H265Depacketizer::IsPartitionHead(ByteSpan payload) const {
  if (payload.size() < 2) return false;
  if (NalType(payload) == kH265Fu) {
    return payload.size() >= 3 && (payload[2] & 0x80) != 0;
  }
  return true;
}

}  // namespace simrtc::media
