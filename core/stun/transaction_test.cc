#include "core/stun/transaction.h"

#include <vector>

#include "core/base/rng.h"
#include "core/stun/builder.h"
#include "core/stun/message.h"
#include "gtest/gtest.h"

namespace simrtc::stun {
namespace {

const SocketAddress kLocal(IpAddress::V4(10, 0, 0, 1), 5000);
const SocketAddress kServer(IpAddress::V4(192, 0, 2, 1), 3478);

std::vector<uint8_t> Request(Rng& rng) {
  return MessageBuilder(Method::kBinding, Class::kRequest, rng)
      .AddFingerprint()
      .Build()
      .value();
}

std::vector<uint8_t> ResponseTo(const std::vector<uint8_t>& req) {
  auto m = Message::Parse(req).value();
  return MessageBuilder(Method::kBinding, Class::kSuccess, m.transaction_id())
      .AddXorMappedAddress(kLocal)
      .Build()
      .value();
}

TEST(ClientTransactionTest, RetransmitScheduleAndTimeout) {
  Rng rng(1);
  auto t =
      ClientTransaction::Start(Timestamp::Zero(), Request(rng), kLocal, kServer)
          .value();
  std::vector<int64_t> sent_ms;
  Timestamp now = Timestamp::Zero();
  while (true) {
    while (auto tx = t.PollTransmit()) {
      EXPECT_EQ(tx->remote, kServer);
      EXPECT_EQ(tx->local, kLocal);
      sent_ms.push_back(now.ms());
    }
    auto next = t.NextTimeout();
    if (!next) break;
    now = *next;
    t.HandleTimeout(now);
  }
  EXPECT_EQ(sent_ms,
            (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_EQ(now.ms(), 39500);
  EXPECT_EQ(t.state(), ClientTransaction::State::kTimedOut);
  auto e = t.PollEvent();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, TransactionEvent::Kind::kTimeout);
  EXPECT_FALSE(t.PollEvent());
}

TEST(ClientTransactionTest, ResponseStopsRetransmission) {
  Rng rng(2);
  auto req = Request(rng);
  auto t =
      ClientTransaction::Start(Timestamp::Zero(), req, kLocal, kServer).value();
  ASSERT_TRUE(t.PollTransmit());
  t.HandleTimeout(Timestamp::Millis(500));
  ASSERT_TRUE(t.PollTransmit());
  auto resp = ResponseTo(req);
  EXPECT_TRUE(t.HandleResponse(Timestamp::Millis(600), resp));
  EXPECT_FALSE(t.HandleResponse(Timestamp::Millis(601), resp));  // duplicate
  EXPECT_FALSE(t.NextTimeout());
  auto e = t.PollEvent();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, TransactionEvent::Kind::kResponse);
  EXPECT_EQ(e->response, resp);
  t.HandleTimeout(Timestamp::Seconds(100));
  EXPECT_FALSE(t.PollTransmit());
}

TEST(ClientTransactionTest, IgnoresOtherIdsAndRequests) {
  Rng rng(3);
  auto req = Request(rng);
  auto t =
      ClientTransaction::Start(Timestamp::Zero(), req, kLocal, kServer).value();
  EXPECT_FALSE(t.HandleResponse(Timestamp::Zero(), ResponseTo(Request(rng))));
  EXPECT_FALSE(t.HandleResponse(Timestamp::Zero(), req));  // a request echo
  std::vector<uint8_t> junk = {1, 2, 3};
  EXPECT_FALSE(t.HandleResponse(Timestamp::Zero(), junk));
  EXPECT_FALSE(
      ClientTransaction::Start(Timestamp::Zero(), junk, kLocal, kServer).ok());
}

TEST(TransactionTableTest, RoutesResponsesAndTimesOut) {
  Rng rng(4);
  TransactionTable table;
  auto a = Request(rng), b = Request(rng);
  auto ida = table.Start(Timestamp::Zero(), a, kLocal, kServer).value();
  auto idb = table.Start(Timestamp::Zero(), b, kLocal, kServer).value();
  EXPECT_FALSE(table.Start(Timestamp::Zero(), a, kLocal, kServer).ok());
  int n = 0;
  while (table.PollTransmit()) ++n;
  EXPECT_EQ(n, 2);
  EXPECT_TRUE(table.HandleResponse(Timestamp::Millis(10), ResponseTo(b)));
  auto e = table.PollEvent();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->id, idb);
  EXPECT_EQ(e->kind, TransactionEvent::Kind::kResponse);
  EXPECT_EQ(table.size(), 1u);
  Timestamp now = Timestamp::Zero();
  while (auto next = table.NextTimeout()) {
    now = *next;
    table.HandleTimeout(now);
  }
  e = table.PollEvent();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->id, ida);
  EXPECT_EQ(e->kind, TransactionEvent::Kind::kTimeout);
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace simrtc::stun
