#include "core/media/annexb.h"

#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

TEST(AnnexBTest, MixedStartCodesRoundTrip) {
  const std::vector<uint8_t> s = {0, 0, 0, 1, 0x67, 1,    2, 0, 0, 1, 0x68,
                                  3, 0, 0, 0, 1,    0x65, 4, 0, 0, 2};
  AnnexBReader r(s);
  AnnexBWriter w;
  std::vector<size_t> sizes, codes;
  while (auto nal = r.Next()) {
    sizes.push_back(nal->data.size());
    codes.push_back(nal->start_code_size);
    w.WriteNal(nal->data, nal->start_code_size);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 2, 5}));
  EXPECT_EQ(codes, (std::vector<size_t>{4, 3, 4}));
  EXPECT_EQ(w.bytes(), s);
}

TEST(AnnexBTest, NoStartCodeAndEmptyNals) {
  const std::vector<uint8_t> none = {1, 2, 3, 0, 0};
  AnnexBReader a(none);
  EXPECT_FALSE(a.Next().has_value());
  const std::vector<uint8_t> empty = {0, 0, 1, 0, 0, 1, 0x09, 0xF0, 0, 0, 1};
  AnnexBReader b(empty);
  auto n = b.Next();
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->data.size(), 2u);
  EXPECT_FALSE(b.Next().has_value());
  AnnexBReader c({});
  EXPECT_FALSE(c.Next().has_value());
}

}  // namespace
}  // namespace simrtc::media
