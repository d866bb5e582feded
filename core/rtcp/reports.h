// Sender and receiver reports (RFC 3550 sections 6.4.1, 6.4.2) and their
// reception report blocks.
//
// Both keep any profile-specific extension bytes after the report blocks
// verbatim, so a relay can forward them; they must be a multiple of 4 bytes.
#ifndef CORE_RTCP_REPORTS_H_
#define CORE_RTCP_REPORTS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/rtcp/common.h"

namespace simrtc::rtcp {

// The middle 32 bits of a 64-bit NTP timestamp: what LSR echoes.
constexpr uint32_t CompactNtp(uint64_t ntp) {
  return static_cast<uint32_t>(ntp >> 16);
}

struct ReportBlock {
  static constexpr size_t kSize = 24;
  // Cumulative loss is a 24-bit two's complement field: duplicates can make
  // it negative.
  static constexpr int32_t kMaxCumulativeLost = 0x7FFFFF;
  static constexpr int32_t kMinCumulativeLost = -0x800000;

  uint32_t source_ssrc = 0;
  uint8_t fraction_lost = 0;  // fixed point, lost/expected * 256
  int32_t cumulative_lost = 0;
  uint32_t extended_highest_sequence = 0;
  uint32_t jitter = 0;               // RTP timestamp units
  uint32_t last_sr = 0;              // CompactNtp of the last SR, 0 if none
  uint32_t delay_since_last_sr = 0;  // 1/65536 s

  friend bool operator==(const ReportBlock&, const ReportBlock&) = default;
};

struct SenderReport {
  static constexpr std::string_view kName = "SR";
  static constexpr size_t kMaxReportBlocks = 31;

  uint32_t sender_ssrc = 0;
  uint64_t ntp_timestamp = 0;
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;
  std::vector<ReportBlock> report_blocks;
  std::vector<uint8_t> profile_extensions;

  static absl::StatusOr<SenderReport> Parse(const RawPacket& raw);
  size_t MarshalSize() const;
  absl::Status MarshalTo(ByteWriter& w) const;
  // The report-block sources, then the sender itself (it describes its
  // own stream).
  std::vector<uint32_t> DestinationSsrcs() const;
  friend bool operator==(const SenderReport&, const SenderReport&) = default;
};

struct ReceiverReport {
  static constexpr std::string_view kName = "RR";
  static constexpr size_t kMaxReportBlocks = 31;

  uint32_t sender_ssrc = 0;
  std::vector<ReportBlock> report_blocks;
  std::vector<uint8_t> profile_extensions;

  static absl::StatusOr<ReceiverReport> Parse(const RawPacket& raw);
  size_t MarshalSize() const;
  absl::Status MarshalTo(ByteWriter& w) const;
  // The report-block sources.
  std::vector<uint32_t> DestinationSsrcs() const;
  friend bool operator==(const ReceiverReport&,
                         const ReceiverReport&) = default;
};

}  // namespace simrtc::rtcp

#endif  // CORE_RTCP_REPORTS_H_
