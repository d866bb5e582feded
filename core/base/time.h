// Strong time types for the sans-IO core.
//
// Contract: every protocol object in core/ learns the time only through a
// Timestamp passed in by its driver (the simulator's virtual clock or the
// real runtime's monotonic clock). Both types are int64 microseconds; they
// never read a clock themselves, so the same code is deterministic under
// simulation. Arithmetic saturates nowhere: callers stay far from int64
// limits (2^63 us is ~292,000 years), except for the explicit Infinite values.
#ifndef CORE_BASE_TIME_H_
#define CORE_BASE_TIME_H_

#include <concepts>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>

namespace simrtc {

class TimeDelta {
 public:
  constexpr TimeDelta() = default;

  static constexpr TimeDelta Micros(int64_t us) { return TimeDelta(us); }
  static constexpr TimeDelta Millis(int64_t ms) { return TimeDelta(ms * 1000); }
  static constexpr TimeDelta Seconds(int64_t s) {
    return TimeDelta(s * 1000000);
  }
  static constexpr TimeDelta SecondsF(double s) {
    return TimeDelta(static_cast<int64_t>(s * 1e6));
  }
  static constexpr TimeDelta Zero() { return TimeDelta(0); }
  static constexpr TimeDelta Infinite() {
    return TimeDelta(std::numeric_limits<int64_t>::max());
  }

  constexpr int64_t us() const { return us_; }
  constexpr int64_t ms() const { return us_ / 1000; }
  constexpr double seconds() const { return static_cast<double>(us_) / 1e6; }
  constexpr bool IsInfinite() const {
    return us_ == std::numeric_limits<int64_t>::max();
  }
  constexpr bool IsZero() const { return us_ == 0; }

  constexpr TimeDelta operator+(TimeDelta o) const {
    return TimeDelta(us_ + o.us_);
  }
  constexpr TimeDelta operator-(TimeDelta o) const {
    return TimeDelta(us_ - o.us_);
  }
  constexpr TimeDelta operator-() const { return TimeDelta(-us_); }
  template <std::integral I>
  constexpr TimeDelta operator*(I k) const {
    return TimeDelta(us_ * static_cast<int64_t>(k));
  }
  template <std::floating_point F>
  constexpr TimeDelta operator*(F k) const {
    return TimeDelta(static_cast<int64_t>(static_cast<double>(us_) * k));
  }
  template <std::integral I>
  constexpr TimeDelta operator/(I k) const {
    return TimeDelta(us_ / static_cast<int64_t>(k));
  }
  constexpr double operator/(TimeDelta o) const {
    return static_cast<double>(us_) / static_cast<double>(o.us_);
  }
  TimeDelta& operator+=(TimeDelta o) {
    us_ += o.us_;
    return *this;
  }
  TimeDelta& operator-=(TimeDelta o) {
    us_ -= o.us_;
    return *this;
  }
  constexpr auto operator<=>(const TimeDelta&) const = default;

  // "1.500ms", "2s", "250us", "inf".
  std::string ToString() const;

 private:
  explicit constexpr TimeDelta(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

template <std::integral I>
constexpr TimeDelta operator*(I k, TimeDelta d) {
  return d * k;
}

// A point on the driver's clock. Its epoch is the driver's: zero at the start
// of a simulation, an arbitrary monotonic origin on real sockets.
class Timestamp {
 public:
  constexpr Timestamp() = default;

  static constexpr Timestamp Micros(int64_t us) { return Timestamp(us); }
  static constexpr Timestamp Millis(int64_t ms) { return Timestamp(ms * 1000); }
  static constexpr Timestamp Seconds(int64_t s) {
    return Timestamp(s * 1000000);
  }
  static constexpr Timestamp Zero() { return Timestamp(0); }
  static constexpr Timestamp Infinite() {
    return Timestamp(std::numeric_limits<int64_t>::max());
  }

  constexpr int64_t us() const { return us_; }
  constexpr int64_t ms() const { return us_ / 1000; }
  constexpr double seconds() const { return static_cast<double>(us_) / 1e6; }
  constexpr bool IsInfinite() const {
    return us_ == std::numeric_limits<int64_t>::max();
  }

  constexpr Timestamp operator+(TimeDelta d) const {
    if (IsInfinite() || d.IsInfinite()) return Infinite();
    return Timestamp(us_ + d.us());
  }
  constexpr Timestamp operator-(TimeDelta d) const {
    return Timestamp(us_ - d.us());
  }
  constexpr TimeDelta operator-(Timestamp o) const {
    return TimeDelta::Micros(us_ - o.us_);
  }
  Timestamp& operator+=(TimeDelta d) {
    *this = *this + d;
    return *this;
  }
  constexpr auto operator<=>(const Timestamp&) const = default;

  // Seconds with microsecond precision: "12.000250s", or "inf".
  std::string ToString() const;

 private:
  explicit constexpr Timestamp(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

std::ostream& operator<<(std::ostream& os, TimeDelta d);
std::ostream& operator<<(std::ostream& os, Timestamp t);

}  // namespace simrtc

#endif  // CORE_BASE_TIME_H_
