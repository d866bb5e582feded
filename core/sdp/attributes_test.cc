#include "core/sdp/attributes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/base/absl_compat.h"

namespace simrtc::sdp {

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadTestData(const std::string& name) {
  std::ifstream in("core/sdp/testdata/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses `text` as T, checks ToString() reproduces it and re-parses equal.
template <typename T>
T RoundTrip(std::string_view text) {
  auto v = T::Parse(text);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status();
  if (!v.ok()) return T{};
  EXPECT_EQ(v->ToString(), text);
  auto again = T::Parse(v->ToString());
  EXPECT_TRUE(again.ok() && *again == *v) << text;
  return *v;
}

template <typename T>
void ExpectBad(std::string_view text, std::string_view needle) {
  auto v = T::Parse(text);
  ASSERT_FALSE(v.ok()) << "accepted: " << text;
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ToStd(v.status().message())),
              HasSubstr(std::string(needle)));
}

TEST(DirectionTest, ParseAndReverse) {
  EXPECT_EQ(ParseDirection("sendonly"), Direction::kSendOnly);
  EXPECT_EQ(ParseDirection("SENDONLY"), std::nullopt);
  EXPECT_EQ(ToString(Direction::kInactive), "inactive");
  EXPECT_EQ(Reverse(Direction::kSendOnly), Direction::kRecvOnly);
  EXPECT_EQ(Reverse(Direction::kRecvOnly), Direction::kSendOnly);
  EXPECT_EQ(Reverse(Direction::kSendRecv), Direction::kSendRecv);
}

TEST(SetupTest, ParseAndFormat) {
  for (SetupRole r : {SetupRole::kActive, SetupRole::kPassive,
                      SetupRole::kActpass, SetupRole::kHoldconn}) {
    auto back = ParseSetupRole(ToString(r));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, r);
  }
  EXPECT_FALSE(ParseSetupRole("Active").ok());
  EXPECT_FALSE(ParseSetupRole("").ok());
}

TEST(FingerprintTest, ParseFormatValidate) {
  const std::string text =
      "sha-256 D9:5E:A3:6C:C8:CB:AC:E4:3E:3A:56:D2:66:1F:DD:2B:1F:CA:A6:70:63:"
      "36:8E:C8:DC:D0:E7:D5:86:1B:0A:73";
  Fingerprint fp = RoundTrip<Fingerprint>(text);
  EXPECT_EQ(fp.algorithm, "sha-256");
  ASSERT_EQ(fp.digest.size(), 32u);
  EXPECT_EQ(fp.digest[0], 0xD9);
  EXPECT_EQ(fp.digest[31], 0x73);
  // Case folds: algorithm to lower, hex to upper.
  auto lower = Fingerprint::Parse(
      "SHA-1 0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:"
      "16:17:18:19:1a:1b:1c:1d");
  ASSERT_TRUE(lower.ok()) << lower.status();
  EXPECT_EQ(
      lower->ToString(),
      "sha-1 0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D");
  // Unknown hash functions are allowed, with any length.
  EXPECT_TRUE(Fingerprint::Parse("x-hash AB").ok());

  ExpectBad<Fingerprint>("sha-256", "expected <hash-func>");
  ExpectBad<Fingerprint>("sha-256 AB:CD:EF", "32 bytes, got 3");
  ExpectBad<Fingerprint>("sha-256 ABC", "hex byte pairs");
  ExpectBad<Fingerprint>("sha-1 AB-CD", "digest byte 1");
  ExpectBad<Fingerprint>("sha-1 ZZ", "digest byte 1");
  ExpectBad<Fingerprint>("sha-1 AB CD", "expected <hash-func>");
}

TEST(GroupTest, Bundle) {
  Group g = RoundTrip<Group>("BUNDLE 0 1 2");
  EXPECT_EQ(g.semantics, "BUNDLE");
  EXPECT_THAT(g.mids, ElementsAre("0", "1", "2"));
  Group ls = RoundTrip<Group>("LS audio video");
  EXPECT_EQ(ls.semantics, "LS");
  Group empty = RoundTrip<Group>("BUNDLE");
  EXPECT_TRUE(empty.mids.empty());
  ExpectBad<Group>("", "expected <semantics>");
}

