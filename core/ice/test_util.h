// Test doubles for the ICE agent's hooks: an in-memory NameResolver, a
// RelayAllocator speaking a tiny private relay protocol, the matching relay
// server, and helpers that run agents against each other in memory.
//
// The relay protocol stands in for TURN (core/turn will provide the real
// allocator): every message starts with 0xFF 'R' and an op byte.
//   client -> server  'A'                           allocate
//                     'P' addr                      permit addr's IP
//                     'S' addr payload              send payload to addr
//                     'F'                           free the allocation
//   server -> client  'a' relayed-addr mapped-addr  allocated
//                     'D' addr payload              payload from addr
// An address is family (4|6), the IP bytes, then the port (big-endian).
// The server relays only from peers whose IP was permitted, as TURN does.
#ifndef CORE_ICE_TEST_UTIL_H_
#define CORE_ICE_TEST_UTIL_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/byte_io.h"
#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/ice/agent.h"
#include "core/ice/relay.h"
#include "core/ice/resolver.h"

namespace simrtc::ice::testing {

// ---- mDNS -------------------------------------------------------------------

// Shared "LAN" of names: resolvers publishing into the same registry see
// each other's names.
struct FakeMdnsRegistry {
  std::map<std::string, IpAddress> names;
};

class FakeResolver : public NameResolver {
 public:
  // `delay` models the multicast round trip; answers come out of
  // PollResolution once HandleTimeout reached them (zero: at once).
  explicit FakeResolver(FakeMdnsRegistry* registry,
                        TimeDelta delay = TimeDelta::Zero())
      : registry_(registry), delay_(delay) {}

  absl::StatusOr<ResolveId> Resolve(Timestamp now, std::string_view name,
                                    IpFamily family) override;
  void Cancel(ResolveId id) override;
  absl::Status Publish(Timestamp now, std::string_view name,
                       const IpAddress& address) override;
  absl::Status Unpublish(Timestamp now, std::string_view name) override;
  std::optional<NameResolution> PollResolution() override;
  void HandleTimeout(Timestamp now) override { now_ = now; }
  std::optional<Timestamp> NextTimeout() const override;

  const std::set<std::string>& published() const { return published_; }
  int resolves() const { return resolves_; }

 private:
  struct Pending {
    ResolveId id;
    std::string name;
    IpFamily family;
    Timestamp due;
  };
  FakeMdnsRegistry* registry_;
  TimeDelta delay_;
  Timestamp now_;
  ResolveId next_id_ = 1;
  std::deque<Pending> pending_;
  std::set<std::string> published_;
  int resolves_ = 0;
};

// ---- Relay ------------------------------------------------------------------

std::vector<uint8_t> EncodeRelayAddress(const SocketAddress& a);
// Reads an address at *offset and advances it; nullopt when malformed.
std::optional<SocketAddress> DecodeRelayAddress(ByteSpan b, size_t* offset);

// Allocations from one relay server per family, over the network (the
// server is a FakeRelayServer reached through Transmits).
class FakeRelayAllocator : public RelayAllocator {
 public:
  explicit FakeRelayAllocator(std::vector<SocketAddress> servers)
      : servers_(std::move(servers)) {}

  absl::Status Allocate(Timestamp now, const SocketAddress& base) override;
  absl::Status Send(Timestamp now, RelayHandle handle,
                    const SocketAddress& peer, ByteSpan payload) override;
  void Permit(Timestamp now, RelayHandle handle,
              const IpAddress& peer) override;
  void Release(Timestamp now, RelayHandle handle) override;
  bool HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override;
  std::optional<Transmit> PollTransmit() override;
  std::optional<RelayEvent> PollEvent() override;

  // Test control: make the allocation die (RelayLost).
  void Lose(RelayHandle handle);
  size_t allocations() const { return allocs_.size(); }
  const std::set<std::pair<RelayHandle, IpAddress>>& permits() const {
    return permits_;
  }
  uint64_t sends() const { return sends_; }

 private:
  struct Alloc {
    SocketAddress base;
    SocketAddress server;
    bool granted = false;
    Timestamp retry_at;
    int attempts = 0;
  };
  void SendAllocate(Timestamp now, Alloc& a);
  std::vector<SocketAddress> servers_;
  RelayHandle next_handle_ = 1;
  std::map<RelayHandle, Alloc> allocs_;
  std::set<std::pair<RelayHandle, IpAddress>> permits_;
  std::deque<Transmit> transmits_;
  std::deque<RelayEvent> events_;
  uint64_t sends_ = 0;
};

// The server side, sans-IO: one allocation per client 5-tuple, relayed
// ports allocated upwards from 50000 on `relay_ip`.
class FakeRelayServer {
 public:
  FakeRelayServer(SocketAddress listen, IpAddress relay_ip)
      : listen_(listen), relay_ip_(relay_ip) {}
  // Whether a datagram addressed to `d.local` is this server's business
  // (its listening address or one of its relayed addresses).
  bool Owns(const SocketAddress& local) const;
  void HandleDatagram(Timestamp now, const Datagram& d);
  std::optional<Transmit> PollTransmit();
  const SocketAddress& listen() const { return listen_; }
  uint64_t relayed_packets() const { return relayed_; }
  uint64_t refused_packets() const { return refused_; }

