#include "core/sctp/association.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "core/base/rng.h"
#include "core/sctp/test_link.h"
#include "core/sctp/usrsctp_adapter.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::sctp {
namespace {

using ::testing::HasSubstr;
using testing::Link;
using testing::LinkConfig;

constexpr uint32_t kPpidBinary = 53;

// One side of a test: the association plus everything it reported.
struct Peer {
  explicit Peer(Config config = {}) {
    auto created = Association::Create(config);
    if (!created.ok()) {
      ADD_FAILURE() << created.status();
      std::abort();
    }
    assoc = std::move(*created);
  }

  void Drain() {
    while (auto e = assoc->PollEvent()) {
      if (std::holds_alternative<Connected>(*e)) connected = true;
      if (auto* m = std::get_if<MessageReceived>(&*e)) {
        received_bytes += m->data.size();
        messages.push_back(std::move(*m));
        continue;
      }
      if (auto* r = std::get_if<StreamReset>(&*e)) resets.push_back(*r);
      if (auto* l = std::get_if<BufferedAmountLow>(&*e)) lows.push_back(*l);
      if (std::holds_alternative<TotalBufferedAmountLow>(*e)) ++total_lows;
      if (auto* c = std::get_if<Closed>(&*e)) closed = *c;
      if (auto* r = std::get_if<ReceiveError>(&*e)) errors.push_back(r->error);
    }
  }

  std::unique_ptr<Association> assoc;
  bool connected = false;
  std::vector<MessageReceived> messages;
  size_t received_bytes = 0;
  std::vector<StreamReset> resets;
  std::vector<BufferedAmountLow> lows;
  int total_lows = 0;
  std::optional<Closed> closed;
  std::vector<absl::Status> errors;
};

using PeerLink = Link<Association, Association>;

std::vector<uint8_t> Pattern(size_t size, uint64_t seed) {
  std::vector<uint8_t> v(size);
  Rng rng(seed);
  rng.Fill(v);
  return v;
}

bool ConnectBoth(Peer& a, Peer& b, PeerLink& link) {
  EXPECT_TRUE(a.assoc->Connect(link.now()).ok());
  EXPECT_TRUE(b.assoc->Connect(link.now()).ok());
  return link.RunUntil(
      [&] {
        a.Drain();
        b.Drain();
        return a.connected && b.connected;
      },
      TimeDelta::Seconds(30));
}

TEST(AssociationTest, SimultaneousOpenConnects) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 1);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  EXPECT_EQ(a.assoc->state(), State::kConnected);
  EXPECT_EQ(b.assoc->state(), State::kConnected);
  EXPECT_EQ(a.assoc->outbound_streams(), 1024);
  EXPECT_EQ(a.assoc->inbound_streams(), 1024);
  // Two round trips at most on a 10 ms link, plus one tick.
  EXPECT_LE(link.now(), Timestamp::Millis(100));
}

TEST(AssociationTest, OneSidedOpenStartsTheOtherImplicitly) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 2);
  ASSERT_TRUE(a.assoc->Connect(link.now()).ok());
  EXPECT_EQ(b.assoc->state(), State::kNew);
  EXPECT_FALSE(b.assoc->NextTimeout().has_value());
  ASSERT_TRUE(link.RunUntil(
      [&] {
        a.Drain();
        b.Drain();
        return a.connected && b.connected;
      },
      TimeDelta::Seconds(10)));
}

TEST(AssociationTest, StreamCountIsTheMinimumOfBothOffers) {
  Config small;
  small.outbound_streams = 16;
  small.inbound_streams = 8;
  Peer a(small), b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 3);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  EXPECT_EQ(a.assoc->outbound_streams(), 16);
  EXPECT_EQ(a.assoc->inbound_streams(), 8);
  EXPECT_EQ(b.assoc->outbound_streams(), 8);
  EXPECT_EQ(b.assoc->inbound_streams(), 16);
  auto status = a.assoc->Send(link.now(), 16, kPpidBinary, AsBytes("x"));
  EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(status.message(), HasSubstr("16 outbound streams"));
}

