#include "sim/node_factory.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "core/base/status_macros.h"
#include "sim/nodes/bulk_receiver.h"
#include "sim/nodes/bulk_sender.h"
#include "sim/nodes/echo_server.h"
#include "sim/nodes/ice_agent_node.h"
#include "sim/nodes/nat_discovery_client.h"
#include "sim/nodes/nat_discovery_server.h"
#include "sim/nodes/peer_node.h"
#include "sim/nodes/ping_client.h"
#include "sim/nodes/stun_client.h"
#include "sim/nodes/stun_server.h"
#include "sim/nodes/turn_server_node.h"

namespace simrtc::sim {
namespace {

// Fields were validated by Scenario::Parse; a failure here is a bug, but
// still reported as a value rather than a crash.
absl::StatusOr<TimeDelta> Duration(const std::string& text) {
  return ParseDuration(text);
}

absl::StatusOr<std::unique_ptr<Node>> CreateIceAgent(
    const scenarios::IceAgent& p, const vnet::Network& network,
    vnet::HostId host, Rng rng) {
  IceAgentNodeConfig c;
  c.peer = p.peer();
  c.addresses = network.HostAddresses(host);
  if (p.has_port()) c.port = static_cast<uint16_t>(p.port());
  c.agent.role =
      p.controlling() ? ice::Role::kControlling : ice::Role::kControlled;
  c.agent.lite = p.lite();
  for (const std::string& s : p.stun_server()) {
    SIMRTC_ASSIGN_OR_RETURN(SocketAddress a, ResolveEndpoint(network, s));
    c.agent.stun_servers.push_back(a);
  }
  for (const scenarios::TurnServerRef& t : p.turn_server()) {
    ice::TurnServerConfig tc;
    SIMRTC_ASSIGN_OR_RETURN(tc.address, ResolveEndpoint(network, t.server()));
    tc.username = t.username();
    tc.password = t.password();
    c.turn_servers.push_back(std::move(tc));
  }
  for (const std::string& type : p.candidate_type()) {
    if (type == "host") {
      c.agent.candidate_types.push_back(ice::CandidateType::kHost);
    } else if (type == "srflx") {
      c.agent.candidate_types.push_back(ice::CandidateType::kServerReflexive);
    } else if (type == "relay") {
      c.agent.candidate_types.push_back(ice::CandidateType::kRelay);
    } else {
      return absl::InvalidArgumentError(absl::StrFormat(
          "candidate_type \"%s\": use host, srflx or relay", type));
    }
  }
  if (p.nomination() == "aggressive") {
    c.agent.nomination = ice::NominationMode::kAggressive;
  }
  if (p.restart_on() == "disconnected") {
    c.restart = IceRestartPolicy::kOnDisconnected;
  } else if (p.restart_on() == "failed") {
    c.restart = IceRestartPolicy::kOnFailed;
  }
  if (p.has_data_interval()) {
    SIMRTC_ASSIGN_OR_RETURN(c.data_interval, Duration(p.data_interval()));
  }
  if (p.has_data_size()) c.data_size = p.data_size();
  if (p.has_signaling_delay()) {
    SIMRTC_ASSIGN_OR_RETURN(c.signaling_delay, Duration(p.signaling_delay()));
  }
  if (p.has_disconnected_timeout()) {
    SIMRTC_ASSIGN_OR_RETURN(c.agent.disconnected_timeout,
                            Duration(p.disconnected_timeout()));
  }
  if (p.has_failed_timeout()) {
    SIMRTC_ASSIGN_OR_RETURN(c.agent.failed_timeout,
                            Duration(p.failed_timeout()));
  }
  // Agent::Create validates the rest when the node starts; check now so a
  // bad combination is a load error with the node's location.
  ice::AgentConfig probe = c.agent;
  for (const IpAddress& ip : c.addresses) {
    ice::LocalInterface itf;
    itf.address = SocketAddress(ip, c.port);
    probe.interfaces.push_back(itf);
  }
  SIMRTC_RETURN_IF_ERROR(probe.Validate());
  return std::make_unique<IceAgentNode>(std::move(c), std::move(rng));
}

// Simulated peers share one RSA certificate: generating RSA keys is slow,
// and RSA's fixed-length signatures keep packet sizes (so traces)
// independent of BoringSSL's entropy. Each peer still checks the other's
// fingerprint.
absl::StatusOr<dtls::Certificate> SimulationCertificate() {
  static const absl::StatusOr<dtls::Certificate>* cert = [] {
    dtls::CertificateOptions o;
    o.key_type = dtls::KeyType::kRsa2048;
    o.common_name = "simrtc-sim";
    return new absl::StatusOr<dtls::Certificate>(
        dtls::Certificate::Generate(o));
  }();
  return *cert;
}

absl::StatusOr<std::unique_ptr<Node>> CreatePeer(const scenarios::Peer& p,
                                                 const vnet::Network& network,
                                                 vnet::HostId host, Rng rng) {
  PeerNodeConfig c;
  c.peer = p.peer();
  c.offerer = p.offerer();
  c.addresses = network.HostAddresses(host);
  if (p.has_port()) c.port = static_cast<uint16_t>(p.port());
  for (const std::string& s : p.stun_server()) {
    SIMRTC_ASSIGN_OR_RETURN(SocketAddress a, ResolveEndpoint(network, s));
    c.pc.ice_servers.push_back({{"stun:" + a.ToString()}, "", ""});
  }
  for (const scenarios::TurnServerRef& t : p.turn_server()) {
    SIMRTC_ASSIGN_OR_RETURN(SocketAddress a,
                            ResolveEndpoint(network, t.server()));
    c.pc.ice_servers.push_back({{"turn:" + a.ToString() + "?transport=udp"},
                                t.username(),
                                t.password()});
  }
  if (p.ice_transport_policy() == "relay") {
    c.pc.ice_transport_policy = peer::IceTransportPolicy::kRelay;
  }
  SIMRTC_ASSIGN_OR_RETURN(c.pc.certificate, SimulationCertificate());
  if (p.has_signaling_delay()) {
    SIMRTC_ASSIGN_OR_RETURN(c.signaling_delay, Duration(p.signaling_delay()));
  }
  if (p.has_trickle()) c.trickle = p.trickle();
  if (p.has_disconnected_timeout()) {
    SIMRTC_ASSIGN_OR_RETURN(c.pc.ice.disconnected_timeout,
                            Duration(p.disconnected_timeout()));
  }
  if (p.has_failed_timeout()) {
    SIMRTC_ASSIGN_OR_RETURN(c.pc.ice.failed_timeout,
                            Duration(p.failed_timeout()));
  }
  if (p.has_restart_ice_at()) {
    SIMRTC_ASSIGN_OR_RETURN(c.restart_ice_at, Duration(p.restart_ice_at()));
  }
  if (p.has_close_at()) {
    SIMRTC_ASSIGN_OR_RETURN(c.close_at, Duration(p.close_at()));
  }
  for (const std::string& t : p.transceiver()) {
    c.transceivers.push_back(t == "video" ? peer::MediaKind::kVideo
                                          : peer::MediaKind::kAudio);
  }
  for (const scenarios::DataChannelWorkload& d : p.channel()) {
    ChannelWorkload w;
    w.label = d.label();
    w.bulk = d.mode() == "bulk";
    w.init.ordered = !d.unordered();
    if (d.has_max_retransmits()) {
      w.init.max_retransmits = static_cast<uint16_t>(d.max_retransmits());
    }
    if (d.has_max_packet_life_time_ms()) {
      w.init.max_packet_life_time_ms =
          static_cast<uint16_t>(d.max_packet_life_time_ms());
    }
    if (d.has_bytes()) w.bytes = d.bytes();
    w.message_size =
        d.has_message_size() ? d.message_size() : (w.bulk ? 16384 : 1024);
    if (d.has_messages()) w.messages = d.messages();
    if (d.has_interval()) {
      SIMRTC_ASSIGN_OR_RETURN(w.interval, Duration(d.interval()));
    }
    if (d.has_start_at()) {
      SIMRTC_ASSIGN_OR_RETURN(w.start_at, Duration(d.start_at()));
    }
    if (d.has_count()) w.count = d.count();
    c.channels.push_back(std::move(w));
  }
  if (absl::Status s = c.pc.Validate(); !s.ok()) return s;
  return std::make_unique<PeerNode>(std::move(c), std::move(rng));
}

absl::StatusOr<std::unique_ptr<Node>> CreateTurnServer(
    const scenarios::TurnServer& p, const vnet::Network& network,
    vnet::HostId host, Rng rng) {
  TurnServerNodeConfig c;
  if (p.has_port()) c.port = static_cast<uint16_t>(p.port());
  if (p.has_relay_port_min()) c.relay_port_min = p.relay_port_min();
  if (p.has_relay_port_max()) c.relay_port_max = p.relay_port_max();
  if (c.relay_port_min == 0 || c.relay_port_min > c.relay_port_max ||
      p.relay_port_max() > 65535) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "relay ports %d..%d: need 1 <= relay_port_min <= relay_port_max <= "
        "65535",
        c.relay_port_min,
        p.has_relay_port_max() ? p.relay_port_max() : c.relay_port_max));
  }
  IpAddress relay_ip;
  const std::vector<IpAddress> own = network.HostAddresses(host);
  if (p.has_relay_address()) {
    SIMRTC_ASSIGN_OR_RETURN(relay_ip, IpAddress::Parse(p.relay_address()));
    if (std::find(own.begin(), own.end(), relay_ip) == own.end()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "relay_address %s is not an address of the host", p.relay_address()));
    }
  } else if (!own.empty()) {
    relay_ip = own.front();
  } else {
    return absl::InvalidArgumentError("the host has no address to relay on");
  }
  std::map<std::string, std::string> users;
  for (const std::string& u : p.user()) {
    const size_t eq = u.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("user \"%s\": expected name=password", u));
    }
    users[u.substr(0, eq)] = u.substr(eq + 1);
  }
  if (users.empty()) {
    return absl::InvalidArgumentError(
        "no user: add user: \"name=password\" (TURN needs credentials)");
  }
  c.server.auth = turn::StaticUsers(std::move(users));
  if (p.has_realm()) c.server.realm = p.realm();
  c.server.relay = turn::RelayAddressGenerator::Static(
      relay_ip, c.relay_port_min, c.relay_port_max);
  if (p.has_max_allocations_per_user()) {
    c.server.max_allocations_per_user =
        static_cast<size_t>(p.max_allocations_per_user());
  }
  if (p.has_max_allocations()) {
    c.server.max_allocations = static_cast<size_t>(p.max_allocations());
  }
  return std::make_unique<TurnServerNode>(std::move(c), std::move(rng));
}

}  // namespace

