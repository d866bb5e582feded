// A synthetic VP8 stream over a lossy vnet link, on virtual time: NACK
// repairs every loss within the round trips the configured delay implies,
// RTCP reports reproduce the link's loss, jitter and delay, and TWCC
// feedback reports every arrival with the link's delay structure.
//
// Everything is deterministic (one seed per test, virtual time only); the
// statistical bounds below are there so that a different seed, or a
// change in how vnet draws its random numbers, still passes unless the
// behaviour is really wrong.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/base/time.h"
#include "core/interceptor/receive_statistics.h"
#include "core/rtcp/reports.h"
#include "core/rtp/sequence_number.h"
#include "gtest/gtest.h"
#include "tests/media/media_world.h"
#include "vnet/network.h"

namespace simrtc::media_test {
namespace {

constexpr TimeDelta kOneWayDelay = TimeDelta::Millis(30);
constexpr double kLoss = 0.05;
// The 250 us grid of transport-cc arrival times.
constexpr TimeDelta kTwccTick = TimeDelta::Micros(250);
// One unit of compact NTP (LSR, DLSR): 1/65536 s, just over 15 us.
constexpr TimeDelta kCompactNtpTick = TimeDelta::Micros(16);

// |observed - n p| <= 4 sigma of a Binomial(n, p).
void ExpectBinomialWithin4Sigma(int64_t observed, int64_t n, double p,
                                const char* what) {
  const double mean = static_cast<double>(n) * p;
  const double sigma = std::sqrt(static_cast<double>(n) * p * (1 - p));
  EXPECT_LE(std::abs(static_cast<double>(observed) - mean), 4 * sigma)
      << what << ": " << observed << " of " << n << ", expected " << mean
      << " +- " << 4 * sigma;
}

// P(X <= k) and P(X >= k) for X ~ Binomial(n, p), summed exactly.
double BinomialPmf(int64_t n, int64_t i, double p) {
  return std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) -
                  std::lgamma(n - i + 1.0) + i * std::log(p) +
                  (n - i) * std::log1p(-p));
}
double BinomialAtMost(int64_t n, int64_t k, double p) {
  double sum = 0;
  for (int64_t i = 0; i <= std::min(k, n); ++i) sum += BinomialPmf(n, i, p);
  return sum;
}
double BinomialAtLeast(int64_t n, int64_t k, double p) {
  double sum = 0;
  for (int64_t i = std::max<int64_t>(k, 0); i <= n; ++i) {
    sum += BinomialPmf(n, i, p);
  }
  return sum;
}
// The two-sided tail probability of a normal beyond 4 sigma.
constexpr double k4SigmaTail = 6.3e-5;

Timestamp EndOfMedia(const SenderConfig& s) {
  return Timestamp::Zero() + s.frame_interval * s.frames;
}

WorldOptions BaseOptions(uint64_t seed) {
  WorldOptions o;
  o.seed = seed;
  o.link.one_way_delay = kOneWayDelay;
  o.link.loss = kLoss;
  return o;
}

// The first frame the receiver can know about: a receiver learns of a
// stream from its first packet, so it cannot ask for anything sent before
// that (a real one would send a PLI); frames from there on are checked.
int FirstKnowableFrame(const World& w) {
  const auto& arrivals = w.receiver->rtp_arrivals();
  if (arrivals.empty()) return 0;
  const int64_t first = arrivals.begin()->first;
  const std::vector<SentFrame>& sent = w.sender->frames();
  for (size_t i = 0; i < sent.size(); ++i) {
    if (sent[i].first_seq >= first) return static_cast<int>(i);
  }
  return static_cast<int>(sent.size());
}

