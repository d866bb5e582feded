// hub::Hub over real loopback PeerConnections: three client peers (on one
// Runtime) connect to a hub peer (on another Runtime, so forwarding crosses
// runtimes); the hub side registers each incoming channel. Checks
// forwarding to the others and not the sender, binary messages, close ->
// unregister, Broadcast, Chat with "exit" and end of input, Unregister,
// key rules, and the same with detached (Read-based) channels. Every wait
// has a generous timeout; nothing asserts on speed.
#include "net/hub/hub.h"

#include <atomic>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "net/peer_connection.h"
#include "net/runtime.h"
#include "net/test_util.h"

namespace simrtc::hub {
namespace {

using ::simrtc::net::testing::MakeLoopbackRuntime;
using ::simrtc::net::testing::NegotiateNonTrickle;
using ::simrtc::net::testing::WaitUntil;

// What one client's channel received.
struct Inbox {
  std::mutex mu;
  std::vector<datachannel::Message> messages;
  std::atomic<bool> open{false};
  std::atomic<bool> closed{false};

  std::vector<std::string> texts() {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<std::string> out;
    for (const auto& m : messages) out.emplace_back(m.text());
    return out;
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return messages.size();
  }
  datachannel::Message at(size_t i) {
    std::lock_guard<std::mutex> lock(mu);
    return messages.at(i);
  }
};

// What the hub's observer saw.
struct Seen {
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> messages;
  std::vector<std::string> registered;
  std::vector<std::string> unregistered;
  // Also called for every message, with no lock held.
  std::function<void(const std::string&, const datachannel::Message&)> hook;

  void SetHook(
      std::function<void(const std::string&, const datachannel::Message&)> h) {
    std::lock_guard<std::mutex> lock(mu);
    hook = std::move(h);
  }

  HubObserver Observer() {
    HubObserver o;
    o.on_message = [this](const std::string& key,
                          const datachannel::Message& m) {
      std::function<void(const std::string&, const datachannel::Message&)> h;
      {
        std::lock_guard<std::mutex> lock(mu);
        messages.emplace_back(key, std::string(m.text()));
        h = hook;
      }
      if (h) h(key, m);
    };
    o.on_register = [this](const std::string& key) {
      std::lock_guard<std::mutex> lock(mu);
      registered.push_back(key);
    };
    o.on_unregister = [this](const std::string& key) {
      std::lock_guard<std::mutex> lock(mu);
      unregistered.push_back(key);
    };
    return o;
  }
  size_t message_count() {
    std::lock_guard<std::mutex> lock(mu);
    return messages.size();
  }
  std::vector<std::string> left() {
    std::lock_guard<std::mutex> lock(mu);
    return unregistered;
  }
};

class HubTest : public ::testing::TestWithParam<bool> {
 protected:
  static constexpr int kClients = 3;

  void SetUp() override {
    hub_rt_ = MakeLoopbackRuntime();
    client_rt_ = MakeLoopbackRuntime();
    ASSERT_NE(hub_rt_, nullptr);
    ASSERT_NE(client_rt_, nullptr);
    hub_ = std::make_unique<Hub>(seen_.Observer());
    for (int i = 0; i < kClients; ++i) Connect(i);
    ASSERT_TRUE(WaitUntil([&] {
      if (hub_->size() != kClients) return false;
      for (auto& in : inboxes_) {
        if (!in->open) return false;
      }
      return true;
    })) << "hub has "
        << hub_->size() << " of " << kClients << " channels";
  }

  void TearDown() override {
    hub_.reset();
    clients_.clear();
    hub_pcs_.clear();
    // Joins the loop threads: no callback runs into the inboxes or
    // seen_ any more.
    client_rt_->Stop();
    hub_rt_->Stop();
  }

