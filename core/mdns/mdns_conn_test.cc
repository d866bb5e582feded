#include "core/mdns/mdns_conn.h"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/mdns/dns_message.h"
#include "core/mdns/test_lan.h"

namespace simrtc::mdns {
namespace {

using testing::Lan;
using testing::LanOptions;
using testing::SentPacket;
using testing::TimedEvent;
using Bytes = std::vector<uint8_t>;

constexpr char kUuid[] = "1f0e7d3a-5b2c-4c8e-9a6f-0123456789ab";

IpAddress Ip(const char* text) { return *IpAddress::Parse(text); }
SocketAddress Addr(const char* text) { return *SocketAddress::Parse(text); }
std::string Name(std::string_view label) {
  return std::string(label) + ".local";
}

Config MakeConfig(std::vector<IpAddress> addresses,
                  MulticastDnsMode mode = MulticastDnsMode::kQueryAndGather) {
  Config c;
  c.mode = mode;
  c.local_addresses = std::move(addresses);
  // Most tests exercise the query path; announcements get their own test.
  c.announcements = 0;
  return c;
}

MdnsConn MakeConn(Config config) {
  auto conn = MdnsConn::Create(std::move(config));
  EXPECT_TRUE(conn.ok()) << conn.status();
  return std::move(*conn);
}

const Resolved* FindResolved(const std::vector<TimedEvent>& events, QueryId id,
                             Timestamp* at = nullptr) {
  for (const TimedEvent& e : events) {
    if (const auto* r = std::get_if<Resolved>(&e.event); r && r->id == id) {
      if (at) *at = e.at;
      return r;
    }
  }
  return nullptr;
}

const ResolveFailed* FindFailed(const std::vector<TimedEvent>& events,
                                QueryId id, Timestamp* at = nullptr) {
  for (const TimedEvent& e : events) {
    if (const auto* f = std::get_if<ResolveFailed>(&e.event);
        f && f->id == id) {
      if (at) *at = e.at;
      return f;
    }
  }
  return nullptr;
}

std::function<bool()> Finished(Lan& lan, int node, QueryId id) {
  return [&lan, node, id] {
    return FindResolved(lan.events(node), id) ||
           FindFailed(lan.events(node), id);
  };
}

// Sent packets of one node that were queries (QR=0) or responses (QR=1).
std::vector<SentPacket> SentBy(const Lan& lan, int node, bool responses) {
  std::vector<SentPacket> out;
  for (const SentPacket& p : lan.sent()) {
    if (p.from != node) continue;
    auto header = ParseHeader(p.transmit.payload);
    if (header.ok() && header->response == responses) out.push_back(p);
  }
  return out;
}

Message Parse(const Transmit& t) {
  auto msg = ParseMessage(t.payload);
  EXPECT_TRUE(msg.ok()) << msg.status();
  return msg.ok() ? *msg : Message{};
}

Datagram MakeDatagram(const Message& msg, SocketAddress from,
                      SocketAddress to = MdnsGroupV4()) {
  Datagram d;
  d.local = to;
  d.remote = from;
  d.payload = *PackMessage(msg);
  return d;
}

ResourceRecord ARecord(std::string name, const char* ip, uint32_t ttl = 120,
                       bool flush = true) {
  ResourceRecord r;
  r.name = std::move(name);
  r.ttl = ttl;
  r.cache_flush = flush;
  IpAddress a = Ip(ip);
  if (a.is_v4()) {
    r.rdata = AData{a};
  } else {
    r.rdata = AaaaData{a};
  }
  return r;
}

Message Response(std::vector<ResourceRecord> answers) {
  Message m;
  m.header.response = true;
  m.header.authoritative = true;
  m.answers = std::move(answers);
  return m;
}

Message QueryFor(std::string name, RrType type, bool qu = false) {
  Message m;
  m.questions.push_back(Question{std::move(name), type, kClassIn, qu});
  return m;
}

// ---- names ----------------------------------------------------------------

TEST(MdnsNameTest, GeneratesRandomUuidV4Names) {
  Rng rng(7);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string name = GenerateLocalName(rng);
    ASSERT_EQ(name.size(), 36u + 6u) << name;
    EXPECT_EQ(name.substr(36), ".local");
    for (size_t pos : {8u, 13u, 18u, 23u}) EXPECT_EQ(name[pos], '-') << name;
    EXPECT_EQ(name[14], '4') << name;  // version
    EXPECT_NE(std::string("89ab").find(name[19]), std::string::npos) << name;
    for (size_t j = 0; j < 36; ++j) {
      if (j == 8 || j == 13 || j == 18 || j == 23) continue;
      EXPECT_NE(std::string("0123456789abcdef").find(name[j]),
                std::string::npos)
          << name;
    }
    EXPECT_TRUE(ValidateLocalName(name).ok());
    seen.insert(name);
  }
  EXPECT_EQ(seen.size(), 1000u);

