#include <memory>
#include <string>
#include <vector>

#include "core/interceptor/interceptor.h"
#include "core/interceptor/mock_interceptor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::interceptor {
namespace {

using ::testing::ElementsAre;

rtp::RtpPacket MakePacket(uint16_t seq) {
  rtp::RtpPacket p;
  p.set_ssrc(1);
  p.set_sequence_number(seq);
  return p;
}

TEST(StreamInfoTest, LooksUpExtensionsAndFeedback) {
  StreamInfo info;
  info.header_extensions = {{"urn:a", 3}, {"urn:b", 5}};
  info.rtcp_feedback = {{"nack", ""}, {"nack", "pli"}};
  EXPECT_EQ(info.ExtensionId("urn:b"), 5);
  EXPECT_EQ(info.ExtensionId("urn:c"), std::nullopt);
  EXPECT_TRUE(info.HasFeedback("nack"));
  EXPECT_TRUE(info.HasFeedback("nack", "pli"));
  EXPECT_FALSE(info.HasFeedback("transport-cc"));
}

TEST(ChainTest, OutgoingInOrderIncomingReversed) {
  std::vector<std::string> log;
  Chain chain;
  chain.Add(std::make_unique<MockInterceptor>("a", &log));
  chain.Add(std::make_unique<MockInterceptor>("b", &log));
  rtp::RtpPacket p = MakePacket(7);
  chain.OnOutgoingRtp(Timestamp::Zero(), p);
  auto bytes = p.Marshal();
  ASSERT_TRUE(bytes.ok());
  auto view = rtp::RtpPacketView::Parse(*bytes);
  ASSERT_TRUE(view.ok());
  chain.OnIncomingRtp(Timestamp::Zero(), *view);
  std::vector<rtcp::Packet> rtcp = {rtcp::ReceiverReport{}};
  chain.OnIncomingRtcp(Timestamp::Zero(), rtcp);
  chain.OnOutgoingRtcp(Timestamp::Zero(), rtcp);
  StreamInfo info;
  info.ssrc = 9;
  chain.BindLocalStream(info);
  chain.BindRemoteStream(info);
  chain.UnbindLocalStream(9);
  chain.UnbindRemoteStream(9);
  EXPECT_THAT(
      log,
      ElementsAre("a:out_rtp:7", "b:out_rtp:7", "b:in_rtp:7", "a:in_rtp:7",
                  "b:in_rtcp:1", "a:in_rtcp:1", "a:out_rtcp:1", "b:out_rtcp:1",
                  "a:bind_local:9", "b:bind_local:9", "a:bind_remote:9",
                  "b:bind_remote:9", "a:unbind_local:9", "b:unbind_local:9",
                  "a:unbind_remote:9", "b:unbind_remote:9"));
}

TEST(ChainTest, AggregatesTimeouts) {
  Chain chain;
  EXPECT_EQ(chain.NextTimeout(), std::nullopt);
  auto a = std::make_unique<MockInterceptor>("a");
  auto b = std::make_unique<MockInterceptor>("b");
  auto c = std::make_unique<MockInterceptor>("c");
  a->timeout = Timestamp::Millis(30);
  c->timeout = Timestamp::Millis(20);
  MockInterceptor* pa = a.get();
  chain.Add(std::move(a));
  chain.Add(std::move(b));
  chain.Add(std::move(c));
  EXPECT_EQ(chain.NextTimeout(), Timestamp::Millis(20));
  chain.HandleTimeout(Timestamp::Millis(20));
  EXPECT_THAT(pa->log(), ElementsAre("a:timeout:20"));
}

TEST(ChainTest, EmittedPacketsPassOuterMembersOnce) {
  std::vector<std::string> log;
  Chain chain;
  auto inner = std::make_unique<MockInterceptor>("a", &log);
  MockInterceptor* a = inner.get();
  chain.Add(std::move(inner));
  chain.Add(std::make_unique<MockInterceptor>("b", &log));
  a->EmitRtp(MakePacket(42));
  a->EmitRtcp(rtcp::PictureLossIndication{1, 2});
  a->EmitRtcp(rtcp::PictureLossIndication{1, 3});

  std::optional<rtcp::Packet> r1 = chain.PollRtcp();
  ASSERT_TRUE(r1.has_value());
  EXPECT_EQ(std::get<rtcp::PictureLossIndication>(*r1).media_ssrc, 2u);
  std::optional<rtcp::Packet> r2 = chain.PollRtcp();
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(std::get<rtcp::PictureLossIndication>(*r2).media_ssrc, 3u);
  EXPECT_FALSE(chain.PollRtcp().has_value());
  std::optional<rtp::RtpPacket> rtp = chain.PollRtp();
  ASSERT_TRUE(rtp.has_value());
  EXPECT_EQ(rtp->sequence_number(), 42);
  EXPECT_FALSE(chain.PollRtp().has_value());
  // Only the outer member saw them; the emitter did not see its own.
  EXPECT_THAT(log, ElementsAre("b:out_rtcp:1", "b:out_rtcp:1", "b:out_rtp:42"));
}

TEST(RegistryTest, BuildsFreshChainsInOrder) {
  std::vector<std::string> log;
  Registry registry;
  registry.Add<NoOpInterceptor>();
  registry.Add([&log]() -> absl::StatusOr<std::unique_ptr<Interceptor>> {
    return std::make_unique<MockInterceptor>("m", &log);
  });
  auto c1 = registry.Build();
  auto c2 = registry.Build();
  ASSERT_TRUE(c1.ok());
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ((*c1)->size(), 2u);
  EXPECT_NE((*c1)->Find<MockInterceptor>(), (*c2)->Find<MockInterceptor>());
  EXPECT_NE((*c1)->Find<NoOpInterceptor>(), nullptr);
  EXPECT_EQ((*c1)->Find<Chain>(), nullptr);
}

TEST(RegistryTest, PropagatesFactoryError) {
  Registry registry;
  registry.Add([]() -> absl::StatusOr<std::unique_ptr<Interceptor>> {
    return absl::InvalidArgumentError("bad config");
  });
  EXPECT_EQ(registry.Build().status().code(),
            absl::StatusCode::kInvalidArgument);
  Registry nulls;
  nulls.Add([]() -> absl::StatusOr<std::unique_ptr<Interceptor>> {
    return std::unique_ptr<Interceptor>();
  });
  EXPECT_FALSE(nulls.Build().ok());
}

}  // namespace
}  // namespace simrtc::interceptor
