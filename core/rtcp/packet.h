// Any RTCP packet, and compound packets (RFC 3550 section 6.1).
//
// Packet is a value-type variant over every packet type this module
// understands, plus UnknownPacket for types and FMTs it does not, which is
// kept raw so a relay can forward it unchanged. ParseCompound() splits a
// datagram into packets and parses each; it accepts reduced-size RTCP
// (RFC 5506: any first packet, no SDES required). The RFC 3550 rules for a
// full compound packet are separate checks, because under RFC 5506 they do
// not apply: ValidateCompound() on parsed packets and
// ValidateCompoundHeaders() on raw bytes (the Appendix A.2 header checks).
//
// Every parse error names the packet type, the field and its absolute
// offset in the buffer. Any Packet that parses also marshals, to bytes that
// parse back to an equal Packet.
#ifndef CORE_RTCP_PACKET_H_
#define CORE_RTCP_PACKET_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/rtcp/bye_app.h"
#include "core/rtcp/common.h"
#include "core/rtcp/feedback.h"
#include "core/rtcp/reports.h"
#include "core/rtcp/sdes.h"
#include "core/rtcp/transport_cc.h"
#include "core/rtcp/xr.h"

namespace simrtc::rtcp {

// A packet type (or feedback FMT) this module does not interpret.
struct UnknownPacket {
  static constexpr std::string_view kName = "unknown";

  uint8_t type = 0;
  uint8_t count = 0;          // the 5-bit RC/SC/FMT field
  std::vector<uint8_t> body;  // after the header, padding removed

  static absl::StatusOr<UnknownPacket> Parse(const RawPacket& raw);
  // A body that is not a multiple of 4 is aligned with RTCP padding.
  size_t MarshalSize() const {
    return kHeaderSize + ((body.size() + 3) & ~size_t{3});
  }
  absl::Status MarshalTo(ByteWriter& w) const;
  // For an unknown RTPFB/PSFB message, the media SSRC of its feedback
  // header; otherwise none.
  std::vector<uint32_t> DestinationSsrcs() const;
  friend bool operator==(const UnknownPacket&, const UnknownPacket&) = default;
};

using Packet =
    std::variant<SenderReport, ReceiverReport, SourceDescription, Bye, App,
                 GenericNack, RapidResyncRequest, TransportCcFeedback,
                 PictureLossIndication, SliceLossIndication, FullIntraRequest,
                 Remb, ExtendedReport, UnknownPacket>;

// Parses one located packet into its type.
absl::StatusOr<Packet> ParsePacket(const RawPacket& raw);
// Parses every packet in `buffer`; fails on the first bad one, or if the
// buffer does not end exactly where the last packet does. An empty buffer
// is an error.
absl::StatusOr<std::vector<Packet>> ParseCompound(ByteSpan buffer);

// RFC 3550 6.1: the first packet is an SR or RR and an SDES with a CNAME is
// present. Not required of reduced-size RTCP.
absl::Status ValidateCompound(std::span<const Packet> packets);
// RFC 3550 A.2 header checks on raw bytes: version 2 throughout, the first
// packet an SR or RR without padding, padding only in the last packet, and
// lengths that add up to the buffer size.
absl::Status ValidateCompoundHeaders(ByteSpan buffer);

std::string_view PacketName(const Packet& packet);
// The SSRCs a packet reports on or asks something of; see each type.
std::vector<uint32_t> DestinationSsrcs(const Packet& packet);

size_t MarshalSize(const Packet& packet);
// Writes one packet; fails without a usable result if `out` is too small
// or a field cannot be represented on the wire.
absl::StatusOr<size_t> MarshalTo(const Packet& packet, MutableByteSpan out);
size_t MarshalSize(std::span<const Packet> packets);
absl::StatusOr<size_t> MarshalCompoundTo(std::span<const Packet> packets,
                                         MutableByteSpan out);
absl::StatusOr<std::vector<uint8_t>> MarshalCompound(
    std::span<const Packet> packets);

}  // namespace simrtc::rtcp

#endif  // CORE_RTCP_PACKET_H_
