#include "core/datachannel/data_channel.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/datachannel/data_channel_manager.h"
#include "core/datachannel/dcep_message.h"
#include "core/sctp/test_link.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::datachannel {
namespace {

using sctp::testing::Link;
using sctp::testing::LinkConfig;
using ::testing::HasSubstr;

// One endpoint plus everything it reported, sorted by kind.
struct Peer {
  explicit Peer(DtlsRole role, bool detach = false,
                sctp::Config sctp_config = {}) {
    ManagerConfig config;
    config.role = role;
    config.detach_channels = detach;
    config.sctp = sctp_config;
    auto created = DataChannelManager::Create(config);
    if (!created.ok()) {
      ADD_FAILURE() << created.status();
      std::abort();
    }
    mgr = std::move(*created);
  }

  void Drain() {
    while (auto e = mgr->PollEvent()) {
      if (std::holds_alternative<TransportConnected>(*e)) connected = true;
      if (auto* c = std::get_if<TransportClosed>(&*e)) transport_closed = *c;
      if (auto* i = std::get_if<IncomingChannel>(&*e)) {
        incoming.push_back(i->channel);
      }
      if (auto* o = std::get_if<ChannelOpen>(&*e)) opened.push_back(o->channel);
      if (auto* m = std::get_if<ChannelMessage>(&*e)) {
        messages.push_back({m->channel, std::move(m->message)});
      }
      if (auto* c = std::get_if<ChannelClosing>(&*e)) {
        closing.push_back(c->channel);
      }
      if (auto* c = std::get_if<ChannelClosed>(&*e))
        closed.push_back(c->channel);
      if (auto* err = std::get_if<ChannelError>(&*e)) {
        errors.push_back({err->channel, err->error});
      }
      if (auto* l = std::get_if<ChannelBufferedAmountLow>(&*e)) {
        lows.push_back(l->channel);
      }
    }
  }

  std::vector<Message> MessagesOn(const ChannelPtr& channel) const {
    std::vector<Message> out;
    for (const auto& [c, m] : messages) {
      if (c == channel) out.push_back(m);
    }
    return out;
  }

  std::unique_ptr<DataChannelManager> mgr;
  bool connected = false;
  std::optional<TransportClosed> transport_closed;
  std::vector<ChannelPtr> incoming, opened, closing, closed, lows;
  std::vector<std::pair<ChannelPtr, Message>> messages;
  std::vector<std::pair<ChannelPtr, absl::Status>> errors;
};

using PeerLink = Link<DataChannelManager, DataChannelManager>;

struct Pair {
  explicit Pair(LinkConfig link_config = {}, uint64_t seed = 1,
                bool detach_b = false, sctp::Config sctp_config = {})
      : a(DtlsRole::kClient, false, sctp_config),
        b(DtlsRole::kServer, detach_b, sctp_config),
        link(a.mgr.get(), b.mgr.get(), link_config, seed) {}

  Timestamp now() const { return link.now(); }

  bool Connect() {
    EXPECT_TRUE(a.mgr->Connect(now()).ok());
    EXPECT_TRUE(b.mgr->Connect(now()).ok());
    return Run([&] { return a.connected && b.connected; });
  }

  // Runs until pred() holds (events of both sides drained before each check).
  bool Run(const std::function<bool()>& pred,
           TimeDelta limit = TimeDelta::Seconds(30)) {
    return link.RunUntil(
        [&] {
          a.Drain();
          b.Drain();
          return pred();
        },
        limit);
  }

