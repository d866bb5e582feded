// Parse must not touch the heap for ordinary messages; typed getters that
// return views or scalars must not either. Counted with a replaced global
// operator new, which is why this test is its own binary.
#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "core/stun/builder.h"
#include "core/stun/channel_data.h"
#include "core/stun/message.h"
#include "core/stun/test_vectors.h"
#include "gtest/gtest.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// None of these are inlined: GCC would otherwise pair malloc/free with
// new/delete at call sites and flag a mismatch (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](std::size_t n) {
  return operator new(n);
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace simrtc::stun {
namespace {

long Allocations() { return g_allocations.load(std::memory_order_relaxed); }

TEST(ParseAllocTest, CountingWorks) {
  const long before = Allocations();
  auto* v = new std::vector<int>(100);
  delete v;
  EXPECT_GE(Allocations() - before, 2);
}

TEST(ParseAllocTest, ParseAndGettersDoNotAllocate) {
  const auto request = testing::Hex(testing::kSampleRequest);
  const auto response = testing::Hex(testing::kSampleIpv6Response);
  TransactionId txid;
  const auto turn =
      MessageBuilder(Method::kSend, Class::kIndication, txid)
          .AddXorPeerAddress(SocketAddress::Parse("[2001:db8::1]:9").value())
          .AddData(std::vector<uint8_t>(200, 7))
          .AddDontFragment()
          .AddFingerprint()
          .Build()
          .value();
  const auto channel = BuildChannelData(0x4001, turn).value();

  const long before = Allocations();
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(IsStunMessage(request));
    auto req = Message::Parse(request);
    ASSERT_TRUE(req.ok());
    EXPECT_TRUE(req->GetUsername().ok());
    EXPECT_TRUE(req->GetPriority().ok());
    EXPECT_TRUE(req->GetIceControlled().ok());
    EXPECT_FALSE(req->HasUseCandidate());
    EXPECT_TRUE(req->Find(AttributeType::kSoftware).has_value());
    EXPECT_TRUE(UnknownComprehensionRequired(*req).empty());

    auto resp = Message::Parse(response);
    ASSERT_TRUE(resp.ok());
    EXPECT_TRUE(resp->GetXorMappedAddress().ok());

    auto ind = Message::Parse(turn);
    ASSERT_TRUE(ind.ok());
    EXPECT_TRUE(ind->GetXorPeerAddress().ok());
    EXPECT_TRUE(ind->GetData().ok());
    EXPECT_TRUE(ind->VerifyFingerprint().ok());

    EXPECT_TRUE(IsChannelData(channel));
    EXPECT_TRUE(ParseChannelData(channel).ok());
  }
  EXPECT_EQ(Allocations() - before, 0);
}

TEST(ParseAllocTest, CallerBufferBuilderDoesNotAllocate) {
  std::array<uint8_t, 256> buf;
  TransactionId txid;
  const long before = Allocations();
  MessageBuilder b(Method::kBinding, Class::kSuccess, txid, buf);
  b.AddXorMappedAddress(SocketAddress(IpAddress::V4(192, 0, 2, 1), 3478))
      .AddSoftware("simrtc")
      .AddFingerprint();
  EXPECT_TRUE(b.Finish().ok());
  EXPECT_EQ(Allocations() - before, 0);
}

}  // namespace
}  // namespace simrtc::stun
