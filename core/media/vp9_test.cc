#include "core/media/vp9.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

TEST(Vp9Test, PayloadRoundTripAndKeyFrameFlag) {
  std::vector<uint8_t> key(50, 0x11), inter(50, 0x11);
  key[0] = 0x82;    // marker 2, profile 0, show_existing 0, key frame
  inter[0] = 0x86;  // frame_type 1
  EXPECT_TRUE(IsVp9KeyFrame(key));
  EXPECT_FALSE(IsVp9KeyFrame(inter));
  Vp9Payloader p(0x7FFF);
  auto a = p.Payload(23, key);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 3u);  // 20 + 20 + 10
  Vp9Depacketizer d;
  std::vector<uint8_t> out;
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ(d.IsPartitionHead((*a)[i]), i == 0);
    auto b = d.Depacketize((*a)[i]);
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(d.last_descriptor().end_of_frame, i == 2);
    EXPECT_FALSE(d.last_descriptor().inter_predicted);
    EXPECT_EQ(d.last_descriptor().picture_id, 0x7FFF);
    out.insert(out.end(), b->begin(), b->end());
  }
  EXPECT_EQ(out, key);
  auto b = p.Payload(100, inter);
  ASSERT_TRUE(b.ok());
  auto desc = ParseVp9Descriptor((*b)[0]);
  ASSERT_TRUE(desc.ok());
  EXPECT_TRUE(desc->inter_predicted);
  EXPECT_EQ(desc->picture_id, 0);
}

TEST(Vp9Test, FlexibleModeWithReferences) {
  // I P L F B; 7-bit pid 5; TID 1 U SID 2 D; P_DIFF 1 (N) then 3.
  const uint8_t pl[] = {0xF8, 0x05, 0x35, 0x03, 0x06, 0xEE};
  auto d = ParseVp9Descriptor(pl);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->flexible);
  EXPECT_EQ(d->picture_id, 5);
  EXPECT_EQ(d->tid, 1);
  EXPECT_TRUE(d->switching_up);
  EXPECT_EQ(d->sid, 2);
  EXPECT_TRUE(d->inter_layer_dependency);
  EXPECT_FALSE(d->tl0_pic_idx.has_value());
  EXPECT_EQ(d->p_diffs, (std::vector<uint8_t>{1, 3}));
  EXPECT_EQ(d->header_size, 5u);
}

TEST(Vp9Test, NonFlexibleWithScalabilityStructure) {
  // I L B V; pid 15-bit 0x0102; layers TID0 SID0; TL0PICIDX 9;
  // SS: N_S=2 (value 1) Y G; 2 resolutions; N_G 1: TID 0, R=1, P_DIFF 1.
  const uint8_t pl[] = {0xAA, 0x81, 0x02, 0x00, 0x09, 0x38, 0x01, 0x40, 0x00,
                        0xF0, 0x02, 0x80, 0x01, 0xE0, 0x01, 0x04, 0x01, 0x77};
  auto d = ParseVp9Descriptor(pl);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->picture_id, 0x0102);
  EXPECT_EQ(d->tl0_pic_idx, 9);
  EXPECT_EQ(d->num_spatial_layers, 2);
  ASSERT_EQ(d->resolutions.size(), 2u);
  EXPECT_EQ(d->resolutions[0], (std::pair<uint16_t, uint16_t>{320, 240}));
  EXPECT_EQ(d->resolutions[1], (std::pair<uint16_t, uint16_t>{640, 480}));
  ASSERT_EQ(d->picture_group.size(), 1u);
  EXPECT_EQ(d->picture_group[0].p_diffs, (std::vector<uint8_t>{1}));
  EXPECT_EQ(d->header_size, 17u);
}

TEST(Vp9Test, Malformed) {
  Vp9Depacketizer d;
  EXPECT_FALSE(d.Depacketize({}).ok());
  const uint8_t too_many_refs[] = {0xD8, 0x05, 0x03, 0x03, 0x03, 0x03, 0x00};
  auto r = d.Depacketize(too_many_refs);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("more than 3"), std::string::npos);
  const uint8_t flex_no_pid[] = {0x58, 0x02, 0x00};
  EXPECT_FALSE(d.Depacketize(flex_no_pid).ok());
  const uint8_t ss_cut[] = {0x0A, 0x30, 0x01};
  EXPECT_FALSE(d.Depacketize(ss_cut).ok());
  Vp9Payloader p;
  const uint8_t f[] = {1, 2};
  EXPECT_FALSE(p.Payload(3, f).ok());
}

