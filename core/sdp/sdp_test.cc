#include "core/sdp/sdp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_replace.h"
#include "core/base/absl_compat.h"
#include "core/sdp/attributes.h"

namespace simrtc::sdp {

// Readable failure output: gtest would otherwise dump raw bytes.
void PrintTo(const SessionDescription& sd, std::ostream* os) {
  *os << "\n" << sd.ToString();
}

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadTestData(const std::string& name) {
  std::ifstream in("core/sdp/testdata/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Message(const absl::Status& s) {
  return std::string(ToStd(s.message()));
}

// Hand-written SDPs in tests use "\n"; the wire form is CRLF.
std::string Crlf(std::string_view lf) {
  return absl::StrReplaceAll(ToAbsl(lf), {{"\n", "\r\n"}});
}

constexpr char kMinimal[] =
    "v=0\n"
    "o=- 123 2 IN IP4 127.0.0.1\n"
    "s=-\n"
    "t=0 0\n";

// ---------------------------------------------------------------------------
// Round trips of every sample.

class SampleRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(SampleRoundTrip, ByteExactAndSemantic) {
  const std::string text = ReadTestData(GetParam());
  ASSERT_FALSE(text.empty()) << "missing testdata " << GetParam();
  auto sd = SessionDescription::Parse(text);
  ASSERT_TRUE(sd.ok()) << sd.status();
  const std::string out = sd->ToString();
  // Every sample is written canonically, so the bytes must match.
  EXPECT_EQ(out, text);
  auto again = SessionDescription::Parse(out);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *sd);
}

TEST_P(SampleRoundTrip, LfOnlyParsesToTheSameStructure) {
  const std::string text = ReadTestData(GetParam());
  const std::string lf = absl::StrReplaceAll(text, {{"\r\n", "\n"}});
  auto a = SessionDescription::Parse(text);
  auto b = SessionDescription::Parse(lf);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(b->ToString(), text);
}

INSTANTIATE_TEST_SUITE_P(
    Samples, SampleRoundTrip,
    ::testing::Values(
        "chromium_data_offer.sdp", "chromium_data_gathered_offer.sdp",
        "chromium_av_offer.sdp", "chromium_av_answer.sdp",
        "chromium_simulcast_offer.sdp", "pion_offer.sdp", "pion_answer.sdp",
        "pion_edited_offer.sdp", "pion_edited_answer.sdp", "firefox_offer.sdp",
        "safari_answer.sdp", "rfc8866_all_lines.sdp", "edge_cases.sdp"));

// ---------------------------------------------------------------------------
// Structure of parsed samples.

TEST(SessionDescriptionTest, ChromiumAudioVideoOfferStructure) {
  auto sd = SessionDescription::Parse(ReadTestData("chromium_av_offer.sdp"));
  ASSERT_TRUE(sd.ok()) << sd.status();
  EXPECT_EQ(sd->version, 0u);
  EXPECT_EQ(sd->origin.username, "-");
  EXPECT_EQ(sd->origin.session_version, 2u);
  EXPECT_EQ(sd->origin.address, "127.0.0.1");
  EXPECT_EQ(sd->session_name, "-");
  ASSERT_EQ(sd->timings.size(), 1u);
  EXPECT_EQ(sd->timings[0], Timing{});
  EXPECT_EQ(sd->attributes.Find("group"), "BUNDLE 0 1 2");
  EXPECT_TRUE(sd->attributes.Has("extmap-allow-mixed"));
  EXPECT_EQ(sd->attributes.Find("extmap-allow-mixed"), "");
  // The blank after the colon is part of the value and must survive.
  EXPECT_EQ(sd->attributes.Find("msid-semantic"),
            std::optional<std::string_view>(
                " WMS e0ed7764-ebbd-4b16-990c-174b22cfd1ce"));

  ASSERT_EQ(sd->media.size(), 3u);
  const MediaDescription& audio = sd->media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.port, 9);
  EXPECT_EQ(audio.protocol, "UDP/TLS/RTP/SAVPF");
  EXPECT_THAT(audio.formats,
              ElementsAre("111", "63", "9", "0", "8", "13", "110", "126"));
  ASSERT_EQ(audio.connections.size(), 1u);
  EXPECT_EQ(audio.connections[0].address, "0.0.0.0");
  EXPECT_EQ(audio.mid(), "0");
  EXPECT_EQ(FindDirection(audio.attributes), Direction::kSendRecv);

