// Runtime stress, meant to run under ThreadSanitizer as well
// (bazel test --config=tsan //net:runtime_stress_test): many data channels
// with senders on several threads at once, echoes sent from callbacks,
// concurrent readers of state and stats, concurrent closes; and many
// PeerConnections created, connected and destroyed from several threads.
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "net/peer_connection.h"
#include "net/runtime.h"
#include "net/test_util.h"

namespace simrtc::net {
namespace {

using ::simrtc::net::testing::MakeLoopbackRuntime;
using ::simrtc::net::testing::NegotiateNonTrickle;
using ::simrtc::net::testing::WaitUntil;

constexpr std::chrono::seconds kStressTimeout{120};

// "<channel>:<seq>:" then filler up to a size that varies per message.
std::string MakeMessage(int channel, int seq) {
  std::string m = absl::StrCat(channel, ":", seq, ":");
  const size_t size = 16 + static_cast<size_t>((seq * 7919 + channel) % 3000);
  m.resize(std::max(size, m.size()), static_cast<char>('a' + seq % 26));
  return m;
}

// Checks that messages of each channel arrive complete and in order.
class OrderChecker {
 public:
  void Check(const datachannel::Message& m) {
    std::vector<std::string> parts =
        absl::StrSplit(absl::string_view(m.text().data(), m.text().size()),
                       absl::MaxSplits(':', 2));
    int channel = -1, seq = -1;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &channel) ||
        !absl::SimpleAtoi(parts[1], &seq)) {
      errors_.fetch_add(1);
      return;
    }
    const bool intact = std::string(m.text()) == MakeMessage(channel, seq);
    std::lock_guard<std::mutex> lock(mu_);
    int& next = next_[channel];
    if (!intact || seq != next) {
      errors_.fetch_add(1);
    }
    next = seq + 1;
    total_.fetch_add(1);
  }
  int total() const { return total_.load(); }
  int errors() const { return errors_.load(); }

 private:
  std::mutex mu_;
  std::map<int, int> next_;
  std::atomic<int> total_{0};
  std::atomic<int> errors_{0};
};