// The receiver popped frames FirstKnowableFrame()..n-1 in order, byte for
// byte, with nothing dropped on the way.
void ExpectFramesReassembled(const World& w, int n) {
  const std::vector<SentFrame>& sent = w.sender->frames();
  const std::vector<PoppedSample>& got = w.receiver->samples();
  const int first = FirstKnowableFrame(w);
  ASSERT_GE(static_cast<int>(sent.size()), n);
  ASSERT_LE(first, 1) << "seed lost more than the first frame's head";
  ASSERT_GE(static_cast<int>(got.size()), n - first)
      << "frames reassembled: " << got.size() << " of " << n - first;
  for (int i = first; i < n; ++i) {
    const media::Sample& s = got[i - first].sample;
    EXPECT_EQ(s.packet_timestamp, sent[i].rtp_timestamp) << "frame " << i;
    EXPECT_TRUE(s.data == sent[i].data) << "frame " << i;
    if (i > first) {
      EXPECT_EQ(s.prev_dropped_packets, 0) << "frame " << i;
    }
    // The distance to the next frame buffered when this one came out: one
    // frame interval, or more if the next frame was still missing then.
    const TimeDelta interval = w.sender->config().frame_interval;
    EXPECT_GE(s.duration, interval) << "frame " << i;
    EXPECT_EQ(s.duration.us() % interval.us(), 0) << "frame " << i;
  }
  if (first == 0) {
    EXPECT_EQ(w.receiver->dropped_by_sample_builder(), 0u);
  }
}

// How one RTP packet whose original transmission was lost got repaired.
struct Repair {
  int64_t rtp_seq = 0;
  Timestamp detected;   // first arrival of a later packet: the gap is seen
  Timestamp recovered;  // first arrival of any transmission of it
  int attempt = 0;      // which retransmission arrived first (1 = first)
};

struct LossAnalysis {
  int64_t originals = 0;
  int64_t originals_lost = 0;
  std::vector<Repair> repairs;
  std::vector<int64_t> never_arrived;  // RTP sequence numbers
};

LossAnalysis AnalyzeLoss(const World& w) {
  LossAnalysis a;
  const auto& sent = w.sender->transmissions();
  const auto& arrived = w.receiver->transport_arrivals();
  // RTP seq -> (first arrival, attempt that made it), and originals lost.
  std::map<int64_t, std::pair<Timestamp, int>> first_arrival;
  std::map<int64_t, bool> original_lost;
  for (const auto& [tsn, p] : sent) {
    auto it = arrived.find(tsn);
    if (p.attempt == 0) {
      ++a.originals;
      original_lost[p.rtp_seq] = it == arrived.end();
      if (it == arrived.end()) ++a.originals_lost;
    }
    if (it == arrived.end()) continue;
    auto [f, inserted] =
        first_arrival.emplace(p.rtp_seq, std::make_pair(it->second, p.attempt));
    if (!inserted && it->second < f->second.first) {
      f->second = {it->second, p.attempt};
    }
  }
  // Gap detection: the earliest arrival of any packet with a higher RTP
  // sequence number (suffix minimum over the receiver's arrivals).
  std::map<int64_t, Timestamp> later_arrival;  // seq -> min over seq' > seq
  std::optional<Timestamp> running;
  const auto& rtp_arrivals = w.receiver->rtp_arrivals();
  for (auto it = original_lost.rbegin(); it != original_lost.rend(); ++it) {
    if (running) later_arrival[it->first] = *running;
    auto r = rtp_arrivals.find(it->first);
    if (r != rtp_arrivals.end() && (!running || r->second < *running)) {
      running = r->second;
    }
  }
  for (const auto& [seq, lost] : original_lost) {
    if (!lost) continue;
    auto f = first_arrival.find(seq);
    auto d = later_arrival.find(seq);
    if (f == first_arrival.end() || d == later_arrival.end()) {
      a.never_arrived.push_back(seq);
      continue;
    }
    a.repairs.push_back({seq, d->second, f->second.first, f->second.second});
  }
  return a;
}

// Every transmission that arrived took exactly the configured delay.
void ExpectConstantDelay(const World& w, TimeDelta delay) {
  const auto& sent = w.sender->transmissions();
  for (const auto& [tsn, at] : w.receiver->transport_arrivals()) {
    auto s = sent.find(tsn);
    ASSERT_NE(s, sent.end()) << "transport seq " << tsn;
    EXPECT_EQ(at - s->second.sent, delay) << "transport seq " << tsn;
  }
}

// ------------------------------------------------------------------ NACK