  // Client i opens channel "chat" to a new hub-side PeerConnection, which
  // registers it as "peer<i>".
  void Connect(int i) {
    peer::Configuration hub_config;
    hub_config.detach_data_channels = GetParam();
    auto hub_pc = net::PeerConnection::Create(*hub_rt_, hub_config);
    ASSERT_TRUE(hub_pc.ok()) << hub_pc.status();
    auto client = net::PeerConnection::Create(*client_rt_);
    ASSERT_TRUE(client.ok()) << client.status();
    const std::string key = "peer" + std::to_string(i);
    (*hub_pc)->OnDataChannel([this, key](std::shared_ptr<net::DataChannel> ch) {
      absl::StatusOr<std::string> k = hub_->Register(std::move(ch), key);
      EXPECT_TRUE(k.ok()) << k.status();
    });
    auto ch = (*client)->CreateDataChannel("chat");
    ASSERT_TRUE(ch.ok()) << ch.status();
    auto inbox = std::make_unique<Inbox>();
    Inbox* in = inbox.get();
    (*ch)->OnOpen([in] { in->open = true; });
    (*ch)->OnClose([in] { in->closed = true; });
    (*ch)->OnMessage([in](const datachannel::Message& m) {
      std::lock_guard<std::mutex> lock(in->mu);
      in->messages.push_back(m);
    });
    ASSERT_TRUE(NegotiateNonTrickle(**client, **hub_pc).ok());
    channels_.push_back(*ch);
    inboxes_.push_back(std::move(inbox));
    clients_.push_back(*std::move(client));
    hub_pcs_.push_back(*std::move(hub_pc));
  }

  std::unique_ptr<net::Runtime> hub_rt_;
  std::unique_ptr<net::Runtime> client_rt_;
  Seen seen_;
  std::unique_ptr<Hub> hub_;
  std::vector<std::unique_ptr<net::PeerConnection>> hub_pcs_;
  std::vector<std::unique_ptr<net::PeerConnection>> clients_;
  std::vector<std::shared_ptr<net::DataChannel>> channels_;
  std::vector<std::unique_ptr<Inbox>> inboxes_;
};

TEST_P(HubTest, RegistersEveryChannelUnderItsKey) {
  EXPECT_EQ(hub_->keys(),
            (std::vector<std::string>{"peer0", "peer1", "peer2"}));
  EXPECT_TRUE(hub_->contains("peer1"));
  EXPECT_FALSE(hub_->contains("peer3"));
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard<std::mutex> lock(seen_.mu);
    return seen_.registered.size() == kClients;
  }));
}

TEST_P(HubTest, MessageReachesTheOthersAndNotTheSender) {
  ASSERT_TRUE(channels_[0]->SendText("hello from 0").ok());
  ASSERT_TRUE(WaitUntil(
      [&] { return inboxes_[1]->count() == 1 && inboxes_[2]->count() == 1; }));
  EXPECT_EQ(inboxes_[1]->texts(), std::vector<std::string>{"hello from 0"});
  EXPECT_EQ(inboxes_[2]->texts(), std::vector<std::string>{"hello from 0"});

  // The hub handles messages one at a time in arrival order and the
  // channels are ordered: had "hello from 0" gone back to peer0, it would
  // arrive there before this reply.
  ASSERT_TRUE(channels_[1]->SendText("reply from 1").ok());
  ASSERT_TRUE(WaitUntil([&] { return inboxes_[0]->count() >= 1; }));
  ASSERT_TRUE(WaitUntil([&] { return inboxes_[2]->count() == 2; }));
  EXPECT_EQ(inboxes_[0]->texts(), std::vector<std::string>{"reply from 1"});
  EXPECT_EQ(inboxes_[2]->texts(),
            (std::vector<std::string>{"hello from 0", "reply from 1"}));
  EXPECT_EQ(inboxes_[1]->texts(), std::vector<std::string>{"hello from 0"});

  ASSERT_TRUE(WaitUntil([&] { return seen_.message_count() == 2; }));
  {
    std::lock_guard<std::mutex> lock(seen_.mu);
    EXPECT_EQ(seen_.messages[0],
              (std::pair<std::string, std::string>{"peer0", "hello from 0"}));
    EXPECT_EQ(seen_.messages[1],
              (std::pair<std::string, std::string>{"peer1", "reply from 1"}));
  }
  const HubStats stats = hub_->stats();
  EXPECT_EQ(stats.messages_received, 2u);
  EXPECT_EQ(stats.messages_forwarded, 4u);
  EXPECT_EQ(stats.send_failures, 0u);
}

TEST_P(HubTest, BinaryMessagesKeepTheirType) {
  const std::vector<uint8_t> bytes = {0, 1, 2, 250, 255};
  ASSERT_TRUE(channels_[2]->SendBinary(ByteSpan(bytes)).ok());
  ASSERT_TRUE(WaitUntil(
      [&] { return inboxes_[0]->count() == 1 && inboxes_[1]->count() == 1; }));
  for (int i : {0, 1}) {
    const datachannel::Message m = inboxes_[i]->at(0);
    EXPECT_FALSE(m.is_string);
    EXPECT_EQ(m.data, bytes);
  }
}

