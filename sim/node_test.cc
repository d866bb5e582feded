#include "sim/node.h"

#include <vector>

#include "gtest/gtest.h"

namespace simrtc::sim {
namespace {

TEST(PercentileTest, NearestRank) {
  const std::vector<double> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(Percentile(v, 50), 5);
  EXPECT_EQ(Percentile(v, 95), 10);
  EXPECT_EQ(Percentile(v, 90), 9);
  EXPECT_EQ(Percentile(v, 0), 1);
  EXPECT_EQ(Percentile(v, 100), 10);
  EXPECT_EQ(Percentile({}, 50), 0);
  EXPECT_EQ(Percentile({7}, 95), 7);
}

class Probe : public QueueingNode {
 public:
  std::string_view kind() const override { return "probe"; }
  std::vector<SocketAddress> Bindings() const override { return {}; }
  void Start(Timestamp now) override { Reach("started", now); }
  void HandleDatagram(Timestamp now, const Datagram& d) override {
    Reach("got", now);
    Send(d.local, d.remote, d.payload);
    Send(d.local, d.remote, {});
  }
  void HandleTimeout(Timestamp) override {}
  std::optional<Timestamp> NextTimeout() const override { return {}; }
  NodeReport Report() const override {
    NodeReport r;
    r.states = states();
    return r;
  }
};

TEST(QueueingNodeTest, FifoTransmitsAndFirstReachedStates) {
  Probe p;
  p.Start(Timestamp::Millis(1));
  Datagram d;
  d.local = SocketAddress(IpAddress::V4(10, 0, 0, 1), 1);
  d.remote = SocketAddress(IpAddress::V4(10, 0, 0, 2), 2);
  d.payload = {1, 2, 3};
  p.HandleDatagram(Timestamp::Millis(5), d);
  p.HandleDatagram(Timestamp::Millis(9), d);
  auto t1 = p.PollTransmit();
  ASSERT_TRUE(t1.has_value());
  EXPECT_EQ(t1->payload.size(), 3u);
  EXPECT_EQ(t1->local, d.local);
  EXPECT_EQ(t1->remote, d.remote);
  auto t2 = p.PollTransmit();
  ASSERT_TRUE(t2.has_value());
  EXPECT_TRUE(t2->payload.empty());
  EXPECT_TRUE(p.PollTransmit().has_value());
  EXPECT_TRUE(p.PollTransmit().has_value());
  EXPECT_FALSE(p.PollTransmit().has_value());
  const NodeReport r = p.Report();
  EXPECT_EQ(r.states.at("started"), Timestamp::Millis(1));
  EXPECT_EQ(r.states.at("got"), Timestamp::Millis(5));  // first time only
}

}  // namespace
}  // namespace simrtc::sim
