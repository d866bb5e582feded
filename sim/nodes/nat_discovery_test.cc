// The RFC 5780 client against the server through a minimal in-test NAT
// model, for all nine mapping x filtering combinations (the vnet-backed
// scenarios in scenarios/ check the same against the real NAT).
#include <map>
#include <set>
#include <tuple>

#include "core/base/sans_io.h"
#include "gtest/gtest.h"
#include "sim/nodes/nat_discovery_client.h"
#include "sim/nodes/nat_discovery_server.h"

namespace simrtc::sim {
namespace {

static_assert(SansIoEndpoint<NatDiscoveryClient>);
static_assert(SansIoEndpoint<NatDiscoveryServer>);

const IpAddress kPrimary = IpAddress::V4(198, 51, 100, 1);
const IpAddress kAlternate = IpAddress::V4(198, 51, 100, 2);
const IpAddress kInternal = IpAddress::V4(10, 0, 0, 2);
const IpAddress kExternal = IpAddress::V4(203, 0, 113, 1);

enum Kind { kIndependent = 1, kAddress = 2, kAddressPort = 3 };

// RFC 4787 behaviour in a few lines; `nat == false` routes untranslated.
class TinyNat {
 public:
  TinyNat(bool nat, Kind mapping, Kind filtering, bool blocked = false)
      : nat_(nat),
        mapping_(mapping),
        filtering_(filtering),
        blocked_(blocked) {}

  std::optional<Transmit> Out(Transmit t) {
    if (blocked_) return std::nullopt;
    if (!nat_) return t;
    SocketAddress dest_key;
    if (mapping_ == kAddress) dest_key = SocketAddress(t.remote.ip(), 0);
    if (mapping_ == kAddressPort) dest_key = t.remote;
    const auto key = std::make_pair(t.local, dest_key);
    auto it = mappings_.find(key);
    if (it == mappings_.end()) {
      it = mappings_.emplace(key, next_port_++).first;
      internal_[it->second] = t.local;
    }
    allowed_[it->second].insert(t.remote);
    t.local = SocketAddress(kExternal, it->second);
    return t;
  }
  std::optional<Datagram> In(const Transmit& t) {
    if (blocked_) return std::nullopt;
    Datagram d{t.remote, t.local, t.transport, t.payload};
    if (!nat_) return d;
    const auto it = internal_.find(t.remote.port());
    if (it == internal_.end()) return std::nullopt;
    const std::set<SocketAddress>& allowed = allowed_[t.remote.port()];
    bool pass = filtering_ == kIndependent;
    for (const SocketAddress& a : allowed) {
      if (filtering_ == kAddress && a.ip() == t.local.ip()) pass = true;
      if (filtering_ == kAddressPort && a == t.local) pass = true;
    }
    if (!pass) return std::nullopt;
    d.local = it->second;
    return d;
  }