  const MediaDescription& video = sd->media[1];
  EXPECT_EQ(video.formats.size(), 23u);
  EXPECT_EQ(video.attributes.FindAll("ssrc").size(), 4u);
  const MediaDescription& data = sd->media[2];
  EXPECT_EQ(data.media, "application");
  EXPECT_EQ(data.protocol, "UDP/DTLS/SCTP");
  EXPECT_THAT(data.formats, ElementsAre("webrtc-datachannel"));
  EXPECT_EQ(data.attributes.Find("sctp-port"), "5000");
}

TEST(SessionDescriptionTest, AllRfc8866LineTypes) {
  auto sd = SessionDescription::Parse(ReadTestData("rfc8866_all_lines.sdp"));
  ASSERT_TRUE(sd.ok()) << sd.status();
  EXPECT_EQ(sd->origin.username, "jdoe");
  EXPECT_EQ(sd->origin.session_id, 3724394400u);
  EXPECT_EQ(sd->origin.session_version, 3724394405u);
  EXPECT_EQ(sd->session_name, "Call to John Smith");
  EXPECT_EQ(sd->info, "SDP Offer #1");
  EXPECT_EQ(sd->uri, "http://www.jdoe.example.com/home.html");
  EXPECT_THAT(sd->emails, ElementsAre("Jane Doe <jane@jdoe.example.com>",
                                      "john@jdoe.example.com"));
  EXPECT_THAT(sd->phones, ElementsAre("+1 617 555-6011"));
  ASSERT_TRUE(sd->connection.has_value());
  EXPECT_EQ(sd->connection->address, "198.51.100.1");
  ASSERT_EQ(sd->bandwidths.size(), 2u);
  EXPECT_EQ(sd->bandwidths[0].type, "AS");
  EXPECT_EQ(sd->bandwidths[0].value, 2000u);
  ASSERT_EQ(sd->timings.size(), 2u);
  EXPECT_EQ(sd->timings[0].start, 3724394400u);
  EXPECT_EQ(sd->timings[0].stop, 3724398000u);
  ASSERT_EQ(sd->timings[0].repeats.size(), 1u);
  const RepeatTime& r = sd->timings[0].repeats[0];
  EXPECT_EQ(r.interval, 7u * 86400);
  EXPECT_EQ(r.duration, 3600u);
  EXPECT_THAT(r.offsets, ElementsAre(0u, 25u * 3600));
  EXPECT_TRUE(sd->timings[1].repeats.empty());
  ASSERT_EQ(sd->time_zones.size(), 2u);
  EXPECT_EQ(sd->time_zones[0].time, 2882844526u);
  EXPECT_EQ(sd->time_zones[0].offset, -3600);
  EXPECT_EQ(sd->time_zones[1].offset, 0);
  EXPECT_EQ(sd->key, "prompt");
  EXPECT_EQ(FindDirection(sd->attributes), Direction::kRecvOnly);

  ASSERT_EQ(sd->media.size(), 3u);
  const MediaDescription& audio = sd->media[0];
  EXPECT_EQ(audio.title, "main audio");
  ASSERT_EQ(audio.connections.size(), 1u);
  EXPECT_EQ(audio.connections[0].address, "233.252.0.1");
  EXPECT_EQ(audio.connections[0].ttl, 127u);
  EXPECT_EQ(audio.connections[0].num_addresses, 2u);
  EXPECT_EQ(audio.bandwidths[0], (Bandwidth{"AS", 64}));
  EXPECT_EQ(audio.key, "clear:abc");
  EXPECT_EQ(EffectiveDirection(*sd, audio), Direction::kRecvOnly);

  const MediaDescription& video = sd->media[1];
  EXPECT_EQ(video.port, 51372);
  EXPECT_EQ(video.num_ports, 2u);
  ASSERT_EQ(video.connections.size(), 2u);
  EXPECT_EQ(video.connections[0].addr_type, "IP6");
  EXPECT_EQ(video.connections[0].address, "ff15::101");
  EXPECT_EQ(video.connections[0].ttl, std::nullopt);
  EXPECT_EQ(video.connections[0].num_addresses, 3u);
  EXPECT_EQ(video.connections[1].ttl, 64u);
  EXPECT_EQ(video.connections[1].num_addresses, std::nullopt);
}

