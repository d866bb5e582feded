// Extended reports (RFC 3611): the two block types WebRTC uses for
// receiver-side RTT (RRTR, DLRR); every other block type is kept raw so a
// parse/marshal round trip preserves it.
#ifndef CORE_RTCP_XR_H_
#define CORE_RTCP_XR_H_

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/rtcp/common.h"

namespace simrtc::rtcp {

inline constexpr uint8_t kXrBlockRrtr = 4;
inline constexpr uint8_t kXrBlockDlrr = 5;

// Receiver reference time (RFC 3611 4.4): lets a non-sender get RTT.
struct XrRrtr {
  uint64_t ntp_timestamp = 0;
  friend bool operator==(const XrRrtr&, const XrRrtr&) = default;
};

struct XrDlrrItem {
  uint32_t ssrc = 0;
  uint32_t last_rr = 0;              // CompactNtp of that receiver's RRTR
  uint32_t delay_since_last_rr = 0;  // 1/65536 s
  friend bool operator==(const XrDlrrItem&, const XrDlrrItem&) = default;
};

// Delay since last receiver report (RFC 3611 4.5).
struct XrDlrr {
  std::vector<XrDlrrItem> items;
  friend bool operator==(const XrDlrr&, const XrDlrr&) = default;
};

struct XrUnknownBlock {
  uint8_t block_type = 0;
  uint8_t type_specific = 0;
  std::vector<uint8_t> data;  // a multiple of 4 bytes
  friend bool operator==(const XrUnknownBlock&,
                         const XrUnknownBlock&) = default;
};

using XrBlock = std::variant<XrRrtr, XrDlrr, XrUnknownBlock>;

struct ExtendedReport {
  static constexpr std::string_view kName = "XR";

  uint32_t sender_ssrc = 0;
  std::vector<XrBlock> blocks;

  static absl::StatusOr<ExtendedReport> Parse(const RawPacket& raw);
  size_t MarshalSize() const;
  absl::Status MarshalTo(ByteWriter& w) const;
  // The SSRCs of DLRR sub-blocks (RRTR addresses no one in particular).
  std::vector<uint32_t> DestinationSsrcs() const;
  friend bool operator==(const ExtendedReport&,
                         const ExtendedReport&) = default;
};

}  // namespace simrtc::rtcp

#endif  // CORE_RTCP_XR_H_
