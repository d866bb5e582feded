// A large transfer over a reliable ordered channel through loss, jitter with
// reordering and duplication; the receiver regenerates the expected bytes
// from the same seed and compares every byte, and both sides keep a running
// FNV-1a hash of the stream.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/base/time.h"
#include "core/datachannel/data_channel_manager.h"
#include "gtest/gtest.h"
#include "tests/transport/two_peer_driver.h"
#include "vnet/types.h"

namespace simrtc::transport_test {
namespace {

using datachannel::ChannelMessage;
using datachannel::ChannelPtr;
using datachannel::ChannelState;

#ifndef BULK_TRANSFER_BYTES
#define BULK_TRANSFER_BYTES (50 * 1024 * 1024)
#endif

// Counts, from the network's trace, deliveries that overtook one another:
// a datagram delivered to a host after a datagram that was sent later
// (packet ids grow with every send). Duplicates (a second delivery of one
// id) are not reordering and are counted apart.
class ReorderCounter {
 public:
  void Record(const vnet::TraceRecord& r) {
    if (r.kind != vnet::TraceRecord::Kind::kDeliver) return;
    Host& host = hosts_[r.where];
    if (!host.delivered.insert(r.packet_id).second) {
      ++host.duplicates;
      return;
    }
    if (r.packet_id < host.highest) ++host.reordered;
    host.highest = std::max(host.highest, r.packet_id);
  }
  uint64_t reordered(const std::string& host) const {
    auto it = hosts_.find(host);
    return it == hosts_.end() ? 0 : it->second.reordered;
  }
  uint64_t duplicates(const std::string& host) const {
    auto it = hosts_.find(host);
    return it == hosts_.end() ? 0 : it->second.duplicates;
  }

 private:
  struct Host {
    uint64_t highest = 0;
    uint64_t reordered = 0;
    uint64_t duplicates = 0;
    std::set<uint64_t> delivered;
  };
  std::map<std::string, Host> hosts_;
};

struct Fnv {
  uint64_t h = 1469598103934665603ull;
  void Add(std::span<const uint8_t> b) {
    for (uint8_t x : b) {
      h ^= x;
      h *= 1099511628211ull;
    }
  }
};

TEST(BulkTransfer, ReliableOrderedIsByteExact) {
  constexpr size_t kTotal = BULK_TRANSFER_BYTES;
  constexpr size_t kChunk = 64 * 1024;
  constexpr size_t kHighWater = 2 * 1024 * 1024;
  WorldOptions o;
  o.seed = 2024;
  // 20 ms one way (10 ms per host link); each direction crosses one impaired
  // link: 5% loss, up to 10 ms jitter with reordering, 1% duplicates.
  o.link_a = ImpairedLink(TimeDelta::Millis(10), 0.05, TimeDelta::Millis(10),
                          /*reorder=*/true, /*duplicate=*/0.01);
  o.link_b = o.link_a;
  ReorderCounter reorder;
  o.trace_sink = [&reorder](const vnet::TraceRecord& r) { reorder.Record(r); };
  auto world = MakeWorld(o);
  ASSERT_TRUE(world.ok()) << world.status();
  World& w = *world;

  auto ch = w.a->manager().CreateChannel(w.driver->now(), "bulk");
  ASSERT_TRUE(ch.ok()) << ch.status();
  ChannelPtr c = *ch;

  Rng tx_rng(99);
  Rng rx_rng(99);
  Fnv tx_hash, rx_hash;
  size_t sent = 0, received = 0, mismatches = 0;
  std::vector<uint8_t> buf, expect;
  w.b->on_event = [&](Timestamp, const datachannel::Event& e) {
    auto* m = std::get_if<ChannelMessage>(&e);
    if (m == nullptr) return;
    const auto& data = m->message.data;
    expect.resize(data.size());
    rx_rng.Fill(expect);
    if (data != expect) ++mismatches;
    rx_hash.Add(data);
    received += data.size();
  };
  w.driver->on_step = [&](Timestamp now) {
    w.b->events().clear();
    w.a->events().clear();
    if (c->state() != ChannelState::kOpen) return;
    while (sent < kTotal && c->buffered_amount() < kHighWater) {
      buf.resize(std::min(kChunk, kTotal - sent));
      tx_rng.Fill(buf);
      absl::Status s = c->SendBinary(now, buf);
      ASSERT_TRUE(s.ok()) << s;
      tx_hash.Add(buf);
      sent += buf.size();
    }
  };
  bool done = w.driver->RunUntil([&] { return received >= kTotal; },
                                 Timestamp::Seconds(3600));
  const Timestamp end = w.driver->now();
  const auto& stats = w.network->host_link_stats(w.a->host());
  std::cout << "[bulk] " << received << " / " << kTotal << " bytes by " << end
            << " (" << (received * 8.0 / end.seconds() / 1e6)
            << " Mbit/s virtual), a/up lost "
            << stats.up.dropped_for(vnet::DropReason::kLoss) << " of "
            << stats.up.packets_sent << ", duplicated " << stats.up.duplicated
            << ", driver steps " << w.driver->steps()
            << "; reordered deliveries to b " << reorder.reordered("b")
            << " (duplicates " << reorder.duplicates("b") << "), to a "
            << reorder.reordered("a") << std::endl;
  ASSERT_TRUE(done);
  EXPECT_EQ(received, kTotal);
  EXPECT_EQ(sent, kTotal);
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(rx_hash.h, tx_hash.h);
  EXPECT_GT(stats.up.dropped_for(vnet::DropReason::kLoss), 0);
  EXPECT_GT(stats.up.duplicated, 0);
  // The jitter really did reorder the data on its way to b (and the SACKs
  // on their way back), and duplicates really did arrive.
  EXPECT_GT(reorder.reordered("b"), 0u);
  EXPECT_GT(reorder.reordered("a"), 0u);
  EXPECT_GT(reorder.duplicates("b"), 0u);
  EXPECT_EQ(w.a->dtls_send_failures(), 0u);
  EXPECT_EQ(w.b->dtls_send_failures(), 0u);
}

}  // namespace
}  // namespace simrtc::transport_test
