#include "core/turn/server.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/stun/binding_server.h"
#include "core/stun/builder.h"
#include "core/stun/channel_data.h"
#include "core/stun/constants.h"
#include "core/stun/integrity.h"

namespace simrtc::turn {

using stun::AttributeType;
using stun::Class;
using stun::Message;
using stun::MessageBuilder;
using stun::Method;
namespace ec = stun::error_codes;

AuthHandler StaticUsers(std::map<std::string, std::string> users) {
  return [users = std::move(users)](
             std::string_view user, std::string_view realm,
             const SocketAddress&) -> std::optional<LongTermKey> {
    auto it = users.find(std::string(user));
    if (it == users.end()) return std::nullopt;
    return stun::LongTermKey(user, realm, it->second);
  };
}

RelayAddressGenerator RelayAddressGenerator::Static(IpAddress ip,
                                                    uint16_t min_port,
                                                    uint16_t max_port) {
  RelayAddressGenerator g;
  g.ips_ = {ip};
  g.min_port_ = std::min(min_port, max_port);
  g.max_port_ = std::max(min_port, max_port);
  return g;
}

absl::StatusOr<RelayAddressGenerator> RelayAddressGenerator::Range(
    IpAddress first, IpAddress last, uint16_t min_port, uint16_t max_port) {
  if (!first.is_v4() || !last.is_v4() ||
      last.v4_host_order() < first.v4_host_order() ||
      last.v4_host_order() - first.v4_host_order() > 65535) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "relay IP range %s-%s: need IPv4, first <= last, at most 65536 IPs",
        first.ToString(), last.ToString()));
  }
  RelayAddressGenerator g = Static(first, min_port, max_port);
  g.ips_.clear();
  for (uint32_t a = first.v4_host_order();; ++a) {
    g.ips_.push_back(IpAddress::V4(a));
    if (a == last.v4_host_order()) break;
  }
  return g;
}

std::optional<SocketAddress> RelayAddressGenerator::Allocate(
    IpFamily family, bool even_port, const std::set<SocketAddress>& in_use,
    Rng& rng) const {
  std::vector<IpAddress> candidates;
  for (const IpAddress& ip : ips_) {
    if (ip.family() == family) candidates.push_back(ip);
  }
  if (candidates.empty()) return std::nullopt;
  const uint32_t span = uint32_t{max_port_} - min_port_ + 1;
  // Random probes first so relayed ports are hard to predict; then a full
  // scan from a random point so a nearly full range still succeeds.
  const uint64_t total = uint64_t{span} * candidates.size();
  const uint64_t start = rng.Uniform(total);
  for (uint64_t i = 0; i < total; ++i) {
    const uint64_t k = (start + i) % total;
    const IpAddress& ip = candidates[k / span];
    const uint16_t port = static_cast<uint16_t>(min_port_ + k % span);
    if (port == 0 || (even_port && port % 2 != 0)) continue;
    SocketAddress a(ip, port);
    if (!in_use.contains(a)) return a;
  }
  return std::nullopt;
}

Server::Server(ServerConfig config, Rng rng)
    : config_(std::move(config)), rng_(std::move(rng)) {
  rng_.Fill(nonce_secret_);
}

// Nonce = 16 hex digits of expiry (us) + 24 hex digits of an HMAC over it.
std::string Server::MakeNonce(Timestamp now) {
  const uint64_t expiry =
      static_cast<uint64_t>((now + config_.nonce_lifetime).us());
  uint8_t e[8];
  for (int i = 0; i < 8; ++i)
    e[i] = static_cast<uint8_t>(expiry >> (56 - 8 * i));
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), nonce_secret_.data(), nonce_secret_.size(), e, sizeof(e),
       mac, &mac_len);
  std::string out = absl::StrFormat("%016x", expiry);
  for (int i = 0; i < 12; ++i) out += absl::StrFormat("%02x", mac[i]);
  return out;
}

