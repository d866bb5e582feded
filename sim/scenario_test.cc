#include "sim/scenario.h"

#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::sim {
namespace {

using ::testing::HasSubstr;

constexpr char kValid[] = R"scenario(
name: "t"
duration: "10s"
topology {
  router { name: "internet" subnet: "198.51.100.0/24" }
  router {
    name: "home"
    parent: "internet"
    subnet: "192.168.1.0/24"
    nat { preset: "symmetric" filtering: EIF binding_lifetime: "30s" }
    uplink { both { delay: "5ms" loss: 0.1 } up { loss: 0 bandwidth_bps: 1000 } }
  }
  host { name: "alice" router: "home" }
  host { name: "server" router: "internet" }
}
node { name: "echo" host: "server" echo_server {} }
node { name: "ping" host: "alice" start_at: "1s" ping { target: "server:7" } }
timeline { at: "2s" set_link { host: "alice" link { both { delay: "1ms" } } } }
timeline { at: "3s" flush_nat: "home" }
expect { node: "ping" metric: "rtt_avg_ms" min: 10 max: 11 }
expect { node: "ping" state: "done" by: "9s" }
)scenario";

// Replaces the first occurrence of `from` in kValid.
std::string Mutate(const std::string& from, const std::string& to) {
  std::string s = kValid;
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<Scenario> s = Scenario::Parse("t.textproto", text);
  EXPECT_FALSE(s.ok());
  return s.ok() ? "" : std::string(s.status().message());
}

TEST(ScenarioTest, ParsesAndConverts) {
  absl::StatusOr<Scenario> s = Scenario::Parse("t.textproto", kValid);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name(), "t");
  EXPECT_EQ(s->seed(), 1u);  // the proto default
  EXPECT_EQ(s->duration(), TimeDelta::Seconds(10));
  ASSERT_EQ(s->routers().size(), 2u);
  const vnet::RouterConfig& home = s->routers()[1].config;
  EXPECT_EQ(home.parent, "internet");
  ASSERT_TRUE(home.nat.has_value());
  // The preset's mapping, the explicit filtering and lifetime.
  EXPECT_EQ(home.nat->mapping, vnet::MappingBehavior::kAddressAndPortDependent);
  EXPECT_EQ(home.nat->filtering, vnet::FilteringBehavior::kEndpointIndependent);
  EXPECT_EQ(home.nat->binding_lifetime, TimeDelta::Seconds(30));
  // `both` then per-direction overrides.
  EXPECT_EQ(home.uplink.up.delay.base, TimeDelta::Millis(5));
  EXPECT_EQ(home.uplink.up.loss.rate, 0);
  EXPECT_EQ(home.uplink.up.bandwidth_bps, 1000);
  EXPECT_EQ(home.uplink.down.loss.rate, 0.1);
  EXPECT_EQ(home.uplink.down.bandwidth_bps, 0);
  ASSERT_EQ(s->nodes().size(), 2u);
  EXPECT_EQ(s->nodes()[1].start_at, Timestamp::Seconds(1));
  ASSERT_EQ(s->timeline().size(), 2u);
  EXPECT_EQ(s->timeline()[1].at, Timestamp::Seconds(3));
  EXPECT_EQ(s->timeline()[1].label, "flush_nat \"home\"");
  ASSERT_EQ(s->expectations().size(), 2u);
  EXPECT_EQ(*s->expectations()[0].max, 11);
  EXPECT_EQ(*s->expectations()[1].by, Timestamp::Seconds(9));
  EXPECT_EQ(s->expectations()[1].location, "t.textproto:21:1");
}

constexpr char kIce[] = R"scenario(name: "ice"
duration: "10s"
topology {
  router { name: "internet" subnet: "198.51.100.0/24" }
  host { name: "a" router: "internet" }
  host { name: "b" router: "internet" }
}
node { name: "ia" host: "a" ice_agent { peer: "ib" controlling: true
  stun_server: "b:3478" turn_server { server: "b:3478" username: "u" }
  candidate_type: "host" restart_on: "failed" } }
