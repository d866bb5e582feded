// Data channel behaviour over DTLS over the virtual network: partial
// reliability, unordered delivery, many channels, stream id reuse.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/base/time.h"
#include "core/datachannel/data_channel_manager.h"
#include "gtest/gtest.h"
#include "tests/transport/two_peer_driver.h"

namespace simrtc::transport_test {
namespace {

using datachannel::ChannelClosed;
using datachannel::ChannelInit;
using datachannel::ChannelMessage;
using datachannel::ChannelOpen;
using datachannel::ChannelPtr;
using datachannel::ChannelState;
using datachannel::Message;

// Channel opened on both sides (the peer saw our DATA_CHANNEL_OPEN), plus a
// little time for the DATA_CHANNEL_ACK to come back, after which unordered
// channels really send unordered.
ChannelPtr OpenChannel(World& w, const std::string& label,
                       const ChannelInit& init = {}) {
  auto ch = w.a->manager().CreateChannel(w.driver->now(), label, init);
  EXPECT_TRUE(ch.ok()) << ch.status();
  if (!ch.ok()) return nullptr;
  ChannelPtr c = *ch;
  bool ok = w.driver->RunUntil(
      [&] {
        ChannelPtr r = w.b->manager().channel(c->id());
        return c->state() == ChannelState::kOpen && r != nullptr &&
               r->state() == ChannelState::kOpen;
      },
      w.driver->now() + TimeDelta::Seconds(60));
  EXPECT_TRUE(ok) << "channel " << label << " did not open";
  w.driver->RunFor(TimeDelta::Millis(500));
  return ok ? c : nullptr;
}

World MakeConnected(const WorldOptions& o) {
  auto w = MakeWorld(o);
  if (!w.ok()) {
    ADD_FAILURE() << w.status();
    std::abort();
  }
  return std::move(*w);
}

std::vector<uint8_t> SeqMessage(uint32_t seq, size_t size) {
  std::vector<uint8_t> m(size, static_cast<uint8_t>(seq));
  m[0] = static_cast<uint8_t>(seq >> 24);
  m[1] = static_cast<uint8_t>(seq >> 16);
  m[2] = static_cast<uint8_t>(seq >> 8);
  m[3] = static_cast<uint8_t>(seq);
  return m;
}
uint32_t SeqOf(const std::vector<uint8_t>& m) {
  return (uint32_t{m[0]} << 24) | (uint32_t{m[1]} << 16) |
         (uint32_t{m[2]} << 8) | uint32_t{m[3]};
}

TEST(Channels, UnreliableUnorderedLosesMessagesButNeverBlocks) {
  WorldOptions o;
  o.seed = 7;
  o.link_a = ImpairedLink(TimeDelta::Millis(10), 0.10);
  o.link_b = ImpairedLink(TimeDelta::Millis(10), 0.10);
  World w = MakeConnected(o);
  ChannelInit init;
  init.ordered = false;
  init.max_retransmits = 0;
  ChannelPtr c = OpenChannel(w, "lossy", init);
  ASSERT_NE(c, nullptr);
  ChannelPtr r = w.b->manager().channel(c->id());
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->ordered());
  ASSERT_TRUE(r->max_retransmits().has_value());
  EXPECT_EQ(*r->max_retransmits(), 0u);

