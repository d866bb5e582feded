#include "core/rtp/rtp_packet.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::rtp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<uint8_t> Bytes(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v) out.push_back(static_cast<uint8_t>(b));
  return out;
}

std::vector<uint8_t> ToVec(ByteSpan s) { return {s.begin(), s.end()}; }

// RFC 3550 5.1 layout, written out by hand: V=2 P=0 X=0 CC=0 | M=0 PT=96 |
// seq 0x1234 | ts 0x56789ABC | SSRC 0xDEADBEEF, then a 3-byte payload.
TEST(RtpPacketViewTest, ParsesFixedHeader) {
  auto raw = Bytes({0x80, 0x60, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xAD,
                    0xBE, 0xEF, 0x01, 0x02, 0x03});
  auto v = RtpPacketView::Parse(raw);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_FALSE(v->has_padding());
  EXPECT_FALSE(v->has_extension());
  EXPECT_FALSE(v->marker());
  EXPECT_EQ(v->payload_type(), 96);
  EXPECT_EQ(v->sequence_number(), 0x1234);
  EXPECT_EQ(v->timestamp(), 0x56789ABCu);
  EXPECT_EQ(v->ssrc(), 0xDEADBEEFu);
  EXPECT_EQ(v->csrc_count(), 0u);
  EXPECT_EQ(v->header_size(), 12u);
  EXPECT_EQ(v->extension_profile(), ExtensionProfile::kNone);
  EXPECT_THAT(ToVec(v->payload()), ElementsAre(1, 2, 3));
  EXPECT_EQ(v->padding_size(), 0);
}

// CC=2, M=1, PT=111.
TEST(RtpPacketViewTest, ParsesMarkerAndCsrcs) {
  auto raw =
      Bytes({0x82, 0xEF, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
             0x03, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xAA});
  auto v = RtpPacketView::Parse(raw);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->marker());
  EXPECT_EQ(v->payload_type(), 111);
  ASSERT_EQ(v->csrc_count(), 2u);
  EXPECT_EQ(v->csrc(0), 0x11223344u);
  EXPECT_EQ(v->csrc(1), 0x55667788u);
  EXPECT_EQ(v->header_size(), 20u);
  EXPECT_THAT(ToVec(v->payload()), ElementsAre(0xAA));
}

// RFC 8285 4.2 one-byte form: id 1 (1 byte), id 2 (2 bytes), two padding
// bytes between elements, id 3 (4 bytes), trailing pad to a word boundary.
TEST(RtpPacketViewTest, ParsesOneByteExtensions) {
  auto raw = Bytes({0x90, 0x60, 0,    1,    0,    0,    0,    2, 0, 0, 0, 3,  //
                    0xBE, 0xDE, 0x00, 0x03,                                   //
                    0x10, 0xAA, 0x21, 0xBB, 0xBB, 0x00, 0x00,                 //
                    0x33, 0xCC, 0xCC, 0xCC, 0xCC,                             //
                    0x42});
  // Block: 1+1 + 1+2 + 2 pad + 1+4 = 12 bytes = 3 words.
  auto v = RtpPacketView::Parse(raw);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->extension_profile(), ExtensionProfile::kOneByte);
  EXPECT_EQ(v->extension_profile_id(), 0xBEDE);
  ASSERT_EQ(v->extension_count(), 3u);
  EXPECT_EQ(v->extension(0).id, 1);
  EXPECT_THAT(ToVec(v->extension(0).data), ElementsAre(0xAA));
  EXPECT_THAT(ToVec(*v->GetExtension(2)), ElementsAre(0xBB, 0xBB));
  EXPECT_THAT(ToVec(*v->GetExtension(3)), ElementsAre(0xCC, 0xCC, 0xCC, 0xCC));
  EXPECT_FALSE(v->GetExtension(4).has_value());
  EXPECT_EQ(v->header_size(), 28u);
  EXPECT_THAT(ToVec(v->payload()), ElementsAre(0x42));
}