node { name: "ib" host: "b" ice_agent { peer: "ia" } }
node { name: "turn" host: "b" turn_server { user: "u=p" realm: "r" } }
expect { node: "ia" detail: "selected_path" equals: "direct" }
)scenario";

TEST(ScenarioTest, IceAgentsAndDetailExpectations) {
  absl::StatusOr<Scenario> s = Scenario::Parse("t.textproto", kIce);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->expectations().size(), 1u);
  EXPECT_EQ(s->expectations()[0].detail, "selected_path");
  EXPECT_EQ(s->expectations()[0].equals, "direct");

  struct Case {
    std::string from, to, want;
  };
  const Case cases[] = {
      {"peer: \"ib\"", "peer: \"nobody\"",
       "t.textproto:8:41: node[0].ice_agent.peer: node \"ia\": unknown node "
       "\"nobody\""},
      {"peer: \"ib\"", "peer: \"turn\"",
       "node \"turn\" is not another "
       "ice_agent"},
      {"peer: \"ib\"", "peer: \"ia\"", "is not another ice_agent"},
      {"ice_agent { peer: \"ia\" }", "ice_agent { }",
       "node[1].ice_agent: node \"ib\": peer: required"},
      {"stun_server: \"b:3478\"", "stun_server: \"c:3478\"",
       "node[0].ice_agent.stun_server[0]: node \"ia\": \"c:3478\": unknown "
       "host or router \"c\""},
      {"server: \"b:3478\" username", "username",
       "node[0].ice_agent.turn_server[0].server: node \"ia\": required"},
      {"candidate_type: \"host\"", "candidate_type: \"prflx\"",
       "candidate_type[0]: node \"ia\": \"prflx\": use host, srflx or relay"},
      {"restart_on: \"failed\"", "restart_on: \"sometimes\"",
       "restart_on: node \"ia\": use never, disconnected or failed"},
      {"equals: \"direct\"", "",
       "expect[0].detail: detail and equals go "
       "together"},
      {"detail: \"selected_path\"", "detail: \"x\" min: 1",
       "a detail is compared at the end of the run"},
  };
  for (const Case& c : cases) {
    std::string text = kIce;
    const size_t at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    text.replace(at, c.from.size(), c.to);
    EXPECT_THAT(ErrorOf(text), HasSubstr(c.want)) << c.from;
  }
}

TEST(ScenarioTest, SyntaxErrorsHaveLineAndColumn) {
  const std::string e = ErrorOf(
      Mutate("host { name: \"alice\" router", "host { name: \"alice\" routr"));
  EXPECT_THAT(e, HasSubstr("t.textproto:13:"));
  EXPECT_THAT(e, HasSubstr("routr"));
}

TEST(ScenarioTest, UnknownRouterNamesHostFieldAndLine) {
  const std::string e =
      ErrorOf(Mutate("router: \"home\" }", "router: \"homeX\" }"));
  EXPECT_EQ(
      e,
      "t.textproto:13:24: topology.host[0].router: host \"alice\": unknown "
      "router \"homeX\"");
}