constexpr int kNackFrames = 750;  // 30 s at 25 fps
// Frames sent after the checked ones, so a loss in the last checked frame
// is still followed by packets that reveal it.
constexpr int kTailFrames = 5;

WorldOptions NackOptions(uint64_t seed) {
  WorldOptions o = BaseOptions(seed);
  o.nack = true;
  o.sender.frames = kNackFrames + kTailFrames;
  o.receiver.nack.initial_delay = TimeDelta::Millis(10);
  // Longer than the 60 ms round trip, so a request is never repeated while
  // its answer is still on the way.
  o.receiver.nack.retry_interval = TimeDelta::Millis(100);
  // 5% loss per attempt: the chance that 10 attempts all fail is 1e-13.
  o.receiver.nack.max_retries = 10;
  return o;
}

TEST(VideoOverVnetTest, NackRecoversEveryLossWithinExpectedRoundTrips) {
  const WorldOptions options = NackOptions(20240901);
  auto world = MakeWorld(options);
  ASSERT_TRUE(world.ok()) << world.status();
  World& w = *world;
  w.driver->RunUntil(EndOfMedia(options.sender) + TimeDelta::Seconds(3));

  EXPECT_EQ(w.sender->errors(), 0u);
  EXPECT_EQ(w.receiver->errors(), 0u);
  EXPECT_EQ(w.driver->send_errors(), 0u);
  EXPECT_TRUE(w.sender->done());

  // The link lost what it was configured to lose.
  const LossAnalysis a = AnalyzeLoss(w);
  ASSERT_GT(a.originals_lost, 0);
  ExpectBinomialWithin4Sigma(a.originals_lost, a.originals, kLoss,
                             "original transmissions lost");
  ExpectBinomialWithin4Sigma(
      w.network->host_link_stats(w.sender_host)
          .up.dropped_for(vnet::DropReason::kLoss),
      w.network->host_link_stats(w.sender_host).up.packets_sent, kLoss,
      "media-direction packets lost by the link");

  // (a) Every frame is reassembled, byte for byte.
  ExpectFramesReassembled(w, kNackFrames);
  EXPECT_GT(w.receiver->nacks_sent(), 0u);
  EXPECT_EQ(w.sender->nacks_received(), w.receiver->nacks_sent());
  EXPECT_GE(w.sender->retransmissions(),
            static_cast<uint64_t>(a.originals_lost) - a.never_arrived.size());

  // ...and repaired exactly when the configuration says: the gap is seen
  // when the next packet arrives, the first request goes out
  // initial_delay later, request k (k >= 1) retry_interval * (k - 1) after
  // that, and its answer arrives one round trip (2 x one-way delay) later.
  // With a constant-delay link and a lossless feedback path, attempt k
  // of a repair is exactly the answer to request k.
  const interceptor::NackGenerator::Config& nack = options.receiver.nack;
  const TimeDelta rtt = kOneWayDelay * 2;
  std::map<int, int64_t> by_attempt;
  for (const Repair& r : a.repairs) {
    ASSERT_GE(r.attempt, 1) << "seq " << r.rtp_seq;
    EXPECT_LE(r.attempt, nack.max_retries) << "seq " << r.rtp_seq;
    ++by_attempt[r.attempt];
    EXPECT_EQ(r.recovered, r.detected + nack.initial_delay +
                               nack.retry_interval * (r.attempt - 1) + rtt)
        << "seq " << r.rtp_seq << " attempt " << r.attempt;
  }
  // Only the tail (beyond the checked frames) may have gone unrepaired, a
  // loss of the very last packets being revealed by no later one; and
  // packets before the receiver's first, which it cannot know about.
  const int64_t first_arrival = w.receiver->rtp_arrivals().begin()->first;
  for (int64_t seq : a.never_arrived) {
    EXPECT_TRUE(seq < first_arrival ||
                seq > w.sender->frames()[kNackFrames - 1].last_seq)
        << "seq " << seq << " never repaired";
  }
  // A retransmission is itself lost with probability kLoss, so the number
  // of repairs that needed a second (or later) round is binomial too.
  const int64_t repairs = static_cast<int64_t>(a.repairs.size());
  ASSERT_GT(repairs, 0);
  ExpectBinomialWithin4Sigma(repairs - by_attempt[1], repairs, kLoss,
                             "repairs needing more than one round trip");
  ExpectConstantDelay(w, kOneWayDelay);

  // Once repaired, the receiver's RTCP reports no loss any more.
  ASSERT_FALSE(w.sender->reports().empty());
  EXPECT_EQ(w.sender->reports().back().block.cumulative_lost, 0);
  EXPECT_EQ(w.sender->reports().back().block.fraction_lost, 0);
  auto in = w.receiver->stats();
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->packets_lost, 0);
  EXPECT_EQ(in->nacks_sent, w.receiver->nacks_sent());
  auto out = w.sender->stats();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->nacks_received, w.sender->nacks_received());
}

