#include "core/media/av1.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"

namespace simrtc::media {
namespace {

constexpr uint8_t kObuSequenceHeader = 1;
constexpr uint8_t kObuTemporalDelimiter = 2;
constexpr uint8_t kObuTileList = 8;

size_t Leb128Size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace

size_t AppendLeb128(std::vector<uint8_t>& out, uint64_t v) {
  size_t n = 0;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
    ++n;
  } while (v);
  return n;
}

absl::Status ReadLeb128(ByteReader& r, uint64_t& v) {
  const size_t start = r.offset();
  v = 0;
  for (int i = 0; i < 8; ++i) {
    uint8_t b = 0;
    SIMRTC_RETURN_IF_ERROR(r.ReadU8(b, "LEB128"));
    v |= uint64_t{b & 0x7Fu} << (7 * i);
    if (!(b & 0x80)) {
      if (v > 0xFFFFFFFFu) break;
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "LEB128 at offset %d: longer than 8 bytes or above 2^32-1", start));
}

absl::StatusOr<Payloads> Av1Payloader::Payload(size_t mtu, ByteSpan frame) {
  Payloads out;
  if (frame.empty()) return out;
  if (mtu < 3) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "AV1 payloader: mtu %d below 3 (header, length, data)", mtu));
  }
  // OBU elements: header(s) with obu_has_size_field cleared, then payload.
  std::vector<std::vector<uint8_t>> elements;
  bool new_sequence = false;
  ByteReader r(frame);
  while (!r.empty()) {
    const size_t at = r.offset();
    uint8_t h = 0, ext = 0;
    SIMRTC_RETURN_IF_ERROR(r.ReadU8(h, "OBU header"));
    if (h & 0x80) {
      return absl::InvalidArgumentError(
          absl::StrFormat("OBU header at offset %d: forbidden bit set", at));
    }
    const bool has_ext = h & 0x04;
    if (has_ext) SIMRTC_RETURN_IF_ERROR(r.ReadU8(ext, "OBU extension header"));
    uint64_t size = r.remaining();
    if (h & 0x02) SIMRTC_RETURN_IF_ERROR(ReadLeb128(r, size));
    ByteSpan body;
    SIMRTC_RETURN_IF_ERROR(r.ReadBytes(size, body, "OBU payload"));
    const uint8_t type = (h >> 3) & 0x0F;
    if (type == kObuTemporalDelimiter || type == kObuTileList) continue;
    if (type == kObuSequenceHeader) new_sequence = true;
    std::vector<uint8_t>& e = elements.emplace_back();
    e.push_back(h & ~0x02);
    if (has_ext) e.push_back(ext);
    e.insert(e.end(), body.begin(), body.end());
  }
  // Greedy packing: each element is LEB128 length + bytes; an element that
  // does not fit is split, the remainder continuing in the next packet.
  std::vector<uint8_t> cur;
  bool cur_z = false;
  auto flush = [&](bool y) {
    cur[0] = static_cast<uint8_t>((cur_z ? 0x80 : 0) | (y ? 0x40 : 0) |
                                  (out.empty() && new_sequence ? 0x08 : 0));
    out.push_back(std::move(cur));
    cur.clear();
  };
  for (const auto& e : elements) {
    size_t off = 0;
    while (off < e.size()) {
      if (cur.empty()) cur.push_back(0);
      size_t left = mtu - cur.size();
      size_t remaining = e.size() - off;
      size_t take = std::min(remaining, left > 1 ? left - 1 : 0);
      while (take > 0 && Leb128Size(take) + take > left) --take;
      if (take == 0) {
        flush(false);
        cur_z = false;
        continue;
      }
      AppendLeb128(cur, take);
      cur.insert(cur.end(), e.begin() + off, e.begin() + off + take);
      off += take;
      if (off < e.size()) {
        flush(true);
        cur_z = true;
      }
    }
  }
  if (!cur.empty()) flush(false);
  return out;
}

absl::Status Av1Depacketizer::EmitObu(std::vector<uint8_t>& out,
                                      ByteSpan element) const {
  if (element.empty()) {
    return absl::InvalidArgumentError("AV1 OBU element: empty");
  }
  const size_t header = (element[0] & 0x04) ? 2 : 1;
  if (element.size() < header) {
    return absl::InvalidArgumentError(
        "AV1 OBU element: extension header missing");
  }
  out.push_back(element[0] | 0x02);
  if (header == 2) out.push_back(element[1]);
  AppendLeb128(out, element.size() - header);
  out.insert(out.end(), element.begin() + header, element.end());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> Av1Depacketizer::Depacketize(
    ByteSpan payload) {
  std::vector<uint8_t> out;
  ByteReader r(payload);
  uint8_t agg = 0;
  SIMRTC_RETURN_IF_ERROR(r.ReadU8(agg, "AV1 aggregation header"));
  const bool z = agg & 0x80, y = agg & 0x40;
  const int w = (agg >> 4) & 0x03;
  if (r.empty()) {
    return absl::InvalidArgumentError("AV1 payload: no OBU elements");
  }
  bool lost_start = z && !in_fragment_;
  if (!z && in_fragment_) {
    in_fragment_ = false;  // its continuation was lost
    fragment_.clear();
  }
  for (int i = 0; !r.empty(); ++i) {
    uint64_t size = r.remaining();
    if (w == 0 || i + 1 < w) {
      SIMRTC_RETURN_IF_ERROR(ReadLeb128(r, size));
    }
    ByteSpan element;
    if (!r.ReadBytes(size, element).ok()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "AV1 OBU element %d at offset %d: length %d exceeds remaining %d", i,
          r.offset(), size, r.remaining()));
    }
    const bool last = r.empty() || (w != 0 && i + 1 == w);
    if (w != 0 && i + 1 == w && !r.empty()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "AV1 payload: bytes after the %d elements W announces", w));
    }
    if (i == 0 && z) {
      if (lost_start) {
        if (last && y) return out;  // middle of a fragment we cannot use
        continue;
      }
      fragment_.insert(fragment_.end(), element.begin(), element.end());
      if (last && y) return out;
      in_fragment_ = false;
      SIMRTC_RETURN_IF_ERROR(EmitObu(out, fragment_));
      fragment_.clear();
      continue;
    }
    if (last && y) {
      fragment_.assign(element.begin(), element.end());
      in_fragment_ = true;
      return out;
    }
    SIMRTC_RETURN_IF_ERROR(EmitObu(out, element));
  }
  if (lost_start && out.empty()) {
    return absl::InvalidArgumentError(
        "AV1 payload: continuation (Z=1) without the fragment's start");
  }
  return out;
}

}  // namespace simrtc::media
