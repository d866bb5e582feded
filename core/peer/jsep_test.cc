// JSEP session description model (jsep.h): BuildSdp -> ParseDescription
// round trips, every validation rule with its exact message, codec
// negotiation, and real browser/Pion descriptions.
#include "core/peer/jsep.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "core/sdp/attributes.h"
#include "core/sdp/codec.h"

namespace simrtc::peer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string FingerprintValue(int seed) {
  std::string v;
  for (int i = 0; i < 32; ++i) {
    if (i > 0) v += ':';
    v += absl::StrFormat("%02X", (i * 7 + seed) & 0xff);
  }
  return v;
}

dtls::Fingerprint Sha256(int seed) {
  return *dtls::Fingerprint::Parse("sha-256 " + FingerprintValue(seed));
}

TransportDescription Transport(sdp::SetupRole setup) {
  TransportDescription t;
  t.ice_ufrag = "UfRg";
  t.ice_pwd = "0123456789abcdefghijklmn";
  t.fingerprints = {Sha256(1)};
  t.setup = setup;
  return t;
}

MediaSection Media(MediaKind kind, std::string mid) {
  MediaSection s;
  s.kind = kind;
  s.mid = std::move(mid);
  s.media = std::string(MediaKindName(kind));
  s.protocol = "UDP/TLS/RTP/SAVPF";
  s.codecs = SupportedCodecs(kind);
  return s;
}

MediaSection Data(std::string mid) {
  MediaSection s;
  s.kind = MediaKind::kApplication;
  s.mid = std::move(mid);
  return s;
}

// audio "0", video "1", data "2", all bundled; an offer.
DescriptionModel AvDataOffer() {
  DescriptionModel m;
  m.session_id = 4611686018427387903;  // 2^62 - 1, the largest we make
  m.session_version = 3;
  m.transport = Transport(sdp::SetupRole::kActpass);
  m.transport.candidates = {
      "candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host",
      "candidate:2 1 udp 1694498815 203.0.113.9 6000 typ srflx raddr "
      "10.0.0.1 rport 5000"};
  m.transport.end_of_candidates = true;
  MediaSection audio = Media(MediaKind::kAudio, "0");
  audio.msid = "stream track";
  MediaSection video = Media(MediaKind::kVideo, "1");
  video.direction = sdp::Direction::kSendOnly;
  MediaSection data = Data("2");
  data.sctp_port = 5001;
  data.max_message_size = 262144;
  m.sections = {audio, video, data};
  m.bundle = {"0", "1", "2"};
  return m;
}

// Every line of `sdp` except those starting with `prefix`.
std::string Without(const std::string& sdp, std::string_view prefix) {
  std::string out;
  size_t pos = 0;
  while (pos < sdp.size()) {
    size_t end = sdp.find("\r\n", pos);
    if (end == std::string::npos) end = sdp.size();
    std::string_view line(sdp.data() + pos, end - pos);
    if (line.substr(0, prefix.size()) != prefix) {
      out.append(line);
      out += "\r\n";
    }
    pos = end + 2;
  }
  return out;
}

// Replaces every whole line `from` with `to` (which may be several lines).
std::string Replace(const std::string& sdp, std::string_view from,
                    std::string_view to) {
  std::string out;
  size_t pos = 0;
  int replaced = 0;
  while (pos < sdp.size()) {
    size_t end = sdp.find("\r\n", pos);
    if (end == std::string::npos) end = sdp.size();
    std::string_view line(sdp.data() + pos, end - pos);
    if (line == from) {
      out.append(to);
      ++replaced;
    } else {
      out.append(line);
    }
    out += "\r\n";
    pos = end + 2;
  }
  EXPECT_GT(replaced, 0) << "no line \"" << from << "\"";
  return out;
}

