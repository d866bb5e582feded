#include "net/signal/sdp_codec.h"

#include <fstream>
#include <iterator>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "core/peer/signaling.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::signal {
namespace {

using peer::SdpType;
using peer::SessionDescription;
using ::testing::HasSubstr;

// An offer shaped like a browser's, with CRLF line ends.
constexpr char kOfferSdp[] =
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0\r\n"
    "a=msid-semantic: WMS\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host\r\n"
    "a=ice-ufrag:abcd\r\n"
    "a=ice-pwd:0123456789abcdefghijklmn\r\n"
    "a=fingerprint:sha-256 "
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:"
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=sctp-port:5000\r\n";

std::string ReadTestFile(const std::string& name) {
  std::ifstream in("net/signal/testdata/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void ExpectRoundTrip(const SessionDescription& desc) {
  const std::string encoded = Encode(desc);
  EXPECT_EQ(encoded.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                "0123456789+/="),
            std::string::npos);
  auto decoded = Decode(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->type, desc.type);
  EXPECT_EQ(decoded->sdp, desc.sdp);
}

TEST(SdpCodecTest, EncodeIsBase64OfTheTypeSdpObject) {
  // Independently computed: printf '{"type":"offer","sdp":"v=0\r\n"}' | base64
  EXPECT_EQ(Encode({SdpType::kOffer, "v=0\r\n"}),
            "eyJ0eXBlIjoib2ZmZXIiLCJzZHAiOiJ2PTBcclxuIn0=");
  EXPECT_EQ(ToJson({SdpType::kAnswer, "v=0\r\n"}),
            R"({"type":"answer","sdp":"v=0\r\n"})");
}

TEST(SdpCodecTest, EncodesQuotesBackslashesAndUnicodeLikeOtherStacks) {
  // printf '{"type":"answer","sdp":"v=0\r\ns=\"q\" \\ café 😀\r\n"}' | base64
  EXPECT_EQ(Encode({SdpType::kAnswer,
                    "v=0\r\ns=\"q\" \\ caf\xC3\xA9 \xF0\x9F\x98\x80\r\n"}),
            "eyJ0eXBlIjoiYW5zd2VyIiwic2RwIjoidj0wXHJcbnM9XCJxXCIgXFwgY2Fmw6kg"
            "8J+YgFxyXG4ifQ==");
}

TEST(SdpCodecTest, RoundTrips) {
  ExpectRoundTrip({SdpType::kOffer, kOfferSdp});
  ExpectRoundTrip({SdpType::kAnswer, "v=0\r\ns=\"quoted\" \\back\\slash\r\n"});
  ExpectRoundTrip({SdpType::kPrAnswer, "v=0\ns=LF only\n"});
  ExpectRoundTrip(
      {SdpType::kOffer,
       "v=0\r\ns=caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \t tab\r\n"});
  ExpectRoundTrip({SdpType::kOffer, std::string("v=0\r\ns=\x01\x1f\0", 11)});
  ExpectRoundTrip({SdpType::kRollback, ""});
}

TEST(SdpCodecTest, InvalidUtf8IsReplacedNotLost) {
  auto decoded = Decode(Encode({SdpType::kOffer, "v=0\r\ns=\xFF\r\n"}));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->sdp, "v=0\r\ns=\xEF\xBF\xBD\r\n");
}

TEST(SdpCodecTest, DecodeToleratesWhitespaceAndWrappedLines) {
  const std::string encoded = Encode({SdpType::kOffer, kOfferSdp});
  std::string wrapped;
  for (size_t i = 0; i < encoded.size(); i += 76) {
    wrapped += encoded.substr(i, 76) + "\r\n";
  }
  for (const std::string& text :
       {"\n\n  " + encoded + "  \r\n", "\t" + encoded + "\n", wrapped}) {
    auto decoded = Decode(text);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->type, SdpType::kOffer);
    EXPECT_EQ(decoded->sdp, kOfferSdp);
  }
}

TEST(SdpCodecTest, FromJsonAcceptsBrowserJsonAndExtraMembers) {
  // JSON.stringify(pc.localDescription) in a browser.
  auto desc = FromJson(R"({"type":"answer","sdp":"v=0\r\n"})");
  ASSERT_TRUE(desc.ok()) << desc.status();
  EXPECT_EQ(desc->type, SdpType::kAnswer);
  desc = FromJson(R"({ "sdp": "v=0\r\n", "type": "pranswer", "x": "y" })");
  ASSERT_TRUE(desc.ok()) << desc.status();
  EXPECT_EQ(desc->type, SdpType::kPrAnswer);
  EXPECT_EQ(desc->sdp, "v=0\r\n");
}