bool Server::NonceValid(std::string_view nonce, Timestamp now) const {
  if (nonce.size() != 40) return false;
  uint64_t expiry = 0;
  for (int i = 0; i < 16; ++i) {
    const char c = nonce[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      return false;
    }
    expiry = (expiry << 4) | static_cast<uint64_t>(v);
  }
  uint8_t e[8];
  for (int i = 0; i < 8; ++i)
    e[i] = static_cast<uint8_t>(expiry >> (56 - 8 * i));
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), nonce_secret_.data(), nonce_secret_.size(), e, sizeof(e),
       mac, &mac_len);
  std::string expect;
  for (int i = 0; i < 12; ++i) expect += absl::StrFormat("%02x", mac[i]);
  if (CRYPTO_memcmp(expect.data(), nonce.data() + 16, 24) != 0) return false;
  return now.us() < static_cast<int64_t>(expiry);
}

void Server::Send(const SocketAddress& local, const SocketAddress& remote,
                  std::vector<uint8_t> bytes) {
  transmits_.push_back(
      Transmit{local, remote, Transport::kUdp, std::move(bytes)});
}

void Server::SendError(const FiveTuple& ft, const Message& req, int code,
                       const LongTermKey* key, bool with_nonce, Timestamp now,
                       std::string_view reason) {
  MessageBuilder b(req.method(), Class::kError, req.transaction_id());
  if (reason.empty()) {
    b.AddErrorCode(code);
  } else {
    b.AddErrorCode(code, reason);
  }
  if (with_nonce) {
    b.AddRealm(config_.realm);
    b.AddNonce(MakeNonce(now));
  }
  b.AddSoftware(config_.software);
  if (key) b.AddMessageIntegrity(ByteSpan(key->data(), key->size()));
  b.AddFingerprint();
  auto bytes = b.Build();
  if (bytes.ok()) Send(ft.server, ft.client, std::move(*bytes));
}

void Server::SendSuccess(const FiveTuple& ft, const Message& req,
                         const LongTermKey& key,
                         const std::function<void(MessageBuilder&)>& attrs) {
  MessageBuilder b(req.method(), Class::kSuccess, req.transaction_id());
  attrs(b);
  b.AddSoftware(config_.software);
  b.AddMessageIntegrity(ByteSpan(key.data(), key.size()));
  b.AddFingerprint();
  auto bytes = b.Build();
  if (bytes.ok()) Send(ft.server, ft.client, std::move(*bytes));
}

bool Server::HasPermission(const Allocation& a, const IpAddress& ip,
                           Timestamp now) {
  auto it = a.permissions.find(ip);
  return it != a.permissions.end() && now < it->second;
}

void Server::HandleDatagram(Timestamp now, const Datagram& d) {
  HandleDatagram(now, d.local, d.remote, d.payload);
}

void Server::HandleDatagram(Timestamp now, const SocketAddress& local,
                            const SocketAddress& remote, ByteSpan payload) {
  if (by_relay_.contains(local)) {
    HandleFromPeer(now, local, remote, payload);
  } else {
    HandleFromClient(now, local, remote, payload);
  }
}

void Server::HandleFromPeer(Timestamp now, const SocketAddress& local,
                            const SocketAddress& remote, ByteSpan payload) {
  auto rit = by_relay_.find(local);
  auto ait = allocations_.find(rit->second);
  if (ait == allocations_.end() || now >= ait->second.expires) {
    ++stats_.dropped_no_allocation;
    return;
  }
  Allocation& a = ait->second;
  if (!HasPermission(a, remote.ip(), now)) {
    ++stats_.dropped_no_permission;
    return;
  }
  auto cit = a.peer_channels.find(remote);
  if (cit != a.peer_channels.end()) {
    auto ch = a.channels.find(cit->second);
    if (ch != a.channels.end() && now < ch->second.expires) {
      auto frame = stun::BuildChannelData(cit->second, payload);
      if (frame.ok()) {
        ++stats_.relayed_to_clients;
        Send(a.five_tuple.server, a.five_tuple.client, std::move(*frame));
      }
      return;
    }
  }
  auto ind = MessageBuilder(Method::kData, Class::kIndication, rng_)
                 .AddXorPeerAddress(remote)
                 .AddData(payload)
                 .Build();
  if (ind.ok()) {
    ++stats_.relayed_to_clients;
    Send(a.five_tuple.server, a.five_tuple.client, std::move(*ind));
  }
}