TEST(ScenarioTest, SemanticErrors) {
  struct Case {
    std::string from, to, want;
  };
  const Case cases[] = {
      {"duration: \"10s\"", "duration: \"10 parsecs\"",
       "t.textproto:3:1: duration: \"10 parsecs\" is not a duration"},
      {"duration: \"10s\"", "", "duration: required"},
      {"name: \"server\"", "name: \"alice\"",
       "topology.host[1].name: host \"alice\": duplicate name, first used at "
       "t.textproto:13:3"},
      {"parent: \"internet\"", "parent: \"nowhere\"",
       "t.textproto:8:5: topology.router[1].parent: router \"home\": unknown "
       "router \"nowhere\""},
      {"parent: \"internet\"", "parent: \"home\"",
       "\"home\" is not a router declared before this one (parents first)"},
      {"preset: \"symmetric\"", "preset: \"cone\"", "unknown preset \"cone\""},
      {"loss: 0.1", "loss: 1.5",
       "topology.router[1].uplink.both.loss: router \"home\": 1.5 is not a "
       "probability"},
      {"subnet: \"192.168.1.0/24\"", "subnet: \"192.168.1.0/33\"",
       "topology.router[1].subnet[0]"},
      {"host: \"server\" echo", "host: \"nowhere\" echo",
       "node[0].host: node \"echo\": unknown host \"nowhere\""},
      {"target: \"server:7\"", "target: \"srv:7\"",
       "node[1].ping.target: node \"ping\": \"srv:7\": unknown host or router "
       "\"srv\""},
      {"target: \"server:7\"", "target: \"server:70000\"",
       "port must be 1..65535"},
      {"ping { target: \"server:7\" }", "ping { count: 3 }",
       "node[1].ping: node \"ping\": target: required"},
      {"echo_server {}", "",
       "node[0]: node \"echo\": no node kind; set one of: "},
      {"at: \"3s\"", "at: \"30s\"",
       "timeline[1].at: 30s is after the end of the run (duration 10s)"},
      {"flush_nat: \"home\"", "flush_nat: \"internet\"",
       "timeline[1].flush_nat: router \"internet\" has no NAT"},
      {"set_link { host: \"alice\"", "set_link { host: \"bob\"",
       "timeline[0].set_link.host: unknown host \"bob\""},
      {"node: \"ping\" metric", "node: \"pong\" metric",
       "expect[0].node: unknown node \"pong\""},
      {"min: 10 max: 11", "min: 12 max: 11",
       "expect[0].max: max 11 is below min 12"},
      {"state: \"done\" by", "metric: \"x\" state: \"done\" by",
       "expect[1]: set exactly one of metric, state, detail or sequence"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ErrorOf(Mutate(c.from, c.to)), HasSubstr(c.want)) << c.from;
  }
}

TEST(ScenarioTest, Endpoints) {
  absl::StatusOr<EndpointRef> lit = ParseEndpoint("198.51.100.7:3478");
  ASSERT_TRUE(lit.ok());
  EXPECT_EQ(lit->literal->ToString(), "198.51.100.7:3478");
  absl::StatusOr<EndpointRef> v6 = ParseEndpoint("[2001:db8::1]:5");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->literal->ip().is_v6());
  absl::StatusOr<EndpointRef> named = ParseEndpoint("stun#1:3479");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->name, "stun");
  EXPECT_EQ(named->index, 1);
  EXPECT_EQ(named->port, 3479);
  EXPECT_FALSE(ParseEndpoint("stun").ok());
  EXPECT_FALSE(ParseEndpoint("stun:0").ok());
  EXPECT_FALSE(ParseEndpoint(":7").ok());
  EXPECT_FALSE(ParseEndpoint("stun#x:7").ok());
  EXPECT_FALSE(ParseEndpoint("2001:db8::1:7").ok());
}

TEST(ScenarioTest, Durations) {
  EXPECT_EQ(*ParseDuration("250us"), TimeDelta::Micros(250));
  EXPECT_EQ(*ParseDuration("1.5s"), TimeDelta::Millis(1500));
  EXPECT_EQ(*ParseDuration("2m"), TimeDelta::Seconds(120));
  EXPECT_EQ(*ParseDuration("0"), TimeDelta::Zero());
  EXPECT_FALSE(ParseDuration("-1s").ok());
  EXPECT_FALSE(ParseDuration("inf").ok());
  EXPECT_FALSE(ParseDuration("5").ok());
}

TEST(ScenarioTest, LinkPatchTouchesOnlySetFields) {
  vnet::LinkConfig link;
  link.up.delay.base = TimeDelta::Millis(7);
  link.down.bandwidth_bps = 500;
  scenarios::Link patch;
  patch.mutable_both()->set_loss(0.25);
  patch.mutable_down()->set_up(false);
  ASSERT_TRUE(ApplyLinkPatch(patch, link).ok());
  EXPECT_EQ(link.up.delay.base, TimeDelta::Millis(7));
  EXPECT_EQ(link.down.bandwidth_bps, 500);
  EXPECT_EQ(link.up.loss.rate, 0.25);
  EXPECT_EQ(link.down.loss.rate, 0.25);
  EXPECT_TRUE(link.up.up);
  EXPECT_FALSE(link.down.up);
}