TEST(IceTest, OptionsAndCredentials) {
  IceOptions o = RoundTrip<IceOptions>("trickle ice2");
  EXPECT_TRUE(o.Has("trickle"));
  EXPECT_TRUE(o.Has("ice2"));
  EXPECT_FALSE(o.Has("renomination"));
  ExpectBad<IceOptions>("", "lists no options");

  EXPECT_TRUE(ValidateIceUfrag("YtZD").ok());
  EXPECT_TRUE(ValidateIcePwd("T2koHOv/OHkiUSaFAxiAWCPb").ok());
  EXPECT_FALSE(ValidateIceUfrag("abc").ok());
  EXPECT_FALSE(ValidateIceUfrag("ab_cd").ok());
  EXPECT_FALSE(ValidateIcePwd("tooshort").ok());
  EXPECT_FALSE(ValidateIcePwd(std::string(257, 'a')).ok());
  EXPECT_TRUE(ValidateMid("0").ok());
  EXPECT_TRUE(ValidateMid("audio").ok());
  EXPECT_FALSE(ValidateMid("").ok());
  EXPECT_FALSE(ValidateMid("a b").ok());
}

TEST(RtpMapTest, ParseFormatValidate) {
  RtpMap opus = RoundTrip<RtpMap>("111 opus/48000/2");
  EXPECT_EQ(opus.payload_type, 111);
  EXPECT_EQ(opus.encoding_name, "opus");
  EXPECT_EQ(opus.clock_rate, 48000u);
  EXPECT_EQ(opus.channels, 2u);
  RtpMap vp8 = RoundTrip<RtpMap>("96 VP8/90000");
  EXPECT_EQ(vp8.channels, std::nullopt);
  RoundTrip<RtpMap>("99 h263-1998/90000");

  ExpectBad<RtpMap>("128 opus/48000", "payload type");
  ExpectBad<RtpMap>("x opus/48000", "payload type");
  ExpectBad<RtpMap>("96 VP8", "missing /<clock rate>");
  ExpectBad<RtpMap>("96 VP8/0", "clock rate");
  ExpectBad<RtpMap>("96 VP8/abc", "clock rate");
  ExpectBad<RtpMap>("96 opus/48000/", "channel count");
  ExpectBad<RtpMap>("96 opus/48000/2/1", "channel count");
  ExpectBad<RtpMap>("96 opus/48000 extra", "expected <payload type>");
  ExpectBad<RtpMap>("96 /90000", "encoding name");
}

TEST(FmtpTest, ParseFormatAndParameters) {
  Fmtp f = RoundTrip<Fmtp>(
      "102 "
      "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
  EXPECT_EQ(f.payload_type, 102);
  auto params = ParseFmtpParameters(f.parameters);
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[1], (FmtpParameter{"packetization-mode", "1"}));
  Fmtp red = RoundTrip<Fmtp>("63 111/111");
  auto red_params = ParseFmtpParameters(red.parameters);
  ASSERT_EQ(red_params.size(), 1u);
  EXPECT_EQ(red_params[0], (FmtpParameter{"111/111", std::nullopt}));
  EXPECT_THAT(ParseFmtpParameters(" a = 1 ;; b=2; "),
              ElementsAre(FmtpParameter{"a", "1"}, FmtpParameter{"b", "2"}));

  EXPECT_TRUE(FmtpContains("a=1;b=2;c=3", "b=2"));
  EXPECT_TRUE(FmtpContains("a=1;b=2;c=3", "C=3; a=1"));
  EXPECT_TRUE(FmtpContains("a=1", ""));
  EXPECT_FALSE(FmtpContains("a=1;b=2", "b=3"));
  EXPECT_FALSE(FmtpContains("a=1", "d=1"));

  ExpectBad<Fmtp>("96", "has no parameters");
  ExpectBad<Fmtp>("200 x=1", "payload type");
}

TEST(RtcpFbTest, Forms) {
  RtcpFb nack = RoundTrip<RtcpFb>("96 nack");
  EXPECT_EQ(nack.payload_type, 96);
  EXPECT_EQ(nack.type, "nack");
  EXPECT_EQ(nack.parameter, "");
  RtcpFb pli = RoundTrip<RtcpFb>("96 nack pli");
  EXPECT_EQ(pli.parameter, "pli");
  RtcpFb all = RoundTrip<RtcpFb>("* transport-cc");
  EXPECT_EQ(all.payload_type, std::nullopt);
  RtcpFb tmmbr = RoundTrip<RtcpFb>("97 ccm tmmbr smaxpr=120");
  EXPECT_EQ(tmmbr.parameter, "tmmbr smaxpr=120");
  // Pion's trailing blank is not part of the parameter.
  auto pion = RtcpFb::Parse("96 goog-remb ");
  ASSERT_TRUE(pion.ok());
  EXPECT_EQ(pion->ToString(), "96 goog-remb");

  ExpectBad<RtcpFb>("96", "expected <payload type>|*");
  ExpectBad<RtcpFb>("x nack", "payload type is not '*'");
}

