#include "core/rtcp/transport_cc.h"

#include <string>

#include "core/base/rng.h"
#include "core/rtcp/packet.h"
#include "core/rtcp/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::rtcp {
namespace {

using testing::Bytes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MarshalOne;
using testing::ParseOne;
using testing::TryMarshal;

using S = StatusSymbol;
using ChunkType = PacketStatusChunk::Type;

std::string ErrorOf(const std::vector<uint8_t>& bytes) {
  auto p = ParseOne(bytes);
  EXPECT_FALSE(p.ok());
  return std::string(p.status().message());
}

// The examples of draft-holmer-rmcat-transport-wide-cc-extensions-01
// sections 3.1.3 and 3.1.4. (The draft's run-length example 2 and vector
// example 2 use symbol 11, which -01 marks reserved; they still decode.)
TEST(PacketStatusChunkTest, DraftExamples) {
  // |0|0 0|0 0 0 0 0 1 1 0 1 1 1 0 1|: "packet not received" run of 221.
  PacketStatusChunk c = PacketStatusChunk::Decode(0x00DD);
  EXPECT_EQ(c, PacketStatusChunk::RunLength(S::kNotReceived, 221));
  EXPECT_EQ(*c.Encode(), 0x00DD);
  // |0|1 1|0 0 0 0 0 0 0 0 1 1 0 0 0|: run of symbol 3, length 24.
  c = PacketStatusChunk::Decode(0x6018);
  EXPECT_EQ(c, PacketStatusChunk::RunLength(S::kReserved, 24));
  EXPECT_EQ(*c.Encode(), 0x6018);
  // |1|0|0 1 1 1 1 1 0 0 0 1 1 1 0 0|: 1 not received, 5 received, 3 not
  // received, 3 received, 2 not received.
  c = PacketStatusChunk::Decode(0x9F1C);
  EXPECT_EQ(c.type, ChunkType::kOneBitVector);
  ASSERT_EQ(c.symbol_count(), 14u);
  const int expect1[] = {0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0};
  for (size_t i = 0; i < 14; ++i) {
    EXPECT_EQ(static_cast<int>(c.symbol(i)), expect1[i]) << i;
  }
  EXPECT_EQ(*c.Encode(), 0x9F1C);
  // |1|1|0 0 1 1 0 1 0 1 0 1 0 0 0 0|: not received, symbol 3, 3 received
  // (small delta), 2 not received.
  c = PacketStatusChunk::Decode(0xCD50);
  EXPECT_EQ(c.type, ChunkType::kTwoBitVector);
  ASSERT_EQ(c.symbol_count(), 7u);
  const int expect2[] = {0, 3, 1, 1, 1, 0, 0};
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(static_cast<int>(c.symbol(i)), expect2[i]) << i;
  }
  EXPECT_EQ(*c.Encode(), 0xCD50);
}

TEST(PacketStatusChunkTest, EncodeRejectsUnrepresentable) {
  EXPECT_FALSE(
      PacketStatusChunk::RunLength(S::kSmallDelta, 8192).Encode().ok());
  PacketStatusChunk c;
  c.type = ChunkType::kOneBitVector;
  c.symbols[3] = S::kLargeDelta;
  EXPECT_FALSE(c.Encode().ok());
}

// Status count 4 from sequence number 5: small, not received, large (-16
// ticks), small; one two-bit vector chunk; 2 bytes of RTCP padding.
const std::vector<uint8_t> kFeedback = Bytes({
    0xAF, 0xCD, 0x00, 0x06,  // V=2 P=1 FMT=15, PT=205, length 6
    0x00, 0x00, 0x00, 0x01,  // sender SSRC
    0x00, 0x00, 0x00, 0x02,  // media SSRC
    0x00, 0x05, 0x00, 0x04,  // base seq 5, status count 4
    0x00, 0x01, 0x02, 0x07,  // reference time 258, fb pkt count 7
    0xD2, 0x40,              // |1|1|01 00 10 01 00 00 00|
    0x04, 0xFF, 0xF0, 0x10,  // deltas: 4, -16 (large), 16
    0x00, 0x02,              // padding
});

