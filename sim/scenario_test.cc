#include "sim/scenario.h"

#include <string>

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
       "expect[1]: set exactly one of metric or state"},
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

TEST(ScenarioTest, LoadNamesMissingFile) {
  absl::StatusOr<Scenario> s = Scenario::Load("/nonexistent/x.textproto");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("/nonexistent/x.textproto: cannot open"));
}

}  // namespace
}  // namespace simrtc::sim