  Peer a;
  Peer b;
  PeerLink link;
};

TEST(DataChannelTest, SetRoleBeforeConnectRenumbersDcepChannels) {
  // Both start as clients (even ids): b learns it is the DTLS server only
  // later, as a PeerConnection does when the answer arrives.
  Peer a(DtlsRole::kClient, false, {});
  Peer b(DtlsRole::kClient, false, {});
  const Timestamp t0 = Timestamp::Zero();
  auto x = b.mgr->CreateChannel(t0, "x");
  auto y = b.mgr->CreateChannel(t0, "y");
  ChannelInit negotiated;
  negotiated.negotiated = true;
  negotiated.id = 4;
  auto n = b.mgr->CreateChannel(t0, "n", negotiated);
  ASSERT_TRUE(x.ok() && y.ok() && n.ok());
  EXPECT_EQ((*x)->id(), 0);
  EXPECT_EQ((*y)->id(), 2);
  ASSERT_TRUE(b.mgr->SetRole(DtlsRole::kServer).ok());
  EXPECT_EQ((*x)->id(), 1);
  EXPECT_EQ((*y)->id(), 3);
  EXPECT_EQ((*n)->id(), 4);  // negotiated ids are the app's choice
  EXPECT_EQ(b.mgr->channel(1), *x);
  EXPECT_EQ(b.mgr->channel(0), nullptr);
  // Once connecting, the role is fixed.
  PeerLink link(a.mgr.get(), b.mgr.get(), LinkConfig{}, 1);
  ASSERT_TRUE(a.mgr->Connect(t0).ok());
  ASSERT_TRUE(b.mgr->Connect(t0).ok());
  EXPECT_EQ(b.mgr->SetRole(DtlsRole::kClient).code(),
            absl::StatusCode::kFailedPrecondition);
  // The renumbered channels open on the peer under their new ids.
  ASSERT_TRUE(link.RunUntil(
      [&] {
        a.Drain();
        b.Drain();
        return a.incoming.size() == 2;
      },
      TimeDelta::Seconds(10)));
  EXPECT_EQ(a.incoming[0]->id(), 1);
  EXPECT_EQ(a.incoming[0]->label(), "x");
  EXPECT_EQ(a.incoming[1]->id(), 3);
}

TEST(DataChannelTest, DcepOpenAndAckInBothDirectionsWithProperties) {
  Pair p;
  // One channel created before the association exists, one after.
  ChannelInit chat_init;
  chat_init.protocol = "chat-v2";
  chat_init.priority = kPriorityHigh;
  auto chat = p.a.mgr->CreateChannel(p.now(), "chat", chat_init);
  ASSERT_TRUE(chat.ok()) << chat.status();
  EXPECT_EQ((*chat)->state(), ChannelState::kConnecting);
  EXPECT_EQ((*chat)->id(), 0);  // DTLS client: even ids
  ASSERT_TRUE(p.Connect());
  ASSERT_TRUE(p.Run([&] { return p.b.incoming.size() == 1; }));
  EXPECT_EQ((*chat)->state(), ChannelState::kOpen);

  ChannelInit files_init;
  files_init.ordered = false;
  files_init.max_retransmits = 3;
  files_init.protocol = "";
  files_init.priority = kPriorityBelowNormal;
  auto files =
      p.b.mgr->CreateChannel(p.now(), "files \xF0\x9F\x93\x81", files_init);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ((*files)->id(), 1);  // DTLS server: odd ids
  ASSERT_TRUE(p.Run([&] { return p.a.incoming.size() == 1; }));

  const ChannelPtr& remote_chat = p.b.incoming[0];
  EXPECT_EQ(remote_chat->id(), 0);
  EXPECT_EQ(remote_chat->label(), "chat");
  EXPECT_EQ(remote_chat->protocol(), "chat-v2");
  EXPECT_EQ(remote_chat->priority(), kPriorityHigh);
  EXPECT_TRUE(remote_chat->ordered());
  EXPECT_FALSE(remote_chat->max_retransmits().has_value());
  EXPECT_TRUE(remote_chat->opened_by_peer());
  EXPECT_FALSE(remote_chat->negotiated());
  EXPECT_EQ(remote_chat->state(), ChannelState::kOpen);

  const ChannelPtr& remote_files = p.a.incoming[0];
  EXPECT_EQ(remote_files->id(), 1);
  EXPECT_EQ(remote_files->label(), "files \xF0\x9F\x93\x81");
  EXPECT_EQ(remote_files->protocol(), "");
  EXPECT_EQ(remote_files->priority(), kPriorityBelowNormal);
  EXPECT_FALSE(remote_files->ordered());
  EXPECT_EQ(remote_files->max_retransmits(), 3u);
  // Open events: local channels on open, remote ones on arrival.
  EXPECT_EQ(p.a.opened.size(), 2u);
  EXPECT_EQ(p.b.opened.size(), 2u);

  ASSERT_TRUE((*chat)->SendText(p.now(), "hello from a").ok());
  ASSERT_TRUE(remote_chat->SendText(p.now(), "hello from b").ok());
  ASSERT_TRUE((*files)->SendBinary(p.now(), AsBytes("file bytes")).ok());
  ASSERT_TRUE(p.Run(
      [&] { return p.a.messages.size() == 2 && p.b.messages.size() == 1; }));
  EXPECT_EQ(p.b.MessagesOn(remote_chat)[0], Message::Text("hello from a"));
  EXPECT_EQ(p.a.MessagesOn(*chat)[0], Message::Text("hello from b"));
  EXPECT_EQ(p.a.MessagesOn(remote_files)[0],
            Message::Binary(AsBytes("file bytes")));
  EXPECT_EQ((*chat)->stats().messages_sent, 1u);
  EXPECT_EQ((*chat)->stats().bytes_sent, 12u);
  EXPECT_EQ((*chat)->stats().messages_received, 1u);
  EXPECT_EQ(remote_chat->stats().bytes_received, 12u);
}

TEST(DataChannelTest, NegotiatedChannelsOpenWithoutDcep) {
  Pair p;
  ChannelInit init;
  init.negotiated = true;
  init.id = 5;
  init.ordered = false;
  auto a_ch = p.a.mgr->CreateChannel(p.now(), "neg", init);
  auto b_ch = p.b.mgr->CreateChannel(p.now(), "neg", init);
  ASSERT_TRUE(a_ch.ok() && b_ch.ok());
  EXPECT_EQ((*a_ch)->id(), 5);
  EXPECT_TRUE((*a_ch)->negotiated());
  ASSERT_TRUE(p.Connect());
  EXPECT_EQ((*a_ch)->state(), ChannelState::kOpen);
  EXPECT_EQ((*b_ch)->state(), ChannelState::kOpen);
  ASSERT_TRUE((*a_ch)->SendText(p.now(), "ping").ok());
  ASSERT_TRUE(p.Run([&] { return p.b.messages.size() == 1; }));
  EXPECT_EQ(p.b.messages[0].first, *b_ch);
  EXPECT_TRUE(p.a.incoming.empty());
  EXPECT_TRUE(p.b.incoming.empty());
  // Negotiated ids are checked.
  EXPECT_EQ(p.a.mgr->CreateChannel(p.now(), "dup", init).status().code(),
            absl::StatusCode::kAlreadyExists);
  ChannelInit no_id;
  no_id.negotiated = true;
  EXPECT_EQ(p.a.mgr->CreateChannel(p.now(), "x", no_id).status().code(),
            absl::StatusCode::kInvalidArgument);
  ChannelInit id_only;
  id_only.id = 3;
  EXPECT_EQ(p.a.mgr->CreateChannel(p.now(), "x", id_only).status().code(),
            absl::StatusCode::kInvalidArgument);
  ChannelInit too_high;
  too_high.negotiated = true;
  too_high.id = 1024;
  EXPECT_EQ(p.a.mgr->CreateChannel(p.now(), "x", too_high).status().code(),
            absl::StatusCode::kOutOfRange);
  ChannelInit both;
  both.max_retransmits = 1;
  both.max_packet_life_time_ms = 1;
  EXPECT_EQ(p.a.mgr->CreateChannel(p.now(), "x", both).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DataChannelTest, TextBinaryAndEmptyMessages) {
  Pair p;
  ASSERT_TRUE(p.Connect());
  auto ch = p.a.mgr->CreateChannel(p.now(), "types");
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE((*ch)->SendText(p.now(), "text").ok());
  ASSERT_TRUE((*ch)->SendText(p.now(), "").ok());
  std::vector<uint8_t> bin = {0, 1, 2, 255};
  ASSERT_TRUE((*ch)->SendBinary(p.now(), bin).ok());
  ASSERT_TRUE((*ch)->SendBinary(p.now(), ByteSpan()).ok());
  ASSERT_TRUE((*ch)->Send(p.now(), Message::Text("last")).ok());
  ASSERT_TRUE(p.Run([&] { return p.b.messages.size() == 5; }));
  EXPECT_EQ(p.b.messages[0].second, Message::Text("text"));
  EXPECT_EQ(p.b.messages[1].second, (Message{true, {}}));
  EXPECT_EQ(p.b.messages[2].second, Message::Binary(bin));
  EXPECT_EQ(p.b.messages[3].second, (Message{false, {}}));
  EXPECT_EQ(p.b.messages[4].second, Message::Text("last"));
  EXPECT_EQ(p.b.incoming[0]->stats().messages_received, 5u);
  EXPECT_EQ(p.b.incoming[0]->stats().bytes_received, 12u);
}

TEST(DataChannelTest, AllFourReliabilityModesOrderedAndUnordered) {
  Pair p;
  ASSERT_TRUE(p.Connect());
  std::vector<ChannelInit> inits;
  for (bool ordered : {true, false}) {
    ChannelInit reliable;
    reliable.ordered = ordered;
    inits.push_back(reliable);
    ChannelInit rtx;
    rtx.ordered = ordered;
    rtx.max_retransmits = 2;
    inits.push_back(rtx);
    ChannelInit zero_rtx;
    zero_rtx.ordered = ordered;
    zero_rtx.max_retransmits = 0;
    inits.push_back(zero_rtx);
    ChannelInit lifetime;
    lifetime.ordered = ordered;
    lifetime.max_packet_life_time_ms = 150;
    inits.push_back(lifetime);
  }
  std::vector<ChannelPtr> local;
  for (size_t i = 0; i < inits.size(); ++i) {
    auto ch =
        p.a.mgr->CreateChannel(p.now(), "mode" + std::to_string(i), inits[i]);
    ASSERT_TRUE(ch.ok());
    local.push_back(*ch);
  }
  ASSERT_TRUE(p.Run([&] { return p.b.incoming.size() == inits.size(); }));
  for (size_t i = 0; i < inits.size(); ++i) {
    const ChannelPtr& remote = p.b.incoming[i];
    EXPECT_EQ(remote->label(), local[i]->label());
    EXPECT_EQ(remote->ordered(), inits[i].ordered) << i;
    EXPECT_EQ(remote->max_retransmits(),
              inits[i].max_retransmits.has_value()
                  ? std::optional<uint32_t>(*inits[i].max_retransmits)
                  : std::nullopt)
        << i;
    EXPECT_EQ(remote->max_packet_life_time_ms(),
              inits[i].max_packet_life_time_ms.has_value()
                  ? std::optional<uint32_t>(*inits[i].max_packet_life_time_ms)
                  : std::nullopt)
        << i;
    EXPECT_EQ(remote->reliability(), local[i]->reliability()) << i;
  }
  for (int round = 0; round < 10; ++round) {
    for (const ChannelPtr& ch : local) {
      ASSERT_TRUE(
          ch->SendText(p.now(), ch->label() + ":" + std::to_string(round))
              .ok());
    }
  }
  ASSERT_TRUE(p.Run([&] { return p.b.messages.size() == 10 * local.size(); }));
  for (size_t i = 0; i < local.size(); ++i) {
    EXPECT_EQ(p.b.MessagesOn(p.b.incoming[i]).size(), 10u);
  }
}

// Offset-derived content so the receiver can verify without a copy.
uint8_t ByteAt(uint64_t offset) {
  return static_cast<uint8_t>((offset * 2654435761u) >> 13);
}

TEST(DataChannelTest, ReliableOrderedBulkTransferIsByteExactUnderImpairment) {
  // 50 MB, 5% loss, reordering and duplication. The association runs in
  // virtual time, so this costs CPU time only (a few seconds).
  constexpr uint64_t kTotal = 50ull * 1000 * 1000;
  constexpr size_t kChunk = 64 * 1024;
  LinkConfig impaired;
  impaired.delay = TimeDelta::Millis(15);
  impaired.jitter = TimeDelta::Millis(2);
  impaired.loss = 0.05;
  impaired.reorder = 0.05;
  impaired.reorder_delay = TimeDelta::Millis(10);
  impaired.duplicate = 0.01;
  Pair p(impaired, 50);
  ASSERT_TRUE(p.Connect());
  auto ch = p.a.mgr->CreateChannel(p.now(), "bulk");
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(p.Run([&] { return p.b.incoming.size() == 1; }));
  const ChannelPtr& remote = p.b.incoming[0];
  remote->Detach();  // read raw, without collecting events

  uint64_t sent = 0, received = 0;
  bool corrupt = false;
  std::vector<uint8_t> chunk(kChunk);
  bool done = p.link.RunUntil(
      [&] {
        while (sent < kTotal && (*ch)->buffered_amount() < 4 * kChunk) {
          size_t n =
              static_cast<size_t>(std::min<uint64_t>(kChunk, kTotal - sent));
          chunk.resize(n);
          for (size_t i = 0; i < n; ++i) chunk[i] = ByteAt(sent + i);
          EXPECT_TRUE((*ch)->SendBinary(p.now(), chunk).ok());
          sent += n;
        }
        while (auto m = remote->Read()) {
          for (size_t i = 0; i < m->data.size() && !corrupt; ++i) {
            corrupt = m->data[i] != ByteAt(received + i);
          }
          received += m->data.size();
        }
        p.a.Drain();
        p.b.Drain();
        return corrupt || received == kTotal;
      },
      TimeDelta::Seconds(3600));
  EXPECT_TRUE(done) << "received " << received << " of " << kTotal;
  EXPECT_FALSE(corrupt) << "mismatch near offset " << received;
  EXPECT_EQ(received, kTotal);
  EXPECT_GT(p.link.stats().dropped, 1000u);
  EXPECT_GT(p.link.stats().duplicated, 100u);
  EXPECT_EQ(remote->stats().bytes_received, kTotal);
}

TEST(DataChannelTest, UnreliableChannelDropsUnderLossAndNeverBlocks) {
  Pair p;
  ASSERT_TRUE(p.Connect());
  ChannelInit init;
  init.ordered = false;
  init.max_retransmits = 0;
  auto ch = p.a.mgr->CreateChannel(p.now(), "game-state", init);
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(p.Run([&] { return p.b.incoming.size() == 1; }));
  ASSERT_TRUE(p.b.incoming[0]->SendText(p.now(), "ack me").ok());
  ASSERT_TRUE(p.Run([&] { return p.a.messages.size() == 1; }));
  LinkConfig lossy;
  lossy.loss = 0.1;
  p.link.set_config(lossy);
  constexpr int kCount = 500;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE((*ch)->SendText(p.now(), std::to_string(i)).ok());
    p.link.RunFor(TimeDelta::Millis(10));
  }
  ASSERT_TRUE(p.Run([&] { return (*ch)->buffered_amount() == 0; },
                    TimeDelta::Seconds(10)));
  p.link.RunFor(TimeDelta::Seconds(1));
  p.b.Drain();
  EXPECT_LT(p.b.messages.size(), static_cast<size_t>(kCount * 0.97));
  EXPECT_GT(p.b.messages.size(), static_cast<size_t>(kCount * 0.8));
}

TEST(DataChannelTest, LifetimeLimitedChannelAbandonsLostMessages) {
  Pair p;
  ASSERT_TRUE(p.Connect());
  ChannelInit init;
  init.max_packet_life_time_ms = 100;
  auto ch = p.a.mgr->CreateChannel(p.now(), "telemetry", init);
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(p.Run([&] { return p.b.incoming.size() == 1; }));
  LinkConfig lossy;
  lossy.loss = 0.15;
  p.link.set_config(lossy);
  constexpr int kCount = 400;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE((*ch)->SendText(p.now(), std::to_string(i)).ok());
    p.link.RunFor(TimeDelta::Millis(10));
  }
  ASSERT_TRUE(p.Run([&] { return (*ch)->buffered_amount() == 0; },
                    TimeDelta::Seconds(20)));
  p.link.RunFor(TimeDelta::Seconds(1));
  p.b.Drain();
  // Ordered and partially reliable: what arrives is in order, some of it is
  // gone for good.
  std::vector<int> got;
  for (const auto& [c, m] : p.b.messages)
    got.push_back(std::stoi(std::string(m.text())));
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  EXPECT_LT(got.size(), static_cast<size_t>(kCount));
  EXPECT_GT(got.size(), static_cast<size_t>(kCount / 2));
}

