// Wrap-aware comparison and unwrapping of RTP sequence numbers (16 bit)
// and timestamps (32 bit).
//
// Comparison treats the counter as a circle: `a` is newer than `b` when it
// is less than half the range ahead. At exactly half the range the larger
// raw value wins, so for any a != b exactly one of IsNewer(a, b) and
// IsNewer(b, a) holds.
//
// An Unwrapper maps the wrapping counter onto int64 by taking the shortest
// step (forward or backward) from the previously unwrapped value, so it
// handles both wrap-around and reordering as long as consecutive inputs
// are less than half the range apart. The first value unwraps to itself;
// a reordered packet from before the first one may unwrap to a negative
// number. Small value types; copy freely.
#ifndef CORE_RTP_SEQUENCE_NUMBER_H_
#define CORE_RTP_SEQUENCE_NUMBER_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

namespace simrtc::rtp {

template <typename U>
requires std::is_unsigned_v<U>
constexpr bool IsNewer(U a, U b) {
  constexpr U kHalf =
      static_cast<U>(U{1} << (std::numeric_limits<U>::digits - 1));
  const U forward = static_cast<U>(a - b);
  if (forward == kHalf) return a > b;
  return forward != 0 && forward < kHalf;
}

constexpr bool IsNewerSequenceNumber(uint16_t a, uint16_t b) {
  return IsNewer<uint16_t>(a, b);
}
constexpr bool IsNewerTimestamp(uint32_t a, uint32_t b) {
  return IsNewer<uint32_t>(a, b);
}
constexpr uint16_t LatestSequenceNumber(uint16_t a, uint16_t b) {
  return IsNewerSequenceNumber(a, b) ? a : b;
}
constexpr uint32_t LatestTimestamp(uint32_t a, uint32_t b) {
  return IsNewerTimestamp(a, b) ? a : b;
}

template <typename U>
requires std::is_unsigned_v<U>
class Unwrapper {
 public:
  // Unwraps `value` relative to the previous call and remembers it.
  int64_t Unwrap(U value) {
    last_unwrapped_ = PeekUnwrap(value);
    last_value_ = value;
    return *last_unwrapped_;
  }
  // What Unwrap(value) would return, without changing state.
  int64_t PeekUnwrap(U value) const {
    if (!last_unwrapped_) return static_cast<int64_t>(value);
    constexpr int64_t kRange = int64_t{1} << std::numeric_limits<U>::digits;
    int64_t step = static_cast<U>(value - last_value_);
    if (!IsNewer<U>(value, last_value_) && step != 0) step -= kRange;
    return *last_unwrapped_ + step;
  }
  std::optional<int64_t> last_unwrapped() const { return last_unwrapped_; }
  void Reset() { last_unwrapped_.reset(); }

 private:
  U last_value_ = 0;
  std::optional<int64_t> last_unwrapped_;
};

using SequenceNumberUnwrapper = Unwrapper<uint16_t>;
using TimestampUnwrapper = Unwrapper<uint32_t>;

}  // namespace simrtc::rtp

#endif  // CORE_RTP_SEQUENCE_NUMBER_H_