TEST(ExtMapTest, Forms) {
  ExtMap e = RoundTrip<ExtMap>("1 urn:ietf:params:rtp-hdrext:ssrc-audio-level");
  EXPECT_EQ(e.id, 1);
  EXPECT_EQ(e.direction, std::nullopt);
  EXPECT_EQ(e.uri, extension_uri::kAudioLevel);
  ExtMap dir = RoundTrip<ExtMap>(
      "2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level");
  EXPECT_EQ(dir.direction, Direction::kRecvOnly);
  ExtMap attrs = RoundTrip<ExtMap>("3 urn:example:ext vad=on extra");
  EXPECT_EQ(attrs.attributes, "vad=on extra");
  RoundTrip<ExtMap>("4096 urn:x");

  ExpectBad<ExtMap>("0 urn:x", "id is not a number 1-4351");
  ExpectBad<ExtMap>("4352 urn:x", "id is not a number 1-4351");
  ExpectBad<ExtMap>("1/sideways urn:x", "direction");
  ExpectBad<ExtMap>("1", "expected <id>");
}

TEST(SsrcTest, Forms) {
  Ssrc cname = RoundTrip<Ssrc>("952345877 cname:HUaIFd4Q5d10zEx6");
  EXPECT_EQ(cname.ssrc, 952345877u);
  EXPECT_EQ(cname.attribute, "cname");
  EXPECT_EQ(cname.value, "HUaIFd4Q5d10zEx6");
  Ssrc msid = RoundTrip<Ssrc>("4294967295 msid:stream track");
  EXPECT_EQ(msid.value, "stream track");
  Ssrc bare = RoundTrip<Ssrc>("1 x-flag");
  EXPECT_EQ(bare.value, std::nullopt);
  ExpectBad<Ssrc>("4294967296 cname:x", "SSRC is not a number");
  ExpectBad<Ssrc>("12", "expected <ssrc> <attribute>");

  SsrcGroup fid = RoundTrip<SsrcGroup>("FID 613825696 3526062336");
  EXPECT_EQ(fid.semantics, "FID");
  EXPECT_THAT(fid.ssrcs, ElementsAre(613825696u, 3526062336u));
  SsrcGroup sim = RoundTrip<SsrcGroup>("SIM 1 2 3");
  EXPECT_EQ(sim.ssrcs.size(), 3u);
  ExpectBad<SsrcGroup>("FID", "lists no SSRCs");
  ExpectBad<SsrcGroup>("FID 1 x", "SSRC \"x\"");
}

TEST(MsidTest, Forms) {
  Msid m = RoundTrip<Msid>(
      "e0ed7764-ebbd-4b16-990c-174b22cfd1ce "
      "19eeb9b2-fb9f-4a5f-a9ed-fc78036e3971");
  EXPECT_EQ(m.stream_id, "e0ed7764-ebbd-4b16-990c-174b22cfd1ce");
  EXPECT_EQ(m.track_id, "19eeb9b2-fb9f-4a5f-a9ed-fc78036e3971");
  Msid no_stream = RoundTrip<Msid>("- track");
  EXPECT_EQ(no_stream.stream_id, "-");
  Msid only = RoundTrip<Msid>("{7c1b9e3a}");
  EXPECT_EQ(only.track_id, std::nullopt);
  ExpectBad<Msid>("", "expected <stream id>");
  ExpectBad<Msid>("a b c", "single token");
}