TEST(ScenarioTest, ExpireNatStep) {
  absl::StatusOr<Scenario> s = Scenario::Parse(
      "t.textproto", Mutate("flush_nat: \"home\"", "expire_nat: \"home\""));
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->timeline().size(), 2u);
  const TimelineStep& step = s->timeline()[1];
  EXPECT_EQ(step.at, Timestamp::Seconds(3));
  EXPECT_EQ(step.proto.action_case(), scenarios::Step::kExpireNat);
  EXPECT_EQ(step.proto.expire_nat(), "home");
  EXPECT_EQ(step.label, "expire_nat \"home\"");
  EXPECT_EQ(step.location, "t.textproto:19:1");

  // Errors name file, line, column and field, like flush_nat's.
  EXPECT_EQ(ErrorOf(Mutate("flush_nat: \"home\"", "expire_nat: \"internet\"")),
            "t.textproto:19:21: timeline[1].expire_nat: router \"internet\" "
            "has no NAT");
  EXPECT_EQ(ErrorOf(Mutate("flush_nat: \"home\"", "expire_nat: \"homeX\"")),
            "t.textproto:19:21: timeline[1].expire_nat: unknown router "
            "\"homeX\"");
  EXPECT_EQ(ErrorOf(Mutate("flush_nat: \"home\"", "expire_nat: \"\"")),
            "t.textproto:19:21: timeline[1].expire_nat: required: a router "
            "name");
  EXPECT_THAT(ErrorOf(Mutate("flush_nat: \"home\"", "")),
              HasSubstr("t.textproto:19:1: timeline[1]: no action (set_link, "
                        "link_down, link_up, partition, heal, flush_nat, "
                        "expire_nat or change_address)"));
}

// Fields no other test sets, each checked in the config the loader builds.
constexpr char kAllFields[] = R"scenario(
name: "fields"
duration: "10s"
topology {
  router { name: "internet" subnet: "198.51.100.0/24" subnet: "2001:db8::/64" }
  router {
    name: "home"
    parent: "internet"
    subnet: "192.168.1.0/24"
    subnet: "fd00:1::/64"
    nat {
      port_parity: true
      allocation: RANDOM
      pooling: ARBITRARY
      public_ip: "198.51.100.50"
      public_ip: "2001:db8::50"
      inbound_refreshes: true
      static_mapping { internal: "192.168.1.80" external: "198.51.100.80" }
      static_mapping { internal: "fd00:1::80" external: "2001:db8::80" }
      block_udp: true
    }
    uplink {
      both { jitter: "2ms" allow_reordering: true mtu: 1280 queue_packets: 20 }
      down { allow_reordering: false mtu: 9000 }
    }
  }
  host {
    name: "server"
    router: "internet"
    address: "198.51.100.7"
    address: "2001:db8::7"
  }
  host {
    name: "alice"
    router: "home"
    address: "fd00:1::2"
    link { up { queue_packets: 3 mtu: 576 } }
  }
}
node { name: "echo" host: "server" echo_server {} }
node { name: "ping6" host: "alice" ping { target: "[2001:db8::7]:7" } }
node { name: "stun6" host: "alice" stun_client { server: "[2001:db8::7]:3478" } }
timeline { at: "1s" partition { a: "alice" b: "server" one_way: true } }
timeline { at: "2s" heal { a: "alice" b: "server" } }
timeline { at: "3s" partition { a: "home" b: "server" } }
timeline {
  at: "4s"
  set_link { host: "alice" link { both { allow_reordering: true mtu: 1400 queue_packets: 7 } } }
}
)scenario";

IpAddress Ip(std::string_view text) {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.ok()) << text;
  return ip.ok() ? *ip : IpAddress();
}