// Frames whose uncompressed header says key frame / inter frame.
std::vector<uint8_t> Vp9Frame(bool key, size_t size) {
  std::vector<uint8_t> f(size);
  for (size_t i = 0; i < size; ++i) f[i] = static_cast<uint8_t>(0x20 + i);
  f[0] = key ? 0x82 : 0x86;
  return f;
}

struct Depacketized {
  std::vector<Vp9Descriptor> descriptors;
  std::vector<uint8_t> frame;
};

Depacketized RoundTrip(const Payloads& payloads) {
  Depacketized out;
  Vp9Depacketizer d;
  for (size_t i = 0; i < payloads.size(); ++i) {
    EXPECT_EQ(d.IsPartitionHead(payloads[i]), i == 0);
    auto b = d.Depacketize(payloads[i]);
    EXPECT_TRUE(b.ok()) << b.status();
    if (!b.ok()) continue;
    out.descriptors.push_back(d.last_descriptor());
    out.frame.insert(out.frame.end(), b->begin(), b->end());
  }
  return out;
}

TEST(Vp9Test, FlexibleModeRoundTripWithReferences) {
  Vp9Payloader p({.flexible = true, .initial_picture_id = 0x7FFE});
  const auto key = Vp9Frame(true, 90), inter = Vp9Frame(false, 90);
  // Key picture: P=0, no references.
  auto a = p.PayloadFrame(40, key, {});
  ASSERT_TRUE(a.ok()) << a.status();
  Depacketized ra = RoundTrip(*a);
  EXPECT_EQ(ra.frame, key);
  ASSERT_EQ(ra.descriptors.size(), 3u);  // 37 + 37 + 16 after 3-byte header
  for (const Vp9Descriptor& d : ra.descriptors) {
    EXPECT_TRUE(d.flexible);
    EXPECT_FALSE(d.inter_predicted);
    EXPECT_TRUE(d.p_diffs.empty());
    EXPECT_EQ(d.picture_id, 0x7FFE);
    EXPECT_TRUE(d.picture_id_15bit);
    EXPECT_FALSE(d.tid.has_value());
    EXPECT_EQ(d.header_size, 3u);
  }
  // Inter picture referring to 1, 2 and 3 pictures back.
  auto b = p.PayloadFrame(40, inter, {.p_diffs = {1, 2, 3}});
  ASSERT_TRUE(b.ok()) << b.status();
  Depacketized rb = RoundTrip(*b);
  EXPECT_EQ(rb.frame, inter);
  ASSERT_EQ(rb.descriptors.size(), 3u);  // 34 + 34 + 22 after 6 bytes
  for (size_t i = 0; i < rb.descriptors.size(); ++i) {
    const Vp9Descriptor& d = rb.descriptors[i];
    EXPECT_TRUE(d.inter_predicted);
    EXPECT_EQ(d.p_diffs, (std::vector<uint8_t>{1, 2, 3}));
    EXPECT_EQ(d.picture_id, 0x7FFF);
    EXPECT_EQ(d.begin_of_frame, i == 0);
    EXPECT_EQ(d.end_of_frame, i == 2);
    EXPECT_EQ(d.header_size, 6u);
    EXPECT_LE((*b)[i].size(), 40u);
  }
  // The picture id wraps at 15 bits.
  auto c = p.PayloadFrame(1200, inter, {.p_diffs = {127}});
  ASSERT_TRUE(c.ok()) << c.status();
  Depacketized rc = RoundTrip(*c);
  ASSERT_EQ(rc.descriptors.size(), 1u);
  EXPECT_EQ(rc.descriptors[0].picture_id, 0);
  EXPECT_EQ(rc.descriptors[0].p_diffs, (std::vector<uint8_t>{127}));
  EXPECT_TRUE(rc.descriptors[0].begin_of_frame);
  EXPECT_TRUE(rc.descriptors[0].end_of_frame);
}

