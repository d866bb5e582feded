// Deterministic, seedable pseudo-random numbers.
//
// Contract: core/ never touches a system RNG. Every component receives an
// Rng (or a child of one) from its driver. The simulator seeds one root Rng
// from the scenario seed and splits it per component with Fork(label), so
// adding a component never shifts the random stream of another one.
// Algorithm: xoshiro256** seeded through SplitMix64; not cryptographic.
// Also usable as a C++ UniformRandomBitGenerator.
#ifndef CORE_BASE_RNG_H_
#define CORE_BASE_RNG_H_

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace simrtc {

class Rng {
 public:
  using result_type = uint64_t;

  explicit Rng(uint64_t seed);

  // An independent child stream identified by label; the same parent seed
  // and label always give the same child, whatever was drawn before.
  Rng Fork(std::string_view label) const;
  // A child stream identified by a number (e.g. a node index).
  Rng Fork(uint64_t index) const;

  uint64_t seed() const { return seed_; }

  uint64_t NextU64();
  uint32_t NextU32() { return static_cast<uint32_t>(NextU64() >> 32); }
  // Uniform in [0, n); n must be > 0. Unbiased (rejection sampling).
  uint64_t Uniform(uint64_t n);
  // Uniform in [lo, hi] inclusive.
  int64_t UniformInt(int64_t lo, int64_t hi);
  // Uniform in [0, 1).
  double UniformDouble();
  // True with probability p.
  bool Bernoulli(double p) { return UniformDouble() < p; }
  // Standard normal via Box-Muller (uses two draws).
  double Normal(double mean, double stddev);
  // Exponential with the given mean.
  double Exponential(double mean);
  void Fill(std::span<uint8_t> out);
  // Random string over [A-Za-z0-9+/], e.g. ICE ufrag/pwd.
  std::string AlphaNumeric(size_t length);

  // UniformRandomBitGenerator interface.
  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() {
    return std::numeric_limits<uint64_t>::max();
  }
  uint64_t operator()() { return NextU64(); }

 private:
  uint64_t seed_;
  std::array<uint64_t, 4> state_;
};

}  // namespace simrtc

#endif  // CORE_BASE_RNG_H_
