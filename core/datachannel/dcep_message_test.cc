#include "core/datachannel/dcep_message.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"

namespace simrtc::datachannel {
namespace {

using Bytes = std::vector<uint8_t>;

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

TEST(DcepTest, ParsesHandBuiltReliableOpen) {
  const Bytes wire = {0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                      0x00, 0x04, 0x00, 0x00, 'c',  'h',  'a',  't'};
  auto open = ParseDataChannelOpen(wire);
  ASSERT_TRUE(open.ok()) << open.status();
  EXPECT_EQ(open->channel_type, ChannelType::kReliable);
  EXPECT_EQ(open->priority, kPriorityNormal);
  EXPECT_EQ(open->reliability_parameter, 0u);
  EXPECT_EQ(open->label, "chat");
  EXPECT_EQ(open->protocol, "");
  EXPECT_EQ(open->GetReliability(), (Reliability{.ordered = true}));
}

TEST(DcepTest, ParsesHandBuiltPartialReliableUnorderedOpen) {
  const Bytes wire = {0x03, 0x81, 0x02, 0x00, 0x00, 0x00, 0x00,
                      0x03, 0x00, 0x01, 0x00, 0x01, 'a',  'b'};
  auto msg = ParseDcepMessage(wire);
  ASSERT_TRUE(msg.ok()) << msg.status();
  const auto& open = std::get<DataChannelOpen>(*msg);
  EXPECT_EQ(open.channel_type, ChannelType::kPartialReliableRexmitUnordered);
  EXPECT_EQ(open.priority, kPriorityHigh);
  EXPECT_EQ(open.label, "a");
  EXPECT_EQ(open.protocol, "b");
  EXPECT_EQ(open.GetReliability(),
            (Reliability{.ordered = false, .max_retransmits = 3}));
}

TEST(DcepTest, BuildsExactBytes) {
  DataChannelOpen open;
  open.channel_type = ChannelType::kPartialReliableTimed;
  open.priority = kPriorityExtraHigh;
  open.reliability_parameter = 0x01020304;
  open.label = "L";
  open.protocol = "proto";
  Bytes out;
  ASSERT_TRUE(BuildDataChannelOpen(open, out).ok());
  const Bytes expected = {0x03, 0x02, 0x04, 0x00, 0x01, 0x02, 0x03, 0x04, 0x00,
                          0x01, 0x00, 0x05, 'L',  'p',  'r',  'o',  't',  'o'};
  EXPECT_EQ(out, expected);
}

TEST(DcepTest, AckIsOneByte) {
  Bytes out;
  BuildDataChannelAck(out);
  EXPECT_EQ(out, Bytes{0x02});
  auto msg = ParseDcepMessage(out);
  ASSERT_TRUE(msg.ok());
  EXPECT_TRUE(std::holds_alternative<DataChannelAck>(*msg));
  EXPECT_TRUE(ParseDataChannelAck(out).ok());
}

TEST(DcepTest, BuildAppendsToExistingBuffer) {
  Bytes out = {0xaa};
  ASSERT_TRUE(BuildDcepMessage(DcepMessage(DataChannelAck{}), out).ok());
  EXPECT_EQ(out, (Bytes{0xaa, 0x02}));
}

TEST(DcepTest, RoundTripsEveryChannelTypeAndOddStrings) {
  const ChannelType types[] = {
      ChannelType::kReliable,
      ChannelType::kReliableUnordered,
      ChannelType::kPartialReliableRexmit,
      ChannelType::kPartialReliableRexmitUnordered,
      ChannelType::kPartialReliableTimed,
      ChannelType::kPartialReliableTimedUnordered,
  };
  for (ChannelType type : types) {
    DataChannelOpen open;
    open.channel_type = type;
    open.priority = 77;  // not one of the named levels: still legal
    open.reliability_parameter = 0xffffffff;
    open.label = std::string("l\0\xff\xc3(", 5);  // NUL and invalid UTF-8
    open.protocol = std::string(300, 'p');
    auto wire = BuildDcepMessage(DcepMessage(open));
    ASSERT_TRUE(wire.ok());
    auto back = ParseDcepMessage(*wire);
    ASSERT_TRUE(back.ok()) << ChannelTypeName(type) << ": " << back.status();
    EXPECT_EQ(std::get<DataChannelOpen>(*back), open) << ChannelTypeName(type);
  }
}

TEST(DcepTest, MaximumLengthStringsRoundTrip) {
  DataChannelOpen open;
  open.label = std::string(65535, 'x');
  open.protocol = std::string(65535, 'y');
  Bytes wire;
  ASSERT_TRUE(BuildDataChannelOpen(open, wire).ok());
  EXPECT_EQ(wire.size(), kDataChannelOpenHeaderSize + 2 * 65535);
  auto back = ParseDataChannelOpen(wire);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, open);
}

TEST(DcepTest, BuildRejectsOversizedStringsAndWritesNothing) {
  DataChannelOpen open;
  open.label = std::string(65536, 'x');
  Bytes out = {1, 2};
  auto status = BuildDataChannelOpen(open, out);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(Msg(status), "label")) << status;
  EXPECT_EQ(out, (Bytes{1, 2}));
  open.label.clear();
  open.protocol = std::string(65536, 'x');
  EXPECT_TRUE(
      absl::StrContains(Msg(BuildDataChannelOpen(open, out)), "protocol"));
}

