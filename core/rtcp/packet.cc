#include "core/rtcp/packet.h"

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"

namespace simrtc::rtcp {
namespace {

// Whether (type, count, body) would be parsed as one of the typed packets;
// an UnknownPacket must not marshal to one of those.
bool IsTypedKind(uint8_t type, uint8_t count, ByteSpan body) {
  switch (type) {
    case kPacketTypeSr:
    case kPacketTypeRr:
    case kPacketTypeSdes:
    case kPacketTypeBye:
    case kPacketTypeApp:
    case kPacketTypeXr:
      return true;
    case kPacketTypeRtpfb:
      return count == kFmtGenericNack || count == kFmtRapidResync ||
             count == kFmtTransportCc;
    case kPacketTypePsfb:
      return count == kFmtPli || count == kFmtSli || count == kFmtFir ||
             (count == kFmtApplicationLayer && Remb::IsRemb(body));
    default:
      return false;
  }
}

}  // namespace

absl::StatusOr<UnknownPacket> UnknownPacket::Parse(const RawPacket& raw) {
  return UnknownPacket{raw.type, raw.count,
                       std::vector<uint8_t>(raw.body.begin(), raw.body.end())};
}

absl::Status UnknownPacket::MarshalTo(ByteWriter& w) const {
  if (count > 31) {
    return internal::MarshalError(
        kName, absl::StrFormat("count %d exceeds 5 bits", count));
  }
  if (IsTypedKind(type, count, body)) {
    return internal::MarshalError(
        kName, absl::StrFormat("type %d / count %d is a typed packet; use it",
                               type, count));
  }
  const size_t size = MarshalSize();
  SIMRTC_RETURN_IF_ERROR(internal::CheckPacketSize(kName, size));
  const size_t pad = size - kHeaderSize - body.size();
  SIMRTC_RETURN_IF_ERROR(internal::WriteHeader(w, pad != 0, count, type, size));
  SIMRTC_RETURN_IF_ERROR(w.WriteBytes(body));
  if (pad != 0) {
    SIMRTC_RETURN_IF_ERROR(w.WriteZeros(pad - 1));
    SIMRTC_RETURN_IF_ERROR(w.WriteU8(static_cast<uint8_t>(pad)));
  }
  return absl::OkStatus();
}

std::vector<uint32_t> UnknownPacket::DestinationSsrcs() const {
  if ((type == kPacketTypeRtpfb || type == kPacketTypePsfb) &&
      body.size() >= 8) {
    return {LoadBE32(&body[4])};
  }
  return {};
}

absl::StatusOr<Packet> ParsePacket(const RawPacket& raw) {
  switch (raw.type) {
    case kPacketTypeSr:
      return SenderReport::Parse(raw);
    case kPacketTypeRr:
      return ReceiverReport::Parse(raw);
    case kPacketTypeSdes:
      return SourceDescription::Parse(raw);
    case kPacketTypeBye:
      return Bye::Parse(raw);
    case kPacketTypeApp:
      return App::Parse(raw);
    case kPacketTypeXr:
      return ExtendedReport::Parse(raw);
    case kPacketTypeRtpfb:
      switch (raw.count) {
        case kFmtGenericNack:
          return GenericNack::Parse(raw);
        case kFmtRapidResync:
          return RapidResyncRequest::Parse(raw);
        case kFmtTransportCc:
          return TransportCcFeedback::Parse(raw);
      }
      break;
    case kPacketTypePsfb:
      switch (raw.count) {
        case kFmtPli:
          return PictureLossIndication::Parse(raw);
        case kFmtSli:
          return SliceLossIndication::Parse(raw);
        case kFmtFir:
          return FullIntraRequest::Parse(raw);
        case kFmtApplicationLayer:
          if (Remb::IsRemb(raw.body)) return Remb::Parse(raw);
          break;
      }
      break;
  }
  return UnknownPacket::Parse(raw);
}

absl::StatusOr<std::vector<Packet>> ParseCompound(ByteSpan buffer) {
  if (buffer.empty()) {
    return absl::InvalidArgumentError("RTCP compound at offset 0: empty");
  }
  // First walk the headers only: it finds framing errors before anything
  // is allocated, and gives the exact packet count to reserve.
  RawPacket raw;
  size_t count = 0;
  for (size_t offset = 0; offset < buffer.size(); ++count) {
    SIMRTC_RETURN_IF_ERROR(internal::ParseRawPacketInto(buffer, offset, raw));
    offset += raw.packet.size();
  }
  std::vector<Packet> packets;
  packets.reserve(count);
  for (size_t offset = 0; offset < buffer.size();) {
    SIMRTC_RETURN_IF_ERROR(internal::ParseRawPacketInto(buffer, offset, raw));
    absl::StatusOr<Packet> p = ParsePacket(raw);
    if (!p.ok()) return p.status();
    packets.push_back(*std::move(p));
    offset += raw.packet.size();
  }
  return packets;
}

absl::Status ValidateCompound(std::span<const Packet> packets) {
  if (packets.empty()) {
    return absl::InvalidArgumentError("RTCP compound: no packets");
  }
  if (!std::holds_alternative<SenderReport>(packets[0]) &&
      !std::holds_alternative<ReceiverReport>(packets[0])) {
    return absl::InvalidArgumentError(
        absl::StrFormat("RTCP compound: first packet is %s, must be SR or RR",
                        PacketName(packets[0])));
  }
  for (const Packet& p : packets) {
    const auto* sdes = std::get_if<SourceDescription>(&p);
    if (sdes != nullptr && sdes->HasCname()) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      "RTCP compound: no SDES packet with a CNAME item");
}

absl::Status ValidateCompoundHeaders(ByteSpan buffer) {
  if (buffer.empty()) {
    return absl::InvalidArgumentError("RTCP compound at offset 0: empty");
  }
  size_t offset = 0;
  bool first = true;
  while (offset < buffer.size()) {
    SIMRTC_ASSIGN_OR_RETURN(RawPacket raw, ParseRawPacket(buffer, offset));
    const bool last = offset + raw.packet.size() == buffer.size();
    if (first && raw.type != kPacketTypeSr && raw.type != kPacketTypeRr) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "RTCP compound at offset 0: first packet is %s, must be SR or RR",
          PacketTypeName(raw.type, raw.count)));
    }
    if (raw.padding && !last) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "RTCP %s at offset %d: padding bit set on a packet that is not "
          "last",
          PacketTypeName(raw.type, raw.count), offset));
    }
    offset += raw.packet.size();
    first = false;
  }
  return absl::OkStatus();
}

