// net::PeerConnection / net::DataChannel over real loopback UDP
// (127.0.0.1): non-trickle and trickle negotiation, text and binary
// messages, detached read/write, closing and destroying from callbacks and
// from other threads, buffered-amount-low, runtime shutdown, errors.
// Every wait has a generous timeout; nothing asserts on speed.
#include "net/peer_connection.h"

#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "core/base/absl_compat.h"
#include "gtest/gtest.h"
#include "net/test_util.h"

namespace simrtc::net {
namespace {

using ::simrtc::net::testing::kTimeout;
using ::simrtc::net::testing::LoopbackOptions;
using ::simrtc::net::testing::MakeLoopbackRuntime;
using ::simrtc::net::testing::NegotiateNonTrickle;
using ::simrtc::net::testing::WaitUntil;

constexpr TimeDelta kReadTimeout = TimeDelta::Seconds(20);

std::unique_ptr<PeerConnection> MakePc(Runtime& rt,
                                       peer::Configuration config = {}) {
  auto pc = PeerConnection::Create(rt, std::move(config));
  EXPECT_TRUE(pc.ok()) << pc.status();
  return pc.ok() ? *std::move(pc) : nullptr;
}

std::vector<uint8_t> Bytes(std::initializer_list<uint8_t> b) { return b; }

// Thread-safe record of what a channel's callbacks saw.
struct ChannelLog {
  std::mutex mu;
  std::vector<datachannel::Message> messages;
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};

  void Attach(DataChannel& ch) {
    ch.OnOpen([this] { opened.fetch_add(1); });
    ch.OnClose([this] { closed.fetch_add(1); });
    ch.OnMessage([this](const datachannel::Message& m) {
      std::lock_guard<std::mutex> lock(mu);
      messages.push_back(m);
    });
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return messages.size();
  }
  std::vector<datachannel::Message> copy() {
    std::lock_guard<std::mutex> lock(mu);
    return messages;
  }
};

// The answerer side of most tests: records its incoming channel and echoes
// every message back from inside OnMessage (an API call from a callback).
struct EchoPeer {
  std::mutex mu;
  std::shared_ptr<DataChannel> channel;
  std::atomic<int> echoed{0};