TEST(RidTest, Forms) {
  Rid q = RoundTrip<Rid>("q send");
  EXPECT_EQ(q.id, "q");
  EXPECT_EQ(q.direction, RidDirection::kSend);
  Rid full =
      RoundTrip<Rid>("hi recv pt=96,97;max-width=1280;max-fps=30;depend=lo");
  EXPECT_EQ(full.direction, RidDirection::kRecv);
  EXPECT_THAT(full.payload_types, ElementsAre(96, 97));
  EXPECT_THAT(full.parameters, ElementsAre(RidParameter{"max-width", "1280"},
                                           RidParameter{"max-fps", "30"},
                                           RidParameter{"depend", "lo"}));
  Rid flag = RoundTrip<Rid>("r_1 send x-flag;max-br=100000");
  EXPECT_EQ(flag.parameters[0], (RidParameter{"x-flag", std::nullopt}));

  ExpectBad<Rid>("q", "expected <rid-id>");
  ExpectBad<Rid>("q sideways", "send or recv");
  ExpectBad<Rid>("q! send", "rid-id must be");
  ExpectBad<Rid>("q send max-width=1;pt=96", "pt= must be the first");
  ExpectBad<Rid>("q send pt=96,300", "pt= entry");
  ExpectBad<Rid>("q send pt=", "pt= has no formats");
  ExpectBad<Rid>("q send a=1;", "trailing ';'");
  ExpectBad<Rid>("q send a=1;;b=2", "empty restriction");
  ExpectBad<Rid>("q send a=1 b=2", "must not contain blanks");
}

TEST(SimulcastTest, Forms) {
  Simulcast s = RoundTrip<Simulcast>("send q;h;f");
  ASSERT_EQ(s.send.size(), 3u);
  EXPECT_EQ(s.send[0], (SimulcastStream{{"q", false}}));
  EXPECT_TRUE(s.recv.empty());
  Simulcast alt = RoundTrip<Simulcast>("send 1,~4;2;3 recv c");
  ASSERT_EQ(alt.send.size(), 3u);
  EXPECT_EQ(alt.send[0], (SimulcastStream{{"1", false}, {"4", true}}));
  ASSERT_EQ(alt.recv.size(), 1u);
  Simulcast recv_first = *Simulcast::Parse("recv a;~b send c");
  EXPECT_EQ(recv_first.ToString(), "send c recv a;~b");
  // Pre-RFC spelling still used by older Firefox.
  auto legacy = Simulcast::Parse(" send rid=a;b");
  ASSERT_TRUE(legacy.ok()) << legacy.status();
  EXPECT_EQ(legacy->ToString(), "send a;b");

  ExpectBad<Simulcast>("", "expected send");
  ExpectBad<Simulcast>("send", "has no stream list");
  ExpectBad<Simulcast>("sideways a", "not send or recv");
  ExpectBad<Simulcast>("send a send b", "given twice");
  ExpectBad<Simulcast>("send a;;b", "stream id \"\"");
  ExpectBad<Simulcast>("send ~", "stream id \"\"");
}

TEST(SctpTest, Forms) {
  SctpMap m = RoundTrip<SctpMap>("5000 webrtc-datachannel 1024");
  EXPECT_EQ(m.port, 5000);
  EXPECT_EQ(m.protocol, "webrtc-datachannel");
  EXPECT_EQ(m.streams, 1024u);
  RoundTrip<SctpMap>("5000 webrtc-datachannel");
  ExpectBad<SctpMap>("5000", "expected <port>");
  ExpectBad<SctpMap>("70000 webrtc-datachannel", "port");

  EXPECT_EQ(*ParseSctpPort("5000"), 5000);
  EXPECT_FALSE(ParseSctpPort("65536").ok());
  EXPECT_EQ(*ParseMaxMessageSize("262144"), 262144u);
  EXPECT_FALSE(ParseMaxMessageSize("-1").ok());
}

TEST(ValidateAttributeTest, FlagsAndValues) {
  EXPECT_TRUE(ValidateAttribute("rtcp-mux", std::nullopt).ok());
  EXPECT_FALSE(ValidateAttribute("rtcp-mux", "x").ok());
  EXPECT_TRUE(ValidateAttribute("x-unknown", "anything at all").ok());
  EXPECT_TRUE(ValidateAttribute("x-unknown", std::nullopt).ok());
  EXPECT_FALSE(ValidateAttribute("rtpmap", std::nullopt).ok());
  EXPECT_TRUE(ValidateAttribute("rtpmap", "96 VP8/90000").ok());
}