TEST(RtpPacketViewTest, OneByteId15StopsProcessing) {
  auto raw = Bytes({0x90, 0x60, 0,    1,    0, 0, 0, 2, 0, 0, 0, 3,  //
                    0xBE, 0xDE, 0x00, 0x01,                          //
                    0x10, 0xAA, 0xF5, 0xFF});  // id 15 claims 6 bytes
  auto v = RtpPacketView::Parse(raw);
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->extension_count(), 1u);
  EXPECT_EQ(v->extension(0).id, 1);
}

// RFC 8285 4.3 two-byte form with appbits 0x5: id 1 with 0 bytes, a
// padding byte, id 200 with 3 bytes.
TEST(RtpPacketViewTest, ParsesTwoByteExtensions) {
  auto raw =
      Bytes({0x90, 0x60, 0,    1,    0,    0,    0,    2,   0, 0, 0, 3,  //
             0x10, 0x05, 0x00, 0x02,                                     //
             0x01, 0x00, 0x00, 0xC8, 0x03, 0x01, 0x02, 0x03});
  auto v = RtpPacketView::Parse(raw);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->extension_profile(), ExtensionProfile::kTwoByte);
  EXPECT_EQ(v->two_byte_appbits(), 5);
  ASSERT_EQ(v->extension_count(), 2u);
  EXPECT_EQ(v->extension(0).id, 1);
  EXPECT_TRUE(v->extension(0).data.empty());
  EXPECT_THAT(ToVec(*v->GetExtension(200)), ElementsAre(1, 2, 3));
  EXPECT_TRUE(v->payload().empty());
}

TEST(RtpPacketViewTest, OtherProfileIsOpaque) {
  auto raw =
      Bytes({0x90, 0x60, 0,    1,    0,    0,    0,    2,    0,   0, 0, 3,  //
             0xAB, 0xCD, 0x00, 0x01, 0x10, 0x20, 0x30, 0x40, 0x99});
  auto v = RtpPacketView::Parse(raw);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->extension_profile(), ExtensionProfile::kOther);
  EXPECT_EQ(v->extension_profile_id(), 0xABCD);
  EXPECT_EQ(v->extension_count(), 0u);
  EXPECT_THAT(ToVec(v->extension_block()), ElementsAre(0x10, 0x20, 0x30, 0x40));
  EXPECT_THAT(ToVec(v->payload()), ElementsAre(0x99));
  auto p = RtpPacket::FromView(*v);
  EXPECT_EQ(p.extension_profile(), ExtensionProfile::kOther);
  auto again = p.Marshal();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, raw);
}

TEST(RtpPacketViewTest, ParsesPadding) {
  auto raw = Bytes({0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  //
                    0x01, 0x02, 0x00, 0x00, 0x03});
  auto v = RtpPacketView::Parse(raw);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->has_padding());
  EXPECT_EQ(v->padding_size(), 3);
  EXPECT_THAT(ToVec(v->payload()), ElementsAre(1, 2));
}

TEST(RtpPacketViewTest, PaddingMayFillWholeBody) {
  auto raw = Bytes({0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4});
  auto v = RtpPacketView::Parse(raw);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->padding_size(), 4);
  EXPECT_TRUE(v->payload().empty());
}

struct BadCase {
  const char* name;
  std::vector<uint8_t> bytes;
  const char* message;
};

