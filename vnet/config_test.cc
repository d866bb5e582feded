// Bad configuration is refused with a Status that names the object and
// field; good configuration in tricky shapes is accepted.
#include <string>

#include "gtest/gtest.h"
#include "vnet/network.h"
#include "vnet/test_util.h"

namespace simrtc::vnet {
namespace {

using testing::Driver;
using testing::Ip;
using testing::MakeHost;
using testing::MakeRouter;

// Expects failure with `code` and every fragment in the message.
template <typename T>
void ExpectError(const absl::StatusOr<T>& r, absl::StatusCode code,
                 std::vector<std::string> fragments) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code) << r.status();
  for (const std::string& f : fragments) {
    EXPECT_NE(std::string(r.status().message()).find(f), std::string::npos)
        << "missing '" << f << "' in: " << r.status();
  }
}

TEST(ConfigTest, NamesAndParents) {
  Network net(Rng(1));
  ASSERT_TRUE(net.AddRouter(MakeRouter("internet", "", {"10.0.0.0/8"})).ok());
  ExpectError(net.AddRouter(MakeRouter("internet", "", {})),
              absl::StatusCode::kAlreadyExists, {"router 'internet'"});
  ExpectError(net.AddRouter(MakeRouter("second", "", {})),
              absl::StatusCode::kInvalidArgument,
              {"router 'second' parent", "'internet' is already the root"});
  ExpectError(net.AddRouter(MakeRouter("home", "nowhere", {})),
              absl::StatusCode::kNotFound,
              {"router 'home' parent", "'nowhere' not found"});
  ExpectError(net.AddRouter(MakeRouter("", "internet", {})),
              absl::StatusCode::kInvalidArgument, {"router name"});
  ExpectError(net.AddHost(MakeHost("h", "nowhere")),
              absl::StatusCode::kNotFound, {"host 'h' router", "'nowhere'"});
  ASSERT_TRUE(net.AddHost(MakeHost("h", "internet")).ok());
  ExpectError(net.AddHost(MakeHost("h", "internet")),
              absl::StatusCode::kAlreadyExists, {"host 'h'"});
  ExpectError(net.AddRouter(MakeRouter("h", "internet", {})),
              absl::StatusCode::kAlreadyExists, {"router 'h'", "a host"});
}

TEST(ConfigTest, Subnets) {
  Network net(Rng(1));
  ASSERT_TRUE(net.AddRouter(MakeRouter("internet", "", {"10.0.0.0/8"})).ok());
  ExpectError(net.AddRouter(MakeRouter("a", "internet", {"10.1.0.0/33"})),
              absl::StatusCode::kInvalidArgument,
              {"router 'a' subnets[0]", "prefix length 33"});
  ExpectError(net.AddRouter(MakeRouter("a", "internet", {"10.1.0.1/16"})),
              absl::StatusCode::kInvalidArgument,
              {"router 'a' subnets[0]", "host bits"});
  ExpectError(net.AddRouter(
                  MakeRouter("a", "internet", {"10.1.0.0/16", "10.2.0.0/16"})),
              absl::StatusCode::kInvalidArgument,
              {"router 'a' subnets[1]", "one per family"});
  // A plain child inside its parent's subnet is fine...
  ASSERT_TRUE(net.AddRouter(MakeRouter("a", "internet", {"10.1.0.0/16"})).ok());
  // ...but siblings in one realm must not overlap.
  ExpectError(net.AddRouter(MakeRouter("b", "internet", {"10.1.2.0/24"})),
              absl::StatusCode::kInvalidArgument,
              {"router 'b' subnets[0]", "10.1.2.0/24 overlaps 10.1.0.0/16",
               "router 'a'"});
  // Behind a NAT is another realm: overlap allowed.
  ASSERT_TRUE(net.AddRouter(MakeRouter("home", "internet", {"10.1.0.0/16"},
                                       NatConfig::Preset("full_cone")))
                  .ok());
  // A routed child may not swallow an address already in use.
  ASSERT_TRUE(net.AddHost(MakeHost("x", "internet", {"10.9.0.5"})).ok());
  ExpectError(net.AddRouter(MakeRouter("c", "internet", {"10.9.0.0/24"})),
              absl::StatusCode::kInvalidArgument,
              {"router 'c' subnets[0]", "10.9.0.5", "host 'x'"});
}

TEST(ConfigTest, Addresses) {
  Network net(Rng(1));
  ASSERT_TRUE(net.AddRouter(MakeRouter("lan", "", {"10.0.0.0/24"})).ok());
  ExpectError(net.AddHost(MakeHost("h", "lan", {"10.0.1.5"})),
              absl::StatusCode::kInvalidArgument,
              {"host 'h' addresses[0]", "outside the subnets of router 'lan'"});
  ExpectError(net.AddHost(MakeHost("h", "lan", {"224.0.0.1"})),
              absl::StatusCode::kInvalidArgument,
              {"host 'h' addresses[0]", "not a unicast"});
  ASSERT_TRUE(net.AddHost(MakeHost("a", "lan", {"10.0.0.5"})).ok());
  ExpectError(net.AddHost(MakeHost("h", "lan", {"10.0.0.5"})),
              absl::StatusCode::kAlreadyExists,
              {"host 'h' addresses[0]", "already used by host 'a'"});
  ExpectError(net.AddHost(MakeHost("h", "lan", {"10.0.0.6", "10.0.0.6"})),
              absl::StatusCode::kAlreadyExists,
              {"host 'h' addresses[1]", "given twice"});
  ExpectError(net.AddRouter(MakeRouter("sub", "lan", {"10.0.0.0/16"})),
              absl::StatusCode::kInvalidArgument,
              {"router 'sub' subnets[0]", "overlaps 10.0.0.0/24"});
  RouterConfig wan = MakeRouter("sub", "lan", {"172.16.0.0/24"});
  wan.wan_addresses = {Ip("10.0.0.5")};
  ExpectError(net.AddRouter(wan), absl::StatusCode::kAlreadyExists,
              {"router 'sub' wan_addresses[0]", "host 'a'"});

  Network empty(Rng(1));
  ASSERT_TRUE(empty.AddRouter(MakeRouter("void", "", {})).ok());
  ExpectError(empty.AddHost(MakeHost("h", "void")),
              absl::StatusCode::kInvalidArgument,
              {"host 'h' addresses", "no subnet"});
  ExpectError(empty.AddRouter(MakeRouter("r", "void", {"10.0.0.0/24"})),
              absl::StatusCode::kInvalidArgument,
              {"router 'r' wan_addresses", "no subnet"});
}

