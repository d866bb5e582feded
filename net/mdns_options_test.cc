// Flag validation and interface choice for //net:mdns.
#include "net/mdns_options.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace simrtc::net {
namespace {

IpAddress Ip(const char* text) { return IpAddress::Parse(text).value(); }

constexpr char kChromiumName[] = "0f7f1cc3-6c41-4a86-8ea3-ba4a8d1a0b86.local";

MdnsFlags Publish(std::string name, std::string address) {
  MdnsFlags f;
  f.publish = std::move(name);
  f.address = std::move(address);
  return f;
}

MdnsFlags Resolve(std::string name) {
  MdnsFlags f;
  f.resolve = std::move(name);
  return f;
}

void ExpectInvalid(const MdnsFlags& flags, const std::string& mentions) {
  auto o = ValidateMdnsFlags(flags);
  ASSERT_FALSE(o.ok()) << "accepted; expected an error naming " << mentions;
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(o.status().message().find(mentions), std::string::npos)
      << o.status();
}

TEST(ParseIpListTest, ParsesCommaSeparatedAddresses) {
  auto ips = ParseIpList("interface", "127.0.0.1,::1,fe80::1");
  ASSERT_TRUE(ips.ok()) << ips.status();
  EXPECT_EQ(*ips, (std::vector<IpAddress>{Ip("127.0.0.1"), Ip("::1"),
                                          Ip("fe80::1")}));
  EXPECT_TRUE(ParseIpList("interface", "")->empty());
}

TEST(ParseIpListTest, NamesTheFlagAndTheBadEntry) {
  for (const char* text :
       {"127.0.0.1,,::1", "127.0.0.1:5353", "lo", "1.2.3", "127.0.0.1,"}) {
    auto ips = ParseIpList("interface", text);
    ASSERT_FALSE(ips.ok()) << text;
    EXPECT_NE(ips.status().message().find("--interface="), std::string::npos)
        << ips.status();
  }
  EXPECT_NE(ParseIpList("address", "a,1.2.3.4")
                .status()
                .message()
                .find("entry 0 \"a\""),
            std::string::npos);
}

TEST(ParseFamilyTest, KnowsThreeSpellings) {
  EXPECT_EQ(*ParseFamily("any"), IpFamily::kNone);
  EXPECT_EQ(*ParseFamily("ipv4"), IpFamily::kIPv4);
  EXPECT_EQ(*ParseFamily("ipv6"), IpFamily::kIPv6);
  EXPECT_FALSE(ParseFamily("IPv4").ok());
  EXPECT_FALSE(ParseFamily("").ok());
}

TEST(ValidateMdnsFlagsTest, PublishWithAddresses) {
  auto o = ValidateMdnsFlags(Publish("host.local", "192.0.2.7,2001:db8::7"));
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->mode, MdnsOptions::Mode::kPublish);
  EXPECT_EQ(o->name, "host.local");
  EXPECT_EQ(o->addresses,
            (std::vector<IpAddress>{Ip("192.0.2.7"), Ip("2001:db8::7")}));
  EXPECT_TRUE(o->interfaces.empty());
}

TEST(ValidateMdnsFlagsTest, ChromiumStyleUuidNamesAreAccepted) {
  auto p = ValidateMdnsFlags(Publish(kChromiumName, "192.0.2.7"));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->name, kChromiumName);
  MdnsFlags r = Resolve("0F7F1CC3-6C41-4A86-8EA3-BA4A8D1A0B86.LOCAL");
  r.family = "ipv6";
  r.timeout = TimeDelta::Millis(1500);
  r.interface = "127.0.0.2";
  auto o = ValidateMdnsFlags(r);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->mode, MdnsOptions::Mode::kResolve);
  EXPECT_EQ(o->family, IpFamily::kIPv6);
  EXPECT_EQ(o->timeout, TimeDelta::Millis(1500));
  EXPECT_EQ(o->interfaces, std::vector<IpAddress>{Ip("127.0.0.2")});
}

TEST(ValidateMdnsFlagsTest, RejectsBadCombinationsNamingTheFlag) {
  ExpectInvalid(MdnsFlags{}, "exactly one of --publish");
  MdnsFlags both = Publish("a.local", "192.0.2.1");
  both.resolve = "b.local";
  ExpectInvalid(both, "exactly one of --publish");
  ExpectInvalid(Publish("a.local", ""), "--publish needs --address");
  MdnsFlags resolve_with_address = Resolve("a.local");
  resolve_with_address.address = "192.0.2.1";
  ExpectInvalid(resolve_with_address, "--address only applies");
}

