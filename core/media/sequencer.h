// RTP sequence numbers for one outgoing stream. Starts at a random value
// (RFC 3550 section 5.1, so known-plaintext attacks on SRTP get no fixed
// starting point) drawn from the injected Rng, and counts wrap-arounds so
// callers can form an extended sequence number.
#ifndef CORE_MEDIA_SEQUENCER_H_
#define CORE_MEDIA_SEQUENCER_H_

#include <cstdint>

#include "core/base/rng.h"

namespace simrtc::media {

class Sequencer {
 public:
  explicit Sequencer(uint16_t start) : next_(start) {}
  explicit Sequencer(Rng& rng)
      : next_(static_cast<uint16_t>(rng.Uniform(1u << 16))) {}

  uint16_t Next() {
    uint16_t s = next_++;
    if (next_ == 0) ++roll_over_count_;
    return s;
  }
  uint16_t peek() const { return next_; }
  uint64_t roll_over_count() const { return roll_over_count_; }

 private:
  uint16_t next_;
  uint64_t roll_over_count_ = 0;
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_SEQUENCER_H_
