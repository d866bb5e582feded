// RFC 8832 Data Channel Establishment Protocol (DCEP) message format, plus
// the RFC 8831 SCTP payload protocol identifiers that carry data-channel
// traffic. Pure codec: no channel state lives here.
//
// Contract:
//  * Parsing is strict. A message must be exactly as long as its header says
//    (no trailing bytes), the channel type must be one RFC 8832 defines, and
//    every failure names the field and its byte offset. Consequently any
//    message that parses builds back to the identical bytes.
//  * Label and protocol are carried as opaque bytes. RFC 8832 says they are
//    UTF-8, but rejecting a peer's malformed label here would hide it from the
//    layer that must decide what to do about it, so no validation is done.
//  * The reliability parameter is kept exactly as received, even for the
//    reliable channel types where RFC 8832 says the receiver ignores it;
//    Reliability() applies that rule when interpreting it.
#ifndef CORE_DATACHANNEL_DCEP_MESSAGE_H_
#define CORE_DATACHANNEL_DCEP_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"

namespace simrtc::datachannel {

// First byte of every DCEP message (RFC 8832 section 8.2.1).
enum class DcepMessageType : uint8_t {
  kAck = 0x02,
  kOpen = 0x03,
};

// RFC 8832 section 5.1. Bit 0x80 means "unordered"; the low bits pick the
// reliability mode.
enum class ChannelType : uint8_t {
  kReliable = 0x00,
  kReliableUnordered = 0x80,
  kPartialReliableRexmit = 0x01,
  kPartialReliableRexmitUnordered = 0x81,
  kPartialReliableTimed = 0x02,
  kPartialReliableTimedUnordered = 0x82,
};

// True for the six values above; anything else is a protocol error.
bool IsKnownChannelType(uint8_t value);
bool IsOrdered(ChannelType type);
std::string_view ChannelTypeName(ChannelType type);

// RFC 8832 section 5.1 priority values. The field is a full uint16_t and
// any value is legal on the wire; these are the four levels WebRTC maps to.
inline constexpr uint16_t kPriorityBelowNormal = 128;
inline constexpr uint16_t kPriorityNormal = 256;
inline constexpr uint16_t kPriorityHigh = 512;
inline constexpr uint16_t kPriorityExtraHigh = 1024;

// SCTP payload protocol identifiers (RFC 8831 section 8, IANA registry).
enum class Ppid : uint32_t {
  kDcep = 50,
  kString = 51,
  kBinaryPartial = 52,  // deprecated (RFC 8831): never send, accept
  kBinary = 53,
  kStringPartial = 54,  // deprecated (RFC 8831): never send, accept
  kStringEmpty = 56,
  kBinaryEmpty = 57,
};

// What a received PPID says about a user message. `empty` means the single
// placeholder byte SCTP had to carry is not part of the message.
struct PpidInfo {
  bool is_string = false;
  bool empty = false;
  bool deprecated_partial = false;
  friend bool operator==(const PpidInfo&, const PpidInfo&) = default;
};

// Classifies a user-message PPID. kDcep and unknown values are errors: the
// caller routes DCEP itself and must not deliver either as user data.
absl::StatusOr<PpidInfo> ClassifyUserPpid(uint32_t ppid);

// The PPID to send a user message with. Empty messages get the *_EMPTY
// PPIDs because SCTP cannot send a zero-length user message (RFC 8831
// section 6.6); the caller then sends one zero byte.
Ppid PpidForUserMessage(bool is_string, size_t size);

// The W3C RTCDataChannelInit view of a channel's reliability. At most one of
// max_retransmits and max_packet_life_time_ms may be set.
struct Reliability {
  bool ordered = true;
  std::optional<uint32_t> max_retransmits = std::nullopt;
  std::optional<uint32_t> max_packet_life_time_ms = std::nullopt;
  friend bool operator==(const Reliability&, const Reliability&) = default;
};

// DATA_CHANNEL_OPEN (RFC 8832 section 5.1).
struct DataChannelOpen {
  ChannelType channel_type = ChannelType::kReliable;
  uint16_t priority = kPriorityNormal;
  // Retransmit count (REXMIT types) or lifetime in ms (TIMED types).
  uint32_t reliability_parameter = 0;
  std::string label;
  std::string protocol;

  // Picks the channel type and parameter for `r`; fails if both limits are
  // set. Reliable types get parameter 0 as RFC 8832 requires of senders.
  static absl::StatusOr<DataChannelOpen> FromReliability(
      const Reliability& r, std::string label, std::string protocol,
      uint16_t priority = kPriorityNormal);

  // Interprets channel_type and reliability_parameter. Never fails: the
  // parameter of reliable types is ignored, as receivers must.
  Reliability GetReliability() const;

  friend bool operator==(const DataChannelOpen&,
                         const DataChannelOpen&) = default;
};

// DATA_CHANNEL_ACK (RFC 8832 section 5.2): the type byte alone.
struct DataChannelAck {
  friend bool operator==(const DataChannelAck&,
                         const DataChannelAck&) = default;
};

using DcepMessage = std::variant<DataChannelOpen, DataChannelAck>;

// Fixed part of DATA_CHANNEL_OPEN before label and protocol.
inline constexpr size_t kDataChannelOpenHeaderSize = 12;

// The message type byte, without validating the rest.
absl::StatusOr<DcepMessageType> PeekDcepMessageType(ByteSpan data);

absl::StatusOr<DcepMessage> ParseDcepMessage(ByteSpan data);
absl::StatusOr<DataChannelOpen> ParseDataChannelOpen(ByteSpan data);
absl::Status ParseDataChannelAck(ByteSpan data);

// Appends the encoding to `out`. Fails (writing nothing) only if label or
// protocol exceed the 16-bit length fields.
absl::Status BuildDataChannelOpen(const DataChannelOpen& msg,
                                  std::vector<uint8_t>& out);
void BuildDataChannelAck(std::vector<uint8_t>& out);
absl::Status BuildDcepMessage(const DcepMessage& msg,
                              std::vector<uint8_t>& out);
absl::StatusOr<std::vector<uint8_t>> BuildDcepMessage(const DcepMessage& msg);

}  // namespace simrtc::datachannel

#endif  // CORE_DATACHANNEL_DCEP_MESSAGE_H_
