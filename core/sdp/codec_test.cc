#include "core/sdp/codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace simrtc::sdp {

// Readable failure output: gtest would otherwise dump raw bytes.
void PrintTo(const SessionDescription& sd, std::ostream* os) {
  *os << "\n" << sd.ToString();
}

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string ReadTestData(const std::string& name) {
  std::ifstream in("core/sdp/testdata/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

SessionDescription Load(const char* name) {
  auto sd = SessionDescription::Parse(ReadTestData(name));
  EXPECT_TRUE(sd.ok()) << name << ": " << sd.status();
  return sd.ok() ? *std::move(sd) : SessionDescription{};
}

std::vector<std::string> FeedbackStrings(const Codec& c) {
  std::vector<std::string> out;
  for (const RtcpFb& fb : c.feedback) {
    out.push_back(fb.type + (fb.parameter.empty() ? "" : " " + fb.parameter));
  }
  return out;
}

TEST(CodecTest, ChromiumAudio) {
  SessionDescription sd = Load("chromium_av_offer.sdp");
  auto codecs = GetCodecs(sd.media[0]);
  ASSERT_TRUE(codecs.ok()) << codecs.status();
  ASSERT_EQ(codecs->size(), 8u);
  const Codec& opus = (*codecs)[0];
  EXPECT_EQ(opus.payload_type, 111);
  EXPECT_EQ(opus.name, "opus");
  EXPECT_EQ(opus.clock_rate, 48000u);
  EXPECT_EQ(opus.channels, 2u);
  EXPECT_EQ(opus.fmtp, "minptime=10;useinbandfec=1");
  EXPECT_THAT(FeedbackStrings(opus), ElementsAre("transport-cc"));
  const Codec& red = (*codecs)[1];
  EXPECT_EQ(red.name, "red");
  EXPECT_EQ(red.fmtp, "111/111");
  EXPECT_EQ((*codecs)[3].name, "PCMU");
  EXPECT_THAT(*FindPayloadTypes(sd.media[0], "telephone-event"),
              ElementsAre(110, 126));
  EXPECT_THAT(*FindPayloadTypes(sd.media[0], "OPUS"), ElementsAre(111));
}

TEST(CodecTest, ChromiumVideoLookups) {
  SessionDescription sd = Load("chromium_av_offer.sdp");
  const MediaDescription& video = sd.media[1];
  auto codecs = GetCodecs(video);
  ASSERT_TRUE(codecs.ok()) << codecs.status();
  EXPECT_EQ(codecs->size(), 23u);

  auto vp8 = GetCodec(video, 96);
  ASSERT_TRUE(vp8.ok()) << vp8.status();
  EXPECT_EQ(vp8->name, "VP8");
  EXPECT_EQ(vp8->clock_rate, 90000u);
  EXPECT_EQ(vp8->channels, std::nullopt);
  EXPECT_THAT(
      FeedbackStrings(*vp8),
      ElementsAre("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"));
  auto rtx = GetCodec(video, 97);
  ASSERT_TRUE(rtx.ok());
  EXPECT_EQ(rtx->name, "rtx");
  EXPECT_EQ(rtx->fmtp, "apt=96");
  EXPECT_EQ(GetCodec(video, 50).status().code(), absl::StatusCode::kNotFound);

  EXPECT_THAT(*FindPayloadTypes(video, "h264"),
              ElementsAre(102, 104, 108, 114, 116, 39));
  EXPECT_THAT(*FindPayloadTypes(video, "H264", "packetization-mode=1"),
              ElementsAre(102, 108, 116));
  EXPECT_THAT(*FindPayloadTypes(video, "H264",
                                "profile-level-id=42e01f;packetization-mode=1"),
              ElementsAre(108));
  EXPECT_THAT(*FindPayloadTypes(video, "VP9", "profile-id=2"),
              ElementsAre(100));
  EXPECT_THAT(*FindPayloadTypes(video, "rtx", "apt=108"), ElementsAre(109));
  EXPECT_THAT(*FindPayloadTypes(video, "H265"), IsEmpty());
}

TEST(CodecTest, WildcardFeedbackAndStaticPayloadTypes) {
  auto sd = SessionDescription::Parse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
      "m=audio 9 RTP/AVP 0 8 96 0\r\n"
      "a=rtpmap:96 opus/48000/2\r\n"
      "a=rtcp-fb:* nack\r\n"
      "a=rtcp-fb:96 transport-cc\r\n"
      "a=rtcp-fb:77 ignored\r\n");
  ASSERT_TRUE(sd.ok()) << sd.status();
  auto codecs = GetCodecs(sd->media[0]);
  ASSERT_TRUE(codecs.ok()) << codecs.status();
  ASSERT_EQ(codecs->size(), 3u);  // the repeated 0 counts once
  EXPECT_EQ((*codecs)[0].name, "PCMU");
  EXPECT_EQ((*codecs)[0].clock_rate, 8000u);
  EXPECT_EQ((*codecs)[1].name, "PCMA");
  EXPECT_THAT(FeedbackStrings((*codecs)[0]), ElementsAre("nack"));
  EXPECT_THAT(FeedbackStrings((*codecs)[2]),
              ElementsAre("nack", "transport-cc"));
}

TEST(CodecTest, ErrorsAndNonRtp) {
  auto no_map = SessionDescription::Parse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
      "m=video 9 RTP/AVP 96\r\n");
  ASSERT_TRUE(no_map.ok());
  auto c = GetCodecs(no_map->media[0]);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(
      std::string(c.status().message().data(), c.status().message().size()),
      ::testing::HasSubstr("payload type 96 is dynamic but has no a=rtpmap"));

  auto bad_fmt = SessionDescription::Parse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
      "m=video 9 RTP/AVP vp8\r\n");
  ASSERT_TRUE(bad_fmt.ok());
  EXPECT_FALSE(GetCodecs(bad_fmt->media[0]).ok());

  SessionDescription sd = Load("chromium_data_offer.sdp");
  auto none = GetCodecs(sd.media[0]);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
  EXPECT_TRUE(IsRtpProtocol("UDP/TLS/RTP/SAVPF"));
  EXPECT_TRUE(IsRtpProtocol("RTP/AVP"));
  EXPECT_FALSE(IsRtpProtocol("UDP/DTLS/SCTP"));
  EXPECT_FALSE(IsRtpProtocol("XRTP/AVP"));
}