TEST(DcepTest, ReliabilityMapping) {
  struct Case {
    Reliability r;
    ChannelType type;
    uint32_t parameter;
  };
  const Case cases[] = {
      {{.ordered = true}, ChannelType::kReliable, 0},
      {{.ordered = false}, ChannelType::kReliableUnordered, 0},
      {{.ordered = true, .max_retransmits = 0},
       ChannelType::kPartialReliableRexmit,
       0},
      {{.ordered = false, .max_retransmits = 5},
       ChannelType::kPartialReliableRexmitUnordered,
       5},
      {{.ordered = true, .max_packet_life_time_ms = 3000},
       ChannelType::kPartialReliableTimed,
       3000},
      {{.ordered = false, .max_packet_life_time_ms = 65535},
       ChannelType::kPartialReliableTimedUnordered,
       65535},
  };
  for (const Case& c : cases) {
    auto open = DataChannelOpen::FromReliability(c.r, "x", "y", kPriorityHigh);
    ASSERT_TRUE(open.ok());
    EXPECT_EQ(open->channel_type, c.type) << ChannelTypeName(c.type);
    EXPECT_EQ(open->reliability_parameter, c.parameter);
    EXPECT_EQ(open->priority, kPriorityHigh);
    EXPECT_EQ(open->label, "x");
    EXPECT_EQ(open->protocol, "y");
    EXPECT_EQ(open->GetReliability(), c.r);
    EXPECT_EQ(IsOrdered(c.type), c.r.ordered);
  }
}

TEST(DcepTest, ReliabilityRejectsBothLimits) {
  auto open = DataChannelOpen::FromReliability(
      {.max_retransmits = 1, .max_packet_life_time_ms = 1}, "", "");
  EXPECT_EQ(open.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DcepTest, ReliableTypesIgnoreReliabilityParameter) {
  // RFC 8832: receivers ignore the parameter of reliable channels, but the
  // codec keeps it so the bytes round-trip.
  const Bytes wire = {0x03, 0x80, 0x00, 0x80, 0x00, 0x00,
                      0x00, 0x09, 0x00, 0x00, 0x00, 0x00};
  auto open = ParseDataChannelOpen(wire);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->reliability_parameter, 9u);
  EXPECT_EQ(open->priority, kPriorityBelowNormal);
  EXPECT_EQ(open->GetReliability(), (Reliability{.ordered = false}));
}

TEST(DcepTest, ChannelTypeValidation) {
  int known = 0;
  for (int v = 0; v < 256; ++v) known += IsKnownChannelType(v) ? 1 : 0;
  EXPECT_EQ(known, 6);
  Bytes wire = {0x03, 0x03, 0x01, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  auto open = ParseDataChannelOpen(wire);
  ASSERT_FALSE(open.ok());
  EXPECT_TRUE(absl::StrContains(Msg(open.status()), "channel type at offset 1"))
      << open.status();
  EXPECT_TRUE(absl::StrContains(Msg(open.status()), "0x03"));
}

TEST(DcepTest, RejectsUnknownAndEmptyMessages) {
  auto empty = ParseDcepMessage({});
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(absl::StrContains(Msg(empty.status()), "offset 0"));
  const Bytes unknown = {0x04};
  auto bad = ParseDcepMessage(unknown);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StrContains(Msg(bad.status()), "unknown type 0x04"))
      << bad.status();
  // The typed parsers refuse the other message type.
  EXPECT_FALSE(ParseDataChannelOpen(Bytes{0x02}).ok());
  EXPECT_FALSE(ParseDataChannelAck(Bytes{0x03}).ok());
}

TEST(DcepTest, RejectsAckWithTrailingBytes) {
  const Bytes wire = {0x02, 0x00};
  auto status = ParseDataChannelAck(wire);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(absl::StrContains(Msg(status), "offset 1")) << status;
  EXPECT_FALSE(ParseDcepMessage(wire).ok());
}

TEST(DcepTest, EveryTruncationOfTheHeaderNamesItsField) {
  const Bytes wire = {0x03, 0x00, 0x01, 0x00, 0x00, 0x00,
                      0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  const char* fields[] = {"message type", "channel type",    "priority",
                          "priority",     "reliability",     "reliability",
                          "reliability",  "reliability",     "label length",
                          "label length", "protocol length", "protocol length"};
  for (size_t n = 0; n < wire.size(); ++n) {
    auto open = ParseDataChannelOpen(ByteSpan(wire).first(n));
    ASSERT_FALSE(open.ok()) << n;
    EXPECT_TRUE(absl::StrContains(Msg(open.status()), fields[n]))
        << n << ": " << open.status();
  }
  EXPECT_TRUE(ParseDataChannelOpen(wire).ok());
}

TEST(DcepTest, RejectsLabelLengthLie) {
  // Label length 0x0100 but only 3 bytes follow the header.
  const Bytes wire = {0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                      0x01, 0x00, 0x00, 0x00, 'a',  'b',  'c'};
  auto open = ParseDataChannelOpen(wire);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(Msg(open.status()), "label length at offset 8"))
      << open.status();
  EXPECT_TRUE(absl::StrContains(Msg(open.status()), "256 exceeds the 3 bytes"));
}

