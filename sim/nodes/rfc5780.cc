#include "sim/nodes/rfc5780.h"

#include <array>

#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "core/stun/attributes.h"

namespace simrtc::sim::rfc5780 {
namespace {

absl::Status ValueError(std::string_view name, stun::AttributeType type,
                        size_t offset, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s (0x%04x) at offset %d: %s", name,
                      static_cast<uint16_t>(type), offset, what));
}

absl::StatusOr<SocketAddress> GetAddress(const stun::Message& msg,
                                         stun::AttributeType type,
                                         std::string_view name) {
  const std::optional<stun::RawAttribute> a = msg.Find(type);
  if (!a.has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s (0x%04x) not present", name,
                                               static_cast<uint16_t>(type)));
  }
  absl::StatusOr<SocketAddress> address = stun::DecodeAddress(a->value);
  if (!address.ok()) {
    return ValueError(name, type, a->offset, ToStd(address.status().message()));
  }
  return address;
}

stun::MessageBuilder& AddAddress(stun::MessageBuilder& b,
                                 stun::AttributeType type,
                                 const SocketAddress& address) {
  std::array<uint8_t, stun::kMaxAddressValueSize> value;
  absl::StatusOr<size_t> n = stun::EncodeAddress(address, value);
  if (!n.ok()) {
    // Only an address without a family fails to encode; the builder has no
    // way to take a foreign error, so the attribute is left out (callers
    // pass addresses datagrams actually used, which always have one).
    return b;
  }
  return b.AddRaw(type, ByteSpan(value.data(), *n));
}

}  // namespace

absl::StatusOr<ChangeRequest> DecodeChangeRequest(ByteSpan value) {
  if (value.size() != 4) {
    return absl::InvalidArgumentError(
        absl::StrFormat("length %d, expected 4", value.size()));
  }
  const uint32_t flags = LoadBE32(value.data());
  return ChangeRequest{(flags & kChangeIpFlag) != 0,
                       (flags & kChangePortFlag) != 0};
}

uint32_t EncodeChangeRequest(ChangeRequest request) {
  return (request.change_ip ? kChangeIpFlag : 0) |
         (request.change_port ? kChangePortFlag : 0);
}

absl::StatusOr<ChangeRequest> GetChangeRequest(const stun::Message& msg) {
  const std::optional<stun::RawAttribute> a = msg.Find(kChangeRequest);
  if (!a.has_value()) {
    return absl::NotFoundError("CHANGE-REQUEST (0x0003) not present");
  }
  absl::StatusOr<ChangeRequest> r = DecodeChangeRequest(a->value);
  if (!r.ok()) {
    return ValueError("CHANGE-REQUEST", kChangeRequest, a->offset,
                      ToStd(r.status().message()));
  }
  return r;
}

absl::StatusOr<SocketAddress> GetResponseOrigin(const stun::Message& msg) {
  return GetAddress(msg, kResponseOrigin, "RESPONSE-ORIGIN");
}

absl::StatusOr<SocketAddress> GetOtherAddress(const stun::Message& msg) {
  return GetAddress(msg, kOtherAddress, "OTHER-ADDRESS");
}

stun::MessageBuilder& AddChangeRequest(stun::MessageBuilder& b,
                                       ChangeRequest request) {
  std::array<uint8_t, 4> value;
  StoreBE32(value.data(), EncodeChangeRequest(request));
  return b.AddRaw(kChangeRequest, value);
}

stun::MessageBuilder& AddResponseOrigin(stun::MessageBuilder& b,
                                        const SocketAddress& address) {
  return AddAddress(b, kResponseOrigin, address);
}

stun::MessageBuilder& AddOtherAddress(stun::MessageBuilder& b,
                                      const SocketAddress& address) {
  return AddAddress(b, kOtherAddress, address);
}

}  // namespace simrtc::sim::rfc5780
