#include "core/base/rng.h"

#include <cmath>
#include <numbers>

namespace simrtc {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// FNV-1a: a fixed, process-independent hash (absl::Hash is salted per
// process and must never decide a random stream).
uint64_t StableHash(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

Rng::Rng(uint64_t seed) : seed_(seed) {
  uint64_t x = seed;
  for (auto& word : state_) word = SplitMix64(x);
}

Rng Rng::Fork(std::string_view label) const {
  uint64_t x = seed_ ^ StableHash(label);
  return Rng(SplitMix64(x));
}

Rng Rng::Fork(uint64_t index) const {
  uint64_t x = seed_ ^ (index * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
  return Rng(SplitMix64(x));
}

uint64_t Rng::NextU64() {
  const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = Rotl(state_[3], 45);
  return result;
}

uint64_t Rng::Uniform(uint64_t n) {
  if (n <= 1) return 0;
  // Reject the top partial bucket so every residue is equally likely.
  const uint64_t limit = max() - (max() % n);
  uint64_t v;
  do {
    v = NextU64();
  } while (v >= limit);
  return v % n;
}

int64_t Rng::UniformInt(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  if (span == 0) return static_cast<int64_t>(NextU64());  // full range
  return lo + static_cast<int64_t>(Uniform(span));
}

double Rng::UniformDouble() {
  return static_cast<double>(NextU64() >> 11) * 0x1.0p-53;
}

double Rng::Normal(double mean, double stddev) {
  double u1 = UniformDouble();
  while (u1 <= 0.0) u1 = UniformDouble();
  const double u2 = UniformDouble();
  const double z =
      std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  return mean + stddev * z;
}

double Rng::Exponential(double mean) {
  double u = UniformDouble();
  while (u <= 0.0) u = UniformDouble();
  return -mean * std::log(u);
}

void Rng::Fill(std::span<uint8_t> out) {
  size_t i = 0;
  while (i < out.size()) {
    uint64_t v = NextU64();
    for (int b = 0; b < 8 && i < out.size(); ++b, ++i) {
      out[i] = static_cast<uint8_t>(v >> (8 * b));
    }
  }
}

std::string Rng::AlphaNumeric(size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s(length, '\0');
  for (auto& c : s) c = kAlphabet[Uniform(64)];
  return s;
}

}  // namespace simrtc
