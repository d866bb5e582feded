#include "sim/nodes/nat_discovery_server.h"

#include <array>

#include "core/stun/builder.h"
#include "core/stun/message.h"
#include "sim/nodes/rfc5780.h"
#include "sim/nodes/stun_server.h"

namespace simrtc::sim {

NatDiscoveryServer::NatDiscoveryServer(const NatDiscoveryServerConfig& config)
    : config_(config) {}

std::vector<SocketAddress> NatDiscoveryServer::Bindings() const {
  return {SocketAddress(config_.primary_ip, config_.primary_port),
          SocketAddress(config_.primary_ip, config_.alternate_port),
          SocketAddress(config_.alternate_ip, config_.primary_port),
          SocketAddress(config_.alternate_ip, config_.alternate_port)};
}

IpAddress NatDiscoveryServer::OtherIp(const IpAddress& ip) const {
  return ip == config_.primary_ip ? config_.alternate_ip : config_.primary_ip;
}

uint16_t NatDiscoveryServer::OtherPort(uint16_t port) const {
  return port == config_.primary_port ? config_.alternate_port
                                      : config_.primary_port;
}

void NatDiscoveryServer::Start(Timestamp now) { Reach("started", now); }

void NatDiscoveryServer::HandleDatagram(Timestamp, const Datagram& d) {
  if (!stun::IsStunMessage(d.payload)) {
    ++ignored_;
    return;
  }
  absl::StatusOr<stun::Message> msg = stun::Message::Parse(d.payload);
  if (!msg.ok() || (msg->HasFingerprint() && !msg->VerifyFingerprint().ok())) {
    ++malformed_;
    return;
  }
  if (msg->message_class() != stun::Class::kRequest) {
    ++ignored_;
    return;
  }
  ++requests_;
  static constexpr std::array<stun::AttributeType, 1> kUnderstood = {
      rfc5780::kChangeRequest};
  if (std::optional<std::vector<uint8_t>> error =
          BindingRequestError(*msg, kUnderstood)) {
    ++errors_;
    Send(d.local, d.remote, *std::move(error));
    return;
  }
  rfc5780::ChangeRequest change;
  absl::StatusOr<rfc5780::ChangeRequest> requested =
      rfc5780::GetChangeRequest(*msg);
  if (requested.ok()) {
    change = *requested;
  } else if (!absl::IsNotFound(requested.status())) {
    ++errors_;
    stun::MessageBuilder b(stun::Method::kBinding, stun::Class::kError,
                           msg->transaction_id());
    b.AddErrorCode(stun::error_codes::kBadRequest);
    if (absl::StatusOr<std::vector<uint8_t>> wire = b.Build(); wire.ok()) {
      Send(d.local, d.remote, *std::move(wire));
    }
    return;
  }
  if (change.change_ip) ++change_ip_;
  if (change.change_port) ++change_port_;

  const SocketAddress origin(
      change.change_ip ? OtherIp(d.local.ip()) : d.local.ip(),
      change.change_port ? OtherPort(d.local.port()) : d.local.port());
  const SocketAddress other(OtherIp(d.local.ip()), OtherPort(d.local.port()));
  stun::MessageBuilder b(stun::Method::kBinding, stun::Class::kSuccess,
                         msg->transaction_id());
  b.AddXorMappedAddress(d.remote);
  b.AddMappedAddress(d.remote);
  rfc5780::AddResponseOrigin(b, origin);
  rfc5780::AddOtherAddress(b, other);
  if (msg->HasFingerprint()) b.AddFingerprint();
  absl::StatusOr<std::vector<uint8_t>> wire = b.Build();
  if (!wire.ok()) return;
  ++responses_;
  Send(origin, d.remote, *std::move(wire));
}

NodeReport NatDiscoveryServer::Report() const {
  NodeReport r;
  r.metrics["requests"] = static_cast<double>(requests_);
  r.metrics["responses_sent"] = static_cast<double>(responses_);
  r.metrics["change_ip_requests"] = static_cast<double>(change_ip_);
  r.metrics["change_port_requests"] = static_cast<double>(change_port_);
  r.metrics["errors_sent"] = static_cast<double>(errors_);
  r.metrics["malformed"] = static_cast<double>(malformed_);
  r.metrics["ignored"] = static_cast<double>(ignored_);
  r.states = states();
  r.details["primary"] =
      SocketAddress(config_.primary_ip, config_.primary_port).ToString();
  r.details["other"] =
      SocketAddress(config_.alternate_ip, config_.alternate_port).ToString();
  return r;
}

}  // namespace simrtc::sim
