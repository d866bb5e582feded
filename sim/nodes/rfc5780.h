// RFC 5780 (NAT behaviour discovery) attributes on top of the core/stun
// codec: CHANGE-REQUEST, RESPONSE-ORIGIN and OTHER-ADDRESS.
//
// Contract: like core/stun's typed getters, Get* return the first
// occurrence, NotFound when absent, and InvalidArgument naming the
// attribute, its type, its offset and what was wrong when the value is
// malformed. They never allocate on success and never read outside the
// message. Add* append through MessageBuilder::AddRaw, so the builder's
// sticky-error and ordering rules apply. Why here and not in core/stun:
// only the simulator's discovery nodes speak RFC 5780 so far.
#ifndef SIM_NODES_RFC5780_H_
#define SIM_NODES_RFC5780_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/socket_address.h"
#include "core/stun/builder.h"
#include "core/stun/message.h"

namespace simrtc::sim::rfc5780 {

inline constexpr stun::AttributeType kChangeRequest =
    static_cast<stun::AttributeType>(0x0003);
inline constexpr stun::AttributeType kResponseOrigin =
    static_cast<stun::AttributeType>(0x802B);
inline constexpr stun::AttributeType kOtherAddress =
    static_cast<stun::AttributeType>(0x802C);

// CHANGE-REQUEST flag bits (RFC 5780 section 7.2).
inline constexpr uint32_t kChangeIpFlag = 0x04;
inline constexpr uint32_t kChangePortFlag = 0x02;

struct ChangeRequest {
  bool change_ip = false;
  bool change_port = false;
  friend bool operator==(const ChangeRequest&, const ChangeRequest&) = default;
};

// Value codecs (the bytes after the attribute header). Unknown flag bits
// are ignored, as the RFC's "other bits are zero when sent" allows.
absl::StatusOr<ChangeRequest> DecodeChangeRequest(ByteSpan value);
uint32_t EncodeChangeRequest(ChangeRequest request);

absl::StatusOr<ChangeRequest> GetChangeRequest(const stun::Message& msg);
absl::StatusOr<SocketAddress> GetResponseOrigin(const stun::Message& msg);
absl::StatusOr<SocketAddress> GetOtherAddress(const stun::Message& msg);

stun::MessageBuilder& AddChangeRequest(stun::MessageBuilder& b,
                                       ChangeRequest request);
stun::MessageBuilder& AddResponseOrigin(stun::MessageBuilder& b,
                                        const SocketAddress& address);
stun::MessageBuilder& AddOtherAddress(stun::MessageBuilder& b,
                                      const SocketAddress& address);

}  // namespace simrtc::sim::rfc5780

#endif  // SIM_NODES_RFC5780_H_
