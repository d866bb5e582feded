#include "core/media/h264.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace simrtc::media {
namespace {

constexpr uint8_t kIdr = 5;
constexpr uint8_t kSps = 7;
constexpr uint8_t kPps = 8;
constexpr uint8_t kAud = 9;
constexpr uint8_t kFiller = 12;

// seq_parameter_set_id of an SPS or pic_parameter_set_id of a PPS: the
// ue(v) that starts a PPS's RBSP and follows profile_idc, the constraint
// flags and level_idc in an SPS. -1 if the NAL unit ends first or the value
// is out of range (31 for an SPS, 255 for a PPS).
int ParameterSetId(ByteSpan nal) {
  const uint8_t type = nal[0] & 0x1F;
  const size_t skip = type == kSps ? 3 : 0;
  // Enough RBSP bytes for the skipped ones and a ue(v) up to 255 (17 bits),
  // with emulation prevention bytes (00 00 03) removed.
  uint8_t rbsp[8];
  size_t n = 0;
  int zeros = 0;
  for (size_t i = 1; i < nal.size() && n < sizeof(rbsp); ++i) {
    if (zeros >= 2 && nal[i] == 3) {
      zeros = 0;
      continue;
    }
    rbsp[n++] = nal[i];
    zeros = nal[i] == 0 ? zeros + 1 : 0;
  }
  size_t bit = skip * 8;
  const size_t end = n * 8;
  auto read_bit = [&] {
    const int b = (rbsp[bit / 8] >> (7 - bit % 8)) & 1;
    ++bit;
    return b;
  };
  int leading_zeros = 0;
  while (true) {
    if (bit >= end) return -1;
    if (read_bit()) break;
    if (++leading_zeros > 8) return -1;
  }
  if (bit + leading_zeros > end) return -1;
  uint32_t suffix = 0;
  for (int i = 0; i < leading_zeros; ++i) suffix = (suffix << 1) | read_bit();
  const uint32_t id = (1u << leading_zeros) - 1 + suffix;
  return id <= (type == kSps ? 31u : 255u) ? static_cast<int>(id) : -1;
}

// Offset just past the next start code at or after `from`, or npos.
size_t NextStartCodeEnd(ByteSpan s, size_t from, size_t& code_begin) {
  for (size_t i = from; i + 3 <= s.size(); ++i) {
    if (s[i + 2] > 1) {
      i += 2;  // no start code can end at i+2 or before
      continue;
    }
    if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) {
      code_begin = i;
      return i + 3;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<ByteSpan> SplitAnnexB(ByteSpan stream) {
  std::vector<ByteSpan> nals;
  size_t code_begin = 0;
  size_t start = NextStartCodeEnd(stream, 0, code_begin);
  while (start != std::string_view::npos) {
    size_t next_begin = stream.size();
    size_t next = NextStartCodeEnd(stream, start, next_begin);
    size_t end = next == std::string_view::npos ? stream.size() : next_begin;
    while (end > start && stream[end - 1] == 0) --end;
    if (end > start) nals.push_back(stream.subspan(start, end - start));
    start = next;
  }
  return nals;
}

absl::StatusOr<Payloads> H264Payloader::Payload(size_t mtu, ByteSpan frame) {
  Payloads out;
  if (frame.empty()) return out;
  if (mtu < 3) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "H264 payloader: mtu %d below the 3 bytes an FU-A needs", mtu));
  }
  std::vector<ByteSpan> nals;
  bool has_idr = false;
  for (ByteSpan nal : SplitAnnexB(frame)) {
    uint8_t type = nal[0] & 0x1F;
    if (type == kAud || type == kFiller) continue;
    has_idr |= type == kIdr;
    nals.push_back(nal);
  }
  // Parameter sets without an IDR wait for one; held ones join the next IDR.
  std::vector<HeldParameterSet> flushing;
  if (!has_idr) {
    std::erase_if(nals, [this](ByteSpan nal) {
      const uint8_t type = nal[0] & 0x1F;
      if (type != kSps && type != kPps) return false;
      const int id = ParameterSetId(nal);
      auto same = std::find_if(held_.begin(), held_.end(),
                               [&](const HeldParameterSet& h) {
                                 return h.type == type && h.id == id;
                               });
      if (same != held_.end()) {
        same->nal.assign(nal.begin(), nal.end());
      } else {
        held_.push_back(
            {type, id, std::vector<uint8_t>(nal.begin(), nal.end())});
      }
      return true;
    });
  } else if (!held_.empty()) {
    flushing = std::move(held_);
    held_.clear();
    std::vector<ByteSpan> with_held;
    with_held.reserve(flushing.size() + nals.size());
    for (uint8_t type : {kSps, kPps}) {
      for (const HeldParameterSet& h : flushing) {
        if (h.type != type) continue;
        const bool superseded =
            std::any_of(nals.begin(), nals.end(), [&](ByteSpan nal) {
              return (nal[0] & 0x1F) == type && ParameterSetId(nal) == h.id;
            });
        if (!superseded) with_held.push_back(h.nal);
      }
    }
    with_held.insert(with_held.end(), nals.begin(), nals.end());
    nals = std::move(with_held);
  }
  size_t i = 0;
  while (i < nals.size()) {
    // Greedy STAP-A: as many following NALs as fit (1 type byte + 2-byte
    // size each), worth it only when at least two go together.
    if (!options_.disable_stap_a) {
      size_t size = 1;
      size_t j = i;
      while (j < nals.size() && size + 2 + nals[j].size() <= mtu &&
             nals[j].size() <= 0xFFFF) {
        size += 2 + nals[j].size();
        ++j;
      }
      if (j - i >= 2) {
        std::vector<uint8_t>& p = out.emplace_back();
        p.reserve(size);
        uint8_t f = 0, nri = 0;
        for (size_t k = i; k < j; ++k) {
          f |= nals[k][0] & 0x80;
          nri = std::max<uint8_t>(nri, nals[k][0] & 0x60);
        }
        p.push_back(f | nri | kH264StapA);
        for (size_t k = i; k < j; ++k) {
          p.push_back(static_cast<uint8_t>(nals[k].size() >> 8));
          p.push_back(static_cast<uint8_t>(nals[k].size()));
          p.insert(p.end(), nals[k].begin(), nals[k].end());
        }
        i = j;
        continue;
      }
    }
    ByteSpan nal = nals[i++];
    if (nal.size() <= mtu) {
      out.emplace_back(nal.begin(), nal.end());
      continue;
    }
    const uint8_t indicator = (nal[0] & 0xE0) | kH264FuA;
    const uint8_t type = nal[0] & 0x1F;
    ByteSpan body = nal.subspan(1);
    const size_t room = mtu - 2;
    for (size_t off = 0; off < body.size(); off += room) {
      size_t n = std::min(room, body.size() - off);
      std::vector<uint8_t>& p = out.emplace_back(2 + n);
      p[0] = indicator;
      p[1] = type;
      if (off == 0) p[1] |= 0x80;
      if (off + n == body.size()) p[1] |= 0x40;
      std::copy_n(body.data() + off, n, p.data() + 2);
    }
  }
  return out;
}

