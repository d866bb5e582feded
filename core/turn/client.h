// A TURN client (RFC 8656) over UDP, sans-IO.
//
// Contract:
//  - Talks to one server from one local address. Allocate() runs the
//    long-term credential dance: the first request goes without credentials,
//    a 401 supplies REALM and NONCE, the request is resent with USERNAME,
//    REALM, NONCE and MESSAGE-INTEGRITY; a 438 replaces the nonce and resends
//    (at most a few times per request). A 401 on a request that already
//    carried credentials means a wrong password: kError, state kFailed.
//  - Requests ride stun::TransactionTable (RFC 8489 retransmissions).
//  - Once allocated it refreshes the allocation a minute before expiry (or
//    halfway for short lifetimes), every permission every 4 minutes and every
//    channel every 9 minutes, for as long as the allocation lives.
//  - The relayed "transport": SendTo(now, peer, data) sends ChannelData if a
//    channel to that peer is confirmed, else a Send indication; if no
//    permission for the peer's IP exists yet it requests one and holds the
//    data until it is confirmed. Data from peers (Data indications and
//    ChannelData) surfaces as kData events with the peer address, so an ICE
//    agent can treat the client as a relay candidate's socket.
//  - Datagrams not from the server address are ignored.
#ifndef CORE_TURN_CLIENT_H_
#define CORE_TURN_CLIENT_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/base/byte_io.h"
#include "core/base/datagram.h"
#include "core/base/rng.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/stun/builder.h"
#include "core/stun/message.h"
#include "core/stun/transaction.h"

namespace simrtc::turn {

struct ClientConfig {
  SocketAddress local;
  SocketAddress server;
  std::string username;
  std::string password;
  TimeDelta lifetime = TimeDelta::Seconds(600);
  std::string software = "simrtc-turn-client";
  stun::TransactionConfig transaction;
};

struct ClientEvent {
  enum class Kind {
    kAllocated,          // relayed / mapped are set
    kPermissionCreated,  // peer.ip() is set
    kChannelBound,       // peer and channel are set
    kData,               // peer and data
    kDeallocated,
    kError,  // error_code (0 for timeouts) and status; see `failed_request`
  };
  Kind kind = Kind::kError;
  SocketAddress relayed;
  SocketAddress mapped;
  SocketAddress peer;
  uint16_t channel = 0;
  std::vector<uint8_t> data;
  int error_code = 0;
  absl::Status status;
  stun::Method failed_request = stun::Method::kAllocate;
};

class Client {
 public:
  enum class State {
    kIdle,
    kAllocating,
    kAllocated,
    kDeallocating,
    kClosed,
    kFailed
  };

  Client(ClientConfig config, Rng rng);

  absl::Status Allocate(Timestamp now);
  absl::Status CreatePermission(Timestamp now, const IpAddress& peer);
  // Channel numbers are picked from 0x4000 upwards.
  absl::Status BindChannel(Timestamp now, const SocketAddress& peer);
  absl::Status SendTo(Timestamp now, const SocketAddress& peer, ByteSpan data);
  // Refresh with LIFETIME 0.
  absl::Status Deallocate(Timestamp now);

  void HandleDatagram(Timestamp now, const Datagram& d);
  void HandleTimeout(Timestamp now);
  std::optional<Transmit> PollTransmit();
  std::optional<ClientEvent> PollEvent();
  std::optional<Timestamp> NextTimeout() const;

  State state() const { return state_; }
  const SocketAddress& local_address() const { return config_.local; }
  const SocketAddress& relayed_address() const { return relayed_; }
  const SocketAddress& mapped_address() const { return mapped_; }
  bool HasPermission(const IpAddress& ip) const {
    auto it = permissions_.find(ip);
    return it != permissions_.end() && it->second.confirmed;
  }
  std::optional<uint16_t> ChannelFor(const SocketAddress& peer) const;

 private:
  struct Pending {
    stun::Method method;
    std::vector<SocketAddress> peers;
    uint16_t channel = 0;
    TimeDelta lifetime;
    bool had_credentials = false;
    int retries = 0;
  };
  struct Permission {
    bool confirmed = false;
    bool pending = false;
    Timestamp refresh_at = Timestamp::Infinite();
    std::vector<std::pair<SocketAddress, std::vector<uint8_t>>> queued;
  };
  struct Channel {
    uint16_t number = 0;
    bool confirmed = false;
    bool pending = false;
    Timestamp refresh_at = Timestamp::Infinite();
  };

  absl::Status SendRequest(Timestamp now, Pending p);
  void HandleResponse(Timestamp now, const stun::TransactionEvent& e);
  void OnSuccess(Timestamp now, const Pending& p, const stun::Message& m);
  void OnFailure(Timestamp now, const Pending& p, int code,
                 absl::Status status);
  void SendIndication(const SocketAddress& peer, ByteSpan data);
  void SendChannelData(uint16_t channel, ByteSpan data);
  void Fail(Timestamp now, stun::Method method, int code, absl::Status status);

  ClientConfig config_;
  Rng rng_;
  State state_ = State::kIdle;
  stun::TransactionTable table_;
  std::map<stun::TransactionId, Pending> pending_;
  std::string realm_, nonce_;
  std::vector<uint8_t> key_;
  SocketAddress relayed_, mapped_;
  Timestamp refresh_at_ = Timestamp::Infinite();
  // When the server lets the allocation go unless refreshed: a refresh
  // that gets no answer is retried until then.
  Timestamp expires_at_ = Timestamp::Infinite();
  bool refresh_pending_ = false;
  std::map<IpAddress, Permission> permissions_;
  std::map<SocketAddress, Channel> channels_;
  uint16_t next_channel_ = 0x4000;
  std::deque<Transmit> transmits_;
  std::deque<ClientEvent> events_;
};

}  // namespace simrtc::turn

#endif  // CORE_TURN_CLIENT_H_
