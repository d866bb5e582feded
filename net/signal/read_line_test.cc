#include "net/signal/read_line.h"

#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::signal {
namespace {

using ::testing::HasSubstr;

TEST(ReadLineTest, SkipsBlankLinesAndTrims) {
  std::istringstream in("\n  \r\n\t\n  eyJ0eXBlIjoi  \r\nsecond\nthird");
  auto line = ReadLine(in);
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "eyJ0eXBlIjoi");
  line = ReadLine(in);
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "second");
  line = ReadLine(in);  // no final newline
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "third");
  line = ReadLine(in);
  EXPECT_EQ(line.status().code(), absl::StatusCode::kOutOfRange);
}

TEST(ReadLineTest, KeepsInnerSpaces) {
  std::istringstream in("a b  c\n");
  EXPECT_EQ(*ReadLine(in), "a b  c");
}

TEST(ReadLineTest, EndOfInputIsAnError) {
  std::istringstream empty("");
  auto line = ReadLine(empty);
  EXPECT_EQ(line.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(line.status().message()),
              HasSubstr("end of input after 0 blank line(s)"));

  std::istringstream blanks("\n \n\r\n   ");
  line = ReadLine(blanks);
  EXPECT_EQ(line.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(line.status().message()),
              HasSubstr("end of input after 3 blank line(s)"));
  // And stays an error.
  EXPECT_EQ(ReadLine(blanks).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(ReadLineTest, OverlongLineIsRejectedAndSkipped) {
  std::istringstream in(std::string(100, 'x') + "\nnext\n");
  auto line = ReadLine(in, /*max_line_bytes=*/64);
  EXPECT_EQ(line.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(line.status().message()),
              HasSubstr("input line 1 is longer than 64 bytes"));
  line = ReadLine(in, 64);
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "next");
}

TEST(ReadLineTest, LineOfExactlyTheLimitIsAccepted) {
  std::istringstream in(std::string(64, 'y') + "\n");
  auto line = ReadLine(in, 64);
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->size(), 64u);
}

TEST(ReadLineTest, FailedStreamIsAnError) {
  std::istringstream in("text\n");
  in.setstate(std::ios::badbit);
  EXPECT_EQ(ReadLine(in).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace simrtc::signal