std::string ReadSample(const std::string& name) {
  std::ifstream in("core/sdp/testdata/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> Mids(const DescriptionModel& m) {
  std::vector<std::string> out;
  for (const MediaSection& s : m.sections) out.push_back(s.mid);
  return out;
}

std::vector<MediaKind> Kinds(const DescriptionModel& m) {
  std::vector<MediaKind> out;
  for (const MediaSection& s : m.sections) out.push_back(s.kind);
  return out;
}

// ---- Round trips -------------------------------------------------------

TEST(JsepRoundTripTest, DataOnly) {
  DescriptionModel m;
  m.session_id = 12345;
  m.session_version = 1;
  m.transport = Transport(sdp::SetupRole::kActpass);
  m.transport.candidates = {
      "candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host"};
  m.sections = {Data("0")};
  m.bundle = {"0"};
  const std::string text = BuildSdp(m);
  EXPECT_THAT(text, HasSubstr("m=application 9 UDP/DTLS/SCTP "
                              "webrtc-datachannel\r\n"));
  EXPECT_THAT(text, HasSubstr("a=group:BUNDLE 0\r\n"));
  EXPECT_THAT(text, Not(HasSubstr("a=msid-semantic")));
  EXPECT_THAT(text, Not(HasSubstr("a=end-of-candidates")));

  absl::StatusOr<DescriptionModel> p = ParseDescription(text, SdpType::kOffer);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->session_id, 12345u);
  EXPECT_EQ(p->session_version, 1u);
  EXPECT_EQ(p->bundle, std::vector<std::string>{"0"});
  const TransportDescription& t = p->transport;
  EXPECT_EQ(t.ice_ufrag, "UfRg");
  EXPECT_EQ(t.ice_pwd, "0123456789abcdefghijklmn");
  EXPECT_FALSE(t.ice_lite);
  EXPECT_TRUE(t.trickle);
  ASSERT_EQ(t.fingerprints.size(), 1u);
  EXPECT_EQ(t.fingerprints[0], Sha256(1));
  EXPECT_EQ(t.setup, sdp::SetupRole::kActpass);
  EXPECT_EQ(t.candidates, m.transport.candidates);
  EXPECT_FALSE(t.end_of_candidates);
  ASSERT_EQ(p->sections.size(), 1u);
  const MediaSection& d = p->sections[0];
  EXPECT_EQ(d.kind, MediaKind::kApplication);
  EXPECT_EQ(d.mid, "0");
  EXPECT_FALSE(d.rejected);
  EXPECT_TRUE(d.bundled);
  EXPECT_FALSE(d.bundle_only);
  EXPECT_EQ(d.media, "application");
  EXPECT_EQ(d.protocol, "UDP/DTLS/SCTP");
  EXPECT_EQ(d.sctp_port, 5000);
  EXPECT_EQ(d.max_message_size, 65536u);
  // Building the parsed model again gives the same text.
  EXPECT_EQ(BuildSdp(*p), text);
}

TEST(JsepRoundTripTest, AudioVideoData) {
  const DescriptionModel m = AvDataOffer();
  const std::string text = BuildSdp(m);
  EXPECT_THAT(text, HasSubstr("a=group:BUNDLE 0 1 2\r\n"));
  EXPECT_THAT(text, HasSubstr("a=msid-semantic:WMS *\r\n"));
  EXPECT_THAT(text, HasSubstr("m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\n"));
  EXPECT_THAT(text, HasSubstr("m=video 9 UDP/TLS/RTP/SAVPF 96 102\r\n"));

  absl::StatusOr<DescriptionModel> p = ParseDescription(text, SdpType::kOffer);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->session_id, m.session_id);
  EXPECT_EQ(p->session_version, 3u);
  EXPECT_EQ(p->bundle, m.bundle);
  EXPECT_THAT(Mids(*p), ElementsAre("0", "1", "2"));
  EXPECT_THAT(Kinds(*p), ElementsAre(MediaKind::kAudio, MediaKind::kVideo,
                                     MediaKind::kApplication));
  // Candidates are written once (on the BUNDLE tag) and read once.
  EXPECT_EQ(p->transport.candidates, m.transport.candidates);
  EXPECT_TRUE(p->transport.end_of_candidates);
  const MediaSection& audio = p->sections[0];
  EXPECT_EQ(audio.direction, sdp::Direction::kSendRecv);
  EXPECT_EQ(audio.codecs, SupportedCodecs(MediaKind::kAudio));
  EXPECT_EQ(audio.msid, "stream track");
  const MediaSection& video = p->sections[1];
  EXPECT_EQ(video.direction, sdp::Direction::kSendOnly);
  EXPECT_EQ(video.codecs, SupportedCodecs(MediaKind::kVideo));
  EXPECT_EQ(video.msid, std::nullopt);
  const MediaSection& data = p->sections[2];
  EXPECT_EQ(data.sctp_port, 5001);
  EXPECT_EQ(data.max_message_size, 262144u);
  for (const MediaSection& s : p->sections) {
    EXPECT_FALSE(s.rejected) << s.mid;
    EXPECT_TRUE(s.bundled) << s.mid;
  }
  EXPECT_EQ(BuildSdp(*p), text);
}