TEST(RtpPacketViewTest, RejectsMalformedInput) {
  const BadCase cases[] = {
      {"empty", {}, "fixed header at offset 0"},
      {"short", Bytes({0x80, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0}),
       "need 12 bytes, have 11"},
      {"version 1", Bytes({0x40, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}),
       "version at offset 0: expected 2, got 1"},
      {"CSRC count beyond buffer",
       Bytes({0x83, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4}),
       "CSRC list at offset 12: 3 CSRCs need 12 bytes, have 4"},
      {"extension header truncated",
       Bytes({0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xBE, 0xDE}),
       "extension header at offset 12"},
      {"extension length lies",
       Bytes({0x90, 0x60, 0,    1,    0,    0,    0,    2,    0,    0,
              0,    3,    0xBE, 0xDE, 0x00, 0x02, 0x10, 0xAA, 0x00, 0x00}),
       "extension length at offset 14: block of 8 bytes exceeds remaining 4"},
      {"one-byte element length lies",
       Bytes({0x90, 0x60, 0,    1,    0,    0,    0,    2,    0,    0,
              0,    3,    0xBE, 0xDE, 0x00, 0x01, 0x13, 0xAA, 0xBB, 0xCC}),
       "one-byte extension element at offset 16: id 1 length 4 exceeds "
       "remaining 3"},
      {"two-byte element length lies",
       Bytes({0x90, 0x60, 0,    1,    0,    0,    0,    2,    0,    0,
              0,    3,    0x10, 0x00, 0x00, 0x01, 0x07, 0x05, 0xAA, 0xBB}),
       "two-byte extension element at offset 16: id 7 length 5 exceeds "
       "remaining 2"},
      {"two-byte element without length byte",
       Bytes({0x90, 0x60, 0,    1,    0,    0,    0,    2,    0,    0,
              0,    3,    0x10, 0x00, 0x00, 0x01, 0x07, 0x00, 0x00, 0x09}),
       "at offset 19: id 9 has no length byte"},
      {"padding larger than payload",
       Bytes({0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xAA, 0x05}),
       "padding count at offset 13: 5 exceeds the 2 bytes after the header"},
      {"padding count zero",
       Bytes({0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xAA, 0x00}),
       "padding count at offset 13: is 0"},
      {"padding bit without room",
       Bytes({0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}),
       "no room for the padding count"},
      {"padding reaching into extension",
       Bytes({0xB0, 0x60, 0,    1,    0,    0,    0,    2,    0,    0,   0,
              3,    0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0x00, 0x00, 0x02}),
       "2 exceeds the 1 bytes after the header"},
  };
  for (const BadCase& c : cases) {
    auto v = RtpPacketView::Parse(c.bytes);
    ASSERT_FALSE(v.ok()) << c.name;
    EXPECT_THAT(std::string(v.status().message()), HasSubstr(c.message))
        << c.name;
    EXPECT_FALSE(RtpPacket::Parse(c.bytes).ok()) << c.name;
  }
}

RtpPacket MakePacket() {
  RtpPacket p;
  p.set_marker(true);
  p.set_payload_type(96);
  p.set_sequence_number(0xFFFE);
  p.set_timestamp(0x11223344);
  p.set_ssrc(0x55667788);
  uint32_t csrcs[] = {1, 2};
  EXPECT_TRUE(p.SetCsrcs(csrcs).ok());
  auto a = Bytes({0xAB, 0xCD, 0xEF});
  auto b = Bytes({0x12, 0x34});
  EXPECT_TRUE(p.SetExtension(3, a).ok());
  EXPECT_TRUE(p.SetExtension(5, b).ok());
  p.set_payload(Bytes({9, 8, 7, 6, 5}));
  return p;
}

TEST(RtpPacketTest, MarshalsKnownBytes) {
  RtpPacket p = MakePacket();
  EXPECT_EQ(p.extension_profile(), ExtensionProfile::kOneByte);
  auto out = p.Marshal();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, Bytes({0x92, 0xE0, 0xFF, 0xFE, 0x11, 0x22, 0x33, 0x44,  //
                         0x55, 0x66, 0x77, 0x88, 0,    0,    0,    1,
                         0,    0,    0,    2,                             //
                         0xBE, 0xDE, 0x00, 0x02,                          //
                         0x32, 0xAB, 0xCD, 0xEF, 0x51, 0x12, 0x34, 0x00,  //
                         9,    8,    7,    6,    5}));
  EXPECT_EQ(p.MarshalSize(), out->size());
}

