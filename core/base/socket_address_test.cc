#include "core/base/socket_address.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"

namespace simrtc {
namespace {

TEST(IpAddressTest, ParsesAndFormatsBothFamilies) {
  auto v4 = IpAddress::Parse("192.0.2.1");
  ASSERT_TRUE(v4.ok());
  EXPECT_TRUE(v4->is_v4());
  EXPECT_EQ(v4->ToString(), "192.0.2.1");
  EXPECT_EQ(v4->v4_host_order(), 0xc0000201u);
  EXPECT_EQ(*v4, IpAddress::V4(192, 0, 2, 1));
  auto v6 = IpAddress::Parse("2001:db8::1");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->is_v6());
  EXPECT_EQ(v6->ToString(), "2001:db8::1");
  EXPECT_EQ(v6->bytes().size(), 16u);
}

TEST(IpAddressTest, RejectsGarbageWithMessage) {
  for (const char* bad : {"", "1.2.3", "256.1.1.1", "hello", "1.2.3.4:5",
                          "::g", "0123456789012345678901234567890123456789012345"}) {
    auto r = IpAddress::Parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(absl::StrContains(r.status().message(), "not an IP address"));
  }
  const uint8_t three[3] = {1, 2, 3};
  EXPECT_FALSE(IpAddress::FromBytes(three).ok());
}

TEST(IpAddressTest, Classification) {
  EXPECT_TRUE(IpAddress::Parse("127.0.0.1")->IsLoopback());
  EXPECT_TRUE(IpAddress::Parse("::1")->IsLoopback());
  EXPECT_TRUE(IpAddress::Parse("10.1.2.3")->IsPrivate());
  EXPECT_TRUE(IpAddress::Parse("172.20.0.1")->IsPrivate());
  EXPECT_FALSE(IpAddress::Parse("172.32.0.1")->IsPrivate());
  EXPECT_TRUE(IpAddress::Parse("192.168.0.1")->IsPrivate());
  EXPECT_TRUE(IpAddress::Parse("fd00::1")->IsPrivate());
  EXPECT_TRUE(IpAddress::Parse("169.254.1.1")->IsLinkLocal());
  EXPECT_TRUE(IpAddress::Parse("fe80::1")->IsLinkLocal());
  EXPECT_TRUE(IpAddress::Parse("224.0.0.251")->IsMulticast());
  EXPECT_TRUE(IpAddress::Parse("ff02::fb")->IsMulticast());
  EXPECT_TRUE(IpAddress::AnyV4().IsUnspecified());
  EXPECT_TRUE(IpAddress::AnyV6().IsUnspecified());
  EXPECT_FALSE(IpAddress().IsUnspecified());
  EXPECT_FALSE(IpAddress().is_set());
}

TEST(IpAddressTest, SubnetMembership) {
  IpAddress net = *IpAddress::Parse("192.168.1.0");
  EXPECT_TRUE(IpAddress::Parse("192.168.1.77")->InSubnet(net, 24));
  EXPECT_FALSE(IpAddress::Parse("192.168.2.77")->InSubnet(net, 24));
  EXPECT_TRUE(IpAddress::Parse("192.168.2.77")->InSubnet(net, 16));
  EXPECT_TRUE(IpAddress::Parse("192.168.1.129")
                  ->InSubnet(*IpAddress::Parse("192.168.1.128"), 25));
  EXPECT_FALSE(IpAddress::Parse("2001:db8::1")->InSubnet(net, 0));
  EXPECT_TRUE(IpAddress::Parse("2001:db8::1")
                  ->InSubnet(*IpAddress::Parse("2001:db8::"), 32));
  EXPECT_FALSE(IpAddress::Parse("1.1.1.1")->InSubnet(net, 33));
}

TEST(SocketAddressTest, ParseFormatRoundTrip) {
  for (const char* text : {"192.0.2.1:3478", "[2001:db8::1]:443", "0.0.0.0:0",
                           "[::]:65535"}) {
    auto a = SocketAddress::Parse(text);
    ASSERT_TRUE(a.ok()) << text << ": " << a.status();
    EXPECT_EQ(a->ToString(), text);
  }
  EXPECT_EQ(SocketAddress::Parse("10.0.0.1:5000")->port(), 5000);
}

TEST(SocketAddressTest, RejectsMalformed) {
  for (const char* bad : {"1.2.3.4", "1.2.3.4:", "1.2.3.4:70000", "[::1]",
                          "[::1]5", "::1:80", "x:1", ":80", "[::1:80"}) {
    EXPECT_FALSE(SocketAddress::Parse(bad).ok()) << bad;
  }
}

TEST(SocketAddressTest, OrderingAndHashing) {
  SocketAddress a = *SocketAddress::Parse("10.0.0.1:1");
  SocketAddress b = *SocketAddress::Parse("10.0.0.1:2");
  SocketAddress c = *SocketAddress::Parse("10.0.0.2:1");
  SocketAddress d = *SocketAddress::Parse("[::1]:1");
  std::set<SocketAddress> ordered = {d, c, b, a};
  std::vector<SocketAddress> v(ordered.begin(), ordered.end());
  EXPECT_EQ(v, (std::vector<SocketAddress>{a, b, c, d}));
  absl::flat_hash_set<SocketAddress> hashed = {a, b, c, d, a};
  EXPECT_EQ(hashed.size(), 4u);
  EXPECT_TRUE(hashed.contains(*SocketAddress::Parse("10.0.0.2:1")));
}

}  // namespace
}  // namespace simrtc
