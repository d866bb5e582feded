#include "sim/nodes/bulk_receiver.h"

#include "core/base/byte_io.h"
#include "core/base/sans_io.h"
#include "gtest/gtest.h"
#include "sim/nodes/bulk_wire.h"

namespace simrtc::sim {
namespace {

static_assert(SansIoEndpoint<BulkReceiver>);

Datagram Data(uint64_t seq, Timestamp sent, size_t size = 1000) {
  Datagram d;
  d.local = SocketAddress(IpAddress::V4(10, 0, 0, 1), 6001);
  d.remote = SocketAddress(IpAddress::V4(10, 0, 0, 2), 6000);
  d.payload.assign(size, 0);
  StoreBE32(d.payload.data(), bulk::kDataMagic);
  StoreBE64(d.payload.data() + 4, seq);
  StoreBE64(d.payload.data() + 12, static_cast<uint64_t>(sent.us()));
  return d;
}

TEST(BulkReceiverTest, GoodputDelayLossAndAcks) {
  BulkReceiver rx({});
  rx.Start(Timestamp::Zero());
  // 11 packets of 1000 bytes, one every 8 ms (1 Mbit/s), seq 5 missing,
  // delay growing from 10 ms by 1 ms per packet.
  int delivered = 0;
  for (int k = 0; k <= 11; ++k) {
    if (k == 5) continue;
    const Timestamp sent = Timestamp::Millis(8 * k);
    rx.HandleDatagram(sent + TimeDelta::Millis(10 + k), Data(k, sent));
    ++delivered;
  }
  int acks = 0;
  while (auto t = rx.PollTransmit()) {
    ASSERT_EQ(t->payload.size(), bulk::kAckSize);
    EXPECT_EQ(t->remote.port(), 6000);
    ++acks;
  }
  EXPECT_EQ(acks, delivered);
  rx.HandleDatagram(Timestamp::Millis(200), Data(3, Timestamp::Millis(24)));
  const NodeReport r = rx.Report();
  EXPECT_EQ(r.metrics.at("packets_received"), 11);
  EXPECT_EQ(r.metrics.at("duplicates"), 1);
  EXPECT_EQ(r.metrics.at("lost"), 1);
  EXPECT_EQ(r.metrics.at("owd_min_ms"), 10);
  EXPECT_EQ(r.metrics.at("owd_max_ms"), 21);
  EXPECT_EQ(r.metrics.at("owd_first_ms"), 10);
  EXPECT_EQ(r.metrics.at("owd_last_ms"), 21);
  // 10 packets after the first, arriving between 10 ms and 88 + 21 ms.
  EXPECT_NEAR(r.metrics.at("goodput_bps"), 10 * 8000 / 0.099, 1e-6);
  EXPECT_NEAR(r.metrics.at("wire_goodput_bps"), 10 * 8224 / 0.099, 1e-6);
}

TEST(BulkReceiverTest, CountsForeignAndSurvivesGarbage) {
  BulkReceiverConfig c;
  c.ack = false;
  BulkReceiver rx(c);
  rx.Start(Timestamp::Zero());
  Datagram d = Data(1ull << 60, Timestamp::Zero());
  rx.HandleDatagram(Timestamp::Millis(1), d);  // absurd sequence number
  d.payload.resize(5);
  rx.HandleDatagram(Timestamp::Millis(2), d);
  EXPECT_FALSE(rx.PollTransmit().has_value());
  EXPECT_EQ(rx.Report().metrics.at("foreign"), 2);
  EXPECT_EQ(rx.Report().metrics.at("packets_received"), 0);
}

}  // namespace
}  // namespace simrtc::sim
