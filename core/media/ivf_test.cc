#include "core/media/ivf.h"

#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

TEST(IvfTest, RoundTrip) {
  IvfFileHeader h;
  h.fourcc = kIvfFourccAv1;
  h.width = 640;
  h.height = 480;
  h.timebase_denominator = 90000;
  auto w = IvfWriter::Create(h);
  ASSERT_TRUE(w.ok());
  std::vector<uint8_t> f1 = {1, 2, 3}, f2 = {};
  w->WriteFrame(0, f1);
  w->WriteFrame(3000, f2);
  EXPECT_EQ(w->bytes().size(), 32u + 12 + 3 + 12);
  auto r = IvfReader::Open(w->bytes());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->header().fourcc, "AV01");
  EXPECT_EQ(r->header().width, 640);
  EXPECT_EQ(r->header().height, 480);
  EXPECT_EQ(r->header().timebase_denominator, 90000u);
  EXPECT_EQ(r->header().num_frames, 2u);
  auto a = r->Next();
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->timestamp, 0u);
  EXPECT_EQ(std::vector<uint8_t>((*a)->data.begin(), (*a)->data.end()), f1);
  auto b = r->Next();
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->timestamp, 3000u);
  EXPECT_TRUE((*b)->data.empty());
  auto c = r->Next();
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->has_value());
}

TEST(IvfTest, Malformed) {
  std::vector<uint8_t> junk(40, 0);
  EXPECT_FALSE(IvfReader::Open(junk).ok());
  EXPECT_FALSE(IvfReader::Open({}).ok());
  auto w = IvfWriter::Create({});
  ASSERT_TRUE(w.ok());
  std::vector<uint8_t> f(10, 1);
  w->WriteFrame(0, f);
  std::vector<uint8_t> cut(w->bytes().begin(), w->bytes().end() - 1);
  auto r = IvfReader::Open(cut);
  ASSERT_TRUE(r.ok());
  auto n = r->Next();
  EXPECT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("offset 32"), std::string::npos)
      << n.status();
  std::vector<uint8_t> short_header(w->bytes().begin(),
                                    w->bytes().begin() + 40);
  auto r2 = IvfReader::Open(short_header);
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(r2->Next().ok());
  IvfFileHeader bad;
  bad.fourcc = "VP8";
  EXPECT_FALSE(IvfWriter::Create(bad).ok());
}

}  // namespace
}  // namespace simrtc::media