TEST(DataChannelTest, UnorderedChannelReallyDeliversOutOfOrder) {
  LinkConfig reordering;
  reordering.delay = TimeDelta::Millis(5);
  reordering.reorder = 0.3;
  reordering.reorder_delay = TimeDelta::Millis(30);
  Pair p(reordering, 7);
  ASSERT_TRUE(p.Connect());
  ChannelInit init;
  init.ordered = false;
  auto ch = p.a.mgr->CreateChannel(p.now(), "unordered", init);
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(p.Run([&] { return p.b.incoming.size() == 1; }));
  // Let the ACK arrive, so messages are no longer forced in order.
  ASSERT_TRUE(p.Run([&] { return false; }, TimeDelta::Millis(200)) || true);
  constexpr int kCount = 200;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE((*ch)->SendText(p.now(), std::to_string(i)).ok());
    p.link.RunFor(TimeDelta::Millis(1));
  }
  ASSERT_TRUE(p.Run([&] { return p.b.messages.size() == kCount; }));
  std::vector<int> got;
  for (const auto& [c, m] : p.b.messages)
    got.push_back(std::stoi(std::string(m.text())));
  EXPECT_FALSE(std::is_sorted(got.begin(), got.end()));
  std::sort(got.begin(), got.end());
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(got[i], i);
}