void Server::HandleFromClient(Timestamp now, const SocketAddress& local,
                              const SocketAddress& remote, ByteSpan payload) {
  const FiveTuple ft{remote, local};
  if (stun::IsChannelData(payload)) {
    HandleChannelData(now, ft, payload);
    return;
  }
  if (auto binding = stun::AnswerBinding(payload, remote, config_.software)) {
    Send(local, remote, std::move(*binding));
    return;
  }
  auto msg = Message::Parse(payload);
  if (!msg.ok()) {
    // Header-identifiable requests still deserve a 400 (RFC 8489 6.3).
    if (payload.size() >= stun::kHeaderSize && stun::IsStunMessage(payload) &&
        stun::ClassFromType(LoadBE16(payload.data())) == Class::kRequest) {
      auto txid = stun::TransactionId::FromBytes(
          payload.subspan(8, stun::kTransactionIdSize));
      if (txid.ok()) {
        auto r = MessageBuilder(stun::MethodFromType(LoadBE16(payload.data())),
                                Class::kError, *txid)
                     .AddErrorCode(ec::kBadRequest)
                     .AddFingerprint()
                     .Build();
        if (r.ok()) Send(local, remote, std::move(*r));
      }
    }
    return;
  }
  if (msg->HasFingerprint() && !msg->VerifyFingerprint().ok()) return;
  if (msg->message_class() == Class::kIndication &&
      msg->method() == Method::kSend) {
    HandleSendIndication(now, ft, *msg);
  } else if (msg->message_class() == Class::kRequest) {
    HandleRequest(now, ft, *msg);
  }
}

void Server::HandleChannelData(Timestamp now, const FiveTuple& ft,
                               ByteSpan payload) {
  auto cd = stun::ParseChannelData(payload);
  if (!cd.ok()) return;
  auto ait = allocations_.find(ft);
  if (ait == allocations_.end() || now >= ait->second.expires) {
    ++stats_.dropped_no_allocation;
    return;
  }
  Allocation& a = ait->second;
  auto ch = a.channels.find(cd->channel);
  if (ch == a.channels.end() || now >= ch->second.expires) return;
  if (!HasPermission(a, ch->second.peer.ip(), now)) {
    ++stats_.dropped_no_permission;
    return;
  }
  ++stats_.relayed_to_peers;
  Send(a.relayed, ch->second.peer,
       std::vector<uint8_t>(cd->data.begin(), cd->data.end()));
}

void Server::HandleSendIndication(Timestamp now, const FiveTuple& ft,
                                  const Message& msg) {
  auto ait = allocations_.find(ft);
  if (ait == allocations_.end() || now >= ait->second.expires) {
    ++stats_.dropped_no_allocation;
    return;
  }
  Allocation& a = ait->second;
  auto peer = msg.GetXorPeerAddress();
  auto data = msg.GetData();
  if (!peer.ok() || !data.ok()) return;
  if (peer->family() != a.relayed.family()) return;
  if (!HasPermission(a, peer->ip(), now)) {
    ++stats_.dropped_no_permission;
    return;
  }
  ++stats_.relayed_to_peers;
  Send(a.relayed, *peer, std::vector<uint8_t>(data->begin(), data->end()));
}