  Rng a(42), b(42);
  EXPECT_EQ(GenerateLocalName(a), GenerateLocalName(b));
}

TEST(MdnsNameTest, ValidatesLocalNames) {
  EXPECT_EQ(*ValidateLocalName("Host.LOCAL."), "Host.LOCAL");
  EXPECT_FALSE(ValidateLocalName("example.com").ok());
  EXPECT_FALSE(ValidateLocalName("local").ok());
  EXPECT_FALSE(ValidateLocalName("").ok());
  // One label "a.local", which is not under .local.
  EXPECT_FALSE(ValidateLocalName("a\\.local").ok());
  EXPECT_FALSE(ValidateLocalName(std::string(64, 'x') + ".local").ok());
}

TEST(MdnsConnTest, CreateRejectsBadConfig) {
  EXPECT_FALSE(MdnsConn::Create(MakeConfig({})).ok());
  EXPECT_FALSE(MdnsConn::Create(MakeConfig({Ip("224.0.0.251")})).ok());
  EXPECT_FALSE(MdnsConn::Create(MakeConfig({Ip("0.0.0.0")})).ok());
  Config c = MakeConfig({Ip("10.0.0.1")});
  c.max_query_transmissions = 0;
  EXPECT_FALSE(MdnsConn::Create(c).ok());
  c = MakeConfig({Ip("10.0.0.1")});
  c.max_message_size = 100;
  EXPECT_FALSE(MdnsConn::Create(c).ok());
  EXPECT_TRUE(
      MdnsConn::Create(MakeConfig({}, MulticastDnsMode::kDisabled)).ok());
}

// ---- publish on A, resolve on B --------------------------------------------

TEST(MdnsConnTest, ResolvesIpv4NamePublishedByPeer) {
  MdnsConn a = MakeConn(MakeConfig({Ip("192.168.1.5")}));
  MdnsConn b = MakeConn(MakeConfig({Ip("192.168.1.7")}));
  Lan lan;
  const int na = lan.Add(&a);
  const int nb = lan.Add(&b);

  Rng rng(1);
  const std::string name = GenerateLocalName(rng);
  ASSERT_TRUE(a.Publish(lan.now(), name, {Ip("192.168.1.5")}).ok());
  auto id = b.Query(lan.now(), name, IpFamily::kIPv4);
  ASSERT_TRUE(id.ok()) << id.status();
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *id), Timestamp::Seconds(10)));

  Timestamp at;
  const Resolved* r = FindResolved(lan.events(nb), *id, &at);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->name, name);
  EXPECT_EQ(r->addresses, std::vector<IpAddress>{Ip("192.168.1.5")});
  EXPECT_EQ(at, Timestamp::Millis(2));  // one round trip, no retransmission
  EXPECT_EQ(b.outstanding_queries(), 0u);
  EXPECT_EQ(b.stats().retransmissions, 0u);

  // The query went to the group from B's address; A's answer is an
  // authoritative multicast response with cache-flush and TTL 120.
  std::vector<SentPacket> queries = SentBy(lan, nb, false);
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries[0].transmit.local, Addr("192.168.1.7:5353"));
  EXPECT_EQ(queries[0].transmit.remote, Addr("224.0.0.251:5353"));
  Message q = Parse(queries[0].transmit);
  ASSERT_EQ(q.questions.size(), 1u);
  EXPECT_EQ(q.questions[0].type, RrType::kA);
  EXPECT_FALSE(q.questions[0].unicast_response);

  std::vector<SentPacket> answers = SentBy(lan, na, true);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].transmit.local, Addr("192.168.1.5:5353"));
  EXPECT_EQ(answers[0].transmit.remote, Addr("224.0.0.251:5353"));
  Message m = Parse(answers[0].transmit);
  EXPECT_EQ(m.header.id, 0);
  EXPECT_TRUE(m.header.response);
  EXPECT_TRUE(m.header.authoritative);
  EXPECT_TRUE(m.questions.empty());
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].name, name);
  EXPECT_TRUE(m.answers[0].cache_flush);
  EXPECT_EQ(m.answers[0].ttl, 120u);
  EXPECT_EQ(m.answers[0].rdata, Rdata(AData{Ip("192.168.1.5")}));

  // Multicast loopback brought each side its own packet back.
  EXPECT_GE(a.stats().echoes_ignored, 1u);
  EXPECT_GE(b.stats().echoes_ignored, 1u);
  EXPECT_EQ(b.CachedAddresses(lan.now(), name, IpFamily::kIPv4),
            std::vector<IpAddress>{Ip("192.168.1.5")});
}

TEST(MdnsConnTest, ResolvesIpv6OverTheIpv6Group) {
  MdnsConn a = MakeConn(MakeConfig({Ip("fd00::5")}));
  MdnsConn b = MakeConn(MakeConfig({Ip("fd00::7")}));
  Lan lan;
  const int na = lan.Add(&a);
  const int nb = lan.Add(&b);
  const std::string name = Name(kUuid);
  ASSERT_TRUE(a.Publish(lan.now(), name, {Ip("fd00::5")}).ok());
  auto id = b.Query(lan.now(), name, IpFamily::kIPv6);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *id), Timestamp::Seconds(10)));
  const Resolved* r = FindResolved(lan.events(nb), *id);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->addresses, std::vector<IpAddress>{Ip("fd00::5")});

  std::vector<SentPacket> queries = SentBy(lan, nb, false);
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries[0].transmit.remote, Addr("[ff02::fb]:5353"));
  EXPECT_EQ(Parse(queries[0].transmit).questions[0].type, RrType::kAaaa);
  std::vector<SentPacket> answers = SentBy(lan, na, true);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].transmit.local, Addr("[fd00::5]:5353"));
  EXPECT_EQ(answers[0].transmit.remote, Addr("[ff02::fb]:5353"));
}

TEST(MdnsConnTest, DualStackReturnsOnlyTheAskedFamily) {
  MdnsConn a = MakeConn(MakeConfig({Ip("192.168.1.5"), Ip("fd00::5")}));
  MdnsConn b = MakeConn(MakeConfig({Ip("192.168.1.7"), Ip("fd00::7")}));
  Lan lan;
  const int na = lan.Add(&a);
  const int nb = lan.Add(&b);
  const std::string name = Name(kUuid);
  ASSERT_TRUE(
      a.Publish(lan.now(), name, {Ip("fd00::5"), Ip("192.168.1.5")}).ok());

  auto v6 = b.Query(lan.now(), name, IpFamily::kIPv6);
  ASSERT_TRUE(v6.ok());
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *v6), Timestamp::Seconds(10)));
  const Resolved* r6 = FindResolved(lan.events(nb), *v6);
  ASSERT_NE(r6, nullptr);
  EXPECT_EQ(r6->addresses, std::vector<IpAddress>{Ip("fd00::5")});

  // The query went out on both interfaces; A answered AAAA with the A record
  // as an additional, so the IPv4 lookup is now a cache hit.
  EXPECT_EQ(SentBy(lan, nb, false).size(), 2u);
  std::vector<SentPacket> answers = SentBy(lan, na, true);
  ASSERT_FALSE(answers.empty());
  Message m = Parse(answers[0].transmit);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].type(), RrType::kAaaa);
  ASSERT_EQ(m.additionals.size(), 1u);
  EXPECT_EQ(m.additionals[0].type(), RrType::kA);

  const size_t sent_before = lan.sent().size();
  auto v4 = b.Query(lan.now(), name, IpFamily::kIPv4);
  auto any = b.Query(lan.now(), name, IpFamily::kNone);
  lan.Collect();
  EXPECT_EQ(lan.sent().size(), sent_before);
  const Resolved* r4 = FindResolved(lan.events(nb), *v4);
  ASSERT_NE(r4, nullptr);
  EXPECT_EQ(r4->addresses, std::vector<IpAddress>{Ip("192.168.1.5")});
  const Resolved* rany = FindResolved(lan.events(nb), *any);
  ASSERT_NE(rany, nullptr);
  EXPECT_EQ(rany->addresses,
            (std::vector<IpAddress>{Ip("192.168.1.5"), Ip("fd00::5")}));
}