TEST(DataChannelTest, MessagesBeforeTheAckStayOrdered) {
  LinkConfig reordering;
  reordering.delay = TimeDelta::Millis(5);
  reordering.reorder = 0.5;
  reordering.reorder_delay = TimeDelta::Millis(30);
  Pair p(reordering, 8);
  ASSERT_TRUE(p.Connect());
  ChannelInit init;
  init.ordered = false;
  auto ch = p.a.mgr->CreateChannel(p.now(), "early", init);
  ASSERT_TRUE(ch.ok());
  // Sent right behind the OPEN, before any ACK can have come back.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE((*ch)->SendText(p.now(), std::to_string(i)).ok());
  }
  ASSERT_TRUE(p.Run([&] { return p.b.messages.size() == 20; }));
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(p.b.messages[i].second.text(), std::to_string(i));
  }
  ASSERT_EQ(p.b.incoming.size(), 1u);
}

TEST(DataChannelTest, HundredChannelsAtOnce) {
  Pair p(LinkConfig{}, 9);
  ASSERT_TRUE(p.Connect());
  constexpr int kChannels = 100;
  std::vector<ChannelPtr> a_side, b_side;
  for (int i = 0; i < kChannels; ++i) {
    // Half opened by each side, in both parities.
    Peer& opener = i % 2 == 0 ? p.a : p.b;
    auto ch = opener.mgr->CreateChannel(p.now(), "ch" + std::to_string(i));
    ASSERT_TRUE(ch.ok()) << i;
    (i % 2 == 0 ? a_side : b_side).push_back(*ch);
  }
  ASSERT_TRUE(p.Run([&] {
    return p.a.incoming.size() == kChannels / 2 &&
           p.b.incoming.size() == kChannels / 2;
  }));
  EXPECT_EQ(p.a.mgr->channels().size(), static_cast<size_t>(kChannels));
  EXPECT_EQ(p.b.mgr->channels().size(), static_cast<size_t>(kChannels));
  for (const ChannelPtr& ch : p.a.mgr->channels()) {
    for (int k = 0; k < 3; ++k) {
      ASSERT_TRUE(
          ch->SendText(p.now(), ch->label() + "/" + std::to_string(k)).ok());
    }
  }
  ASSERT_TRUE(p.Run([&] { return p.b.messages.size() == 3 * kChannels; }));
  for (const ChannelPtr& ch : p.b.mgr->channels()) {
    auto msgs = p.b.MessagesOn(ch);
    ASSERT_EQ(msgs.size(), 3u) << ch->label();
    for (int k = 0; k < 3; ++k) {
      EXPECT_EQ(msgs[k].text(), ch->label() + "/" + std::to_string(k));
    }
  }
}

