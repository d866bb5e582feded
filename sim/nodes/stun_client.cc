#include "sim/nodes/stun_client.h"

#include <algorithm>

#include "core/stun/builder.h"
#include "core/stun/message.h"

namespace simrtc::sim {

StunClient::StunClient(const StunClientConfig& config, Rng rng)
    : config_(config), rng_(rng) {
  config_.count = std::max(config_.count, 0);
  if (config_.interval <= TimeDelta::Zero()) {
    config_.interval = TimeDelta::Seconds(1);
  }
}

std::vector<SocketAddress> StunClient::Bindings() const {
  return {SocketAddress(IpAddress(), config_.local_port)};
}

void StunClient::Start(Timestamp now) {
  Reach("started", now);
  start_ = now;
  if (config_.count > 0) next_query_ = now;
  HandleTimeout(now);
}

void StunClient::StartTransaction(Timestamp now) {
  stun::MessageBuilder b(stun::Method::kBinding, stun::Class::kRequest, rng_);
  b.AddFingerprint();
  const stun::TransactionId id = b.transaction_id();
  absl::StatusOr<std::vector<uint8_t>> wire = b.Build();
  if (!wire.ok()) return;
  Transmit t;
  t.local = SocketAddress(IpAddress(), config_.local_port);
  t.remote = config_.server;
  t.payload = *std::move(wire);
  txn_.Begin(now, id, t, config_.rto, config_.attempts);
  txn_start_ = now;
  Send(std::move(t));
}

void StunClient::HandleDatagram(Timestamp now, const Datagram& d) {
  if (!stun::IsStunMessage(d.payload)) return;
  absl::StatusOr<stun::Message> msg = stun::Message::Parse(d.payload);
  if (!msg.ok() || !txn_.Matches(msg->transaction_id()) ||
      msg->message_class() != stun::Class::kSuccess) {
    return;
  }
  absl::StatusOr<SocketAddress> mapped = msg->GetXorMappedAddress();
  if (!mapped.ok()) return;
  txn_.End();
  ++responses_;
  rtt_sum_ms_ += static_cast<double>((now - txn_start_).us()) / 1000.0;
  if (mapped_.has_value() && *mapped_ != *mapped) ++mapped_changes_;
  mapped_ = *mapped;
  Reach("mapped", now);
  MaybeFinish(now);
}

void StunClient::HandleTimeout(Timestamp now) {
  switch (txn_.Due(now)) {
    case StunTransaction::Step::kWait:
      break;
    case StunTransaction::Step::kRetransmit:
      Send(txn_.request());
      break;
    case StunTransaction::Step::kTimedOut:
      ++timeouts_;
      break;
  }
  if (next_query_.has_value() && *next_query_ <= now) {
    txn_.End();  // an overdue transaction is abandoned for the new one
    ++started_;
    StartTransaction(now);
    next_query_ =
        started_ < config_.count
            ? std::optional<Timestamp>(start_ + config_.interval * started_)
            : std::nullopt;
  }
  MaybeFinish(now);
}

void StunClient::MaybeFinish(Timestamp now) {
  if (!next_query_.has_value() && !txn_.active() && started_ == config_.count) {
    Reach("done", now);
  }
}

std::optional<Timestamp> StunClient::NextTimeout() const {
  std::optional<Timestamp> next = txn_.deadline();
  if (next_query_.has_value() && (!next || *next_query_ < *next)) {
    next = next_query_;
  }
  return next;
}

NodeReport StunClient::Report() const {
  NodeReport r;
  r.metrics["requests_sent"] = started_;
  r.metrics["responses"] = static_cast<double>(responses_);
  r.metrics["timeouts"] = static_cast<double>(timeouts_);
  r.metrics["rtt_avg_ms"] =
      responses_ > 0 ? rtt_sum_ms_ / static_cast<double>(responses_) : 0.0;
  r.metrics["mapped_changes"] = static_cast<double>(mapped_changes_);
  r.states = states();
  if (mapped_.has_value()) r.details["mapped_address"] = mapped_->ToString();
  r.details["server"] = config_.server.ToString();
  return r;
}

}  // namespace simrtc::sim