TEST(VideoOverVnetTest, NackRecoversWhenFeedbackIsLostToo) {
  WorldOptions options = NackOptions(77);
  options.link.feedback_loss = kLoss;
  auto world = MakeWorld(options);
  ASSERT_TRUE(world.ok()) << world.status();
  World& w = *world;
  w.driver->RunUntil(EndOfMedia(options.sender) + TimeDelta::Seconds(3));
  EXPECT_EQ(w.sender->errors(), 0u);
  EXPECT_EQ(w.receiver->errors(), 0u);

  ExpectFramesReassembled(w, kNackFrames);
  // A lost NACK is simply repeated at the next retry: whichever request
  // got through, the repair arrives a whole number of retry intervals
  // after the first request's answer would have.
  const interceptor::NackGenerator::Config& nack = options.receiver.nack;
  const LossAnalysis a = AnalyzeLoss(w);
  ASSERT_GT(a.repairs.size(), 0u);
  for (const Repair& r : a.repairs) {
    const TimeDelta wait =
        r.recovered - (r.detected + nack.initial_delay + kOneWayDelay * 2);
    EXPECT_GE(wait, TimeDelta::Zero()) << "seq " << r.rtp_seq;
    EXPECT_LE(wait, nack.retry_interval * (nack.max_retries - 1))
        << "seq " << r.rtp_seq;
    EXPECT_EQ(wait.us() % nack.retry_interval.us(), 0) << "seq " << r.rtp_seq;
  }
  EXPECT_LE(w.sender->nacks_received(), w.receiver->nacks_sent());
}

// ---------------------------------------------------------- RTCP reports

// The figures of every receiver report, checked against the link: fraction
// lost is the RFC 3550 value of its interval, and the interval's loss is
// not less likely under Binomial(packets, p) than a 4 sigma deviation
// (exact tails: intervals hold only 25..70 packets, too few for the normal
// approximation; Bonferroni-corrected for the number of reports); the
// pooled loss over all intervals is within 4 sigma for the whole run.
// Returns the number of packets the reports covered.
int64_t ExpectReportedLossMatchesLink(const World& w, double p) {
  const std::vector<ReceivedReport>& reports = w.sender->reports();
  EXPECT_GE(reports.size(), 10u);
  int64_t pooled_expected = 0;
  int64_t pooled_lost = 0;
  for (size_t i = 1; i < reports.size(); ++i) {
    const rtcp::ReportBlock& prev = reports[i - 1].block;
    const rtcp::ReportBlock& cur = reports[i].block;
    const int64_t expected = static_cast<int64_t>(
        cur.extended_highest_sequence - prev.extended_highest_sequence);
    const int64_t lost =
        static_cast<int64_t>(cur.cumulative_lost) - prev.cumulative_lost;
    if (expected == 0) continue;
    EXPECT_GE(lost, 0) << "report " << i;
    EXPECT_EQ(cur.fraction_lost,
              lost <= 0 ? 0 : std::min<int64_t>(255, lost * 256 / expected))
        << "report " << i;
    const double tail = std::min(BinomialAtMost(expected, lost, p),
                                 BinomialAtLeast(expected, lost, p));
    EXPECT_GE(tail, k4SigmaTail / 2 / reports.size())
        << "report " << i << ": " << lost << " lost of " << expected
        << " (fraction " << int{cur.fraction_lost} << "/256)";
    pooled_expected += expected;
    pooled_lost += lost;
  }
  ExpectBinomialWithin4Sigma(pooled_lost, pooled_expected, p,
                             "loss over all report intervals");

  // The last report, sent after everything settled, states the exact
  // cumulative loss: sequence numbers in the received range that never
  // arrived.
  const auto& arrivals = w.receiver->rtp_arrivals();
  EXPECT_FALSE(arrivals.empty());
  if (reports.empty() || arrivals.empty()) return 0;
  const rtcp::ReportBlock& last = reports.back().block;
  const int64_t range = arrivals.rbegin()->first - arrivals.begin()->first + 1;
  EXPECT_EQ(last.extended_highest_sequence,
            static_cast<uint32_t>(arrivals.rbegin()->first));
  EXPECT_EQ(last.cumulative_lost,
            range - static_cast<int64_t>(arrivals.size()));
  ExpectBinomialWithin4Sigma(last.cumulative_lost, range, p,
                             "cumulative loss of the last report");
  return range;
}