TEST(DataChannelTest, CloseHandshakeFreesTheStreamForReuse) {
  Pair p(LinkConfig{}, 10);
  ASSERT_TRUE(p.Connect());
  auto first = p.a.mgr->CreateChannel(p.now(), "first");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)->id(), 0);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(
        (*first)->SendBinary(p.now(), std::vector<uint8_t>(10000, i)).ok());
  }
  ASSERT_TRUE((*first)->Close(p.now()).ok());
  EXPECT_EQ((*first)->state(), ChannelState::kClosing);
  EXPECT_FALSE((*first)->SendText(p.now(), "too late").ok());
  ASSERT_TRUE(
      p.Run([&] { return p.a.closed.size() == 1 && p.b.closed.size() == 1; }));
  // Everything sent before close() arrived before the close.
  EXPECT_EQ(p.b.messages.size(), 50u);
  ASSERT_EQ(p.b.closing.size(), 1u);
  EXPECT_EQ(p.b.closing[0]->label(), "first");
  EXPECT_EQ((*first)->state(), ChannelState::kClosed);
  EXPECT_EQ(p.b.incoming[0]->state(), ChannelState::kClosed);
  EXPECT_EQ(p.a.mgr->channel(0), nullptr);
  EXPECT_EQ(p.b.mgr->channel(0), nullptr);
  EXPECT_EQ((*first)->SendText(p.now(), "x").code(),
            absl::StatusCode::kFailedPrecondition);

  // The id is free again, on both sides.
  auto second = p.a.mgr->CreateChannel(p.now(), "second");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)->id(), 0);
  ASSERT_TRUE((*second)->SendText(p.now(), "fresh").ok());
  ASSERT_TRUE(p.Run(
      [&] { return p.b.incoming.size() == 2 && p.b.messages.size() == 51; }));
  EXPECT_EQ(p.b.incoming[1]->label(), "second");
  EXPECT_EQ(p.b.incoming[1]->id(), 0);
  EXPECT_EQ(p.b.messages.back().second.text(), "fresh");
  EXPECT_EQ(p.b.messages.back().first, p.b.incoming[1]);

  // Now the other side closes.
  ASSERT_TRUE(p.b.incoming[1]->Close(p.now()).ok());
  ASSERT_TRUE(
      p.Run([&] { return p.a.closed.size() == 2 && p.b.closed.size() == 2; }));
  EXPECT_EQ(p.a.closing.size(), 1u);
}

