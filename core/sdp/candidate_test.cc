#include "core/sdp/candidate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/base/absl_compat.h"
#include "core/sdp/sdp.h"

namespace simrtc::sdp {

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadTestData(const std::string& name) {
  std::ifstream in("core/sdp/testdata/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ExpectBad(std::string_view text, std::string_view needle) {
  auto c = Candidate::Parse(text);
  ASSERT_FALSE(c.ok()) << "accepted: " << text;
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ToStd(c.status().message())),
              HasSubstr(std::string(needle)))
      << text;
}

TEST(CandidateTest, ChromiumHostWithExtensions) {
  constexpr std::string_view kText =
      "candidate:1467250027 1 udp 2122260223 192.0.2.3 46243 typ host "
      "generation 0 ufrag YtZD network-id 1 network-cost 10";
  auto c = Candidate::Parse(kText);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->foundation, "1467250027");
  EXPECT_EQ(c->component, 1u);
  EXPECT_EQ(c->transport, CandidateTransport::kUdp);
  EXPECT_EQ(c->priority, 2122260223u);
  EXPECT_EQ(c->address, "192.0.2.3");
  EXPECT_EQ(c->ip(), IpAddress::V4(192, 0, 2, 3));
  EXPECT_EQ(c->port, 46243);
  EXPECT_EQ(c->type, CandidateType::kHost);
  EXPECT_EQ(c->generation, 0u);
  EXPECT_EQ(c->ufrag, "YtZD");
  EXPECT_EQ(c->network_id, 1u);
  EXPECT_EQ(c->network_cost, 10u);
  EXPECT_FALSE(c->is_mdns());
  EXPECT_EQ(c->ToString(), kText);
  EXPECT_EQ(c->ToAttributeValue(), kText.substr(10));
}

TEST(CandidateTest, AcceptsAllThreePrefixes) {
  constexpr std::string_view kValue =
      "842163049 1 udp 1677729535 203.0.113.9 46154 typ srflx raddr 0.0.0.0 "
      "rport 0 generation 0 ufrag YtZD network-cost 999";
  auto bare = Candidate::Parse(kValue);
  auto js = Candidate::Parse("candidate:" + std::string(kValue));
  auto sdp = Candidate::Parse("a=candidate:" + std::string(kValue) + "\r\n");
  ASSERT_TRUE(bare.ok() && js.ok() && sdp.ok()) << bare.status();
  EXPECT_EQ(*bare, *js);
  EXPECT_EQ(*bare, *sdp);
  EXPECT_EQ(bare->type, CandidateType::kSrflx);
  EXPECT_EQ(bare->related_address, "0.0.0.0");
  EXPECT_EQ(bare->related_port, 0);
  EXPECT_EQ(bare->ToAttributeValue(), kValue);
}

TEST(CandidateTest, MdnsAndIpv6AndRelay) {
  auto mdns = Candidate::Parse(
      "candidate:2147606569 1 udp 2122260223 "
      "a6b7c9d2-38f1-4a4e-9d0e-1e4ef2b8b3c1.local 61234 typ host generation 0 "
      "network-cost 999");
  ASSERT_TRUE(mdns.ok()) << mdns.status();
  EXPECT_TRUE(mdns->is_mdns());
  EXPECT_EQ(mdns->ip(), std::nullopt);

  auto v6 = Candidate::Parse(
      "candidate:3 1 udp 2122197247 2001:db8::7 50001 typ host");
  ASSERT_TRUE(v6.ok()) << v6.status();
  ASSERT_TRUE(v6->ip().has_value());
  EXPECT_TRUE(v6->ip()->is_v6());

  auto relay = Candidate::Parse(
      "candidate:2244526416 1 udp 16777215 198.51.100.7 60123 typ relay "
      "raddr 203.0.113.25 rport 51435");
  ASSERT_TRUE(relay.ok()) << relay.status();
  EXPECT_EQ(relay->type, CandidateType::kRelay);
  EXPECT_EQ(relay->related_port, 51435);

  auto prflx = Candidate::Parse("candidate:1 2 udp 1 10.0.0.1 9 typ prflx");
  ASSERT_TRUE(prflx.ok());
  EXPECT_EQ(prflx->component, 2u);
  EXPECT_EQ(prflx->type, CandidateType::kPrflx);
}

