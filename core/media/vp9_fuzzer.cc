// Feeds arbitrary bytes to the vp9 depacketizer as a sequence of payloads
// (split on the first byte's value) so stateful reassembly is exercised.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "core/media/vp9.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  simrtc::media::Vp9Depacketizer d;
  simrtc::ByteSpan in(data, size);
  size_t chunk = size > 0 ? 1 + data[0] % 64 : 1;
  for (size_t off = 0; off < size; off += chunk) {
    simrtc::ByteSpan p = in.subspan(off, std::min(chunk, size - off));
    (void)d.IsPartitionHead(p);
    (void)d.IsPartitionTail(true, p);
    auto r = d.Depacketize(p);
    (void)r;
  }
  auto whole = d.Depacketize(in);
  (void)whole;
  return 0;
}