TEST(TransportCcTest, ParsesKnownBytes) {
  auto p = ParseOne(kFeedback);
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& fb = std::get<TransportCcFeedback>(*p);
  EXPECT_EQ(fb.sender_ssrc, 1u);
  EXPECT_EQ(fb.media_ssrc, 2u);
  EXPECT_EQ(fb.base_sequence_number, 5);
  EXPECT_EQ(fb.packet_status_count, 4);
  EXPECT_EQ(fb.reference_time, 258u);
  EXPECT_EQ(fb.feedback_packet_count, 7);
  ASSERT_EQ(fb.chunks.size(), 1u);
  EXPECT_EQ(fb.chunks[0].type, ChunkType::kTwoBitVector);
  EXPECT_THAT(fb.recv_deltas, ElementsAre(4, -16, 16));
  EXPECT_THAT(DestinationSsrcs(*p), ElementsAre(2u));

  auto results = fb.GetPacketResults();
  ASSERT_TRUE(results.ok()) << results.status();
  const int64_t ref = 258 * 64000;
  EXPECT_THAT(
      *results,
      ElementsAre(
          TransportCcFeedback::PacketResult{5, Timestamp::Micros(ref + 1000)},
          TransportCcFeedback::PacketResult{6, std::nullopt},
          TransportCcFeedback::PacketResult{7, Timestamp::Micros(ref - 3000)},
          TransportCcFeedback::PacketResult{8, Timestamp::Micros(ref + 1000)}));
  EXPECT_EQ(MarshalOne(*p), kFeedback);
}

TEST(TransportCcTest, AcceptsPlainTrailingZeros) {
  auto bytes = kFeedback;
  bytes[0] = 0x8F;  // no P bit: the last two bytes are just zeros
  bytes.back() = 0;
  auto p = ParseOne(bytes);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(MarshalOne(*p), kFeedback);
}

TEST(TransportCcTest, RejectsLies) {
  // 8 statuses but the only chunk covers 7.
  auto bytes = Bytes({0xAF, 0xCD, 0x00, 0x05, 0,    0,    0,    1,
                      0,    0,    0,    2,    0x00, 0x05, 0x00, 0x08,
                      0x00, 0x01, 0x02, 0x07, 0xD2, 0x40, 0x00, 0x02});
  EXPECT_THAT(ErrorOf(bytes),
              HasSubstr("RTCP TWCC at offset 0: packet status chunk 1 (7 of 8 "
                        "statuses covered) at offset 22"));
  bytes = kFeedback;
  bytes[20] = 0xDA;  // |1|1|01 10 10 01 ..|: one more large delta
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("receive delta of sequence number 7 "
                                        "at offset 25: truncated: need 2 "
                                        "bytes, have 1"));
  bytes = kFeedback;
  bytes[20] = 0xDE;  // symbol 3 for sequence number 6
  EXPECT_THAT(ErrorOf(bytes),
              HasSubstr("reserved symbol 3 for sequence number 6"));
  // Symbols past the status count are ignored, even reserved ones.
  bytes = kFeedback;
  bytes[21] = 0x70;
  EXPECT_TRUE(ParseOne(bytes).ok());
  bytes = Bytes({0x8F, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1});
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("fixed fields at offset 4: truncated: "
                                        "need 16 bytes, have 12"));
  // A run of 1 small delta followed by 4 spare bytes.
  bytes =
      Bytes({0x8F, 0xCD, 0x00, 0x06, 0, 0, 0,    1,    0,    0, 0, 2, 0, 1,
             0,    1,    0,    0,    0, 0, 0x20, 0x01, 0x05, 0, 0, 0, 0, 0});
  EXPECT_THAT(ErrorOf(bytes), HasSubstr("trailing data at offset 23: 5 bytes"));
}

TEST(TransportCcTest, MarshalRejectsInconsistentStructs) {
  auto parsed = ParseOne(kFeedback);
  ASSERT_TRUE(parsed.ok());
  const auto good = std::get<TransportCcFeedback>(*parsed);
  auto fails = [](const TransportCcFeedback& fb, const char* msg) {
    auto out = TryMarshal(Packet(fb));
    ASSERT_FALSE(out.ok()) << msg;
    EXPECT_THAT(std::string(out.status().message()), HasSubstr(msg));
  };
  auto fb = good;
  fb.packet_status_count = 8;
  fails(fb, "chunks cover 7 of 8 statuses");
  fb = good;
  fb.chunks.push_back(PacketStatusChunk::RunLength(S::kNotReceived, 3));
  fails(fb, "chunk 1 is beyond the 4 statuses");
  fb = good;
  fb.recv_deltas.pop_back();
  fails(fb, "only 2 deltas");
  fb = good;
  fb.recv_deltas.push_back(1);
  fails(fb, "4 deltas for 3 received statuses");
  fb = good;
  fb.recv_deltas[0] = 256;
  fails(fb, "delta 256 of status 0 does not fit its small symbol");
  fb = good;
  fb.recv_deltas[1] = 40000;
  fails(fb, "does not fit its large symbol");
  fb = good;
  fb.reference_time = 1 << 24;
  fails(fb, "exceeds 24 bits");
}