std::vector<ByteSpan> H264Payloader::held_parameter_sets() const {
  std::vector<ByteSpan> out;
  for (uint8_t type : {kSps, kPps}) {
    for (const HeldParameterSet& h : held_) {
      if (h.type == type) out.push_back(h.nal);
    }
  }
  return out;
}

void H264Depacketizer::AppendNal(std::vector<uint8_t>& out,
                                 ByteSpan nal) const {
  if (output_ == Output::kAnnexB) {
    out.insert(out.end(), {0, 0, 0, 1});
  } else {
    uint32_t n = static_cast<uint32_t>(nal.size());
    out.insert(out.end(),
               {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
  }
  out.insert(out.end(), nal.begin(), nal.end());
}

absl::StatusOr<std::vector<uint8_t>> H264Depacketizer::Depacketize(
    ByteSpan payload) {
  std::vector<uint8_t> out;
  if (payload.empty()) {
    return absl::InvalidArgumentError("H264 payload: empty (offset 0)");
  }
  const uint8_t type = payload[0] & 0x1F;
  if (type != kH264FuA && in_fu_) {
    // The rest of the fragmented NAL was lost; do not splice it onto this.
    in_fu_ = false;
    fu_buffer_.clear();
  }
  if (type >= 1 && type <= 23) {
    AppendNal(out, payload);
    return out;
  }
  if (type == kH264StapA) {
    ByteReader r(payload.subspan(1));
    while (!r.empty()) {
      uint16_t size = 0;
      if (!r.ReadU16(size, "STAP-A NALU size").ok()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "H264 STAP-A at offset %d: 1 byte left, NALU size needs 2",
            1 + r.offset()));
      }
      ByteSpan nal;
      if (size == 0 || !r.ReadBytes(size, nal).ok()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "H264 STAP-A NALU size %d at offset %d exceeds remaining %d "
            "(or is zero)",
            size, r.offset() - 1, r.remaining()));
      }
      AppendNal(out, nal);
    }
    if (out.empty()) {
      return absl::InvalidArgumentError("H264 STAP-A: no NAL units");
    }
    return out;
  }
  if (type == kH264FuA) {
    if (payload.size() < 3) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "H264 FU-A: %d bytes, need indicator, header and data",
          payload.size()));
    }
    const uint8_t fu = payload[1];
    const bool start = (fu & 0x80) != 0;
    const bool end = (fu & 0x40) != 0;
    if (start) {
      fu_buffer_.clear();
      fu_buffer_.push_back((payload[0] & 0xE0) | (fu & 0x1F));
      in_fu_ = true;
    } else if (!in_fu_) {
      return absl::InvalidArgumentError(
          "H264 FU-A: continuation fragment without a start fragment");
    }
    fu_buffer_.insert(fu_buffer_.end(), payload.begin() + 2, payload.end());
    if (end) {
      AppendNal(out, fu_buffer_);
      fu_buffer_.clear();
      in_fu_ = false;
    }
    return out;
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("H264 payload: NAL unit type %d at offset 0 unsupported "
                      "(packetization-mode 1 allows 1-23, STAP-A 24, FU-A 28)",
                      type));
}

bool H264Depacketizer::IsPartitionHead(ByteSpan payload) const {
  if (payload.empty()) return false;
  uint8_t type = payload[0] & 0x1F;
  if (type == kH264FuA || type == 29) {
    return payload.size() >= 2 && (payload[1] & 0x80) != 0;
  }
  return true;
}

}  // namespace simrtc::media