// ---------------------------------------------------------------------------
// Building from scratch.

TEST(SessionDescriptionTest, BuildsCanonicalText) {
  SessionDescription sd;
  sd.origin.session_id = 42;
  sd.origin.session_version = 1;
  sd.attributes.Add("group", "BUNDLE 0");
  sd.attributes.Add("ice-lite");
  MediaDescription& m = sd.media.emplace_back();
  m.media = "application";
  m.port = 9;
  m.protocol = "UDP/DTLS/SCTP";
  m.formats = {"webrtc-datachannel"};
  m.connections.push_back(ConnectionData{});
  m.attributes.Add("mid", "0");
  m.attributes.Add("sctp-port", "5000");
  EXPECT_EQ(sd.ToString(),
            Crlf("v=0\n"
                 "o=- 42 1 IN IP4 127.0.0.1\n"
                 "s=-\n"
                 "t=0 0\n"
                 "a=group:BUNDLE 0\n"
                 "a=ice-lite\n"
                 "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\n"
                 "c=IN IP4 0.0.0.0\n"
                 "a=mid:0\n"
                 "a=sctp-port:5000\n"));
  auto back = SessionDescription::Parse(sd.ToString());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, sd);
}

TEST(SessionDescriptionTest, EmptyTimingsStillSerializeAParsableSdp) {
  SessionDescription sd;
  sd.timings.clear();
  auto back = SessionDescription::Parse(sd.ToString());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->timings.size(), 1u);
}

TEST(SessionDescriptionTest, TypedTimesSerializeWithLargestExactUnit) {
  auto sd = SessionDescription::Parse(
      std::string(kMinimal) +
      "r=604800 5400 0 90000 61s\nz=100 -7200 200 30m\n");
  ASSERT_TRUE(sd.ok()) << sd.status();
  EXPECT_THAT(sd->ToString(), HasSubstr("r=7d 90m 0 25h 61\r\n"));
  EXPECT_THAT(sd->ToString(), HasSubstr("z=100 -2h 200 30m\r\n"));
}

// ---------------------------------------------------------------------------
// Leniency that real SDPs need.

TEST(SessionDescriptionTest, AcceptsLfCrlfMixAndTrailingBlankLines) {
  auto sd = SessionDescription::Parse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\ns=-\r\nt=0 0\r\na=x\r\n\r\n\n");
  ASSERT_TRUE(sd.ok()) << sd.status();
  EXPECT_TRUE(sd->attributes.Has("x"));
}

TEST(SessionDescriptionTest, AcceptsMissingFinalLineBreak) {
  auto sd =
      SessionDescription::Parse("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0");
  ASSERT_TRUE(sd.ok()) << sd.status();
}

TEST(SessionDescriptionTest, ExtraBlanksInStructuredLinesAreTolerated) {
  auto sd = SessionDescription::Parse(
      "v=0\no=-  1 1 IN IP4 0.0.0.0 \ns=-\nt=0  0\nm=audio 9  RTP/AVP 0 \n");
  ASSERT_TRUE(sd.ok()) << sd.status();
  EXPECT_THAT(sd->media[0].formats, ElementsAre("0"));
}

TEST(SessionDescriptionTest, UnknownAttributesSurviveInOrder) {
  auto sd = SessionDescription::Parse(std::string(kMinimal) +
                                      "a=x-foo:bar baz\n"
                                      "a=x-flag\n"
                                      "a=x-empty:\n"
                                      "a=x-foo:second\n");
  ASSERT_TRUE(sd.ok()) << sd.status();
  const AttributeList& a = sd->attributes;
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0], (Attribute{"x-foo", "bar baz"}));
  EXPECT_EQ(a[1], (Attribute{"x-flag", std::nullopt}));
  EXPECT_EQ(a[2], (Attribute{"x-empty", ""}));
  EXPECT_THAT(a.FindAll("x-foo"), ElementsAre("bar baz", "second"));
  EXPECT_THAT(sd->ToString(), HasSubstr("a=x-flag\r\na=x-empty:\r\n"));
}