TEST_P(HubTest, ClosingAChannelUnregistersItAndBroadcastReachesTheRest) {
  ASSERT_TRUE(channels_[2]->Close().ok());
  ASSERT_TRUE(WaitUntil([&] { return !hub_->contains("peer2"); }));
  EXPECT_EQ(hub_->keys(), (std::vector<std::string>{"peer0", "peer1"}));
  ASSERT_TRUE(WaitUntil([&] { return seen_.left().size() == 1; }));
  EXPECT_EQ(seen_.left(), std::vector<std::string>{"peer2"});

  EXPECT_EQ(hub_->Broadcast("to everyone"), 2u);
  ASSERT_TRUE(WaitUntil(
      [&] { return inboxes_[0]->count() == 1 && inboxes_[1]->count() == 1; }));
  EXPECT_EQ(inboxes_[0]->texts(), std::vector<std::string>{"to everyone"});
  EXPECT_EQ(inboxes_[1]->texts(), std::vector<std::string>{"to everyone"});
  EXPECT_EQ(inboxes_[2]->count(), 0u);

  // A message from a remaining peer now reaches only the other one.
  ASSERT_TRUE(channels_[0]->SendText("two left").ok());
  ASSERT_TRUE(WaitUntil([&] { return inboxes_[1]->count() == 2; }));
  EXPECT_EQ(hub_->stats().send_failures, 0u);
}

TEST_P(HubTest, ClosingThePeerConnectionUnregistersToo) {
  clients_[1].reset();  // destroying closes it
  ASSERT_TRUE(WaitUntil([&] { return !hub_->contains("peer1"); }));
  EXPECT_EQ(hub_->size(), 2u);
}

TEST_P(HubTest, BroadcastReachesEveryone) {
  EXPECT_EQ(hub_->Broadcast("hi all"), 3u);
  ASSERT_TRUE(WaitUntil([&] {
    for (auto& in : inboxes_) {
      if (in->count() != 1) return false;
    }
    return true;
  }));
  for (auto& in : inboxes_) {
    EXPECT_EQ(in->texts(), std::vector<std::string>{"hi all"});
  }
  EXPECT_EQ(hub_->stats().broadcasts, 1u);
}

TEST_P(HubTest, ChatBroadcastsLinesUntilExit) {
  std::istringstream in("line one\r\n\nline two\nexit\nnot sent\n");
  const ChatResult r = hub_->Chat(in);
  EXPECT_EQ(r.lines_broadcast, 2u);
  EXPECT_TRUE(r.exit_requested);
  ASSERT_TRUE(WaitUntil([&] {
    for (auto& box : inboxes_) {
      if (box->count() != 2) return false;
    }
    return true;
  }));
  for (auto& box : inboxes_) {
    EXPECT_EQ(box->texts(), (std::vector<std::string>{"line one", "line two"}));
  }
  // The rest of the stream is left unread.
  std::string rest;
  std::getline(in, rest);
  EXPECT_EQ(rest, "not sent");
}

TEST_P(HubTest, ChatStopsAtEndOfInput) {
  std::istringstream in("only line");
  const ChatResult r = hub_->Chat(in);
  EXPECT_EQ(r.lines_broadcast, 1u);
  EXPECT_FALSE(r.exit_requested);
  ASSERT_TRUE(WaitUntil([&] { return inboxes_[0]->count() == 1; }));
  EXPECT_EQ(inboxes_[0]->texts(), std::vector<std::string>{"only line"});
}

TEST_P(HubTest, UnregisterClosesTheChannel) {
  EXPECT_TRUE(absl::IsNotFound(hub_->Unregister("nobody")));
  ASSERT_TRUE(hub_->Unregister("peer0").ok());
  EXPECT_FALSE(hub_->contains("peer0"));
  ASSERT_TRUE(WaitUntil([&] { return inboxes_[0]->closed.load(); }));
  ASSERT_TRUE(WaitUntil([&] { return seen_.left().size() == 1; }));
  EXPECT_EQ(seen_.left(), std::vector<std::string>{"peer0"});
  EXPECT_TRUE(absl::IsNotFound(hub_->Unregister("peer0")));
  EXPECT_EQ(hub_->Broadcast("after"), 2u);
}

