#include "core/stun/transaction.h"

#include <utility>

#include "absl/status/status.h"
#include "core/stun/constants.h"
#include "core/stun/message.h"

namespace simrtc::stun {
namespace {

std::optional<TransactionId> ResponseId(ByteSpan datagram) {
  if (!IsStunMessage(datagram)) return std::nullopt;
  const Class cls = ClassFromType(LoadBE16(datagram.data()));
  if (cls != Class::kSuccess && cls != Class::kError) return std::nullopt;
  auto id = TransactionId::FromBytes(datagram.subspan(8, kTransactionIdSize));
  if (!id.ok()) return std::nullopt;
  return *id;
}

}  // namespace

absl::StatusOr<ClientTransaction> ClientTransaction::Start(
    Timestamp now, std::vector<uint8_t> request, SocketAddress local,
    SocketAddress remote, TransactionConfig config) {
  if (!IsStunMessage(request)) {
    return absl::InvalidArgumentError(
        "ClientTransaction: request is not a STUN message");
  }
  if (config.max_requests < 1 || config.initial_rto <= TimeDelta::Zero()) {
    return absl::InvalidArgumentError(
        "ClientTransaction: max_requests must be >= 1 and initial_rto > 0");
  }
  ClientTransaction t;
  auto id = TransactionId::FromBytes(
      ByteSpan(request).subspan(8, kTransactionIdSize));
  if (!id.ok()) return id.status();
  t.id_ = *id;
  t.request_ = std::move(request);
  t.local_ = local;
  t.remote_ = remote;
  t.config_ = config;
  t.rto_ = config.initial_rto;
  t.QueueSend();
  t.next_ = now + (t.sent_ < config.max_requests
                       ? t.rto_
                       : config.initial_rto * config.final_wait_factor);
  return t;
}

void ClientTransaction::QueueSend() {
  transmits_.push_back(Transmit{local_, remote_, Transport::kUdp, request_});
  ++sent_;
}

bool ClientTransaction::HandleResponse(Timestamp, ByteSpan datagram) {
  if (state_ != State::kRunning) return false;
  auto id = ResponseId(datagram);
  if (!id || *id != id_) return false;
  state_ = State::kResponded;
  event_ =
      TransactionEvent{id_, TransactionEvent::Kind::kResponse,
                       std::vector<uint8_t>(datagram.begin(), datagram.end())};
  return true;
}

void ClientTransaction::HandleTimeout(Timestamp now) {
  while (state_ == State::kRunning && now >= next_) {
    if (sent_ >= config_.max_requests) {
      state_ = State::kTimedOut;
      event_ = TransactionEvent{id_, TransactionEvent::Kind::kTimeout, {}};
      return;
    }
    QueueSend();
    rto_ = rto_ * 2;
    // The final wait is Rm times the *initial* RTO (RFC 8489 6.2.1), not the
    // doubled one, which is why it is not simply the next RTO.
    next_ = next_ + (sent_ < config_.max_requests
                         ? rto_
                         : config_.initial_rto * config_.final_wait_factor);
  }
}

std::optional<Transmit> ClientTransaction::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<TransactionEvent> ClientTransaction::PollEvent() {
  auto e = std::move(event_);
  event_.reset();
  return e;
}

std::optional<Timestamp> ClientTransaction::NextTimeout() const {
  if (state_ != State::kRunning) return std::nullopt;
  return next_;
}

absl::StatusOr<TransactionId> TransactionTable::Start(
    Timestamp now, std::vector<uint8_t> request, SocketAddress local,
    SocketAddress remote) {
  auto t =
      ClientTransaction::Start(now, std::move(request), local, remote, config_);
  if (!t.ok()) return t.status();
  const TransactionId id = t->id();
  if (running_.contains(id)) {
    return absl::AlreadyExistsError("TransactionTable: transaction " +
                                    id.ToHex() + " already running");
  }
  auto [it, inserted] = running_.emplace(id, std::move(*t));
  Collect(it->second);
  return id;
}

void TransactionTable::Cancel(const TransactionId& id) { running_.erase(id); }

void TransactionTable::Collect(ClientTransaction& t) {
  while (auto tx = t.PollTransmit()) transmits_.push_back(std::move(*tx));
  while (auto e = t.PollEvent()) events_.push_back(std::move(*e));
}

bool TransactionTable::HandleResponse(Timestamp now, ByteSpan datagram) {
  auto id = ResponseId(datagram);
  if (!id) return false;
  auto it = running_.find(*id);
  if (it == running_.end()) return false;
  if (!it->second.HandleResponse(now, datagram)) return false;
  Collect(it->second);
  running_.erase(it);
  return true;
}

void TransactionTable::HandleTimeout(Timestamp now) {
  for (auto it = running_.begin(); it != running_.end();) {
    it->second.HandleTimeout(now);
    Collect(it->second);
    if (it->second.done()) {
      it = running_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<Transmit> TransactionTable::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<TransactionEvent> TransactionTable::PollEvent() {
  if (events_.empty()) return std::nullopt;
  TransactionEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<Timestamp> TransactionTable::NextTimeout() const {
  std::optional<Timestamp> best;
  for (const auto& [id, t] : running_) {
    auto n = t.NextTimeout();
    if (n && (!best || *n < *best)) best = n;
  }
  return best;
}

}  // namespace simrtc::stun