TEST(TransportCcTest, BuildAndReadBack) {
  // Times on the 250 us grid read back exactly.
  const int64_t t0 = 1000 * 64000 + 123 * 250;  // not a reference multiple
  std::vector<ReceivedPacket> rx = {
      {65530, Timestamp::Micros(t0)},
      {65531, Timestamp::Micros(t0 + 250)},
      {65533, Timestamp::Micros(t0 + 64500)},  // 257 ticks: large
      {65535, Timestamp::Micros(t0 + 60000)},  // earlier: negative
      {3, Timestamp::Micros(t0 + 70000)},      // across the wrap
  };
  auto fb = BuildTransportCcFeedback(11, 22, 3, rx);
  ASSERT_TRUE(fb.ok()) << fb.status();
  EXPECT_EQ(fb->base_sequence_number, 65530);
  EXPECT_EQ(fb->packet_status_count, 10);
  EXPECT_EQ(fb->reference_time, 1000u);
  EXPECT_EQ(fb->feedback_packet_count, 3);
  auto results = fb->GetPacketResults();
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 10u);
  size_t next = 0;
  for (const auto& r : *results) {
    if (next < rx.size() && r.sequence_number == rx[next].sequence_number) {
      ASSERT_TRUE(r.arrival_time.has_value()) << r.sequence_number;
      EXPECT_EQ(*r.arrival_time, rx[next].arrival_time);
      ++next;
    } else {
      EXPECT_FALSE(r.arrival_time.has_value()) << r.sequence_number;
    }
  }
  EXPECT_EQ(next, rx.size());
  // And the wire form round-trips.
  Packet in = *fb;
  auto back = ParseOne(MarshalOne(in));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, in);
}

TEST(TransportCcTest, BuildTruncatesToTheGrid) {
  std::vector<ReceivedPacket> rx = {{1, Timestamp::Micros(64000 + 499)},
                                    {2, Timestamp::Micros(64000 + 751)}};
  auto fb = BuildTransportCcFeedback(1, 2, 0, rx);
  ASSERT_TRUE(fb.ok());
  auto r = fb->GetPacketResults();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*(*r)[0].arrival_time, Timestamp::Micros(64000 + 250));
  EXPECT_EQ(*(*r)[1].arrival_time, Timestamp::Micros(64000 + 750));
}

TEST(TransportCcTest, BuildChoosesCompactChunks) {
  // 100 consecutive small deltas: one run-length chunk.
  std::vector<ReceivedPacket> rx;
  for (int i = 0; i < 100; ++i) {
    rx.push_back({static_cast<uint16_t>(i), Timestamp::Millis(i)});
  }
  auto fb = BuildTransportCcFeedback(1, 2, 0, rx);
  ASSERT_TRUE(fb.ok());
  ASSERT_EQ(fb->chunks.size(), 1u);
  EXPECT_EQ(fb->chunks[0], PacketStatusChunk::RunLength(S::kSmallDelta, 100));
  // Alternating received / lost, small deltas only: one-bit vectors.
  rx.clear();
  for (int i = 0; i < 28; i += 2) {
    rx.push_back({static_cast<uint16_t>(i), Timestamp::Millis(i)});
  }
  fb = BuildTransportCcFeedback(1, 2, 0, rx);
  ASSERT_TRUE(fb.ok());
  EXPECT_EQ(fb->packet_status_count, 27);
  ASSERT_EQ(fb->chunks.size(), 2u);
  EXPECT_EQ(fb->chunks[0].type, ChunkType::kOneBitVector);
  EXPECT_EQ(fb->chunks[1].type, ChunkType::kOneBitVector);
  // A large delta among mixed statuses needs a two-bit vector.
  rx = {{0, Timestamp::Millis(0)},
        {2, Timestamp::Millis(100)},
        {3, Timestamp::Millis(101)}};
  fb = BuildTransportCcFeedback(1, 2, 0, rx);
  ASSERT_TRUE(fb.ok());
  ASSERT_EQ(fb->chunks.size(), 1u);
  EXPECT_EQ(fb->chunks[0].type, ChunkType::kTwoBitVector);
  // A long gap of losses becomes its own run.
  rx = {{0, Timestamp::Millis(0)}, {1000, Timestamp::Millis(1)}};
  fb = BuildTransportCcFeedback(1, 2, 0, rx);
  ASSERT_TRUE(fb.ok());
  ASSERT_EQ(fb->chunks.size(), 3u);
  EXPECT_EQ(fb->chunks[0].type, ChunkType::kOneBitVector);
  EXPECT_EQ(fb->chunks[1], PacketStatusChunk::RunLength(S::kNotReceived, 986));
  EXPECT_EQ(fb->chunks[2], PacketStatusChunk::RunLength(S::kSmallDelta, 1));
}

