#include "core/stun/attributes.h"

#include <array>
#include <cstring>

#include "absl/strings/str_format.h"
#include "core/stun/constants.h"

namespace simrtc::stun {
namespace {

// The mask an XOR address is combined with: cookie then transaction id.
// Only the first 4 bytes apply to IPv4; the port uses the first 2.
std::array<uint8_t, 16> XorMask(const TransactionId& txid) {
  std::array<uint8_t, 16> mask;
  StoreBE32(mask.data(), kMagicCookie);
  std::memcpy(mask.data() + 4, txid.bytes.data(), kTransactionIdSize);
  return mask;
}

absl::StatusOr<SocketAddress> DecodeAddressImpl(ByteSpan value,
                                                const uint8_t* mask) {
  if (value.size() < 4) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "address value of %d bytes is shorter than its 4-byte family/port "
        "prefix",
        value.size()));
  }
  // Byte 0 is reserved: the RFC says to ignore it, so we do.
  const uint8_t family = value[1];
  uint16_t port = LoadBE16(&value[2]);
  size_t addr_len;
  if (family == kFamilyIPv4) {
    addr_len = 4;
  } else if (family == kFamilyIPv6) {
    addr_len = 16;
  } else {
    return absl::InvalidArgumentError(absl::StrFormat(
        "address family 0x%02x is neither IPv4 (0x01) nor IPv6 (0x02)",
        family));
  }
  if (value.size() != 4 + addr_len) {
    return absl::InvalidArgumentError(
        absl::StrFormat("address value is %d bytes, %s needs %d", value.size(),
                        family == kFamilyIPv4 ? "IPv4" : "IPv6", 4 + addr_len));
  }
  std::array<uint8_t, 16> addr;
  std::memcpy(addr.data(), &value[4], addr_len);
  if (mask != nullptr) {
    port ^= LoadBE16(mask);
    for (size_t i = 0; i < addr_len; ++i) addr[i] ^= mask[i];
  }
  IpAddress ip = family == kFamilyIPv4 ? IpAddress::V4(LoadBE32(addr.data()))
                                       : IpAddress::V6(addr);
  return SocketAddress(ip, port);
}

absl::StatusOr<size_t> EncodeAddressImpl(const SocketAddress& address,
                                         const uint8_t* mask,
                                         MutableByteSpan out) {
  const auto ip = address.ip().bytes();
  if (ip.empty()) {
    return absl::InvalidArgumentError(
        "cannot encode an address with no family (unset SocketAddress)");
  }
  const size_t size = 4 + ip.size();
  if (out.size() < size) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "address value needs %d bytes, buffer has %d", size, out.size()));
  }
  out[0] = 0;
  out[1] = address.ip().is_v4() ? kFamilyIPv4 : kFamilyIPv6;
  uint16_t port = address.port();
  if (mask != nullptr) port ^= LoadBE16(mask);
  StoreBE16(&out[2], port);
  for (size_t i = 0; i < ip.size(); ++i) {
    out[4 + i] =
        mask != nullptr ? static_cast<uint8_t>(ip[i] ^ mask[i]) : ip[i];
  }
  return size;
}

}  // namespace

absl::StatusOr<SocketAddress> DecodeAddress(ByteSpan value) {
  return DecodeAddressImpl(value, nullptr);
}

absl::StatusOr<SocketAddress> DecodeXorAddress(ByteSpan value,
                                               const TransactionId& txid) {
  const auto mask = XorMask(txid);
  return DecodeAddressImpl(value, mask.data());
}

absl::StatusOr<size_t> EncodeAddress(const SocketAddress& address,
                                     MutableByteSpan out) {
  return EncodeAddressImpl(address, nullptr, out);
}

absl::StatusOr<size_t> EncodeXorAddress(const SocketAddress& address,
                                        const TransactionId& txid,
                                        MutableByteSpan out) {
  const auto mask = XorMask(txid);
  return EncodeAddressImpl(address, mask.data(), out);
}

absl::StatusOr<ErrorCode> DecodeErrorCode(ByteSpan value) {
  if (value.size() < 4) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "ERROR-CODE value of %d bytes is shorter than 4", value.size()));
  }
  // The top 21 bits are reserved (ignored on receipt); class is 3 bits.
  const int cls = value[2] & 0x07;
  const int number = value[3];
  if (cls < 3 || cls > 6) {
    return absl::InvalidArgumentError(
        absl::StrFormat("ERROR-CODE class %d is outside 3..6", cls));
  }
  if (number > 99) {
    return absl::InvalidArgumentError(
        absl::StrFormat("ERROR-CODE number %d is above 99", number));
  }
  return ErrorCode{cls * 100 + number, AsString(value.subspan(4))};
}

absl::StatusOr<IpFamily> DecodeFamily(uint8_t family) {
  if (family == kFamilyIPv4) return IpFamily::kIPv4;
  if (family == kFamilyIPv6) return IpFamily::kIPv6;
  return absl::InvalidArgumentError(absl::StrFormat(
      "address family 0x%02x is neither IPv4 (0x01) nor IPv6 (0x02)", family));
}

uint8_t EncodeFamily(IpFamily family) {
  switch (family) {
    case IpFamily::kIPv4:
      return kFamilyIPv4;
    case IpFamily::kIPv6:
      return kFamilyIPv6;
    case IpFamily::kNone:
      break;
  }
  return 0;
}

}  // namespace simrtc::stun