void Server::HandleRequest(Timestamp now, const FiveTuple& ft,
                           const Message& msg) {
  const Method m = msg.method();
  if (m != Method::kAllocate && m != Method::kRefresh &&
      m != Method::kCreatePermission && m != Method::kChannelBind) {
    SendError(ft, msg, ec::kBadRequest, nullptr, false, now);
    return;
  }
  // Authentication first (RFC 8656 5): without it nothing else may leak.
  if (!msg.HasMessageIntegrity()) {
    SendError(ft, msg, ec::kUnauthenticated, nullptr, true, now);
    return;
  }
  auto user = msg.GetUsername();
  auto realm = msg.GetRealm();
  auto nonce = msg.GetNonce();
  if (!user.ok() || !realm.ok() || !nonce.ok()) {
    SendError(ft, msg, ec::kBadRequest, nullptr, false, now);
    return;
  }
  if (*realm != config_.realm) {
    ++stats_.auth_failures;
    SendError(ft, msg, ec::kUnauthenticated, nullptr, true, now);
    return;
  }
  if (!NonceValid(*nonce, now)) {
    SendError(ft, msg, ec::kStaleNonce, nullptr, true, now);
    return;
  }
  std::optional<LongTermKey> key;
  if (config_.auth) key = config_.auth(*user, *realm, ft.client);
  if (!key ||
      !msg.VerifyMessageIntegrity(ByteSpan(key->data(), key->size())).ok()) {
    ++stats_.auth_failures;
    SendError(ft, msg, ec::kUnauthenticated, nullptr, true, now);
    return;
  }
  static constexpr AttributeType kHandled[] = {AttributeType::kDontFragment};
  auto unknown = stun::UnknownComprehensionRequired(msg, kHandled);
  if (!unknown.empty()) {
    MessageBuilder b(msg.method(), Class::kError, msg.transaction_id());
    b.AddErrorCode(ec::kUnknownAttribute)
        .AddUnknownAttributes(unknown)
        .AddMessageIntegrity(ByteSpan(key->data(), key->size()))
        .AddFingerprint();
    auto r = b.Build();
    if (r.ok()) Send(ft.server, ft.client, std::move(*r));
    return;
  }
  auto ait = allocations_.find(ft);
  if (ait != allocations_.end() && now >= ait->second.expires) {
    Delete(ait);
    ait = allocations_.end();
  }
  if (m == Method::kAllocate) {
    if (ait != allocations_.end()) {
      if (ait->second.allocate_txid == msg.transaction_id()) {
        // A retransmission whose success response was lost.
        Send(ft.server, ft.client, ait->second.allocate_response);
      } else {
        SendError(ft, msg, ec::kAllocationMismatch, &*key, false, now);
      }
      return;
    }
    HandleAllocate(now, ft, msg, std::string(*user), *key);
    return;
  }
  if (ait == allocations_.end()) {
    SendError(ft, msg, ec::kAllocationMismatch, &*key, false, now);
    return;
  }
  Allocation& a = ait->second;
  if (a.username != *user) {
    SendError(ft, msg, ec::kWrongCredentials, &*key, false, now);
    return;
  }
  switch (m) {
    case Method::kRefresh:
      HandleRefresh(now, a, msg);
      break;
    case Method::kCreatePermission:
      HandleCreatePermission(now, a, msg);
      break;
    case Method::kChannelBind:
      HandleChannelBind(now, a, msg);
      break;
    default:
      break;
  }
}