// ---------------------------------------------------------------------------
// Errors.

void ExpectError(std::string_view text, std::string_view needle) {
  auto sd = SessionDescription::Parse(text);
  ASSERT_FALSE(sd.ok()) << "accepted: " << text;
  EXPECT_EQ(sd.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(sd.status()), HasSubstr(std::string(needle)))
      << "for input: " << text;
}

TEST(SessionDescriptionErrorTest, Garbage) {
  ExpectError("", "empty");
  ExpectError("hello world", "line 1");
  ExpectError("hello world", "expected <type>=<value>");
  ExpectError("\x01\x02\xff", "line 1 \"\\x01\\x02\\xff\"");
  ExpectError("V=0\n", "lower-case letter");
}

TEST(SessionDescriptionErrorTest, MissingRequiredLines) {
  ExpectError("o=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n", "must start with a v=");
  ExpectError("v=0\ns=-\nt=0 0\n", "line 2 \"s=-\": missing o= line");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\nt=0 0\n", "missing s= line");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\na=x\n", "missing t= line");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\n", "SDP: missing t= line");
  ExpectError("v=0\n", "missing o= line");
}

TEST(SessionDescriptionErrorTest, WrongOrder) {
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nc=IN IP4 1.2.3.4\n",
              "line 5 \"c=IN IP4 1.2.3.4\": 'c=' is out of order");
  ExpectError(std::string(kMinimal) + "a=x\nk=foo\n", "'k=' is out of order");
  ExpectError(std::string(kMinimal) + "m=audio 9 RTP/AVP 0\nt=0 0\n",
              "session-level line");
  ExpectError(
      std::string(kMinimal) + "m=audio 9 RTP/AVP 0\na=x\nc=IN IP4 1.1.1.1\n",
      "'c=' is out of order");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nr=1 1 1\n",
              "'r=' must directly follow");
  ExpectError("v=0\nv=0\n", "duplicate 'v='");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\no=- 1 1 IN IP4 0.0.0.0\n",
              "duplicate 'o='");
  ExpectError(std::string(kMinimal) + "m=audio 9 RTP/AVP 0\ni=a\ni=b\n",
              "duplicate 'i='");
}

TEST(SessionDescriptionErrorTest, BadNumbersAndFields) {
  ExpectError("v=1\n", "unsupported protocol version");
  ExpectError("v=0\no=- abc 1 IN IP4 0.0.0.0\n", "sess-id \"abc\"");
  ExpectError("v=0\no=- 1 99999999999999999999 IN IP4 0.0.0.0\n",
              "sess-version");
  ExpectError("v=0\no=- 1 1 IN IP4\n", "origin needs 6 fields");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nc=IN IP4\n",
              "connection data needs exactly 3 fields");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nc=IN IP4 1.2.3.4/300\n",
              "TTL 300 exceeds 255");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nc=IN IP6 ::1/2/3\n",
              "at most one");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nb=AS\n", "no ':' found");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nb=AS:-1\n",
              "bandwidth value \"-1\"");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0\n", "exactly 2 fields");
  ExpectError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=x 0\n", "start-time \"x\"");
  ExpectError(std::string(kMinimal) + "r=1x 1 1\n", "repeat field 1 \"1x\"");
  ExpectError(std::string(kMinimal) + "r=1 1\n", "at least one offset");
  ExpectError(std::string(kMinimal) + "z=1\n", "has no offset");
  ExpectError(std::string(kMinimal) + "m=audio 70000 RTP/AVP 0\n",
              "media port \"70000\"");
  ExpectError(std::string(kMinimal) + "m=audio 9 RTP/AVP\n",
              "lists no formats");
  ExpectError(std::string(kMinimal) + "m=audio 9/x RTP/AVP 0\n",
              "port count \"x\"");
  ExpectError(std::string(kMinimal) + "m=audio 9 RTP//AVP 0\n",
              "protocol \"RTP//AVP\"");
}