TEST(AssociationTest, MessagesCarryStreamPpidAndBytesBothWays) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 4);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  ASSERT_TRUE(a.assoc->Send(link.now(), 3, 51, AsBytes("hello")).ok());
  ASSERT_TRUE(b.assoc->Send(link.now(), 4, 53, AsBytes("world!")).ok());
  ASSERT_TRUE(link.RunUntil(
      [&] {
        a.Drain();
        b.Drain();
        return a.messages.size() == 1 && b.messages.size() == 1;
      },
      TimeDelta::Seconds(5)));
  EXPECT_EQ(b.messages[0].stream, 3);
  EXPECT_EQ(b.messages[0].ppid, 51u);
  EXPECT_FALSE(b.messages[0].unordered);
  EXPECT_EQ(AsString(b.messages[0].data), "hello");
  EXPECT_EQ(a.messages[0].stream, 4);
  EXPECT_EQ(a.messages[0].ppid, 53u);
  EXPECT_EQ(AsString(a.messages[0].data), "world!");
  EXPECT_EQ(a.assoc->stats().messages_sent, 1u);
  EXPECT_EQ(a.assoc->stats().bytes_sent, 5u);
  EXPECT_EQ(b.assoc->stats().messages_received, 1u);
  EXPECT_EQ(b.assoc->stats().bytes_received, 5u);
}

TEST(AssociationTest, SendBeforeConnectedIsQueuedAndDelivered) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 5);
  ASSERT_TRUE(a.assoc->Send(link.now(), 1, kPpidBinary, AsBytes("early")).ok());
  EXPECT_EQ(a.assoc->buffered_amount(1), 5u);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return b.messages.size() == 1;
      },
      TimeDelta::Seconds(5)));
  EXPECT_EQ(AsString(b.messages[0].data), "early");
}

TEST(AssociationTest, RefusesEmptyAndOversizedMessages) {
  Config config;
  config.max_message_size = 1000;
  Peer a(config), b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 6);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  auto empty = a.assoc->Send(link.now(), 1, kPpidBinary, ByteSpan());
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(empty.message(), HasSubstr("empty message"));
  std::vector<uint8_t> big(1001, 1);
  auto too_big = a.assoc->Send(link.now(), 1, kPpidBinary, big);
  EXPECT_EQ(too_big.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_big.message(),
              HasSubstr("1001 bytes on stream 1 exceeds the maximum message "
                        "size of 1000 bytes"));
  big.resize(1000);
  EXPECT_TRUE(a.assoc->Send(link.now(), 1, kPpidBinary, big).ok());
  // The peer's announced limit is enforced too.
  a.assoc->set_remote_max_message_size(500);
  EXPECT_EQ(a.assoc->max_message_size(), 500u);
  std::vector<uint8_t> mid(501, 2);
  EXPECT_FALSE(a.assoc->Send(link.now(), 1, kPpidBinary, mid).ok());
}

TEST(AssociationTest, DefaultMaxMessageSizeIsSentWhole) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 7);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  EXPECT_EQ(a.assoc->max_message_size(), 256u * 1024);
  auto msg = Pattern(256 * 1024, 7);
  ASSERT_TRUE(a.assoc->Send(link.now(), 0, kPpidBinary, msg).ok());
  std::vector<uint8_t> over(256 * 1024 + 1);
  EXPECT_FALSE(a.assoc->Send(link.now(), 0, kPpidBinary, over).ok());
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return b.messages.size() == 1;
      },
      TimeDelta::Seconds(20)));
  EXPECT_EQ(b.messages[0].data, msg);
}

TEST(AssociationTest, MessagesLargerThanTheReceiveWindowAreReassembled) {
  Config config;
  config.max_message_size = 3 * 1024 * 1024;
  config.receive_buffer_size = 256 * 1024;
  Peer a(config), b(config);
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 8);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  auto first = Pattern(3 * 1024 * 1024, 1);
  auto second = Pattern(100, 2);
  ASSERT_TRUE(a.assoc->Send(link.now(), 2, kPpidBinary, first).ok());
  ASSERT_TRUE(a.assoc->Send(link.now(), 2, kPpidBinary, second).ok());
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return b.messages.size() == 2;
      },
      TimeDelta::Seconds(60)));
  EXPECT_EQ(b.messages[0].data, first);
  EXPECT_EQ(b.messages[1].data, second);
}