TEST(ConfigTest, Links) {
  Network net(Rng(1));
  ASSERT_TRUE(net.AddRouter(MakeRouter("lan", "", {"10.0.0.0/24"})).ok());
  auto with = [](auto mutate) {
    HostConfig h = MakeHost("h", "lan");
    mutate(h.link);
    return h;
  };
  ExpectError(net.AddHost(with([](LinkConfig& l) { l.up.loss.rate = 1.5; })),
              absl::StatusCode::kInvalidArgument,
              {"host 'h' link up loss.rate", "1.5"});
  ExpectError(net.AddHost(with([](LinkConfig& l) { l.down.duplicate = -0.1; })),
              absl::StatusCode::kInvalidArgument,
              {"host 'h' link down duplicate"});
  ExpectError(
      net.AddHost(
          with([](LinkConfig& l) { l.up.delay.base = TimeDelta::Millis(-1); })),
      absl::StatusCode::kInvalidArgument, {"host 'h' link up delay.base"});
  ExpectError(net.AddHost(with([](LinkConfig& l) {
    l.up.delay.jitter = TimeDelta::Millis(1);
    l.up.delay.distribution = DelayConfig::Distribution::kConstant;
  })),
              absl::StatusCode::kInvalidArgument,
              {"host 'h' link up delay.jitter", "kConstant"});
  ExpectError(net.AddHost(with([](LinkConfig& l) { l.up.mtu = 0; })),
              absl::StatusCode::kInvalidArgument, {"host 'h' link up mtu"});
  ExpectError(net.AddHost(with([](LinkConfig& l) { l.up.bandwidth_bps = -5; })),
              absl::StatusCode::kInvalidArgument,
              {"host 'h' link up bandwidth_bps"});
  ExpectError(net.AddHost(with([](LinkConfig& l) {
    l.down.loss.gilbert_elliott = true;
    l.down.loss.p_bad_to_good = 2;
  })),
              absl::StatusCode::kInvalidArgument,
              {"host 'h' link down loss.p_bad_to_good"});
  // Nothing was half-added.
  EXPECT_EQ(net.host_count(), 0);
  EXPECT_FALSE(net.FindHost("h").has_value());
}

TEST(ConfigTest, Nats) {
  Network net(Rng(1));
  RouterConfig root = MakeRouter("internet", "", {"203.0.113.0/24"});
  root.nat = NatConfig();
  ExpectError(net.AddRouter(root), absl::StatusCode::kInvalidArgument,
              {"router 'internet' nat", "root"});
  root.nat.reset();
  ASSERT_TRUE(net.AddRouter(root).ok());

  auto home = [](auto mutate) {
    NatConfig n;
    mutate(n);
    return MakeRouter("home", "internet", {"192.168.1.0/24"}, n);
  };
  ExpectError(net.AddRouter(home([](NatConfig& n) {
    n.port_min = 2000;
    n.port_max = 1000;
  })),
              absl::StatusCode::kInvalidArgument,
              {"router 'home' nat port range", "[2000, 1000]"});
  ExpectError(net.AddRouter(home([](NatConfig& n) {
    n.binding_lifetime = TimeDelta::Zero();
  })),
              absl::StatusCode::kInvalidArgument,
              {"router 'home' nat binding_lifetime"});
  ExpectError(net.AddRouter(home(
                  [](NatConfig& n) { n.public_ips = {Ip("198.51.100.1")}; })),
              absl::StatusCode::kInvalidArgument,
              {"router 'home' nat.public_ips[0]", "outside the subnets"});
  ExpectError(net.AddRouter(home([](NatConfig& n) {
    n.static_mappings = {{Ip("10.0.0.1"), Ip("203.0.113.50")}};
  })),
              absl::StatusCode::kInvalidArgument,
              {"router 'home' nat.static_mappings[0]", "internal 10.0.0.1"});
  ExpectError(net.AddRouter(home([](NatConfig& n) {
    n.public_ips = {Ip("203.0.113.50")};
    n.static_mappings = {{Ip("192.168.1.9"), Ip("203.0.113.50")}};
  })),
              absl::StatusCode::kInvalidArgument,
              {"router 'home' nat static_mappings[0]", "public_ips"});
  EXPECT_EQ(net.router_count(), 1);
  ASSERT_TRUE(net.AddRouter(home([](NatConfig& n) {
                   n.public_ips = {Ip("203.0.113.50"), Ip("203.0.113.51")};
                 }))
                  .ok());
  ExpectError(net.AddHost(MakeHost("s", "internet", {"203.0.113.51"})),
              absl::StatusCode::kAlreadyExists,
              {"host 's' addresses[0]", "router 'home' NAT pool"});
}

}  // namespace
}  // namespace simrtc::vnet