TEST(JsepRoundTripTest, RejectedSectionsKeepTheirMidAndKind) {
  // An answer accepting audio and rejecting video, data and an unknown
  // m=text section.
  DescriptionModel m;
  m.transport = Transport(sdp::SetupRole::kActive);
  MediaSection audio = Media(MediaKind::kAudio, "0");
  MediaSection video = Media(MediaKind::kVideo, "1");
  video.rejected = true;
  MediaSection data = Data("2");
  data.rejected = true;
  MediaSection text_section;
  text_section.kind = MediaKind::kUnsupported;
  text_section.mid = "3";
  text_section.media = "text";
  text_section.protocol = "RTP/AVP";
  text_section.formats = {"98"};
  text_section.rejected = true;
  m.sections = {audio, video, data, text_section};
  m.bundle = {"0"};
  const std::string text = BuildSdp(m);
  // Rejected sections have port 0, their mid and no transport attributes;
  // the video one lists the payload types without a=rtpmap.
  EXPECT_THAT(text, HasSubstr("m=video 0 UDP/TLS/RTP/SAVPF 96 102\r\n"
                              "c=IN IP4 0.0.0.0\r\na=mid:1\r\n"));
  EXPECT_THAT(text, HasSubstr("m=application 0 UDP/DTLS/SCTP "
                              "webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n"
                              "a=mid:2\r\n"));
  EXPECT_THAT(text, HasSubstr("m=text 0 RTP/AVP 98\r\n"));
  EXPECT_THAT(text, Not(HasSubstr("a=rtpmap:96")));

  absl::StatusOr<DescriptionModel> p = ParseDescription(text, SdpType::kAnswer);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(Mids(*p), ElementsAre("0", "1", "2", "3"));
  EXPECT_THAT(Kinds(*p),
              ElementsAre(MediaKind::kAudio, MediaKind::kVideo,
                          MediaKind::kApplication, MediaKind::kUnsupported));
  EXPECT_FALSE(p->sections[0].rejected);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_TRUE(p->sections[i].rejected) << i;
    EXPECT_FALSE(p->sections[i].bundled) << i;
  }
  EXPECT_TRUE(p->sections[1].codecs.empty());
  EXPECT_EQ(p->sections[3].media, "text");
  EXPECT_EQ(p->sections[3].protocol, "RTP/AVP");
  EXPECT_EQ(p->sections[3].formats, std::vector<std::string>{"98"});
  EXPECT_EQ(p->transport.ice_ufrag, "UfRg");
  EXPECT_EQ(p->transport.setup, sdp::SetupRole::kActive);
  EXPECT_EQ(p->bundle, std::vector<std::string>{"0"});
}

TEST(JsepRoundTripTest, EverythingRejectedHasNoTransport) {
  DescriptionModel m;
  m.transport = Transport(sdp::SetupRole::kActive);
  MediaSection data = Data("0");
  data.rejected = true;
  m.sections = {data};
  absl::StatusOr<DescriptionModel> p =
      ParseDescription(BuildSdp(m), SdpType::kAnswer);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->sections.size(), 1u);
  EXPECT_TRUE(p->sections[0].rejected);
  EXPECT_TRUE(p->transport.ice_ufrag.empty());
  EXPECT_TRUE(p->transport.fingerprints.empty());
  EXPECT_TRUE(p->bundle.empty());
}

TEST(JsepRoundTripTest, BundleOnlySectionsUsePortZeroAndStayLive) {
  DescriptionModel m = AvDataOffer();
  m.sections[1].bundle_only = true;
  m.sections[2].bundle_only = true;
  const std::string text = BuildSdp(m);
  // RFC 8843 section 7.2.1: port 0 plus a=bundle-only.
  EXPECT_THAT(text, HasSubstr("m=audio 9 "));
  EXPECT_THAT(text, HasSubstr("m=video 0 UDP/TLS/RTP/SAVPF 96 102\r\n"));
  EXPECT_THAT(text, HasSubstr("m=application 0 UDP/DTLS/SCTP"));
  EXPECT_THAT(text, HasSubstr("a=mid:1\r\na=bundle-only\r\n"));
  absl::StatusOr<DescriptionModel> p = ParseDescription(text, SdpType::kOffer);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_FALSE(p->sections[0].bundle_only);
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_TRUE(p->sections[i].bundle_only) << i;
    EXPECT_FALSE(p->sections[i].rejected) << i;
    EXPECT_TRUE(p->sections[i].bundled) << i;
  }
  EXPECT_EQ(p->sections[1].codecs, SupportedCodecs(MediaKind::kVideo));
  EXPECT_EQ(p->transport.ice_ufrag, "UfRg");
  EXPECT_EQ(BuildSdp(*p), text);
}

TEST(JsepRoundTripTest, SessionLevelTransportAttributesAreRead) {
  const std::string text =
      "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      "a=group:BUNDLE d\r\n"
      "a=ice-ufrag:SeSs\r\na=ice-pwd:sessionlevelpassword0123\r\n"
      "a=ice-lite\r\n"
      "a=fingerprint:sha-256 " +
      FingerprintValue(5) +
      "\r\na=setup:passive\r\n"
      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
      "c=IN IP4 0.0.0.0\r\na=mid:d\r\na=sctp-port:5000\r\n"
      "a=max-message-size:0\r\n";
  absl::StatusOr<DescriptionModel> p = ParseDescription(text, SdpType::kAnswer);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->transport.ice_ufrag, "SeSs");
  EXPECT_EQ(p->transport.ice_pwd, "sessionlevelpassword0123");
  EXPECT_TRUE(p->transport.ice_lite);
  EXPECT_FALSE(p->transport.trickle);  // no a=ice-options:trickle
  EXPECT_EQ(p->transport.fingerprints, std::vector{Sha256(5)});
  EXPECT_EQ(p->transport.setup, sdp::SetupRole::kPassive);
  // max-message-size 0 means "no limit" (RFC 8841 section 6).
  EXPECT_EQ(p->sections[0].max_message_size, size_t{1} << 30);
}