TEST(CandidateTest, TcpTypesAndCaseInsensitiveTransport) {
  auto ff = Candidate::Parse(
      "candidate:2 1 TCP 2105524479 192.0.2.40 9 typ host tcptype active");
  ASSERT_TRUE(ff.ok()) << ff.status();
  EXPECT_EQ(ff->transport, CandidateTransport::kTcp);
  EXPECT_EQ(ff->tcp_type, TcpType::kActive);
  // Written lower case; the structure round-trips.
  EXPECT_EQ(ff->ToAttributeValue(),
            "2 1 tcp 2105524479 192.0.2.40 9 typ host tcptype active");
  EXPECT_EQ(*Candidate::Parse(ff->ToString()), *ff);
  for (std::string_view t : {"passive", "so"}) {
    auto c = Candidate::Parse("1 1 Tcp 1 192.0.2.1 9 typ host tcptype " +
                              std::string(t));
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(ToString(*c->tcp_type), t);
  }
  auto udp = Candidate::Parse("1 1 UdP 1 192.0.2.1 9 typ host");
  ASSERT_TRUE(udp.ok());
  EXPECT_EQ(udp->transport, CandidateTransport::kUdp);
}

TEST(CandidateTest, UnknownExtensionsPreservedInOrder) {
  auto c = Candidate::Parse(
      "candidate:1 1 udp 1 192.0.2.1 9 typ host x-b 2 generation 3 x-a "
      "1");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->extensions, ElementsAre(CandidateExtension{"x-b", "2"},
                                         CandidateExtension{"x-a", "1"}));
  EXPECT_EQ(c->ToAttributeValue(),
            "1 1 udp 1 192.0.2.1 9 typ host generation 3 x-b 2 x-a 1");
  EXPECT_EQ(*Candidate::Parse(c->ToString()), *c);
}

TEST(CandidateTest, BuildFromFields) {
  Candidate c;
  c.foundation = "abc+/1";
  c.component = 1;
  c.transport = CandidateTransport::kTcp;
  c.priority = 1518280447;
  c.address = "192.0.2.1";
  c.port = 9;
  c.type = CandidateType::kHost;
  c.tcp_type = TcpType::kPassive;
  c.generation = 0;
  EXPECT_EQ(c.ToString(),
            "candidate:abc+/1 1 tcp 1518280447 192.0.2.1 9 typ host tcptype "
            "passive generation 0");
  EXPECT_EQ(*Candidate::Parse(c.ToString()), c);
  AttributeList attrs;
  attrs.AddTyped(c);
  EXPECT_EQ(attrs[0].key, "candidate");
  EXPECT_EQ(*attrs[0].value, c.ToAttributeValue());
}