TEST(AssociationTest, IncomingMessagesBeyondTheLimitAreDroppedWithAnError) {
  Config big;
  big.max_message_size = 300 * 1024;
  Config small;
  small.max_message_size = 100 * 1024;
  Peer a(big), b(small);
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 9);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  ASSERT_TRUE(
      a.assoc->Send(link.now(), 1, kPpidBinary, Pattern(200 * 1024, 1)).ok());
  ASSERT_TRUE(a.assoc->Send(link.now(), 1, kPpidBinary, Pattern(10, 2)).ok());
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return b.messages.size() == 1;
      },
      TimeDelta::Seconds(20)));
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_THAT(b.errors[0].message(), HasSubstr("exceeds the maximum"));
  EXPECT_EQ(b.messages[0].data, Pattern(10, 2));
}

// Sends `total` bytes as messages of `chunk` bytes, keeping at most
// `window` bytes buffered, and checks they arrive byte-exact and in order.
void TransferAndVerify(Peer& a, Peer& b, PeerLink& link, size_t total,
                       size_t chunk, const SendOptions& options,
                       TimeDelta limit) {
  const size_t window = 2 * 1024 * 1024;
  Rng data_rng(99);
  std::vector<uint8_t> expected_hash_input;
  size_t sent = 0;
  uint64_t next_expected = 0;
  bool mismatch = false;
  bool done = link.RunUntil(
      [&] {
        while (sent < total && a.assoc->buffered_amount() < window) {
          size_t n = std::min(chunk, total - sent);
          std::vector<uint8_t> msg(n);
          // Content derived from the offset so the receiver can check it.
          for (size_t i = 0; i < n; ++i) {
            msg[i] = static_cast<uint8_t>((sent + i) * 2654435761u >> 13);
          }
          EXPECT_TRUE(
              a.assoc->Send(link.now(), 1, kPpidBinary, msg, options).ok());
          sent += n;
        }
        while (auto e = b.assoc->PollEvent()) {
          auto* m = std::get_if<MessageReceived>(&*e);
          if (m == nullptr) continue;
          for (size_t i = 0; i < m->data.size(); ++i) {
            if (m->data[i] !=
                static_cast<uint8_t>((next_expected + i) * 2654435761u >> 13)) {
              mismatch = true;
            }
          }
          next_expected += m->data.size();
        }
        a.Drain();
        return mismatch || next_expected == total;
      },
      limit);
  EXPECT_TRUE(done) << "received " << next_expected << " of " << total;
  EXPECT_FALSE(mismatch);
  EXPECT_EQ(next_expected, total);
}

TEST(AssociationTest, ReliableTransferSurvivesLossReorderingAndDuplication) {
  Peer a, b;
  LinkConfig lossy;
  lossy.delay = TimeDelta::Millis(20);
  lossy.loss = 0.05;
  lossy.reorder = 0.1;
  lossy.duplicate = 0.02;
  PeerLink link(a.assoc.get(), b.assoc.get(), lossy, 10);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  TransferAndVerify(a, b, link, 4 * 1024 * 1024, 64 * 1024, {},
                    TimeDelta::Seconds(600));
  EXPECT_GT(link.stats().dropped, 0u);
  EXPECT_GT(link.stats().duplicated, 0u);
}

TEST(AssociationTest, UsrsctpMeasuresTheRttOnTheDriversClock) {
  // usrsctp reads gettimeofday() for RTT samples; the adapter makes that
  // the virtual clock. With the wall clock the estimate would be ~0 here,
  // since the whole exchange takes microseconds of real time.
  Peer a, b;
  LinkConfig slow;
  slow.delay = TimeDelta::Millis(50);
  PeerLink link(a.assoc.get(), b.assoc.get(), slow, 20);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(a.assoc->Send(link.now(), 1, kPpidBinary, AsBytes("rtt")).ok());
    link.RunFor(TimeDelta::Millis(300));
  }
  // 100 ms of path plus up to 200 ms of delayed SACK for lone packets.
  EXPECT_GE(a.assoc->smoothed_rtt(), TimeDelta::Millis(95));
  EXPECT_LE(a.assoc->smoothed_rtt(), TimeDelta::Millis(320));
}