// ---- Validation --------------------------------------------------------

class JsepValidationTest : public ::testing::Test {
 protected:
  // The exact message of parsing `text` as `type`; "" when it parses.
  static std::string Error(const std::string& text,
                           SdpType type = SdpType::kOffer) {
    absl::StatusOr<DescriptionModel> p = ParseDescription(text, type);
    if (p.ok()) return "";
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(p.status().message());
  }

  const std::string offer_ = BuildSdp(AvDataOffer());
};

TEST_F(JsepValidationTest, TheBaseOfferIsValid) {
  EXPECT_EQ(Error(offer_), "");
}

TEST_F(JsepValidationTest, UnparsableTextAndRollback) {
  EXPECT_THAT(Error("garbage"), StartsWith("SDP: "));
  EXPECT_THAT(Error(""), StartsWith("SDP: "));
  // The parser's own "SDP: " is not repeated.
  EXPECT_EQ(Error("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"),
            "SDP: missing s= line");
  EXPECT_EQ(Error(offer_, SdpType::kRollback),
            "SDP: a rollback has no description to parse");
}

TEST_F(JsepValidationTest, NoMediaSections) {
  EXPECT_EQ(Error("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"),
            "SDP: no m= sections");
}

TEST_F(JsepValidationTest, Mids) {
  EXPECT_EQ(Error(Without(offer_, "a=mid:1")),
            "SDP: m-line 1 (video): missing a=mid");
  EXPECT_EQ(Error(Replace(offer_, "a=mid:2", "a=mid:1")),
            "SDP: m-line 2 (mid 1): duplicate mid \"1\"");
}

TEST_F(JsepValidationTest, BundleGroupNamingAnUnknownMid) {
  EXPECT_EQ(
      Error(Replace(offer_, "a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1 2 7")),
      "SDP: a=group:BUNDLE names mid \"7\", which has no m-line");
}

// Syntax errors of typed attributes are caught by the SDP parser first,
// which names the line: "SDP: SDP line N \"<line>\": <what>".
std::string LineError(const std::string& text, std::string_view line,
                      const std::string& what) {
  int number = 1;
  for (size_t pos = 0; pos < text.size(); ++number) {
    size_t end = text.find("\r\n", pos);
    if (text.compare(pos, end - pos, line) == 0) {
      return absl::StrFormat("SDP: SDP line %d \"%s\": %s", number, line, what);
    }
    pos = end + 2;
  }
  ADD_FAILURE() << "no line " << line;
  return "";
}

TEST_F(JsepValidationTest, IceCredentials) {
  EXPECT_EQ(Error(Without(offer_, "a=ice-ufrag")),
            "SDP: m-line 0 (mid 0): missing a=ice-ufrag");
  EXPECT_EQ(Error(Without(offer_, "a=ice-pwd")),
            "SDP: m-line 0 (mid 0): missing a=ice-pwd");
  // Too short: 4 and 22 characters at least (RFC 8839).
  const std::string ufrag =
      Replace(offer_, "a=ice-ufrag:UfRg", "a=ice-ufrag:abc");
  EXPECT_EQ(Error(ufrag),
            LineError(ufrag, "a=ice-ufrag:abc",
                      std::string(sdp::ValidateIceUfrag("abc").message())));
  const std::string pwd = Replace(offer_, "a=ice-pwd:0123456789abcdefghijklmn",
                                  "a=ice-pwd:tooshort");
  EXPECT_EQ(Error(pwd),
            LineError(pwd, "a=ice-pwd:tooshort",
                      std::string(sdp::ValidateIcePwd("tooshort").message())));
}

