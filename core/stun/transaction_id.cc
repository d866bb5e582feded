#include "core/stun/transaction_id.h"

#include <cstring>

#include "absl/strings/str_format.h"

namespace simrtc::stun {

TransactionId TransactionId::Random(Rng& rng) {
  TransactionId id;
  rng.Fill(id.bytes);
  return id;
}

absl::StatusOr<TransactionId> TransactionId::FromBytes(ByteSpan bytes) {
  if (bytes.size() != kTransactionIdSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("STUN transaction id must be %d bytes, got %d",
                        kTransactionIdSize, bytes.size()));
  }
  TransactionId id;
  std::memcpy(id.bytes.data(), bytes.data(), kTransactionIdSize);
  return id;
}

std::string TransactionId::ToHex() const {
  std::string out;
  out.reserve(2 * kTransactionIdSize);
  for (uint8_t b : bytes) absl::StrAppendFormat(&out, "%02x", b);
  return out;
}

}  // namespace simrtc::stun