TEST(MdnsConnTest, NamesMatchCaseInsensitively) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  const int na = lan.Add(&a);
  const int nb = lan.Add(&b);
  ASSERT_TRUE(
      a.Publish(lan.now(), "MixedCase-Host.local", {Ip("10.0.0.1")}).ok());
  EXPECT_TRUE(a.IsPublished("mixedcase-host.LOCAL"));
  EXPECT_EQ(
      a.Publish(lan.now(), "MIXEDCASE-HOST.local", {Ip("10.0.0.1")}).code(),
      absl::StatusCode::kAlreadyExists);

  auto id = b.Query(lan.now(), "mixedcase-HOST.Local", IpFamily::kIPv4);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *id), Timestamp::Seconds(10)));
  const Resolved* r = FindResolved(lan.events(nb), *id);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->name, "mixedcase-HOST.Local");  // as the caller spelled it
  EXPECT_EQ(r->addresses, std::vector<IpAddress>{Ip("10.0.0.1")});
  // The answer carries the owner's spelling.
  Message m = Parse(SentBy(lan, na, true).at(0).transmit);
  EXPECT_EQ(m.answers.at(0).name, "MixedCase-Host.local");
}

// ---- loss, retransmission, timeout -----------------------------------------

TEST(MdnsConnTest, RetransmitsWhenTheFirstQueryIsLost) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  lan.Add(&a);
  const int nb = lan.Add(&b);
  int queries_seen = 0;
  lan.set_filter([&](const SentPacket& p) {
    return p.from == nb && ++queries_seen == 1;  // lose B's first query
  });
  ASSERT_TRUE(a.Publish(lan.now(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  auto id = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *id), Timestamp::Seconds(10)));
  Timestamp at;
  ASSERT_NE(FindResolved(lan.events(nb), *id, &at), nullptr);
  EXPECT_EQ(at, Timestamp::Seconds(1) + TimeDelta::Millis(2));
  EXPECT_EQ(b.stats().retransmissions, 1u);
  std::vector<SentPacket> queries = SentBy(lan, nb, false);
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_TRUE(queries[0].dropped);
  EXPECT_EQ(queries[1].at, Timestamp::Seconds(1));
}

TEST(MdnsConnTest, SeededLossIsSurvivedByRetransmission) {
  // 30% loss on every packet, queries and answers alike. The first seed
  // whose first loss draw drops a packet loses B's first query. Six
  // transmissions leave about a 2% chance of failing; the seed is fixed, so
  // the outcome is too.
  uint64_t seed = 1;
  while (!Rng(seed).Fork("loss").Bernoulli(0.3)) ++seed;

  auto run = [seed] {
    MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
    Config cb = MakeConfig({Ip("10.0.0.2")});
    cb.max_query_transmissions = 6;
    cb.query_timeout = TimeDelta::Seconds(40);
    MdnsConn b = MakeConn(cb);
    Lan lan(LanOptions{.loss = 0.3, .seed = seed});
    lan.Add(&a);
    const int nb = lan.Add(&b);
    EXPECT_TRUE(a.Publish(lan.now(), Name(kUuid), {Ip("10.0.0.1")}).ok());
    auto id = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
    EXPECT_TRUE(id.ok());
    lan.RunUntil(Finished(lan, nb, *id), Timestamp::Seconds(60));
    EXPECT_TRUE(SentBy(lan, nb, false).at(0).dropped);
    EXPECT_NE(FindResolved(lan.events(nb), *id), nullptr);
    EXPECT_GE(b.stats().retransmissions, 1u);
    std::vector<std::pair<Timestamp, bool>> log;
    for (const SentPacket& p : lan.sent()) log.emplace_back(p.at, p.dropped);
    return log;
  };
  // Same seed, same story.
  EXPECT_EQ(run(), run());
}

TEST(MdnsConnTest, FailsAfterTimeoutWhenNobodyAnswers) {
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  const int nb = lan.Add(&b);
  auto id = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *id), Timestamp::Seconds(60)));
  Timestamp at;
  const ResolveFailed* f = FindFailed(lan.events(nb), *id, &at);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->name, Name(kUuid));
  EXPECT_EQ(f->reason.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(at, Timestamp::Seconds(5));
  // 1 s, then doubling, three transmissions in all.
  std::vector<SentPacket> queries = SentBy(lan, nb, false);
  ASSERT_EQ(queries.size(), 3u);
  EXPECT_EQ(queries[0].at, Timestamp::Seconds(0));
  EXPECT_EQ(queries[1].at, Timestamp::Seconds(1));
  EXPECT_EQ(queries[2].at, Timestamp::Seconds(3));
  EXPECT_EQ(b.NextTimeout(), std::nullopt);
  EXPECT_EQ(lan.events(nb).size(), 1u);
}

