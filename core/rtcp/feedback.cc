#include "core/rtcp/feedback.h"

#include <bit>

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"

namespace simrtc::rtcp {
namespace {

using internal::FieldError;
using internal::MarshalError;
using internal::Truncated;

constexpr size_t kFbHeader = 8;  // sender SSRC + media SSRC

absl::Status CheckFbHeader(const RawPacket& raw, std::string_view name) {
  if (raw.body.size() < kFbHeader) {
    return Truncated(raw, name, "feedback SSRCs", kHeaderSize, kFbHeader,
                     raw.body.size());
  }
  return absl::OkStatus();
}

// The FCI must be whole entries of `entry` bytes.
absl::Status CheckFci(const RawPacket& raw, std::string_view name,
                      size_t entry) {
  const size_t fci = raw.body.size() - kFbHeader;
  if (fci % entry != 0) {
    return FieldError(
        raw, name, "FCI", kHeaderSize + kFbHeader,
        absl::StrFormat("%d bytes is not a multiple of %d", fci, entry));
  }
  return absl::OkStatus();
}

absl::Status WriteFb(ByteWriter& w, std::string_view name, uint8_t fmt,
                     uint8_t type, size_t size, uint32_t sender,
                     uint32_t media) {
  SIMRTC_RETURN_IF_ERROR(internal::CheckPacketSize(name, size));
  SIMRTC_RETURN_IF_ERROR(internal::WriteHeader(w, false, fmt, type, size));
  SIMRTC_RETURN_IF_ERROR(w.WriteU32(sender));
  return w.WriteU32(media);
}

}  // namespace

absl::StatusOr<PictureLossIndication> PictureLossIndication::Parse(
    const RawPacket& raw) {
  SIMRTC_RETURN_IF_ERROR(CheckFbHeader(raw, kName));
  // RFC 4585 defines no FCI for PLI; anything more is ignored so a future
  // extension does not cost us a key-frame request.
  return PictureLossIndication{LoadBE32(raw.body.data()),
                               LoadBE32(raw.body.data() + 4)};
}

absl::Status PictureLossIndication::MarshalTo(ByteWriter& w) const {
  return WriteFb(w, kName, kFmtPli, kPacketTypePsfb, MarshalSize(), sender_ssrc,
                 media_ssrc);
}

absl::StatusOr<RapidResyncRequest> RapidResyncRequest::Parse(
    const RawPacket& raw) {
  SIMRTC_RETURN_IF_ERROR(CheckFbHeader(raw, kName));
  return RapidResyncRequest{LoadBE32(raw.body.data()),
                            LoadBE32(raw.body.data() + 4)};
}

absl::Status RapidResyncRequest::MarshalTo(ByteWriter& w) const {
  return WriteFb(w, kName, kFmtRapidResync, kPacketTypeRtpfb, MarshalSize(),
                 sender_ssrc, media_ssrc);
}

absl::StatusOr<SliceLossIndication> SliceLossIndication::Parse(
    const RawPacket& raw) {
  SIMRTC_RETURN_IF_ERROR(CheckFbHeader(raw, kName));
  SIMRTC_RETURN_IF_ERROR(CheckFci(raw, kName, 4));
  SliceLossIndication sli;
  sli.sender_ssrc = LoadBE32(raw.body.data());
  sli.media_ssrc = LoadBE32(raw.body.data() + 4);
  for (size_t pos = kFbHeader; pos < raw.body.size(); pos += 4) {
    const uint32_t v = LoadBE32(&raw.body[pos]);
    sli.entries.push_back({static_cast<uint16_t>(v >> 19),
                           static_cast<uint16_t>((v >> 6) & 0x1FFF),
                           static_cast<uint8_t>(v & 0x3F)});
  }
  return sli;
}

absl::Status SliceLossIndication::MarshalTo(ByteWriter& w) const {
  for (size_t i = 0; i < entries.size(); ++i) {
    const SliEntry& e = entries[i];
    if (e.first > 0x1FFF || e.number > 0x1FFF || e.picture_id > 0x3F) {
      return MarshalError(kName,
                          absl::StrFormat("entry %d: first %d / number %d / "
                                          "picture id %d exceed 13/13/6 bits",
                                          i, e.first, e.number, e.picture_id));
    }
  }
  SIMRTC_RETURN_IF_ERROR(WriteFb(w, kName, kFmtSli, kPacketTypePsfb,
                                 MarshalSize(), sender_ssrc, media_ssrc));
  for (const SliEntry& e : entries) {
    SIMRTC_RETURN_IF_ERROR(w.WriteU32(
        (uint32_t{e.first} << 19) | (uint32_t{e.number} << 6) | e.picture_id));
  }
  return absl::OkStatus();
}

absl::StatusOr<FullIntraRequest> FullIntraRequest::Parse(const RawPacket& raw) {
  SIMRTC_RETURN_IF_ERROR(CheckFbHeader(raw, kName));
  SIMRTC_RETURN_IF_ERROR(CheckFci(raw, kName, 8));
  FullIntraRequest fir;
  fir.sender_ssrc = LoadBE32(raw.body.data());
  fir.media_ssrc = LoadBE32(raw.body.data() + 4);
  for (size_t pos = kFbHeader; pos < raw.body.size(); pos += 8) {
    // The 24 bits after the sequence number are reserved: ignored.
    fir.entries.push_back({LoadBE32(&raw.body[pos]), raw.body[pos + 4]});
  }
  return fir;
}

absl::Status FullIntraRequest::MarshalTo(ByteWriter& w) const {
  SIMRTC_RETURN_IF_ERROR(WriteFb(w, kName, kFmtFir, kPacketTypePsfb,
                                 MarshalSize(), sender_ssrc, media_ssrc));
  for (const FirEntry& e : entries) {
    SIMRTC_RETURN_IF_ERROR(w.WriteU32(e.ssrc));
    SIMRTC_RETURN_IF_ERROR(w.WriteU8(e.sequence_number));
    SIMRTC_RETURN_IF_ERROR(w.WriteU24(0));
  }
  return absl::OkStatus();
}

std::vector<uint32_t> FullIntraRequest::DestinationSsrcs() const {
  std::vector<uint32_t> out;
  out.reserve(entries.size());
  for (const FirEntry& e : entries) out.push_back(e.ssrc);
  return out;
}

std::vector<uint16_t> NackPairsToSequenceNumbers(
    std::span<const NackPair> pairs) {
  std::vector<uint16_t> out;
  size_t total = 0;
  for (const NackPair& p : pairs) total += 1 + std::popcount(p.lost_bitmask);
  out.reserve(total);
  for (const NackPair& p : pairs) {
    out.push_back(p.packet_id);
    for (int bit = 0; bit < 16; ++bit) {
      if (p.lost_bitmask & (1u << bit)) {
        out.push_back(static_cast<uint16_t>(p.packet_id + bit + 1));
      }
    }
  }
  return out;
}

std::vector<NackPair> SequenceNumbersToNackPairs(
    std::span<const uint16_t> seqs) {
  std::vector<NackPair> out;
  for (uint16_t seq : seqs) {
    if (!out.empty()) {
      NackPair& last = out.back();
      const uint16_t diff = static_cast<uint16_t>(seq - last.packet_id);
      if (diff == 0) continue;
      if (diff <= 16) {
        last.lost_bitmask |= static_cast<uint16_t>(1u << (diff - 1));
        continue;
      }
    }
    out.push_back({seq, 0});
  }
  return out;
}

absl::StatusOr<GenericNack> GenericNack::Parse(const RawPacket& raw) {
  SIMRTC_RETURN_IF_ERROR(CheckFbHeader(raw, kName));
  SIMRTC_RETURN_IF_ERROR(CheckFci(raw, kName, 4));
  GenericNack nack;
  nack.sender_ssrc = LoadBE32(raw.body.data());
  nack.media_ssrc = LoadBE32(raw.body.data() + 4);
  nack.pairs.reserve((raw.body.size() - kFbHeader) / 4);
  for (size_t pos = kFbHeader; pos < raw.body.size(); pos += 4) {
    nack.pairs.push_back(
        {LoadBE16(&raw.body[pos]), LoadBE16(&raw.body[pos + 2])});
  }
  return nack;
}

absl::Status GenericNack::MarshalTo(ByteWriter& w) const {
  SIMRTC_RETURN_IF_ERROR(WriteFb(w, kName, kFmtGenericNack, kPacketTypeRtpfb,
                                 MarshalSize(), sender_ssrc, media_ssrc));
  for (const NackPair& p : pairs) {
    SIMRTC_RETURN_IF_ERROR(w.WriteU16(p.packet_id));
    SIMRTC_RETURN_IF_ERROR(w.WriteU16(p.lost_bitmask));
  }
  return absl::OkStatus();
}

bool Remb::IsRemb(ByteSpan body) {
  return body.size() >= 12 && body[8] == 'R' && body[9] == 'E' &&
         body[10] == 'M' && body[11] == 'B';
}

absl::StatusOr<Remb> Remb::Parse(const RawPacket& raw) {
  const ByteSpan body = raw.body;
  if (body.size() < 16) {
    return Truncated(raw, kName, "FCI", kHeaderSize, 16, body.size());
  }
  if (!IsRemb(body)) {
    return FieldError(raw, kName, "identifier", kHeaderSize + 8,
                      "is not \"REMB\"");
  }
  const size_t num = body[12];
  const uint8_t exponent = body[13] >> 2;
  const uint64_t mantissa = LoadBE24(&body[13]) & 0x3FFFF;
  if (body.size() - 16 != 4 * num) {
    return FieldError(raw, kName, "SSRC list", kHeaderSize + 16,
                      absl::StrFormat("count %d needs %d bytes, have %d", num,
                                      4 * num, body.size() - 16));
  }
  // An exponent that shifts set mantissa bits past 64 bits is a value no
  // sender can mean; reject it rather than wrap.
  if (mantissa != 0 && exponent > std::countl_zero(mantissa)) {
    return FieldError(raw, kName, "bitrate", kHeaderSize + 13,
                      absl::StrFormat("mantissa %d << exponent %d overflows "
                                      "64 bits",
                                      mantissa, exponent));
  }
  Remb remb;
  remb.sender_ssrc = LoadBE32(body.data());
  remb.bitrate_bps = mantissa << exponent;
  remb.ssrcs.resize(num);
  for (size_t i = 0; i < num; ++i) remb.ssrcs[i] = LoadBE32(&body[16 + 4 * i]);
  return remb;
}

absl::Status Remb::MarshalTo(ByteWriter& w) const {
  if (ssrcs.size() > kMaxSsrcs) {
    return MarshalError(kName,
                        absl::StrFormat("%d SSRCs exceed 255", ssrcs.size()));
  }
  uint64_t mantissa = bitrate_bps;
  uint32_t exponent = 0;
  while (mantissa > 0x3FFFF) {
    mantissa >>= 1;
    ++exponent;
  }
  SIMRTC_RETURN_IF_ERROR(WriteFb(w, kName, kFmtApplicationLayer,
                                 kPacketTypePsfb, MarshalSize(), sender_ssrc,
                                 0));
  SIMRTC_RETURN_IF_ERROR(w.WriteString("REMB"));
  SIMRTC_RETURN_IF_ERROR(w.WriteU8(static_cast<uint8_t>(ssrcs.size())));
  SIMRTC_RETURN_IF_ERROR(
      w.WriteU24((exponent << 18) | static_cast<uint32_t>(mantissa)));
  for (uint32_t ssrc : ssrcs) SIMRTC_RETURN_IF_ERROR(w.WriteU32(ssrc));
  return absl::OkStatus();
}

}  // namespace simrtc::rtcp
