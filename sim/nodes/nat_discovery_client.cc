#include "sim/nodes/nat_discovery_client.h"

#include "core/stun/builder.h"

namespace simrtc::sim {

NatDiscoveryClient::NatDiscoveryClient(const NatDiscoveryClientConfig& config,
                                       Rng rng)
    : config_(config), rng_(rng) {}

std::vector<SocketAddress> NatDiscoveryClient::Bindings() const {
  return {SocketAddress(IpAddress(), config_.mapping_port),
          SocketAddress(IpAddress(), config_.filtering_port)};
}

void NatDiscoveryClient::Start(Timestamp now) {
  Reach("started", now);
  Run(now, Test::kMapping1);
}

void NatDiscoveryClient::Run(Timestamp now, Test test) {
  test_ = test;
  expected_source_.reset();
  if (test == Test::kDone) {
    Finish(now);
    return;
  }
  const bool mapping = test == Test::kMapping1 || test == Test::kMapping2 ||
                       test == Test::kMapping3;
  SocketAddress dest = config_.server;
  rfc5780::ChangeRequest change;
  switch (test) {
    case Test::kMapping2:
      dest = SocketAddress(other_.ip(), config_.server.port());
      break;
    case Test::kMapping3:
      dest = other_;
      break;
    case Test::kFiltering2:
      change = {true, true};
      expected_source_ = other_;
      break;
    case Test::kFiltering3:
      change = {false, true};
      expected_source_ = SocketAddress(config_.server.ip(), other_.port());
      break;
    default:
      break;
  }
  stun::MessageBuilder b(stun::Method::kBinding, stun::Class::kRequest, rng_);
  if (change.change_ip || change.change_port) {
    rfc5780::AddChangeRequest(b, change);
  }
  b.AddFingerprint();
  const stun::TransactionId id = b.transaction_id();
  absl::StatusOr<std::vector<uint8_t>> wire = b.Build();
  if (!wire.ok()) {  // cannot happen with these attributes; do not hang
    Finish(now);
    return;
  }
  Transmit t;
  t.local = SocketAddress(
      IpAddress(), mapping ? config_.mapping_port : config_.filtering_port);
  t.remote = dest;
  t.payload = *std::move(wire);
  txn_.Begin(now, id, t, config_.rto, config_.attempts);
  ++requests_;
  Send(std::move(t));
}

void NatDiscoveryClient::HandleDatagram(Timestamp now, const Datagram& d) {
  if (!stun::IsStunMessage(d.payload)) return;
  absl::StatusOr<stun::Message> msg = stun::Message::Parse(d.payload);
  if (!msg.ok() || !txn_.Matches(msg->transaction_id())) return;
  if (msg->message_class() != stun::Class::kSuccess) return;
  if (expected_source_.has_value() && d.remote != *expected_source_) return;
  // The request left from one of our two ports; the answer must come back
  // to the same one, or a NAT mixed up its bindings.
  if (d.local.port() != txn_.request().local.port()) return;
  ++responses_;
  txn_.End();
  OnResponse(now, *msg, d);
}

void NatDiscoveryClient::OnResponse(Timestamp now, const stun::Message& msg,
                                    const Datagram& d) {
  absl::StatusOr<SocketAddress> mapped = msg.GetXorMappedAddress();
  if (!mapped.ok()) mapped = msg.GetMappedAddress();
  switch (test_) {
    case Test::kMapping1: {
      absl::StatusOr<SocketAddress> other = rfc5780::GetOtherAddress(msg);
      if (!mapped.ok() || !other.ok()) {
        Reach("no_rfc5780", now);
        Finish(now);
        return;
      }
      x1_ = *mapped;
      other_ = *other;
      if (x1_ == d.local) {
        SetMapping(now, 0, "none");
        Run(now, Test::kFiltering1);
      } else {
        Run(now, Test::kMapping2);
      }
      return;
    }
    case Test::kMapping2:
      if (!mapped.ok()) break;
      x2_ = *mapped;
      if (x2_ == x1_) {
        SetMapping(now, 1, "eim");
        Run(now, Test::kFiltering1);
      } else {
        Run(now, Test::kMapping3);
      }
      return;
    case Test::kMapping3:
      if (!mapped.ok()) break;
      if (*mapped == x2_) {
        SetMapping(now, 2, "adm");
      } else {
        SetMapping(now, 3, "apdm");
      }
      Run(now, Test::kFiltering1);
      return;
    case Test::kFiltering1:
      Run(now, Test::kFiltering2);
      return;
    case Test::kFiltering2:
      SetFiltering(now, 1, "eif");
      Run(now, Test::kDone);
      return;
    case Test::kFiltering3:
      SetFiltering(now, 2, "adf");
      Run(now, Test::kDone);
      return;
    case Test::kDone:
      return;
  }
  // A mapping answer without an address: as good as no answer.
  OnNoResponse(now);
}

void NatDiscoveryClient::OnNoResponse(Timestamp now) {
  switch (test_) {
    case Test::kMapping1:
      Reach("udp_blocked", now);
      Finish(now);
      return;
    case Test::kMapping2:
    case Test::kMapping3:
      SetMapping(now, -1, "unknown");
      Run(now, Test::kFiltering1);
      return;
    case Test::kFiltering1:
      SetFiltering(now, -1, "unknown");
      Run(now, Test::kDone);
      return;
    case Test::kFiltering2:
      Run(now, Test::kFiltering3);
      return;
    case Test::kFiltering3:
      SetFiltering(now, 3, "apdf");
      Run(now, Test::kDone);
      return;
    case Test::kDone:
      return;
  }
}

void NatDiscoveryClient::HandleTimeout(Timestamp now) {
  switch (txn_.Due(now)) {
    case StunTransaction::Step::kWait:
      return;
    case StunTransaction::Step::kRetransmit:
      ++requests_;
      Send(txn_.request());
      return;
    case StunTransaction::Step::kTimedOut:
      OnNoResponse(now);
      return;
  }
}

std::optional<Timestamp> NatDiscoveryClient::NextTimeout() const {
  return txn_.deadline();
}

void NatDiscoveryClient::SetMapping(Timestamp now, int code,
                                    std::string_view name) {
  mapping_ = code;
  mapping_name_ = std::string(name);
  Reach(std::string("mapping_") + std::string(name), now);
}

void NatDiscoveryClient::SetFiltering(Timestamp now, int code,
                                      std::string_view name) {
  filtering_ = code;
  filtering_name_ = std::string(name);
  Reach(std::string("filtering_") + std::string(name), now);
}

void NatDiscoveryClient::Finish(Timestamp now) {
  test_ = Test::kDone;
  txn_.End();
  Reach("done", now);
}

NodeReport NatDiscoveryClient::Report() const {
  NodeReport r;
  r.metrics["mapping"] = mapping_;
  r.metrics["filtering"] = filtering_;
  r.metrics["requests_sent"] = static_cast<double>(requests_);
  r.metrics["responses_received"] = static_cast<double>(responses_);
  r.states = states();
  r.details["mapping"] = mapping_name_;
  r.details["filtering"] = filtering_name_;
  if (x1_.is_set()) r.details["mapped_address"] = x1_.ToString();
  if (other_.is_set()) r.details["other_address"] = other_.ToString();
  return r;
}

}  // namespace simrtc::sim
