// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-
// wide-cc-extensions-01 section 3.1): RTPFB FMT 15.
//
// The struct mirrors the wire: packet status chunks exactly as sent (run
// length, 1-bit or 2-bit vectors) and one receive delta per "received"
// symbol, in 250 us ticks. Keeping the chunks as sent means a parsed packet
// marshals back to the same chunks; BuildTransportCcFeedback() chooses
// chunks for you, and GetPacketResults() turns any feedback into a per-
// packet list.
//
// Reference time is a 24-bit count of 64 ms. The draft calls it signed, but
// senders let it wrap modulo 2^24, so it is exposed raw and read as
// unsigned; a consumer comparing successive feedbacks unwraps it.
//
// On the wire the packet is zero-padded to 32 bits. MarshalTo() does that
// with RTCP padding (P bit and count byte), as deployed senders do; Parse()
// accepts either that or up to 3 plain trailing bytes.
#ifndef CORE_RTCP_TRANSPORT_CC_H_
#define CORE_RTCP_TRANSPORT_CC_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/time.h"
#include "core/rtcp/common.h"

namespace simrtc::rtcp {

enum class StatusSymbol : uint8_t {
  kNotReceived = 0,
  kSmallDelta = 1,  // received; 8-bit unsigned delta follows
  kLargeDelta = 2,  // received; 16-bit signed delta follows
  kReserved = 3,    // invalid within packet_status_count
};

struct PacketStatusChunk {
  enum class Type : uint8_t { kRunLength, kOneBitVector, kTwoBitVector };
  static constexpr uint16_t kMaxRunLength = 0x1FFF;

  Type type = Type::kRunLength;
  // kRunLength: `run_symbol` repeated `run_length` times.
  StatusSymbol run_symbol = StatusSymbol::kNotReceived;
  uint16_t run_length = 0;
  // Vectors: the first 14 (one-bit: only kNotReceived / kSmallDelta) or 7
  // (two-bit) entries are used; the rest stay kNotReceived.
  std::array<StatusSymbol, 14> symbols{};

  static PacketStatusChunk RunLength(StatusSymbol symbol, uint16_t length);
  static PacketStatusChunk Decode(uint16_t raw);
  // Fails for a run longer than 8191 or a one-bit vector holding a symbol
  // other than 0 or 1.
  absl::StatusOr<uint16_t> Encode() const;

  size_t symbol_count() const;
  StatusSymbol symbol(size_t i) const;  // i < symbol_count()

  friend bool operator==(const PacketStatusChunk&,
                         const PacketStatusChunk&) = default;
};

struct TransportCcFeedback {
  static constexpr std::string_view kName = "TWCC";
  static constexpr int64_t kDeltaTickUs = 250;
  static constexpr int64_t kReferenceTickUs = 64000;

  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  uint16_t base_sequence_number = 0;
  uint16_t packet_status_count = 0;
  uint32_t reference_time = 0;  // 24 bits, units of 64 ms
  uint8_t feedback_packet_count = 0;
  std::vector<PacketStatusChunk> chunks;
  // One per kSmallDelta / kLargeDelta symbol within packet_status_count, in
  // order; the first is relative to the reference time, each later one to
  // the previous received packet. Small: 0..255, large: -32768..32767.
  std::vector<int32_t> recv_deltas;

  struct PacketResult {
    uint16_t sequence_number = 0;
    // In the feedback sender's time base (reference time * 64 ms + deltas);
    // nullopt when reported not received.
    std::optional<Timestamp> arrival_time;
    friend bool operator==(const PacketResult&, const PacketResult&) = default;
  };
  // One entry per sequence number from base_sequence_number on. Fails if
  // the chunks and deltas disagree (only possible for hand-built structs).
  absl::StatusOr<std::vector<PacketResult>> GetPacketResults() const;
  Timestamp ReferenceTime() const {
    return Timestamp::Micros(int64_t{reference_time} * kReferenceTickUs);
  }

  static absl::StatusOr<TransportCcFeedback> Parse(const RawPacket& raw);
  size_t MarshalSize() const;
  absl::Status MarshalTo(ByteWriter& w) const;
  std::vector<uint32_t> DestinationSsrcs() const { return {media_ssrc}; }
  friend bool operator==(const TransportCcFeedback&,
                         const TransportCcFeedback&) = default;
};

struct ReceivedPacket {
  uint16_t sequence_number = 0;  // transport-wide
  Timestamp arrival_time;
};

// Builds feedback for `received`, which must be non-empty and in strictly
// increasing (wrap-aware) sequence order, spanning at most 65535 numbers;
// gaps are reported as not received. Arrival times are truncated to the
// 250 us grid and may go backwards (reordering becomes a negative delta).
// Fails with OutOfRange if consecutive arrivals are more than ~8.19 s apart:
// the caller must then split the feedback.
absl::StatusOr<TransportCcFeedback> BuildTransportCcFeedback(
    uint32_t sender_ssrc, uint32_t media_ssrc, uint8_t feedback_packet_count,
    std::span<const ReceivedPacket> received);

}  // namespace simrtc::rtcp

#endif  // CORE_RTCP_TRANSPORT_CC_H_
