#include "core/rtcp/xr.h"

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"

namespace simrtc::rtcp {
namespace {

using internal::FieldError;
using internal::MarshalError;
using internal::Truncated;

size_t BlockBodySize(const XrBlock& b) {
  if (std::holds_alternative<XrRrtr>(b)) return 8;
  if (const auto* d = std::get_if<XrDlrr>(&b)) return 12 * d->items.size();
  return std::get<XrUnknownBlock>(b).data.size();
}

}  // namespace

absl::StatusOr<ExtendedReport> ExtendedReport::Parse(const RawPacket& raw) {
  const ByteSpan body = raw.body;
  if (body.size() < 4) {
    return Truncated(raw, kName, "sender SSRC", kHeaderSize, 4, body.size());
  }
  ExtendedReport xr;
  xr.sender_ssrc = LoadBE32(body.data());
  size_t pos = 4;
  while (pos < body.size()) {
    const size_t index = xr.blocks.size();
    if (body.size() - pos < 4) {
      return Truncated(raw, kName, absl::StrFormat("block %d header", index),
                       kHeaderSize + pos, 4, body.size() - pos);
    }
    const uint8_t type = body[pos];
    const uint8_t type_specific = body[pos + 1];
    const size_t len = 4 * size_t{LoadBE16(&body[pos + 2])};
    const size_t start = pos + 4;
    if (body.size() - start < len) {
      return Truncated(raw, kName,
                       absl::StrFormat("block %d (type %d)", index, type),
                       kHeaderSize + start, len, body.size() - start);
    }
    const uint8_t* p = body.data() + start;
    if (type == kXrBlockRrtr) {
      if (len != 8) {
        return FieldError(raw, kName,
                          absl::StrFormat("RRTR block %d length", index),
                          kHeaderSize + pos + 2,
                          absl::StrFormat("%d words, expected 2", len / 4));
      }
      // Braces, not emplace_back's parenthesised aggregate init: clang 14
      // (the fuzz build) does not implement C++20's P0960.
      xr.blocks.push_back(XrRrtr{LoadBE64(p)});
    } else if (type == kXrBlockDlrr) {
      if (len % 12 != 0) {
        return FieldError(
            raw, kName, absl::StrFormat("DLRR block %d length", index),
            kHeaderSize + pos + 2,
            absl::StrFormat("%d words is not a multiple of 3", len / 4));
      }
      XrDlrr dlrr;
      dlrr.items.reserve(len / 12);
      for (size_t i = 0; i < len; i += 12) {
        dlrr.items.push_back(
            {LoadBE32(p + i), LoadBE32(p + i + 4), LoadBE32(p + i + 8)});
      }
      xr.blocks.emplace_back(std::in_place_type<XrDlrr>, std::move(dlrr));
    } else {
      xr.blocks.push_back(XrUnknownBlock{type, type_specific,
                                         std::vector<uint8_t>(p, p + len)});
    }
    pos = start + len;
  }
  return xr;
}

size_t ExtendedReport::MarshalSize() const {
  size_t n = kHeaderSize + 4;
  for (const XrBlock& b : blocks) n += 4 + BlockBodySize(b);
  return n;
}

absl::Status ExtendedReport::MarshalTo(ByteWriter& w) const {
  for (size_t i = 0; i < blocks.size(); ++i) {
    const size_t len = BlockBodySize(blocks[i]);
    if (len % 4 != 0 || len / 4 > 0xFFFF) {
      return MarshalError(kName,
                          absl::StrFormat("block %d body of %d bytes is not a "
                                          "multiple of 4 up to 262140",
                                          i, len));
    }
    if (const auto* u = std::get_if<XrUnknownBlock>(&blocks[i])) {
      if (u->block_type == kXrBlockRrtr || u->block_type == kXrBlockDlrr) {
        // Would parse back as the typed block, or fail to.
        return MarshalError(
            kName, absl::StrFormat("block %d: raw block of type %d; use "
                                   "the typed block",
                                   i, u->block_type));
      }
    }
  }
  const size_t size = MarshalSize();
  SIMRTC_RETURN_IF_ERROR(internal::CheckPacketSize(kName, size));
  SIMRTC_RETURN_IF_ERROR(
      internal::WriteHeader(w, false, 0, kPacketTypeXr, size));
  SIMRTC_RETURN_IF_ERROR(w.WriteU32(sender_ssrc));
  for (const XrBlock& b : blocks) {
    const uint16_t words = static_cast<uint16_t>(BlockBodySize(b) / 4);
    if (const auto* r = std::get_if<XrRrtr>(&b)) {
      SIMRTC_RETURN_IF_ERROR(w.WriteU8(kXrBlockRrtr));
      SIMRTC_RETURN_IF_ERROR(w.WriteU8(0));
      SIMRTC_RETURN_IF_ERROR(w.WriteU16(words));
      SIMRTC_RETURN_IF_ERROR(w.WriteU64(r->ntp_timestamp));
    } else if (const auto* d = std::get_if<XrDlrr>(&b)) {
      SIMRTC_RETURN_IF_ERROR(w.WriteU8(kXrBlockDlrr));
      SIMRTC_RETURN_IF_ERROR(w.WriteU8(0));
      SIMRTC_RETURN_IF_ERROR(w.WriteU16(words));
      for (const XrDlrrItem& item : d->items) {
        SIMRTC_RETURN_IF_ERROR(w.WriteU32(item.ssrc));
        SIMRTC_RETURN_IF_ERROR(w.WriteU32(item.last_rr));
        SIMRTC_RETURN_IF_ERROR(w.WriteU32(item.delay_since_last_rr));
      }
    } else {
      const auto& u = std::get<XrUnknownBlock>(b);
      SIMRTC_RETURN_IF_ERROR(w.WriteU8(u.block_type));
      SIMRTC_RETURN_IF_ERROR(w.WriteU8(u.type_specific));
      SIMRTC_RETURN_IF_ERROR(w.WriteU16(words));
      SIMRTC_RETURN_IF_ERROR(w.WriteBytes(u.data));
    }
  }
  return absl::OkStatus();
}

std::vector<uint32_t> ExtendedReport::DestinationSsrcs() const {
  std::vector<uint32_t> out;
  for (const XrBlock& b : blocks) {
    if (const auto* d = std::get_if<XrDlrr>(&b)) {
      for (const XrDlrrItem& item : d->items) out.push_back(item.ssrc);
    }
  }
  return out;
}

}  // namespace simrtc::rtcp
