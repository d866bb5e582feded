// Helpers shared by the RTCP tests.
#ifndef CORE_RTCP_TEST_UTIL_H_
#define CORE_RTCP_TEST_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/rtcp/packet.h"

namespace simrtc::rtcp::testing {

inline std::vector<uint8_t> Bytes(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v) out.push_back(static_cast<uint8_t>(b));
  return out;
}

inline void Append(std::vector<uint8_t>& out, std::initializer_list<int> v) {
  for (int b : v) out.push_back(static_cast<uint8_t>(b));
}

inline void AppendString(std::vector<uint8_t>& out, const std::string& s) {
  out.insert(out.end(), s.begin(), s.end());
}

// Parses `bytes`, which must hold exactly one packet.
inline absl::StatusOr<Packet> ParseOne(const std::vector<uint8_t>& bytes) {
  auto packets = ParseCompound(bytes);
  if (!packets.ok()) return packets.status();
  if (packets->size() != 1) {
    return absl::InvalidArgumentError("expected exactly one packet");
  }
  return std::move((*packets)[0]);
}

inline absl::StatusOr<std::vector<uint8_t>> TryMarshal(const Packet& p) {
  return MarshalCompound(std::span<const Packet>(&p, 1));
}

inline std::vector<uint8_t> MarshalOne(const Packet& p) {
  auto out = MarshalCompound(std::span<const Packet>(&p, 1));
  return out.ok() ? *out : std::vector<uint8_t>{};
}

}  // namespace simrtc::rtcp::testing

#endif  // CORE_RTCP_TEST_UTIL_H_