// Every typed attribute of every sample parses and round-trips through its
// typed form.
TEST(TypedAttributesTest, AllSamplesParse) {
  for (const char* name :
       {"chromium_data_offer.sdp", "chromium_data_gathered_offer.sdp",
        "chromium_av_offer.sdp", "chromium_av_answer.sdp",
        "chromium_simulcast_offer.sdp", "pion_offer.sdp", "pion_answer.sdp",
        "pion_edited_offer.sdp", "pion_edited_answer.sdp", "firefox_offer.sdp",
        "safari_answer.sdp", "rfc8866_all_lines.sdp", "edge_cases.sdp"}) {
    auto sd = SessionDescription::Parse(ReadTestData(name));
    ASSERT_TRUE(sd.ok()) << name << ": " << sd.status();
    auto check = [&](const AttributeList& attrs) {
      auto maps = attrs.ParseAll<RtpMap>();
      ASSERT_TRUE(maps.ok()) << name;
      for (const RtpMap& m : *maps) EXPECT_EQ(*RtpMap::Parse(m.ToString()), m);
      auto exts = attrs.ParseAll<ExtMap>();
      ASSERT_TRUE(exts.ok()) << name;
      auto fbs = attrs.ParseAll<RtcpFb>();
      ASSERT_TRUE(fbs.ok()) << name;
      auto ssrcs = attrs.ParseAll<Ssrc>();
      ASSERT_TRUE(ssrcs.ok()) << name;
      auto fp = attrs.ParseFirst<Fingerprint>();
      ASSERT_TRUE(fp.ok()) << name;
      if (*fp) {
        EXPECT_GE((*fp)->digest.size(), 32u);
      }
    };
    check(sd->attributes);
    for (const MediaDescription& m : sd->media) check(m.attributes);
  }
}

TEST(TypedAttributesTest, EdgeCaseForms) {
  auto sd = SessionDescription::Parse(ReadTestData("edge_cases.sdp"));
  ASSERT_TRUE(sd.ok()) << sd.status();
  EXPECT_TRUE(sd->attributes.Has(attr::kIceLite));
  auto groups = sd->attributes.ParseAll<Group>();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[1].semantics, "LS");
  const MediaDescription& v = sd->media[0];
  auto rids = v.attributes.ParseAll<Rid>();
  ASSERT_TRUE(rids.ok()) << rids.status();
  ASSERT_EQ(rids->size(), 4u);
  EXPECT_THAT((*rids)[0].payload_types, ElementsAre(96, 98));
  EXPECT_EQ((*rids)[0].parameters.size(), 3u);
  EXPECT_EQ((*rids)[2].parameters[0], (RidParameter{"depend", "mid"}));
  auto sc = v.attributes.ParseFirst<Simulcast>();
  ASSERT_TRUE(sc.ok() && sc->has_value());
  EXPECT_TRUE((*sc)->send.empty());
  ASSERT_EQ((*sc)->recv.size(), 3u);
  EXPECT_EQ((*sc)->recv[1], (SimulcastStream{{"mid", false}, {"alt", true}}));
  EXPECT_TRUE((*sc)->recv[2][0].paused);
  auto exts = v.attributes.ParseAll<ExtMap>();
  ASSERT_TRUE(exts.ok());
  EXPECT_EQ((*exts)[0].direction, Direction::kSendOnly);
  EXPECT_EQ((*exts)[1].id, 16);
  EXPECT_EQ((*exts)[1].attributes, "vad=on");
  auto fp = v.attributes.ParseFirst<Fingerprint>();
  ASSERT_TRUE(fp.ok() && fp->has_value());
  EXPECT_EQ((*fp)->algorithm, "sha-512");
  EXPECT_EQ((*fp)->digest.size(), 64u);
  auto sim = v.attributes.ParseAll<SsrcGroup>();
  ASSERT_TRUE(sim.ok());
  EXPECT_EQ((*sim)[0].semantics, "SIM");
  EXPECT_THAT((*sim)[0].ssrcs, ElementsAre(1u, 2u, 3u));
  EXPECT_EQ(FindDirection(v.attributes), Direction::kRecvOnly);
  auto sctpmap = sd->media[1].attributes.ParseFirst<SctpMap>();
  ASSERT_TRUE(sctpmap.ok() && sctpmap->has_value());
  EXPECT_EQ((*sctpmap)->streams, 1024u);
  EXPECT_EQ(*ParseMaxMessageSize(
                *sd->media[1].attributes.Find(attr::kMaxMessageSize)),
            0u);
  EXPECT_EQ(sd->media[2].port, 0);
  EXPECT_EQ(EffectiveDirection(*sd, sd->media[2]), Direction::kInactive);
  EXPECT_EQ(EffectiveDirection(*sd, sd->media[1]), Direction::kSendRecv);
}