TEST(SessionDescriptionErrorTest, MalformedLines) {
  ExpectError(std::string(kMinimal) + "a=\n", "attribute has no name");
  ExpectError(std::string(kMinimal) + "a=:x\n", "attribute has no name");
  ExpectError(std::string(kMinimal) + "a=foo bar\n", "not a token");
  ExpectError(std::string(kMinimal) + "x=1\n", "unknown line type 'x='");
  ExpectError(std::string(kMinimal) + "\na=x\n", "empty line");
  ExpectError(std::string(kMinimal) + "a=x\ry\n", "stray carriage return");
  ExpectError(std::string(kMinimal) + std::string("a=x\0y\n", 6), "NUL byte");
  ExpectError(std::string(kMinimal) + "a\n", "expected <type>=<value>");
}

TEST(SessionDescriptionErrorTest, LongLinesAreTruncatedInMessages) {
  const std::string line = "a=" + std::string(500, 'x') + " y";
  auto sd = SessionDescription::Parse(std::string(kMinimal) + line + "\n");
  ASSERT_FALSE(sd.ok());
  EXPECT_THAT(Message(sd.status()), HasSubstr("line 5"));
  EXPECT_THAT(Message(sd.status()), HasSubstr("...\""));
  EXPECT_LT(sd.status().message().size(), 200u);
}

TEST(SessionDescriptionErrorTest, ValidatesKnownAttributesWithLineNumbers) {
  const std::string bad = std::string(kMinimal) +
                          "m=audio 9 RTP/AVP 111\n"
                          "a=rtpmap:111 opus\n";
  auto sd = SessionDescription::Parse(bad);
  ASSERT_FALSE(sd.ok());
  EXPECT_THAT(
      Message(sd.status()),
      HasSubstr("SDP line 6 \"a=rtpmap:111 opus\": rtpmap \"111 opus\": "
                "missing /<clock rate>"));
  // Opting out keeps the raw line.
  ParseOptions lax;
  lax.validate_attributes = false;
  auto raw = SessionDescription::Parse(bad, lax);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(raw->media[0].attributes.Find("rtpmap"), "111 opus");

  ExpectError(std::string(kMinimal) + "a=rtcp-mux:1\n",
              "property attribute and takes no value");
  ExpectError(std::string(kMinimal) + "a=mid\n", "a=mid needs a value");
  ExpectError(
      std::string(kMinimal) + "a=candidate:1 1 udp 1 1.2.3.4 99999 typ host\n",
      "port \"99999\"");
  ExpectError(std::string(kMinimal) + "a=fingerprint:sha-256 AB:CD\n",
              "sha-256 digest must be 32 bytes, got 2");
  ExpectError(std::string(kMinimal) + "a=setup:maybe\n", "expected active");
  ExpectError(std::string(kMinimal) + "a=ice-ufrag:ab\n", "length 2");
}

// ---------------------------------------------------------------------------
// AttributeList.

TEST(AttributeListTest, EditingKeepsOrderAndValues) {
  AttributeList a;
  a.Add("mid", "0");
  a.Add("rtcp-mux");
  a.Add("ssrc", "1 cname:x");
  a.Insert(1, "sendonly", std::nullopt);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[1].key, "sendonly");
  EXPECT_EQ(a[2].key, "rtcp-mux");
  a.Erase(0);
  EXPECT_FALSE(a.Has("mid"));
  EXPECT_EQ(a.EraseAll("ssrc"), 1u);
  EXPECT_EQ(a.size(), 2u);
  AttributeList b;
  b.Add("sendonly");
  b.Add("rtcp-mux");
  EXPECT_EQ(a, b);
  AttributeList copy = a;
  a.Clear();
  EXPECT_EQ(copy, b);
  EXPECT_TRUE(a.empty());
}

TEST(AttributeListTest, CompactsAfterManyErasures) {
  AttributeList a;
  for (int i = 0; i < 1000; ++i) {
    a.Add("k", std::string(100, 'v'));
    a.Erase(0);
  }
  a.Add("last", "value");
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0], (Attribute{"last", "value"}));
}

TEST(AttributeListTest, SetDirectionReplacesExisting) {
  AttributeList a;
  a.Add("sendrecv");
  a.Add("mid", "0");
  a.Add("inactive");
  SetDirection(a, Direction::kRecvOnly);
  EXPECT_EQ(FindDirection(a), Direction::kRecvOnly);
  EXPECT_EQ(a.size(), 2u);
}

}  // namespace
}  // namespace simrtc::sdp