TEST(AssociationTest, UnorderedDeliveryIsReallyUnorderedUnderReordering) {
  Peer a, b;
  LinkConfig reordering;
  reordering.delay = TimeDelta::Millis(5);
  reordering.reorder = 0.3;
  reordering.reorder_delay = TimeDelta::Millis(40);
  PeerLink link(a.assoc.get(), b.assoc.get(), reordering, 11);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  constexpr int kCount = 200;
  SendOptions unordered;
  unordered.unordered = true;
  for (int i = 0; i < kCount; ++i) {
    std::string s = std::to_string(i);
    ASSERT_TRUE(
        a.assoc->Send(link.now(), 1, kPpidBinary, AsBytes(s), unordered).ok());
    link.RunFor(TimeDelta::Millis(1));
  }
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return b.messages.size() == kCount;
      },
      TimeDelta::Seconds(30)));
  std::vector<int> order;
  for (const auto& m : b.messages) {
    EXPECT_TRUE(m.unordered);
    order.push_back(std::stoi(std::string(AsString(m.data))));
  }
  EXPECT_FALSE(std::is_sorted(order.begin(), order.end()));
  std::sort(order.begin(), order.end());
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(order[i], i);
}

TEST(AssociationTest, OrderedDeliveryStaysOrderedUnderReordering) {
  Peer a, b;
  LinkConfig reordering;
  reordering.delay = TimeDelta::Millis(5);
  reordering.reorder = 0.3;
  reordering.reorder_delay = TimeDelta::Millis(40);
  PeerLink link(a.assoc.get(), b.assoc.get(), reordering, 11);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  constexpr int kCount = 200;
  for (int i = 0; i < kCount; ++i) {
    std::string s = std::to_string(i);
    ASSERT_TRUE(a.assoc->Send(link.now(), 1, kPpidBinary, AsBytes(s)).ok());
    link.RunFor(TimeDelta::Millis(1));
  }
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return b.messages.size() == kCount;
      },
      TimeDelta::Seconds(30)));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(AsString(b.messages[i].data), std::to_string(i));
  }
}

TEST(AssociationTest, ZeroRetransmitsDropsUnderLossAndNeverBlocks) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 12);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  LinkConfig lossy;
  lossy.loss = 0.1;
  link.set_config(lossy);
  SendOptions unreliable;
  unreliable.unordered = true;
  unreliable.max_retransmits = 0;
  constexpr int kCount = 1000;
  for (int i = 0; i < kCount; ++i) {
    std::vector<uint8_t> msg(200, static_cast<uint8_t>(i));
    ASSERT_TRUE(a.assoc->Send(link.now(), 2, kPpidBinary, msg, unreliable).ok())
        << i;
    link.RunFor(TimeDelta::Millis(10));
    b.Drain();
  }
  // Still lossy: whatever was lost is abandoned, not retried, so the
  // sender's buffer empties anyway.
  ASSERT_TRUE(link.RunUntil(
      [&] {
        a.Drain();
        b.Drain();
        return a.assoc->buffered_amount() == 0;
      },
      TimeDelta::Seconds(10)));
  link.RunFor(TimeDelta::Seconds(1));
  b.Drain();
  EXPECT_LT(b.messages.size(), static_cast<size_t>(kCount * 0.97));
  EXPECT_GT(b.messages.size(), static_cast<size_t>(kCount * 0.8));
  // The stream keeps flowing after the losses.
  link.set_config(LinkConfig{});
  ASSERT_TRUE(
      a.assoc->Send(link.now(), 2, kPpidBinary, AsBytes("last"), unreliable)
          .ok());
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return AsString(b.messages.back().data) == "last";
      },
      TimeDelta::Seconds(5)));
}

