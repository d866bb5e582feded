// A small driver that runs ICE agents, STUN servers and a test relay
// server over a vnet::Network, with an in-process signalling channel.
//
// The loop is the sans-IO one every driver runs: move time to the earliest
// NextTimeout (network, agents, signalling), deliver what the network
// delivers to the endpoint bound to the datagram's local address (or, for
// mDNS multicast, to the host's agent), call HandleTimeout on whoever is
// due, and drain transmits into Network::Send and events into a log.
// Candidates and end-of-candidates travel between connected agents as SDP
// strings after a signalling delay.
#ifndef TESTS_ICE_ICE_WORLD_H_
#define TESTS_ICE_ICE_WORLD_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/logging.h"
#include "core/base/rng.h"
#include "core/ice/agent.h"
#include "core/ice/mdns_resolver.h"
#include "core/ice/test_util.h"
#include "sim/nodes/stun_server.h"
#include "vnet/network.h"

namespace simrtc::ice::world {

class IceWorld {
 public:
  explicit IceWorld(uint64_t seed);
  ~IceWorld();

  vnet::Network& net() { return net_; }
  Timestamp now() const { return now_; }

  // Topology; failures abort the test (they are programming errors).
  void AddRouter(const vnet::RouterConfig& c);
  void AddHost(const vnet::HostConfig& c);
  IpAddress HostIp(const std::string& host, IpFamily family = IpFamily::kIPv4);

  void AddStunServer(const std::string& host, uint16_t port = 3478);
  SocketAddress StunAddress(const std::string& host, uint16_t port = 3478);
  void AddRelayServer(const std::string& host, uint16_t port = 3479);

  // An agent on `host` with one socket per host address (port `port`).
  // The config's interfaces are filled in; with `use_relay` it gets a
  // FakeRelayAllocator towards every relay server; with `mdns` an
  // MdnsResolver on the host's addresses (the config's mdns_mode decides).
  int AddAgent(const std::string& host, uint16_t port, AgentConfig config,
               bool use_relay = false, bool mdns = false);
  Agent& agent(int i) { return *agents_[i]->agent; }

  // Wires i and j for signalling and starts both: remote credentials (with
  // a=ice-lite when the peer is lite), then gathering; candidates follow
  // through the signalling channel.
  void Connect(int i, int j,
               TimeDelta signalling_delay = TimeDelta::Millis(50));
  // ICE restart of both ends (JSEP: the answerer restarts too); `i` moves
  // to `new_interfaces` when given.
  void Restart(int i, int j,
               std::optional<std::vector<LocalInterface>> new_interfaces = {});

  void RunUntil(Timestamp until);
  bool RunUntil(Timestamp until, const std::function<bool()>& done);
  bool RunFor(TimeDelta d, const std::function<bool()>& done) {
    return RunUntil(now_ + d, done);
  }

  bool Connected(int i) const;
  bool BothConnected(int i, int j) const {
    return Connected(i) && Connected(j);
  }
  std::vector<ConnectionState> States(int i) const;
  // "12.345000s a2 state connected" lines, in order.
  const std::vector<std::string>& log() const { return log_; }
  uint64_t send_failures() const { return send_failures_; }

 private:
  struct AgentSlot {
    std::string host;
    vnet::HostId host_id;
    std::unique_ptr<testing::FakeRelayAllocator> relay;
    std::unique_ptr<MdnsResolver> resolver;
    std::unique_ptr<Agent> agent;
    std::optional<int> peer;
    TimeDelta signalling_delay;
    std::vector<Event> events;
  };
  struct Signal {
    int to;
    std::optional<std::string> candidate;  // nullopt: end-of-candidates
  };

  void Drain();
  void DrainAgent(int i);
  void Deliver(const vnet::Delivery& d);
  void SendFrom(vnet::HostId host, Transmit t);

  Rng rng_;
  vnet::Network net_;
  Timestamp now_ = Timestamp::Zero();
  std::vector<std::unique_ptr<AgentSlot>> agents_;
  struct Stun {
    vnet::HostId host;
    SocketAddress address;
    std::unique_ptr<sim::StunServer> server;
  };
  std::vector<Stun> stun_servers_;
  struct Relay {
    vnet::HostId host;
    std::unique_ptr<testing::FakeRelayServer> server;
  };
  std::vector<Relay> relays_;
  std::multimap<std::pair<Timestamp, uint64_t>, Signal> signals_;
  uint64_t signal_seq_ = 0;
  std::vector<std::string> log_;
  uint64_t send_failures_ = 0;
};

// Common topologies.
// "inet" 203.0.113.0/24 (the public internet) with a STUN server host
// "stun" (203.0.113.10); two LANs "lan_a" 192.168.1.0/24 and "lan_b"
// 192.168.2.0/24 under inet, each behind the given NAT preset ("" = no
// NAT: the LAN is routed), with hosts "a" and "b".
void BuildTwoLans(IceWorld& w, const std::string& nat_a,
                  const std::string& nat_b);

}  // namespace simrtc::ice::world

#endif  // TESTS_ICE_ICE_WORLD_H_
