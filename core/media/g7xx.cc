#include "core/media/g7xx.h"

#include <algorithm>

namespace simrtc::media {

absl::StatusOr<Payloads> G7xxPayloader::Payload(size_t mtu, ByteSpan frame) {
  Payloads out;
  if (frame.empty()) return out;
  if (mtu == 0) {
    return absl::InvalidArgumentError("G7xx payloader: mtu 0");
  }
  for (size_t off = 0; off < frame.size(); off += mtu) {
    size_t n = std::min(mtu, frame.size() - off);
    out.emplace_back(frame.begin() + off, frame.begin() + off + n);
  }
  return out;
}

}  // namespace simrtc::media