void Server::HandleAllocate(Timestamp now, const FiveTuple& ft,
                            const Message& msg, const std::string& user,
                            const LongTermKey& key) {
  auto transport = msg.GetRequestedTransport();
  if (!transport.ok()) {
    SendError(ft, msg, ec::kBadRequest, &key, false, now);
    return;
  }
  if (*transport != stun::kProtocolUdp) {
    SendError(ft, msg, ec::kUnsupportedTransportProtocol, &key, false, now);
    return;
  }
  bool even_port = false;
  if (msg.Has(AttributeType::kEvenPort)) {
    auto ep = msg.GetEvenPort();
    if (!ep.ok() || msg.Has(AttributeType::kReservationToken)) {
      SendError(ft, msg, ec::kBadRequest, &key, false, now);
      return;
    }
    even_port = true;
  }
  if (msg.Has(AttributeType::kReservationToken)) {
    if (!msg.GetReservationToken().ok() ||
        msg.Has(AttributeType::kRequestedAddressFamily)) {
      SendError(ft, msg, ec::kBadRequest, &key, false, now);
      return;
    }
    // No reservations are ever made, so no token can be valid.
    SendError(ft, msg, ec::kInsufficientCapacity, &key, false, now);
    return;
  }
  IpFamily family = IpFamily::kIPv4;
  if (msg.Has(AttributeType::kRequestedAddressFamily)) {
    auto f = msg.GetRequestedAddressFamily();
    if (!f.ok()) {
      SendError(ft, msg, ec::kBadRequest, &key, false, now);
      return;
    }
    family = *f;
  }
  auto uit = per_user_.find(user);
  if (uit != per_user_.end() &&
      uit->second >= config_.max_allocations_per_user) {
    SendError(ft, msg, ec::kAllocationQuotaReached, &key, false, now);
    return;
  }
  if (allocations_.size() >= config_.max_allocations) {
    SendError(ft, msg, ec::kInsufficientCapacity, &key, false, now);
    return;
  }
  std::set<SocketAddress> in_use;
  for (const auto& [addr, t] : by_relay_) in_use.insert(addr);
  auto relayed = config_.relay.Allocate(family, even_port, in_use, rng_);
  if (!relayed) {
    bool family_known = false;
    for (const auto& ip : config_.relay.ips()) {
      family_known |= ip.family() == family;
    }
    SendError(ft, msg,
              family_known ? ec::kInsufficientCapacity
                           : ec::kAddressFamilyNotSupported,
              &key, false, now);
    return;
  }
  TimeDelta lifetime = config_.default_lifetime;
  if (auto l = msg.GetLifetime(); l.ok()) {
    lifetime =
        std::max(std::min(*l, config_.max_lifetime), config_.default_lifetime);
  }
  Allocation a;
  a.five_tuple = ft;
  a.username = user;
  a.key = key;
  a.relayed = *relayed;
  a.expires = now + lifetime;
  a.allocate_txid = msg.transaction_id();
  MessageBuilder b(Method::kAllocate, Class::kSuccess, msg.transaction_id());
  b.AddXorRelayedAddress(*relayed)
      .AddLifetime(lifetime)
      .AddXorMappedAddress(ft.client)
      .AddSoftware(config_.software)
      .AddMessageIntegrity(ByteSpan(key.data(), key.size()))
      .AddFingerprint();
  auto bytes = b.Build();
  if (!bytes.ok()) {
    SendError(ft, msg, ec::kServerError, &key, false, now);
    return;
  }
  a.allocate_response = *bytes;
  Send(ft.server, ft.client, std::move(*bytes));
  by_relay_[*relayed] = ft;
  ++per_user_[user];
  events_.push_back(
      ServerEvent{ServerEvent::Kind::kAllocationCreated, ft, user, *relayed});
  allocations_.emplace(ft, std::move(a));
}

void Server::HandleRefresh(Timestamp now, Allocation& a, const Message& msg) {
  TimeDelta lifetime = config_.default_lifetime;
  if (auto l = msg.GetLifetime(); l.ok()) {
    lifetime = std::min(*l, config_.max_lifetime);
  }
  if (msg.Has(AttributeType::kRequestedAddressFamily)) {
    auto f = msg.GetRequestedAddressFamily();
    if (!f.ok() || *f != a.relayed.family()) {
      SendError(a.five_tuple, msg, ec::kPeerAddressFamilyMismatch, &a.key,
                false, now);
      return;
    }
  }
  const LongTermKey key = a.key;
  const FiveTuple ft = a.five_tuple;
  if (lifetime.IsZero()) {
    Delete(allocations_.find(ft));
  } else {
    a.expires = now + lifetime;
  }
  SendSuccess(ft, msg, key,
              [&](MessageBuilder& b) { b.AddLifetime(lifetime); });
}

void Server::HandleCreatePermission(Timestamp now, Allocation& a,
                                    const Message& msg) {
  auto peers = msg.GetXorPeerAddresses();
  if (!peers.ok() || peers->empty()) {
    SendError(a.five_tuple, msg, ec::kBadRequest, &a.key, false, now);
    return;
  }
  // All or nothing (RFC 8656 9.2): check every peer before installing any.
  for (const SocketAddress& p : *peers) {
    if (p.family() != a.relayed.family()) {
      SendError(a.five_tuple, msg, ec::kPeerAddressFamilyMismatch, &a.key,
                false, now);
      return;
    }
  }
  for (const SocketAddress& p : *peers) {
    a.permissions[p.ip()] = now + config_.permission_lifetime;
  }
  SendSuccess(a.five_tuple, msg, a.key, [](MessageBuilder&) {});
}

