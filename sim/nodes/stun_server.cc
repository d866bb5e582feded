#include "sim/nodes/stun_server.h"

#include "core/stun/builder.h"
#include "core/stun/constants.h"

namespace simrtc::sim {

std::optional<std::vector<uint8_t>> BindingRequestError(
    const stun::Message& request,
    std::span<const stun::AttributeType> also_known) {
  int code = 0;
  std::vector<stun::AttributeType> unknown;
  if (request.method() != stun::Method::kBinding) {
    code = stun::error_codes::kBadRequest;
  } else {
    unknown = stun::UnknownComprehensionRequired(request, also_known);
    if (unknown.empty()) return std::nullopt;
    code = stun::error_codes::kUnknownAttribute;
  }
  stun::MessageBuilder b(request.method(), stun::Class::kError,
                         request.transaction_id());
  b.AddErrorCode(code);
  if (!unknown.empty()) b.AddUnknownAttributes(unknown);
  if (request.HasFingerprint()) b.AddFingerprint();
  absl::StatusOr<std::vector<uint8_t>> wire = b.Build();
  if (!wire.ok()) return std::nullopt;
  return *std::move(wire);
}

StunServer::StunServer(const StunServerConfig& config) : config_(config) {}

std::vector<SocketAddress> StunServer::Bindings() const {
  return {SocketAddress(IpAddress(), config_.port)};
}

void StunServer::Start(Timestamp now) { Reach("started", now); }

void StunServer::HandleDatagram(Timestamp, const Datagram& d) {
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
  if (std::optional<std::vector<uint8_t>> error = BindingRequestError(*msg)) {
    ++errors_;
    Send(d.local, d.remote, *std::move(error));
    return;
  }
  stun::MessageBuilder b(stun::Method::kBinding, stun::Class::kSuccess,
                         msg->transaction_id());
  b.AddXorMappedAddress(d.remote);
  if (!config_.software.empty()) b.AddSoftware(config_.software);
  if (msg->HasFingerprint()) b.AddFingerprint();
  absl::StatusOr<std::vector<uint8_t>> wire = b.Build();
  if (!wire.ok()) return;
  ++responses_;
  Send(d.local, d.remote, *std::move(wire));
}

NodeReport StunServer::Report() const {
  NodeReport r;
  r.metrics["requests"] = static_cast<double>(requests_);
  r.metrics["responses_sent"] = static_cast<double>(responses_);
  r.metrics["errors_sent"] = static_cast<double>(errors_);
  r.metrics["malformed"] = static_cast<double>(malformed_);
  r.metrics["ignored"] = static_cast<double>(ignored_);
  r.states = states();
  return r;
}

}  // namespace simrtc::sim