TEST_F(JsepValidationTest, Fingerprint) {
  EXPECT_EQ(Error(Without(offer_, "a=fingerprint")),
            "SDP: m-line 0 (mid 0): missing a=fingerprint");
  const std::string fp_line = "a=fingerprint:sha-256 " + FingerprintValue(1);
  const std::string bad =
      Replace(offer_, fp_line, "a=fingerprint:sha-256 12:34");
  EXPECT_EQ(
      Error(bad),
      LineError(
          bad, "a=fingerprint:sha-256 12:34",
          std::string(
              sdp::Fingerprint::Parse("sha-256 12:34").status().message())));
  // Well-formed SDP, but a hash DTLS does not support: refused with the
  // section that carries it.
  const std::string md5_value =
      "md5 " + FingerprintValue(3).substr(0, 16 * 3 - 1);
  ASSERT_TRUE(sdp::Fingerprint::Parse(md5_value).ok());
  const std::string md5 =
      Replace(offer_, fp_line, "a=fingerprint:" + md5_value);
  EXPECT_EQ(
      Error(md5),
      absl::StrCat("SDP: m-line 0 (mid 0): a=fingerprint:", md5_value, ": ",
                   dtls::Fingerprint::Parse(md5_value).status().message()));
}

TEST_F(JsepValidationTest, Setup) {
  EXPECT_EQ(Error(Without(offer_, "a=setup")),
            "SDP: m-line 0 (mid 0): missing a=setup");
  EXPECT_EQ(Error(Replace(offer_, "a=setup:actpass", "a=setup:holdconn")),
            "SDP: m-line 0 (mid 0): a=setup:holdconn (expected actpass, "
            "active or passive)");
  EXPECT_EQ(Error(offer_, SdpType::kAnswer),
            "SDP: m-line 0 (mid 0): a=setup:actpass is not allowed in an "
            "answer (choose active or passive)");
  EXPECT_THAT(Error(offer_, SdpType::kPrAnswer),
              HasSubstr("a=setup:actpass is not allowed in"));
  for (const char* role : {"active", "passive"}) {
    const std::string answer =
        Replace(offer_, "a=setup:actpass", absl::StrCat("a=setup:", role));
    EXPECT_EQ(Error(answer, SdpType::kAnswer), "") << role;
    EXPECT_EQ(Error(answer, SdpType::kPrAnswer), "") << role;
  }
}

TEST_F(JsepValidationTest, RtcpMuxIsRequiredForMedia) {
  EXPECT_EQ(Error(Without(offer_, "a=rtcp-mux")),
            "SDP: m-line 0 (mid 0): a=rtcp-mux is required "
            "(rtcp_mux_policy require)");
}

TEST_F(JsepValidationTest, SctpPortAndMaxMessageSize) {
  EXPECT_EQ(Error(Replace(offer_, "a=sctp-port:5001", "a=sctp-port:0")),
            "SDP: m-line 2 (mid 2): a=sctp-port:0 is not a port");
  const std::string too_big =
      Replace(offer_, "a=sctp-port:5001", "a=sctp-port:65536");
  EXPECT_THAT(Error(too_big),
              StartsWith(LineError(too_big, "a=sctp-port:65536", "sctp-port")));
  // The SDP parser checks the number syntax (the jsep-level "is not a
  // number" check is a second line of defence it never reaches).
  const std::string huge = Replace(offer_, "a=max-message-size:262144",
                                   "a=max-message-size:99999999999999999999");
  EXPECT_THAT(Error(huge), StartsWith(LineError(
                               huge, "a=max-message-size:99999999999999999999",
                               "max-message-size")));
  const std::string word =
      Replace(offer_, "a=max-message-size:262144", "a=max-message-size:lots");
  EXPECT_THAT(Error(word), StartsWith(LineError(word, "a=max-message-size:lots",
                                                "max-message-size")));
}

TEST_F(JsepValidationTest, CodecErrorsOfLiveSectionsNameTheSection) {
  EXPECT_THAT(Error(Without(offer_, "a=rtpmap:96")),
              StartsWith("SDP: m-line 1 (mid 1): "));
}

TEST_F(JsepValidationTest, TransportErrorsNameTheBundleTag) {
  // Audio rejected and out of the group: the transport comes from the video
  // section, which the message names.
  std::string text = Replace(offer_, "m=audio 9 UDP/TLS/RTP/SAVPF 111 0",
                             "m=audio 0 UDP/TLS/RTP/SAVPF 111 0");
  text = Replace(text, "a=group:BUNDLE 0 1 2", "a=group:BUNDLE 1 2");
  EXPECT_EQ(Error(text), "");
  EXPECT_EQ(Error(Without(text, "a=ice-ufrag")),
            "SDP: m-line 1 (mid 1): missing a=ice-ufrag");
  EXPECT_EQ(Error(Without(text, "a=setup")),
            "SDP: m-line 1 (mid 1): missing a=setup");
}

TEST_F(JsepValidationTest, UnknownKindsAndProtocolsAreKeptNotRefused) {
  const std::string text =
      offer_ +
      "m=text 9 RTP/AVP 98\r\nc=IN IP4 0.0.0.0\r\na=mid:t\r\n"
      "m=audio 9 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\na=mid:plain\r\n";
  absl::StatusOr<DescriptionModel> p = ParseDescription(text, SdpType::kOffer);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->sections.size(), 5u);
  EXPECT_EQ(p->sections[3].kind, MediaKind::kUnsupported);
  EXPECT_EQ(p->sections[3].media, "text");
  EXPECT_EQ(p->sections[4].kind, MediaKind::kUnsupported);
  EXPECT_EQ(p->sections[4].protocol, "RTP/AVP");
  // Not in the BUNDLE group: an answerer rejects them.
  EXPECT_FALSE(p->sections[3].bundled);
  EXPECT_FALSE(p->sections[4].bundled);
}

