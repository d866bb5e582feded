// RTP/AVPF feedback messages (RFC 4585 section 6) with fixed-size FCI:
// generic NACK, PLI, SLI, FIR (RFC 5104), REMB (draft-alvestrand-rmcat-
// remb) and the rapid resynchronisation request (RFC 6051).
//
// All share the feedback header: sender SSRC then media source SSRC. Where
// the RFC says the media SSRC is unused (FIR, REMB) the field is still kept
// for FIR, because old senders filled it in and a relay should not change
// bytes it does not understand; REMB always writes 0.
#ifndef CORE_RTCP_FEEDBACK_H_
#define CORE_RTCP_FEEDBACK_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/rtcp/common.h"

namespace simrtc::rtcp {

struct PictureLossIndication {
  static constexpr std::string_view kName = "PLI";
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;

  static absl::StatusOr<PictureLossIndication> Parse(const RawPacket& raw);
  size_t MarshalSize() const { return kHeaderSize + 8; }
  absl::Status MarshalTo(ByteWriter& w) const;
  std::vector<uint32_t> DestinationSsrcs() const { return {media_ssrc}; }
  friend bool operator==(const PictureLossIndication&,
                         const PictureLossIndication&) = default;
};

// RFC 6051 section 7: asks the sender for an SR soon, to resynchronise.
struct RapidResyncRequest {
  static constexpr std::string_view kName = "RRR";
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;

  static absl::StatusOr<RapidResyncRequest> Parse(const RawPacket& raw);
  size_t MarshalSize() const { return kHeaderSize + 8; }
  absl::Status MarshalTo(ByteWriter& w) const;
  std::vector<uint32_t> DestinationSsrcs() const { return {media_ssrc}; }
  friend bool operator==(const RapidResyncRequest&,
                         const RapidResyncRequest&) = default;
};

struct SliEntry {
  uint16_t first = 0;      // 13 bits: first lost macroblock
  uint16_t number = 0;     // 13 bits: number of lost macroblocks
  uint8_t picture_id = 0;  // 6 bits
  friend bool operator==(const SliEntry&, const SliEntry&) = default;
};

struct SliceLossIndication {
  static constexpr std::string_view kName = "SLI";
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  std::vector<SliEntry> entries;

  static absl::StatusOr<SliceLossIndication> Parse(const RawPacket& raw);
  size_t MarshalSize() const { return kHeaderSize + 8 + 4 * entries.size(); }
  absl::Status MarshalTo(ByteWriter& w) const;
  std::vector<uint32_t> DestinationSsrcs() const { return {media_ssrc}; }
  friend bool operator==(const SliceLossIndication&,
                         const SliceLossIndication&) = default;
};

struct FirEntry {
  uint32_t ssrc = 0;            // the encoder asked to send a key frame
  uint8_t sequence_number = 0;  // incremented per new request
  friend bool operator==(const FirEntry&, const FirEntry&) = default;
};

struct FullIntraRequest {
  static constexpr std::string_view kName = "FIR";
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;  // RFC 5104: SHALL be 0; kept as received
  std::vector<FirEntry> entries;

  static absl::StatusOr<FullIntraRequest> Parse(const RawPacket& raw);
  size_t MarshalSize() const { return kHeaderSize + 8 + 8 * entries.size(); }
  absl::Status MarshalTo(ByteWriter& w) const;
  // The entry SSRCs (the header's media SSRC is unused).
  std::vector<uint32_t> DestinationSsrcs() const;
  friend bool operator==(const FullIntraRequest&,
                         const FullIntraRequest&) = default;
};

// One FCI entry of a generic NACK: packet `packet_id` is lost, and so is
// packet_id + i + 1 for every set bit i of `lost_bitmask`.
struct NackPair {
  uint16_t packet_id = 0;
  uint16_t lost_bitmask = 0;
  friend bool operator==(const NackPair&, const NackPair&) = default;
};

// Expands pairs into the sequence numbers they name, in pair order
// (modulo 2^16, so a pair may straddle the wrap).
std::vector<uint16_t> NackPairsToSequenceNumbers(
    std::span<const NackPair> pairs);
// Packs sequence numbers (expected in send order, wrap allowed) into as
// few pairs as a single left-to-right pass allows. Duplicates collapse.
std::vector<NackPair> SequenceNumbersToNackPairs(
    std::span<const uint16_t> seqs);

struct GenericNack {
  static constexpr std::string_view kName = "NACK";
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  std::vector<NackPair> pairs;

  std::vector<uint16_t> LostSequenceNumbers() const {
    return NackPairsToSequenceNumbers(pairs);
  }

  static absl::StatusOr<GenericNack> Parse(const RawPacket& raw);
  size_t MarshalSize() const { return kHeaderSize + 8 + 4 * pairs.size(); }
  absl::Status MarshalTo(ByteWriter& w) const;
  std::vector<uint32_t> DestinationSsrcs() const { return {media_ssrc}; }
  friend bool operator==(const GenericNack&, const GenericNack&) = default;
};

// Receiver estimated maximum bitrate: a PSFB/AFB message whose FCI starts
// with "REMB". The bitrate travels as an 18-bit mantissa and 6-bit
// exponent; marshalling picks the smallest exponent and truncates, so the
// value sent never exceeds `bitrate_bps`.
struct Remb {
  static constexpr std::string_view kName = "REMB";
  static constexpr size_t kMaxSsrcs = 255;

  uint32_t sender_ssrc = 0;
  uint64_t bitrate_bps = 0;
  std::vector<uint32_t> ssrcs;

  // True if an AFB body (after the common header) is a REMB.
  static bool IsRemb(ByteSpan body);
  static absl::StatusOr<Remb> Parse(const RawPacket& raw);
  size_t MarshalSize() const { return kHeaderSize + 16 + 4 * ssrcs.size(); }
  absl::Status MarshalTo(ByteWriter& w) const;
  std::vector<uint32_t> DestinationSsrcs() const { return ssrcs; }
  friend bool operator==(const Remb&, const Remb&) = default;
};

}  // namespace simrtc::rtcp

#endif  // CORE_RTCP_FEEDBACK_H_