TEST(ScenarioTest, NatFieldsReachTheConfig) {
  absl::StatusOr<Scenario> s = Scenario::Parse("f.textproto", kAllFields);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->routers().size(), 2u);
  const vnet::RouterConfig& internet = s->routers()[0].config;
  ASSERT_EQ(internet.subnets.size(), 2u);
  EXPECT_EQ(internet.subnets[1], std::make_pair(Ip("2001:db8::"), 64));
  const vnet::RouterConfig& home = s->routers()[1].config;
  ASSERT_TRUE(home.nat.has_value());
  const vnet::NatConfig& nat = *home.nat;
  EXPECT_TRUE(nat.port_parity);
  EXPECT_EQ(nat.allocation, vnet::PortAllocation::kRandom);
  EXPECT_EQ(nat.pooling, vnet::AddressPooling::kArbitrary);
  EXPECT_TRUE(nat.inbound_refreshes);
  EXPECT_TRUE(nat.block_udp);
  EXPECT_EQ(nat.public_ips,
            (std::vector<IpAddress>{Ip("198.51.100.50"), Ip("2001:db8::50")}));
  ASSERT_EQ(nat.static_mappings.size(), 2u);
  EXPECT_EQ(nat.static_mappings[0],
            std::make_pair(Ip("192.168.1.80"), Ip("198.51.100.80")));
  EXPECT_EQ(nat.static_mappings[1],
            std::make_pair(Ip("fd00:1::80"), Ip("2001:db8::80")));
  // Unset fields keep their defaults.
  EXPECT_EQ(nat.mapping, vnet::MappingBehavior::kEndpointIndependent);
  EXPECT_TRUE(nat.port_preservation);
  EXPECT_FALSE(nat.hairpinning);

  // The defaults, when the same fields are set the other way.
  std::string flipped = kAllFields;
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"allocation: RANDOM",
                                            "allocation: SEQUENTIAL"},
        {"pooling: ARBITRARY", "pooling: PAIRED"},
        {"block_udp: true", "block_udp: false"}}) {
    flipped.replace(flipped.find(from), from.size(), to);
  }
  absl::StatusOr<Scenario> f = Scenario::Parse("f.textproto", flipped);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->routers()[1].config.nat->allocation,
            vnet::PortAllocation::kSequential);
  EXPECT_EQ(f->routers()[1].config.nat->pooling, vnet::AddressPooling::kPaired);
  EXPECT_FALSE(f->routers()[1].config.nat->block_udp);
}

TEST(ScenarioTest, LinkFieldsReachTheConfig) {
  absl::StatusOr<Scenario> s = Scenario::Parse("f.textproto", kAllFields);
  ASSERT_TRUE(s.ok()) << s.status();
  const vnet::LinkConfig& uplink = s->routers()[1].config.uplink;
  EXPECT_TRUE(uplink.up.delay.allow_reordering);
  EXPECT_FALSE(uplink.down.delay.allow_reordering);  // `down` overrides
  EXPECT_EQ(uplink.up.delay.jitter, TimeDelta::Millis(2));
  EXPECT_EQ(uplink.up.mtu, 1280);
  EXPECT_EQ(uplink.down.mtu, 9000);
  EXPECT_EQ(uplink.up.queue_packets, 20);
  EXPECT_EQ(uplink.down.queue_packets, 20);
  const vnet::LinkConfig& alice = s->hosts()[1].config.link;
  EXPECT_EQ(alice.up.queue_packets, 3);
  EXPECT_EQ(alice.up.mtu, 576);
  EXPECT_EQ(alice.down.queue_packets, 0);  // defaults
  EXPECT_EQ(alice.down.mtu, 1500);
  EXPECT_FALSE(alice.up.delay.allow_reordering);

  // A timeline change carries the same fields as a patch.
  ASSERT_EQ(s->timeline().size(), 4u);
  const TimelineStep& change = s->timeline()[3];
  EXPECT_EQ(change.label, "set_link host \"alice\"");
  vnet::LinkConfig patched = alice;
  ASSERT_TRUE(ApplyLinkPatch(change.proto.set_link().link(), patched).ok());
  EXPECT_TRUE(patched.up.delay.allow_reordering);
  EXPECT_TRUE(patched.down.delay.allow_reordering);
  EXPECT_EQ(patched.up.mtu, 1400);
  EXPECT_EQ(patched.down.mtu, 1400);
  EXPECT_EQ(patched.up.queue_packets, 7);
  EXPECT_EQ(patched.down.queue_packets, 7);
}

