// STUN Binding server (RFC 8489 section 6.3): answers Binding requests with
// the requester's reflexive transport address in XOR-MAPPED-ADDRESS.
//
// Contract: a datagram that is not STUN, fails to parse or carries a wrong
// FINGERPRINT is dropped silently (RFC 8489 sections 6.3, 7.3); indications
// and responses are ignored. A request with a method other than Binding gets
// 400, one with comprehension-required attributes the server does not know
// gets 420 with UNKNOWN-ATTRIBUTES. Responses come from the address the
// request arrived on, echo the transaction id, carry SOFTWARE when
// configured, and FINGERPRINT when the request had one.
// Metrics: requests, responses_sent, errors_sent, malformed, ignored.
#ifndef SIM_NODES_STUN_SERVER_H_
#define SIM_NODES_STUN_SERVER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/stun/message.h"
#include "sim/node.h"

namespace simrtc::sim {

// Screens a parsed request per RFC 8489 section 6.3.1: nullopt when it is a
// Binding request to answer, otherwise the error response to send (400 for
// other methods, 420 listing unknown comprehension-required attributes that
// are not in `also_known`). Only call it for class == request.
std::optional<std::vector<uint8_t>> BindingRequestError(
    const stun::Message& request,
    std::span<const stun::AttributeType> also_known = {});

struct StunServerConfig {
  uint16_t port = 3478;
  std::string software;  // empty = no SOFTWARE attribute
};

class StunServer : public QueueingNode {
 public:
  explicit StunServer(const StunServerConfig& config);

  std::string_view kind() const override { return "stun_server"; }
  std::vector<SocketAddress> Bindings() const override;
  void Start(Timestamp now) override;
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp) override {}
  std::optional<Timestamp> NextTimeout() const override { return std::nullopt; }
  NodeReport Report() const override;

 private:
  StunServerConfig config_;
  int64_t requests_ = 0;
  int64_t responses_ = 0;
  int64_t errors_ = 0;
  int64_t malformed_ = 0;
  int64_t ignored_ = 0;
};

}  // namespace simrtc::sim

#endif  // SIM_NODES_STUN_SERVER_H_