TEST(AssociationTest, ReliableMessagesAllArriveUnderTheSameLoss) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 12);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  LinkConfig lossy;
  lossy.loss = 0.1;
  link.set_config(lossy);
  constexpr int kCount = 300;
  for (int i = 0; i < kCount; ++i) {
    std::vector<uint8_t> msg(200, static_cast<uint8_t>(i));
    ASSERT_TRUE(a.assoc->Send(link.now(), 2, kPpidBinary, msg).ok());
    link.RunFor(TimeDelta::Millis(10));
  }
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return b.messages.size() == kCount;
      },
      TimeDelta::Seconds(30)));
}

TEST(AssociationTest, LifetimeExpiresMessagesStillWaitingInTheQueue) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 13);
  SendOptions short_lived;
  short_lived.max_lifetime = TimeDelta::Millis(50);
  // Queued before the association exists; they outlive their lifetime
  // before it comes up.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        a.assoc->Send(link.now(), 1, kPpidBinary, AsBytes("stale"), short_lived)
            .ok());
  }
  SendOptions long_lived;
  long_lived.max_lifetime = TimeDelta::Seconds(30);
  ASSERT_TRUE(
      a.assoc->Send(link.now(), 1, kPpidBinary, AsBytes("fresh"), long_lived)
          .ok());
  link.RunFor(TimeDelta::Millis(100));
  ASSERT_TRUE(ConnectBoth(a, b, link));
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return !b.messages.empty();
      },
      TimeDelta::Seconds(5)));
  link.RunFor(TimeDelta::Millis(200));
  b.Drain();
  ASSERT_EQ(b.messages.size(), 1u);
  EXPECT_EQ(AsString(b.messages[0].data), "fresh");
  EXPECT_EQ(a.assoc->stats().messages_expired, 5u);
  EXPECT_EQ(a.assoc->buffered_amount(), 0u);
}

TEST(AssociationTest, RejectsConflictingReliabilityLimits) {
  Peer a;
  SendOptions both;
  both.max_retransmits = 1;
  both.max_lifetime = TimeDelta::Millis(10);
  auto status = a.assoc->Send(Timestamp::Zero(), 1, 1, AsBytes("x"), both);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(AssociationTest, BufferedAmountLowFiresWhenTheStreamDrains) {
  Peer a, b;
  LinkConfig slow;
  slow.delay = TimeDelta::Millis(30);
  PeerLink link(a.assoc.get(), b.assoc.get(), slow, 14);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  a.assoc->set_buffered_amount_low_threshold(1, 64 * 1024);
  a.assoc->set_total_buffered_amount_low_threshold(100 * 1024);
  EXPECT_EQ(a.assoc->buffered_amount_low_threshold(1), 64u * 1024);
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(
        a.assoc->Send(link.now(), 1, kPpidBinary, Pattern(16 * 1024, i)).ok());
  }
  EXPECT_EQ(a.assoc->buffered_amount(1), 640u * 1024);
  EXPECT_EQ(a.assoc->buffered_amount(), 640u * 1024);
  EXPECT_EQ(a.assoc->buffered_amount(2), 0u);
  ASSERT_TRUE(link.RunUntil(
      [&] {
        a.Drain();
        return !a.lows.empty();
      },
      TimeDelta::Seconds(30)));
  EXPECT_EQ(a.lows[0].stream, 1);
  EXPECT_LE(a.assoc->buffered_amount(1), 64u * 1024);
  EXPECT_GT(a.assoc->buffered_amount(1), 0u);  // fired on the way down
  ASSERT_TRUE(link.RunUntil(
      [&] {
        a.Drain();
        b.Drain();
        return b.messages.size() == 40 && a.assoc->buffered_amount() == 0;
      },
      TimeDelta::Seconds(30)));
  EXPECT_EQ(a.lows.size(), 1u);  // only on the crossing
  EXPECT_EQ(a.total_lows, 1);
}

TEST(AssociationTest, BufferedAmountCapIsEnforced) {
  Config config;
  config.max_buffered_amount = 100 * 1024;
  Peer a(config);
  std::vector<uint8_t> msg(60 * 1024, 1);
  EXPECT_TRUE(a.assoc->Send(Timestamp::Zero(), 1, 1, msg).ok());
  auto status = a.assoc->Send(Timestamp::Zero(), 1, 1, msg);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("buffered amount cap"));
}