TEST(MdnsConnTest, CancelledQueryProducesNoEvent) {
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  const int nb = lan.Add(&b);
  auto id = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  ASSERT_TRUE(id.ok());
  b.CancelQuery(*id);
  lan.RunFor(TimeDelta::Seconds(10));
  EXPECT_TRUE(lan.events(nb).empty());
  EXPECT_EQ(SentBy(lan, nb, false).size(), 1u);
}

// ---- cache -----------------------------------------------------------------

TEST(MdnsConnTest, CachedAnswersExpireWithTheirTtl) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  const int na = lan.Add(&a);
  const int nb = lan.Add(&b);
  ASSERT_TRUE(a.Publish(lan.now(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  auto first = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *first), Timestamp::Seconds(5)));
  ASSERT_NE(FindResolved(lan.events(nb), *first), nullptr);
  lan.Detach(na);  // A vanishes without a goodbye

  // 60 s later the record (TTL 120) still answers without a packet.
  lan.RunFor(TimeDelta::Seconds(60));
  const size_t sent_before = lan.sent().size();
  auto second = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  lan.Collect();
  EXPECT_NE(FindResolved(lan.events(nb), *second), nullptr);
  EXPECT_EQ(lan.sent().size(), sent_before);

  // Past the TTL the cache is empty and the query goes to the network.
  lan.RunFor(TimeDelta::Seconds(61));
  EXPECT_TRUE(
      b.CachedAddresses(lan.now(), Name(kUuid), IpFamily::kNone).empty());
  auto third = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *third),
                           lan.now() + TimeDelta::Seconds(10)));
  EXPECT_NE(FindFailed(lan.events(nb), *third), nullptr);
  EXPECT_EQ(b.cached_record_count(), 0u);
}

TEST(MdnsConnTest, GoodbyeOnUnpublishClearsPeerCaches) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  lan.Add(&a);
  const int nb = lan.Add(&b);
  ASSERT_TRUE(a.Publish(lan.now(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  auto id = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *id), Timestamp::Seconds(5)));
  EXPECT_EQ(b.cached_record_count(), 1u);

  ASSERT_TRUE(a.Unpublish(lan.now(), Name(kUuid)).ok());
  EXPECT_FALSE(a.IsPublished(Name(kUuid)));
  EXPECT_EQ(a.Unpublish(lan.now(), Name(kUuid)).code(),
            absl::StatusCode::kNotFound);
  lan.RunFor(TimeDelta::Seconds(1));
  EXPECT_EQ(b.cached_record_count(), 0u);

  auto again = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *again),
                           lan.now() + TimeDelta::Seconds(10)));
  EXPECT_NE(FindFailed(lan.events(nb), *again), nullptr);
}

TEST(MdnsConnTest, CacheFlushRetiresOlderRecordsAfterOneSecond) {
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  const int nb = lan.Add(&b);
  const std::string name = Name(kUuid);
  lan.Inject(nb, MakeDatagram(Response({ARecord(name, "10.0.0.1")}),
                              Addr("10.0.0.1:5353")));
  lan.RunFor(TimeDelta::Seconds(5));
  // The host moved to a new address and says so with cache-flush.
  lan.Inject(nb, MakeDatagram(Response({ARecord(name, "10.0.0.9")}),
                              Addr("10.0.0.9:5353")));
  EXPECT_EQ(b.CachedAddresses(lan.now(), name, IpFamily::kIPv4),
            (std::vector<IpAddress>{Ip("10.0.0.1"), Ip("10.0.0.9")}));
  EXPECT_EQ(b.CachedAddresses(lan.now() + TimeDelta::Millis(1001), name,
                              IpFamily::kIPv4),
            std::vector<IpAddress>{Ip("10.0.0.9")});

  // Without cache-flush, records accumulate.
  lan.RunFor(TimeDelta::Seconds(5));
  lan.Inject(nb, MakeDatagram(Response({ARecord(name, "10.0.0.3", 120,
                                                /*flush=*/false)}),
                              Addr("10.0.0.3:5353")));
  EXPECT_EQ(b.CachedAddresses(lan.now() + TimeDelta::Seconds(2), name,
                              IpFamily::kIPv4),
            (std::vector<IpAddress>{Ip("10.0.0.3"), Ip("10.0.0.9")}));
}

TEST(MdnsConnTest, UnsolicitedResponsesAreIgnoredButFillTheCache) {
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  const int nb = lan.Add(&b);
  auto pending = b.Query(lan.now(), "other.local", IpFamily::kIPv4);
  ASSERT_TRUE(pending.ok());
  lan.Inject(nb, MakeDatagram(Response({ARecord(Name(kUuid), "10.0.0.1")}),
                              Addr("10.0.0.1:5353")));
  EXPECT_EQ(b.stats().unsolicited_responses, 1u);
  EXPECT_EQ(b.outstanding_queries(), 1u);
  EXPECT_TRUE(lan.events(nb).empty());

  const size_t sent_before = lan.sent().size();
  auto id = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  lan.Collect();
  EXPECT_EQ(lan.sent().size(), sent_before);
  const Resolved* r = FindResolved(lan.events(nb), *id);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->addresses, std::vector<IpAddress>{Ip("10.0.0.1")});
}

TEST(MdnsConnTest, CacheIsBounded) {
  Config c = MakeConfig({Ip("10.0.0.2")});
  c.max_cache_records = 8;
  MdnsConn b = MakeConn(c);
  Lan lan;
  const int nb = lan.Add(&b);
  auto id = b.Query(lan.now(), "wanted.local", IpFamily::kIPv4);
  for (int i = 0; i < 20; ++i) {
    lan.Inject(nb, MakeDatagram(
                       Response({ARecord("junk" + std::to_string(i) + ".local",
                                         "10.0.1.1")}),
                       Addr("10.0.0.1:5353")));
  }
  EXPECT_EQ(b.cached_record_count(), 8u);
  EXPECT_EQ(b.stats().cache_full_dropped, 12u);
  // An answer we asked for still gets in (evicting junk) and resolves.
  lan.Inject(nb, MakeDatagram(Response({ARecord("wanted.local", "10.0.0.1")}),
                              Addr("10.0.0.1:5353")));
  EXPECT_EQ(b.cached_record_count(), 8u);
  EXPECT_NE(FindResolved(lan.events(nb), *id), nullptr);
  EXPECT_EQ(b.CachedAddresses(lan.now(), "wanted.local", IpFamily::kIPv4),
            std::vector<IpAddress>{Ip("10.0.0.1")});
}

