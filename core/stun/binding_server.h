// A STUN Binding server (RFC 8489 section 6.3), sans-IO.
//
// Contract:
//  - Binding requests are answered with XOR-MAPPED-ADDRESS, MAPPED-ADDRESS
//    (for RFC 3489-era clients that only read that one), SOFTWARE and
//    FINGERPRINT, sent from the address the request arrived on.
//  - A datagram whose header identifies a Binding request (cookie, class,
//    method, transaction id readable) but whose body does not parse gets a
//    400; unknown comprehension-required attributes get a 420 listing them
//    in UNKNOWN-ATTRIBUTES.
//  - Indications, responses, other methods and non-STUN bytes are dropped
//    silently: answering garbage would make the server a reflector.
//  - A request carrying FINGERPRINT that does not verify is dropped (it is
//    not STUN by RFC 8489 section 7.3).
//  - AnswerBinding() is the stateless core, reused by the TURN server on its
//    listening address.
#ifndef CORE_STUN_BINDING_SERVER_H_
#define CORE_STUN_BINDING_SERVER_H_

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/byte_io.h"
#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"

namespace simrtc::stun {

inline constexpr std::string_view kDefaultSoftware = "simrtc";

// The response to `datagram` received from `remote`, or nullopt when it must
// be ignored (see the contract).
std::optional<std::vector<uint8_t>> AnswerBinding(
    ByteSpan datagram, const SocketAddress& remote,
    std::string_view software = kDefaultSoftware);

class BindingServer {
 public:
  explicit BindingServer(std::string software = std::string(kDefaultSoftware))
      : software_(std::move(software)) {}

  void HandleDatagram(Timestamp now, const Datagram& d);
  void HandleTimeout(Timestamp) {}
  std::optional<Transmit> PollTransmit();
  std::optional<Timestamp> NextTimeout() const { return std::nullopt; }

  uint64_t requests_answered() const { return answered_; }

 private:
  std::string software_;
  std::deque<Transmit> transmits_;
  uint64_t answered_ = 0;
};

}  // namespace simrtc::stun

#endif  // CORE_STUN_BINDING_SERVER_H_