TEST(AssociationTest, StreamResetAfterQueuedDataAndReuse) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 15);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        a.assoc->Send(link.now(), 7, kPpidBinary, Pattern(50 * 1024, i)).ok());
  }
  ASSERT_TRUE(a.assoc->ResetStream(link.now(), 7).ok());
  // No new messages while the reset is in progress.
  EXPECT_EQ(a.assoc->Send(link.now(), 7, kPpidBinary, AsBytes("x")).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(link.RunUntil(
      [&] {
        a.Drain();
        b.Drain();
        return !a.resets.empty() && !b.resets.empty();
      },
      TimeDelta::Seconds(30)));
  // Everything sent before the reset arrived before it.
  ASSERT_EQ(b.messages.size(), 10u);
  EXPECT_EQ(b.resets[0].stream, 7);
  EXPECT_TRUE(b.resets[0].incoming);
  EXPECT_EQ(a.resets[0].stream, 7);
  EXPECT_FALSE(a.resets[0].incoming);
  // The peer closes its direction too (what data channels do).
  ASSERT_TRUE(b.assoc->ResetStream(link.now(), 7).ok());
  ASSERT_TRUE(link.RunUntil(
      [&] {
        a.Drain();
        b.Drain();
        return a.resets.size() == 2 && b.resets.size() == 2;
      },
      TimeDelta::Seconds(10)));
  // The stream is usable again, with fresh sequence numbers.
  ASSERT_TRUE(a.assoc->Send(link.now(), 7, kPpidBinary, AsBytes("again")).ok());
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return b.messages.size() == 11;
      },
      TimeDelta::Seconds(5)));
  EXPECT_EQ(AsString(b.messages[10].data), "again");
}

TEST(AssociationTest, GarbageDatagramsDoNotHurt) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 16);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  Rng rng(16);
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> junk(rng.Uniform(1500));
    rng.Fill(junk);
    if (i % 3 == 0 && junk.size() >= 4) {
      // Our port numbers, so usrsctp looks deeper than the header.
      junk[0] = 0x13;
      junk[1] = 0x88;
      junk[2] = 0x13;
      junk[3] = 0x88;
    }
    link.Inject(i % 2, junk);
  }
  link.Inject(0, ByteSpan());
  std::vector<uint8_t> huge(100000, 0xff);
  link.Inject(1, huge);
  link.RunFor(TimeDelta::Millis(100));
  a.Drain();
  b.Drain();
  EXPECT_FALSE(a.closed.has_value());
  EXPECT_FALSE(b.closed.has_value());
  ASSERT_TRUE(a.assoc->Send(link.now(), 1, kPpidBinary, AsBytes("ok")).ok());
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return !b.messages.empty();
      },
      TimeDelta::Seconds(5)));
}

TEST(AssociationTest, AbortClosesBothSides) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 17);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  a.assoc->Abort(link.now());
  a.Drain();
  ASSERT_TRUE(a.closed.has_value());
  EXPECT_TRUE(a.closed->aborted);
  ASSERT_TRUE(link.RunUntil(
      [&] {
        b.Drain();
        return b.closed.has_value();
      },
      TimeDelta::Seconds(5)));
  EXPECT_TRUE(b.closed->aborted);
  EXPECT_EQ(b.assoc->state(), State::kClosed);
  EXPECT_FALSE(b.assoc->NextTimeout().has_value());
  EXPECT_EQ(a.assoc->Send(link.now(), 1, 1, AsBytes("x")).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(AssociationTest, GracefulShutdownDeliversQueuedDataFirst) {
  Peer a, b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 18);
  ASSERT_TRUE(ConnectBoth(a, b, link));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(
        a.assoc->Send(link.now(), 1, kPpidBinary, Pattern(100 * 1024, i)).ok());
  }
  a.assoc->Shutdown(link.now());
  ASSERT_TRUE(link.RunUntil(
      [&] {
        a.Drain();
        b.Drain();
        return a.closed.has_value() && b.closed.has_value();
      },
      TimeDelta::Seconds(30)));
  EXPECT_EQ(b.messages.size(), 20u);
  EXPECT_FALSE(a.closed->aborted) << a.closed->reason;
  EXPECT_FALSE(b.closed->aborted) << b.closed->reason;
}