// RTT from each report block, as RFC 3550 6.4.1 computes it at the sender:
// arrival time (compact NTP) - LSR - DLSR.
void ExpectRttFromReports(const World& w, TimeDelta expected_rtt) {
  int samples = 0;
  for (const ReceivedReport& r : w.sender->reports()) {
    if (r.block.last_sr == 0) continue;
    ++samples;
    const uint32_t now = rtcp::CompactNtp(
        interceptor::ToNtp(r.at, interceptor::kDefaultNtpAtZero));
    const TimeDelta rtt = interceptor::FromCompactDuration(
        now - r.block.last_sr - r.block.delay_since_last_sr);
    // Each of the three compact NTP values is truncated to 1/65536 s.
    EXPECT_LE(std::abs((rtt - expected_rtt).us()), (kCompactNtpTick * 2).us())
        << "RTT " << rtt.us() << " us at " << r.at.ms() << " ms";
  }
  EXPECT_GE(samples, static_cast<int>(w.sender->reports().size()) - 2);
  auto out = w.sender->stats();
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(out->rtt.has_value());
  EXPECT_GT(out->rtt_samples, 0u);
  EXPECT_LE(std::abs((*out->rtt - expected_rtt).us()),
            (kCompactNtpTick * 2).us());
}

TEST(VideoOverVnetTest, ReportsMatchLinkLossZeroJitterAndDelay) {
  WorldOptions options = BaseOptions(4242);
  options.nack = false;
  options.sender.frames = 750;  // 30 s, ~1900 packets
  // Without NACK an incomplete frame is given up after 64 newer packets.
  options.receiver.max_late = 64;
  auto world = MakeWorld(options);
  ASSERT_TRUE(world.ok()) << world.status();
  World& w = *world;
  w.driver->RunUntil(EndOfMedia(options.sender) + TimeDelta::Seconds(3));
  EXPECT_EQ(w.sender->errors(), 0u);
  EXPECT_EQ(w.receiver->errors(), 0u);

  // NACK was not negotiated: nothing was requested or retransmitted.
  EXPECT_EQ(w.receiver->nacks_sent(), 0u);
  EXPECT_EQ(w.sender->retransmissions(), 0u);
  EXPECT_EQ(w.receiver->duplicates(), 0u);

  // (b) loss.
  const int64_t covered = ExpectReportedLossMatchesLink(w, kLoss);
  EXPECT_GT(covered, 1500);

  // (b) jitter: every packet of a frame leaves at the frame's capture
  // instant and the link delay is constant, so the transit time never
  // varies and the RFC 3550 jitter is exactly zero.
  for (const ReceivedReport& r : w.sender->reports()) {
    EXPECT_EQ(r.block.jitter, 0u) << "report at " << r.at.ms() << " ms";
  }
  auto in = w.receiver->stats();
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->jitter_rtp, 0.0);

  // (b) RTT = 2 x one-way delay.
  ExpectRttFromReports(w, kOneWayDelay * 2);
  ExpectConstantDelay(w, kOneWayDelay);

  // Without repair, the SampleBuilder hands out exactly the complete frames
  // (all but the last, which no later frame releases, and those still
  // waiting behind an incomplete one within max_late).
  std::map<uint32_t, const SentFrame*> by_timestamp;
  std::vector<bool> complete;
  const auto& arrivals = w.receiver->transport_arrivals();
  std::map<int64_t, bool> seq_arrived;
  for (const auto& [tsn, p] : w.sender->transmissions()) {
    seq_arrived[p.rtp_seq] = arrivals.contains(tsn);
  }
  for (const SentFrame& f : w.sender->frames()) {
    by_timestamp[f.rtp_timestamp] = &f;
    bool all = true;
    for (int64_t s = f.first_seq; s <= f.last_seq; ++s) all &= seq_arrived[s];
    complete.push_back(all);
  }
  std::vector<bool> popped(w.sender->frames().size(), false);
  for (const PoppedSample& s : w.receiver->samples()) {
    auto f = by_timestamp.find(s.sample.packet_timestamp);
    ASSERT_NE(f, by_timestamp.end());
    const size_t index = f->second - w.sender->frames().data();
    EXPECT_TRUE(complete[index]) << "incomplete frame " << index << " popped";
    EXPECT_TRUE(s.sample.data == f->second->data) << "frame " << index;
    popped[index] = true;
  }
  const int64_t last_seq = w.sender->frames().back().last_seq;
  int complete_count = 0;
  for (size_t i = 0; i < complete.size(); ++i) {
    if (!complete[i]) continue;
    ++complete_count;
    if (w.sender->frames()[i].last_seq + options.receiver.max_late < last_seq) {
      EXPECT_TRUE(popped[i]) << "complete frame " << i << " not popped";
    }
  }
  EXPECT_LT(complete_count, static_cast<int>(complete.size()));
  EXPECT_GT(w.receiver->dropped_by_sample_builder(), 0u);
}