TEST(ScenarioTest, Ipv6HostsAndEndpoints) {
  absl::StatusOr<Scenario> s = Scenario::Parse("f.textproto", kAllFields);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->hosts().size(), 2u);
  EXPECT_EQ(s->hosts()[0].config.addresses,
            (std::vector<IpAddress>{Ip("198.51.100.7"), Ip("2001:db8::7")}));
  EXPECT_EQ(s->hosts()[1].config.addresses,
            (std::vector<IpAddress>{Ip("fd00:1::2")}));
  EXPECT_TRUE(s->hosts()[1].config.addresses[0].is_v6());
  ASSERT_EQ(s->nodes().size(), 3u);
  for (const auto& [node, target, port] :
       {std::make_tuple(1, s->nodes()[1].proto.ping().target(), 7),
        std::make_tuple(2, s->nodes()[2].proto.stun_client().server(), 3478)}) {
    absl::StatusOr<EndpointRef> ref = ParseEndpoint(target);
    ASSERT_TRUE(ref.ok()) << node << ": " << ref.status();
    ASSERT_TRUE(ref->literal.has_value()) << node;
    EXPECT_EQ(*ref->literal, SocketAddress(Ip("2001:db8::7"), port)) << node;
    EXPECT_EQ(ref->port, port) << node;
  }

  // Bad IPv6 literals are reported with their field.
  std::string bad = kAllFields;
  bad.replace(bad.find("\"fd00:1::2\""), 11, "\"fd00:1::g\"");
  EXPECT_THAT(ErrorOf(bad),
              HasSubstr("t.textproto:36:5: topology.host[1].address[0]: host "
                        "\"alice\": \"fd00:1::g\" is not an IP address"));
  bad = kAllFields;
  bad.replace(bad.find("[2001:db8::7]:7\""), 16, "[2001:db8::7]:0\"");
  EXPECT_THAT(ErrorOf(bad), HasSubstr("node[1].ping.target: node \"ping6\": "
                                      "\"[2001:db8::7]:0\": port must be "
                                      "1..65535"));
}

TEST(ScenarioTest, OneWayPartition) {
  absl::StatusOr<Scenario> s = Scenario::Parse("f.textproto", kAllFields);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->timeline().size(), 4u);
  const TimelineStep& one_way = s->timeline()[0];
  EXPECT_EQ(one_way.proto.action_case(), scenarios::Step::kPartition);
  EXPECT_TRUE(one_way.proto.partition().one_way());
  EXPECT_EQ(one_way.label, "partition \"alice\" -> \"server\"");
  EXPECT_EQ(s->timeline()[1].label, "heal \"alice\" <-> \"server\"");
  const TimelineStep& both = s->timeline()[2];
  EXPECT_FALSE(both.proto.partition().one_way());
  EXPECT_EQ(both.label, "partition \"home\" <-> \"server\"");

  std::string bad = kAllFields;
  const std::string heal = "heal { a: \"alice\" b: \"server\" }";
  bad.replace(bad.find(heal), heal.size(),
              "heal { a: \"alice\" b: \"server\" one_way: true }");
  EXPECT_THAT(ErrorOf(bad),
              HasSubstr("timeline[1].heal.one_way: only meaningful for "
                        "partition"));
}

TEST(ScenarioTest, LoadNamesMissingFile) {
  absl::StatusOr<Scenario> s = Scenario::Load("/nonexistent/x.textproto");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("/nonexistent/x.textproto: cannot open"));
}

}  // namespace
}  // namespace simrtc::sim