  void Install(PeerConnection& pc) {
    pc.OnDataChannel([this](std::shared_ptr<DataChannel> ch) {
      DataChannel* raw = ch.get();
      ch->OnMessage([this, raw](const datachannel::Message& m) {
        if (raw->Send(m).ok()) echoed.fetch_add(1);
      });
      std::lock_guard<std::mutex> lock(mu);
      channel = std::move(ch);
    });
  }
  std::shared_ptr<DataChannel> get() {
    std::lock_guard<std::mutex> lock(mu);
    return channel;
  }
};

TEST(PeerConnectionTest, NonTrickleAcrossTwoRuntimesCarriesTextAndBinary) {
  std::unique_ptr<Runtime> rta = MakeLoopbackRuntime();
  std::unique_ptr<Runtime> rtb = MakeLoopbackRuntime();
  ASSERT_TRUE(rta && rtb);
  std::unique_ptr<PeerConnection> a = MakePc(*rta);
  std::unique_ptr<PeerConnection> b = MakePc(*rtb);
  ASSERT_TRUE(a && b);
  for (const SocketAddress& addr : a->local_addresses()) {
    EXPECT_EQ(addr.ip(), IpAddress::V4(127, 0, 0, 1));
    EXPECT_NE(addr.port(), 0);
  }
  EchoPeer echo;
  echo.Install(*b);
  std::atomic<bool> a_connected{false};
  a->OnConnectionStateChange([&](peer::PeerConnectionState s) {
    if (s == peer::PeerConnectionState::kConnected) a_connected.store(true);
  });

  auto ch = a->CreateDataChannel("chat");
  ASSERT_TRUE(ch.ok()) << ch.status();
  ChannelLog log;
  log.Attach(**ch);
  EXPECT_EQ((*ch)->label(), "chat");
  EXPECT_EQ((*ch)->ready_state(), datachannel::ChannelState::kConnecting);

  ASSERT_TRUE(NegotiateNonTrickle(*a, *b).ok());
  // The complete offer carried our loopback candidate.
  std::optional<peer::SessionDescription> offer = b->remote_description();
  ASSERT_TRUE(offer.has_value());
  EXPECT_TRUE(absl::StrContains(offer->sdp, "127.0.0.1")) << offer->sdp;
  EXPECT_TRUE(absl::StrContains(offer->sdp, "a=end-of-candidates"))
      << offer->sdp;

  ASSERT_TRUE(WaitUntil([&] { return log.opened.load() == 1; }));
  EXPECT_EQ((*ch)->ready_state(), datachannel::ChannelState::kOpen);
  EXPECT_TRUE(WaitUntil([&] { return a_connected.load(); }));
  EXPECT_EQ(b->connection_state(), peer::PeerConnectionState::kConnected);
  EXPECT_EQ(a->signaling_state(), peer::SignalingState::kStable);

  ASSERT_TRUE((*ch)->SendText("hello").ok());
  const std::vector<uint8_t> bin = Bytes({0, 1, 2, 255});
  ASSERT_TRUE((*ch)->SendBinary(bin).ok());
  ASSERT_TRUE((*ch)->SendText("").ok());
  ASSERT_TRUE(WaitUntil([&] { return log.count() == 3; }));
  std::vector<datachannel::Message> got = log.copy();
  EXPECT_EQ(got[0], datachannel::Message::Text("hello"));
  EXPECT_EQ(got[1], datachannel::Message::Binary(bin));
  EXPECT_EQ(got[2], datachannel::Message::Text(""));
  ASSERT_NE(echo.get(), nullptr);
  EXPECT_EQ(echo.get()->label(), "chat");
  EXPECT_EQ(echo.get()->id(), (*ch)->id());

  absl::StatusOr<peer::StatsReport> stats = a->GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_FALSE(stats->OfType("candidate-pair").empty());

  // Closing the channel reaches both ends.
  ASSERT_TRUE((*ch)->Close().ok());
  EXPECT_TRUE(WaitUntil([&] { return log.closed.load() == 1; }));
  EXPECT_TRUE(WaitUntil([&] {
    return echo.get()->ready_state() == datachannel::ChannelState::kClosed;
  }));
  EXPECT_FALSE((*ch)->SendText("late").ok());
}

// Both PeerConnections on one runtime; candidates trickle through
// OnIceCandidate straight into the other side's AddIceCandidate (API calls
// from a callback on the loop thread), queued until it has the remote
// description.
TEST(PeerConnectionTest, TrickleThroughCallbacks) {
  std::unique_ptr<Runtime> rt = MakeLoopbackRuntime();
  ASSERT_TRUE(rt);
  std::unique_ptr<PeerConnection> a = MakePc(*rt);
  std::unique_ptr<PeerConnection> b = MakePc(*rt);
  ASSERT_TRUE(a && b);

  // Loop thread only (callbacks and RunOnLoop), so no lock.
  struct Trickle {
    PeerConnection* to = nullptr;
    std::deque<peer::IceCandidateInit> held;
    int delivered = 0;
    bool ended = false;
  };
  Trickle to_b, to_a;
  to_b.to = b.get();
  to_a.to = a.get();
  auto forward = [](Trickle& t) {
    return [&t](const std::optional<peer::IceCandidateInit>& c) {
      t.held.push_back(c.value_or(peer::IceCandidateInit{}));
      if (!t.to->remote_description().has_value()) return;
      while (!t.held.empty()) {
        EXPECT_TRUE(t.to->AddIceCandidate(t.held.front()).ok());
        t.ended = t.ended || t.held.front().candidate.empty();
        t.delivered += t.held.front().candidate.empty() ? 0 : 1;
        t.held.pop_front();
      }
    };
  };
  a->OnIceCandidate(forward(to_b));
  b->OnIceCandidate(forward(to_a));
  auto flush = [&](Trickle& t) {
    ASSERT_TRUE(rt->loop()
                    ->RunOnLoop([&] {
                      while (!t.held.empty()) {
                        EXPECT_TRUE(t.to->AddIceCandidate(t.held.front()).ok());
                        t.ended = t.ended || t.held.front().candidate.empty();
                        t.delivered += t.held.front().candidate.empty() ? 0 : 1;
                        t.held.pop_front();
                      }
                    })
                    .ok());
  };

  std::atomic<int> negotiation_needed{0};
  std::mutex states_mu;
  std::vector<peer::SignalingState> a_signaling;
  std::vector<ice::GatheringState> a_gathering;
  a->OnNegotiationNeeded([&] { negotiation_needed.fetch_add(1); });
  a->OnSignalingStateChange([&](peer::SignalingState s) {
    std::lock_guard<std::mutex> lock(states_mu);
    a_signaling.push_back(s);
  });
  a->OnIceGatheringStateChange([&](ice::GatheringState s) {
    std::lock_guard<std::mutex> lock(states_mu);
    a_gathering.push_back(s);
  });
  std::atomic<bool> ice_connected{false};
  b->OnIceConnectionStateChange([&](ice::ConnectionState s) {
    if (s == ice::ConnectionState::kConnected) ice_connected.store(true);
  });
  EchoPeer echo;
  echo.Install(*b);

  auto ch = a->CreateDataChannel("trickled");
  ASSERT_TRUE(ch.ok());
  ChannelLog log;
  log.Attach(**ch);
  EXPECT_TRUE(WaitUntil([&] { return negotiation_needed.load() >= 1; }));

  // Plain offer/answer without waiting for candidates.
  auto offer = a->CreateOffer();
  ASSERT_TRUE(offer.ok()) << offer.status();
  ASSERT_TRUE(a->SetLocalDescription(*offer).ok());
  ASSERT_TRUE(b->SetRemoteDescription(*offer).ok());
  flush(to_b);
  auto answer = b->CreateAnswer();
  ASSERT_TRUE(answer.ok()) << answer.status();
  ASSERT_TRUE(b->SetLocalDescription(*answer).ok());
  ASSERT_TRUE(a->SetRemoteDescription(*answer).ok());
  flush(to_a);

  ASSERT_TRUE(WaitUntil([&] { return log.opened.load() == 1; }));
  EXPECT_TRUE(WaitUntil([&] { return ice_connected.load(); }));
  ASSERT_TRUE((*ch)->SendText("ping").ok());
  ASSERT_TRUE(WaitUntil([&] { return log.count() == 1; }));
  EXPECT_EQ(log.copy()[0].text(), "ping");

  // Every candidate went through the callbacks, end-of-candidates too.
  bool ended = false;
  int delivered = 0;
  ASSERT_TRUE(WaitUntil([&] {
    EXPECT_TRUE(rt->loop()
                    ->RunOnLoop([&] {
                      ended = to_b.ended && to_a.ended;
                      delivered = to_b.delivered + to_a.delivered;
                    })
                    .ok());
    return ended;
  }));
  EXPECT_GE(delivered, 2);
  std::lock_guard<std::mutex> lock(states_mu);
  EXPECT_EQ(a_signaling, (std::vector<peer::SignalingState>{
                             peer::SignalingState::kHaveLocalOffer,
                             peer::SignalingState::kStable}));
  ASSERT_FALSE(a_gathering.empty());
  EXPECT_EQ(a_gathering.back(), ice::GatheringState::kComplete);
}

TEST(PeerConnectionTest, IceRestartRenegotiatesAndKeepsTheChannel) {
  std::unique_ptr<Runtime> rt = MakeLoopbackRuntime();
  std::unique_ptr<PeerConnection> a = MakePc(*rt);
  std::unique_ptr<PeerConnection> b = MakePc(*rt);
  ASSERT_TRUE(rt && a && b);
  EchoPeer echo;
  echo.Install(*b);
  auto ch = a->CreateDataChannel("restart");
  ASSERT_TRUE(ch.ok());
  ChannelLog log;
  log.Attach(**ch);
  ASSERT_TRUE(NegotiateNonTrickle(*a, *b).ok());
  ASSERT_TRUE(WaitUntil([&] { return log.opened.load() == 1; }));
  auto ufrag = [](const std::optional<peer::SessionDescription>& d) {
    if (!d.has_value()) return std::string();
    const size_t at = d->sdp.find("a=ice-ufrag:");
    if (at == std::string::npos) return std::string();
    const size_t begin = at + std::string_view("a=ice-ufrag:").size();
    return d->sdp.substr(begin, d->sdp.find("\r\n", begin) - begin);
  };
  const std::string ufrag_before = ufrag(a->local_description());
  ASSERT_FALSE(ufrag_before.empty());

  std::atomic<int> negotiation_needed{0};
  a->OnNegotiationNeeded([&] { negotiation_needed.fetch_add(1); });
  ASSERT_TRUE(a->RestartIce().ok());
  EXPECT_TRUE(WaitUntil([&] { return negotiation_needed.load() == 1; }));
  ASSERT_TRUE(NegotiateNonTrickle(*a, *b).ok());
  EXPECT_NE(ufrag(a->local_description()), ufrag_before);
  EXPECT_TRUE(WaitUntil([&] {
    return a->ice_connection_state() == ice::ConnectionState::kConnected ||
           a->ice_connection_state() == ice::ConnectionState::kCompleted;
  }));
  ASSERT_TRUE((*ch)->SendText("after restart").ok());
  ASSERT_TRUE(WaitUntil([&] { return log.count() == 1; }));
  EXPECT_EQ(log.copy()[0].text(), "after restart");
  EXPECT_EQ(a->connection_state(), peer::PeerConnectionState::kConnected);
}

TEST(PeerConnectionTest, DetachedReadAndWrite) {
  std::unique_ptr<Runtime> rt = MakeLoopbackRuntime();
  ASSERT_TRUE(rt);
  std::unique_ptr<PeerConnection> a = MakePc(*rt);
  peer::Configuration detached;
  detached.detach_data_channels = true;  // every channel of b
  std::unique_ptr<PeerConnection> b = MakePc(*rt, detached);
  ASSERT_TRUE(a && b);

  std::mutex mu;
  std::shared_ptr<DataChannel> remote;
  b->OnDataChannel([&](std::shared_ptr<DataChannel> ch) {
    EXPECT_TRUE(ch->detached());
    std::lock_guard<std::mutex> lock(mu);
    remote = std::move(ch);
  });
  auto ch = a->CreateDataChannel("raw");
  ASSERT_TRUE(ch.ok());
  (*ch)->Detach();
  EXPECT_TRUE((*ch)->detached());
  std::atomic<bool> open{false};
  (*ch)->OnOpen([&] { open.store(true); });
  ASSERT_TRUE(NegotiateNonTrickle(*a, *b).ok());
  ASSERT_TRUE(WaitUntil([&] { return open.load(); }));
  std::shared_ptr<DataChannel> r;
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard<std::mutex> lock(mu);
    r = remote;
    return r != nullptr;
  }));

  // b echoes on its own thread with blocking Read/Write until closed.
  std::atomic<int> echoed{0};
  absl::Status echo_end;
  std::thread echo_thread([&] {
    for (;;) {
      absl::StatusOr<datachannel::Message> m = r->Read(kReadTimeout);
      if (!m.ok()) {
        echo_end = m.status();
        return;
      }
      EXPECT_TRUE(r->Write(ByteSpan(m->data), m->is_string).ok());
      echoed.fetch_add(1);
    }
  });

  constexpr int kMessages = 50;
  for (int i = 0; i < kMessages; ++i) {
    std::string text = "message " + std::to_string(i);
    if (i % 2 == 0) {
      ASSERT_TRUE((*ch)->Write(AsBytes(text), /*is_string=*/true).ok());
    } else {
      ASSERT_TRUE((*ch)->Write(AsBytes(text)).ok());
    }
    absl::StatusOr<datachannel::Message> back = (*ch)->Read(kReadTimeout);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->text(), text);
    EXPECT_EQ(back->is_string, i % 2 == 0);
  }
  // (The counter moves just after the echo is written.)
  EXPECT_TRUE(WaitUntil([&] { return echoed.load() == kMessages; }));
  // Nothing more is coming: a short read times out.
  absl::StatusOr<datachannel::Message> none =
      (*ch)->Read(TimeDelta::Millis(20));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kDeadlineExceeded);

  // Closing wakes the blocked reader on the other side with OutOfRange.
  ASSERT_TRUE((*ch)->Close().ok());
  echo_thread.join();
  EXPECT_EQ(echo_end.code(), absl::StatusCode::kOutOfRange) << echo_end;
  EXPECT_TRUE(WaitUntil([&] {
    return (*ch)->Read(TimeDelta::Millis(1)).status().code() ==
           absl::StatusCode::kOutOfRange;
  }));
  // Read needs a detached channel.
  std::shared_ptr<DataChannel> plain = a->CreateDataChannel("plain").value();
  EXPECT_EQ(plain->Read(TimeDelta::Millis(1)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(PeerConnectionTest, CloseFromInsideACallback) {
  std::unique_ptr<Runtime> rta = MakeLoopbackRuntime();
  std::unique_ptr<Runtime> rtb = MakeLoopbackRuntime();
  std::unique_ptr<PeerConnection> a = MakePc(*rta);
  std::unique_ptr<PeerConnection> b = MakePc(*rtb);
  ASSERT_TRUE(a && b);
  std::atomic<bool> b_closed_state{false};
  PeerConnection* bp = b.get();
  b->OnDataChannel([bp](std::shared_ptr<DataChannel> ch) {
    ch->OnMessage([bp](const datachannel::Message& m) {
      // Closing its own PeerConnection from its callback.
      if (m.text() == "close") {
        EXPECT_TRUE(bp->Close().ok());
      }
    });
  });
  b->OnSignalingStateChange([&](peer::SignalingState s) {
    if (s == peer::SignalingState::kClosed) b_closed_state.store(true);
  });
  auto ch = a->CreateDataChannel("c");
  ASSERT_TRUE(ch.ok());
  ChannelLog log;
  log.Attach(**ch);
  ASSERT_TRUE(NegotiateNonTrickle(*a, *b).ok());
  ASSERT_TRUE(WaitUntil([&] { return log.opened.load() == 1; }));
  ASSERT_TRUE((*ch)->SendText("close").ok());
  EXPECT_TRUE(WaitUntil([&] { return b_closed_state.load(); }));
  EXPECT_EQ(b->connection_state(), peer::PeerConnectionState::kClosed);
  EXPECT_TRUE(b->Close().ok());  // idempotent
  // The peer notices (DTLS close_notify / SCTP ABORT): its channel closes.
  EXPECT_TRUE(WaitUntil([&] { return log.closed.load() == 1; }));
  EXPECT_EQ(b->CreateOffer().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(PeerConnectionTest, DestroyFromInsideItsOwnCallback) {
  std::unique_ptr<Runtime> rt = MakeLoopbackRuntime();
  std::unique_ptr<PeerConnection> a = MakePc(*rt);
  ASSERT_TRUE(rt && a);
  std::mutex mu;
  std::unique_ptr<PeerConnection> b = MakePc(*rt);
  ASSERT_TRUE(b);
  PeerConnection* raw_b = b.get();
  std::atomic<bool> destroyed{false};
  raw_b->OnDataChannel([&](std::shared_ptr<DataChannel> ch) {
    ch->OnMessage([&](const datachannel::Message&) {
      std::unique_ptr<PeerConnection> doomed;
      {
        std::lock_guard<std::mutex> lock(mu);
        doomed = std::move(b);
      }
      doomed.reset();  // destroys the facade on the loop thread
      destroyed.store(true);
    });
  });
  auto ch = a->CreateDataChannel("d");
  ASSERT_TRUE(ch.ok());
  ChannelLog log;
  log.Attach(**ch);
  ASSERT_TRUE(NegotiateNonTrickle(*a, *raw_b).ok());
  ASSERT_TRUE(WaitUntil([&] { return log.opened.load() == 1; }));
  ASSERT_TRUE((*ch)->SendText("bye").ok());
  ASSERT_TRUE(WaitUntil([&] { return destroyed.load(); }));
  EXPECT_TRUE(WaitUntil([&] { return log.closed.load() == 1; }));
  // The runtime goes on serving a.
  EXPECT_EQ(a->signaling_state(), peer::SignalingState::kStable);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(b, nullptr);
}

TEST(PeerConnectionTest, CloseFromAnotherThreadWhileSending) {
  std::unique_ptr<Runtime> rta = MakeLoopbackRuntime();
  std::unique_ptr<Runtime> rtb = MakeLoopbackRuntime();
  std::unique_ptr<PeerConnection> a = MakePc(*rta);
  std::unique_ptr<PeerConnection> b = MakePc(*rtb);
  ASSERT_TRUE(a && b);
  std::atomic<int> received{0};
  b->OnDataChannel([&](std::shared_ptr<DataChannel> ch) {
    ch->OnMessage([&](const datachannel::Message&) { received.fetch_add(1); });
  });
  auto ch = a->CreateDataChannel("busy");
  ASSERT_TRUE(ch.ok());
  ChannelLog log;
  log.Attach(**ch);
  ASSERT_TRUE(NegotiateNonTrickle(*a, *b).ok());
  ASSERT_TRUE(WaitUntil([&] { return log.opened.load() == 1; }));

  std::atomic<bool> stop{false};
  std::vector<absl::Status> last(3);
  std::vector<std::thread> senders;
  const std::string payload(1000, 'x');
  for (int i = 0; i < 3; ++i) {
    senders.emplace_back([&, i] {
      while (!stop.load()) {
        absl::Status s = (*ch)->SendText(payload);
        if (absl::IsResourceExhausted(s)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          continue;
        }
        if (!s.ok()) {
          last[i] = s;
          return;
        }
      }
    });
  }
  ASSERT_TRUE(WaitUntil([&] { return received.load() >= 100; }));
  ASSERT_TRUE(a->Close().ok());
  for (std::thread& t : senders) t.join();
  for (const absl::Status& s : last) {
    EXPECT_FALSE(s.ok());  // each sender saw the close
  }
  EXPECT_EQ(a->connection_state(), peer::PeerConnectionState::kClosed);
  EXPECT_TRUE(WaitUntil([&] { return log.closed.load() == 1; }));
  stop.store(true);
}

TEST(PeerConnectionTest, BufferedAmountLowFires) {
  std::unique_ptr<Runtime> rt = MakeLoopbackRuntime();
  std::unique_ptr<PeerConnection> a = MakePc(*rt);
  std::unique_ptr<PeerConnection> b = MakePc(*rt);
  ASSERT_TRUE(rt && a && b);
  std::atomic<size_t> received_bytes{0};
  b->OnDataChannel([&](std::shared_ptr<DataChannel> ch) {
    ch->OnMessage([&](const datachannel::Message& m) {
      received_bytes.fetch_add(m.data.size());
    });
  });
  auto ch = a->CreateDataChannel("flow");
  ASSERT_TRUE(ch.ok());
  ChannelLog log;
  log.Attach(**ch);
  constexpr size_t kThreshold = 64 * 1024;
  ASSERT_TRUE((*ch)->SetBufferedAmountLowThreshold(kThreshold).ok());
  EXPECT_EQ((*ch)->buffered_amount_low_threshold(), kThreshold);
  std::atomic<int> low{0};
  (*ch)->OnBufferedAmountLow([&] { low.fetch_add(1); });
  ASSERT_TRUE(NegotiateNonTrickle(*a, *b).ok());
  ASSERT_TRUE(WaitUntil([&] { return log.opened.load() == 1; }));

  // The whole burst is queued in one loop turn (calls from the loop thread
  // run at once and no acknowledgement can be read in between), so the
  // buffered amount certainly rises above the threshold, then drains.
  constexpr size_t kChunk = 16 * 1024;
  constexpr int kChunks = 32;
  const std::vector<uint8_t> chunk(kChunk, 0xab);
  size_t peak = 0;
  ASSERT_TRUE(rt->loop()
                  ->RunOnLoop([&] {
                    for (int i = 0; i < kChunks; ++i) {
                      EXPECT_TRUE((*ch)->SendBinary(chunk).ok());
                    }
                    peak = (*ch)->BufferedAmount();
                  })
                  .ok());
  EXPECT_GT(peak, kThreshold);
  EXPECT_TRUE(WaitUntil([&] { return low.load() >= 1; }));
  EXPECT_TRUE(
      WaitUntil([&] { return received_bytes.load() == kChunk * kChunks; }));
  EXPECT_LE((*ch)->BufferedAmount(), kThreshold);
}

TEST(PeerConnectionTest, StopWakesReadersAndRefusesCalls) {
  std::unique_ptr<Runtime> rt = MakeLoopbackRuntime();
  std::unique_ptr<PeerConnection> a = MakePc(*rt);
  std::unique_ptr<PeerConnection> b = MakePc(*rt);
  ASSERT_TRUE(rt && a && b);
  auto ch = a->CreateDataChannel("r");
  ASSERT_TRUE(ch.ok());
  (*ch)->Detach();
  std::atomic<int> closed{0};
  (*ch)->OnClose([&] { closed.fetch_add(1); });
  ASSERT_TRUE(NegotiateNonTrickle(*a, *b).ok());
  ASSERT_TRUE(WaitUntil([&] {
    return (*ch)->ready_state() == datachannel::ChannelState::kOpen;
  }));
  absl::Status read_end;
  std::thread reader(
      [&] { read_end = (*ch)->Read(TimeDelta::Infinite()).status(); });
  rt->Stop();
  reader.join();
  EXPECT_EQ(read_end.code(), absl::StatusCode::kOutOfRange) << read_end;
  EXPECT_EQ(closed.load(), 1);
  EXPECT_EQ(a->CreateOffer().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*ch)->SendText("x").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*ch)->ready_state(), datachannel::ChannelState::kClosed);
  EXPECT_TRUE(a->Close().ok());
  // Facades outlive the runtime and may be destroyed afterwards.
  rt.reset();
  a.reset();
  b.reset();
  EXPECT_EQ((*ch)->SendText("x").code(), absl::StatusCode::kUnavailable);
}

TEST(PeerConnectionTest, ErrorsAreStatusValues) {
  std::unique_ptr<Runtime> rt = MakeLoopbackRuntime();
  std::unique_ptr<PeerConnection> a = MakePc(*rt);
  ASSERT_TRUE(rt && a);
  absl::Status s = a->SetRemoteDescription({peer::SdpType::kOffer, "v=0\r\n"});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(a->CreateAnswer().status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(a->signaling_state(), peer::SignalingState::kStable);
  // No local description: gathering never starts.
  EXPECT_EQ(a->WaitForGatheringComplete(TimeDelta::Millis(20)).code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(
      a->LocalDescriptionAfterGathering(TimeDelta::Millis(20)).status().code(),
      absl::StatusCode::kDeadlineExceeded);
  // On the loop thread it refuses to block.
  absl::Status on_loop;
  ASSERT_TRUE(rt->loop()
                  ->RunOnLoop([&] {
                    on_loop = a->WaitForGatheringComplete(kReadTimeout);
                  })
                  .ok());
  EXPECT_EQ(on_loop.code(), absl::StatusCode::kFailedPrecondition) << on_loop;
  datachannel::ChannelInit bad;
  bad.max_retransmits = 1;
  bad.max_packet_life_time_ms = 1;
  EXPECT_EQ(a->CreateDataChannel("bad", bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(a->Close().ok());
  EXPECT_EQ(a->WaitForGatheringComplete(kReadTimeout).code(),
            absl::StatusCode::kFailedPrecondition);
  (void)kTimeout;
}

// mDNS on real sockets: the offerer publishes its host candidate as a
// "<uuid>.local" name (kQueryAndGather) over the runtime's multicast
// socket on lo; the answerer (query-only, the default) resolves it and
// connects through that host candidate, not a peer-reflexive one learned
// from the offerer's checks.
TEST(PeerConnectionTest, MdnsHostCandidatesAreResolvedOverMulticast) {
  RuntimeOptions hiding = LoopbackOptions();
  hiding.mdns_mode = ice::MdnsMode::kQueryAndGather;
  absl::StatusOr<std::unique_ptr<Runtime>> rta = Runtime::Create(hiding);
  ASSERT_TRUE(rta.ok()) << rta.status();
  std::unique_ptr<Runtime> rtb = MakeLoopbackRuntime();
  ASSERT_TRUE(rtb);
  std::unique_ptr<PeerConnection> a = MakePc(**rta);
  std::unique_ptr<PeerConnection> b = MakePc(*rtb);
  ASSERT_TRUE(a && b);
  auto ch = a->CreateDataChannel("mdns");
  ASSERT_TRUE(ch.ok()) << ch.status();
  ChannelLog log;
  log.Attach(**ch);

  ASSERT_TRUE(NegotiateNonTrickle(*a, *b).ok());
  std::optional<peer::SessionDescription> offer = b->remote_description();
  ASSERT_TRUE(offer.has_value());
  EXPECT_TRUE(absl::StrContains(offer->sdp, ".local")) << offer->sdp;
  for (absl::string_view line : absl::StrSplit(ToAbsl(offer->sdp), "\r\n")) {
    if (absl::StartsWith(line, "a=candidate:")) {
      EXPECT_FALSE(absl::StrContains(line, "127.0.0.1")) << line;
    }
  }
  ASSERT_TRUE(WaitUntil([&] { return log.opened.load() == 1; }));

  absl::StatusOr<peer::StatsReport> stats = b->GetStats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  bool selected_host = false;
  for (const peer::StatsEntry* pair : stats->OfType("candidate-pair")) {
    if (pair->Get<bool>("nominated") != true) continue;
    const peer::StatsEntry* remote =
        stats->Find(pair->Get<std::string>("remoteCandidateId").value_or(""));
    ASSERT_NE(remote, nullptr);
    selected_host =
        selected_host || remote->Get<std::string>("candidateType") == "host";
  }
  EXPECT_TRUE(selected_host) << stats->ToJson();
}

}  // namespace
}  // namespace simrtc::net
