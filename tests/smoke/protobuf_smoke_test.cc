// Proves protobuf (protoc + libprotobuf) works with the native Bazel rules:
// a generated message parsed from text format, and a parse error located.
#include <gtest/gtest.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <string>

#include "tests/smoke/smoke.pb.h"

namespace {

class CollectErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    last = std::to_string(line + 1) + ":" + std::to_string(column + 1) + " " +
           message;
  }
  std::string last;
};

TEST(ProtobufSmokeTest, TextFormatParses) {
  simrtc::smoke::Endpoint e;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      "name: \"stun\" port: 3478 tags: \"a\" tags: \"b\"", &e));
  EXPECT_EQ(e.name(), "stun");
  EXPECT_EQ(e.port(), 3478u);
  EXPECT_EQ(e.tags_size(), 2);
}

TEST(ProtobufSmokeTest, TextFormatErrorHasLine) {
  simrtc::smoke::Endpoint e;
  google::protobuf::TextFormat::Parser parser;
  CollectErrors errors;
  parser.RecordErrorsTo(&errors);
  EXPECT_FALSE(parser.ParseFromString("name: \"x\"\nprot: 1\n", &e));
  EXPECT_EQ(errors.last.substr(0, 2), "2:") << errors.last;
}

}  // namespace