TEST(TransportCcTest, BuildErrors) {
  EXPECT_FALSE(BuildTransportCcFeedback(1, 2, 0, {}).ok());
  std::vector<ReceivedPacket> rx = {{5, Timestamp::Millis(0)},
                                    {5, Timestamp::Millis(1)}};
  EXPECT_THAT(
      std::string(BuildTransportCcFeedback(1, 2, 0, rx).status().message()),
      HasSubstr("sequence number 5 at index 1 does not follow 5"));
  rx = {{5, Timestamp::Millis(0)}, {6, Timestamp::Millis(8200)}};
  EXPECT_EQ(BuildTransportCcFeedback(1, 2, 0, rx).status().code(),
            absl::StatusCode::kOutOfRange);
  rx = {{5, Timestamp::Millis(8200)}, {6, Timestamp::Millis(0)}};
  EXPECT_EQ(BuildTransportCcFeedback(1, 2, 0, rx).status().code(),
            absl::StatusCode::kOutOfRange);
  // Each step is "newer", but together they span more than 65535.
  rx.clear();
  for (int i = 0; i < 5; ++i) {
    rx.push_back({static_cast<uint16_t>(i * 20000), Timestamp::Millis(i)});
  }
  EXPECT_THAT(
      std::string(BuildTransportCcFeedback(1, 2, 0, rx).status().message()),
      HasSubstr("more than 65535"));
}

TEST(TransportCcTest, RandomFeedbackRoundTrips) {
  Rng rng(42);
  for (int iter = 0; iter < 200; ++iter) {
    std::vector<ReceivedPacket> rx;
    uint16_t seq = static_cast<uint16_t>(rng.NextU32());
    int64_t t = rng.UniformInt(0, int64_t{1} << 40);
    const int n = static_cast<int>(rng.UniformInt(1, 300));
    for (int i = 0; i < n; ++i) {
      rx.push_back({seq, Timestamp::Micros(t)});
      seq = static_cast<uint16_t>(seq + rng.UniformInt(1, 20));
      t += rng.UniformInt(-20000, 100000);
    }
    auto fb = BuildTransportCcFeedback(1, 2, static_cast<uint8_t>(iter), rx);
    ASSERT_TRUE(fb.ok()) << fb.status();
    Packet in = *fb;
    auto wire = MarshalOne(in);
    ASSERT_EQ(wire.size(), MarshalSize(in));
    auto back = ParseOne(wire);
    ASSERT_TRUE(back.ok()) << back.status();
    ASSERT_EQ(*back, in);
    auto results = fb->GetPacketResults();
    ASSERT_TRUE(results.ok());
    // Read-back times differ from the input only by grid truncation and the
    // 24-bit wrap of the reference time.
    const int64_t wrap = (int64_t{1} << 24) * 64000;
    size_t next = 0;
    for (const auto& r : *results) {
      if (!r.arrival_time) continue;
      ASSERT_LT(next, rx.size());
      EXPECT_EQ(r.sequence_number, rx[next].sequence_number);
      int64_t diff = rx[next].arrival_time.us() - r.arrival_time->us();
      diff %= wrap;
      if (diff < 0) diff += wrap;
      EXPECT_LT(diff, 250);
      ++next;
    }
    EXPECT_EQ(next, rx.size());
  }
}

}  // namespace
}  // namespace simrtc::rtcp