// ---- Codec negotiation -------------------------------------------------

sdp::Codec MakeCodec(uint8_t pt, std::string name, uint32_t rate,
                     std::string fmtp = "",
                     std::vector<std::pair<std::string, std::string>> fb = {},
                     std::optional<uint32_t> channels = std::nullopt) {
  sdp::Codec c;
  c.payload_type = pt;
  c.name = std::move(name);
  c.clock_rate = rate;
  c.channels = channels;
  c.fmtp = std::move(fmtp);
  for (auto& [type, parameter] : fb) {
    sdp::RtcpFb f;
    f.payload_type = pt;
    f.type = type;
    f.parameter = parameter;
    c.feedback.push_back(f);
  }
  return c;
}

std::vector<uint8_t> PayloadTypes(const std::vector<sdp::Codec>& codecs) {
  std::vector<uint8_t> out;
  for (const sdp::Codec& c : codecs) out.push_back(c.payload_type);
  return out;
}

TEST(NegotiateCodecsTest, IntersectionInTheOffersOrderWithItsPayloadTypes) {
  const std::vector<sdp::Codec> offered = {
      MakeCodec(98, "VP9", 90000, "profile-id=0"),
      MakeCodec(120, "vp8", 90000),  // names compare case-insensitively
      MakeCodec(121, "rtx", 90000, "apt=120"),
      MakeCodec(126, "H264", 90000,
                "profile-level-id=42e01f;packetization-mode=1"),
      MakeCodec(45, "AV1", 90000)};
  const std::vector<sdp::Codec> out =
      NegotiateCodecs(MediaKind::kVideo, offered);
  ASSERT_EQ(PayloadTypes(out), (std::vector<uint8_t>{120, 126}));
  EXPECT_EQ(out[0].name, "vp8");  // the offer's codec, as written
  EXPECT_EQ(out[1].fmtp, "profile-level-id=42e01f;packetization-mode=1");
}

TEST(NegotiateCodecsTest, AudioKeepsTheOffersPayloadTypes) {
  const std::vector<sdp::Codec> offered = {
      MakeCodec(109, "opus", 48000, "stereo=1", {}, 2),
      MakeCodec(9, "G722", 8000), MakeCodec(0, "PCMU", 8000),
      MakeCodec(8, "PCMA", 8000),
      MakeCodec(101, "telephone-event", 8000, "0-15")};
  const std::vector<sdp::Codec> out =
      NegotiateCodecs(MediaKind::kAudio, offered);
  ASSERT_EQ(PayloadTypes(out), (std::vector<uint8_t>{109, 0}));
  EXPECT_EQ(out[0].fmtp, "stereo=1");
  EXPECT_EQ(out[0].channels, 2u);
}

TEST(NegotiateCodecsTest, ClockRateAndChannelsMustMatch) {
  const std::vector<sdp::Codec> offered = {
      MakeCodec(100, "opus", 48000),  // 1 channel: not our opus/48000/2
      MakeCodec(101, "opus", 16000, "", {}, 2), MakeCodec(102, "PCMU", 16000),
      MakeCodec(103, "VP8", 90000)};
  EXPECT_TRUE(NegotiateCodecs(MediaKind::kAudio, offered).empty());
}

TEST(NegotiateCodecsTest, H264NeedsPacketizationModeOne) {
  const std::vector<sdp::Codec> offered = {
      MakeCodec(104, "H264", 90000,
                "level-asymmetry-allowed=1;packetization-mode=0;"
                "profile-level-id=42001f"),
      MakeCodec(105, "H264", 90000, "profile-level-id=42e01f"),
      MakeCodec(106, "H264", 90000, ""),
      MakeCodec(108, "H264", 90000,
                "level-asymmetry-allowed=1;packetization-mode=1;"
                "profile-level-id=42e01f")};
  EXPECT_EQ(PayloadTypes(NegotiateCodecs(MediaKind::kVideo, offered)),
            (std::vector<uint8_t>{108}));
}

