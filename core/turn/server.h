// A TURN server (RFC 8656) over UDP, sans-IO.
//
// Contract:
//  - Datagrams arrive on two kinds of local addresses, and the driver routes
//    them by `Datagram::local`: the listening addresses (STUN/TURN messages
//    and ChannelData from clients; STUN Binding is answered there too) and
//    the relayed addresses the server handed out (anything from peers).
//    Allocation created/deleted events tell a real driver which relayed
//    addresses to open and close.
//  - Long-term credentials (RFC 8489 9.2): an unauthenticated request gets
//    401 with REALM and NONCE. Nonces are stateless (expiry time + HMAC under
//    a secret drawn from the injected Rng), so a flood of first requests costs
//    no memory; an expired nonce gets 438 with a fresh one. Every request
//    except Binding must carry a MESSAGE-INTEGRITY that verifies under the
//    key the AuthHandler returns for its USERNAME, and requests on an
//    existing allocation must use the allocation's username (441).
//  - Nothing is relayed for a 5-tuple without an allocation, and nothing
//    crosses the relay (either direction) for a peer IP without an unexpired
//    permission (300 s, refreshed by CreatePermission or ChannelBind).
//    Channels last 600 s. Expiry is checked at use time, so relaying never
//    depends on when HandleTimeout was last called.
//  - Quotas: allocations per username (486) and in total (508).
//  - Only UDP relaying (REQUESTED-TRANSPORT 17, else 442) and IPv4/IPv6 as
//    the relay generator provides. EVEN-PORT is honoured (an even port is
//    chosen); reservations are not kept, so RESERVATION-TOKEN gets 508.
//  - Iteration over allocations is ordered (std::map), so outputs are
//    deterministic.
#ifndef CORE_TURN_SERVER_H_
#define CORE_TURN_SERVER_H_

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/datagram.h"
#include "core/base/rng.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/stun/builder.h"
#include "core/stun/message.h"

namespace simrtc::turn {

using LongTermKey = std::array<uint8_t, 16>;

// Returns the long-term key (stun::LongTermKey(user, realm, password)) for a
// username, or nullopt to refuse it. `source` is the client's address.
using AuthHandler = std::function<std::optional<LongTermKey>(
    std::string_view username, std::string_view realm,
    const SocketAddress& source)>;

// An AuthHandler over a fixed user -> password table.
AuthHandler StaticUsers(std::map<std::string, std::string> user_to_password);

// Picks relayed transport addresses: a set of IPs and a port range. A port
// in use (per `in_use`) is never returned twice.
class RelayAddressGenerator {
 public:
  // One IP, ports [min_port, max_port].
  static RelayAddressGenerator Static(IpAddress ip, uint16_t min_port,
                                      uint16_t max_port);
  // Consecutive IPv4 addresses first..last, each with the port range.
  static absl::StatusOr<RelayAddressGenerator> Range(IpAddress first,
                                                     IpAddress last,
                                                     uint16_t min_port,
                                                     uint16_t max_port);

  std::optional<SocketAddress> Allocate(IpFamily family, bool even_port,
                                        const std::set<SocketAddress>& in_use,
                                        Rng& rng) const;
  const std::vector<IpAddress>& ips() const { return ips_; }

 private:
  std::vector<IpAddress> ips_;
  uint16_t min_port_ = 49152;
  uint16_t max_port_ = 65535;
};

struct ServerConfig {
  std::string realm = "simrtc";
  std::string software = "simrtc-turn";
  AuthHandler auth;
  RelayAddressGenerator relay =
      RelayAddressGenerator::Static(IpAddress::V4(127, 0, 0, 1), 49152, 65535);
  TimeDelta nonce_lifetime = TimeDelta::Seconds(600);
  TimeDelta default_lifetime = TimeDelta::Seconds(600);
  TimeDelta max_lifetime = TimeDelta::Seconds(3600);
  TimeDelta permission_lifetime = TimeDelta::Seconds(300);
  TimeDelta channel_lifetime = TimeDelta::Seconds(600);
  size_t max_allocations_per_user = 10;
  size_t max_allocations = 10000;
};

struct FiveTuple {
  SocketAddress client;
  SocketAddress server;  // the listening address the client talks to
  friend auto operator<=>(const FiveTuple&, const FiveTuple&) = default;
  friend bool operator==(const FiveTuple&, const FiveTuple&) = default;
};

struct AllocationInfo {
  FiveTuple five_tuple;
  std::string username;
  SocketAddress relayed;
  Timestamp expires;
  std::vector<IpAddress> permissions;  // unexpired, sorted
  std::vector<std::pair<uint16_t, SocketAddress>> channels;  // sorted
};

struct ServerEvent {
  enum class Kind { kAllocationCreated, kAllocationDeleted };
  Kind kind;
  FiveTuple five_tuple;
  std::string username;
  SocketAddress relayed;
};

struct ServerStats {
  uint64_t relayed_to_peers = 0;
  uint64_t relayed_to_clients = 0;
  uint64_t dropped_no_permission = 0;
  uint64_t dropped_no_allocation = 0;
  uint64_t auth_failures = 0;
};

class Server {
 public:
  Server(ServerConfig config, Rng rng);

