// The RTCP common header (RFC 3550 section 6.4) and what every packet type
// shares: packet type numbers, the split of a compound buffer into packets,
// and error formatting.
//
// ParseRawPacket() checks exactly what the common header promises: version
// 2, a length that fits the buffer, and a padding count that fits the
// packet. Everything type-specific is left to the packet parsers, which see
// the body with padding already removed.
#ifndef CORE_RTCP_COMMON_H_
#define CORE_RTCP_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"

namespace simrtc::rtcp {

inline constexpr uint8_t kVersion = 2;
inline constexpr size_t kHeaderSize = 4;
// The length field counts 32-bit words minus one, so this is the largest
// packet the header can describe.
inline constexpr size_t kMaxPacketSize = 4 * (0xFFFF + 1);

// Packet types (RFC 3550, 4585, 3611).
inline constexpr uint8_t kPacketTypeSr = 200;
inline constexpr uint8_t kPacketTypeRr = 201;
inline constexpr uint8_t kPacketTypeSdes = 202;
inline constexpr uint8_t kPacketTypeBye = 203;
inline constexpr uint8_t kPacketTypeApp = 204;
inline constexpr uint8_t kPacketTypeRtpfb = 205;
inline constexpr uint8_t kPacketTypePsfb = 206;
inline constexpr uint8_t kPacketTypeXr = 207;

// Feedback message types (the FMT field) for RTPFB.
inline constexpr uint8_t kFmtGenericNack = 1;   // RFC 4585
inline constexpr uint8_t kFmtRapidResync = 5;   // RFC 6051
inline constexpr uint8_t kFmtTransportCc = 15;  // draft-holmer
// ... and for PSFB.
inline constexpr uint8_t kFmtPli = 1;                // RFC 4585
inline constexpr uint8_t kFmtSli = 2;                // RFC 4585
inline constexpr uint8_t kFmtFir = 4;                // RFC 5104
inline constexpr uint8_t kFmtApplicationLayer = 15;  // RFC 4585 AFB (REMB)

// One packet located in a (possibly compound) buffer.
struct RawPacket {
  size_t offset = 0;  // of the header within the parsed buffer
  bool padding = false;
  uint8_t count = 0;  // RC, SC, FMT or APP subtype, depending on `type`
  uint8_t type = 0;
  ByteSpan packet;  // header + body + padding, as the length field says
  ByteSpan body;    // after the 4-byte header, padding removed

  size_t padding_size() const {
    return packet.size() - kHeaderSize - body.size();
  }
};

// Reads the packet starting at `offset` in `buffer`. Errors name the field
// and its absolute offset.
absl::StatusOr<RawPacket> ParseRawPacket(ByteSpan buffer, size_t offset);

// Short name for messages: "SR", "RR", ..., "NACK", "TWCC", "PT 210".
std::string PacketTypeName(uint8_t type, uint8_t count);

namespace internal {

// ParseRawPacket without the StatusOr: the hot loop in ParseCompound reuses
// one RawPacket instead of copying a fresh one out per packet.
absl::Status ParseRawPacketInto(ByteSpan buffer, size_t offset, RawPacket& raw);

// "RTCP <name> at offset <packet>: <field> at offset <abs>: <what>"
absl::Status FieldError(const RawPacket& raw, std::string_view name,
                        std::string_view field, size_t rel_offset,
                        std::string_view what);
absl::Status Truncated(const RawPacket& raw, std::string_view name,
                       std::string_view field, size_t rel_offset, size_t need,
                       size_t have);
absl::Status MarshalError(std::string_view name, std::string_view what);

// Checks that a packet of `size` bytes can be described by the header.
absl::Status CheckPacketSize(std::string_view name, size_t size);
// Writes the common header for a packet of `size` bytes (already checked).
absl::Status WriteHeader(ByteWriter& w, bool padding, uint8_t count,
                         uint8_t type, size_t size);

}  // namespace internal
}  // namespace simrtc::rtcp

#endif  // CORE_RTCP_COMMON_H_