TEST(NegotiateCodecsTest, FeedbackIsIntersectedAndTakesThePayloadType) {
  sdp::Codec vp8 = MakeCodec(100, "VP8", 90000, "",
                             {{"nack", ""},
                              {"nack", "pli"},
                              {"nack", "sli"},  // not ours
                              {"goog-remb", ""},
                              {"ccm", "fir"},
                              {"ccm", "tmmbr"},  // not ours
                              {"transport-cc", ""},
                              {"x-unknown", ""}});
  sdp::RtcpFb wildcard;  // a=rtcp-fb:* nack (no payload type)
  wildcard.type = "nack";
  vp8.feedback.push_back(wildcard);
  const std::vector<sdp::Codec> out = NegotiateCodecs(MediaKind::kVideo, {vp8});
  ASSERT_EQ(out.size(), 1u);
  std::vector<std::string> fb;
  for (const sdp::RtcpFb& f : out[0].feedback) {
    EXPECT_EQ(f.payload_type, 100);
    fb.push_back(f.parameter.empty() ? f.type : f.type + " " + f.parameter);
  }
  // The offer's order, only what we support.
  EXPECT_THAT(fb, ElementsAre("nack", "nack pli", "goog-remb", "ccm fir",
                              "transport-cc", "nack"));
  // Audio: opus supports transport-cc only.
  const std::vector<sdp::Codec> audio = NegotiateCodecs(
      MediaKind::kAudio, {MakeCodec(111, "opus", 48000, "",
                                    {{"transport-cc", ""}, {"nack", ""}}, 2)});
  ASSERT_EQ(audio.size(), 1u);
  ASSERT_EQ(audio[0].feedback.size(), 1u);
  EXPECT_EQ(audio[0].feedback[0].type, "transport-cc");
}

TEST(NegotiateCodecsTest, NoCodecsForDataOrUnknownKinds) {
  const std::vector<sdp::Codec> offered = {MakeCodec(96, "VP8", 90000)};
  EXPECT_TRUE(NegotiateCodecs(MediaKind::kApplication, offered).empty());
  EXPECT_TRUE(NegotiateCodecs(MediaKind::kUnsupported, offered).empty());
  EXPECT_TRUE(NegotiateCodecs(MediaKind::kVideo, {}).empty());
}

// ---- Real descriptions --------------------------------------------------

struct Sample {
  const char* file;
  SdpType type;
  const char* ufrag;
  const char* fingerprint_prefix;  // "sha-256 AB:CD:..."
  sdp::SetupRole setup;
  std::vector<std::string> mids;
  std::vector<MediaKind> kinds;
};

void PrintTo(const Sample& s, std::ostream* os) { *os << s.file; }

class RealDescriptionTest : public ::testing::TestWithParam<Sample> {};

TEST_P(RealDescriptionTest, ParsesWithTheRightTransportAndSections) {
  const Sample& s = GetParam();
  const std::string text = ReadSample(s.file);
  ASSERT_FALSE(text.empty()) << "missing testdata " << s.file;
  absl::StatusOr<DescriptionModel> p = ParseDescription(text, s.type);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->transport.ice_ufrag, s.ufrag);
  ASSERT_FALSE(p->transport.fingerprints.empty());
  EXPECT_THAT(p->transport.fingerprints[0].ToSdp(),
              StartsWith(s.fingerprint_prefix));
  EXPECT_EQ(p->transport.setup, s.setup);
  EXPECT_EQ(Mids(*p), s.mids);
  EXPECT_EQ(Kinds(*p), s.kinds);
  EXPECT_EQ(p->bundle, s.mids);
  for (const MediaSection& m : p->sections) {
    EXPECT_FALSE(m.rejected) << m.mid;
    EXPECT_TRUE(m.bundled) << m.mid;
  }
}

constexpr MediaKind kA = MediaKind::kAudio;
constexpr MediaKind kV = MediaKind::kVideo;
constexpr MediaKind kD = MediaKind::kApplication;

INSTANTIATE_TEST_SUITE_P(Samples, RealDescriptionTest,
                         ::testing::Values(Sample{"chromium_data_offer.sdp",
                                                  SdpType::kOffer,
                                                  "Ixex",
                                                  "sha-256 E5:D3:3C:57",
                                                  sdp::SetupRole::kActpass,
                                                  {"0"},
                                                  {kD}},
                                           Sample{"chromium_av_offer.sdp",
                                                  SdpType::kOffer,
                                                  "YtZD",
                                                  "sha-256 D9:5E:A3:6C",
                                                  sdp::SetupRole::kActpass,
                                                  {"0", "1", "2"},
                                                  {kA, kV, kD}},
                                           Sample{
                                               "chromium_simulcast_offer.sdp",
                                               SdpType::kOffer,
                                               "Zzzb",
                                               "sha-256 D1:3C:8E:C0",
                                               sdp::SetupRole::kActpass,
                                               {"0", "1", "2"},
                                               {kA, kV, kD}},
                                           Sample{"chromium_av_answer.sdp",
                                                  SdpType::kAnswer,
                                                  "2dpA",
                                                  "sha-256 48:8B:EC:67",
                                                  sdp::SetupRole::kActive,
                                                  {"0", "1", "2"},
                                                  {kA, kV, kD}},
                                           Sample{"firefox_offer.sdp",
                                                  SdpType::kOffer,
                                                  "4fe8a3c1",
                                                  "sha-256 A5:2E:0F:13",
                                                  sdp::SetupRole::kActpass,
                                                  {"0", "1", "2"},
                                                  {kA, kV, kD}},
                                           Sample{"safari_answer.sdp",
                                                  SdpType::kAnswer,
                                                  "Bx9w",
                                                  "sha-256 3C:71:AA:05",
                                                  sdp::SetupRole::kActive,
                                                  {"0", "1"},
                                                  {kA, kV}},
                                           Sample{"pion_edited_offer.sdp",
                                                  SdpType::kOffer,
                                                  "QyBiqYkmfUQdTTyA",
                                                  "sha-256 6B:8B:F0:65",
                                                  sdp::SetupRole::kActpass,
                                                  {"0", "1", "2"},
                                                  {kA, kV, kD}}),
                         [](const ::testing::TestParamInfo<Sample>& info) {
                           std::string name = info.param.file;
                           return name.substr(0, name.find('.'));
                         });

