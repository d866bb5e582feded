// BYE (RFC 3550 section 6.6) and APP (section 6.7) packets.
#ifndef CORE_RTCP_BYE_APP_H_
#define CORE_RTCP_BYE_APP_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/rtcp/common.h"

namespace simrtc::rtcp {

// The sources leaving, and an optional reason (at most 255 bytes; an empty
// reason is not written).
struct Bye {
  static constexpr std::string_view kName = "BYE";
  static constexpr size_t kMaxSources = 31;

  std::vector<uint32_t> ssrcs;
  std::string reason;

  static absl::StatusOr<Bye> Parse(const RawPacket& raw);
  size_t MarshalSize() const;
  absl::Status MarshalTo(ByteWriter& w) const;
  std::vector<uint32_t> DestinationSsrcs() const { return ssrcs; }
  friend bool operator==(const Bye&, const Bye&) = default;
};

// Application-defined: a 5-bit subtype, a 4-character name and opaque data
// that must be a multiple of 4 bytes.
struct App {
  static constexpr std::string_view kName = "APP";

  uint8_t subtype = 0;  // 0..31
  uint32_t ssrc = 0;
  std::array<char, 4> name = {' ', ' ', ' ', ' '};
  std::vector<uint8_t> data;

  static absl::StatusOr<App> Parse(const RawPacket& raw);
  size_t MarshalSize() const { return kHeaderSize + 8 + data.size(); }
  absl::Status MarshalTo(ByteWriter& w) const;
  // APP names no receiver of its own; its meaning is application-defined.
  std::vector<uint32_t> DestinationSsrcs() const { return {}; }
  friend bool operator==(const App&, const App&) = default;
};

}  // namespace simrtc::rtcp

#endif  // CORE_RTCP_BYE_APP_H_