TEST(VideoOverVnetTest, JitterFigureMatchesUniformLinkJitter) {
  // Extra delay uniform in [0, J] per packet, independent (reordering
  // allowed, so the link never stretches one packet's delay to keep it
  // behind another). With one packet per frame, sent at the frame's
  // capture instant, the transit-time differences D between consecutive
  // packets are differences of two independent U(0, J): E|D| = J / 3,
  // Var|D| = J^2 / 18, and consecutive |D| share one draw (correlation
  // 1/10). RFC 3550's jitter is an exponential average with gain 1/16 of
  // |D|, so at steady state it has mean J / 3 and variance
  //   (1/16) / (2 - 1/16) * J^2 / 18 * (1 + 2 * 0.1 * 15/16)  = (0.0461 J)^2.
  // J = 20 ms < the 40 ms frame interval, so packets never swap.
  constexpr TimeDelta kJitter = TimeDelta::Millis(20);
  WorldOptions options = BaseOptions(1717);
  options.nack = false;  // a retransmission's transit would count as jitter
  options.link.jitter = kJitter;
  options.link.allow_reordering = true;
  options.sender.frames = 1500;  // 60 s
  options.sender.min_frame_bytes = 200;
  options.sender.max_frame_bytes = 1000;
  options.sender.min_key_frame_bytes = 1000;
  options.sender.max_key_frame_bytes = 1100;
  auto world = MakeWorld(options);
  ASSERT_TRUE(world.ok()) << world.status();
  World& w = *world;
  w.driver->RunUntil(EndOfMedia(options.sender) + TimeDelta::Seconds(3));
  EXPECT_EQ(w.sender->errors(), 0u);
  EXPECT_EQ(w.receiver->errors(), 0u);
  for (const SentFrame& f : w.sender->frames()) {
    ASSERT_EQ(f.first_seq, f.last_seq) << "frames must fit one packet";
  }

  const double j_rtp = kJitter.us() * 90000.0 / 1e6;  // 1800
  const double mean = j_rtp / 3;
  const double sigma = 0.0461 * j_rtp;
  // Reports 1 s (25 packets) apart: the average forgets (15/16)^25 = 0.2
  // of the previous report's deviation, so the mean over n reports has
  // variance sigma^2 / n * (1 + 0.2) / (1 - 0.2).
  const std::vector<ReceivedReport>& reports = w.sender->reports();
  ASSERT_GE(reports.size(), 50u);
  // Skip the first 3 reports: the average starts at 0 and after 75 packets
  // still lacks (15/16)^75 < 1% of its steady value.
  double sum = 0;
  int n = 0;
  for (size_t i = 3; i < reports.size(); ++i) {
    const double j = reports[i].block.jitter;
    // 5 sigma rather than 4 for a single report: a run has ~57 of them,
    // and an average of |D| is skewed to the right.
    EXPECT_LE(std::abs(j - mean), 5 * sigma + 1)
        << "report " << i << ": jitter " << j << ", expected " << mean;
    sum += j;
    ++n;
  }
  const double avg = sum / n;
  const double sigma_avg = sigma * std::sqrt(1.5 / n);
  EXPECT_LE(std::abs(avg - mean), 4 * sigma_avg + 1)
      << "mean jitter " << avg << " over " << n << " reports, expected " << mean
      << " +- " << 4 * sigma_avg;

  // Loss is unaffected by jitter.
  ExpectReportedLossMatchesLink(w, kLoss);
  // The RTT now includes the SR's own extra delay: [2D, 2D + J].
  auto out = w.sender->stats();
  ASSERT_TRUE(out.has_value() && out->rtt.has_value());
  EXPECT_GE(*out->rtt, kOneWayDelay * 2 - kCompactNtpTick * 2);
  EXPECT_LE(*out->rtt, kOneWayDelay * 2 + kJitter + kCompactNtpTick * 2);
}