// pion_offer.sdp and pion_answer.sdp are regenerated from time to time (see
// core/sdp/testdata/generate): their transport values are compared with a
// plain line scan instead of constants.
std::string FirstLineValue(const std::string& text, std::string_view prefix) {
  size_t at = text.find(absl::StrCat("\n", ToAbsl(prefix)));
  if (at == std::string::npos) return "";
  at += 1 + prefix.size();
  size_t end = text.find_first_of("\r\n", at);
  return text.substr(at, end - at);
}

TEST(RealDescriptionTest, PionOfferAndAnswer) {
  for (auto [file, type, setup] :
       {std::tuple{"pion_offer.sdp", SdpType::kOffer, "actpass"},
        std::tuple{"pion_answer.sdp", SdpType::kAnswer, "active"}}) {
    SCOPED_TRACE(file);
    const std::string text = ReadSample(file);
    ASSERT_FALSE(text.empty());
    absl::StatusOr<DescriptionModel> p = ParseDescription(text, type);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->transport.ice_ufrag, FirstLineValue(text, "a=ice-ufrag:"));
    EXPECT_EQ(p->transport.ice_pwd, FirstLineValue(text, "a=ice-pwd:"));
    ASSERT_FALSE(p->transport.fingerprints.empty());
    EXPECT_TRUE(
        absl::EqualsIgnoreCase(ToAbsl(p->transport.fingerprints[0].ToSdp()),
                               ToAbsl(FirstLineValue(text, "a=fingerprint:"))));
    EXPECT_EQ(sdp::ToString(p->transport.setup), setup);
    EXPECT_EQ(FirstLineValue(text, "a=setup:"), setup);
    EXPECT_THAT(Mids(*p), ElementsAre("0", "1", "2"));
    EXPECT_THAT(Kinds(*p), ElementsAre(kA, kV, kD));
  }
}

TEST(RealDescriptionTest, ChromiumCodecsNegotiateToOursInItsOrder) {
  absl::StatusOr<DescriptionModel> p =
      ParseDescription(ReadSample("chromium_av_offer.sdp"), SdpType::kOffer);
  ASSERT_TRUE(p.ok()) << p.status();
  const std::vector<sdp::Codec> audio =
      NegotiateCodecs(MediaKind::kAudio, p->sections[0].codecs);
  EXPECT_EQ(PayloadTypes(audio), (std::vector<uint8_t>{111, 0}));
  const std::vector<sdp::Codec> video =
      NegotiateCodecs(MediaKind::kVideo, p->sections[1].codecs);
  ASSERT_GE(video.size(), 2u);
  EXPECT_EQ(video[0].payload_type, 96);   // VP8
  EXPECT_EQ(video[1].payload_type, 102);  // H264, packetization-mode=1
  for (const sdp::Codec& c : video) {
    EXPECT_TRUE(c.name == "VP8" || c.name == "H264") << c.name;
    EXPECT_TRUE(c.name != "H264" ||
                sdp::FmtpContains(c.fmtp, "packetization-mode=1"))
        << int{c.payload_type};
  }
  // Firefox offers opus at 109.
  absl::StatusOr<DescriptionModel> ff =
      ParseDescription(ReadSample("firefox_offer.sdp"), SdpType::kOffer);
  ASSERT_TRUE(ff.ok()) << ff.status();
  EXPECT_EQ(
      PayloadTypes(NegotiateCodecs(MediaKind::kAudio, ff->sections[0].codecs)),
      (std::vector<uint8_t>{109, 0}));
  EXPECT_EQ(ff->sections[2].max_message_size, 1073741823u);
}

}  // namespace
}  // namespace simrtc::peer