TEST(DcepTest, RejectsProtocolLengthLieAndTrailingBytes) {
  // Label 1 byte, protocol claims 5, 2 bytes follow the label.
  const Bytes short_protocol = {0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                                0x00, 0x01, 0x00, 0x05, 'a',  'p',  'q'};
  auto open = ParseDataChannelOpen(short_protocol);
  ASSERT_FALSE(open.ok());
  EXPECT_TRUE(
      absl::StrContains(Msg(open.status()), "protocol length at offset 10"))
      << open.status();
  EXPECT_TRUE(
      absl::StrContains(Msg(open.status()), "follow the label at offset 13"))
      << open.status();
  // Lengths 1 + 1 but 3 bytes follow: a trailing byte.
  const Bytes trailing = {0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                          0x00, 0x01, 0x00, 0x01, 'a',  'p',  'z'};
  EXPECT_FALSE(ParseDataChannelOpen(trailing).ok());
}

TEST(DcepTest, PpidConstants) {
  EXPECT_EQ(static_cast<uint32_t>(Ppid::kDcep), 50u);
  EXPECT_EQ(static_cast<uint32_t>(Ppid::kString), 51u);
  EXPECT_EQ(static_cast<uint32_t>(Ppid::kBinaryPartial), 52u);
  EXPECT_EQ(static_cast<uint32_t>(Ppid::kBinary), 53u);
  EXPECT_EQ(static_cast<uint32_t>(Ppid::kStringPartial), 54u);
  EXPECT_EQ(static_cast<uint32_t>(Ppid::kStringEmpty), 56u);
  EXPECT_EQ(static_cast<uint32_t>(Ppid::kBinaryEmpty), 57u);
}

TEST(DcepTest, PpidForUserMessageUsesEmptyVariants) {
  EXPECT_EQ(PpidForUserMessage(true, 3), Ppid::kString);
  EXPECT_EQ(PpidForUserMessage(false, 3), Ppid::kBinary);
  EXPECT_EQ(PpidForUserMessage(true, 0), Ppid::kStringEmpty);
  EXPECT_EQ(PpidForUserMessage(false, 0), Ppid::kBinaryEmpty);
}

TEST(DcepTest, ClassifyUserPpid) {
  EXPECT_EQ(*ClassifyUserPpid(51), (PpidInfo{.is_string = true}));
  EXPECT_EQ(*ClassifyUserPpid(53), (PpidInfo{.is_string = false}));
  EXPECT_EQ(*ClassifyUserPpid(56),
            (PpidInfo{.is_string = true, .empty = true}));
  EXPECT_EQ(*ClassifyUserPpid(57), (PpidInfo{.empty = true}));
  EXPECT_EQ(*ClassifyUserPpid(54),
            (PpidInfo{.is_string = true, .deprecated_partial = true}));
  EXPECT_EQ(*ClassifyUserPpid(52), (PpidInfo{.deprecated_partial = true}));
  EXPECT_FALSE(ClassifyUserPpid(50).ok());
  EXPECT_FALSE(ClassifyUserPpid(55).ok());
  EXPECT_FALSE(ClassifyUserPpid(0).ok());
}

TEST(DcepTest, PeekMessageType) {
  EXPECT_EQ(*PeekDcepMessageType(Bytes{0x03, 0xff}), DcepMessageType::kOpen);
  EXPECT_EQ(*PeekDcepMessageType(Bytes{0x02}), DcepMessageType::kAck);
  EXPECT_FALSE(PeekDcepMessageType(Bytes{0x01}).ok());
}

// The hand-made seeds are valid messages. Entries named fuzz_* were found by
// libFuzzer (docs/FUZZING.md) and are often malformed on purpose; the
// dcep_fuzzer_regression test replays them.
TEST(DcepCorpusTest, EverySeedParsesAndRebuildsIdentically) {
  const std::string dir = "core/datachannel/testdata/dcep_corpus";
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr);
  int seen = 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    if (std::string_view(e->d_name).starts_with("fuzz_")) continue;
    std::ifstream in(dir + "/" + e->d_name, std::ios::binary);
    const Bytes wire(std::istreambuf_iterator<char>(in), {});
    auto msg = ParseDcepMessage(wire);
    ASSERT_TRUE(msg.ok()) << e->d_name << ": " << msg.status();
    EXPECT_EQ(*BuildDcepMessage(*msg), wire) << e->d_name;
    ++seen;
  }
  closedir(d);
  EXPECT_GE(seen, 5);
}

}  // namespace
}  // namespace simrtc::datachannel