void Server::HandleChannelBind(Timestamp now, Allocation& a,
                               const Message& msg) {
  auto channel = msg.GetChannelNumber();
  auto peer = msg.GetXorPeerAddress();
  if (!channel.ok() || !peer.ok() || !stun::IsValidChannelNumber(*channel)) {
    SendError(a.five_tuple, msg, ec::kBadRequest, &a.key, false, now,
              !channel.ok() ? "bad CHANNEL-NUMBER"
              : !peer.ok()  ? "bad XOR-PEER-ADDRESS"
                            : "channel number out of range");
    return;
  }
  if (peer->family() != a.relayed.family()) {
    SendError(a.five_tuple, msg, ec::kPeerAddressFamilyMismatch, &a.key, false,
              now);
    return;
  }
  // Expired bindings free their channel and peer.
  for (auto it = a.channels.begin(); it != a.channels.end();) {
    if (now >= it->second.expires) {
      a.peer_channels.erase(it->second.peer);
      it = a.channels.erase(it);
    } else {
      ++it;
    }
  }
  auto cit = a.channels.find(*channel);
  if (cit != a.channels.end() && cit->second.peer != *peer) {
    SendError(a.five_tuple, msg, ec::kBadRequest, &a.key, false, now,
              "channel bound to another peer");
    return;
  }
  auto pit = a.peer_channels.find(*peer);
  if (pit != a.peer_channels.end() && pit->second != *channel) {
    SendError(a.five_tuple, msg, ec::kBadRequest, &a.key, false, now,
              "peer bound to another channel");
    return;
  }
  a.channels[*channel] = {*peer, now + config_.channel_lifetime};
  a.peer_channels[*peer] = *channel;
  a.permissions[peer->ip()] = now + config_.permission_lifetime;
  SendSuccess(a.five_tuple, msg, a.key, [](MessageBuilder&) {});
}

void Server::Delete(std::map<FiveTuple, Allocation>::iterator it) {
  if (it == allocations_.end()) return;
  Allocation& a = it->second;
  events_.push_back(ServerEvent{ServerEvent::Kind::kAllocationDeleted,
                                a.five_tuple, a.username, a.relayed});
  by_relay_.erase(a.relayed);
  auto uit = per_user_.find(a.username);
  if (uit != per_user_.end() && --uit->second == 0) per_user_.erase(uit);
  allocations_.erase(it);
}

void Server::HandleTimeout(Timestamp now) {
  for (auto it = allocations_.begin(); it != allocations_.end();) {
    auto next = std::next(it);
    Allocation& a = it->second;
    if (now >= a.expires) {
      Delete(it);
    } else {
      std::erase_if(a.permissions,
                    [&](const auto& p) { return now >= p.second; });
      for (auto c = a.channels.begin(); c != a.channels.end();) {
        if (now >= c->second.expires) {
          a.peer_channels.erase(c->second.peer);
          c = a.channels.erase(c);
        } else {
          ++c;
        }
      }
    }
    it = next;
  }
}

std::optional<Timestamp> Server::NextTimeout() const {
  std::optional<Timestamp> best;
  for (const auto& [ft, a] : allocations_) {
    if (!best || a.expires < *best) best = a.expires;
  }
  return best;
}

std::optional<Transmit> Server::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<ServerEvent> Server::PollEvent() {
  if (events_.empty()) return std::nullopt;
  ServerEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::vector<AllocationInfo> Server::ListAllocations(Timestamp now) const {
  std::vector<AllocationInfo> out;
  for (const auto& [ft, a] : allocations_) {
    if (now >= a.expires) continue;
    AllocationInfo info{ft, a.username, a.relayed, a.expires, {}, {}};
    for (const auto& [ip, exp] : a.permissions) {
      if (now < exp) info.permissions.push_back(ip);
    }
    for (const auto& [ch, c] : a.channels) {
      if (now < c.expires) info.channels.emplace_back(ch, c.peer);
    }
    out.push_back(std::move(info));
  }
  return out;
}

size_t Server::DeleteAllocationsForUser(std::string_view username) {
  size_t n = 0;
  for (auto it = allocations_.begin(); it != allocations_.end();) {
    auto next = std::next(it);
    if (it->second.username == username) {
      Delete(it);
      ++n;
    }
    it = next;
  }
  return n;
}

}  // namespace simrtc::turn