absl::StatusOr<SocketAddress> ResolveEndpoint(const vnet::Network& network,
                                              std::string_view text) {
  SIMRTC_ASSIGN_OR_RETURN(EndpointRef ref, ParseEndpoint(text));
  if (ref.literal.has_value()) return *ref.literal;
  std::vector<IpAddress> candidates;
  std::string what;
  if (std::optional<vnet::HostId> h = network.FindHost(ref.name)) {
    candidates = network.HostAddresses(*h);
    what = absl::StrFormat("host \"%s\"", ref.name);
  } else if (std::optional<vnet::RouterId> r = network.FindRouter(ref.name)) {
    const vnet::RouterConfig& rc = network.router_config(*r);
    candidates = rc.nat.has_value() && !rc.nat->public_ips.empty()
                     ? rc.nat->public_ips
                     : rc.wan_addresses;
    what = absl::StrFormat("router \"%s\"", ref.name);
  } else {
    return absl::NotFoundError(absl::StrFormat(
        "endpoint \"%s\": unknown host or router \"%s\"", text, ref.name));
  }
  if (ref.index >= static_cast<int>(candidates.size())) {
    return absl::InvalidArgumentError(
        absl::StrFormat("endpoint \"%s\": %s has %d address(es), no #%d", text,
                        what, candidates.size(), ref.index));
  }
  return SocketAddress(candidates[ref.index], ref.port);
}