TEST(DataChannelTest, NegotiatedChannelCloseAndReopen) {
  Pair p(LinkConfig{}, 11);
  ASSERT_TRUE(p.Connect());
  ChannelInit init;
  init.negotiated = true;
  init.id = 42;
  auto a1 = p.a.mgr->CreateChannel(p.now(), "n", init);
  auto b1 = p.b.mgr->CreateChannel(p.now(), "n", init);
  ASSERT_TRUE(a1.ok() && b1.ok());
  ASSERT_TRUE((*a1)->Close(p.now()).ok());
  ASSERT_TRUE(
      p.Run([&] { return p.a.closed.size() == 1 && p.b.closed.size() == 1; }));
  auto a2 = p.a.mgr->CreateChannel(p.now(), "n2", init);
  auto b2 = p.b.mgr->CreateChannel(p.now(), "n2", init);
  ASSERT_TRUE(a2.ok() && b2.ok());
  ASSERT_TRUE((*b2)->SendText(p.now(), "reopened").ok());
  ASSERT_TRUE(p.Run([&] { return p.a.messages.size() == 1; }));
  EXPECT_EQ(p.a.messages[0].first, *a2);
}

TEST(DataChannelTest, MaxMessageSizeIsEnforced) {
  Pair p;
  ASSERT_TRUE(p.Connect());
  auto ch = p.a.mgr->CreateChannel(p.now(), "big");
  ASSERT_TRUE(ch.ok());
  std::vector<uint8_t> max(256 * 1024, 7);
  EXPECT_TRUE((*ch)->SendBinary(p.now(), max).ok());
  std::vector<uint8_t> over(256 * 1024 + 1, 7);
  absl::Status status = (*ch)->SendBinary(p.now(), over);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("'big' (id 0)"));
  EXPECT_THAT(status.message(),
              HasSubstr("exceeds the maximum message size of 262144 bytes"));
  ASSERT_TRUE(p.Run([&] { return p.b.messages.size() == 1; }));
  EXPECT_EQ(p.b.messages[0].second.data, max);
}

