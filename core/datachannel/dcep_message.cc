#include "core/datachannel/dcep_message.h"

#include <limits>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"

namespace simrtc::datachannel {
namespace {

constexpr uint8_t kUnorderedBit = 0x80;
constexpr uint8_t kModeRexmit = 0x01;
constexpr uint8_t kModeTimed = 0x02;

absl::Status Malformed(std::string_view what, size_t offset,
                       std::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrFormat("DCEP %s at offset %d: %s", what, offset, detail));
}

}  // namespace

bool IsKnownChannelType(uint8_t value) {
  switch (value) {
    case 0x00:
    case 0x80:
    case 0x01:
    case 0x81:
    case 0x02:
    case 0x82:
      return true;
    default:
      return false;
  }
}

bool IsOrdered(ChannelType type) {
  return (static_cast<uint8_t>(type) & kUnorderedBit) == 0;
}

std::string_view ChannelTypeName(ChannelType type) {
  switch (type) {
    case ChannelType::kReliable:
      return "DATA_CHANNEL_RELIABLE";
    case ChannelType::kReliableUnordered:
      return "DATA_CHANNEL_RELIABLE_UNORDERED";
    case ChannelType::kPartialReliableRexmit:
      return "DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT";
    case ChannelType::kPartialReliableRexmitUnordered:
      return "DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED";
    case ChannelType::kPartialReliableTimed:
      return "DATA_CHANNEL_PARTIAL_RELIABLE_TIMED";
    case ChannelType::kPartialReliableTimedUnordered:
      return "DATA_CHANNEL_PARTIAL_RELIABLE_TIMED_UNORDERED";
  }
  return "UNKNOWN";
}

absl::StatusOr<PpidInfo> ClassifyUserPpid(uint32_t ppid) {
  switch (static_cast<Ppid>(ppid)) {
    case Ppid::kString:
      return PpidInfo{.is_string = true};
    case Ppid::kBinary:
      return PpidInfo{.is_string = false};
    case Ppid::kStringEmpty:
      return PpidInfo{.is_string = true, .empty = true};
    case Ppid::kBinaryEmpty:
      return PpidInfo{.is_string = false, .empty = true};
    case Ppid::kStringPartial:
      return PpidInfo{.is_string = true, .deprecated_partial = true};
    case Ppid::kBinaryPartial:
      return PpidInfo{.is_string = false, .deprecated_partial = true};
    case Ppid::kDcep:
      return absl::InvalidArgumentError(
          "PPID 50 (DCEP) is a control message, not user data");
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("PPID %d is not a WebRTC data-channel PPID", ppid));
}

Ppid PpidForUserMessage(bool is_string, size_t size) {
  if (size == 0) return is_string ? Ppid::kStringEmpty : Ppid::kBinaryEmpty;
  return is_string ? Ppid::kString : Ppid::kBinary;
}

absl::StatusOr<DataChannelOpen> DataChannelOpen::FromReliability(
    const Reliability& r, std::string label, std::string protocol,
    uint16_t priority) {
  if (r.max_retransmits.has_value() && r.max_packet_life_time_ms.has_value()) {
    return absl::InvalidArgumentError(
        "max_retransmits and max_packet_life_time are mutually exclusive");
  }
  uint8_t type = r.ordered ? 0 : kUnorderedBit;
  uint32_t parameter = 0;
  if (r.max_retransmits.has_value()) {
    type |= kModeRexmit;
    parameter = *r.max_retransmits;
  } else if (r.max_packet_life_time_ms.has_value()) {
    type |= kModeTimed;
    parameter = *r.max_packet_life_time_ms;
  }
  DataChannelOpen open;
  open.channel_type = static_cast<ChannelType>(type);
  open.priority = priority;
  open.reliability_parameter = parameter;
  open.label = std::move(label);
  open.protocol = std::move(protocol);
  return open;
}

Reliability DataChannelOpen::GetReliability() const {
  Reliability r;
  r.ordered = IsOrdered(channel_type);
  switch (static_cast<uint8_t>(channel_type) & ~kUnorderedBit) {
    case kModeRexmit:
      r.max_retransmits = reliability_parameter;
      break;
    case kModeTimed:
      r.max_packet_life_time_ms = reliability_parameter;
      break;
    default:
      break;
  }
  return r;
}

absl::StatusOr<DcepMessageType> PeekDcepMessageType(ByteSpan data) {
  if (data.empty()) {
    return Malformed("message type", 0, "empty message");
  }
  switch (data[0]) {
    case static_cast<uint8_t>(DcepMessageType::kAck):
      return DcepMessageType::kAck;
    case static_cast<uint8_t>(DcepMessageType::kOpen):
      return DcepMessageType::kOpen;
    default:
      return Malformed("message type", 0,
                       absl::StrFormat("unknown type 0x%02x", data[0]));
  }
}