TEST(ValidateMdnsFlagsTest, RejectsBadNames) {
  // Not in .local, no label before .local, an escaped dot that makes
  // "a.local" one label, an over-long label.
  ExpectInvalid(Resolve("example.com"), "--resolve=example.com");
  ExpectInvalid(Resolve("local"), "--resolve=local");
  ExpectInvalid(Resolve("a\\.local"), "--resolve=");
  ExpectInvalid(Publish(std::string(64, 'a') + ".local", "192.0.2.1"),
                "--publish=");
}

TEST(ValidateMdnsFlagsTest, RejectsBadValues) {
  ExpectInvalid(Publish("a.local", "224.0.0.251"), "not a unicast address");
  ExpectInvalid(Publish("a.local", "0.0.0.0"), "not a unicast address");
  ExpectInvalid(Publish("a.local", "192.0.2.1:80"), "--address=");
  MdnsFlags family = Resolve("a.local");
  family.family = "inet";
  ExpectInvalid(family, "--family=inet");
  MdnsFlags timeout = Resolve("a.local");
  timeout.timeout = TimeDelta::Zero();
  ExpectInvalid(timeout, "--timeout=");
  timeout.timeout = TimeDelta::Seconds(-1);
  ExpectInvalid(timeout, "--timeout=");
  timeout.timeout = TimeDelta::Micros(INT64_MAX);  // what --timeout=inf gives
  ExpectInvalid(timeout, "at most");
  MdnsFlags interface = Resolve("a.local");
  interface.interface = "::";
  ExpectInvalid(interface, "--interface=::");
  interface.interface = "ff02::fb";
  ExpectInvalid(interface, "not a unicast address");
}

std::vector<NetInterface> Table() {
  NetInterface lo{"lo", 1, true, true, false, {Ip("127.0.0.1"), Ip("::1")}};
  NetInterface eth0{
      "eth0", 2,
      true,   false,
      true,   {Ip("192.0.2.2"), Ip("192.0.2.9"), Ip("fd00::2"), Ip("fe80::2")}};
  NetInterface down{"eth1", 3, false, false, true, {Ip("198.51.100.1")}};
  NetInterface no_multicast{"tun0", 4, true, false, false, {Ip("10.8.0.1")}};
  NetInterface v6_only{"eth2", 5, true, false, true, {Ip("2001:db8::5")}};
  return {lo, eth0, down, no_multicast, v6_only};
}

TEST(DefaultMdnsInterfacesTest, OnePerFamilyOnUpMulticastNonLoopback) {
  auto chosen = DefaultMdnsInterfaces(Table());
  ASSERT_EQ(chosen.size(), 3u);
  EXPECT_EQ(chosen[0].address, Ip("192.0.2.2"));  // lowest IPv4
  EXPECT_EQ(chosen[0].index, 2);
  EXPECT_EQ(chosen[1].address, Ip("fe80::2"));  // link-local preferred
  EXPECT_EQ(chosen[1].index, 2);
  EXPECT_EQ(chosen[2].address, Ip("2001:db8::5"));  // no link-local there
  EXPECT_EQ(chosen[2].index, 5);
  // Loopback only: nothing by default.
  EXPECT_TRUE(DefaultMdnsInterfaces({Table()[0]}).empty());
}

TEST(ChooseMdnsInterfacesTest, MapsAddressesToTheirInterfaces) {
  auto chosen = ChooseMdnsInterfaces(
      Table(), {Ip("127.0.0.2"), Ip("::1"), Ip("192.0.2.9")});
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  ASSERT_EQ(chosen->size(), 3u);
  EXPECT_EQ((*chosen)[0].address, Ip("127.0.0.2"));
  EXPECT_EQ((*chosen)[0].index, 1);
  EXPECT_EQ((*chosen)[1].address, Ip("::1"));
  EXPECT_EQ((*chosen)[1].index, 1);
  EXPECT_EQ((*chosen)[2].address, Ip("192.0.2.9"));
  EXPECT_EQ((*chosen)[2].index, 2);
}

TEST(ChooseMdnsInterfacesTest, RefusesForeignDownAndDuplicateInterfaces) {
  auto foreign = ChooseMdnsInterfaces(Table(), {Ip("203.0.113.1")});
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(foreign.status().message().find("203.0.113.1"), std::string::npos);
  auto down = ChooseMdnsInterfaces(Table(), {Ip("198.51.100.1")});
  EXPECT_EQ(down.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(down.status().message().find("eth1 is down"), std::string::npos);
  auto twice =
      ChooseMdnsInterfaces(Table(), {Ip("127.0.0.1"), Ip("127.0.0.2")});
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(twice.status().message().find("already joins interface lo"),
            std::string::npos)
      << twice.status();
}

}  // namespace
}  // namespace simrtc::net
