// The 96-bit STUN transaction id (RFC 8489 section 5).
//
// Contract: a plain value (12 bytes, copyable, ordered, hashable). New ids
// come only from an injected simrtc::Rng, so simulated runs are reproducible;
// the RFC asks for ids that are hard to guess, which is the driver's job when
// it seeds the Rng for real deployments.
#ifndef CORE_STUN_TRANSACTION_ID_H_
#define CORE_STUN_TRANSACTION_ID_H_

#include <array>
#include <compare>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/rng.h"
#include "core/stun/constants.h"

namespace simrtc::stun {

struct TransactionId {
  std::array<uint8_t, kTransactionIdSize> bytes{};

  static TransactionId Random(Rng& rng);
  // From exactly 12 bytes.
  static absl::StatusOr<TransactionId> FromBytes(ByteSpan bytes);

  ByteSpan span() const { return ByteSpan(bytes.data(), bytes.size()); }
  // 24 lowercase hex digits, for logs.
  std::string ToHex() const;

  friend bool operator==(const TransactionId&, const TransactionId&) = default;
  friend auto operator<=>(const TransactionId&, const TransactionId&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const TransactionId& id) {
    return H::combine(std::move(h), id.bytes);
  }
};

}  // namespace simrtc::stun

#endif  // CORE_STUN_TRANSACTION_ID_H_