TEST(DataChannelTest, BufferedAmountLowEvent) {
  LinkConfig slow;
  slow.delay = TimeDelta::Millis(40);
  Pair p(slow, 12);
  ASSERT_TRUE(p.Connect());
  auto ch = p.a.mgr->CreateChannel(p.now(), "flow");
  ASSERT_TRUE(ch.ok());
  (*ch)->set_buffered_amount_low_threshold(100 * 1000);
  EXPECT_EQ((*ch)->buffered_amount_low_threshold(), 100u * 1000);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(
        (*ch)->SendBinary(p.now(), std::vector<uint8_t>(10000, 1)).ok());
  }
  EXPECT_GE((*ch)->buffered_amount(), 1000u * 1000);
  ASSERT_TRUE(p.Run([&] { return !p.a.lows.empty(); }));
  EXPECT_EQ(p.a.lows[0], *ch);
  EXPECT_LE((*ch)->buffered_amount(), 100u * 1000);
  ASSERT_TRUE(p.Run([&] { return p.b.messages.size() == 100; }));
  EXPECT_EQ(p.a.lows.size(), 1u);
}

TEST(DataChannelTest, DetachedChannelsAreReadAndWrittenRaw) {
  Pair p(LinkConfig{}, 13, /*detach_b=*/true);
  ASSERT_TRUE(p.Connect());
  auto ch = p.a.mgr->CreateChannel(p.now(), "raw");
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE((*ch)->SendText(p.now(), "one").ok());
  ASSERT_TRUE((*ch)->Write(p.now(), AsBytes("two")).ok());
  ASSERT_TRUE(p.Run([&] {
    return p.b.incoming.size() == 1 && p.b.incoming[0]->readable() == 2;
  }));
  const ChannelPtr& raw = p.b.incoming[0];
  EXPECT_TRUE(raw->detached());
  EXPECT_TRUE(p.b.messages.empty());  // no message events
  EXPECT_EQ(raw->Read(), Message::Text("one"));
  EXPECT_EQ(raw->Read(), Message::Binary(AsBytes("two")));
  EXPECT_FALSE(raw->Read().has_value());
  ASSERT_TRUE(raw->Write(p.now(), AsBytes("back"), /*is_string=*/true).ok());
  ASSERT_TRUE(p.Run([&] { return p.a.messages.size() == 1; }));
  EXPECT_EQ(p.a.messages[0].second, Message::Text("back"));
}

