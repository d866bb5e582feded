#include "core/ice/candidate.h"

#include <gtest/gtest.h>

#include "core/ice/priority.h"

namespace simrtc::ice {
namespace {

SocketAddress Addr(const char* s) { return SocketAddress::Parse(s).value(); }

void ExpectRoundTrip(const Candidate& c) {
  const std::string sdp = c.ToSdp();
  absl::StatusOr<Candidate> back = Candidate::FromSdp(sdp);
  ASSERT_TRUE(back.ok()) << sdp << ": " << back.status();
  EXPECT_EQ(back->foundation, c.foundation);
  EXPECT_EQ(back->component, c.component);
  EXPECT_EQ(back->transport, c.transport);
  EXPECT_EQ(back->priority, c.priority);
  EXPECT_EQ(back->type, c.type);
  EXPECT_EQ(back->hostname, c.hostname);
  if (c.hostname.empty()) {
    EXPECT_EQ(back->address, c.address);
  } else {
    EXPECT_EQ(back->address.port(), c.address.port());
    EXPECT_FALSE(back->is_resolved());
  }
  EXPECT_EQ(back->related, c.related);
  EXPECT_EQ(back->tcp_type, c.tcp_type);
  EXPECT_EQ(back->generation, c.generation);
  EXPECT_EQ(back->ufrag, c.ufrag);
  EXPECT_EQ(back->network_id, c.network_id);
  EXPECT_EQ(back->network_cost, c.network_cost);
  // And the text is stable.
  EXPECT_EQ(back->ToSdp(), sdp);
}

TEST(CandidateTest, HostRoundTrip) {
  Candidate c;
  c.foundation = "1467250027";
  c.priority = 2122260223;
  c.address = Addr("192.0.2.3:46243");
  c.generation = 0;
  c.ufrag = "YtZD";
  c.network_id = 1;
  c.network_cost = 10;
  EXPECT_EQ(c.ToSdp(),
            "candidate:1467250027 1 udp 2122260223 192.0.2.3 46243 typ host "
            "generation 0 ufrag YtZD network-id 1 network-cost 10");
  ExpectRoundTrip(c);
}

TEST(CandidateTest, ServerReflexiveAndRelayCarryRelatedAddress) {
  Candidate s;
  s.foundation = "842163049";
  s.type = CandidateType::kServerReflexive;
  s.priority = 1677729535;
  s.address = Addr("203.0.113.9:46154");
  s.related = Addr("192.168.1.2:5000");
  s.generation = 2;
  EXPECT_EQ(s.ToSdp(),
            "candidate:842163049 1 udp 1677729535 203.0.113.9 46154 typ srflx "
            "raddr 192.168.1.2 rport 5000 generation 2");
  ExpectRoundTrip(s);

  Candidate r = s;
  r.type = CandidateType::kRelay;
  r.priority = CandidatePriority(CandidateType::kRelay, 65535, 1);
  r.address = Addr("[2001:db8::5]:50000");
  r.related = Addr("[2001:db8::9]:40000");
  ExpectRoundTrip(r);

  // A non-host candidate without a related address is written with the
  // hidden 0.0.0.0 0 form RFC 8839 permits.
  Candidate hidden = s;
  hidden.related = SocketAddress();
  EXPECT_NE(hidden.ToSdp().find("raddr 0.0.0.0 rport 0"), std::string::npos);
}

TEST(CandidateTest, MdnsHostname) {
  Candidate c;
  c.foundation = "1";
  c.priority = 2130706431;
  c.hostname = "1f2e3d4c-0000-4000-8000-123456789abc.local";
  c.address = Addr("192.168.1.7:9999");
  const std::string sdp = c.ToSdp();
  EXPECT_NE(sdp.find(c.hostname + " 9999 typ host"), std::string::npos) << sdp;
  EXPECT_EQ(sdp.find("192.168.1.7"), std::string::npos) << "IP leaked: " << sdp;
  ExpectRoundTrip(c);
  absl::StatusOr<Candidate> back = Candidate::FromSdp(sdp);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->is_mdns());
}

TEST(CandidateTest, TcpTypeAndPeerReflexive) {
  Candidate c;
  c.foundation = "abc";
  c.transport = Transport::kTcp;
  c.priority = 1518280447;
  c.address = Addr("192.0.2.1:9");
  c.tcp_type = sdp::TcpType::kActive;
  ExpectRoundTrip(c);
  EXPECT_EQ(c.network_type(), NetworkType::kTcp4);

  Candidate p;
  p.foundation = "x";
  p.type = CandidateType::kPeerReflexive;
  p.priority = 1845501695;
  p.address = Addr("[2001:db8::77]:1234");
  p.related = Addr("[2001:db8::1]:4321");
  ExpectRoundTrip(p);
  EXPECT_EQ(p.network_type(), NetworkType::kUdp6);
}

TEST(CandidateTest, ParsesBrowserSpellings) {
  for (const char* text :
       {"a=candidate:1 1 UDP 2130706431 10.0.0.1 5000 typ host",
        "candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host",
        "1 1 udp 2130706431 10.0.0.1 5000 typ host"}) {
    absl::StatusOr<Candidate> c = Candidate::FromSdp(text);
    ASSERT_TRUE(c.ok()) << text << ": " << c.status();
    EXPECT_EQ(c->address, Addr("10.0.0.1:5000"));
    EXPECT_EQ(c->type, CandidateType::kHost);
  }
}

TEST(CandidateTest, RejectsWhatItCannotRepresent) {
  for (const char* text : {
           "",
           "candidate:1 1 udp 1 10.0.0.1 0 typ host",        // UDP port 0
           "candidate:1 1 udp 1 example.com 5000 typ host",  // not mDNS
           "candidate:1 1 udp 1 10.0.0.1 5000 typ bogus",
           "candidate:1 1 udp 1 10.0.0.1 70000 typ host",
       }) {
    absl::StatusOr<Candidate> c = Candidate::FromSdp(text);
    EXPECT_FALSE(c.ok()) << "accepted: " << text;
    if (!c.ok()) {
      EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << text;
    }
  }
}

TEST(CandidateTest, RedundancyNeedsSameAddressAndBase) {
  Candidate host;
  host.address = Addr("192.0.2.1:5000");
  host.base = host.address;
  Candidate srflx = host;
  srflx.type = CandidateType::kServerReflexive;
  EXPECT_TRUE(IsRedundant(host, srflx));  // no NAT: mapped == host
  srflx.address = Addr("203.0.113.1:5000");
  EXPECT_FALSE(IsRedundant(host, srflx));
  Candidate other = host;
  other.base = Addr("192.0.2.1:5001");
  EXPECT_FALSE(IsRedundant(host, other));
}

}  // namespace
}  // namespace simrtc::ice