// ------------------------------------------------------------------ TWCC

// Merges every transport-cc feedback the sender got and checks it against
// what actually happened on the link: each transmission that arrived is
// reported received once, at its arrival time on the 250 us grid; each
// number reported missing really was lost; everything sent up to the last
// arrival is covered; arrival minus send time is within [min, max] delay;
// and with `exact_deltas` the arrival deltas equal the send deltas.
void ExpectTwccMatchesArrivals(const World& w, TimeDelta min_delay,
                               TimeDelta max_delay, bool exact_deltas) {
  const auto& sent = w.sender->transmissions();
  const auto& arrived = w.receiver->transport_arrivals();
  ASSERT_FALSE(arrived.empty());
  std::map<int64_t, std::optional<Timestamp>> reported;
  rtp::SequenceNumberUnwrapper unwrap;
  uint8_t count = 0;
  int64_t received_reported = 0;
  for (const ReceivedFeedback& f : w.sender->feedback()) {
    EXPECT_EQ(f.feedback.feedback_packet_count, count) << "feedback count";
    count = static_cast<uint8_t>(f.feedback.feedback_packet_count + 1);
    EXPECT_EQ(f.feedback.media_ssrc, w.sender->config().ssrc);
    auto results = f.feedback.GetPacketResults();
    ASSERT_TRUE(results.ok()) << results.status();
    std::optional<std::pair<int64_t, Timestamp>> prev;
    for (const auto& r : *results) {
      const int64_t tsn = unwrap.Unwrap(r.sequence_number);
      EXPECT_TRUE(reported.emplace(tsn, r.arrival_time).second)
          << "transport seq " << tsn << " reported twice";
      auto s = sent.find(tsn);
      ASSERT_NE(s, sent.end()) << "transport seq " << tsn << " never sent";
      auto a = arrived.find(tsn);
      if (!r.arrival_time) {
        EXPECT_EQ(a, arrived.end())
            << "transport seq " << tsn << " arrived but reported lost";
        continue;
      }
      ++received_reported;
      ASSERT_NE(a, arrived.end())
          << "transport seq " << tsn << " reported but never arrived";
      EXPECT_LE(*r.arrival_time, a->second);
      EXPECT_LT(a->second - *r.arrival_time, kTwccTick);
      const TimeDelta delay = *r.arrival_time - s->second.sent;
      EXPECT_GE(delay, min_delay - kTwccTick) << "transport seq " << tsn;
      EXPECT_LE(delay, max_delay) << "transport seq " << tsn;
      if (exact_deltas && prev) {
        EXPECT_EQ(*r.arrival_time - prev->second,
                  s->second.sent - sent.at(prev->first).sent)
            << "delta to transport seq " << tsn;
      }
      prev = std::make_pair(tsn, *r.arrival_time);
    }
  }
  EXPECT_EQ(received_reported, static_cast<int64_t>(arrived.size()));
  for (const auto& [tsn, at] : arrived) {
    auto r = reported.find(tsn);
    ASSERT_NE(r, reported.end()) << "arrival of " << tsn << " not reported";
    EXPECT_TRUE(r->second.has_value()) << "transport seq " << tsn;
  }
  const int64_t first = arrived.begin()->first;
  const int64_t last = arrived.rbegin()->first;
  for (const auto& [tsn, p] : sent) {
    if (tsn < first || tsn > last) continue;
    EXPECT_TRUE(reported.contains(tsn))
        << "transport seq " << tsn << " not covered by any feedback";
  }
}

