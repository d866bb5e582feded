// Source description (RFC 3550 section 6.5): per-SSRC chunks of
// (type, text) items, most importantly the CNAME that ties a participant's
// streams together.
//
// Item types are kept as numbers, so unknown and PRIV items survive a
// parse/marshal round trip byte for byte (PRIV's inner prefix is part of
// its text). Item text is opaque bytes up to 255 long; RFC 3550 says UTF-8
// but nothing here depends on it.
#ifndef CORE_RTCP_SDES_H_
#define CORE_RTCP_SDES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/rtcp/common.h"

namespace simrtc::rtcp {

enum SdesItemType : uint8_t {
  kSdesEnd = 0,  // terminates a chunk's item list; never a real item
  kSdesCname = 1,
  kSdesName = 2,
  kSdesEmail = 3,
  kSdesPhone = 4,
  kSdesLoc = 5,
  kSdesTool = 6,
  kSdesNote = 7,
  kSdesPriv = 8,
};

struct SdesItem {
  uint8_t type = kSdesCname;
  std::string value;
  friend bool operator==(const SdesItem&, const SdesItem&) = default;
};

struct SdesChunk {
  uint32_t ssrc = 0;
  std::vector<SdesItem> items;
  friend bool operator==(const SdesChunk&, const SdesChunk&) = default;
};

struct SourceDescription {
  static constexpr std::string_view kName = "SDES";
  static constexpr size_t kMaxChunks = 31;

  std::vector<SdesChunk> chunks;

  // The CNAME of `ssrc`, if some chunk for it carries one.
  std::optional<std::string_view> Cname(uint32_t ssrc) const;
  bool HasCname() const;

  static absl::StatusOr<SourceDescription> Parse(const RawPacket& raw);
  size_t MarshalSize() const;
  absl::Status MarshalTo(ByteWriter& w) const;
  // The chunk SSRCs.
  std::vector<uint32_t> DestinationSsrcs() const;
  friend bool operator==(const SourceDescription&,
                         const SourceDescription&) = default;
};

}  // namespace simrtc::rtcp

#endif  // CORE_RTCP_SDES_H_