  void HandleDatagram(Timestamp now, const Datagram& d);
  // Same, without copying the payload (the hot relay path).
  void HandleDatagram(Timestamp now, const SocketAddress& local,
                      const SocketAddress& remote, ByteSpan payload);
  void HandleTimeout(Timestamp now);
  std::optional<Transmit> PollTransmit();
  std::optional<ServerEvent> PollEvent();
  std::optional<Timestamp> NextTimeout() const;

  // Admin API.
  std::vector<AllocationInfo> ListAllocations(Timestamp now) const;
  // Deletes every allocation of `username`; returns how many.
  size_t DeleteAllocationsForUser(std::string_view username);
  size_t allocation_count() const { return allocations_.size(); }
  const ServerStats& stats() const { return stats_; }
  bool IsRelayedAddress(const SocketAddress& a) const {
    return by_relay_.contains(a);
  }

 private:
  struct Allocation {
    FiveTuple five_tuple;
    std::string username;
    LongTermKey key{};
    SocketAddress relayed;
    Timestamp expires;
    std::map<IpAddress, Timestamp> permissions;
    struct Channel {
      SocketAddress peer;
      Timestamp expires;
    };
    std::map<uint16_t, Channel> channels;
    std::map<SocketAddress, uint16_t> peer_channels;
    stun::TransactionId allocate_txid;
    std::vector<uint8_t> allocate_response;  // for retransmitted Allocates
  };

  void HandleFromClient(Timestamp now, const SocketAddress& local,
                        const SocketAddress& remote, ByteSpan payload);
  void HandleFromPeer(Timestamp now, const SocketAddress& local,
                      const SocketAddress& remote, ByteSpan payload);
  void HandleChannelData(Timestamp now, const FiveTuple& ft, ByteSpan payload);
  void HandleSendIndication(Timestamp now, const FiveTuple& ft,
                            const stun::Message& msg);
  void HandleRequest(Timestamp now, const FiveTuple& ft,
                     const stun::Message& msg);
  void HandleAllocate(Timestamp now, const FiveTuple& ft,
                      const stun::Message& msg, const std::string& user,
                      const LongTermKey& key);
  void HandleRefresh(Timestamp now, Allocation& a, const stun::Message& msg);
  void HandleCreatePermission(Timestamp now, Allocation& a,
                              const stun::Message& msg);
  void HandleChannelBind(Timestamp now, Allocation& a,
                         const stun::Message& msg);

  void SendError(const FiveTuple& ft, const stun::Message& req, int code,
                 const LongTermKey* key, bool with_nonce, Timestamp now,
                 std::string_view reason = {});
  void SendSuccess(const FiveTuple& ft, const stun::Message& req,
                   const LongTermKey& key,
                   const std::function<void(stun::MessageBuilder&)>& attrs);
  void Send(const SocketAddress& local, const SocketAddress& remote,
            std::vector<uint8_t> bytes);
  std::string MakeNonce(Timestamp now);
  bool NonceValid(std::string_view nonce, Timestamp now) const;
  void Delete(std::map<FiveTuple, Allocation>::iterator it);
  static bool HasPermission(const Allocation& a, const IpAddress& ip,
                            Timestamp now);

  ServerConfig config_;
  Rng rng_;
  std::array<uint8_t, 32> nonce_secret_{};
  std::map<FiveTuple, Allocation> allocations_;
  std::map<SocketAddress, FiveTuple> by_relay_;
  std::map<std::string, size_t, std::less<>> per_user_;
  std::deque<Transmit> transmits_;
  std::deque<ServerEvent> events_;
  ServerStats stats_;
};

}  // namespace simrtc::turn

#endif  // CORE_TURN_SERVER_H_
