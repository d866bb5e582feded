// FindInterfaceFor over hand-made tables, and ListInterfaces on this host.
#include "net/interfaces.h"

#include "gtest/gtest.h"

namespace simrtc::net {
namespace {

IpAddress Ip(const char* text) { return IpAddress::Parse(text).value(); }

std::vector<NetInterface> Table() {
  NetInterface lo{"lo", 1, true, true, false, {Ip("127.0.0.1"), Ip("::1")}};
  NetInterface eth{"eth0", 2,
                   true,   false,
                   true,   {Ip("192.0.2.2"), Ip("fd00::2"), Ip("fe80::1")}};
  return {lo, eth};
}

TEST(FindInterfaceForTest, FindsTheInterfaceListingTheAddress) {
  EXPECT_EQ(FindInterfaceFor(Table(), Ip("192.0.2.2"))->name, "eth0");
  EXPECT_EQ(FindInterfaceFor(Table(), Ip("fe80::1"))->index, 2);
  EXPECT_EQ(FindInterfaceFor(Table(), Ip("::1"))->name, "lo");
}

TEST(FindInterfaceForTest, AnyIpv4LoopbackAddressMeansLoopback) {
  auto nif = FindInterfaceFor(Table(), Ip("127.0.0.2"));
  ASSERT_TRUE(nif.ok()) << nif.status();
  EXPECT_EQ(nif->name, "lo");
  EXPECT_EQ(FindInterfaceFor(Table(), Ip("127.255.0.9"))->name, "lo");
}

TEST(FindInterfaceForTest, ForeignAddressIsNotFoundAndNamed) {
  for (const char* text : {"203.0.113.7", "::2", "192.0.2.3"}) {
    auto nif = FindInterfaceFor(Table(), Ip(text));
    ASSERT_FALSE(nif.ok()) << text;
    EXPECT_EQ(nif.status().code(), absl::StatusCode::kNotFound);
    EXPECT_NE(nif.status().message().find(text), std::string::npos)
        << nif.status();
  }
  // No loopback interface listed: 127.0.0.2 belongs to nothing.
  std::vector<NetInterface> no_lo = {Table()[1]};
  EXPECT_FALSE(FindInterfaceFor(no_lo, Ip("127.0.0.2")).ok());
}

TEST(ListInterfacesTest, ListsLoopbackWith127001) {
  auto all = ListInterfaces();
  ASSERT_TRUE(all.ok()) << all.status();
  auto lo = FindInterfaceFor(*all, Ip("127.0.0.1"));
  ASSERT_TRUE(lo.ok()) << lo.status();
  EXPECT_TRUE(lo->loopback);
  EXPECT_TRUE(lo->up);
  EXPECT_GT(lo->index, 0);
  for (size_t i = 1; i < all->size(); ++i) {
    EXPECT_LT((*all)[i - 1].index, (*all)[i].index);
  }
}

}  // namespace
}  // namespace simrtc::net