  constexpr int kMessages = 1000;
  int sent = 0;
  int received = 0;
  size_t max_buffered = 0;
  Timestamp next_send = w.driver->now();
  w.b->on_event = [&](Timestamp, const datachannel::Event& e) {
    if (auto* m = std::get_if<ChannelMessage>(&e)) {
      if (m->channel->id() == c->id()) ++received;
    }
  };
  w.driver->on_step = [&](Timestamp now) {
    w.b->events().clear();
    // One 500-byte message every 5 ms (800 kbit/s).
    while (sent < kMessages && now >= next_send) {
      absl::Status s = c->SendBinary(now, SeqMessage(sent, 500));
      ASSERT_TRUE(s.ok()) << "send " << sent << ": " << s;
      ++sent;
      next_send = next_send + TimeDelta::Millis(5);
    }
    max_buffered = std::max(max_buffered, c->buffered_amount());
  };
  bool drained = w.driver->RunUntil(
      [&] { return sent == kMessages && c->buffered_amount() == 0; },
      w.driver->now() + TimeDelta::Seconds(60));
  const Timestamp drained_at = w.driver->now();
  // Give late packets time to arrive.
  w.driver->RunFor(TimeDelta::Seconds(2));
  std::cout << "[unreliable] sent=" << sent << " received=" << received
            << " max_buffered=" << max_buffered << " drained_at=" << drained_at
            << std::endl;
  EXPECT_TRUE(drained) << "buffered_amount stuck at " << c->buffered_amount();
  EXPECT_EQ(sent, kMessages);
  EXPECT_LT(received, kMessages);
  // ~10% one-way loss: most still arrive, each at most once.
  EXPECT_GT(received, kMessages * 7 / 10);
  // Nothing piles up: the sender never holds more than a few messages.
  EXPECT_LT(max_buffered, 100u * 500u);
}

TEST(Channels, UnorderedOvertakesOrderedDoesNot) {
  WorldOptions o;
  o.seed = 3;
  // Up to 30 ms of jitter with reordering on a's uplink, no loss.
  o.link_a = ImpairedLink(TimeDelta::Millis(10), 0.0, TimeDelta::Millis(30),
                          /*reorder=*/true);
  o.link_b = ImpairedLink(TimeDelta::Millis(10), 0.0);
  World w = MakeConnected(o);
  ChannelInit unordered_init;
  unordered_init.ordered = false;
  ChannelPtr ordered = OpenChannel(w, "ordered");
  ChannelPtr unordered = OpenChannel(w, "unordered", unordered_init);
  ASSERT_NE(ordered, nullptr);
  ASSERT_NE(unordered, nullptr);

  constexpr uint32_t kMessages = 400;
  std::map<uint16_t, std::vector<uint32_t>> arrivals;
  w.b->on_event = [&](Timestamp, const datachannel::Event& e) {
    if (auto* m = std::get_if<ChannelMessage>(&e)) {
      arrivals[m->channel->id()].push_back(SeqOf(m->message.data));
    }
  };
  uint32_t sent = 0;
  Timestamp next_send = w.driver->now();
  w.driver->on_step = [&](Timestamp now) {
    w.b->events().clear();
    if (now < next_send) return;
    next_send = now + TimeDelta::Millis(5);
    // Four 1000-byte messages (one SCTP packet each) per channel every 5 ms.
    for (int i = 0; i < 4 && sent < kMessages; ++i, ++sent) {
      ASSERT_TRUE(ordered->SendBinary(now, SeqMessage(sent, 1000)).ok());
      ASSERT_TRUE(unordered->SendBinary(now, SeqMessage(sent, 1000)).ok());
    }
  };
  bool done = w.driver->RunUntil(
      [&] {
        return arrivals[ordered->id()].size() == kMessages &&
               arrivals[unordered->id()].size() == kMessages;
      },
      w.driver->now() + TimeDelta::Seconds(60));
  ASSERT_TRUE(done) << arrivals[ordered->id()].size() << " / "
                    << arrivals[unordered->id()].size();
  auto inversions = [](const std::vector<uint32_t>& v) {
    int n = 0;
    for (size_t i = 1; i < v.size(); ++i) n += v[i] < v[i - 1];
    return n;
  };
  const auto& ord = arrivals[ordered->id()];
  const auto& unord = arrivals[unordered->id()];
  std::cout << "[reorder] ordered inversions=" << inversions(ord)
            << " unordered inversions=" << inversions(unord) << std::endl;
  EXPECT_EQ(inversions(ord), 0);
  EXPECT_GE(inversions(unord), 1);
  // Reliable: all arrive, each once.
  EXPECT_EQ(std::set<uint32_t>(unord.begin(), unord.end()).size(), kMessages);
  EXPECT_EQ(std::set<uint32_t>(ord.begin(), ord.end()).size(), kMessages);
}

TEST(Channels, FiftyChannelsEachEcho) {
  WorldOptions o;
  o.seed = 11;
  o.link_a = ImpairedLink(TimeDelta::Millis(10), 0.02);
  o.link_b = ImpairedLink(TimeDelta::Millis(10), 0.02);
  World w = MakeConnected(o);
  constexpr int kChannels = 50;
  // b echoes every message on the channel it came on.
  w.b->on_event = [&](Timestamp now, const datachannel::Event& e) {
    if (auto* m = std::get_if<ChannelMessage>(&e)) {
      EXPECT_TRUE(m->channel->Send(now, m->message).ok());
    }
  };
  // a says hello on each channel as it opens.
  std::map<uint16_t, std::string> echoes;
  w.a->on_event = [&](Timestamp now, const datachannel::Event& e) {
    if (auto* op = std::get_if<ChannelOpen>(&e)) {
      EXPECT_TRUE(
          op->channel->SendText(now, "echo " + op->channel->label()).ok());
    } else if (auto* m = std::get_if<ChannelMessage>(&e)) {
      EXPECT_TRUE(m->message.is_string);
      EXPECT_EQ(m->message.text(), "echo " + m->channel->label());
      echoes[m->channel->id()] = std::string(m->message.text());
    }
  };
  std::vector<ChannelPtr> channels;
  std::set<uint16_t> ids;
  for (int i = 0; i < kChannels; ++i) {
    auto ch =
        w.a->manager().CreateChannel(w.driver->now(), "ch" + std::to_string(i));
    ASSERT_TRUE(ch.ok()) << ch.status();
    EXPECT_EQ((*ch)->id() % 2, 0);
    ids.insert((*ch)->id());
    channels.push_back(*ch);
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kChannels));
  bool done = w.driver->RunUntil(
      [&] { return echoes.size() == static_cast<size_t>(kChannels); },
      Timestamp::Seconds(120));
  std::cout << "[many] " << echoes.size() << " echoes by " << w.driver->now()
            << std::endl;
  ASSERT_TRUE(done) << echoes.size() << " echoes";
  EXPECT_EQ(w.b->manager().channels().size(), static_cast<size_t>(kChannels));
}