TEST(RtpPacketTest, RoundTripsThroughView) {
  RtpPacket p = MakePacket();
  p.set_padding_size(7);
  auto out = p.Marshal();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(), p.MarshalSize());
  EXPECT_EQ(out->back(), 7);
  auto v = RtpPacketView::Parse(*out);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->marker());
  EXPECT_EQ(v->sequence_number(), 0xFFFE);
  EXPECT_EQ(v->padding_size(), 7);
  EXPECT_THAT(ToVec(v->payload()), ElementsAre(9, 8, 7, 6, 5));
  EXPECT_EQ(RtpPacket::FromView(*v), p);
}

TEST(RtpPacketTest, ChoosesTwoByteFormWhenNeeded) {
  struct Case {
    uint8_t id;
    size_t len;
  } cases[] = {{15, 1}, {200, 4}, {1, 0}, {2, 17}, {9, 255}};
  for (const Case& c : cases) {
    RtpPacket p = MakePacket();
    std::vector<uint8_t> data(c.len, 0x5A);
    ASSERT_TRUE(p.SetExtension(c.id, data).ok());
    EXPECT_EQ(p.extension_profile(), ExtensionProfile::kTwoByte)
        << int{c.id} << "/" << c.len;
    auto out = p.Marshal();
    ASSERT_TRUE(out.ok());
    auto v = RtpPacketView::Parse(*out);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(v->extension_profile(), ExtensionProfile::kTwoByte);
    EXPECT_EQ(ToVec(*v->GetExtension(c.id)), data);
    EXPECT_EQ(RtpPacket::FromView(*v).extension_count(), 3u);
    // Removing the element that needed the two-byte form goes back to the
    // one-byte form.
    ASSERT_TRUE(p.RemoveExtension(c.id).ok());
    EXPECT_EQ(p.extension_profile(), ExtensionProfile::kOneByte);
  }
}

TEST(RtpPacketTest, ForcedTwoByteKeepsAppbits) {
  RtpPacket p = MakePacket();
  p.set_force_two_byte_extensions(true);
  p.set_two_byte_appbits(0xA);
  auto out = p.Marshal();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[20], 0x10);
  EXPECT_EQ((*out)[21], 0x0A);
  auto v = RtpPacketView::Parse(*out);
  ASSERT_TRUE(v.ok());
  RtpPacket back = RtpPacket::FromView(*v);
  EXPECT_TRUE(back.force_two_byte_extensions());
  EXPECT_EQ(back.two_byte_appbits(), 0xA);
  EXPECT_EQ(back, p);
}

TEST(RtpPacketTest, ExtensionEditing) {
  RtpPacket p;
  auto one = Bytes({1});
  auto two = Bytes({2, 2});
  auto three = Bytes({3, 3, 3});
  EXPECT_FALSE(p.SetExtension(0, one).ok());
  std::vector<uint8_t> too_long(256);
  EXPECT_FALSE(p.SetExtension(1, too_long).ok());
  ASSERT_TRUE(p.SetExtension(1, one).ok());
  ASSERT_TRUE(p.SetExtension(2, two).ok());
  ASSERT_TRUE(p.SetExtension(3, three).ok());
  // Same size: replaced in place, order kept.
  ASSERT_TRUE(p.SetExtension(2, Bytes({7, 7})).ok());
  EXPECT_EQ(p.extension(1).id, 2);
  EXPECT_THAT(ToVec(*p.GetExtension(2)), ElementsAre(7, 7));
  // Different size: moved to the end.
  ASSERT_TRUE(p.SetExtension(1, Bytes({4, 4, 4, 4})).ok());
  ASSERT_EQ(p.extension_count(), 3u);
  EXPECT_EQ(p.extension(2).id, 1);
  EXPECT_THAT(ToVec(*p.GetExtension(3)), ElementsAre(3, 3, 3));
  EXPECT_THAT(ToVec(*p.GetExtension(1)), ElementsAre(4, 4, 4, 4));
  ASSERT_TRUE(p.RemoveExtension(2).ok());
  EXPECT_EQ(p.RemoveExtension(2).code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(ToVec(*p.GetExtension(3)), ElementsAre(3, 3, 3));
  EXPECT_THAT(ToVec(*p.GetExtension(1)), ElementsAre(4, 4, 4, 4));
  p.ClearExtensions();
  EXPECT_EQ(p.extension_profile(), ExtensionProfile::kNone);
  auto out = p.Marshal();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(), 12u);
  EXPECT_EQ((*out)[0], 0x80);
}