TEST(Vp9Test, FlexibleModeDefaultsWithoutFrameInfo) {
  Vp9Payloader p(
      {.flexible = true, .picture_id_15bit = false, .initial_picture_id = 126});
  auto a = p.Payload(1200, Vp9Frame(true, 30));
  auto b = p.Payload(1200, Vp9Frame(false, 30));
  auto c = p.Payload(1200, Vp9Frame(false, 30));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  auto da = ParseVp9Descriptor((*a)[0]);
  auto db = ParseVp9Descriptor((*b)[0]);
  auto dc = ParseVp9Descriptor((*c)[0]);
  ASSERT_TRUE(da.ok() && db.ok() && dc.ok());
  EXPECT_FALSE(da->inter_predicted);
  EXPECT_TRUE(da->p_diffs.empty());
  EXPECT_EQ(da->picture_id, 126);
  EXPECT_FALSE(da->picture_id_15bit);
  EXPECT_EQ(da->header_size, 2u);
  EXPECT_TRUE(db->inter_predicted);
  EXPECT_EQ(db->p_diffs, (std::vector<uint8_t>{1}));
  EXPECT_EQ(db->picture_id, 127);
  EXPECT_EQ(dc->picture_id, 0);  // 7-bit wrap
  EXPECT_EQ(dc->header_size, 3u);
}

// Two spatial layers, one temporal layer switch: L byte, Z, D, U, SS on the
// key picture's first packet only, picture id shared by a picture's layers.
TEST(Vp9Test, FlexibleModeSpatialAndTemporalLayers) {
  Vp9Payloader p({.flexible = true});
  Vp9ScalabilityStructure ss{
      .num_spatial_layers = 2,
      .resolutions = {{320, 180}, {640, 360}},
      .picture_group = std::vector<Vp9Descriptor::PictureGroupEntry>{}};
  auto s0 =
      p.PayloadFrame(60, Vp9Frame(true, 100),
                     {.layer = Vp9LayerInfo{.tid = 0, .sid = 0}, .ss = ss});
  ASSERT_TRUE(s0.ok()) << s0.status();
  auto s1 = p.PayloadFrame(
      60, Vp9Frame(false, 100),
      {.inter_predicted = false,
       .layer =
           Vp9LayerInfo{.tid = 0, .sid = 1, .inter_layer_dependency = true},
       .not_reference = true,
       .continues_picture = true});
  ASSERT_TRUE(s1.ok()) << s1.status();
  auto t1 = p.PayloadFrame(
      60, Vp9Frame(false, 40),
      {.p_diffs = {1},
       .layer = Vp9LayerInfo{.tid = 1, .sid = 0, .switching_up = true}});
  ASSERT_TRUE(t1.ok()) << t1.status();

  Depacketized r0 = RoundTrip(*s0);
  EXPECT_EQ(r0.frame, Vp9Frame(true, 100));
  ASSERT_GE(r0.descriptors.size(), 2u);
  const Vp9Descriptor& first = r0.descriptors[0];
  EXPECT_TRUE(first.has_ss);
  EXPECT_EQ(first.num_spatial_layers, 2);
  ASSERT_EQ(first.resolutions.size(), 2u);
  EXPECT_EQ(first.resolutions[1], (std::pair<uint16_t, uint16_t>{640, 360}));
  EXPECT_TRUE(first.picture_group.empty());
  // 1 + 2 pid + 1 L + SS (1 + 8 resolution bytes + 1 N_G).
  EXPECT_EQ(first.header_size, 14u);
  for (const Vp9Descriptor& d : r0.descriptors) {
    EXPECT_EQ(d.tid, 0);
    EXPECT_EQ(d.sid, 0);
    EXPECT_FALSE(d.tl0_pic_idx.has_value());  // flexible: no TL0PICIDX
    EXPECT_EQ(d.picture_id, 0);
  }
  EXPECT_FALSE(r0.descriptors[1].has_ss);
  EXPECT_EQ(r0.descriptors[1].header_size, 4u);

  Depacketized r1 = RoundTrip(*s1);
  EXPECT_EQ(r1.frame, Vp9Frame(false, 100));
  for (const Vp9Descriptor& d : r1.descriptors) {
    EXPECT_EQ(d.picture_id, 0);  // same picture as the base layer
    EXPECT_EQ(d.sid, 1);
    EXPECT_TRUE(d.inter_layer_dependency);
    EXPECT_TRUE(d.not_reference);
    EXPECT_FALSE(d.inter_predicted);
    EXPECT_FALSE(d.has_ss);
  }

  Depacketized r2 = RoundTrip(*t1);
  ASSERT_EQ(r2.descriptors.size(), 1u);
  EXPECT_EQ(r2.descriptors[0].picture_id, 1);
  EXPECT_EQ(r2.descriptors[0].tid, 1);
  EXPECT_TRUE(r2.descriptors[0].switching_up);
  EXPECT_EQ(r2.descriptors[0].p_diffs, (std::vector<uint8_t>{1}));
  EXPECT_EQ(r2.descriptors[0].header_size, 5u);
}