TEST(CandidateTest, RejectsBadFields) {
  ExpectBad("", "expected <foundation>");
  ExpectBad("candidate:1 1 udp 1 192.0.2.1 9 typ", "expected <foundation>");
  ExpectBad("candidate:a_b 1 udp 1 192.0.2.1 9 typ host", "foundation \"a_b\"");
  ExpectBad(
      "candidate:" + std::string(33, 'a') + " 1 udp 1 192.0.2.1 9 typ host",
      "longer than 32");
  ExpectBad("1 0 udp 1 192.0.2.1 9 typ host", "component \"0\"");
  ExpectBad("1 257 udp 1 192.0.2.1 9 typ host", "component \"257\"");
  ExpectBad("1 1 sctp 1 192.0.2.1 9 typ host", "transport \"sctp\"");
  ExpectBad("1 1 udp 4294967296 192.0.2.1 9 typ host", "priority");
  ExpectBad("1 1 udp -1 192.0.2.1 9 typ host", "priority \"-1\"");
  ExpectBad("1 1 udp 1 192.0.2.999 9 typ host", "address \"192.0.2.999\"");
  ExpectBad("1 1 udp 1 2001:db8::zz 9 typ host", "address");
  ExpectBad("1 1 udp 1 bad..name 9 typ host", "address");
  ExpectBad("1 1 udp 1 192.0.2.1 65536 typ host", "port \"65536\"");
  ExpectBad("1 1 udp 1 192.0.2.1 9 type host", "expected \"typ\"");
  ExpectBad("1 1 udp 1 192.0.2.1 9 typ public", "type \"public\"");
  ExpectBad("1 1 udp 1 192.0.2.1 9 typ host raddr", "\"raddr\" has no value");
  ExpectBad("1 1 udp 1 192.0.2.1 9 typ srflx raddr x..y rport 1", "raddr");
  ExpectBad("1 1 udp 1 192.0.2.1 9 typ srflx rport 70000", "rport \"70000\"");
  ExpectBad("1 1 tcp 1 192.0.2.1 9 typ host tcptype both", "tcptype \"both\"");
  ExpectBad("1 1 udp 1 192.0.2.1 9 typ host tcptype active",
            "tcptype given for a UDP candidate");
  ExpectBad("1 1 udp 1 192.0.2.1 9 typ host generation 0 generation 1",
            "duplicate \"generation\"");
  ExpectBad("1 1 udp 1 192.0.2.1 9 typ host typ host", "duplicate \"typ\"");
  ExpectBad("1 1 udp 1 192.0.2.1 9 typ host network-cost x",
            "network-cost \"x\"");
}

TEST(CandidateTest, AllSampleCandidatesRoundTrip) {
  int count = 0;
  for (const char* name :
       {"chromium_data_gathered_offer.sdp", "pion_offer.sdp", "pion_answer.sdp",
        "pion_edited_offer.sdp", "pion_edited_answer.sdp", "firefox_offer.sdp",
        "safari_answer.sdp", "edge_cases.sdp"}) {
    auto sd = SessionDescription::Parse(ReadTestData(name));
    ASSERT_TRUE(sd.ok()) << name << ": " << sd.status();
    for (const MediaDescription& m : sd->media) {
      auto cands = m.attributes.ParseAll<Candidate>();
      ASSERT_TRUE(cands.ok()) << cands.status();
      for (const Candidate& c : *cands) {
        EXPECT_EQ(*Candidate::Parse(c.ToString()), c);
        ++count;
      }
    }
  }
  EXPECT_EQ(count, 31);
}

// Captured from headless Chromium after ICE gathering (testdata/README.md):
// host candidates hidden behind mDNS names, with Chromium's extensions.
TEST(CandidateTest, ChromiumGatheredOfferHasMdnsHostCandidates) {
  auto sd = SessionDescription::Parse(
      ReadTestData("chromium_data_gathered_offer.sdp"));
  ASSERT_TRUE(sd.ok()) << sd.status();
  ASSERT_EQ(sd->media.size(), 1u);
  auto cands = sd->media[0].attributes.ParseAll<Candidate>();
  ASSERT_TRUE(cands.ok()) << cands.status();
  ASSERT_EQ(cands->size(), 2u);
  for (const Candidate& c : *cands) {
    EXPECT_EQ(c.type, CandidateType::kHost);
    EXPECT_EQ(c.transport, CandidateTransport::kUdp);
    EXPECT_TRUE(c.is_mdns()) << c.address;
    EXPECT_FALSE(c.ip().has_value());
    EXPECT_EQ(c.generation, 0u);
    EXPECT_EQ(c.network_cost, 999u);
  }
  EXPECT_NE((*cands)[0].address, (*cands)[1].address);
}

}  // namespace
}  // namespace simrtc::sdp