std::string_view PacketName(const Packet& packet) {
  return std::visit([](const auto& p) { return p.kName; }, packet);
}

std::vector<uint32_t> DestinationSsrcs(const Packet& packet) {
  return std::visit([](const auto& p) { return p.DestinationSsrcs(); }, packet);
}

size_t MarshalSize(const Packet& packet) {
  return std::visit([](const auto& p) { return p.MarshalSize(); }, packet);
}

absl::StatusOr<size_t> MarshalTo(const Packet& packet, MutableByteSpan out) {
  const size_t size = MarshalSize(packet);
  if (out.size() < size) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("RTCP %s marshal: needs %d bytes, buffer has %d",
                        PacketName(packet), size, out.size()));
  }
  ByteWriter w(out);
  SIMRTC_RETURN_IF_ERROR(
      std::visit([&w](const auto& p) { return p.MarshalTo(w); }, packet));
  if (w.size() != size) {
    // A compound packet's framing depends on MarshalSize() being exact.
    return absl::InternalError(absl::StrFormat(
        "RTCP %s marshal: wrote %d bytes, MarshalSize() said %d",
        PacketName(packet), w.size(), size));
  }
  return w.size();
}

size_t MarshalSize(std::span<const Packet> packets) {
  size_t n = 0;
  for (const Packet& p : packets) n += MarshalSize(p);
  return n;
}

absl::StatusOr<size_t> MarshalCompoundTo(std::span<const Packet> packets,
                                         MutableByteSpan out) {
  size_t pos = 0;
  for (const Packet& p : packets) {
    SIMRTC_ASSIGN_OR_RETURN(size_t n, MarshalTo(p, out.subspan(pos)));
    pos += n;
  }
  return pos;
}

absl::StatusOr<std::vector<uint8_t>> MarshalCompound(
    std::span<const Packet> packets) {
  std::vector<uint8_t> out(MarshalSize(packets));
  SIMRTC_ASSIGN_OR_RETURN(size_t n, MarshalCompoundTo(packets, out));
  out.resize(n);
  return out;
}

}  // namespace simrtc::rtcp