// Non-flexible mode with layers: TL0PICIDX advances per TID 0 picture and
// a picture group in the SS round-trips.
TEST(Vp9Test, NonFlexibleLayersAndPictureGroup) {
  Vp9Payloader p({.initial_picture_id = 10, .initial_tl0_pic_idx = 255});
  Vp9ScalabilityStructure ss;
  ss.picture_group = std::vector<Vp9Descriptor::PictureGroupEntry>{
      {.tid = 0, .switching_up = false, .p_diffs = {2}},
      {.tid = 1, .switching_up = true, .p_diffs = {1}}};
  const uint8_t tids[] = {0, 1, 0, 1};
  const uint8_t want_tl0[] = {255, 255, 0, 0};
  for (int i = 0; i < 4; ++i) {
    Vp9FrameInfo info{.layer = Vp9LayerInfo{.tid = tids[i]}};
    if (i == 0) info.ss = ss;
    auto pl = p.PayloadFrame(1200, Vp9Frame(i == 0, 50), info);
    ASSERT_TRUE(pl.ok()) << pl.status();
    Depacketized r = RoundTrip(*pl);
    ASSERT_EQ(r.descriptors.size(), 1u);
    const Vp9Descriptor& d = r.descriptors[0];
    EXPECT_FALSE(d.flexible);
    EXPECT_EQ(d.inter_predicted, i != 0);
    EXPECT_EQ(d.picture_id, 10 + i);
    EXPECT_EQ(d.tid, tids[i]);
    EXPECT_EQ(d.tl0_pic_idx, want_tl0[i]) << i;
    EXPECT_EQ(r.frame, Vp9Frame(i == 0, 50));
    if (i == 0) {
      EXPECT_TRUE(d.has_ss);
      EXPECT_EQ(d.num_spatial_layers, 1);
      EXPECT_TRUE(d.resolutions.empty());
      ASSERT_EQ(d.picture_group.size(), 2u);
      EXPECT_EQ(d.picture_group[0].p_diffs, (std::vector<uint8_t>{2}));
      EXPECT_EQ(d.picture_group[1].tid, 1);
      EXPECT_TRUE(d.picture_group[1].switching_up);
      EXPECT_EQ(d.picture_group[1].p_diffs, (std::vector<uint8_t>{1}));
    } else {
      EXPECT_FALSE(d.has_ss);
    }
  }
}

// Through the Payloader interface (as a Packetizer calls it), information
// set beforehand applies to the next frame only.
TEST(Vp9Test, NextFrameInfoThroughBaseInterface) {
  auto vp9 =
      std::make_unique<Vp9Payloader>(Vp9PayloaderOptions{.flexible = true});
  Vp9Payloader* raw = vp9.get();
  std::unique_ptr<Payloader> base = std::move(vp9);
  raw->SetNextFrameInfo({.p_diffs = {2, 4}, .layer = Vp9LayerInfo{.tid = 2}});
  auto a = base->Payload(1200, Vp9Frame(false, 10));
  auto b = base->Payload(1200, Vp9Frame(false, 10));
  ASSERT_TRUE(a.ok() && b.ok());
  auto da = ParseVp9Descriptor((*a)[0]);
  auto db = ParseVp9Descriptor((*b)[0]);
  ASSERT_TRUE(da.ok() && db.ok());
  EXPECT_EQ(da->p_diffs, (std::vector<uint8_t>{2, 4}));
  EXPECT_EQ(da->tid, 2);
  EXPECT_EQ(db->p_diffs, (std::vector<uint8_t>{1}));  // the default again
  EXPECT_FALSE(db->tid.has_value());
}