TEST(AssociationTest, ConnectGivesUpWithoutAnAnswer) {
  Config config;
  config.max_init_retransmits = 2;
  config.rto_initial = TimeDelta::Millis(200);
  config.rto_min = TimeDelta::Millis(200);
  config.init_rto_max = TimeDelta::Millis(400);
  Peer a(config), b;
  PeerLink link(a.assoc.get(), b.assoc.get(), LinkConfig{}, 19);
  link.drop_if = [](int, ByteSpan) { return true; };
  ASSERT_TRUE(a.assoc->Connect(link.now()).ok());
  ASSERT_TRUE(link.RunUntil(
      [&] {
        a.Drain();
        return a.closed.has_value();
      },
      TimeDelta::Seconds(30)));
  EXPECT_TRUE(a.closed->aborted);
  EXPECT_THAT(a.closed->reason, HasSubstr("could not establish"));
}

// What a determinism check in the simulator compares: every packet's time,
// direction and size. usrsctp's random verification tags and TSNs change
// the bytes from run to run, but must not change any of these.
std::vector<std::string> RunTracedSession(uint64_t seed) {
  std::vector<std::string> trace;
  Peer a, b;
  LinkConfig lossy;
  lossy.delay = TimeDelta::Millis(7);
  lossy.loss = 0.05;
  lossy.reorder = 0.05;
  PeerLink link(a.assoc.get(), b.assoc.get(), lossy, seed);
  link.tap = [&](int from, ByteSpan packet) {
    trace.push_back(
        absl::StrFormat("%d %d %d", link.now().us(), from, packet.size()));
  };
  EXPECT_TRUE(ConnectBoth(a, b, link));
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(
        a.assoc->Send(link.now(), i % 3, kPpidBinary, Pattern(3000 + i, i))
            .ok());
  }
  EXPECT_TRUE(a.assoc->ResetStream(link.now(), 1).ok());
  EXPECT_TRUE(link.RunUntil(
      [&] {
        a.Drain();
        b.Drain();
        return b.messages.size() == 50 && !b.resets.empty();
      },
      TimeDelta::Seconds(60)));
  a.assoc->Shutdown(link.now());
  link.RunFor(TimeDelta::Seconds(2));
  return trace;
}

TEST(AssociationTest, SameSeedGivesTheSamePacketTrace) {
  std::vector<std::string> first = RunTracedSession(77);
  std::vector<std::string> second = RunTracedSession(77);
  ASSERT_GT(first.size(), 50u);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    ASSERT_EQ(first[i], second[i]) << "first divergence at packet " << i;
  }
}

TEST(AssociationTest, ManyPairsShareTheProcessWideTimerWheel) {
  constexpr int kPairs = 4;
  std::vector<std::unique_ptr<Peer>> as, bs;
  std::vector<std::unique_ptr<PeerLink>> links;
  for (int i = 0; i < kPairs; ++i) {
    as.push_back(std::make_unique<Peer>());
    bs.push_back(std::make_unique<Peer>());
    LinkConfig lossy;
    lossy.loss = 0.1;
    lossy.delay = TimeDelta::Millis(5 + 10 * i);
    links.push_back(std::make_unique<PeerLink>(as[i]->assoc.get(),
                                               bs[i]->assoc.get(), lossy, i));
  }
  EXPECT_GE(internal::UsrsctpAdapter::ClientCount(), 2u * kPairs);
  for (int i = 0; i < kPairs; ++i) {
    ASSERT_TRUE(as[i]->assoc->Connect(Timestamp::Zero()).ok());
    ASSERT_TRUE(bs[i]->assoc->Connect(Timestamp::Zero()).ok());
    for (int m = 0; m < 20; ++m) {
      ASSERT_TRUE(
          as[i]
              ->assoc
              ->Send(Timestamp::Zero(), 1, kPpidBinary, Pattern(10 * 1024, m))
              .ok());
    }
  }
  // Advance all links in lock step on one clock, 1 ms at a time.
  for (int t = 0; t < 20000; ++t) {
    bool all = true;
    for (int i = 0; i < kPairs; ++i) {
      links[i]->RunFor(TimeDelta::Millis(1));
      bs[i]->Drain();
      all = all && bs[i]->messages.size() == 20;
    }
    if (all) break;
  }
  for (int i = 0; i < kPairs; ++i) {
    ASSERT_EQ(bs[i]->messages.size(), 20u) << "pair " << i;
    for (int m = 0; m < 20; ++m) {
      EXPECT_EQ(bs[i]->messages[m].data, Pattern(10 * 1024, m));
    }
  }
}