TEST(Channels, CloseFreesStreamIdForReuse) {
  WorldOptions o;
  o.seed = 5;
  o.link_a = ImpairedLink(TimeDelta::Millis(10), 0.0);
  o.link_b = ImpairedLink(TimeDelta::Millis(10), 0.0);
  World w = MakeConnected(o);
  ChannelPtr first = OpenChannel(w, "first");
  ASSERT_NE(first, nullptr);
  const uint16_t id = first->id();
  ChannelPtr first_remote = w.b->manager().channel(id);
  ASSERT_NE(first_remote, nullptr);

  auto closed_on = [](SecurePeer& p, const ChannelPtr& c) {
    for (const auto& e : p.events()) {
      if (auto* cl = std::get_if<ChannelClosed>(&e)) {
        if (cl->channel == c) return true;
      }
    }
    return false;
  };
  ASSERT_TRUE(first->Close(w.driver->now()).ok());
  ASSERT_TRUE(w.driver->RunUntil(
      [&] { return closed_on(*w.a, first) && closed_on(*w.b, first_remote); },
      w.driver->now() + TimeDelta::Seconds(30)));
  EXPECT_EQ(first->state(), ChannelState::kClosed);
  EXPECT_EQ(first_remote->state(), ChannelState::kClosed);
  EXPECT_EQ(w.a->manager().channel(id), nullptr);
  EXPECT_EQ(w.b->manager().channel(id), nullptr);
  EXPECT_FALSE(first->SendText(w.driver->now(), "late").ok());

  ChannelPtr second = OpenChannel(w, "second");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->id(), id);
  ChannelPtr second_remote = w.b->manager().channel(id);
  ASSERT_NE(second_remote, nullptr);
  EXPECT_EQ(second_remote->label(), "second");
  EXPECT_NE(second_remote, first_remote);

  std::vector<std::string> at_b, at_a;
  w.b->on_event = [&](Timestamp now, const datachannel::Event& e) {
    if (auto* m = std::get_if<ChannelMessage>(&e)) {
      EXPECT_EQ(m->channel, second_remote);
      at_b.emplace_back(m->message.text());
      EXPECT_TRUE(m->channel->SendText(now, "pong").ok());
    }
  };
  w.a->on_event = [&](Timestamp, const datachannel::Event& e) {
    if (auto* m = std::get_if<ChannelMessage>(&e)) {
      EXPECT_EQ(m->channel, second);
      at_a.emplace_back(m->message.text());
    }
  };
  ASSERT_TRUE(second->SendText(w.driver->now(), "ping").ok());
  ASSERT_TRUE(w.driver->RunUntil([&] { return !at_a.empty(); },
                                 w.driver->now() + TimeDelta::Seconds(10)));
  EXPECT_EQ(at_b, std::vector<std::string>{"ping"});
  EXPECT_EQ(at_a, std::vector<std::string>{"pong"});
}

}  // namespace
}  // namespace simrtc::transport_test