TEST(Vp9Test, PayloaderRejectsBadFrameInfo) {
  const auto f = Vp9Frame(false, 20);
  Vp9Payloader flex({.flexible = true});
  auto expect_error = [&](Vp9Payloader& p, const Vp9FrameInfo& info,
                          const char* needle, size_t mtu = 1200) {
    auto r = p.PayloadFrame(mtu, f, info);
    ASSERT_FALSE(r.ok()) << needle;
    EXPECT_NE(std::string(r.status().message()).find(needle), std::string::npos)
        << r.status();
  };
  expect_error(flex, {.p_diffs = {1, 2, 3, 4}}, "at most 3");
  expect_error(flex, {.p_diffs = {0}}, "P_DIFF[0] = 0");
  expect_error(flex, {.p_diffs = {5, 128}}, "P_DIFF[1] = 128");
  expect_error(flex, {.inter_predicted = true}, "P=1 with 0 P_DIFF");
  expect_error(flex, {.p_diffs = {1}, .inter_predicted = false},
               "P=0 with 1 P_DIFF");
  expect_error(flex, {.layer = Vp9LayerInfo{.tid = 8}}, "TID 8");
  expect_error(flex, {.layer = Vp9LayerInfo{.sid = 9}}, "SID 9");
  expect_error(flex, {.ss = Vp9ScalabilityStructure{.num_spatial_layers = 9}},
               "spatial layer count 9");
  expect_error(flex,
               {.ss = Vp9ScalabilityStructure{.num_spatial_layers = 2,
                                              .resolutions = {{1, 1}}}},
               "1 resolutions for 2");
  expect_error(flex,
               {.layer = Vp9LayerInfo{.sid = 2},
                .ss = Vp9ScalabilityStructure{.num_spatial_layers = 2}},
               "SID 2 outside");
  Vp9ScalabilityStructure bad_pg;
  bad_pg.picture_group =
      std::vector<Vp9Descriptor::PictureGroupEntry>{{.p_diffs = {1, 1, 1, 1}}};
  expect_error(flex, {.ss = bad_pg}, "picture group entry 0");
  // mtu: 3-byte header plus 2 P_DIFF bytes leaves nothing at 5.
  expect_error(flex, {.p_diffs = {1, 2}}, "mtu 5", 5);
  Vp9Payloader non_flex;
  expect_error(non_flex, {.p_diffs = {1}}, "non-flexible");
  // Failures leave the picture id where it was.
  auto ok = flex.PayloadFrame(1200, f, {.p_diffs = {1}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ParseVp9Descriptor((*ok)[0])->picture_id, 0);
  // An mtu with room for the later packets' header but not the first's SS.
  auto ss_too_big = flex.PayloadFrame(
      8, f,
      {.ss = Vp9ScalabilityStructure{.num_spatial_layers = 1,
                                     .resolutions = {{640, 480}}}});
  EXPECT_FALSE(ss_too_big.ok());
}

TEST(Vp9Test, MalformedFlexibleDescriptors) {
  Vp9Depacketizer d;
  // P_DIFF chain says another follows (N=1) but the payload ends.
  const uint8_t n_then_end[] = {0xD8, 0x81, 0x02, 0x03};
  auto r = d.Depacketize(n_then_end);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("P_DIFF"), std::string::npos)
      << r.status();
  // 15-bit picture id cut after its first byte.
  const uint8_t pid_cut[] = {0x98, 0x81};
  EXPECT_FALSE(d.Depacketize(pid_cut).ok());
  // Layer byte missing.
  const uint8_t layer_cut[] = {0xB8, 0x05};
  EXPECT_FALSE(d.Depacketize(layer_cut).ok());
  // Descriptor complete but no frame data after it.
  const uint8_t no_data[] = {0xD8, 0x05, 0x02};
  r = d.Depacketize(no_data);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no data after 3-byte"),
            std::string::npos)
      << r.status();
  // SS with Y: resolutions cut short.
  const uint8_t ss_res_cut[] = {0x9A, 0x05, 0x30, 0x01, 0x40, 0x00};
  EXPECT_FALSE(d.Depacketize(ss_res_cut).ok());
  // SS picture group entry announcing a P_DIFF that is not there.
  const uint8_t pg_cut[] = {0x9A, 0x05, 0x08, 0x01, 0x04};
  EXPECT_FALSE(d.Depacketize(pg_cut).ok());
  // Every truncation of a valid flexible payload fails cleanly.
  Vp9Payloader p({.flexible = true});
  auto full = p.PayloadFrame(
      1200, Vp9Frame(true, 4),
      {.layer = Vp9LayerInfo{.tid = 1, .sid = 1},
       .ss = Vp9ScalabilityStructure{.num_spatial_layers = 2,
                                     .resolutions = {{16, 16}, {32, 32}}}});
  ASSERT_TRUE(full.ok());
  const std::vector<uint8_t>& pl = (*full)[0];
  auto whole = ParseVp9Descriptor(pl);
  ASSERT_TRUE(whole.ok()) << whole.status();
  for (size_t n = 0; n <= whole->header_size; ++n) {
    EXPECT_FALSE(ParseVp9Descriptor(ByteSpan(pl.data(), n)).ok()) << n;
  }
}

}  // namespace
}  // namespace simrtc::media