absl::StatusOr<std::unique_ptr<Node>> CreateNode(const NodeSpec& spec,
                                                 const vnet::Network& network,
                                                 vnet::HostId host, Rng rng) {
  const scenarios::Node& n = spec.proto;
  switch (n.kind_case()) {
    case scenarios::Node::kEchoServer: {
      const auto& p = n.echo_server();
      EchoServerConfig c;
      if (p.has_port()) c.port = static_cast<uint16_t>(p.port());
      if (p.has_reply_delay()) {
        SIMRTC_ASSIGN_OR_RETURN(c.reply_delay, Duration(p.reply_delay()));
      }
      if (p.has_replies_per_request()) {
        c.replies_per_request = p.replies_per_request();
      }
      if (p.has_reply_interval()) {
        SIMRTC_ASSIGN_OR_RETURN(c.reply_interval, Duration(p.reply_interval()));
      }
      if (p.has_keepalive_target()) {
        SIMRTC_ASSIGN_OR_RETURN(c.keepalive_target,
                                ResolveEndpoint(network, p.keepalive_target()));
      }
      if (p.has_keepalive_interval()) {
        SIMRTC_ASSIGN_OR_RETURN(c.keepalive_interval,
                                Duration(p.keepalive_interval()));
      }
      return std::make_unique<EchoServer>(c);
    }
    case scenarios::Node::kPing: {
      const auto& p = n.ping();
      PingConfig c;
      SIMRTC_ASSIGN_OR_RETURN(c.target, ResolveEndpoint(network, p.target()));
      if (p.has_local_port())
        c.local_port = static_cast<uint16_t>(p.local_port());
      if (p.has_count()) c.count = p.count();
      if (p.has_interval()) {
        SIMRTC_ASSIGN_OR_RETURN(c.interval, Duration(p.interval()));
      }
      if (p.has_payload_size()) c.payload_size = p.payload_size();
      if (p.has_timeout()) {
        SIMRTC_ASSIGN_OR_RETURN(c.timeout, Duration(p.timeout()));
      }
      return std::make_unique<PingClient>(c);
    }
    case scenarios::Node::kBulkSender: {
      const auto& p = n.bulk_sender();
      BulkSenderConfig c;
      SIMRTC_ASSIGN_OR_RETURN(c.target, ResolveEndpoint(network, p.target()));
      if (p.has_local_port())
        c.local_port = static_cast<uint16_t>(p.local_port());
      if (p.has_packet_size()) c.packet_size = p.packet_size();
      if (p.has_rate_bps()) c.rate_bps = p.rate_bps();
      if (p.has_window_packets()) c.window_packets = p.window_packets();
      if (p.has_ack_timeout()) {
        SIMRTC_ASSIGN_OR_RETURN(c.ack_timeout, Duration(p.ack_timeout()));
      }
      if (p.has_duration()) {
        SIMRTC_ASSIGN_OR_RETURN(c.duration, Duration(p.duration()));
      }
      if (p.has_max_packets()) c.max_packets = p.max_packets();
      return std::make_unique<BulkSender>(c);
    }
    case scenarios::Node::kBulkReceiver: {
      const auto& p = n.bulk_receiver();
      BulkReceiverConfig c;
      if (p.has_port()) c.port = static_cast<uint16_t>(p.port());
      if (p.has_ack()) c.ack = p.ack();
      if (p.has_overhead_bytes()) c.overhead_bytes = p.overhead_bytes();
      return std::make_unique<BulkReceiver>(c);
    }
    case scenarios::Node::kStunServer: {
      const auto& p = n.stun_server();
      StunServerConfig c;
      if (p.has_port()) c.port = static_cast<uint16_t>(p.port());
      c.software = p.software();
      return std::make_unique<StunServer>(c);
    }
    case scenarios::Node::kStunClient: {
      const auto& p = n.stun_client();
      StunClientConfig c;
      SIMRTC_ASSIGN_OR_RETURN(c.server, ResolveEndpoint(network, p.server()));
      if (p.has_local_port())
        c.local_port = static_cast<uint16_t>(p.local_port());
      if (p.has_count()) c.count = p.count();
      if (p.has_interval()) {
        SIMRTC_ASSIGN_OR_RETURN(c.interval, Duration(p.interval()));
      }
      if (p.has_rto()) {
        SIMRTC_ASSIGN_OR_RETURN(c.rto, Duration(p.rto()));
      }
      if (p.has_attempts()) c.attempts = p.attempts();
      return std::make_unique<StunClient>(c, rng);
    }
    case scenarios::Node::kNatDiscoveryServer: {
      const auto& p = n.nat_discovery_server();
      const std::vector<IpAddress> own = network.HostAddresses(host);
      NatDiscoveryServerConfig c;
      const auto pick =
          [&](bool has, const std::string& text, size_t index,
              std::string_view field) -> absl::StatusOr<IpAddress> {
        if (has) {
          SIMRTC_ASSIGN_OR_RETURN(IpAddress ip, IpAddress::Parse(text));
          if (std::find(own.begin(), own.end(), ip) == own.end()) {
            return absl::InvalidArgumentError(
                absl::StrFormat("%s %s is not an address of host \"%s\"", field,
                                text, n.host()));
          }
          return ip;
        }
        if (index >= own.size()) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "needs two addresses on host \"%s\" (it has %d); give the host "
              "two `address` entries",
              n.host(), own.size()));
        }
        return own[index];
      };
      SIMRTC_ASSIGN_OR_RETURN(
          c.primary_ip, pick(p.has_primary_address(), p.primary_address(), 0,
                             "primary_address"));
      SIMRTC_ASSIGN_OR_RETURN(
          c.alternate_ip, pick(p.has_alternate_address(), p.alternate_address(),
                               1, "alternate_address"));
      if (p.has_primary_port())
        c.primary_port = static_cast<uint16_t>(p.primary_port());
      if (p.has_alternate_port()) {
        c.alternate_port = static_cast<uint16_t>(p.alternate_port());
      }
      if (c.primary_ip == c.alternate_ip ||
          c.primary_port == c.alternate_port) {
        return absl::InvalidArgumentError(
            "primary and alternate must differ in both address and port");
      }
      return std::make_unique<NatDiscoveryServer>(c);
    }
    case scenarios::Node::kNatDiscoveryClient: {
      const auto& p = n.nat_discovery_client();
      NatDiscoveryClientConfig c;
      SIMRTC_ASSIGN_OR_RETURN(c.server, ResolveEndpoint(network, p.server()));
      if (p.has_mapping_port())
        c.mapping_port = static_cast<uint16_t>(p.mapping_port());
      if (p.has_filtering_port()) {
        c.filtering_port = static_cast<uint16_t>(p.filtering_port());
      }
      if (p.has_rto()) {
        SIMRTC_ASSIGN_OR_RETURN(c.rto, Duration(p.rto()));
      }
      if (p.has_attempts()) c.attempts = p.attempts();
      return std::make_unique<NatDiscoveryClient>(c, rng);
    }
    case scenarios::Node::kIceAgent:
      return CreateIceAgent(n.ice_agent(), network, host, std::move(rng));
    case scenarios::Node::kPeer:
      return CreatePeer(n.peer(), network, host, std::move(rng));
    case scenarios::Node::kTurnServer:
      return CreateTurnServer(n.turn_server(), network, host, std::move(rng));
    case scenarios::Node::KIND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("no node kind set");
}

}  // namespace simrtc::sim
