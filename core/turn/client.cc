#include "core/turn/client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/stun/channel_data.h"
#include "core/stun/constants.h"
#include "core/stun/integrity.h"

namespace simrtc::turn {

using stun::Class;
using stun::Message;
using stun::MessageBuilder;
using stun::Method;
namespace ec = stun::error_codes;

namespace {
constexpr TimeDelta kPermissionRefresh = TimeDelta::Seconds(240);
constexpr TimeDelta kChannelRefresh = TimeDelta::Seconds(540);
// A refresh lost to the network (no answer, or a 5xx) is tried again this
// much later, for as long as the allocation lives.
constexpr TimeDelta kRefreshRetry = TimeDelta::Seconds(5);
constexpr int kMaxAuthRetries = 3;
ClientEvent MakeEvent(ClientEvent::Kind kind) {
  ClientEvent e;
  e.kind = kind;
  return e;
}
constexpr size_t kMaxQueuedPerPeer = 64;
}  // namespace

Client::Client(ClientConfig config, Rng rng)
    : config_(std::move(config)),
      rng_(std::move(rng)),
      table_(config_.transaction) {}

std::optional<uint16_t> Client::ChannelFor(const SocketAddress& peer) const {
  auto it = channels_.find(peer);
  if (it == channels_.end() || !it->second.confirmed) return std::nullopt;
  return it->second.number;
}

absl::Status Client::Allocate(Timestamp now) {
  if (state_ != State::kIdle) {
    return absl::FailedPreconditionError("TURN Allocate: client not idle");
  }
  state_ = State::kAllocating;
  return SendRequest(now, Pending{Method::kAllocate, {}, 0, config_.lifetime});
}

absl::Status Client::CreatePermission(Timestamp now, const IpAddress& peer) {
  if (state_ != State::kAllocated) {
    return absl::FailedPreconditionError(
        "TURN CreatePermission: no allocation");
  }
  Permission& p = permissions_[peer];
  if (p.pending) return absl::OkStatus();
  p.pending = true;
  return SendRequest(
      now, Pending{Method::kCreatePermission, {SocketAddress(peer, 0)}, 0, {}});
}

absl::Status Client::BindChannel(Timestamp now, const SocketAddress& peer) {
  if (state_ != State::kAllocated) {
    return absl::FailedPreconditionError("TURN ChannelBind: no allocation");
  }
  Channel& c = channels_[peer];
  if (c.number == 0) {
    if (next_channel_ > stun::kMaxChannelNumber) {
      channels_.erase(peer);
      return absl::ResourceExhaustedError("TURN ChannelBind: no channels left");
    }
    c.number = next_channel_++;
  }
  if (c.pending) return absl::OkStatus();
  c.pending = true;
  return SendRequest(now, Pending{Method::kChannelBind, {peer}, c.number, {}});
}

absl::Status Client::SendTo(Timestamp now, const SocketAddress& peer,
                            ByteSpan data) {
  if (state_ != State::kAllocated) {
    return absl::FailedPreconditionError("TURN SendTo: no allocation");
  }
  if (auto ch = ChannelFor(peer)) {
    SendChannelData(*ch, data);
    return absl::OkStatus();
  }
  if (HasPermission(peer.ip())) {
    SendIndication(peer, data);
    return absl::OkStatus();
  }
  Permission& p = permissions_[peer.ip()];
  if (p.queued.size() >= kMaxQueuedPerPeer) {
    return absl::ResourceExhaustedError(
        "TURN SendTo: too much data queued while the permission is pending");
  }
  p.queued.emplace_back(peer, std::vector<uint8_t>(data.begin(), data.end()));
  return CreatePermission(now, peer.ip());
}

absl::Status Client::Deallocate(Timestamp now) {
  if (state_ != State::kAllocated) {
    return absl::FailedPreconditionError("TURN Deallocate: no allocation");
  }
  state_ = State::kDeallocating;
  return SendRequest(now, Pending{Method::kRefresh, {}, 0, TimeDelta::Zero()});
}

absl::Status Client::SendRequest(Timestamp now, Pending p) {
  MessageBuilder b(p.method, Class::kRequest, rng_);
  switch (p.method) {
    case Method::kAllocate:
      b.AddRequestedTransport(stun::kProtocolUdp);
      b.AddLifetime(p.lifetime);
      break;
    case Method::kRefresh:
      b.AddLifetime(p.lifetime);
      break;
    case Method::kCreatePermission:
      for (const auto& peer : p.peers) b.AddXorPeerAddress(peer);
      break;
    case Method::kChannelBind:
      b.AddChannelNumber(p.channel);
      b.AddXorPeerAddress(p.peers.front());
      break;
    default:
      break;
  }
  p.had_credentials = !nonce_.empty();
  if (p.had_credentials) {
    b.AddUsername(config_.username);
    b.AddRealm(realm_);
    b.AddNonce(nonce_);
    b.AddSoftware(config_.software);
    b.AddMessageIntegrity(ByteSpan(key_));
  } else {
    b.AddSoftware(config_.software);
  }
  b.AddFingerprint();
  auto bytes = b.Build();
  if (!bytes.ok()) return bytes.status();
  auto id = table_.Start(now, std::move(*bytes), config_.local, config_.server);
  if (!id.ok()) return id.status();
  pending_[*id] = std::move(p);
  while (auto t = table_.PollTransmit()) transmits_.push_back(std::move(*t));
  return absl::OkStatus();
}

void Client::SendIndication(const SocketAddress& peer, ByteSpan data) {
  auto bytes = MessageBuilder(Method::kSend, Class::kIndication, rng_)
                   .AddXorPeerAddress(peer)
                   .AddData(data)
                   .Build();
  if (!bytes.ok()) return;
  transmits_.push_back(Transmit{config_.local, config_.server, Transport::kUdp,
                                std::move(*bytes)});
}

void Client::SendChannelData(uint16_t channel, ByteSpan data) {
  auto bytes = stun::BuildChannelData(channel, data);
  if (!bytes.ok()) return;
  transmits_.push_back(Transmit{config_.local, config_.server, Transport::kUdp,
                                std::move(*bytes)});
}

void Client::HandleDatagram(Timestamp now, const Datagram& d) {
  if (d.remote != config_.server) return;
  ByteSpan bytes = d.payload;
  if (stun::IsChannelData(bytes)) {
    auto cd = stun::ParseChannelData(bytes);
    if (!cd.ok()) return;
    for (const auto& [peer, c] : channels_) {
      if (c.number == cd->channel && c.confirmed) {
        ClientEvent e = MakeEvent(ClientEvent::Kind::kData);
        e.peer = peer;
        e.channel = c.number;
        e.data.assign(cd->data.begin(), cd->data.end());
        events_.push_back(std::move(e));
        return;
      }
    }
    return;
  }
  if (!stun::IsStunMessage(bytes)) return;
  if (table_.HandleResponse(now, bytes)) {
    while (auto e = table_.PollEvent()) HandleResponse(now, *e);
    return;
  }
  auto msg = Message::Parse(bytes);
  if (!msg.ok()) return;
  if (msg->method() == Method::kData &&
      msg->message_class() == Class::kIndication) {
    auto peer = msg->GetXorPeerAddress();
    auto data = msg->GetData();
    if (!peer.ok() || !data.ok()) return;
    ClientEvent e = MakeEvent(ClientEvent::Kind::kData);
    e.peer = *peer;
    e.data.assign(data->begin(), data->end());
    events_.push_back(std::move(e));
  }
}

void Client::HandleResponse(Timestamp now, const stun::TransactionEvent& e) {
  auto pit = pending_.find(e.id);
  if (pit == pending_.end()) return;
  Pending p = std::move(pit->second);
  pending_.erase(pit);
  if (e.kind == stun::TransactionEvent::Kind::kTimeout) {
    OnFailure(now, p, 0,
              absl::DeadlineExceededError(absl::StrFormat(
                  "TURN %s: no response from %s", stun::MethodName(p.method),
                  config_.server.ToString())));
    return;
  }
  auto msg = Message::Parse(e.response);
  if (!msg.ok()) {
    OnFailure(now, p, 0, msg.status());
    return;
  }
  if (msg->message_class() == Class::kSuccess) {
    // Only an integrity-protected success may change state once we have a
    // key; otherwise anyone who saw the txid could forge it.
    if (!key_.empty() && !msg->VerifyMessageIntegrity(ByteSpan(key_)).ok()) {
      OnFailure(now, p, 0,
                absl::UnauthenticatedError(absl::StrFormat(
                    "TURN %s success: MESSAGE-INTEGRITY does not verify",
                    stun::MethodName(p.method))));
      return;
    }
    OnSuccess(now, p, *msg);
    return;
  }
  auto code = msg->GetErrorCode();
  const int c = code.ok() ? code->code : 0;
  if ((c == ec::kUnauthenticated && !p.had_credentials) ||
      c == ec::kStaleNonce) {
    auto realm = msg->GetRealm();
    auto nonce = msg->GetNonce();
    if (realm.ok() && nonce.ok() && p.retries < kMaxAuthRetries) {
      if (realm_ != *realm || key_.empty()) {
        realm_ = std::string(*realm);
        auto k = stun::LongTermKey(config_.username, realm_, config_.password);
        key_.assign(k.begin(), k.end());
      }
      nonce_ = std::string(*nonce);
      ++p.retries;
      Pending copy = p;  // SendRequest consumes p; OnFailure needs it
      absl::Status s = SendRequest(now, std::move(p));
      if (!s.ok()) OnFailure(now, copy, c, s);
      return;
    }
  }
  OnFailure(now, p, c,
            absl::FailedPreconditionError(absl::StrFormat(
                "TURN %s failed: error %d %s", stun::MethodName(p.method), c,
                code.ok() ? std::string(code->reason) : "")));
}

void Client::OnSuccess(Timestamp now, const Pending& p, const Message& m) {
  switch (p.method) {
    case Method::kAllocate: {
      auto relayed = m.GetXorRelayedAddress();
      if (!relayed.ok()) {
        Fail(now, p.method, 0, relayed.status());
        return;
      }
      relayed_ = *relayed;
      mapped_ = m.GetXorMappedAddress().value_or(SocketAddress());
      const TimeDelta lifetime = m.GetLifetime().value_or(config_.lifetime);
      refresh_at_ =
          now + std::max(lifetime - TimeDelta::Seconds(60), lifetime / 2);
      expires_at_ = now + lifetime;
      state_ = State::kAllocated;
      ClientEvent e = MakeEvent(ClientEvent::Kind::kAllocated);
      e.relayed = relayed_;
      e.mapped = mapped_;
      events_.push_back(std::move(e));
      break;
    }
    case Method::kRefresh: {
      refresh_pending_ = false;
      if (p.lifetime.IsZero()) {
        state_ = State::kClosed;
        permissions_.clear();
        channels_.clear();
        refresh_at_ = Timestamp::Infinite();
        events_.push_back(MakeEvent(ClientEvent::Kind::kDeallocated));
        return;
      }
      const TimeDelta lifetime = m.GetLifetime().value_or(config_.lifetime);
      refresh_at_ =
          now + std::max(lifetime - TimeDelta::Seconds(60), lifetime / 2);
      expires_at_ = now + lifetime;
      break;
    }
    case Method::kCreatePermission: {
      for (const auto& peer : p.peers) {
        Permission& perm = permissions_[peer.ip()];
        const bool first = !perm.confirmed;
        perm.confirmed = true;
        perm.pending = false;
        perm.refresh_at = now + kPermissionRefresh;
        auto queued = std::move(perm.queued);
        perm.queued.clear();
        for (auto& [to, data] : queued) {
          if (auto ch = ChannelFor(to)) {
            SendChannelData(*ch, data);
          } else {
            SendIndication(to, data);
          }
        }
        if (first) {
          ClientEvent e = MakeEvent(ClientEvent::Kind::kPermissionCreated);
          e.peer = peer;
          events_.push_back(std::move(e));
        }
      }
      break;
    }
    case Method::kChannelBind: {
      const SocketAddress& peer = p.peers.front();
      Channel& c = channels_[peer];
      const bool first = !c.confirmed;
      c.confirmed = true;
      c.pending = false;
      c.refresh_at = now + kChannelRefresh;
      // A ChannelBind also installs the permission (RFC 8656 11.2).
      Permission& perm = permissions_[peer.ip()];
      if (!perm.confirmed) {
        perm.confirmed = true;
        perm.refresh_at = now + kPermissionRefresh;
      }
      if (first) {
        ClientEvent e = MakeEvent(ClientEvent::Kind::kChannelBound);
        e.peer = peer;
        e.channel = c.number;
        events_.push_back(std::move(e));
      }
      break;
    }
    default:
      break;
  }
}

void Client::OnFailure(Timestamp now, const Pending& p, int code,
                       absl::Status status) {
  switch (p.method) {
    case Method::kAllocate:
      state_ = State::kFailed;
      break;
    case Method::kRefresh:
      refresh_pending_ = false;
      if (p.lifetime.IsZero() || code == ec::kAllocationMismatch) {
        // Either way the allocation is gone (or we asked for it to be).
        state_ = State::kClosed;
        refresh_at_ = Timestamp::Infinite();
      } else if (state_ == State::kAllocated && (code == 0 || code >= 500)) {
        refresh_at_ = std::min(now + kRefreshRetry, expires_at_);
      }
      break;
    case Method::kCreatePermission:
      for (const auto& peer : p.peers) {
        auto it = permissions_.find(peer.ip());
        if (it == permissions_.end()) continue;
        it->second.pending = false;
        it->second.queued.clear();
      }
      break;
    case Method::kChannelBind: {
      auto it = channels_.find(p.peers.front());
      if (it != channels_.end()) it->second.pending = false;
      break;
    }
    default:
      break;
  }
  Fail(now, p.method, code, std::move(status));
}

void Client::Fail(Timestamp, Method method, int code, absl::Status status) {
  ClientEvent e = MakeEvent(ClientEvent::Kind::kError);
  e.error_code = code;
  e.status = std::move(status);
  e.failed_request = method;
  events_.push_back(std::move(e));
}

void Client::HandleTimeout(Timestamp now) {
  table_.HandleTimeout(now);
  while (auto t = table_.PollTransmit()) transmits_.push_back(std::move(*t));
  while (auto e = table_.PollEvent()) HandleResponse(now, *e);
  if (state_ != State::kAllocated) return;
  if (now >= expires_at_) {
    // Every refresh went unanswered: the server has let it go.
    state_ = State::kClosed;
    refresh_at_ = Timestamp::Infinite();
    Fail(now, Method::kRefresh, 0,
         absl::DeadlineExceededError(
             "TURN allocation expired: no refresh was answered"));
    return;
  }
  if (now >= refresh_at_ && !refresh_pending_) {
    refresh_pending_ = true;
    refresh_at_ = Timestamp::Infinite();
    (void)SendRequest(now, Pending{Method::kRefresh, {}, 0, config_.lifetime});
  }
  for (auto& [ip, p] : permissions_) {
    if (p.confirmed && !p.pending && now >= p.refresh_at) {
      p.pending = true;
      p.refresh_at = Timestamp::Infinite();
      (void)SendRequest(
          now,
          Pending{Method::kCreatePermission, {SocketAddress(ip, 0)}, 0, {}});
    }
  }
  for (auto& [peer, c] : channels_) {
    if (c.confirmed && !c.pending && now >= c.refresh_at) {
      c.pending = true;
      c.refresh_at = Timestamp::Infinite();
      (void)SendRequest(now,
                        Pending{Method::kChannelBind, {peer}, c.number, {}});
    }
  }
}

std::optional<Transmit> Client::PollTransmit() {
  while (auto t = table_.PollTransmit()) transmits_.push_back(std::move(*t));
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<ClientEvent> Client::PollEvent() {
  if (events_.empty()) return std::nullopt;
  ClientEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<Timestamp> Client::NextTimeout() const {
  std::optional<Timestamp> best = table_.NextTimeout();
  auto consider = [&](Timestamp t) {
    if (t.IsInfinite()) return;
    if (!best || t < *best) best = t;
  };
  if (state_ == State::kAllocated) {
    consider(expires_at_);
    if (!refresh_pending_) consider(refresh_at_);
    for (const auto& [ip, p] : permissions_) {
      if (p.confirmed && !p.pending) consider(p.refresh_at);
    }
    for (const auto& [peer, c] : channels_) {
      if (c.confirmed && !c.pending) consider(c.refresh_at);
    }
  }
  return best;
}

}  // namespace simrtc::turn