TEST(RtpPacketTest, RawExtensionRules) {
  RtpPacket p = MakePacket();
  EXPECT_FALSE(p.SetRawExtension(0xBEDE, Bytes({0, 0, 0, 0})).ok());
  EXPECT_FALSE(p.SetRawExtension(0x1003, Bytes({0, 0, 0, 0})).ok());
  EXPECT_FALSE(p.SetRawExtension(0x1234, Bytes({0, 0, 0})).ok());
  ASSERT_TRUE(p.SetRawExtension(0x1234, Bytes({1, 2, 3, 4})).ok());
  EXPECT_EQ(p.extension_count(), 0u);
  EXPECT_EQ(p.extension_profile(), ExtensionProfile::kOther);
  auto out = p.Marshal();
  ASSERT_TRUE(out.ok());
  auto back = RtpPacket::Parse(*out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, p);
  // An RFC 8285 element replaces the opaque block.
  ASSERT_TRUE(p.SetExtension(1, Bytes({9})).ok());
  EXPECT_EQ(p.extension_profile(), ExtensionProfile::kOneByte);
}

TEST(RtpPacketTest, MarshalErrors) {
  RtpPacket p = MakePacket();
  std::vector<uint8_t> small(p.MarshalSize() - 1);
  auto n = p.MarshalTo(small);
  EXPECT_EQ(n.status().code(), absl::StatusCode::kResourceExhausted);
  p.set_payload_type(128);
  EXPECT_THAT(std::string(p.Marshal().status().message()),
              HasSubstr("payload type 128"));
  std::vector<uint32_t> csrcs(16, 1);
  EXPECT_FALSE(p.SetCsrcs(csrcs).ok());
}

TEST(RtpPacketTest, ManyExtensionsBeyondTheViewIndex) {
  RtpPacket p;
  p.set_force_two_byte_extensions(true);
  for (int id = 1; id <= 40; ++id) {
    std::vector<uint8_t> data(static_cast<size_t>(id % 5),
                              static_cast<uint8_t>(id));
    ASSERT_TRUE(p.SetExtension(static_cast<uint8_t>(id), data).ok());
  }
  auto out = p.Marshal();
  ASSERT_TRUE(out.ok());
  auto v = RtpPacketView::Parse(*out);
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->extension_count(), 40u);
  for (int id = 1; id <= 40; ++id) {
    auto e = v->extension(static_cast<size_t>(id - 1));
    EXPECT_EQ(e.id, id);
    auto d = v->GetExtension(static_cast<uint8_t>(id));
    ASSERT_TRUE(d.has_value()) << id;
    EXPECT_EQ(d->size(), static_cast<size_t>(id % 5));
  }
  EXPECT_EQ(RtpPacket::FromView(*v), p);
}

TEST(RtpPacketTest, RepeatedIdsSurviveRoundTrip) {
  auto raw =
      Bytes({0x90, 0x60, 0,    1,    0,    0,    0,    2,   0, 0, 0, 3,  //
             0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0x10, 0xBB});
  auto p = RtpPacket::Parse(raw);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->extension_count(), 2u);
  EXPECT_THAT(ToVec(*p->GetExtension(1)), ElementsAre(0xAA));
  auto out = p->Marshal();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, raw);
}

}  // namespace
}  // namespace simrtc::rtp
