// DTLS, then SCTP, then a DCEP data channel, over lossy virtual links.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <variant>

#include "core/base/time.h"
#include "core/datachannel/data_channel_manager.h"
#include "gtest/gtest.h"
#include "tests/transport/two_peer_driver.h"

namespace simrtc::transport_test {
namespace {

using datachannel::ChannelOpen;
using datachannel::ChannelPtr;

bool HasOpen(SecurePeer& p) {
  for (const auto& e : p.events()) {
    if (std::holds_alternative<ChannelOpen>(e)) return true;
  }
  return false;
}

struct ConnectTimes {
  Timestamp dtls, sctp, channel;
};

// Connects one world; a opens channel "hello" at time zero. Returns the
// moment each layer was up on both sides.
std::optional<ConnectTimes> Connect(double loss, uint64_t seed,
                                    Timestamp deadline) {
  WorldOptions o;
  o.seed = seed;
  o.link_a = ImpairedLink(TimeDelta::Millis(10), loss);
  o.link_b = ImpairedLink(TimeDelta::Millis(10), loss);
  auto w = MakeWorld(o);
  EXPECT_TRUE(w.ok()) << w.status();
  if (!w.ok()) return std::nullopt;
  auto ch = w->a->manager().CreateChannel(w->driver->now(), "hello");
  EXPECT_TRUE(ch.ok()) << ch.status();
  if (!ch.ok()) return std::nullopt;
  EXPECT_EQ((*ch)->id() % 2, 0) << "DTLS client must use even stream ids";
  std::optional<Timestamp> opened;
  bool ok = w->driver->RunUntil(
      [&] {
        if (!opened && HasOpen(*w->a) && HasOpen(*w->b)) {
          opened = w->driver->now();
        }
        return opened.has_value();
      },
      deadline);
  EXPECT_TRUE(ok) << "loss " << loss << " seed " << seed << " not open by "
                  << deadline
                  << "; dtls a=" << dtls::StateName(w->a->dtls().state())
                  << " b=" << dtls::StateName(w->b->dtls().state())
                  << " sctp a=" << w->a->sctp_connected()
                  << " b=" << w->b->sctp_connected();
  if (!ok) return std::nullopt;
  EXPECT_TRUE(w->a->dtls_errors().empty());
  EXPECT_TRUE(w->b->dtls_errors().empty());
  EXPECT_EQ(w->a->dtls_send_failures(), 0u);
  EXPECT_EQ(w->b->dtls_send_failures(), 0u);
  // Each side authenticated the other's certificate.
  EXPECT_EQ(w->a->handshake()->peer_fingerprint,
            w->b->dtls().local_certificate().fingerprint());
  EXPECT_EQ(w->b->handshake()->peer_fingerprint,
            w->a->dtls().local_certificate().fingerprint());
  ConnectTimes t;
  t.dtls = std::max(*w->a->dtls_connected_at(), *w->b->dtls_connected_at());
  t.sctp = std::max(*w->a->sctp_connected_at(), *w->b->sctp_connected_at());
  t.channel = *opened;
  EXPECT_LE(t.dtls, t.sctp);
  EXPECT_LE(t.sctp, t.channel);
  // The peer sees the channel with the label and the same even id.
  ChannelPtr remote = w->b->manager().channel((*ch)->id());
  EXPECT_NE(remote, nullptr);
  if (remote) {
    EXPECT_EQ(remote->label(), "hello");
    EXPECT_TRUE(remote->opened_by_peer());
  }
  return t;
}

class HandshakeUnderLoss : public ::testing::TestWithParam<double> {};

TEST_P(HandshakeUnderLoss, DtlsThenSctpThenChannelOpen) {
  const double loss = GetParam();
  // Bounded virtual time: with RFC 6347's doubling 1 s DTLS timer and SCTP's
  // 1 s initial RTO, 30% loss still connects well within two minutes.
  const Timestamp deadline = Timestamp::Seconds(120);
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    auto t = Connect(loss, seed, deadline);
    ASSERT_TRUE(t.has_value()) << "seed " << seed;
    std::cout << "[connect] loss=" << loss * 100 << "% seed=" << seed
              << " dtls=" << t->dtls << " sctp=" << t->sctp
              << " channel=" << t->channel << std::endl;
    if (loss == 0.0) {
      // 20 ms one way: DTLS 1.2 needs two round trips, SCTP two more.
      EXPECT_LT(t->channel, Timestamp::Seconds(1));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Loss, HandshakeUnderLoss,
                         ::testing::Values(0.0, 0.10, 0.30));

TEST(Handshake, FingerprintMismatchIsRefused) {
  WorldOptions o;
  o.link_a = ImpairedLink(TimeDelta::Millis(10), 0.0);
  o.link_b = ImpairedLink(TimeDelta::Millis(10), 0.0);
  o.corrupt_fingerprint_at_b = true;
  auto w = MakeWorld(o);
  ASSERT_TRUE(w.ok()) << w.status();
  auto ch = w->a->manager().CreateChannel(w->driver->now(), "never");
  ASSERT_TRUE(ch.ok());
  w->driver->RunUntil([&] { return !w->b->dtls_errors().empty(); },
                      Timestamp::Seconds(10));
  ASSERT_FALSE(w->b->dtls_errors().empty());
  EXPECT_EQ(w->b->dtls().state(), dtls::State::kFailed);
  std::cout << "[mismatch] b error: " << w->b->dtls_errors()[0] << std::endl;
  // Let everything settle: the alert reaches a, timers run out.
  w->driver->RunFor(TimeDelta::Seconds(60));
  EXPECT_FALSE(w->b->handshake().has_value());
  EXPECT_FALSE(w->a->sctp_connected());
  EXPECT_FALSE(w->b->sctp_connected());
  EXPECT_FALSE(HasOpen(*w->a));
  EXPECT_FALSE(HasOpen(*w->b));
  EXPECT_NE(w->a->dtls().state(), dtls::State::kConnected);
  std::cout << "[mismatch] a state: " << dtls::StateName(w->a->dtls().state())
            << std::endl;
}

}  // namespace
}  // namespace simrtc::transport_test
