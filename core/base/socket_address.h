// IP addresses and transport addresses (IP + port), IPv4 and IPv6.
//
// Value types: cheap to copy, totally ordered (IPv4 sorts before IPv6), and
// hashable with absl::Hash. Parsing never crashes and reports what was wrong.
// IPv4 is stored as 4 bytes and is distinct from its IPv4-mapped IPv6 form.
#ifndef CORE_BASE_SOCKET_ADDRESS_H_
#define CORE_BASE_SOCKET_ADDRESS_H_

#include <array>
#include <compare>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace simrtc {

enum class IpFamily : uint8_t { kNone = 0, kIPv4 = 4, kIPv6 = 6 };

class IpAddress {
 public:
  // The unspecified "no address" value (family kNone).
  IpAddress() = default;

  static IpAddress V4(uint32_t host_order);
  static IpAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
  static IpAddress V6(const std::array<uint8_t, 16>& bytes);
  // From 4 or 16 network-order bytes.
  static absl::StatusOr<IpAddress> FromBytes(std::span<const uint8_t> bytes);
  // "192.0.2.1", "2001:db8::1" (no brackets, no port).
  static absl::StatusOr<IpAddress> Parse(std::string_view text);
  static IpAddress AnyV4() { return V4(0); }
  static IpAddress AnyV6() { return V6({}); }

  IpFamily family() const { return family_; }
  bool is_v4() const { return family_ == IpFamily::kIPv4; }
  bool is_v6() const { return family_ == IpFamily::kIPv6; }
  bool is_set() const { return family_ != IpFamily::kNone; }
  // Network-order bytes: 4 for IPv4, 16 for IPv6, empty when unset.
  std::span<const uint8_t> bytes() const;
  uint32_t v4_host_order() const;

  bool IsUnspecified() const;
  bool IsLoopback() const;
  bool IsLinkLocal() const;
  // RFC 1918 / RFC 4193 private ranges.
  bool IsPrivate() const;
  bool IsMulticast() const;
  // True if this address lies in prefix/prefix_len of the same family.
  bool InSubnet(const IpAddress& prefix, int prefix_len) const;

  std::string ToString() const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) = default;
  friend std::strong_ordering operator<=>(const IpAddress& a,
                                          const IpAddress& b);
  template <typename H>
  friend H AbslHashValue(H h, const IpAddress& a) {
    return H::combine(std::move(h), a.family_, a.bytes_);
  }

 private:
  IpFamily family_ = IpFamily::kNone;
  std::array<uint8_t, 16> bytes_{};  // IPv4 uses the first 4
};

class SocketAddress {
 public:
  SocketAddress() = default;
  SocketAddress(IpAddress ip, uint16_t port) : ip_(ip), port_(port) {}

  // "192.0.2.1:3478", "[2001:db8::1]:3478".
  static absl::StatusOr<SocketAddress> Parse(std::string_view text);

  const IpAddress& ip() const { return ip_; }
  uint16_t port() const { return port_; }
  IpFamily family() const { return ip_.family(); }
  bool is_set() const { return ip_.is_set(); }
  void set_port(uint16_t port) { port_ = port; }

  std::string ToString() const;

  friend bool operator==(const SocketAddress& a,
                         const SocketAddress& b) = default;
  friend std::strong_ordering operator<=>(const SocketAddress& a,
                                          const SocketAddress& b);
  template <typename H>
  friend H AbslHashValue(H h, const SocketAddress& a) {
    return H::combine(std::move(h), a.ip_, a.port_);
  }

 private:
  IpAddress ip_;
  uint16_t port_ = 0;
};

std::ostream& operator<<(std::ostream& os, const IpAddress& a);
std::ostream& operator<<(std::ostream& os, const SocketAddress& a);

}  // namespace simrtc

#endif  // CORE_BASE_SOCKET_ADDRESS_H_