// Config::mtu bounds every packet, common header included, whatever usrsctp
// puts in it: fragments of large messages, bundles of small ones, SACKs
// with gap reports and retransmissions under loss, FORWARD-TSNs for
// abandoned messages, in both directions. The odd sizes are the ones DTLS
// produces (1200-byte datagrams leave 1163 bytes per record).
TEST(AssociationTest, NoPacketExceedsTheConfiguredMtu) {
  for (uint16_t mtu : {kMinMtu, uint16_t{1163}, uint16_t{1200}, uint16_t{1201},
                       uint16_t{1500}}) {
    SCOPED_TRACE(absl::StrFormat("mtu %d", mtu));
    Config config;
    config.mtu = mtu;
    Peer a(config), b(config);
    LinkConfig lossy;
    lossy.delay = TimeDelta::Millis(20);
    lossy.loss = 0.05;
    lossy.reorder = 0.1;
    lossy.duplicate = 0.02;
    PeerLink link(a.assoc.get(), b.assoc.get(), lossy, mtu);
    size_t largest[2] = {0, 0};
    uint64_t packets[2] = {0, 0};
    uint64_t oversized = 0;
    link.tap = [&](int from, ByteSpan packet) {
      ++packets[from];
      largest[from] = std::max(largest[from], packet.size());
      if (packet.size() > mtu) ++oversized;
    };
    ASSERT_TRUE(ConnectBoth(a, b, link));
    // The way back carries many small messages (bundled several per packet,
    // and with the SACKs for the bulk), half of them unordered and sent
    // once, so that loss abandons some and FORWARD-TSN follows.
    Rng sizes(mtu);
    size_t reliable_back = 0;
    for (int i = 0; i < 2000; ++i) {
      SendOptions options;
      if (i % 2 == 1) {
        options.unordered = true;
        options.max_retransmits = 0;
      } else {
        ++reliable_back;
      }
      size_t size = 1 + sizes.UniformInt(0, 299);
      ASSERT_TRUE(
          b.assoc->Send(link.now(), 2, kPpidBinary, Pattern(size, i), options)
              .ok());
    }
    TransferAndVerify(a, b, link, 2 * 1024 * 1024, 10 * 1000, {},
                      TimeDelta::Seconds(600));
    link.RunUntil(
        [&] {
          a.Drain();
          return a.messages.size() >= 2000;
        },
        TimeDelta::Seconds(30));
    EXPECT_GE(a.messages.size(), reliable_back);
    EXPECT_GT(link.stats().dropped, 0u);
    EXPECT_GT(packets[0], 1000u);
    EXPECT_GT(packets[1], 100u);
    EXPECT_EQ(oversized, 0u);
    EXPECT_LE(largest[0], mtu);
    EXPECT_LE(largest[1], mtu);
    // And the limit is used, not undershot: bulk fragments fill the packet
    // up to the chunk padding (chunks are multiples of 4 bytes).
    EXPECT_GT(largest[0] + 4, mtu);
  }
}

TEST(AssociationTest, RefusesAnMtuBelowUsrsctpsMinimum) {
  Config config;
  config.mtu = kMinMtu - 1;
  auto created = Association::Create(config);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(created.status().message(), HasSubstr("mtu 523"));
}

}  // namespace
}  // namespace simrtc::sctp
