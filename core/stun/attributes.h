// Value-level codecs for the structured STUN/TURN attributes.
//
// Contract: each function works on one attribute *value* (the bytes after
// the 4-byte attribute header, without padding). Decoders never allocate on
// success and never read outside the span; their error messages say what is
// wrong with the value, and Message's typed getters prefix them with the
// attribute type and offset. Encoders write into a caller buffer and return
// the value length. Message and MessageBuilder are the usual entry points;
// these are public for tools, tests and other modules that carry STUN values
// outside a message.
#ifndef CORE_STUN_ATTRIBUTES_H_
#define CORE_STUN_ATTRIBUTES_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/socket_address.h"
#include "core/stun/transaction_id.h"

namespace simrtc::stun {

// Address family code points shared by the address attributes and
// REQUESTED-ADDRESS-FAMILY.
inline constexpr uint8_t kFamilyIPv4 = 0x01;
inline constexpr uint8_t kFamilyIPv6 = 0x02;
// Largest encoded address value (IPv6).
inline constexpr size_t kMaxAddressValueSize = 20;

// MAPPED-ADDRESS / ALTERNATE-SERVER layout: reserved byte, family, port,
// 4 or 16 address bytes. The length must match the family exactly.
absl::StatusOr<SocketAddress> DecodeAddress(ByteSpan value);
// XOR-MAPPED-ADDRESS / XOR-PEER-ADDRESS / XOR-RELAYED-ADDRESS: the same
// layout with port and address XORed with the magic cookie (and, for IPv6,
// the transaction id), so NATs that rewrite addresses in payloads miss it.
absl::StatusOr<SocketAddress> DecodeXorAddress(ByteSpan value,
                                               const TransactionId& txid);
// Write the value into out (at least kMaxAddressValueSize bytes is always
// enough); fail if the address has no family.
absl::StatusOr<size_t> EncodeAddress(const SocketAddress& address,
                                     MutableByteSpan out);
absl::StatusOr<size_t> EncodeXorAddress(const SocketAddress& address,
                                        const TransactionId& txid,
                                        MutableByteSpan out);

// ERROR-CODE: the numeric code (300..699) and the reason phrase, a view into
// the decoded value.
struct ErrorCode {
  int code = 0;
  std::string_view reason;
};
// Accepts classes 3..6 and numbers 0..99 only (RFC 8489 section 14.8).
absl::StatusOr<ErrorCode> DecodeErrorCode(ByteSpan value);

// REQUESTED-ADDRESS-FAMILY family byte to IpFamily and back.
absl::StatusOr<IpFamily> DecodeFamily(uint8_t family);
uint8_t EncodeFamily(IpFamily family);  // 0 for kNone

}  // namespace simrtc::stun

#endif  // CORE_STUN_ATTRIBUTES_H_
