#include "core/base/byte_io.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "absl/strings/match.h"

namespace simrtc {
namespace {

TEST(ByteReaderTest, ReadsBigEndianFields) {
  const std::array<uint8_t, 18> data = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                                        0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
                                        0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12};
  ByteReader r(data);
  uint8_t u8;
  uint16_t u16;
  uint32_t u24, u32;
  uint64_t u64;
  ASSERT_TRUE(r.ReadU8(u8).ok());
  ASSERT_TRUE(r.ReadU16(u16).ok());
  ASSERT_TRUE(r.ReadU24(u24).ok());
  ASSERT_TRUE(r.ReadU32(u32).ok());
  ASSERT_TRUE(r.ReadU64(u64).ok());
  EXPECT_EQ(u8, 0x01);
  EXPECT_EQ(u16, 0x0203);
  EXPECT_EQ(u24, 0x040506u);
  EXPECT_EQ(u32, 0x0708090au);
  EXPECT_EQ(u64, 0x0b0c0d0e0f101112ull);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, ShortReadNamesFieldAndOffsetAndDoesNotAdvance) {
  const std::array<uint8_t, 3> data = {1, 2, 3};
  ByteReader r(data);
  uint16_t v;
  ASSERT_TRUE(r.ReadU16(v).ok());
  uint32_t w;
  absl::Status s = r.ReadU32(w, "message length");
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(absl::StrContains(s.message(), "message length")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "offset 2")) << s;
  EXPECT_EQ(r.offset(), 2u);
  uint8_t last;
  EXPECT_TRUE(r.ReadU8(last).ok());
  EXPECT_EQ(last, 3);
}

TEST(ByteReaderTest, BytesViewsSkipAndSeek) {
  const std::array<uint8_t, 6> data = {9, 8, 7, 6, 5, 4};
  ByteReader r(data);
  ByteSpan view;
  ASSERT_TRUE(r.ReadBytes(2, view).ok());
  EXPECT_EQ(view.data(), data.data());
  EXPECT_EQ(view.size(), 2u);
  ASSERT_TRUE(r.Skip(1).ok());
  std::array<uint8_t, 2> copy{};
  ASSERT_TRUE(r.CopyBytes(copy).ok());
  EXPECT_EQ(copy[0], 6);
  EXPECT_EQ(copy[1], 5);
  EXPECT_EQ(r.Rest().size(), 1u);
  EXPECT_FALSE(r.ReadBytes(2, view).ok());
  EXPECT_FALSE(r.Skip(5).ok());
  ASSERT_TRUE(r.Seek(0).ok());
  EXPECT_EQ(r.remaining(), 6u);
  EXPECT_FALSE(r.Seek(7).ok());
  EXPECT_TRUE(r.Seek(6).ok());
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, EmptyInputFailsCleanly) {
  ByteReader r(ByteSpan{});
  uint8_t v;
  EXPECT_FALSE(r.ReadU8(v).ok());
  ByteSpan view;
  EXPECT_TRUE(r.ReadBytes(0, view).ok());
}

TEST(ByteWriterTest, GrowableAppendsAfterExistingContent) {
  std::vector<uint8_t> out = {0xaa};
  ByteWriter w(out);
  ASSERT_TRUE(w.WriteU8(1).ok());
  ASSERT_TRUE(w.WriteU16(0x0203).ok());
  ASSERT_TRUE(w.WriteU24(0x040506).ok());
  ASSERT_TRUE(w.WriteU32(0x0708090a).ok());
  ASSERT_TRUE(w.WriteU64(0x0b0c0d0e0f101112ull).ok());
  ASSERT_TRUE(w.WriteString("hi").ok());
  ASSERT_TRUE(w.WriteZeros(2).ok());
  EXPECT_EQ(w.size(), 22u);
  ASSERT_EQ(out.size(), 23u);
  EXPECT_EQ(out[0], 0xaa);
  EXPECT_EQ(out[1], 1);
  EXPECT_EQ(out[2], 2);
  EXPECT_EQ(out[19], 'h');
  EXPECT_EQ(out[22], 0);
  // Back-patching is relative to where the writer started.
  *w.At(0) = 0x55;
  EXPECT_EQ(out[1], 0x55);
}

TEST(ByteWriterTest, FixedSpanRefusesOverflowWithoutWriting) {
  std::array<uint8_t, 3> buf{};
  ByteWriter w{MutableByteSpan(buf)};
  ASSERT_TRUE(w.WriteU16(0xbeef).ok());
  absl::Status s = w.WriteU32(1);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(w.size(), 2u);
  EXPECT_EQ(w.capacity_left(), 1u);
  EXPECT_TRUE(w.WriteU8(7).ok());
  EXPECT_EQ(buf[0], 0xbe);
  EXPECT_EQ(buf[2], 7);
}

TEST(ByteIoTest, RoundTrip) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  for (uint32_t i = 0; i < 100; ++i) ASSERT_TRUE(w.WriteU32(i * 7919).ok());
  ByteReader r(out);
  for (uint32_t i = 0; i < 100; ++i) {
    uint32_t v;
    ASSERT_TRUE(r.ReadU32(v).ok());
    EXPECT_EQ(v, i * 7919);
  }
  EXPECT_TRUE(r.empty());
}

}  // namespace
}  // namespace simrtc