absl::StatusOr<DataChannelOpen> ParseDataChannelOpen(ByteSpan data) {
  ByteReader r(data);
  uint8_t type = 0;
  SIMRTC_RETURN_IF_ERROR(r.ReadU8(type, "DCEP message type"));
  if (type != static_cast<uint8_t>(DcepMessageType::kOpen)) {
    return Malformed(
        "message type", 0,
        absl::StrFormat("0x%02x is not DATA_CHANNEL_OPEN (0x03)", type));
  }
  DataChannelOpen open;
  uint8_t channel_type = 0;
  SIMRTC_RETURN_IF_ERROR(r.ReadU8(channel_type, "DCEP channel type"));
  if (!IsKnownChannelType(channel_type)) {
    return Malformed("channel type", 1,
                     absl::StrFormat("unknown value 0x%02x", channel_type));
  }
  open.channel_type = static_cast<ChannelType>(channel_type);
  SIMRTC_RETURN_IF_ERROR(r.ReadU16(open.priority, "DCEP priority"));
  SIMRTC_RETURN_IF_ERROR(
      r.ReadU32(open.reliability_parameter, "DCEP reliability parameter"));
  uint16_t label_length = 0;
  uint16_t protocol_length = 0;
  SIMRTC_RETURN_IF_ERROR(r.ReadU16(label_length, "DCEP label length"));
  SIMRTC_RETURN_IF_ERROR(r.ReadU16(protocol_length, "DCEP protocol length"));
  // Both lengths are checked against the body before reading, so a lying
  // length is reported as a lie rather than as a short read, and trailing
  // bytes are rejected rather than silently dropped.
  const size_t body = r.remaining();
  if (label_length > body) {
    return Malformed("label length", 8,
                     absl::StrFormat("%d exceeds the %d bytes after the header",
                                     label_length, body));
  }
  if (protocol_length != body - label_length) {
    return Malformed(
        "protocol length", 10,
        absl::StrFormat("%d but %d bytes follow the label at offset %d",
                        protocol_length, body - label_length,
                        kDataChannelOpenHeaderSize + label_length));
  }
  ByteSpan label;
  ByteSpan protocol;
  SIMRTC_RETURN_IF_ERROR(r.ReadBytes(label_length, label, "DCEP label"));
  SIMRTC_RETURN_IF_ERROR(
      r.ReadBytes(protocol_length, protocol, "DCEP protocol"));
  open.label.assign(AsString(label));
  open.protocol.assign(AsString(protocol));
  return open;
}

absl::Status ParseDataChannelAck(ByteSpan data) {
  if (data.empty()) return Malformed("message type", 0, "empty message");
  if (data[0] != static_cast<uint8_t>(DcepMessageType::kAck)) {
    return Malformed(
        "message type", 0,
        absl::StrFormat("0x%02x is not DATA_CHANNEL_ACK (0x02)", data[0]));
  }
  if (data.size() != 1) {
    return Malformed("DATA_CHANNEL_ACK", 1,
                     absl::StrFormat("%d trailing bytes", data.size() - 1));
  }
  return absl::OkStatus();
}

absl::StatusOr<DcepMessage> ParseDcepMessage(ByteSpan data) {
  SIMRTC_ASSIGN_OR_RETURN(DcepMessageType type, PeekDcepMessageType(data));
  if (type == DcepMessageType::kAck) {
    SIMRTC_RETURN_IF_ERROR(ParseDataChannelAck(data));
    return DcepMessage(DataChannelAck{});
  }
  SIMRTC_ASSIGN_OR_RETURN(DataChannelOpen open, ParseDataChannelOpen(data));
  return DcepMessage(std::move(open));
}

absl::Status BuildDataChannelOpen(const DataChannelOpen& msg,
                                  std::vector<uint8_t>& out) {
  constexpr size_t kMax = std::numeric_limits<uint16_t>::max();
  if (msg.label.size() > kMax) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "DCEP label is %d bytes, the length field holds at most %d",
        msg.label.size(), kMax));
  }
  if (msg.protocol.size() > kMax) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "DCEP protocol is %d bytes, the length field holds at most %d",
        msg.protocol.size(), kMax));
  }
  out.reserve(out.size() + kDataChannelOpenHeaderSize + msg.label.size() +
              msg.protocol.size());
  ByteWriter w(out);
  // Growable writers cannot fail, so the statuses carry no information.
  (void)w.WriteU8(static_cast<uint8_t>(DcepMessageType::kOpen));
  (void)w.WriteU8(static_cast<uint8_t>(msg.channel_type));
  (void)w.WriteU16(msg.priority);
  (void)w.WriteU32(msg.reliability_parameter);
  (void)w.WriteU16(static_cast<uint16_t>(msg.label.size()));
  (void)w.WriteU16(static_cast<uint16_t>(msg.protocol.size()));
  (void)w.WriteString(msg.label);
  (void)w.WriteString(msg.protocol);
  return absl::OkStatus();
}

void BuildDataChannelAck(std::vector<uint8_t>& out) {
  out.push_back(static_cast<uint8_t>(DcepMessageType::kAck));
}

absl::Status BuildDcepMessage(const DcepMessage& msg,
                              std::vector<uint8_t>& out) {
  if (const auto* open = std::get_if<DataChannelOpen>(&msg)) {
    return BuildDataChannelOpen(*open, out);
  }
  BuildDataChannelAck(out);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> BuildDcepMessage(const DcepMessage& msg) {
  std::vector<uint8_t> out;
  SIMRTC_RETURN_IF_ERROR(BuildDcepMessage(msg, out));
  return out;
}

}  // namespace simrtc::datachannel