TEST(TypedAttributesTest, ChromiumSimulcastOffer) {
  auto sd =
      SessionDescription::Parse(ReadTestData("chromium_simulcast_offer.sdp"));
  ASSERT_TRUE(sd.ok()) << sd.status();
  const MediaDescription& video = sd->media[1];
  auto rids = video.attributes.ParseAll<Rid>();
  ASSERT_TRUE(rids.ok());
  ASSERT_EQ(rids->size(), 3u);
  EXPECT_EQ((*rids)[0].id, "q");
  EXPECT_EQ((*rids)[2].id, "f");
  auto sc = video.attributes.ParseFirst<Simulcast>();
  ASSERT_TRUE(sc.ok() && sc->has_value());
  ASSERT_EQ((*sc)->send.size(), 3u);
  EXPECT_EQ((*sc)->send[1][0].rid, "h");
  EXPECT_EQ(FindDirection(video.attributes), Direction::kSendOnly);
}

TEST(TypedAttributesTest, ChromiumOfferTransportAttributes) {
  auto sd = SessionDescription::Parse(ReadTestData("chromium_av_offer.sdp"));
  ASSERT_TRUE(sd.ok()) << sd.status();
  auto group = sd->attributes.ParseFirst<Group>();
  ASSERT_TRUE(group.ok() && group->has_value());
  EXPECT_THAT((*group)->mids, ElementsAre("0", "1", "2"));
  const MediaDescription& video = sd->media[1];
  EXPECT_EQ(*ParseSetupRole(*video.attributes.Find("setup")),
            SetupRole::kActpass);
  auto opts = video.attributes.ParseFirst<IceOptions>();
  ASSERT_TRUE(opts.ok() && opts->has_value());
  EXPECT_TRUE((*opts)->Has("trickle"));
  EXPECT_TRUE(video.attributes.Has(attr::kRtcpMux));
  EXPECT_TRUE(video.attributes.Has(attr::kRtcpRsize));
  auto groups = video.attributes.ParseAll<SsrcGroup>();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].semantics, "FID");
  EXPECT_THAT((*groups)[0].ssrcs, ElementsAre(613825696u, 3526062336u));
  auto msid = video.attributes.ParseFirst<Msid>();
  ASSERT_TRUE(msid.ok() && msid->has_value());
  EXPECT_EQ((*msid)->stream_id, "e0ed7764-ebbd-4b16-990c-174b22cfd1ce");
  auto exts = video.attributes.ParseAll<ExtMap>();
  ASSERT_TRUE(exts.ok());
  EXPECT_EQ(exts->size(), 11u);
  EXPECT_EQ((*exts)[0].uri, extension_uri::kTimeOffset);
  EXPECT_EQ(*ParseSctpPort(*sd->media[2].attributes.Find("sctp-port")), 5000);
  EXPECT_EQ(*ParseMaxMessageSize(
                *sd->media[2].attributes.Find(attr::kMaxMessageSize)),
            262144u);
}

TEST(TypedAttributesTest, SessionLevelFallbackAndBuilders) {
  auto sd = SessionDescription::Parse(ReadTestData("pion_offer.sdp"));
  ASSERT_TRUE(sd.ok()) << sd.status();
  // Pion puts the fingerprint at session level only.
  EXPECT_FALSE(sd->media[0].attributes.Has("fingerprint"));
  auto fp = FindMediaOrSessionAttribute(*sd, sd->media[0], "fingerprint");
  ASSERT_TRUE(fp.has_value());
  EXPECT_TRUE(Fingerprint::Parse(*fp).ok());
  EXPECT_EQ(FindMediaOrSessionAttribute(*sd, sd->media[0], "mid"), "0");
  EXPECT_TRUE(sd->media[0].attributes.Has(attr::kEndOfCandidates));

  AttributeList a;
  a.AddTyped(Group{"BUNDLE", {"0", "1"}});
  a.AddTyped(ExtMap{5, Direction::kSendOnly, "urn:x", ""});
  a.AddTyped(SsrcGroup{"FID", {1, 2}});
  EXPECT_EQ(a[0], (Attribute{"group", "BUNDLE 0 1"}));
  EXPECT_EQ(a[1], (Attribute{"extmap", "5/sendonly urn:x"}));
  EXPECT_EQ(a[2], (Attribute{"ssrc-group", "FID 1 2"}));
}

}  // namespace
}  // namespace simrtc::sdp