// ---- modes -----------------------------------------------------------------

TEST(MdnsConnTest, QueryOnlyResolvesButNeverAnswers) {
  MdnsConn a =
      MakeConn(MakeConfig({Ip("10.0.0.1")}, MulticastDnsMode::kQueryOnly));
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  const int na = lan.Add(&a);
  const int nb = lan.Add(&b);
  EXPECT_EQ(a.Publish(lan.now(), Name(kUuid), {Ip("10.0.0.1")}).code(),
            absl::StatusCode::kFailedPrecondition);

  // B asks for a name only A could know: nobody answers.
  auto from_b = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *from_b), Timestamp::Seconds(10)));
  EXPECT_NE(FindFailed(lan.events(nb), *from_b), nullptr);
  EXPECT_TRUE(SentBy(lan, na, true).empty());
  EXPECT_EQ(a.stats().ignored, 3u);  // B's three queries

  // A can still resolve B's name.
  ASSERT_TRUE(b.Publish(lan.now(), "b-host.local", {Ip("10.0.0.2")}).ok());
  auto from_a = a.Query(lan.now(), "b-host.local", IpFamily::kIPv4);
  ASSERT_TRUE(lan.RunUntil(Finished(lan, na, *from_a),
                           lan.now() + TimeDelta::Seconds(10)));
  EXPECT_NE(FindResolved(lan.events(na), *from_a), nullptr);
}

