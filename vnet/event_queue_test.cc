#include "vnet/event_queue.h"

#include <vector>

#include "gtest/gtest.h"

namespace simrtc::vnet {
namespace {

TEST(EventQueueTest, OrdersByTimeThenInsertion) {
  EventQueue q;
  q.Push(Timestamp::Micros(30), 0);
  q.Push(Timestamp::Micros(10), 1);
  q.Push(Timestamp::Micros(30), 2);
  q.Push(Timestamp::Micros(10), 3);
  q.Push(Timestamp::Micros(20), 4);
  for (uint32_t i = 5; i < 50; ++i) q.Push(Timestamp::Micros(20), i);
  EXPECT_EQ(q.NextTime(), Timestamp::Micros(10));
  std::vector<uint32_t> order;
  while (auto e = q.PopDue(Timestamp::Micros(30))) order.push_back(e->slot);
  std::vector<uint32_t> want = {1, 3, 4};
  for (uint32_t i = 5; i < 50; ++i) want.push_back(i);
  want.push_back(0);
  want.push_back(2);
  EXPECT_EQ(order, want);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.NextTime().has_value());
}

TEST(EventQueueTest, PopDueRespectsNow) {
  EventQueue q;
  q.Push(Timestamp::Micros(100), 7);
  EXPECT_FALSE(q.PopDue(Timestamp::Micros(99)).has_value());
  auto e = q.PopDue(Timestamp::Micros(100));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->slot, 7u);
  EXPECT_EQ(e->at_us, 100);
}

}  // namespace
}  // namespace simrtc::vnet
