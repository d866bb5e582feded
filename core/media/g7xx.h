// G.711 (PCMU/PCMA) and G.722 RTP payloads (RFC 3551): raw samples with no
// payload header, so a frame may be cut anywhere; chunks are mtu-sized.
#ifndef CORE_MEDIA_G7XX_H_
#define CORE_MEDIA_G7XX_H_

#include "core/media/payloader.h"

namespace simrtc::media {

class G7xxPayloader : public Payloader {
 public:
  // Fails if mtu is 0 and the frame is not empty.
  absl::StatusOr<Payloads> Payload(size_t mtu, ByteSpan frame) override;
};

class G7xxDepacketizer : public Depacketizer {
 public:
  absl::StatusOr<std::vector<uint8_t>> Depacketize(ByteSpan payload) override {
    return std::vector<uint8_t>(payload.begin(), payload.end());
  }
  bool IsPartitionHead(ByteSpan) const override { return true; }
  bool IsPartitionTail(bool, ByteSpan) const override { return true; }
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_G7XX_H_