TEST(RuntimeStressTest, ManyChannelsConcurrentSendersAcrossTwoRuntimes) {
  constexpr int kChannels = 16;
  constexpr int kThreads = 4;
  constexpr int kPerChannel = 120;

  std::unique_ptr<Runtime> rta = MakeLoopbackRuntime();
  std::unique_ptr<Runtime> rtb = MakeLoopbackRuntime();
  ASSERT_TRUE(rta && rtb);
  auto a = PeerConnection::Create(*rta);
  auto b = PeerConnection::Create(*rtb);
  ASSERT_TRUE(a.ok() && b.ok());

  // b checks order and echoes everything back from its callback.
  OrderChecker at_b;
  std::atomic<int> echo_failures{0};
  std::mutex remote_mu;
  std::vector<std::shared_ptr<DataChannel>> remote;
  (*b)->OnDataChannel([&](std::shared_ptr<DataChannel> ch) {
    DataChannel* raw = ch.get();
    ch->OnMessage([&, raw](const datachannel::Message& m) {
      at_b.Check(m);
      if (!raw->Send(m).ok()) echo_failures.fetch_add(1);
    });
    std::lock_guard<std::mutex> lock(remote_mu);
    remote.push_back(std::move(ch));
  });

  OrderChecker at_a;
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
  std::vector<std::shared_ptr<DataChannel>> channels;
  for (int i = 0; i < kChannels; ++i) {
    auto ch = (*a)->CreateDataChannel(absl::StrCat("stress-", i));
    ASSERT_TRUE(ch.ok()) << ch.status();
    (*ch)->OnOpen([&] { opened.fetch_add(1); });
    (*ch)->OnClose([&] { closed.fetch_add(1); });
    (*ch)->OnMessage([&](const datachannel::Message& m) { at_a.Check(m); });
    channels.push_back(*std::move(ch));
  }
  ASSERT_TRUE(NegotiateNonTrickle(**a, **b).ok());
  ASSERT_TRUE(
      WaitUntil([&] { return opened.load() == kChannels; }, kStressTimeout));

  std::atomic<bool> sending{true};
  std::atomic<int> send_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int seq = 0; seq < kPerChannel; ++seq) {
        for (int c = t; c < kChannels; c += kThreads) {
          const std::string m = MakeMessage(c, seq);
          for (;;) {
            absl::Status s = channels[c]->SendText(m);
            if (s.ok()) break;
            if (!absl::IsResourceExhausted(s)) {
              send_errors.fetch_add(1);
              return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
          }
        }
      }
    });
  }
  // Meanwhile: state, buffered amount and stats read from another thread.
  std::thread observer([&] {
    int i = 0;
    while (sending.load()) {
      DataChannel& ch = *channels[i++ % kChannels];
      (void)ch.BufferedAmount();
      (void)ch.ready_state();
      (void)ch.id();
      if (i % 16 == 0) {
        EXPECT_TRUE((*a)->GetStats().ok());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(send_errors.load(), 0);

  const int total = kChannels * kPerChannel;
  EXPECT_TRUE(WaitUntil([&] { return at_a.total() == total; }, kStressTimeout))
      << at_b.total() << " reached b, " << at_a.total() << " echoes";
  sending.store(false);
  observer.join();
  EXPECT_EQ(at_b.total(), total);
  EXPECT_EQ(at_b.errors(), 0);
  EXPECT_EQ(at_a.errors(), 0);
  EXPECT_EQ(echo_failures.load(), 0);

  // Concurrent closes: half the channels from two threads, then the whole
  // connection from a third while they run.
  std::thread close1([&] {
    for (int c = 0; c < kChannels / 2; c += 2) {
      EXPECT_TRUE(channels[c]->Close().ok());
    }
  });
  std::thread close2([&] {
    for (int c = 1; c < kChannels / 2; c += 2) {
      EXPECT_TRUE(channels[c]->Close().ok());
    }
  });
  std::thread close_pc([&] { EXPECT_TRUE((*a)->Close().ok()); });
  close1.join();
  close2.join();
  close_pc.join();
  EXPECT_TRUE(
      WaitUntil([&] { return closed.load() == kChannels; }, kStressTimeout));
  for (const auto& ch : channels) {
    EXPECT_EQ(ch->ready_state(), datachannel::ChannelState::kClosed);
  }
  // Destroy b's facade on this thread while its runtime keeps going.
  b->reset();
  std::lock_guard<std::mutex> lock(remote_mu);
  for (const auto& ch : remote) {
    EXPECT_EQ(ch->ready_state(), datachannel::ChannelState::kClosed);
  }
}

TEST(RuntimeStressTest, PeerConnectionsComeAndGoFromSeveralThreads) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 3;
  std::unique_ptr<Runtime> rta = MakeLoopbackRuntime();
  std::unique_ptr<Runtime> rtb = MakeLoopbackRuntime();
  ASSERT_TRUE(rta && rtb);
  std::atomic<int> exchanged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < kRounds; ++round) {
        auto a = PeerConnection::Create(*rta);
        auto b = PeerConnection::Create(*rtb);
        ASSERT_TRUE(a.ok() && b.ok());
        std::atomic<bool> got{false};
        (*b)->OnDataChannel([&](std::shared_ptr<DataChannel> ch) {
          DataChannel* raw = ch.get();
          ch->OnMessage([raw](const datachannel::Message& m) {
            EXPECT_TRUE(raw->Send(m).ok());
          });
        });
        auto ch = (*a)->CreateDataChannel("churn");
        ASSERT_TRUE(ch.ok());
        (*ch)->OnMessage([&](const datachannel::Message& m) {
          if (m.text() == "ping") got.store(true);
        });
        std::atomic<bool> open{false};
        (*ch)->OnOpen([&] { open.store(true); });
        ASSERT_TRUE(NegotiateNonTrickle(**a, **b).ok());
        ASSERT_TRUE(WaitUntil([&] { return open.load(); }, kStressTimeout));
        ASSERT_TRUE((*ch)->SendText("ping").ok());
        ASSERT_TRUE(WaitUntil([&] { return got.load(); }, kStressTimeout));
        exchanged.fetch_add(1);
        // Destroyed without Close(), b first, while a is still connected.
        b->reset();
        a->reset();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(exchanged.load(), kThreads * kRounds);
}

}  // namespace
}  // namespace simrtc::net