// Written by Pion v3 itself (examples/internal/signal.Encode); see
// testdata/generate/pion_signal.sh.
TEST(SdpCodecTest, DecodesPionOutputAndReencodesItByteForByte) {
  for (const auto& [file, type] :
       {std::pair{"pion_offer.b64", SdpType::kOffer},
        std::pair{"pion_answer.b64", SdpType::kAnswer}}) {
    SCOPED_TRACE(file);
    const std::string text = ReadTestFile(file);
    ASSERT_FALSE(text.empty());
    auto desc = Decode(text);  // ends with "\n", as the examples print it
    ASSERT_TRUE(desc.ok()) << desc.status();
    EXPECT_EQ(desc->type, type);
    EXPECT_EQ(desc->sdp.rfind("v=0\r\no=- ", 0), 0u) << desc->sdp;
    EXPECT_THAT(desc->sdp,
                HasSubstr("m=application 9 UDP/DTLS/SCTP webrtc-datachannel"
                          "\r\n"));
    EXPECT_THAT(desc->sdp, HasSubstr(" 192.0.2.10 "));
    EXPECT_THAT(desc->sdp, HasSubstr("a=end-of-candidates\r\n"));
    EXPECT_EQ(Encode(*desc) + "\n", text);
  }
}

void ExpectDecodeError(std::string_view text, std::string_view message) {
  auto desc = Decode(text);
  ASSERT_FALSE(desc.ok()) << text;
  EXPECT_EQ(desc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(desc.status().message()), HasSubstr(message)) << text;
}

std::string Base64(std::string_view raw) {
  return absl::Base64Escape(absl::string_view(raw.data(), raw.size()));
}

TEST(SdpCodecTest, DecodeErrorsNameWhatIsWrong) {
  ExpectDecodeError("", "empty input");
  ExpectDecodeError(" \r\n\t", "empty input");
  ExpectDecodeError("  eyJ0eX!BlIjoi",
                    "not base64: '!' at offset 8 is not in the standard base64 "
                    "alphabet");
  ExpectDecodeError("eyJ0eXBl\xC3\xA9", "byte 0xc3 at offset 8");
  ExpectDecodeError("eyJ0eXBlIjoi-_", "'-' at offset 12");
  ExpectDecodeError("eyJ0eQ==eyJ0", "'e' at offset 8 follows '=' padding");
  ExpectDecodeError("eyJ0e", "the length or the '=' padding is wrong");
  ExpectDecodeError(Base64("hello"),
                    "base64 decoded, but session description is not a JSON "
                    "object of strings: JSON offset 0: expected '{'");
  ExpectDecodeError(Base64(R"({"type":"offer","sdp":"v=0\r\n)"),
                    "unterminated string");
  ExpectDecodeError(Base64(R"({"sdp":"v=0\r\n"})"),
                    "session description JSON has no \"type\" member");
  ExpectDecodeError(Base64(R"({"type":"offer"})"),
                    "session description JSON has no \"sdp\" member");
  ExpectDecodeError(Base64(R"({"type":"Offer","sdp":"v=0"})"),
                    "session description \"type\" is \"Offer\": expected "
                    "offer, pranswer, answer or rollback");
  ExpectDecodeError(Base64(R"({"type":"offer","sdp":""})"),
                    "session description \"sdp\" is empty (type offer)");
  ExpectDecodeError(Base64(R"({"type":1,"sdp":"v=0"})"),
                    "a string value for member \"type\"");
  ExpectDecodeError(Base64(R"({"type":"offer","sdp":"v=0","sdp":"v=0"})"),
                    "duplicate member \"sdp\"");
}

TEST(SdpCodecTest, RollbackMayHaveAnEmptySdp) {
  auto desc = Decode(Base64(R"({"type":"rollback","sdp":""})"));
  ASSERT_TRUE(desc.ok()) << desc.status();
  EXPECT_EQ(desc->type, SdpType::kRollback);
  EXPECT_EQ(desc->sdp, "");
}

}  // namespace
}  // namespace simrtc::signal