TEST(MdnsConnTest, DisabledIgnoresEverything) {
  MdnsConn d =
      MakeConn(MakeConfig({Ip("10.0.0.3")}, MulticastDnsMode::kDisabled));
  EXPECT_EQ(
      d.Query(Timestamp::Zero(), Name(kUuid), IpFamily::kIPv4).status().code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(d.Publish(Timestamp::Zero(), Name(kUuid), {Ip("10.0.0.3")}).code(),
            absl::StatusCode::kFailedPrecondition);
  d.HandleDatagram(
      Timestamp::Zero(),
      MakeDatagram(QueryFor(Name(kUuid), RrType::kA), Addr("10.0.0.1:5353")));
  d.HandleDatagram(Timestamp::Zero(),
                   MakeDatagram(Response({ARecord(Name(kUuid), "10.0.0.1")}),
                                Addr("10.0.0.1:5353")));
  d.HandleTimeout(Timestamp::Seconds(1));
  EXPECT_EQ(d.stats().ignored, 2u);
  EXPECT_EQ(d.cached_record_count(), 0u);
  EXPECT_EQ(d.PollTransmit(), std::nullopt);
  EXPECT_FALSE(d.PollEvent().has_value());
  EXPECT_EQ(d.NextTimeout(), std::nullopt);
}

TEST(MdnsConnTest, OwnNamesResolveLocally) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  ASSERT_TRUE(a.Publish(Timestamp::Zero(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  auto id = a.Query(Timestamp::Zero(), Name(kUuid), IpFamily::kIPv4);
  ASSERT_TRUE(id.ok());
  auto e = a.PollEvent();
  ASSERT_TRUE(e.has_value());
  const Resolved* r = std::get_if<Resolved>(&*e);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, *id);
  EXPECT_EQ(r->addresses, std::vector<IpAddress>{Ip("10.0.0.1")});
  EXPECT_EQ(a.PollTransmit(), std::nullopt);
}

// ---- concurrency -----------------------------------------------------------

TEST(MdnsConnTest, ConcurrentQueriesEachGetOneEvent) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1"), Ip("fd00::1")}));
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2"), Ip("fd00::2")}));
  Lan lan;
  lan.Add(&a);
  const int nb = lan.Add(&b);
  ASSERT_TRUE(a.Publish(lan.now(), "one.local", {Ip("10.0.0.1")}).ok());
  ASSERT_TRUE(
      a.Publish(lan.now(), "two.local", {Ip("10.0.0.1"), Ip("fd00::1")}).ok());
  // Lose B's first round so that the retransmissions are batched.
  lan.set_filter([&](const SentPacket& p) {
    return p.from == nb && p.at == Timestamp::Zero();
  });
  QueryId one = *b.Query(lan.now(), "one.local", IpFamily::kIPv4);
  QueryId two6 = *b.Query(lan.now(), "two.local", IpFamily::kIPv6);
  QueryId three = *b.Query(lan.now(), "three.local", IpFamily::kIPv4);
  QueryId one_again = *b.Query(lan.now(), "ONE.local", IpFamily::kIPv4);
  EXPECT_EQ(b.outstanding_queries(), 4u);
  lan.RunFor(TimeDelta::Seconds(10));

  const Resolved* r1 = FindResolved(lan.events(nb), one);
  const Resolved* r1b = FindResolved(lan.events(nb), one_again);
  const Resolved* r2 = FindResolved(lan.events(nb), two6);
  ASSERT_NE(r1, nullptr);
  ASSERT_NE(r1b, nullptr);
  ASSERT_NE(r2, nullptr);
  EXPECT_EQ(r1->addresses, std::vector<IpAddress>{Ip("10.0.0.1")});
  EXPECT_EQ(r1b->name, "ONE.local");
  EXPECT_EQ(r2->addresses, std::vector<IpAddress>{Ip("fd00::1")});
  EXPECT_NE(FindFailed(lan.events(nb), three), nullptr);
  EXPECT_EQ(lan.events(nb).size(), 4u);

  // The retransmission at 1 s carries every due question once (the two
  // queries for one.local share it), one question per message, on each of
  // the two interfaces.
  std::vector<SentPacket> at_one_second;
  for (const SentPacket& p : SentBy(lan, nb, false)) {
    if (p.at == Timestamp::Seconds(1)) at_one_second.push_back(p);
  }
  ASSERT_EQ(at_one_second.size(), 6u);
  std::vector<std::pair<std::string, RrType>> asked;
  for (size_t i = 0; i < at_one_second.size(); i += 2) {
    Message m = Parse(at_one_second[i].transmit);
    ASSERT_EQ(m.questions.size(), 1u);
    asked.emplace_back(m.questions[0].name, m.questions[0].type);
  }
  EXPECT_EQ(asked, (std::vector<std::pair<std::string, RrType>>{
                       {"one.local", RrType::kA},
                       {"two.local", RrType::kAaaa},
                       {"three.local", RrType::kA}}));
}

// ---- responder details -----------------------------------------------------

// A query as Chromium's MdnsResponder resolver sends it for a remote host
// candidate: id 0, flags 0, one question <uuid>.local A IN, from port 5353 to
// the group. Built by hand per RFC 6762 / RFC 1035 section 4.
TEST(MdnsConnTest, AnswersChromiumStyleQueryByteForByte) {
  MdnsConn a = MakeConn(MakeConfig({Ip("192.168.1.5")}));
  ASSERT_TRUE(
      a.Publish(Timestamp::Zero(), Name(kUuid), {Ip("192.168.1.5")}).ok());

  auto put_name = [](Bytes& b) {
    b.push_back(36);
    b.insert(b.end(), kUuid, kUuid + 36);
    b.push_back(5);
    for (char c : std::string("local")) b.push_back(static_cast<uint8_t>(c));
    b.push_back(0);
  };
  Bytes query = {0x00, 0x00,  // id
                 0x00, 0x00,  // flags: standard query
                 0x00, 0x01,  // QDCOUNT
                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  put_name(query);
  query.insert(query.end(), {0x00, 0x01,    // QTYPE A
                             0x00, 0x01});  // QCLASS IN, QM
  Datagram d;
  d.local = Addr("224.0.0.251:5353");
  d.remote = Addr("192.168.1.7:5353");
  d.payload = query;
  a.HandleDatagram(Timestamp::Millis(3), d);

  Bytes expected = {0x00, 0x00,  // id 0
                    0x84, 0x00,  // QR, AA
                    0x00, 0x00,  // no questions
                    0x00, 0x01,  // one answer
                    0x00, 0x00, 0x00, 0x00};
  put_name(expected);
  expected.insert(expected.end(), {0x00, 0x01,              // TYPE A
                                   0x80, 0x01,              // cache-flush | IN
                                   0x00, 0x00, 0x00, 0x78,  // TTL 120
                                   0x00, 0x04,              // RDLENGTH
                                   192, 168, 1, 5});
  auto t = a.PollTransmit();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->local, Addr("192.168.1.5:5353"));
  EXPECT_EQ(t->remote, Addr("224.0.0.251:5353"));
  EXPECT_EQ(t->payload, expected);
  EXPECT_EQ(a.PollTransmit(), std::nullopt);
  EXPECT_EQ(a.stats().queries_received, 1u);
}

TEST(MdnsConnTest, LegacyUnicastQueryGetsConventionalReply) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  ASSERT_TRUE(a.Publish(Timestamp::Zero(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  Message q = QueryFor(Name(kUuid), RrType::kA);
  q.header.id = 0x1234;
  a.HandleDatagram(Timestamp::Zero(), MakeDatagram(q, Addr("10.0.0.7:40000")));
  auto t = a.PollTransmit();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->remote, Addr("10.0.0.7:40000"));
  Message m = Parse(*t);
  EXPECT_EQ(m.header.id, 0x1234);
  ASSERT_EQ(m.questions.size(), 1u);
  EXPECT_EQ(m.questions[0], q.questions[0]);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].ttl, 10u);
  EXPECT_FALSE(m.answers[0].cache_flush);
}

TEST(MdnsConnTest, DirectUnicastQueryGetsUnicastReply) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  ASSERT_TRUE(a.Publish(Timestamp::Zero(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  Message q = QueryFor(Name(kUuid), RrType::kA);
  q.header.id = 77;
  a.HandleDatagram(Timestamp::Zero(), MakeDatagram(q, Addr("10.0.0.7:5353"),
                                                   Addr("10.0.0.1:5353")));
  auto t = a.PollTransmit();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->remote, Addr("10.0.0.7:5353"));
  EXPECT_EQ(Parse(*t).header.id, 77);  // RFC 6762 section 18.1

  // A wildcard socket's address says nothing about how the query was sent:
  // treated as multicast.
  a.HandleDatagram(Timestamp::Seconds(2), MakeDatagram(q, Addr("10.0.0.7:5353"),
                                                       Addr("0.0.0.0:5353")));
  t = a.PollTransmit();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->remote, MdnsGroupV4());
  EXPECT_EQ(Parse(*t).header.id, 0);
}

TEST(MdnsConnTest, UnicastResponseBitHonouredAfterRecentMulticast) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  Config cb = MakeConfig({Ip("10.0.0.2")});
  cb.request_unicast_response = true;
  MdnsConn b = MakeConn(cb);
  MdnsConn c = MakeConn(MakeConfig({Ip("10.0.0.3")}));
  Lan lan;
  const int na = lan.Add(&a);
  const int nb = lan.Add(&b);
  lan.Add(&c);
  ASSERT_TRUE(a.Publish(lan.now(), Name(kUuid), {Ip("10.0.0.1")}).ok());

  // Never multicast before: the QU query is answered by multicast so every
  // cache on the link learns it.
  auto qb = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  ASSERT_TRUE(lan.RunUntil(Finished(lan, nb, *qb), Timestamp::Seconds(5)));
  EXPECT_TRUE(Parse(SentBy(lan, nb, false).at(0).transmit)
                  .questions.at(0)
                  .unicast_response);
  EXPECT_EQ(SentBy(lan, na, true).at(0).transmit.remote, MdnsGroupV4());
  EXPECT_EQ(c.cached_record_count(), 1u);  // C overheard it

  // 10 s later, well within a quarter TTL: a QU query is answered unicast.
  lan.RunFor(TimeDelta::Seconds(10));
  lan.Inject(na, MakeDatagram(QueryFor(Name(kUuid), RrType::kA, /*qu=*/true),
                              Addr("10.0.0.3:5353")));
  std::vector<SentPacket> answers = SentBy(lan, na, true);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[1].transmit.remote, Addr("10.0.0.3:5353"));
  EXPECT_EQ(answers[1].transmit.local, Addr("10.0.0.1:5353"));
}

