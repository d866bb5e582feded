// Codec-specific RTP payload formats, split into the two directions.
//
// A Payloader turns one encoded frame into RTP payloads that each fit in
// `mtu` bytes (the room left after the RTP header). A Depacketizer turns RTP
// payloads back into codec bitstream; it may be stateful (H.264 FU-A keeps a
// reassembly buffer), so payloads of one stream must be fed in sequence
// order and an empty result means "nothing complete yet". Partition
// head/tail tell a SampleBuilder where frames start and end without
// depacketizing. All inputs may be hostile: errors are values naming the
// field and offset, never crashes.
#ifndef CORE_MEDIA_PAYLOADER_H_
#define CORE_MEDIA_PAYLOADER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/byte_io.h"

namespace simrtc::media {

using Payloads = std::vector<std::vector<uint8_t>>;

class Payloader {
 public:
  virtual ~Payloader() = default;
  // Splits `frame` into payloads of at most `mtu` bytes each. An empty
  // frame yields no payloads. Fails if `mtu` is too small for the format's
  // own framing.
  virtual absl::StatusOr<Payloads> Payload(size_t mtu, ByteSpan frame) = 0;
};

class Depacketizer {
 public:
  virtual ~Depacketizer() = default;
  // Returns the media bytes carried by `payload` (possibly empty while a
  // fragmented unit is incomplete).
  virtual absl::StatusOr<std::vector<uint8_t>> Depacketize(
      ByteSpan payload) = 0;
  // True if `payload` starts a frame.
  virtual bool IsPartitionHead(ByteSpan payload) const = 0;
  // True if a packet with this marker bit and payload ends a frame.
  virtual bool IsPartitionTail(bool marker, ByteSpan payload) const = 0;
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_PAYLOADER_H_