TEST_P(HubTest, KeysMustBeUniqueAndEmptyKeysAreGenerated) {
  // A fourth client whose hub-side channel is registered by the test.
  peer::Configuration hub_config;
  hub_config.detach_data_channels = GetParam();
  auto hub_pc = net::PeerConnection::Create(*hub_rt_, hub_config);
  ASSERT_TRUE(hub_pc.ok());
  auto client = net::PeerConnection::Create(*client_rt_);
  ASSERT_TRUE(client.ok());
  std::mutex mu;
  std::shared_ptr<net::DataChannel> incoming;
  (*hub_pc)->OnDataChannel([&](std::shared_ptr<net::DataChannel> ch) {
    std::lock_guard<std::mutex> lock(mu);
    incoming = std::move(ch);
  });
  auto ch = (*client)->CreateDataChannel("chat");
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(NegotiateNonTrickle(**client, **hub_pc).ok());
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard<std::mutex> lock(mu);
    return incoming != nullptr;
  }));
  std::shared_ptr<net::DataChannel> got;
  {
    std::lock_guard<std::mutex> lock(mu);
    got = incoming;
  }
  EXPECT_TRUE(absl::IsAlreadyExists(hub_->Register(got, "peer1").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(hub_->Register(nullptr).status()));
  absl::StatusOr<std::string> key = hub_->Register(got);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, "peer-1");
  EXPECT_EQ(hub_->size(), 4u);

  ASSERT_TRUE((*ch)->SendText("from the fourth").ok());
  ASSERT_TRUE(WaitUntil([&] {
    for (auto& box : inboxes_) {
      if (box->count() != 1) return false;
    }
    return true;
  }));

  // A closed channel is refused.
  ASSERT_TRUE(hub_->Unregister("peer-1").ok());
  ASSERT_TRUE(WaitUntil([&] {
    return got->ready_state() == datachannel::ChannelState::kClosed;
  }));
  EXPECT_TRUE(
      absl::IsFailedPrecondition(hub_->Register(got, "again").status()));
}

TEST_P(HubTest, ObserverMayCallTheHub) {
  // Every message is answered with a broadcast from the observer, on the
  // hub thread, before the hub forwards the message itself.
  std::atomic<int> answered{0};
  seen_.SetHook([&](const std::string& key, const datachannel::Message& m) {
    hub_->Broadcast(key + " said " + std::string(m.text()));
    answered.fetch_add(1);
  });
  ASSERT_TRUE(channels_[0]->SendText("x").ok());
  ASSERT_TRUE(WaitUntil(
      [&] { return inboxes_[0]->count() == 1 && inboxes_[1]->count() == 2; }));
  EXPECT_EQ(inboxes_[0]->texts(), std::vector<std::string>{"peer0 said x"});
  EXPECT_EQ(inboxes_[1]->texts(),
            (std::vector<std::string>{"peer0 said x", "x"}));
  EXPECT_EQ(answered.load(), 1);
  seen_.SetHook(nullptr);
}

INSTANTIATE_TEST_SUITE_P(CallbacksAndDetached, HubTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Detached" : "Callbacks";
                         });

TEST(HubStandaloneTest, DestroyingTheHubClosesItsChannels) {
  auto hub_rt = MakeLoopbackRuntime();
  auto client_rt = MakeLoopbackRuntime();
  ASSERT_NE(hub_rt, nullptr);
  ASSERT_NE(client_rt, nullptr);
  auto hub = std::make_unique<Hub>();
  auto hub_pc = net::PeerConnection::Create(*hub_rt);
  auto client = net::PeerConnection::Create(*client_rt);
  ASSERT_TRUE(hub_pc.ok() && client.ok());
  (*hub_pc)->OnDataChannel([&](std::shared_ptr<net::DataChannel> ch) {
    EXPECT_TRUE(hub->Register(std::move(ch), "only").ok());
  });
  auto ch = (*client)->CreateDataChannel("chat");
  ASSERT_TRUE(ch.ok());
  std::atomic<bool> closed{false};
  (*ch)->OnClose([&] { closed = true; });
  ASSERT_TRUE(NegotiateNonTrickle(**client, **hub_pc).ok());
  ASSERT_TRUE(WaitUntil([&] { return hub->size() == 1; }));
  hub.reset();
  ASSERT_TRUE(WaitUntil([&] { return closed.load(); }));
  client_rt->Stop();  // no callback runs after the locals are gone
  hub_rt->Stop();
}

}  // namespace
}  // namespace simrtc::hub