TEST(MdnsConnTest, KnownAnswersSuppressOurs) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  ASSERT_TRUE(a.Publish(Timestamp::Zero(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  Message q = QueryFor(Name(kUuid), RrType::kA);
  q.answers.push_back(ARecord(Name(kUuid), "10.0.0.1", 100, false));
  a.HandleDatagram(Timestamp::Zero(), MakeDatagram(q, Addr("10.0.0.7:5353")));
  EXPECT_EQ(a.PollTransmit(), std::nullopt);
  EXPECT_EQ(a.stats().known_answers_suppressed, 1u);

  // Less than half the TTL left: the querier needs a fresh copy.
  q.answers[0].ttl = 50;
  a.HandleDatagram(Timestamp::Seconds(2),
                   MakeDatagram(q, Addr("10.0.0.7:5353")));
  EXPECT_TRUE(a.PollTransmit().has_value());
}

TEST(MdnsConnTest, MulticastAnswersAreRateLimited) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  ASSERT_TRUE(a.Publish(Timestamp::Zero(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  const Datagram q =
      MakeDatagram(QueryFor(Name(kUuid), RrType::kA), Addr("10.0.0.7:5353"));
  int answers = 0;
  for (int ms : {0, 100, 500, 999, 1000, 1500, 2000}) {
    a.HandleDatagram(Timestamp::Millis(ms), q);
    while (a.PollTransmit()) ++answers;
  }
  EXPECT_EQ(answers, 3);  // at 0, 1000 and 2000 ms
  EXPECT_EQ(a.stats().rate_limited, 4u);
}

TEST(MdnsConnTest, AnnouncesOnPublishAndPeersCacheIt) {
  Config ca = MakeConfig({Ip("10.0.0.1")});
  ca.announcements = 2;
  MdnsConn a = MakeConn(ca);
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  const int na = lan.Add(&a);
  const int nb = lan.Add(&b);
  ASSERT_TRUE(a.Publish(lan.now(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  lan.RunFor(TimeDelta::Seconds(10));
  std::vector<SentPacket> announcements = SentBy(lan, na, true);
  ASSERT_EQ(announcements.size(), 2u);
  EXPECT_EQ(announcements[0].at, Timestamp::Zero());
  EXPECT_EQ(announcements[1].at, Timestamp::Seconds(1));
  EXPECT_EQ(a.NextTimeout(), std::nullopt);

  auto id = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  lan.Collect();
  EXPECT_NE(FindResolved(lan.events(nb), *id), nullptr);
  EXPECT_TRUE(SentBy(lan, nb, false).empty());
}

TEST(MdnsConnTest, LargeAnswersAreSplitToFitTheMessageLimit) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  std::vector<IpAddress> many;
  for (int i = 0; i < 100; ++i) {
    std::array<uint8_t, 16> b{};
    b[0] = 0xfd;
    b[15] = static_cast<uint8_t>(i + 1);
    many.push_back(IpAddress::V6(b));
  }
  ASSERT_TRUE(a.Publish(Timestamp::Zero(), Name(kUuid), many).ok());
  a.HandleDatagram(Timestamp::Zero(),
                   MakeDatagram(QueryFor(Name(kUuid), RrType::kAaaa),
                                Addr("10.0.0.7:5353")));
  std::set<IpAddress> seen;
  int messages = 0;
  while (auto t = a.PollTransmit()) {
    ++messages;
    EXPECT_LE(t->payload.size(), a.config().max_message_size);
    for (const ResourceRecord& r : Parse(*t).answers) {
      seen.insert(std::get<AaaaData>(r.rdata).address);
    }
  }
  EXPECT_GT(messages, 1);
  EXPECT_EQ(seen.size(), 100u);
}

// ---- hostile input ---------------------------------------------------------

TEST(MdnsConnTest, MalformedInputIsCountedAndIgnored) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  const int na = lan.Add(&a);
  const int nb = lan.Add(&b);
  ASSERT_TRUE(a.Publish(lan.now(), Name(kUuid), {Ip("10.0.0.1")}).ok());

  Rng rng(99);
  const Datagram valid =
      MakeDatagram(QueryFor(Name(kUuid), RrType::kA), Addr("10.0.0.7:5353"));
  int garbage = 0;
  for (int i = 0; i < 200; ++i) {
    Datagram d = valid;
    if (i % 2 == 0) {
      d.payload.resize(rng.Uniform(80));
      rng.Fill(d.payload);
    } else {
      d.payload.resize(rng.Uniform(d.payload.size()));  // truncated
    }
    lan.Inject(na, d);
    lan.Inject(nb, d);
    ++garbage;
  }
  EXPECT_EQ(a.stats().malformed_dropped, static_cast<uint64_t>(garbage));
  EXPECT_EQ(b.stats().malformed_dropped, static_cast<uint64_t>(garbage));
  EXPECT_TRUE(lan.sent().empty());
  EXPECT_TRUE(lan.events(na).empty());
  EXPECT_TRUE(lan.events(nb).empty());

  // A response from a non-mDNS port, a non-zero rcode and a TCP datagram are
  // ignored too.
  Message resp = Response({ARecord("x.local", "10.0.0.9")});
  lan.Inject(nb, MakeDatagram(resp, Addr("10.0.0.9:53")));
  resp.header.rcode = 3;
  lan.Inject(nb, MakeDatagram(resp, Addr("10.0.0.9:5353")));
  Datagram tcp = valid;
  tcp.transport = Transport::kTcp;
  lan.Inject(na, tcp);
  EXPECT_EQ(b.stats().ignored, 2u);
  EXPECT_EQ(a.stats().ignored, 1u);
  EXPECT_EQ(b.cached_record_count(), 0u);

  // Both still work.
  auto id = b.Query(lan.now(), Name(kUuid), IpFamily::kIPv4);
  ASSERT_TRUE(
      lan.RunUntil(Finished(lan, nb, *id), lan.now() + TimeDelta::Seconds(5)));
  EXPECT_NE(FindResolved(lan.events(nb), *id), nullptr);
}

TEST(MdnsConnTest, AnswersOfTheWrongFamilyOrAddressAreFiltered) {
  MdnsConn b = MakeConn(MakeConfig({Ip("10.0.0.2")}));
  Lan lan;
  const int nb = lan.Add(&b);
  const std::string name = Name(kUuid);
  auto id = b.Query(lan.now(), name, IpFamily::kIPv4);

  // Only AAAA for an IPv4 question: cached, but the query stays open.
  lan.Inject(nb, MakeDatagram(Response({ARecord(name, "fd00::1")}),
                              Addr("10.0.0.1:5353")));
  EXPECT_EQ(b.outstanding_queries(), 1u);
  EXPECT_TRUE(lan.events(nb).empty());

  // Unusable addresses and a foreign class are dropped.
  ResourceRecord chaos = ARecord(name, "10.0.0.8");
  chaos.rrclass = 3;
  lan.Inject(nb, MakeDatagram(Response({ARecord(name, "0.0.0.0"),
                                        ARecord(name, "224.0.0.1"),
                                        ARecord(name, "255.255.255.255"),
                                        ARecord(name, "ff02::1"), chaos}),
                              Addr("10.0.0.1:5353")));
  EXPECT_EQ(b.stats().records_filtered, 5u);
  EXPECT_EQ(b.outstanding_queries(), 1u);

  // A record whose rdata lies about its type (A with 16 bytes) spoils the
  // whole message.
  Message lie = Response({});
  ResourceRecord bad;
  bad.name = name;
  bad.ttl = 120;
  bad.rdata = UnknownData{RrType::kA, Bytes(16, 1)};
  lie.answers.push_back(bad);
  lan.Inject(nb, MakeDatagram(lie, Addr("10.0.0.1:5353")));
  EXPECT_EQ(b.stats().malformed_dropped, 1u);
  EXPECT_EQ(b.outstanding_queries(), 1u);

  lan.Inject(nb, MakeDatagram(Response({ARecord(name, "fd00::1"),
                                        ARecord(name, "10.0.0.1")}),
                              Addr("10.0.0.1:5353")));
  const Resolved* r = FindResolved(lan.events(nb), *id);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->addresses, std::vector<IpAddress>{Ip("10.0.0.1")});
}

TEST(MdnsConnTest, ResponsesClaimingOurNamesAreNotCached) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  ASSERT_TRUE(a.Publish(Timestamp::Zero(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  a.HandleDatagram(Timestamp::Zero(),
                   MakeDatagram(Response({ARecord(Name(kUuid), "10.0.0.66")}),
                                Addr("10.0.0.66:5353")));
  EXPECT_EQ(a.stats().conflicts, 1u);
  EXPECT_EQ(a.cached_record_count(), 0u);
}

TEST(MdnsConnTest, OwnMulticastEchoIsIgnored) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  ASSERT_TRUE(a.Publish(Timestamp::Zero(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  // Our announcement and our own query, looped back byte for byte.
  absl::StatusOr<QueryId> q =
      a.Query(Timestamp::Zero(), "peer.local", IpFamily::kNone);
  ASSERT_TRUE(q.ok());
  std::vector<Transmit> sent;
  while (std::optional<Transmit> t = a.PollTransmit()) sent.push_back(*t);
  ASSERT_FALSE(sent.empty());
  for (const Transmit& t : sent) {
    a.HandleDatagram(Timestamp::Zero(),
                     Datagram{t.remote, t.local, Transport::kUdp, t.payload});
  }
  EXPECT_EQ(a.stats().echoes_ignored, sent.size());
  EXPECT_EQ(a.PollTransmit(), std::nullopt);
  EXPECT_EQ(a.cached_record_count(), 0u);
}

TEST(MdnsConnTest, AnotherEndpointOnOurAddressIsHeard) {
  // Two processes on one host share its address; the other one's query for
  // our name is not our echo and gets an answer.
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  ASSERT_TRUE(a.Publish(Timestamp::Zero(), Name(kUuid), {Ip("10.0.0.1")}).ok());
  while (a.PollTransmit()) {
  }
  a.HandleDatagram(
      Timestamp::Zero(),
      MakeDatagram(QueryFor(Name(kUuid), RrType::kA), Addr("10.0.0.1:5353")));
  EXPECT_EQ(a.stats().echoes_ignored, 0u);
  EXPECT_NE(a.PollTransmit(), std::nullopt);
}

TEST(MdnsConnTest, EachQuestionGoesInItsOwnMessage) {
  MdnsConn a = MakeConn(MakeConfig({Ip("10.0.0.1")}));
  ASSERT_TRUE(a.Query(Timestamp::Zero(), "peer.local", IpFamily::kNone)
                  .ok());  // A + AAAA
  int messages = 0;
  while (std::optional<Transmit> t = a.PollTransmit()) {
    absl::StatusOr<Message> m = ParseMessage(t->payload);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->questions.size(), 1u);
    ++messages;
  }
  EXPECT_EQ(messages, 2);
}

}  // namespace
}  // namespace simrtc::mdns
