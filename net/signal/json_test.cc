#include "net/signal/json.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::signal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(JsonQuoteTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonQuote(""), R"("")");
  EXPECT_EQ(JsonQuote("a\"b\\c/d"), R"("a\"b\\c/d")");
  EXPECT_EQ(JsonQuote("v=0\r\nx\t\b\f"), R"("v=0\r\nx\t\b\f")");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f\x7f", 3)),
            "\"\\u0001\\u001f\x7f\"");
  EXPECT_EQ(JsonQuote(std::string("a\0b", 3)), R"("a\u0000b")");
}

TEST(JsonQuoteTest, PassesUtf8ThroughAndReplacesInvalidBytes) {
  // é, €, U+1F600 as raw UTF-8.
  const std::string unicode = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  EXPECT_EQ(JsonQuote(unicode), "\"" + unicode + "\"");
  // A lone continuation byte, a truncated sequence, an overlong '/', an
  // encoded surrogate: each bad byte becomes U+FFFD.
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(JsonQuote("a\x80z"), "\"a" + fffd + "z\"");
  EXPECT_EQ(JsonQuote("\xE2\x82"), "\"" + fffd + fffd + "\"");
  EXPECT_EQ(JsonQuote("\xC0\xAF"), "\"" + fffd + fffd + "\"");
  EXPECT_EQ(JsonQuote("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");
}

TEST(JsonWriteTest, CompactObjectInOrder) {
  EXPECT_EQ(WriteJsonStringObject({}), "{}");
  EXPECT_EQ(WriteJsonStringObject({{"type", "offer"}, {"sdp", "v=0\r\n"}}),
            R"({"type":"offer","sdp":"v=0\r\n"})");
}

TEST(JsonParseTest, ParsesMembersInOrderWithWhitespace) {
  auto members = ParseJsonStringObject(
      " \r\n{ \"type\" :\t\"answer\" ,\n\"sdp\":\"v=0\\r\\n\"}\n ");
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_THAT(*members,
              ElementsAre(Pair("type", "answer"), Pair("sdp", "v=0\r\n")));
  auto empty = ParseJsonStringObject("{}");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(JsonParseTest, DecodesEveryEscape) {
  auto members = ParseJsonStringObject(
      R"({"s":"\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00\u0000"})");
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_EQ((*members)[0].second,
            std::string("\"\\/\b\f\n\r\tA\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
                        "\0",
                        19));
}

TEST(JsonParseTest, KeepsRawUtf8) {
  const std::string raw = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  auto members = ParseJsonStringObject("{\"" + raw + "\":\"" + raw + "\"}");
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_THAT(*members, ElementsAre(Pair(raw, raw)));
}

TEST(JsonParseTest, RoundTripsEveryByteAndCodePointClass) {
  std::string text;
  for (int c = 0; c < 0x80; ++c) text.push_back(static_cast<char>(c));
  text +=
      "\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80"
      "\xF4\x8F\xBF\xBF";
  auto members = ParseJsonStringObject(WriteJsonStringObject({{text, text}}));
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_THAT(*members, ElementsAre(Pair(text, text)));
}

void ExpectError(std::string_view json, std::string_view message) {
  auto members = ParseJsonStringObject(json);
  ASSERT_FALSE(members.ok()) << json;
  EXPECT_EQ(members.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(members.status().message()), HasSubstr(message))
      << json;
}

TEST(JsonParseTest, RejectsWhatIsNotAnObject) {
  ExpectError("",
              "JSON offset 0: expected '{' to start a JSON object, "
              "found end of input");
  ExpectError("  []", "JSON offset 2: expected '{'");
  ExpectError("\"x\"", "found '\"'");
  ExpectError("{\"a\":\"b\"} x", "JSON offset 10: unexpected data after");
  ExpectError("{\"a\":\"b\"}{}", "JSON offset 9: unexpected data after");
}

TEST(JsonParseTest, RejectsBadMembers) {
  ExpectError("{",
              "JSON offset 1: expected a member name (a string), found "
              "end of input");
  ExpectError("{a:\"b\"}", "JSON offset 1: expected a member name");
  ExpectError("{'a':'b'}", "found '''");
  ExpectError("{\"a\" \"b\"}",
              "JSON offset 5: expected ':' after member "
              "name \"a\", found '\"'");
  ExpectError("{\"a\":1}",
              "JSON offset 5: expected a string value for "
              "member \"a\", found '1'");
  ExpectError("{\"a\":null}", "a string value for member \"a\"");
  ExpectError("{\"a\":{}}", "a string value for member \"a\"");
  ExpectError("{\"a\":\"b\",}", "JSON offset 9: expected a member name");
  ExpectError("{\"a\":\"b\" \"c\":\"d\"}", "expected ',' or '}'");
  ExpectError("{\"a\":\"b\"",
              "JSON offset 8: expected ',' or '}' after a "
              "member, found end of input");
  ExpectError("{\"a\":\"b\",\"a\":\"c\"}",
              "JSON offset 9: duplicate member "
              "\"a\"");
  ExpectError("{/*c*/}", "expected a member name");
}

TEST(JsonParseTest, RejectsBadStrings) {
  ExpectError("{\"a\":\"b",
              "JSON offset 7: unterminated string (opened at "
              "offset 5)");
  ExpectError("{\"a\":\"b\nc\"}",
              "JSON offset 7: control character 0x0a must be escaped");
  ExpectError(std::string("{\"a\":\"\0\"}", 9), "control character 0x00");
  ExpectError("{\"a\":\"\\x\"}", "JSON offset 7: expected one of");
  ExpectError("{\"a\":\"\\", "expected an escape character");
  ExpectError("{\"a\":\"\\u12G4\"}", "JSON offset 10: expected 4 hex digits");
  ExpectError("{\"a\":\"\\u12\"}", "expected 4 hex digits");
  ExpectError("{\"a\":\"\\udc00\"}",
              "JSON offset 6: \\uDC00 is a low "
              "surrogate");
  ExpectError("{\"a\":\"\\ud800\"}",
              "\\uD800 is a high surrogate not "
              "followed");
  ExpectError("{\"a\":\"\\ud800x\"}", "not followed by a \\u low surrogate");
  ExpectError("{\"a\":\"\\ud800\\u0041\"}",
              "\\uD800 is a high surrogate followed by \\u0041");
  ExpectError("{\"a\":\"\xff\"}",
              "JSON offset 6: byte 0xff is not valid "
              "UTF-8");
  ExpectError("{\"a\":\"\xC0\xAF\"}", "byte 0xc0 is not valid UTF-8");
  ExpectError("{\"a\":\"\xED\xA0\x80\"}", "byte 0xed is not valid UTF-8");
  ExpectError("{\"a\":\"\xF4\x90\x80\x80\"}", "byte 0xf4 is not valid UTF-8");
  ExpectError("{\"a\":\"\xE2\x82\"}", "byte 0xe2 is not valid UTF-8");
}

}  // namespace
}  // namespace simrtc::signal
