// One link direction on its own: delay, jitter, loss, bursts, duplication,
// bandwidth and queueing, MTU, link down.
#include "vnet/link.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace simrtc::vnet {
namespace {

Timestamp Ms(int64_t ms) { return Timestamp::Millis(ms); }

LinkConfig Both(const LinkDirectionConfig& d) {
  return LinkConfig::Symmetric(d);
}

TEST(LinkTest, ConstantDelayIsExact) {
  LinkDirectionConfig c;
  c.delay.base = TimeDelta::Millis(25);
  c.delay.distribution = DelayConfig::Distribution::kConstant;
  Link link("a", Both(c), Rng(1));
  for (int i = 0; i < 10; ++i) {
    const auto o = link.up().Offer(Ms(i * 7), 100, false);
    ASSERT_FALSE(o.dropped);
    EXPECT_EQ(o.arrival, Ms(i * 7 + 25));
  }
  EXPECT_EQ(link.stats().up.packets_sent, 10);
  EXPECT_EQ(link.stats().down.packets_sent, 0);
}

TEST(LinkTest, JitterWithoutReorderingKeepsOrder) {
  LinkDirectionConfig c;
  c.delay.base = TimeDelta::Millis(10);
  c.delay.jitter = TimeDelta::Millis(30);
  Link link("a", Both(c), Rng(7));
  Timestamp last = Timestamp::Zero();
  int held_back = 0;
  for (int i = 0; i < 2000; ++i) {
    const Timestamp sent = Ms(i);
    const auto o = link.up().Offer(sent, 100, false);
    EXPECT_GE(o.arrival, last);
    EXPECT_GE(o.arrival, sent + TimeDelta::Millis(10));
    EXPECT_LE(o.arrival, sent + TimeDelta::Millis(40));
    if (o.arrival == last) ++held_back;  // would have overtaken
    last = o.arrival;
  }
  EXPECT_GT(held_back, 100);
}

TEST(LinkTest, JitterWithReorderingSwapsPackets) {
  LinkDirectionConfig c;
  c.delay.base = TimeDelta::Millis(10);
  c.delay.jitter = TimeDelta::Millis(30);
  c.delay.allow_reordering = true;
  Link link("a", Both(c), Rng(7));
  Timestamp last = Timestamp::Zero();
  int inversions = 0;
  int64_t min_us = INT64_MAX, max_us = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto o = link.up().Offer(Ms(i), 100, false);
    if (o.arrival < last) ++inversions;
    last = o.arrival;
    const int64_t delay = (o.arrival - Ms(i)).us();
    min_us = std::min(min_us, delay);
    max_us = std::max(max_us, delay);
  }
  EXPECT_GT(inversions, 100);
  EXPECT_GE(min_us, 10'000);
  EXPECT_LE(max_us, 40'000);
  EXPECT_LT(min_us, 11'000);  // the whole uniform range is used
  EXPECT_GT(max_us, 39'000);
}

TEST(LinkTest, NormalAndParetoJitterStayAboveBase) {
  for (auto dist : {DelayConfig::Distribution::kNormal,
                    DelayConfig::Distribution::kPareto}) {
    LinkDirectionConfig c;
    c.delay.base = TimeDelta::Millis(5);
    c.delay.jitter = TimeDelta::Millis(2);
    c.delay.distribution = dist;
    c.delay.allow_reordering = true;
    Link link("a", Both(c), Rng(3));
    double sum = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      const auto o = link.up().Offer(Ms(i), 100, false);
      const int64_t extra = (o.arrival - Ms(i)).us() - 5000;
      ASSERT_GE(extra, 0);
      if (dist == DelayConfig::Distribution::kPareto) {
        ASSERT_LE(extra, 50 * 2000);
      }
      sum += static_cast<double>(extra);
    }
    // Half-normal mean is sigma*sqrt(2/pi) ~ 1596us; Pareto(2) mean = jitter
    // (slightly less with the cap).
    const double mean = sum / n;
    if (dist == DelayConfig::Distribution::kNormal) {
      EXPECT_NEAR(mean, 2000 * std::sqrt(2 / M_PI), 60);
    } else {
      EXPECT_NEAR(mean, 2000, 200);
    }
  }
}

TEST(LinkTest, UniformLossRateWithinStatisticalBound) {
  LinkDirectionConfig c;
  c.loss.rate = 0.1;
  Link link("a", Both(c), Rng(11));
  const int n = 100000;
  for (int i = 0; i < n; ++i) link.up().Offer(Timestamp::Micros(i), 50, false);
  const int64_t lost = link.stats().up.dropped_for(DropReason::kLoss);
  // 5 standard deviations of a binomial(n, 0.1): ~475.
  EXPECT_NEAR(static_cast<double>(lost), n * 0.1, 5 * std::sqrt(n * 0.1 * 0.9));
  EXPECT_EQ(link.stats().up.total_dropped(), lost);
}

// Mean length of runs of consecutive losses.
double MeanBurst(const LinkDirectionConfig& c, int n, double* rate) {
  Link link("a", Both(c), Rng(5));
  int bursts = 0, lost = 0;
  bool in_burst = false;
  for (int i = 0; i < n; ++i) {
    const bool dropped =
        link.up().Offer(Timestamp::Micros(i), 50, false).dropped;
    if (dropped) {
      ++lost;
      if (!in_burst) ++bursts;
    }
    in_burst = dropped;
  }
  *rate = static_cast<double>(lost) / n;
  return bursts ? static_cast<double>(lost) / bursts : 0.0;
}

TEST(LinkTest, GilbertElliottLossComesInBursts) {
  LinkDirectionConfig ge;
  ge.loss.gilbert_elliott = true;
  ge.loss.p_good_to_bad = 0.01;
  ge.loss.p_bad_to_good = 0.1;
  ge.loss.loss_in_good = 0.0;
  ge.loss.loss_in_bad = 1.0;
  double ge_rate = 0;
  const double ge_burst = MeanBurst(ge, 200000, &ge_rate);
  // Stationary bad share p_gb / (p_gb + p_bg) = 1/11; bursts last 1/p_bg.
  EXPECT_NEAR(ge_rate, 1.0 / 11, 0.015);
  EXPECT_NEAR(ge_burst, 10.0, 1.5);

  LinkDirectionConfig uniform;
  uniform.loss.rate = ge_rate;
  double u_rate = 0;
  const double u_burst = MeanBurst(uniform, 200000, &u_rate);
  EXPECT_NEAR(u_rate, ge_rate, 0.01);
  EXPECT_LT(u_burst, 1.2);  // 1 / (1 - p) ~ 1.1
}

TEST(LinkTest, DuplicationRate) {
  LinkDirectionConfig c;
  c.duplicate = 0.2;
  Link link("a", Both(c), Rng(2));
  int dups = 0;
  const int n = 50000;
  for (int i = 0; i < n; ++i) {
    dups += link.up().Offer(Timestamp::Micros(i), 50, false).duplicate;
  }
  EXPECT_EQ(link.stats().up.duplicated, dups);
  EXPECT_NEAR(dups, n * 0.2, 5 * std::sqrt(n * 0.2 * 0.8));
}

TEST(LinkTest, SerializationDelayAndQueueGrowth) {
  LinkDirectionConfig c;
  c.bandwidth_bps = 1'000'000;
  c.per_packet_overhead = 28;
  Link link("a", Both(c), Rng(1));
  // 1000 + 28 bytes at 1 Mbit/s = 8224 us each; all offered at t = 0.
  for (int i = 1; i <= 10; ++i) {
    const auto o = link.up().Offer(Timestamp::Zero(), 1000, false);
    ASSERT_FALSE(o.dropped);
    EXPECT_EQ(o.arrival, Timestamp::Micros(8224 * i));
  }
  EXPECT_EQ(link.up().QueuedBytes(Timestamp::Zero()), 9 * 1028);
  EXPECT_EQ(link.up().QueuedBytes(Timestamp::Micros(8224 * 5)), 4 * 1028);
  EXPECT_EQ(link.stats().max_queue_bytes_seen, 9 * 1028);
  // Idle again later: no waiting.
  EXPECT_EQ(link.up().Offer(Ms(1000), 1000, false).arrival,
            Ms(1000) + TimeDelta::Micros(8224));
}

TEST(LinkTest, FractionalSerializationDoesNotDrift) {
  LinkDirectionConfig c;
  c.bandwidth_bps = 100'000'000;
  c.per_packet_overhead = 28;
  Link link("a", Both(c), Rng(1));
  Timestamp last;
  // 128 bytes = 10.24 us each; rounding per packet would give 11 us.
  for (int i = 0; i < 1000; ++i) {
    last = link.up().Offer(Timestamp::Zero(), 100, false).arrival;
  }
  EXPECT_EQ(last, Timestamp::Micros(10240));
}

TEST(LinkTest, DropTailQueueLimitsPacketsAndBytes) {
  LinkDirectionConfig c;
  c.bandwidth_bps = 1'000'000;
  c.queue_packets = 3;
  Link link("a", Both(c), Rng(1));
  int passed = 0;
  for (int i = 0; i < 6; ++i) {
    passed += !link.up().Offer(Timestamp::Zero(), 1000, false).dropped;
  }
  EXPECT_EQ(passed, 4);  // one on the wire, three waiting
  EXPECT_EQ(link.stats().up.dropped_for(DropReason::kQueueFull), 2);

  c.queue_packets = 0;
  c.queue_bytes = 2500;  // two 1028-byte packets fit, a third does not
  Link bytes("b", Both(c), Rng(1));
  passed = 0;
  for (int i = 0; i < 6; ++i) {
    passed += !bytes.up().Offer(Timestamp::Zero(), 1000, false).dropped;
  }
  EXPECT_EQ(passed, 3);
  // A packet bigger than the queue still goes out on an idle link.
  c.queue_bytes = 100;
  Link tiny("c", Both(c), Rng(1));
  EXPECT_FALSE(tiny.up().Offer(Timestamp::Zero(), 1000, false).dropped);
  EXPECT_TRUE(tiny.up().Offer(Timestamp::Zero(), 1000, false).dropped);
}

TEST(LinkTest, MtuCountsPayloadPlusOverhead) {
  LinkDirectionConfig c;  // mtu 1500, overhead 28
  Link link("a", Both(c), Rng(1));
  EXPECT_FALSE(link.up().Offer(Timestamp::Zero(), 1472, false).dropped);
  const auto o = link.up().Offer(Timestamp::Zero(), 1473, false);
  EXPECT_TRUE(o.dropped);
  EXPECT_EQ(o.reason, DropReason::kMtu);
  EXPECT_EQ(link.stats().up.dropped_for(DropReason::kMtu), 1);
}

TEST(LinkTest, DownOrBlockedDropsAsLinkDown) {
  LinkDirectionConfig c;
  Link link("a", Both(c), Rng(1));
  EXPECT_EQ(link.up().Offer(Timestamp::Zero(), 10, true).reason,
            DropReason::kLinkDown);
  link.up().SetUp(false);
  EXPECT_EQ(link.up().Offer(Timestamp::Zero(), 10, false).reason,
            DropReason::kLinkDown);
  link.up().SetUp(true);
  EXPECT_FALSE(link.up().Offer(Timestamp::Zero(), 10, false).dropped);
  EXPECT_EQ(link.stats().up.dropped_for(DropReason::kLinkDown), 2);
  EXPECT_EQ(link.up().name(), "a/up");
  EXPECT_EQ(link.down().name(), "a/down");
}

TEST(LinkTest, StreamsAreIndependentPerFeature) {
  // Turning jitter on must not change which packets are lost.
  LinkDirectionConfig c;
  c.loss.rate = 0.3;
  LinkDirectionConfig j = c;
  j.delay.jitter = TimeDelta::Millis(5);
  Link a("x", Both(c), Rng(9));
  Link b("x", Both(j), Rng(9));
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(a.up().Offer(Ms(i), 10, false).dropped,
              b.up().Offer(Ms(i), 10, false).dropped);
  }
}

}  // namespace
}  // namespace simrtc::vnet