TEST(DataChannelTest, BadDcepAndUnknownPpidsAreHarmless) {
  Pair p(LinkConfig{}, 14);
  ASSERT_TRUE(p.Connect());
  auto ch = p.a.mgr->CreateChannel(p.now(), "ok");
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(p.Run([&] { return p.b.incoming.size() == 1; }));
  sctp::Association& raw = p.a.mgr->association();
  // Garbage DCEP on a fresh stream, a truncated OPEN, an unknown PPID on an
  // open channel, user data on a stream with no channel.
  ASSERT_TRUE(raw.Send(p.now(), 8, 50, AsBytes("\x03garbage")).ok());
  ASSERT_TRUE(raw.Send(p.now(), 10, 50, AsBytes("\x03\x00")).ok());
  ASSERT_TRUE(raw.Send(p.now(), 0, 99, AsBytes("odd ppid")).ok());
  ASSERT_TRUE(raw.Send(p.now(), 12, 51, AsBytes("nobody")).ok());
  ASSERT_TRUE(raw.Send(p.now(), 0, 50, AsBytes("\x02")).ok());  // stray ACK
  ASSERT_TRUE((*ch)->SendText(p.now(), "still fine").ok());
  ASSERT_TRUE(p.Run([&] { return p.b.messages.size() == 1; }));
  EXPECT_EQ(p.b.messages[0].second.text(), "still fine");
  EXPECT_EQ(p.b.incoming.size(), 1u);
  ASSERT_EQ(p.b.errors.size(), 1u);
  EXPECT_THAT(p.b.errors[0].second.message(), HasSubstr("PPID 99"));
}

TEST(DataChannelTest, OpenOnABusyStreamIsRejected) {
  Pair p(LinkConfig{}, 15);
  ASSERT_TRUE(p.Connect());
  ChannelInit init;
  init.negotiated = true;
  init.id = 1;
  auto b_neg = p.b.mgr->CreateChannel(p.now(), "mine", init);
  ASSERT_TRUE(b_neg.ok());
  // The peer opens stream 1 by DCEP although b already uses it.
  std::vector<uint8_t> open;
  DataChannelOpen msg;
  msg.label = "intruder";
  ASSERT_TRUE(BuildDataChannelOpen(msg, open).ok());
  ASSERT_TRUE(p.a.mgr->association().Send(p.now(), 1, 50, open).ok());
  ASSERT_TRUE(p.Run([&] { return !p.b.errors.empty(); }));
  EXPECT_EQ(p.b.errors[0].first, *b_neg);
  EXPECT_THAT(p.b.errors[0].second.message(), HasSubstr("intruder"));
  EXPECT_TRUE(p.b.incoming.empty());
}

TEST(DataChannelTest, AbortClosesEveryChannel) {
  Pair p(LinkConfig{}, 16);
  ASSERT_TRUE(p.Connect());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(p.a.mgr->CreateChannel(p.now(), "c" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(p.Run([&] { return p.b.incoming.size() == 3; }));
  p.a.mgr->Abort(p.now());
  p.a.Drain();
  EXPECT_EQ(p.a.closed.size(), 3u);
  ASSERT_TRUE(p.a.transport_closed.has_value());
  ASSERT_TRUE(p.Run([&] { return p.b.transport_closed.has_value(); }));
  EXPECT_TRUE(p.b.transport_closed->aborted);
  ASSERT_EQ(p.b.closed.size(), 3u);
  EXPECT_EQ(p.b.closed[0]->id(), 0);
  EXPECT_EQ(p.b.closed[2]->id(), 4);
  EXPECT_FALSE(p.a.mgr->CreateChannel(p.now(), "late").ok());
}

TEST(DataChannelTest, HandlesOutliveTheManager) {
  ChannelPtr kept;
  {
    Pair p;
    auto ch = p.a.mgr->CreateChannel(p.now(), "kept");
    ASSERT_TRUE(ch.ok());
    kept = *ch;
  }
  EXPECT_EQ(kept->state(), ChannelState::kClosed);
  EXPECT_EQ(kept->buffered_amount(), 0u);
  EXPECT_FALSE(kept->SendText(Timestamp::Zero(), "x").ok());
  EXPECT_TRUE(kept->Close(Timestamp::Zero()).ok());
}

TEST(DataChannelTest, CloseBeforeConnectNeedsNoHandshake) {
  Pair p;
  auto ch = p.a.mgr->CreateChannel(p.now(), "never");
  ASSERT_TRUE(ch.ok());
  EXPECT_EQ((*ch)->SendText(p.now(), "x").code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE((*ch)->Close(p.now()).ok());
  p.a.Drain();
  EXPECT_EQ((*ch)->state(), ChannelState::kClosed);
  ASSERT_EQ(p.a.closed.size(), 1u);
  ASSERT_TRUE(p.Connect());
  p.link.RunFor(TimeDelta::Millis(100));
  p.b.Drain();
  EXPECT_TRUE(p.b.incoming.empty());
}

}  // namespace
}  // namespace simrtc::datachannel