 private:
  bool nat_;
  Kind mapping_, filtering_;
  bool blocked_;
  uint16_t next_port_ = 40000;
  std::map<std::pair<SocketAddress, SocketAddress>, uint16_t> mappings_;
  std::map<uint16_t, SocketAddress> internal_;
  std::map<uint16_t, std::set<SocketAddress>> allowed_;
};

NodeReport Discover(TinyNat& nat) {
  NatDiscoveryClientConfig cc;
  cc.server = SocketAddress(kPrimary, 3478);
  NatDiscoveryClient client(cc, Rng(42));
  NatDiscoveryServer server({kPrimary, kAlternate, 3478, 3479});
  Timestamp now = Timestamp::Zero();
  auto pump = [&] {
    bool moved = true;
    while (moved) {
      moved = false;
      while (auto t = client.PollTransmit()) {
        moved = true;
        t->local = SocketAddress(kInternal, t->local.port());
        if (auto out = nat.Out(*t)) {
          server.HandleDatagram(now, Datagram{out->remote, out->local,
                                              Transport::kUdp, out->payload});
        }
      }
      while (auto t = server.PollTransmit()) {
        moved = true;
        if (auto in = nat.In(*t)) client.HandleDatagram(now, *in);
      }
    }
  };
  client.Start(now);
  server.Start(now);
  pump();
  while (auto next = client.NextTimeout()) {
    now = *next;
    client.HandleTimeout(now);
    pump();
  }
  return client.Report();
}

class NatDiscoveryMatrixTest
    : public ::testing::TestWithParam<std::tuple<Kind, Kind>> {};

TEST_P(NatDiscoveryMatrixTest, ReportsConfiguredBehaviour) {
  const auto [mapping, filtering] = GetParam();
  TinyNat nat(true, mapping, filtering);
  const NodeReport r = Discover(nat);
  EXPECT_EQ(r.metrics.at("mapping"), mapping);
  EXPECT_EQ(r.metrics.at("filtering"), filtering);
  static const char* kMapping[] = {"", "eim", "adm", "apdm"};
  static const char* kFiltering[] = {"", "eif", "adf", "apdf"};
  EXPECT_TRUE(r.states.count(std::string("mapping_") + kMapping[mapping]));
  EXPECT_TRUE(
      r.states.count(std::string("filtering_") + kFiltering[filtering]));
  EXPECT_TRUE(r.states.count("done"));
  EXPECT_EQ(r.details.at("other_address"), "198.51.100.2:3479");
}

INSTANTIATE_TEST_SUITE_P(
    AllNine, NatDiscoveryMatrixTest,
    ::testing::Combine(::testing::Values(kIndependent, kAddress, kAddressPort),
                       ::testing::Values(kIndependent, kAddress,
                                         kAddressPort)));

TEST(NatDiscoveryTest, NoNatIsDetected) {
  TinyNat nat(false, kIndependent, kIndependent);
  const NodeReport r = Discover(nat);
  EXPECT_EQ(r.metrics.at("mapping"), 0);
  EXPECT_TRUE(r.states.count("mapping_none"));
  EXPECT_EQ(r.metrics.at("filtering"), 1);
}

TEST(NatDiscoveryTest, BlockedUdpGivesUpAfterRetransmissions) {
  TinyNat nat(true, kIndependent, kIndependent, /*blocked=*/true);
  const NodeReport r = Discover(nat);
  EXPECT_TRUE(r.states.count("udp_blocked"));
  EXPECT_EQ(r.metrics.at("requests_sent"), 3);
  EXPECT_EQ(r.metrics.at("mapping"), -1);
  // 100 + 200 + 400 ms of waiting.
  EXPECT_EQ(r.states.at("done"), Timestamp::Millis(700));
}

TEST(NatDiscoveryServerTest, ChangeRequestMovesTheSource) {
  NatDiscoveryServer server({kPrimary, kAlternate, 3478, 3479});
  server.Start(Timestamp::Zero());
  stun::MessageBuilder b(stun::Method::kBinding, stun::Class::kRequest,
                         stun::TransactionId{});
  rfc5780::AddChangeRequest(b, {false, true});
  const SocketAddress client(kExternal, 40000);
  server.HandleDatagram(Timestamp::Zero(),
                        Datagram{SocketAddress(kAlternate, 3478), client,
                                 Transport::kUdp, *b.Build()});
  auto t = server.PollTransmit();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->local, SocketAddress(kAlternate, 3479));
  auto msg = stun::Message::Parse(t->payload);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(*rfc5780::GetResponseOrigin(*msg), SocketAddress(kAlternate, 3479));
  EXPECT_EQ(*rfc5780::GetOtherAddress(*msg), SocketAddress(kPrimary, 3479));
  EXPECT_EQ(*msg->GetXorMappedAddress(), client);
  EXPECT_EQ(server.Report().metrics.at("change_port_requests"), 1);
}

}  // namespace
}  // namespace simrtc::sim
