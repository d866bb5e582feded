#include "core/dtls/endpoint.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/base/byte_io.h"
#include "core/base/rng.h"
#include "core/dtls/certificate.h"
#include "core/dtls/test_link.h"
#include "core/srtp/profile.h"
#include "core/srtp/session.h"
#include "gtest/gtest.h"

namespace simrtc::dtls {
namespace {

using testing::Link;
using testing::LinkOptions;

constexpr Timestamp kDeadline = Timestamp::Seconds(600);

// Certificates are slow to make (RSA especially); share them per process.
const Certificate& Cert(KeyType type, int which) {
  static Certificate certs[2][2];
  Certificate& c = certs[type == KeyType::kRsa2048][which];
  if (!c.valid()) {
    CertificateOptions options;
    options.key_type = type;
    options.serial = static_cast<uint64_t>(which + 1);
    c = *Certificate::Generate(options);
  }
  return c;
}

struct Pair {
  std::unique_ptr<Endpoint> client;
  std::unique_ptr<Endpoint> server;
};

struct PairOptions {
  KeyType key_type = KeyType::kEcdsaP256;
  std::vector<srtp::Profile> client_profiles = {
      srtp::Profile::kAeadAes128Gcm, srtp::Profile::kAes128CmHmacSha1_80};
  std::vector<srtp::Profile> server_profiles = {
      srtp::Profile::kAeadAes128Gcm, srtp::Profile::kAes128CmHmacSha1_80};
  size_t mtu = 1200;
  TimeDelta initial_timeout = TimeDelta::Millis(100);
  bool server_knows_fingerprint = true;
  const Certificate* client_cert = nullptr;
  const Certificate* server_cert = nullptr;
};

Pair MakePair(const PairOptions& o = {}) {
  const Certificate& cc = o.client_cert ? *o.client_cert : Cert(o.key_type, 0);
  const Certificate& sc = o.server_cert ? *o.server_cert : Cert(o.key_type, 1);
  Config client;
  client.role = Role::kClient;
  client.certificate = cc;
  client.remote_fingerprints = {sc.fingerprint()};
  client.srtp_profiles = o.client_profiles;
  client.mtu = o.mtu;
  client.initial_retransmit_timeout = o.initial_timeout;
  Config server = client;
  server.role = Role::kServer;
  server.certificate = sc;
  server.remote_fingerprints.clear();
  if (o.server_knows_fingerprint)
    server.remote_fingerprints = {cc.fingerprint()};
  server.srtp_profiles = o.server_profiles;
  auto c = Endpoint::Create(client);
  auto s = Endpoint::Create(server);
  EXPECT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(s.ok()) << s.status();
  return Pair{std::move(*c), std::move(*s)};
}

template <typename T>
std::vector<T> EventsOf(const std::vector<Event>& events) {
  std::vector<T> out;
  for (const Event& e : events) {
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  }
  return out;
}

void StartAndHandshake(Pair& p, Link& link) {
  ASSERT_TRUE(p.server->Start(link.now()).ok());
  ASSERT_TRUE(p.client->Start(link.now()).ok());
  ASSERT_TRUE(link.RunHandshake(kDeadline));
}

TEST(EndpointTest, HandshakeCompletesAndAuthenticatesBothSides) {
  Pair p = MakePair();
  Link link(p.client.get(), p.server.get());
  StartAndHandshake(p, link);
  ASSERT_EQ(p.client->state(), State::kConnected);
  ASSERT_EQ(p.server->state(), State::kConnected);
  auto c_done = EventsOf<HandshakeComplete>(link.events(0));
  auto s_done = EventsOf<HandshakeComplete>(link.events(1));
  ASSERT_EQ(c_done.size(), 1u);
  ASSERT_EQ(s_done.size(), 1u);
  EXPECT_EQ(c_done[0].peer_fingerprint,
            Cert(KeyType::kEcdsaP256, 1).fingerprint());
  EXPECT_EQ(s_done[0].peer_fingerprint,
            Cert(KeyType::kEcdsaP256, 0).fingerprint());
  EXPECT_EQ(c_done[0].srtp_profile, srtp::Profile::kAeadAes128Gcm);
  EXPECT_EQ(s_done[0].srtp_profile, srtp::Profile::kAeadAes128Gcm);
  EXPECT_EQ(c_done[0].cipher_suite, "ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_EQ(p.client->stats().retransmissions, 0u);
  EXPECT_EQ(p.client->peer_certificate_der(),
            Cert(KeyType::kEcdsaP256, 1).der());
  // Two round trips at 10 ms one way: done by 40 ms of virtual time.
  EXPECT_EQ(link.now(), Timestamp::Millis(40));
  // No timer left running once both sides are done.
  EXPECT_EQ(p.client->NextTimeout(), std::nullopt);
  EXPECT_EQ(p.server->NextTimeout(), std::nullopt);
}

TEST(EndpointTest, FirstRetransmissionFollowsTheInitialTimeoutInVirtualTime) {
  PairOptions o;
  o.initial_timeout = TimeDelta::Seconds(1);  // the RFC 6347 default
  Pair p = MakePair(o);
  Link link(p.client.get(), p.server.get());
  // Lose the first ClientHello only.
  int client_sent = 0;
  link.set_filter([&](const testing::SentDatagram& d) {
    return d.from == 0 && client_sent++ == 0;
  });
  ASSERT_TRUE(p.client->Start(link.now()).ok());
  EXPECT_EQ(p.client->NextTimeout(), Timestamp::Seconds(1));
  ASSERT_TRUE(link.RunHandshake(kDeadline));
  EXPECT_EQ(p.client->state(), State::kConnected);
  EXPECT_EQ(p.client->stats().retransmissions, 1u);
  ASSERT_GE(link.sent().size(), 2u);
  EXPECT_TRUE(link.sent()[0].dropped);
  EXPECT_EQ(link.sent()[1].from, 0);
  EXPECT_EQ(link.sent()[1].at, Timestamp::Seconds(1));
  EXPECT_EQ(link.sent()[1].payload.size(), link.sent()[0].payload.size());
  EXPECT_EQ(link.now(), Timestamp::Millis(1040));
}

struct LossCase {
  double loss;
  uint64_t seed;
  KeyType key_type;
};

struct LossOutcome {
  size_t dropped = 0;
  uint64_t retransmissions = 0;
  Timestamp handshake_done;
};

// A full handshake over a lossy link, then one message each way (resent
// until it arrives, since the link keeps losing).
LossOutcome RunLossyHandshake(const LossCase& c) {
  LossOutcome out;
  PairOptions o;
  o.key_type = c.key_type;
  Pair p = MakePair(o);
  LinkOptions lo;
  lo.loss = c.loss;
  lo.seed = c.seed;
  Link link(p.client.get(), p.server.get(), lo);
  StartAndHandshake(p, link);
  EXPECT_EQ(p.client->state(), State::kConnected) << link.now();
  EXPECT_EQ(p.server->state(), State::kConnected) << link.now();
  out.handshake_done = link.now();
  for (const auto& d : link.sent()) out.dropped += d.dropped;
  out.retransmissions =
      p.client->stats().retransmissions + p.server->stats().retransmissions;
  // Every loss during the handshake was repaired by a timer.
  if (out.dropped > 0) {
    EXPECT_GT(out.retransmissions, 0u);
  }
  const std::vector<uint8_t> hello = {'h', 'i'};
  for (int side = 0; side < 2 && p.client->state() == State::kConnected;
       ++side) {
    Endpoint* tx = side == 0 ? p.client.get() : p.server.get();
    bool got = false;
    for (int attempt = 0; attempt < 50 && !got; ++attempt) {
      EXPECT_TRUE(tx->Send(link.now(), hello).ok());
      link.RunFor(TimeDelta::Millis(50));
      got = !EventsOf<ApplicationData>(link.events(1 - side)).empty();
    }
    EXPECT_TRUE(got);
  }
  return out;
}

class LossyHandshakeTest : public ::testing::TestWithParam<LossCase> {};

std::vector<LossCase> LossCases() {
  std::vector<LossCase> cases;
  for (double loss : {0.0, 0.1, 0.3}) {
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      cases.push_back(
          {loss, seed, seed % 2 ? KeyType::kEcdsaP256 : KeyType::kRsa2048});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(LossRates, LossyHandshakeTest,
                         ::testing::ValuesIn(LossCases()),
                         [](const auto& info) {
                           return "loss" +
                                  std::to_string(
                                      static_cast<int>(info.param.loss * 100)) +
                                  "_seed" + std::to_string(info.param.seed);
                         });

TEST_P(LossyHandshakeTest, CompletesThroughRetransmissions) {
  LossOutcome out = RunLossyHandshake(GetParam());
  ::testing::Test::RecordProperty("handshake_ms",
                                  static_cast<int>(out.handshake_done.ms()));
  ::testing::Test::RecordProperty("dropped", static_cast<int>(out.dropped));
  if (GetParam().loss == 0.0) {
    EXPECT_EQ(out.dropped, 0u);
    EXPECT_EQ(out.retransmissions, 0u);
  }
}

// Over 20 seeds, 30% loss really does hit the handshake and the timers
// really do repair it, in virtual time only.
TEST(LossyHandshakeAggregateTest, ThirtyPercentLossIsExercised) {
  size_t dropped = 0;
  uint64_t retransmissions = 0;
  Timestamp slowest;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    LossOutcome out = RunLossyHandshake({0.3, seed, KeyType::kEcdsaP256});
    dropped += out.dropped;
    retransmissions += out.retransmissions;
    slowest = std::max(slowest, out.handshake_done);
  }
  std::cout << "30% loss, 20 handshakes: " << dropped << " datagrams lost, "
            << retransmissions << " retransmissions, slowest " << slowest
            << "\n";
  EXPECT_GE(dropped, 10u);
  EXPECT_GE(retransmissions, 10u);
}

// Each endpoint's peer checks the fingerprint it was told to expect.
TEST(EndpointTest, ClientRefusesServerWithWrongFingerprint) {
  PairOptions o;
  o.server_cert = &Cert(KeyType::kRsa2048, 1);  // not what the client expects
  Pair p = MakePair(o);
  ASSERT_TRUE(
      p.client
          ->SetRemoteFingerprints(Timestamp::Zero(),
                                  {Cert(KeyType::kEcdsaP256, 1).fingerprint()})
          .ok());
  Link link(p.client.get(), p.server.get());
  StartAndHandshake(p, link);
  EXPECT_EQ(p.client->state(), State::kFailed);
  EXPECT_EQ(p.server->state(), State::kFailed);
  auto c_err = EventsOf<Error>(link.events(0));
  ASSERT_EQ(c_err.size(), 1u);
  std::cout << "client: " << c_err[0].status << "\n";
  EXPECT_EQ(c_err[0].status.code(), absl::StatusCode::kUnauthenticated);
  const std::string msg(c_err[0].status.message());
  EXPECT_NE(msg.find("fingerprint mismatch"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected " +
                     Cert(KeyType::kEcdsaP256, 1).fingerprint().ToSdp()),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("got " + Cert(KeyType::kRsa2048, 1).fingerprint().ToSdp()),
            std::string::npos)
      << msg;
  auto s_err = EventsOf<Error>(link.events(1));
  ASSERT_EQ(s_err.size(), 1u);
  std::cout << "server: " << s_err[0].status << "\n";
  EXPECT_NE(s_err[0].status.message().find("bad certificate"),
            std::string::npos)
      << s_err[0].status;
  EXPECT_TRUE(EventsOf<HandshakeComplete>(link.events(0)).empty());
  EXPECT_TRUE(EventsOf<HandshakeComplete>(link.events(1)).empty());
}

TEST(EndpointTest, ServerRefusesClientWithWrongFingerprint) {
  PairOptions o;
  o.server_knows_fingerprint = false;
  Pair p = MakePair(o);
  ASSERT_TRUE(
      p.server
          ->SetRemoteFingerprints(Timestamp::Zero(),
                                  {Cert(KeyType::kRsa2048, 0).fingerprint()})
          .ok());
  Link link(p.client.get(), p.server.get());
  StartAndHandshake(p, link);
  EXPECT_EQ(p.server->state(), State::kFailed);
  EXPECT_EQ(p.client->state(), State::kFailed);
  auto s_err = EventsOf<Error>(link.events(1));
  ASSERT_EQ(s_err.size(), 1u);
  EXPECT_EQ(s_err[0].status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s_err[0].status.message().find(
                "DTLS server: peer certificate fingerprint mismatch"),
            std::string::npos)
      << s_err[0].status;
  EXPECT_NE(s_err[0].status.message().find(
                "got " + Cert(KeyType::kEcdsaP256, 0).fingerprint().ToSdp()),
            std::string::npos);
  auto c_err = EventsOf<Error>(link.events(0));
  ASSERT_EQ(c_err.size(), 1u);
  EXPECT_EQ(c_err[0].status.code(), absl::StatusCode::kAborted);
  EXPECT_NE(
      c_err[0].status.message().find("peer sent fatal alert 'bad certificate'"),
      std::string::npos)
      << c_err[0].status;
}

// JSEP: the answerer's DTLS may start before the answer (with its
// fingerprint) reaches the offerer. The handshake waits, then resumes.
TEST(EndpointTest, HandshakeWaitsForLateRemoteFingerprint) {
  PairOptions o;
  o.server_knows_fingerprint = false;
  Pair p = MakePair(o);
  Link link(p.client.get(), p.server.get());
  ASSERT_TRUE(p.client->Start(link.now()).ok());
  link.RunFor(TimeDelta::Millis(500));
  EXPECT_EQ(p.server->state(), State::kConnecting);
  EXPECT_EQ(p.client->state(), State::kConnecting);
  EXPECT_FALSE(p.server->peer_certificate_der().empty());
  ASSERT_TRUE(p.server
                  ->SetRemoteFingerprints(
                      link.now(), {Cert(KeyType::kEcdsaP256, 0).fingerprint()})
                  .ok());
  ASSERT_TRUE(link.RunHandshake(kDeadline));
  EXPECT_EQ(p.server->state(), State::kConnected);
  EXPECT_EQ(p.client->state(), State::kConnected);
}

class SrtpProfileTest : public ::testing::TestWithParam<srtp::Profile> {};

INSTANTIATE_TEST_SUITE_P(
    AllProfiles, SrtpProfileTest, ::testing::ValuesIn(srtp::kAllProfiles),
    [](const auto& info) {
      return std::string(srtp::ProfileName(info.param)).substr(5);
    });

// The server picks by its own preference among what the client offers.
TEST_P(SrtpProfileTest, NegotiatedExportedAndUsable) {
  PairOptions o;
  o.client_profiles = {srtp::kAllProfiles.begin(), srtp::kAllProfiles.end()};
  o.server_profiles = {GetParam(), srtp::Profile::kAes128CmHmacSha1_80};
  Pair p = MakePair(o);
  Link link(p.client.get(), p.server.get());
  StartAndHandshake(p, link);
  ASSERT_EQ(p.client->srtp_profile(), GetParam());
  ASSERT_EQ(p.server->srtp_profile(), GetParam());
  EXPECT_EQ(EventsOf<HandshakeComplete>(link.events(0))[0].srtp_profile,
            GetParam());

  auto ck = p.client->ExportSrtpKeyingMaterial();
  auto sk = p.server->ExportSrtpKeyingMaterial();
  ASSERT_TRUE(ck.ok()) << ck.status();
  ASSERT_TRUE(sk.ok()) << sk.status();
  EXPECT_EQ(*ck, *sk);
  EXPECT_EQ(ck->profile, GetParam());
  const srtp::ProfileInfo& info = srtp::GetProfileInfo(GetParam());
  EXPECT_EQ(ck->client_write.key.size(), info.master_key_len);
  EXPECT_EQ(ck->server_write.salt.size(), info.master_salt_len);
  EXPECT_NE(ck->client_write, ck->server_write);

  // The raw exporter agrees with the split.
  auto raw = p.client->ExportKeyingMaterial(
      "EXTRACTOR-dtls_srtp", srtp::ExportedKeyingMaterialLength(GetParam()));
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*srtp::SplitKeyingMaterial(GetParam(), *raw), *ck);

  // And SRTP sessions keyed from each side interoperate.
  auto cs =
      srtp::Session::Create(srtp::SessionConfig::FromKeyingMaterial(*ck, true));
  auto ss = srtp::Session::Create(
      srtp::SessionConfig::FromKeyingMaterial(*sk, false));
  ASSERT_TRUE(cs.ok() && ss.ok());
  std::vector<uint8_t> rtp(12 + 100 + srtp::kMaxRtpOverhead, 0x42);
  rtp[0] = 0x80;
  rtp[1] = 111;
  auto n = cs->ProtectRtp(rtp, 112);
  ASSERT_TRUE(n.ok());
  auto m = ss->UnprotectRtp(std::span<uint8_t>(rtp.data(), *n));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(*m, 112u);
}

TEST(EndpointTest, NoCommonSrtpProfile) {
  PairOptions o;
  o.client_profiles = {srtp::Profile::kAes128CmHmacSha1_32};
  o.server_profiles = {srtp::Profile::kAeadAes256Gcm};
  Pair p = MakePair(o);
  Link link(p.client.get(), p.server.get());
  StartAndHandshake(p, link);
  ASSERT_EQ(p.client->state(), State::kConnected);
  EXPECT_EQ(p.client->srtp_profile(), std::nullopt);
  EXPECT_EQ(EventsOf<HandshakeComplete>(link.events(1))[0].srtp_profile,
            std::nullopt);
  EXPECT_EQ(p.client->ExportSrtpKeyingMaterial().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(EndpointTest, ApplicationDataBothWaysAndCloseNotify) {
  Pair p = MakePair();
  Link link(p.client.get(), p.server.get());
  StartAndHandshake(p, link);
  EXPECT_EQ(p.client->Send(link.now(), {}).code(),
            absl::StatusCode::kInvalidArgument);
  for (int i = 0; i < 10; ++i) {
    std::vector<uint8_t> c2s(1 + i * 100, static_cast<uint8_t>(i));
    std::vector<uint8_t> s2c(5 + i, static_cast<uint8_t>(0x80 + i));
    ASSERT_TRUE(p.client->Send(link.now(), c2s).ok());
    ASSERT_TRUE(p.server->Send(link.now(), s2c).ok());
  }
  link.RunFor(TimeDelta::Millis(100));
  auto at_server = EventsOf<ApplicationData>(link.events(1));
  auto at_client = EventsOf<ApplicationData>(link.events(0));
  ASSERT_EQ(at_server.size(), 10u);
  ASSERT_EQ(at_client.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(at_server[i].data,
              std::vector<uint8_t>(1 + i * 100, static_cast<uint8_t>(i)));
    EXPECT_EQ(at_client[i].data,
              std::vector<uint8_t>(5 + i, static_cast<uint8_t>(0x80 + i)));
  }

  p.client->Close(link.now());
  EXPECT_EQ(p.client->state(), State::kClosed);
  link.RunFor(TimeDelta::Millis(100));
  EXPECT_EQ(p.server->state(), State::kClosed);
  EXPECT_EQ(EventsOf<Closed>(link.events(1)).size(), 1u);
  // The client closed first, so it reports no Closed of its own.
  EXPECT_TRUE(EventsOf<Closed>(link.events(0)).empty());
  EXPECT_TRUE(EventsOf<Error>(link.events(0)).empty());
  EXPECT_TRUE(EventsOf<Error>(link.events(1)).empty());
  EXPECT_EQ(p.server->Send(link.now(), std::vector<uint8_t>{1}).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(EndpointTest, NoTransmitExceedsTheMtu) {
  for (KeyType type : {KeyType::kEcdsaP256, KeyType::kRsa2048}) {
    size_t datagrams_at_300 = 0;
    for (size_t mtu : {300u, 576u, 1200u}) {
      PairOptions o;
      o.key_type = type;
      o.mtu = mtu;
      Pair p = MakePair(o);
      Link link(p.client.get(), p.server.get());
      StartAndHandshake(p, link);
      ASSERT_EQ(p.client->state(), State::kConnected)
          << KeyTypeName(type) << " mtu " << mtu;
      const size_t max_app = p.client->max_application_data_size();
      EXPECT_EQ(max_app, mtu - 37);
      ASSERT_TRUE(
          p.client->Send(link.now(), std::vector<uint8_t>(max_app, 7)).ok());
      EXPECT_EQ(p.client->Send(link.now(), std::vector<uint8_t>(max_app + 1, 7))
                    .code(),
                absl::StatusCode::kInvalidArgument);
      link.RunFor(TimeDelta::Millis(50));
      ASSERT_EQ(EventsOf<ApplicationData>(link.events(1)).size(), 1u);
      size_t largest = 0;
      for (const auto& d : link.sent()) {
        EXPECT_LE(d.payload.size(), mtu) << KeyTypeName(type);
        largest = std::max(largest, d.payload.size());
      }
      // Small MTUs really did force fragmentation of the certificate flight.
      if (mtu == 300) datagrams_at_300 = link.sent().size();
      if (mtu == 1200) {
        EXPECT_GT(datagrams_at_300, link.sent().size()) << KeyTypeName(type);
      }
      EXPECT_GT(largest, mtu / 2);
    }
  }
  Config bad;
  bad.certificate = Cert(KeyType::kEcdsaP256, 0);
  bad.mtu = 100;
  EXPECT_FALSE(Endpoint::Create(bad).ok());
}

// With RSA certificates every flight has the same size on every run, even
// though keys, randoms and signatures differ: the simulator relies on it.
TEST(EndpointTest, RsaFlightSizesAreIdenticalAcrossRuns) {
  std::vector<std::vector<std::pair<int, size_t>>> runs;
  for (int run = 0; run < 3; ++run) {
    CertificateOptions co;
    co.key_type = KeyType::kRsa2048;
    auto cc = Certificate::Generate(co);
    auto sc = Certificate::Generate(co);
    ASSERT_TRUE(cc.ok() && sc.ok());
    PairOptions o;
    o.client_cert = &*cc;
    o.server_cert = &*sc;
    Pair p = MakePair(o);
    Link link(p.client.get(), p.server.get());
    StartAndHandshake(p, link);
    ASSERT_EQ(p.client->state(), State::kConnected);
    ASSERT_TRUE(p.client->Send(link.now(), std::vector<uint8_t>(100, 1)).ok());
    p.server->Close(link.now());
    link.RunFor(TimeDelta::Millis(50));
    std::vector<std::pair<int, size_t>> sizes;
    for (const auto& d : link.sent())
      sizes.emplace_back(d.from, d.payload.size());
    runs.push_back(sizes);
  }
  EXPECT_GE(runs[0].size(), 5u);
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_EQ(runs[0], runs[2]);
}

TEST(EndpointTest, GarbageAfterHandshakeIsDroppedAndCounted) {
  Pair p = MakePair();
  Link link(p.client.get(), p.server.get());
  StartAndHandshake(p, link);
  Rng rng(5);
  const uint64_t malformed_before = p.server->stats().malformed_dropped;
  // Random bytes: mostly not DTLS at all.
  for (int i = 0; i < 500; ++i) {
    std::vector<uint8_t> junk(rng.Uniform(300));
    rng.Fill(junk);
    p.server->HandleDatagram(link.now(), junk);
  }
  // Well-formed application-data records that cannot authenticate.
  for (int i = 0; i < 100; ++i) {
    std::vector<uint8_t> record(13 + 40);
    rng.Fill(record);
    record[0] = 23;
    record[1] = 0xfe;
    record[2] = 0xfd;
    StoreBE16(&record[3], 1);  // epoch 1
    StoreBE16(&record[11], 40);
    p.server->HandleDatagram(link.now(), record);
  }
  EXPECT_EQ(p.server->state(), State::kConnected);
  EXPECT_GT(p.server->stats().malformed_dropped, malformed_before);
  EXPECT_GE(p.server->stats().records_dropped, 100u);
  EXPECT_TRUE(EventsOf<ApplicationData>(link.events(1)).empty());
  // A replayed genuine record is dropped too.
  ASSERT_TRUE(p.client->Send(link.now(), std::vector<uint8_t>{1, 2, 3}).ok());
  link.Collect();
  const std::vector<uint8_t> genuine = link.sent().back().payload;
  link.RunFor(TimeDelta::Millis(20));
  const uint64_t dropped = p.server->stats().records_dropped;
  p.server->HandleDatagram(link.now(), genuine);
  EXPECT_EQ(p.server->stats().records_dropped, dropped + 1);
  // The connection still works.
  ASSERT_TRUE(p.client->Send(link.now(), std::vector<uint8_t>{9}).ok());
  link.RunFor(TimeDelta::Millis(20));
  auto data = EventsOf<ApplicationData>(link.events(1));
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[1].data, std::vector<uint8_t>{9});
}

TEST(EndpointTest, GarbageBeforeHandshakeNeverCrashes) {
  Rng rng(6);
  for (int i = 0; i < 200; ++i) {
    Pair p = MakePair();
    std::vector<uint8_t> junk(rng.Uniform(400));
    rng.Fill(junk);
    if (!junk.empty() && rng.Bernoulli(0.7)) junk[0] = 22;
    if (junk.size() > 2 && rng.Bernoulli(0.7)) junk[1] = 0xfe;
    p.server->HandleDatagram(Timestamp::Zero(), junk);
    while (p.server->PollTransmit()) {
    }
    while (auto e = p.server->PollEvent()) {
      if (auto* err = std::get_if<Error>(&*e)) {
        EXPECT_FALSE(err->status.ok());
      }
    }
    EXPECT_TRUE(p.server->state() == State::kConnecting ||
                p.server->state() == State::kFailed);
    if (auto t = p.server->NextTimeout()) p.server->HandleTimeout(*t);
  }
}

TEST(EndpointTest, ApiMisuseIsReported) {
  Config none;
  EXPECT_EQ(Endpoint::Create(none).status().code(),
            absl::StatusCode::kInvalidArgument);
  Config bad_fp;
  bad_fp.certificate = Cert(KeyType::kEcdsaP256, 0);
  bad_fp.remote_fingerprints = {Fingerprint{"sha-256", "AB:CD"}};
  EXPECT_FALSE(Endpoint::Create(bad_fp).ok());

  Pair p = MakePair();
  EXPECT_EQ(p.client->Send(Timestamp::Zero(), std::vector<uint8_t>{1}).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(p.client->ExportKeyingMaterial("x", 16).ok());
  ASSERT_TRUE(p.client->Start(Timestamp::Zero()).ok());
  EXPECT_EQ(p.client->Start(Timestamp::Zero()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(p.client->SetRemoteFingerprints(Timestamp::Zero(), {}).ok());
}

// Writes the client's first flight to $DTLS_CLIENT_HELLO_OUT when set; that
// file is the fuzz seed in testdata/dtls_corpus. Always checks its shape.
TEST(EndpointTest, ClientHelloIsCapturedForTheFuzzCorpus) {
  PairOptions o;
  o.key_type = KeyType::kRsa2048;
  Pair p = MakePair(o);
  ASSERT_TRUE(p.client->Start(Timestamp::Zero()).ok());
  auto hello = p.client->PollTransmit();
  ASSERT_TRUE(hello.has_value());
  ASSERT_GT(hello->payload.size(), 25u);
  EXPECT_EQ(hello->payload[0], 22);  // handshake record
  EXPECT_EQ(hello->payload[13], 1);  // ClientHello
  if (const char* out = std::getenv("DTLS_CLIENT_HELLO_OUT")) {
    std::ofstream f(out, std::ios::binary);
    f.write(reinterpret_cast<const char*>(hello->payload.data()),
            static_cast<std::streamsize>(hello->payload.size()));
  }
}

}  // namespace
}  // namespace simrtc::dtls
