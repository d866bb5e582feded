#include "core/ice/mdns_resolver.h"

#include <gtest/gtest.h>

namespace simrtc::ice {
namespace {

const IpAddress kIpA = IpAddress::V4(192, 168, 1, 10);
const IpAddress kIpB = IpAddress::V4(192, 168, 1, 11);

MdnsResolver Make(const IpAddress& ip, mdns::MulticastDnsMode mode) {
  mdns::Config c;
  c.mode = mode;
  c.local_addresses = {ip};
  return MdnsResolver::Create(c).value();
}

// Moves everything `from` sends to `to`, as a one-segment LAN would.
void Carry(Timestamp now, MdnsResolver& from, MdnsResolver& to) {
  while (std::optional<Transmit> t = from.PollTransmit()) {
    Datagram d{t->remote, t->local, Transport::kUdp, t->payload};
    EXPECT_TRUE(to.HandleDatagram(now, d));
  }
}

TEST(MdnsResolverTest, PublishedNameResolvesOnThePeer) {
  MdnsResolver a = Make(kIpA, mdns::MulticastDnsMode::kQueryAndGather);
  MdnsResolver b = Make(kIpB, mdns::MulticastDnsMode::kQueryOnly);
  Timestamp now = Timestamp::Seconds(1);
  const std::string name = "0c9b3d1e-58a4-4c38-9a2e-5e0f7c1a2b3d.local";
  ASSERT_TRUE(a.Publish(now, name, kIpA).ok());
  EXPECT_EQ(a.Publish(now, name, kIpA).code(),
            absl::StatusCode::kAlreadyExists);
  Carry(now, a, b);  // announcements

  absl::StatusOr<ResolveId> id = b.Resolve(now, name, IpFamily::kIPv4);
  ASSERT_TRUE(id.ok()) << id.status();
  std::optional<NameResolution> r = b.PollResolution();
  if (!r) {
    Carry(now, b, a);  // the query
    now += TimeDelta::Millis(10);
    Carry(now, a, b);  // the answer
    r = b.PollResolution();
  }
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->id, *id);
  EXPECT_TRUE(r->status.ok());
  ASSERT_EQ(r->addresses.size(), 1u);
  EXPECT_EQ(r->addresses[0], kIpA);
}

TEST(MdnsResolverTest, UnknownNameFailsAfterTimeout) {
  MdnsResolver b = Make(kIpB, mdns::MulticastDnsMode::kQueryOnly);
  Timestamp now = Timestamp::Seconds(1);
  ASSERT_TRUE(b.Resolve(now, "nobody.local", IpFamily::kNone).ok());
  std::optional<NameResolution> r;
  for (int i = 0; i < 100 && !r; ++i) {
    std::optional<Timestamp> t = b.NextTimeout();
    ASSERT_TRUE(t.has_value());
    now = *t;
    b.HandleTimeout(now);
    while (b.PollTransmit()) {
    }
    r = b.PollResolution();
  }
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->addresses.empty());
  EXPECT_FALSE(r->status.ok());
}

TEST(MdnsResolverTest, ClaimsOnlyMdnsPortTraffic) {
  MdnsResolver b = Make(kIpB, mdns::MulticastDnsMode::kQueryOnly);
  Datagram ice{SocketAddress(kIpB, 5000),
               SocketAddress(kIpA, 5353),
               Transport::kUdp,
               {0, 1, 0, 0}};
  EXPECT_FALSE(b.HandleDatagram(Timestamp::Zero(), ice));
  Datagram junk{SocketAddress(kIpB, 5353),
                SocketAddress(kIpA, 5353),
                Transport::kUdp,
                {1, 2, 3}};
  EXPECT_TRUE(b.HandleDatagram(Timestamp::Zero(), junk));
  EXPECT_EQ(b.conn().stats().malformed_dropped, 1u);
  // Publishing is refused in query-only mode.
  EXPECT_FALSE(b.Publish(Timestamp::Zero(), "x.local", kIpB).ok());
}

}  // namespace
}  // namespace simrtc::ice
