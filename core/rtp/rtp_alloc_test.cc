// Proves RtpPacketView::Parse and RtpPacket::MarshalTo do not touch the heap:
// this binary links the counting global operator new of :alloc_counter.
#include <vector>

#include "core/rtp/alloc_counter.h"
#include "core/rtp/rtp_header_extensions.h"
#include "core/rtp/rtp_packet.h"
#include "gtest/gtest.h"

namespace simrtc::rtp {
namespace {

// Under ASan the sanitizer runtime owns operator new and the counter is
// blind; a zero count would then prove nothing.
constexpr char kInactive[] = "operator new belongs to a sanitizer runtime";

std::vector<uint8_t> VideoPacket() {
  RtpPacket p;
  p.set_payload_type(96);
  p.set_sequence_number(1000);
  p.set_timestamp(90000);
  p.set_ssrc(0x12345678);
  EXPECT_TRUE(WriteExtension(p, 3, AbsSendTime{0x123456}).ok());
  EXPECT_TRUE(WriteExtension(p, 5, TransportSequenceNumber{77}).ok());
  p.mutable_payload().assign(1200, 0xAB);
  return *p.Marshal();
}

TEST(RtpAllocTest, CounterSeesAllocations) {
  if (!testing::AllocationCounterActive()) GTEST_SKIP() << kInactive;
  const size_t before = testing::AllocationCount();
  auto p = RtpPacket::Parse(VideoPacket());  // owning copy: allocates
  ASSERT_TRUE(p.ok());
  EXPECT_GT(testing::AllocationCount(), before);
}

TEST(RtpAllocTest, ViewParseDoesNotAllocate) {
  if (!testing::AllocationCounterActive()) GTEST_SKIP() << kInactive;
  std::vector<uint8_t> raw = VideoPacket();
  const size_t before = testing::AllocationCount();
  uint64_t sum = 0;
  for (int i = 0; i < 1000; ++i) {
    auto v = RtpPacketView::Parse(raw);
    ASSERT_TRUE(v.ok());
    sum += v->sequence_number() + v->payload().size();
    sum += ReadExtension<TransportSequenceNumber>(*v, 5)->sequence_number;
    sum += ReadExtension<AbsSendTime>(*v, 3)->value;
  }
  EXPECT_EQ(testing::AllocationCount(), before);
  EXPECT_GT(sum, 0u);
}

TEST(RtpAllocTest, ManyExtensionsParseDoesNotAllocate) {
  if (!testing::AllocationCounterActive()) GTEST_SKIP() << kInactive;
  RtpPacket p;
  for (int id = 1; id <= 30; ++id) {
    std::vector<uint8_t> d(2, static_cast<uint8_t>(id));
    ASSERT_TRUE(p.SetExtension(static_cast<uint8_t>(id), d).ok());
  }
  std::vector<uint8_t> raw = *p.Marshal();
  const size_t before = testing::AllocationCount();
  auto v = RtpPacketView::Parse(raw);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->GetExtension(29).has_value());
  EXPECT_EQ(v->extension(25).id, 26);
  EXPECT_EQ(testing::AllocationCount(), before);
}

TEST(RtpAllocTest, MarshalToDoesNotAllocate) {
  if (!testing::AllocationCounterActive()) GTEST_SKIP() << kInactive;
  auto p = RtpPacket::Parse(VideoPacket());
  ASSERT_TRUE(p.ok());
  std::vector<uint8_t> buf(1500);
  const size_t before = testing::AllocationCount();
  for (int i = 0; i < 1000; ++i) {
    auto n = p->MarshalTo(buf);
    ASSERT_TRUE(n.ok());
  }
  EXPECT_EQ(testing::AllocationCount(), before);
}

}  // namespace
}  // namespace simrtc::rtp