TEST(VideoOverVnetTest, TwccReportsEveryArrivalWithConstantLinkDelay) {
  WorldOptions options = NackOptions(31337);
  options.sender.frames = 500;
  auto world = MakeWorld(options);
  ASSERT_TRUE(world.ok()) << world.status();
  World& w = *world;
  w.driver->RunUntil(EndOfMedia(options.sender) + TimeDelta::Seconds(2));
  EXPECT_EQ(w.sender->errors(), 0u);
  EXPECT_EQ(w.receiver->errors(), 0u);
  // Retransmissions carry fresh transport-wide numbers too.
  EXPECT_GT(w.sender->retransmissions(), 0u);
  // One feedback per 100 ms of traffic.
  EXPECT_GE(w.sender->feedback().size(), 190u);
  // Send times are whole milliseconds, so arrival times fall on the
  // 250 us grid and every delta is exact.
  ExpectTwccMatchesArrivals(w, kOneWayDelay, kOneWayDelay,
                            /*exact_deltas=*/true);
}

TEST(VideoOverVnetTest, TwccReportsArrivalsWithinJitteredDelay) {
  constexpr TimeDelta kJitter = TimeDelta::Millis(15);
  WorldOptions options = NackOptions(99);
  options.sender.frames = 500;
  options.link.jitter = kJitter;
  auto world = MakeWorld(options);
  ASSERT_TRUE(world.ok()) << world.status();
  World& w = *world;
  w.driver->RunUntil(EndOfMedia(options.sender) + TimeDelta::Seconds(2));
  EXPECT_EQ(w.sender->errors(), 0u);
  EXPECT_EQ(w.receiver->errors(), 0u);
  // Without reordering a packet may wait behind the one before it, but
  // never longer than that one's delay: all within [D, D + J].
  ExpectTwccMatchesArrivals(w, kOneWayDelay, kOneWayDelay + kJitter,
                            /*exact_deltas=*/false);
  ExpectFramesReassembled(w, options.sender.frames - kTailFrames);
}

// ----------------------------------------------------------- determinism

TEST(VideoOverVnetTest, SameSeedSameRun) {
  auto run = [](uint64_t seed) {
    WorldOptions o = NackOptions(seed);
    o.sender.frames = 100;
    auto w = MakeWorld(o);
    EXPECT_TRUE(w.ok());
    w->driver->RunUntil(EndOfMedia(o.sender) + TimeDelta::Seconds(1));
    std::vector<int64_t> trace;
    for (const auto& [tsn, p] : w->sender->transmissions()) {
      trace.push_back(tsn);
      trace.push_back(p.rtp_seq);
      trace.push_back(p.sent.us());
    }
    for (const auto& [tsn, at] : w->receiver->transport_arrivals()) {
      trace.push_back(tsn);
      trace.push_back(at.us());
    }
    return trace;
  };
  const std::vector<int64_t> a = run(5);
  EXPECT_EQ(a, run(5));
  EXPECT_NE(a, run(6));
}

}  // namespace
}  // namespace simrtc::media_test
