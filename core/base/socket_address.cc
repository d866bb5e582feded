#include "core/base/socket_address.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"

namespace simrtc {

IpAddress IpAddress::V4(uint32_t host_order) {
  IpAddress a;
  a.family_ = IpFamily::kIPv4;
  a.bytes_[0] = static_cast<uint8_t>(host_order >> 24);
  a.bytes_[1] = static_cast<uint8_t>(host_order >> 16);
  a.bytes_[2] = static_cast<uint8_t>(host_order >> 8);
  a.bytes_[3] = static_cast<uint8_t>(host_order);
  return a;
}

IpAddress IpAddress::V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return V4((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) |
            d);
}

IpAddress IpAddress::V6(const std::array<uint8_t, 16>& bytes) {
  IpAddress a;
  a.family_ = IpFamily::kIPv6;
  a.bytes_ = bytes;
  return a;
}

absl::StatusOr<IpAddress> IpAddress::FromBytes(
    std::span<const uint8_t> bytes) {
  IpAddress a;
  if (bytes.size() == 4) {
    a.family_ = IpFamily::kIPv4;
  } else if (bytes.size() == 16) {
    a.family_ = IpFamily::kIPv6;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "IP address must be 4 or 16 bytes, got ", bytes.size()));
  }
  std::memcpy(a.bytes_.data(), bytes.data(), bytes.size());
  return a;
}

absl::StatusOr<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; bound the copy.
  if (text.empty() || text.size() > 45) {
    return absl::InvalidArgumentError(
        absl::StrFormat("not an IP address: \"%s\"", text));
  }
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress a;
  if (inet_pton(AF_INET, buf, a.bytes_.data()) == 1) {
    a.family_ = IpFamily::kIPv4;
    return a;
  }
  if (inet_pton(AF_INET6, buf, a.bytes_.data()) == 1) {
    a.family_ = IpFamily::kIPv6;
    return a;
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("not an IP address: \"%s\"", text));
}

std::span<const uint8_t> IpAddress::bytes() const {
  switch (family_) {
    case IpFamily::kIPv4:
      return {bytes_.data(), 4};
    case IpFamily::kIPv6:
      return {bytes_.data(), 16};
    case IpFamily::kNone:
      break;
  }
  return {};
}

uint32_t IpAddress::v4_host_order() const {
  return (uint32_t{bytes_[0]} << 24) | (uint32_t{bytes_[1]} << 16) |
         (uint32_t{bytes_[2]} << 8) | bytes_[3];
}

bool IpAddress::IsUnspecified() const {
  for (uint8_t b : bytes()) {
    if (b != 0) return false;
  }
  return is_set();
}

bool IpAddress::IsLoopback() const {
  if (is_v4()) return bytes_[0] == 127;
  if (is_v6()) {
    for (int i = 0; i < 15; ++i) {
      if (bytes_[i] != 0) return false;
    }
    return bytes_[15] == 1;
  }
  return false;
}

bool IpAddress::IsLinkLocal() const {
  if (is_v4()) return bytes_[0] == 169 && bytes_[1] == 254;
  if (is_v6()) return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
  return false;
}

bool IpAddress::IsPrivate() const {
  if (is_v4()) {
    return bytes_[0] == 10 || (bytes_[0] == 172 && (bytes_[1] & 0xf0) == 16) ||
           (bytes_[0] == 192 && bytes_[1] == 168);
  }
  if (is_v6()) return (bytes_[0] & 0xfe) == 0xfc;
  return false;
}

bool IpAddress::IsMulticast() const {
  if (is_v4()) return (bytes_[0] & 0xf0) == 0xe0;
  if (is_v6()) return bytes_[0] == 0xff;
  return false;
}

bool IpAddress::InSubnet(const IpAddress& prefix, int prefix_len) const {
  if (family_ != prefix.family_ || !is_set()) return false;
  const int total_bits = is_v4() ? 32 : 128;
  if (prefix_len < 0 || prefix_len > total_bits) return false;
  int full_bytes = prefix_len / 8;
  if (std::memcmp(bytes_.data(), prefix.bytes_.data(), full_bytes) != 0) {
    return false;
  }
  int rest = prefix_len % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (bytes_[full_bytes] & mask) == (prefix.bytes_[full_bytes] & mask);
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  switch (family_) {
    case IpFamily::kIPv4:
      inet_ntop(AF_INET, bytes_.data(), buf, sizeof(buf));
      return buf;
    case IpFamily::kIPv6:
      inet_ntop(AF_INET6, bytes_.data(), buf, sizeof(buf));
      return buf;
    case IpFamily::kNone:
      break;
  }
  return "<unset>";
}

std::strong_ordering operator<=>(const IpAddress& a, const IpAddress& b) {
  if (auto c = a.family_ <=> b.family_; c != 0) return c;
  return std::memcmp(a.bytes_.data(), b.bytes_.data(), 16) <=> 0;
}

absl::StatusOr<SocketAddress> SocketAddress::Parse(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() ||
        text[close + 1] != ':') {
      return absl::InvalidArgumentError(absl::StrFormat(
          "bad socket address \"%s\": expected [ipv6]:port", text));
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos ||
        text.find(':') != colon) {  // bare IPv6 needs brackets
      return absl::InvalidArgumentError(absl::StrFormat(
          "bad socket address \"%s\": expected ip:port", text));
    }
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  auto ip = IpAddress::Parse(host);
  if (!ip.ok()) return ip.status();
  uint32_t port = 0;
  if (!absl::SimpleAtoi(ToAbsl(port_text), &port) || port > 65535) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "bad port \"%s\" in socket address \"%s\"", port_text, text));
  }
  return SocketAddress(*ip, static_cast<uint16_t>(port));
}

std::string SocketAddress::ToString() const {
  if (ip_.is_v6()) return absl::StrCat("[", ip_.ToString(), "]:", port_);
  return absl::StrCat(ip_.ToString(), ":", port_);
}

std::strong_ordering operator<=>(const SocketAddress& a,
                                 const SocketAddress& b) {
  if (auto c = a.ip_ <=> b.ip_; c != 0) return c;
  return a.port_ <=> b.port_;
}

std::ostream& operator<<(std::ostream& os, const IpAddress& a) {
  return os << a.ToString();
}
std::ostream& operator<<(std::ostream& os, const SocketAddress& a) {
  return os << a.ToString();
}

}  // namespace simrtc