 private:
  struct Allocation {
    SocketAddress client;
    SocketAddress relayed;
    std::set<IpAddress> permitted;
  };
  SocketAddress listen_;
  IpAddress relay_ip_;
  uint16_t next_port_ = 50000;
  std::map<SocketAddress, Allocation> by_client_;
  std::map<SocketAddress, SocketAddress> client_of_relayed_;
  std::deque<Transmit> transmits_;
  uint64_t relayed_ = 0;
  uint64_t refused_ = 0;
};

// ---- In-memory harness ------------------------------------------------------

// Two agents wired back to back without NATs or loss: every transmit from
// one is delivered to the other after `latency` if its destination is one
// of the other's host or relayed addresses (relays in memory go through an
// optional FakeRelayServer). Candidates are trickled immediately, in their
// SDP form, and credentials exchanged by Start().
class AgentPair {
 public:
  AgentPair(std::unique_ptr<Agent> a, std::unique_ptr<Agent> b,
            TimeDelta latency = TimeDelta::Millis(10));
  Agent& a() { return *a_; }
  Agent& b() { return *b_; }
  Timestamp now() const { return now_; }
  // Optional relay server both agents can reach.
  void set_relay_server(FakeRelayServer* s) { relay_server_ = s; }
  // Drops packets from `from` (true = agent a) while set.
  void set_blackhole(bool a_to_b, bool b_to_a) {
    drop_a_to_b_ = a_to_b;
    drop_b_to_a_ = b_to_a;
  }
  // Exchanges credentials and starts gathering on both.
  void Start(bool trickle = true);
  // Runs until `until` or until the predicate holds.
  void RunUntil(Timestamp until);
  bool RunUntil(Timestamp until, const std::function<bool()>& done);
  const std::vector<Event>& events_a() const { return events_a_; }
  const std::vector<Event>& events_b() const { return events_b_; }
  uint64_t delivered() const { return delivered_; }

 private:
  struct InFlight {
    Timestamp at;
    uint64_t seq;
    int to;  // 0 = a, 1 = b, 2 = relay server
    Datagram d;
  };
  void Drain();
  void Route(int from, Transmit t);
  bool Owns(Agent& agent, const SocketAddress& addr) const;
  std::unique_ptr<Agent> a_, b_;
  TimeDelta latency_;
  Timestamp now_ = Timestamp::Zero();
  FakeRelayServer* relay_server_ = nullptr;
  bool drop_a_to_b_ = false;
  bool drop_b_to_a_ = false;
  uint64_t seq_ = 0;
  uint64_t delivered_ = 0;
  std::multimap<std::pair<Timestamp, uint64_t>, InFlight> flight_;
  std::vector<Event> events_a_, events_b_;
};

// ---- Fuzzing ----------------------------------------------------------------

// The agent the fuzzer attacks, in a fixed state: credentials
// kFuzzLocal/kFuzzPeer, one IPv4 and one IPv6 socket, the peer's host
// candidate added, remote credentials set, gathering complete and the
// first connectivity check sent at `*now` (its bytes in *first_check).
// Deterministic, so a corpus generator can answer that check.
inline constexpr std::string_view kFuzzLocalUfrag = "FUZZ";
inline constexpr std::string_view kFuzzLocalPwd = "fuzzpassword0123456789";
inline constexpr std::string_view kFuzzPeerUfrag = "PEER";
inline constexpr std::string_view kFuzzPeerPwd = "peerpassword0123456789";
SocketAddress FuzzLocalAddress();
SocketAddress FuzzPeerAddress();
std::unique_ptr<Agent> MakeFuzzAgent(Role role, Timestamp* now,
                                     std::vector<uint8_t>* first_check);

// Stable one-line description of an event, for determinism comparisons.
std::string DescribeEvent(const Event& e);

// A full agent config on one host socket.
AgentConfig SimpleConfig(Role role, const SocketAddress& address,
                         std::string ufrag, std::string pwd);

}  // namespace simrtc::ice::testing

#endif  // CORE_ICE_TEST_UTIL_H_
