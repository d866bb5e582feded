#include "core/media/ogg.h"

#include <string>
#include <vector>

#include "core/media/le_io.h"
#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

TEST(OggTest, CrcIsOggsNotZlibs) {
  // CRC-32/MPEG-2 style without init/xorout ("CRC-32/OGG") of "123456789".
  const std::string s = "123456789";
  EXPECT_EQ(OggCrc32(AsBytes(s)), 0x89A1897Fu);
}

TEST(OggTest, OpusRoundTripIncludingContinuedPackets) {
  OpusHead head;
  head.channels = 1;
  head.pre_skip = 120;
  head.input_sample_rate = 16000;
  OggOpusWriter w(0xCAFE, head, "unit-test");
  std::vector<std::vector<uint8_t>> packets = {
      std::vector<uint8_t>(10, 1), std::vector<uint8_t>(255, 2),
      std::vector<uint8_t>(255 * 255, 3), std::vector<uint8_t>(70000, 4),
      std::vector<uint8_t>(1, 5)};
  for (const auto& p : packets) w.WritePacket(p, 960);
  w.Close();

  auto r = OggOpusReader::Open(w.bytes());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->head().channels, 1);
  EXPECT_EQ(r->head().pre_skip, 120);
  EXPECT_EQ(r->head().input_sample_rate, 16000u);
  EXPECT_EQ(r->vendor(), "unit-test");
  for (size_t i = 0; i < packets.size(); ++i) {
    auto p = r->NextPacket();
    ASSERT_TRUE(p.ok()) << p.status();
    ASSERT_TRUE(p->has_value()) << i;
    EXPECT_EQ((*p)->data, packets[i]) << i;
    EXPECT_EQ((*p)->granule_position, 960u * (i + 1));
  }
  auto end = r->NextPacket();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());

  // The last page carries EOS; the first BOS.
  OggReader pages(w.bytes());
  std::vector<uint8_t> flags;
  while (true) {
    auto pg = pages.NextPage();
    ASSERT_TRUE(pg.ok());
    if (!pg->has_value()) break;
    flags.push_back((*pg)->header_type);
  }
  EXPECT_EQ(flags.front(), kOggBos);
  EXPECT_TRUE(flags.back() & kOggEos);
}

TEST(OggTest, CorruptionIsReported) {
  OggOpusWriter w(1, OpusHead{});
  w.WritePacket(std::vector<uint8_t>(20, 9), 960);
  std::vector<uint8_t> b = w.bytes();
  b.back() ^= 1;
  auto r = OggOpusReader::Open(b);
  ASSERT_TRUE(r.ok());
  auto p = r->NextPacket();
  EXPECT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("CRC"), std::string::npos) << p.status();
  std::vector<uint8_t> cut(w.bytes().begin(), w.bytes().end() - 3);
  auto r2 = OggOpusReader::Open(cut);
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(r2->NextPacket().ok());
  std::vector<uint8_t> junk(100, 'x');
  EXPECT_FALSE(OggOpusReader::Open(junk).ok());
  const uint8_t short_head[] = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1};
  EXPECT_FALSE(ParseOpusHead(short_head).ok());
}

TEST(OggTest, OpusTagsCommentsRoundTripAndOverrunIsReported) {
  OpusHead head;
  head.channels = 1;
  OggOpusWriter w(7, head, "vendor-x", {"ENCODER=test", "TITLE="});
  w.WritePacket(std::vector<uint8_t>(3, 1), 960);
  w.Close();
  auto r = OggOpusReader::Open(w.bytes());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->vendor(), "vendor-x");
  EXPECT_EQ(r->comments(),
            (std::vector<std::string>{"ENCODER=test", "TITLE="}));

  // Claim three comments where there are two, and re-seal the page's CRC.
  std::vector<uint8_t> b = w.bytes();
  const size_t page = 27 + 1 + 19;  // after the OpusHead page
  const size_t body = page + 27 + 1;
  const size_t count_at = body + 8 + 4 + 8;  // "OpusTags", len, vendor
  ASSERT_EQ(LoadLE32(&b[count_at]), 2u);
  StoreLE32(&b[count_at], 3);
  const size_t page_size = 27 + 1 + b[page + 27];
  StoreLE32(&b[page + 22], 0);
  StoreLE32(&b[page + 22], OggCrc32(ByteSpan(b).subspan(page, page_size)));
  auto bad = OggOpusReader::Open(b);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("comment 2 length at offset"),
            std::string::npos)
      << bad.status();
}

}  // namespace
}  // namespace simrtc::media