TEST(CodecTest, AddCodecBuildsWhatGetCodecsReads) {
  MediaDescription m;
  m.media = "video";
  m.port = 9;
  m.protocol = "UDP/TLS/RTP/SAVPF";
  Codec vp8;
  vp8.payload_type = 96;
  vp8.name = "VP8";
  vp8.clock_rate = 90000;
  vp8.feedback = {*RtcpFb::Parse("96 nack"), *RtcpFb::Parse("* nack pli")};
  Codec rtx;
  rtx.payload_type = 97;
  rtx.name = "rtx";
  rtx.clock_rate = 90000;
  rtx.fmtp = "apt=96";
  AddCodec(m, vp8);
  AddCodec(m, rtx);
  EXPECT_THAT(m.formats, ElementsAre("96", "97"));
  auto codecs = GetCodecs(m);
  ASSERT_TRUE(codecs.ok()) << codecs.status();
  ASSERT_EQ(codecs->size(), 2u);
  // The wildcard was pinned to this codec's payload type when written.
  vp8.feedback[1].payload_type = 96;
  EXPECT_EQ((*codecs)[0], vp8);
  EXPECT_EQ((*codecs)[1], rtx);
}

TEST(CodecTest, EverySampleHasConsistentCodecs) {
  for (const char* name :
       {"chromium_av_offer.sdp", "chromium_av_answer.sdp",
        "chromium_simulcast_offer.sdp", "pion_offer.sdp", "pion_answer.sdp",
        "pion_edited_offer.sdp", "pion_edited_answer.sdp", "firefox_offer.sdp",
        "safari_answer.sdp", "rfc8866_all_lines.sdp"}) {
    SessionDescription sd = Load(name);
    for (const MediaDescription& m : sd.media) {
      auto codecs = GetCodecs(m);
      ASSERT_TRUE(codecs.ok()) << name << ": " << codecs.status();
      for (const Codec& c : *codecs) {
        EXPECT_FALSE(c.name.empty()) << name;
        EXPECT_GT(c.clock_rate, 0u) << name;
      }
    }
  }
}

}  // namespace
}  // namespace simrtc::sdp
