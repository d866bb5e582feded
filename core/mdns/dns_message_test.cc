#include "core/mdns/dns_message.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/match.h"

namespace simrtc::mdns {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr char kUuid[] = "1f0e7d3a-5b2c-4c8e-9a6f-0123456789ab";

// Little builders for hand-written wire images.
void Put(Bytes& b, std::initializer_list<int> bytes) {
  for (int v : bytes) b.push_back(static_cast<uint8_t>(v));
}
void Put16(Bytes& b, uint16_t v) { Put(b, {v >> 8, v & 0xff}); }
void PutLabels(Bytes& b, std::initializer_list<std::string_view> labels) {
  for (auto l : labels) {
    b.push_back(static_cast<uint8_t>(l.size()));
    b.insert(b.end(), l.begin(), l.end());
  }
  b.push_back(0);
}
Bytes HeaderBytes(uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns = 0,
                  uint16_t ar = 0) {
  Bytes b;
  Put16(b, 0);
  Put16(b, flags);
  Put16(b, qd);
  Put16(b, an);
  Put16(b, ns);
  Put16(b, ar);
  return b;
}

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

::testing::AssertionResult FailsWith(ByteSpan wire, std::string_view needle) {
  auto msg = ParseMessage(wire);
  if (msg.ok()) return ::testing::AssertionFailure() << "parsed";
  if (!absl::StrContains(Msg(msg.status()), std::string(needle))) {
    return ::testing::AssertionFailure() << "error \"" << msg.status().message()
                                         << "\" lacks \"" << needle << "\"";
  }
  return ::testing::AssertionSuccess();
}

Message RoundTrip(const Message& m, bool compress = true) {
  auto wire = PackMessage(m, {.compress = compress});
  EXPECT_TRUE(wire.ok()) << wire.status();
  if (!wire.ok()) return {};
  auto back = ParseMessage(*wire);
  EXPECT_TRUE(back.ok()) << back.status();
  return back.ok() ? *back : Message{};
}

TEST(DnsMessageTest, ParsesMdnsQueryForUuidHostname) {
  Bytes wire = HeaderBytes(0, 1, 0);
  PutLabels(wire, {kUuid, "local"});
  Put16(wire, 1);       // A
  Put16(wire, 0x8001);  // IN, unicast response requested
  auto msg = ParseMessage(wire);
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_FALSE(msg->header.response);
  ASSERT_EQ(msg->questions.size(), 1u);
  EXPECT_EQ(msg->questions[0].name, std::string(kUuid) + ".local");
  EXPECT_EQ(msg->questions[0].type, RrType::kA);
  EXPECT_EQ(msg->questions[0].qclass, kClassIn);
  EXPECT_TRUE(msg->questions[0].unicast_response);
  EXPECT_TRUE(msg->answers.empty());

  // Packing the parsed query gives the same bytes.
  auto packed = PackMessage(*msg);
  ASSERT_TRUE(packed.ok());
  EXPECT_EQ(*packed, wire);
}

TEST(DnsMessageTest, PacksMdnsResponseWithCacheFlushExactly) {
  Message m;
  m.header.response = true;
  m.header.authoritative = true;
  ResourceRecord rr;
  rr.name = std::string(kUuid) + ".local";
  rr.cache_flush = true;
  rr.ttl = 120;
  rr.rdata = AData{IpAddress::V4(192, 168, 1, 5)};
  m.answers.push_back(rr);

  Bytes expected = HeaderBytes(0x8400, 0, 1);
  PutLabels(expected, {kUuid, "local"});
  Put16(expected, 1);
  Put16(expected, 0x8001);
  Put(expected, {0, 0, 0, 120, 0, 4, 192, 168, 1, 5});

  auto wire = PackMessage(m);
  ASSERT_TRUE(wire.ok()) << wire.status();
  EXPECT_EQ(*wire, expected);
  auto back = ParseMessage(expected);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, m);
  EXPECT_TRUE(back->answers[0].cache_flush);
  EXPECT_EQ(back->answers[0].rrclass, kClassIn);
  EXPECT_EQ(back->answers[0].type(), RrType::kA);
}

TEST(DnsMessageTest, HeaderFlagsRoundTripForEveryValue) {
  for (uint32_t flags = 0; flags <= 0xffff; ++flags) {
    Header h = Header::FromWire(7, static_cast<uint16_t>(flags));
    auto encoded = h.EncodeFlags();
    ASSERT_TRUE(encoded.ok());
    ASSERT_EQ(*encoded, flags);
  }
  Header h = Header::FromWire(0x1234, 0x8400);
  EXPECT_TRUE(h.response);
  EXPECT_TRUE(h.authoritative);
  EXPECT_FALSE(h.truncated);
  EXPECT_EQ(h.opcode, 0);
  EXPECT_EQ(h.rcode, 0);
  h = Header::FromWire(0, 0x7b83);  // opcode 15, TC, RD, rcode 3
  EXPECT_EQ(h.opcode, 15);
  EXPECT_TRUE(h.truncated);
  EXPECT_TRUE(h.recursion_desired);
  EXPECT_TRUE(h.recursion_available);
  EXPECT_EQ(h.rcode, 3);
  h.rcode = 16;
  EXPECT_FALSE(h.EncodeFlags().ok());
  h.rcode = 0;
  h.opcode = 16;
  EXPECT_FALSE(h.EncodeFlags().ok());
}

TEST(DnsMessageTest, ParseHeaderReportsCounts) {
  Bytes wire = HeaderBytes(0x8400, 1, 2, 3, 4);
  wire[0] = 0xab;
  SectionCounts counts;
  auto h = ParseHeader(wire, &counts);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->id, 0xab00);
  EXPECT_EQ(counts, (SectionCounts{1, 2, 3, 4}));
  EXPECT_FALSE(ParseHeader(ByteSpan(wire).first(11)).ok());
  // The full parser notices the counts promise more than is there.
  EXPECT_TRUE(FailsWith(wire, "question 0 name at offset 12"));
}

TEST(DnsMessageTest, CompressesSharedSuffixes) {
  Message m;
  m.questions.push_back({.name = "a.local"});
  ResourceRecord rr;
  rr.name = "b.local";
  rr.rdata = PtrData{"a.local"};
  m.answers.push_back(rr);
  auto wire = PackMessage(m);
  ASSERT_TRUE(wire.ok());

  Bytes expected = HeaderBytes(0, 1, 1);
  PutLabels(expected, {"a", "local"});  // offset 12, "local" at 14
  Put16(expected, 1);
  Put16(expected, 1);
  Put(expected, {1, 'b', 0xc0, 14});  // b + pointer to "local"
  Put16(expected, 12);                // PTR
  Put16(expected, 1);
  Put(expected, {0, 0, 0, 0, 0, 2, 0xc0, 12});  // rdata: pointer to a.local
  EXPECT_EQ(*wire, expected);
  EXPECT_EQ(RoundTrip(m), m);

  auto plain = PackMessage(m, {.compress = false});
  ASSERT_TRUE(plain.ok());
  EXPECT_GT(plain->size(), wire->size());
  EXPECT_EQ(*ParseMessage(*plain), m);
}

Message DnsSdResponse() {
  Message m;
  m.header.response = true;
  m.header.authoritative = true;
  const std::string instance = "Living Room\\.TV._googlecast._tcp.local";
  ResourceRecord ptr;
  ptr.name = "_googlecast._tcp.local";
  ptr.ttl = 4500;
  ptr.rdata = PtrData{instance};
  m.answers.push_back(ptr);
  ResourceRecord srv;
  srv.name = instance;
  srv.cache_flush = true;
  srv.ttl = 120;
  srv.rdata = SrvData{0, 0, 8009, "chromecast-1234.local"};
  m.additionals.push_back(srv);
  ResourceRecord txt;
  txt.name = instance;
  txt.cache_flush = true;
  txt.ttl = 4500;
  txt.rdata = TxtData{{"id=1234", "md=Chromecast", "", "fn=Living Room"}};
  m.additionals.push_back(txt);
  ResourceRecord a;
  a.name = "chromecast-1234.local";
  a.cache_flush = true;
  a.ttl = 120;
  a.rdata = AData{IpAddress::V4(10, 0, 0, 7)};
  m.additionals.push_back(a);
  ResourceRecord aaaa = a;
  aaaa.rdata = AaaaData{*IpAddress::Parse("fe80::1:2:3:4")};
  m.additionals.push_back(aaaa);
  ResourceRecord cname;
  cname.name = "alias.local";
  cname.rdata = CnameData{"chromecast-1234.local"};
  m.authorities.push_back(cname);
  ResourceRecord unknown;
  unknown.name = "chromecast-1234.local";
  unknown.rrclass = 3;
  unknown.rdata = UnknownData{RrType::kNsec, {0xc0, 0x0c, 0, 1, 0x40}};
  m.additionals.push_back(unknown);
  return m;
}

TEST(DnsMessageTest, DnsSdResponseRoundTripsBothWays) {
  const Message m = DnsSdResponse();
  EXPECT_EQ(RoundTrip(m, true), m);
  EXPECT_EQ(RoundTrip(m, false), m);
  auto compressed = PackMessage(m);
  auto plain = PackMessage(m, {.compress = false});
  ASSERT_TRUE(compressed.ok() && plain.ok());
  EXPECT_LT(compressed->size() + 100, plain->size());
  // The escaped dot stays inside the label.
  auto parsed = ParseMessage(*compressed);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& srv = parsed->additionals[0];
  EXPECT_EQ(srv.name, "Living Room\\.TV._googlecast._tcp.local");
  EXPECT_EQ(SplitName(srv.name)->front(), "Living Room.TV");
}

TEST(DnsMessageTest, PackAppendsAndCompressesRelativeToMessageStart) {
  const Message m = DnsSdResponse();
  Bytes out = {0xde, 0xad, 0xbe, 0xef};
  ASSERT_TRUE(PackMessage(m, out).ok());
  auto alone = PackMessage(m);
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ(Bytes(out.begin() + 4, out.end()), *alone);
}

TEST(DnsMessageTest, CompressionIsCaseExact) {
  // A suffix that differs in case must not be shared, or the name would
  // come back with different bytes.
  Message m;
  m.questions.push_back({.name = "a.LOCAL"});
  m.questions.push_back({.name = "b.local"});
  m.questions.push_back({.name = "c.Local", .type = RrType::kAaaa});
  EXPECT_EQ(RoundTrip(m), m);
}

TEST(DnsMessageTest, NoPointersBeyondFourteenBits) {
  Message m;
  ResourceRecord big;
  big.name = "big.local";
  TxtData txt;
  for (int i = 0; i < 70; ++i) txt.strings.push_back(std::string(255, 'x'));
  big.rdata = txt;
  m.answers.push_back(big);
  for (int i = 0; i < 3; ++i) {
    ResourceRecord rr;
    rr.name = "late.name.example";  // first written past offset 0x3fff
    rr.rdata = PtrData{"other.late.name.example"};
    m.answers.push_back(rr);
  }
  auto wire = PackMessage(m);
  ASSERT_TRUE(wire.ok());
  EXPECT_GT(wire->size(), 0x4000u);
  auto back = ParseMessage(*wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, m);
}

TEST(DnsMessageTest, DecodesHandCompressedNames) {
  Bytes wire = HeaderBytes(0x8400, 1, 1);
  PutLabels(wire, {"host", "local"});  // 12..23, "local" at 17
  Put16(wire, 1);
  Put16(wire, 1);
  // Answer name: "x" + pointer into the middle of the question's name; the
  // PTR rdata points at the whole question name.
  Put(wire, {1, 'x', 0xc0, 17});
  Put16(wire, 12);
  Put16(wire, 0x8001);
  Put(wire, {0, 0, 0, 10, 0, 5, 2, 'p', 'q', 0xc0, 12});
  auto msg = ParseMessage(wire);
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_EQ(msg->answers[0].name, "x.local");
  EXPECT_EQ(std::get<PtrData>(msg->answers[0].rdata).name, "pq.host.local");
}

TEST(DnsMessageTest, AcceptsCompressedSrvTarget) {
  Bytes wire = HeaderBytes(0x8400, 0, 1);
  PutLabels(wire, {"svc", "local"});  // "local" at 16
  Put16(wire, 33);
  Put16(wire, 1);
  Put(wire, {0, 0, 0, 10, 0, 10, 0, 1, 0, 2, 0x13, 0x88, 1, 'h', 0xc0, 16});
  auto msg = ParseMessage(wire);
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_EQ(std::get<SrvData>(msg->answers[0].rdata),
            (SrvData{1, 2, 5000, "h.local"}));
}

TEST(DnsMessageTest, TxtEdgeCases) {
  // Zero-length rdata and one empty string are distinct.
  Message m;
  ResourceRecord a;
  a.name = "a.local";
  a.rdata = TxtData{};
  ResourceRecord b = a;
  b.rdata = TxtData{{""}};
  ResourceRecord c = a;
  c.rdata = TxtData{{std::string(255, 'z'), std::string("\0\xff", 2)}};
  m.answers = {a, b, c};
  EXPECT_EQ(RoundTrip(m), m);
  auto wire = PackMessage(m);
  ASSERT_TRUE(wire.ok());

  Bytes bad = HeaderBytes(0, 0, 1);
  PutLabels(bad, {"t"});
  Put16(bad, 16);
  Put16(bad, 1);
  Put(bad, {0, 0, 0, 0, 0, 3, 5, 'a', 'b'});
  EXPECT_TRUE(FailsWith(bad, "TXT string length 5 exceeds the 2 bytes left"));
  EXPECT_TRUE(FailsWith(bad, "answer 0 rdata at offset 25"));
}

TEST(DnsMessageTest, RootAndOddLabelsRoundTrip) {
  Message m;
  m.questions.push_back({.name = "", .type = RrType::kAny});
  m.questions.push_back({.name = "back\\\\slash.dot\\.ted.local"});
  m.questions.push_back({.name = std::string("nul\0byte.local", 14)});
  m.questions.push_back({.name = "\xc3\xa9t\xc3\xa9.local"});  // UTF-8
  m.questions.push_back(
      {.name = "x.y", .type = static_cast<RrType>(65000), .qclass = 0x7fff});
  EXPECT_EQ(RoundTrip(m), m);
  EXPECT_EQ(RoundTrip(m, false), m);
}

TEST(DnsMessageTest, MaximumNameLengthAccepted) {
  // 3 labels of 63 + one of 61: 3*64 + 62 + 1 = 255 bytes on the wire.
  std::string name = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                     std::string(63, 'c') + "." + std::string(61, 'd');
  Message m;
  m.questions.push_back({.name = name});
  EXPECT_EQ(RoundTrip(m), m);
  m.questions[0].name += "d";
  auto status = PackMessage(m).status();
  EXPECT_TRUE(absl::StrContains(Msg(status), "256 bytes on the wire"))
      << status;
  EXPECT_TRUE(absl::StrContains(Msg(status), "question 0 name")) << status;
}

TEST(DnsMessageTest, ParseRejectsOverlongNames) {
  Bytes wire = HeaderBytes(0, 1, 0);
  for (int i = 0; i < 5; ++i) {
    wire.push_back(63);
    wire.insert(wire.end(), 63, 'a');
  }
  wire.push_back(0);
  Put16(wire, 1);
  Put16(wire, 1);
  EXPECT_TRUE(FailsWith(wire, "name longer than 255 bytes"));
}

TEST(DnsMessageTest, PackRejectsBadNames) {
  struct Case {
    std::string name;
    std::string error;
  };
  const Case cases[] = {
      {std::string(64, 'a') + ".local", "exceeds 63 bytes"},
      {"a..local", "empty label"},
      {".local", "empty label"},
      {"a.local..", "empty label"},
      {"trailing\\", "lone backslash"},
      {"bad\\25x", "three digits"},
      {"bad\\256", "exceeds 255"},
  };
  for (const Case& c : cases) {
    Message m;
    m.questions.push_back({.name = c.name});
    auto wire = PackMessage(m);
    ASSERT_FALSE(wire.ok()) << c.name;
    EXPECT_TRUE(absl::StrContains(Msg(wire.status()), c.error))
        << c.name << ": " << wire.status();
  }
}

TEST(DnsMessageTest, PackRejectsBadRecordsAndLeavesOutputUntouched) {
  Message m = DnsSdResponse();
  m.additionals[2].rdata = AData{*IpAddress::Parse("::1")};
  Bytes out = {1, 2, 3};
  auto status = PackMessage(m, out);
  EXPECT_TRUE(absl::StrContains(Msg(status), "additional 2 rdata")) << status;
  EXPECT_TRUE(absl::StrContains(Msg(status), "IPv4")) << status;
  EXPECT_EQ(out, (Bytes{1, 2, 3}));

  m = DnsSdResponse();
  m.additionals[3].rdata = AaaaData{IpAddress::V4(1, 2, 3, 4)};
  EXPECT_FALSE(PackMessage(m).ok());

  m = DnsSdResponse();
  m.answers[0].rrclass = 0x8001;
  EXPECT_TRUE(absl::StrContains(Msg(PackMessage(m).status()), "cache_flush"));

  m = DnsSdResponse();
  std::get<TxtData>(m.additionals[1].rdata)
      .strings.push_back(std::string(256, 'x'));
  EXPECT_TRUE(absl::StrContains(Msg(PackMessage(m).status()),
                                "TXT string 4 is 256 bytes"));

  m = Message{};
  m.questions.push_back({.name = "q", .qclass = 0x8001});
  EXPECT_TRUE(
      absl::StrContains(Msg(PackMessage(m).status()), "unicast_response"));

  m = Message{};
  ResourceRecord huge;
  huge.rdata = UnknownData{static_cast<RrType>(99), Bytes(70000, 0)};
  m.answers.push_back(huge);
  EXPECT_TRUE(absl::StrContains(Msg(PackMessage(m).status()), "max 65535"));
}

TEST(DnsMessageTest, UnknownDataCanCarryMalformedTypedRdata) {
  Message m;
  ResourceRecord rr;
  rr.name = "x";
  rr.rdata = UnknownData{RrType::kA, {1, 2, 3, 4, 5}};
  m.answers.push_back(rr);
  auto wire = PackMessage(m);
  ASSERT_TRUE(wire.ok());
  EXPECT_TRUE(FailsWith(*wire, "A rdlength 5, expected 4"));
  EXPECT_TRUE(FailsWith(*wire, "answer 0 rdata at offset 25"));
}

// --- Hostile input -------------------------------------------------------

TEST(DnsMessageTest, RejectsSelfPointer) {
  Bytes wire = HeaderBytes(0, 1, 0);
  Put(wire, {0xc0, 12, 0, 1, 0, 1});
  EXPECT_TRUE(FailsWith(wire, "question 0 name at offset 12"));
  EXPECT_TRUE(FailsWith(wire, "points to itself"));
}

TEST(DnsMessageTest, RejectsPointerBackIntoOwnName) {
  // "a" then a pointer to the start of the same name: a.a.a.a... forever.
  Bytes wire = HeaderBytes(0, 1, 0);
  Put(wire, {1, 'a', 0xc0, 12, 0, 1, 0, 1});
  EXPECT_TRUE(FailsWith(wire,
                        "at offset 14: compression pointer to 12 does "
                        "not point backwards (must be before 12)"));
}

TEST(DnsMessageTest, RejectsTwoNameLoop) {
  // Question 0 is "a" + pointer to question 1, which is "b" + pointer back
  // to question 0. The forward hop is what gives it away.
  Bytes wire = HeaderBytes(0, 2, 0);
  Put(wire, {1, 'a', 0xc0, 20, 0, 1, 0, 1});  // 12..19
  Put(wire, {1, 'b', 0xc0, 12, 0, 1, 0, 1});  // 20..27
  EXPECT_TRUE(FailsWith(wire, "question 0 name at offset 14"));
  EXPECT_TRUE(FailsWith(wire,
                        "compression pointer to 20 does not point "
                        "backwards"));
}

TEST(DnsMessageTest, RejectsLoopEnteredByBackwardJump) {
  // A blob hidden in unknown rdata at offset 23 reads "a" + pointer to 23.
  // Answer 1's name jumps back to it (legitimately), after which the blob's
  // own pointer would spin forever: it does not land before the run of
  // labels that contains it.
  Bytes wire = HeaderBytes(0, 0, 2);
  Put(wire, {0});  // answer 0 owner: root, at 12
  Put16(wire, 99);
  Put16(wire, 1);
  Put(wire, {0, 0, 0, 0});
  Put16(wire, 4);
  Put(wire, {1, 'a', 0xc0, 23});  // 23..26
  Put(wire, {0xc0, 23});          // answer 1 name at 27
  Put16(wire, 1);
  Put16(wire, 1);
  Put(wire, {0, 0, 0, 0, 0, 4, 1, 2, 3, 4});
  EXPECT_TRUE(FailsWith(wire, "answer 1 name at offset 25"));
  EXPECT_TRUE(FailsWith(wire, "does not point backwards"));
}

TEST(DnsMessageTest, RejectsForwardAndPastEndPointers) {
  Bytes forward = HeaderBytes(0, 1, 0);
  Put(forward, {0xc0, 16, 0, 1, 0, 1, 0});
  EXPECT_TRUE(FailsWith(forward, "at offset 12: compression pointer to 16"));

  Bytes past = HeaderBytes(0, 1, 0);
  Put(past, {0xff, 0xff, 0, 1, 0, 1});
  EXPECT_TRUE(FailsWith(past,
                        "compression pointer to 16383 points past the "
                        "end (18 bytes)"));

  Bytes truncated = HeaderBytes(0, 1, 0);
  Put(truncated, {0xc0});
  EXPECT_TRUE(FailsWith(truncated, "at offset 12: truncated compression"));
}

TEST(DnsMessageTest, RejectsReservedLabelTypes) {
  Bytes ext = HeaderBytes(0, 1, 0);
  Put(ext, {1, 'a', 0x41, 'x', 0, 0, 1, 0, 1});
  EXPECT_TRUE(FailsWith(ext, "at offset 14: label type bits 01 are reserved"));
  Bytes ten = HeaderBytes(0, 1, 0);
  Put(ten, {0x80, 0, 0, 1, 0, 1});
  EXPECT_TRUE(FailsWith(ten, "at offset 12: label type bits 10 are reserved"));
}

TEST(DnsMessageTest, BoundsPointerChains) {
  // A chain of pointers, each to the previous one, stored as raw rdata and
  // entered from the end: every hop goes backwards, so only the hop limit
  // stops it.
  constexpr int kChain = 200;
  Bytes wire = HeaderBytes(0, 0, 2);
  Put(wire, {0});  // answer 0 owner: root at 12
  Put16(wire, 99);
  Put16(wire, 1);
  Put(wire, {0, 0, 0, 0});
  Put16(wire, 2 * kChain);
  size_t prev = 12;
  for (int i = 0; i < kChain; ++i) {
    const size_t here = wire.size();
    Put(wire,
        {0xc0 | static_cast<int>(prev >> 8), static_cast<int>(prev & 0xff)});
    prev = here;
  }
  Put(wire,
      {0xc0 | static_cast<int>(prev >> 8), static_cast<int>(prev & 0xff)});
  Put16(wire, 1);
  Put16(wire, 1);
  Put(wire, {0, 0, 0, 0, 0, 4, 1, 2, 3, 4});
  EXPECT_TRUE(FailsWith(wire, "more than 127 compression pointers"));

  // A short chain is legal.
  Bytes ok = HeaderBytes(0, 0, 2);
  Put(ok, {0});
  Put16(ok, 99);
  Put16(ok, 1);
  Put(ok, {0, 0, 0, 0, 0, 6, 0xc0, 12, 0xc0, 23, 0xc0, 25});
  Put(ok, {0xc0, 27});  // answer 1 name: three hops down to the root
  Put16(ok, 1);
  Put16(ok, 1);
  Put(ok, {0, 0, 0, 0, 0, 4, 1, 2, 3, 4});
  auto msg = ParseMessage(ok);
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_EQ(msg->answers[1].name, "");
}

TEST(DnsMessageTest, RejectsTruncatedRdataAndLengthLies) {
  Bytes base = HeaderBytes(0x8400, 0, 1);
  PutLabels(base, {"h", "local"});  // 12..20
  Put16(base, 1);
  Put16(base, 0x8001);
  Put(base, {0, 0, 0, 120});
  const size_t rdlength_at = base.size();  // 29

  Bytes truncated = base;
  Put(truncated, {0, 4, 10, 0});
  EXPECT_TRUE(FailsWith(truncated,
                        "answer 0 rdlength at offset 29: rdlength "
                        "4 exceeds the 2 bytes left"));

  Bytes long_a = base;
  Put(long_a, {0, 5, 10, 0, 0, 1, 9});
  EXPECT_TRUE(FailsWith(long_a, "A rdlength 5, expected 4"));

  Bytes cut_header = base;
  cut_header.resize(rdlength_at + 1);
  EXPECT_TRUE(FailsWith(cut_header, "answer 0: truncated record rdlength"));

  // PTR whose name is shorter than rdlength: the rest would be smuggled.
  Bytes ptr = HeaderBytes(0, 0, 1);
  PutLabels(ptr, {"p"});  // 12..14
  Put16(ptr, 12);
  Put16(ptr, 1);
  Put(ptr, {0, 0, 0, 0, 0, 5, 1, 'x', 0, 'j', 'k'});
  EXPECT_TRUE(FailsWith(ptr, "PTR name ends 2 bytes before rdlength 5"));

  // PTR whose name runs past rdlength into the next field.
  Bytes overrun = HeaderBytes(0, 0, 1);
  PutLabels(overrun, {"p"});
  Put16(overrun, 12);
  Put16(overrun, 1);
  Put(overrun, {0, 0, 0, 0, 0, 2, 3, 'a', 'b', 'c', 0});
  EXPECT_TRUE(FailsWith(overrun, "label length 3 exceeds the 1 bytes left"));

  // SRV too short to hold even the root target.
  Bytes srv = HeaderBytes(0, 0, 1);
  PutLabels(srv, {"s"});
  Put16(srv, 33);
  Put16(srv, 1);
  Put(srv, {0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0});
  EXPECT_TRUE(FailsWith(srv, "SRV rdlength 6, need at least 7"));
}

TEST(DnsMessageTest, RejectsTrailingBytes) {
  Bytes wire = HeaderBytes(0, 1, 0);
  PutLabels(wire, {"q"});
  Put16(wire, 1);
  Put16(wire, 1);
  ASSERT_TRUE(ParseMessage(wire).ok());
  wire.push_back(0);
  EXPECT_TRUE(FailsWith(wire, "message at offset 19: 1 trailing bytes"));
}

TEST(DnsMessageTest, HugeCountsWithTinyMessageFailCleanly) {
  Bytes wire = HeaderBytes(0, 0xffff, 0xffff, 0xffff, 0xffff);
  PutLabels(wire, {"q"});
  Put16(wire, 1);
  Put16(wire, 1);
  EXPECT_TRUE(FailsWith(wire, "question 1"));
}

TEST(DnsMessageTest, EveryPrefixOfAValidMessageFailsCleanly) {
  auto wire = PackMessage(DnsSdResponse());
  ASSERT_TRUE(wire.ok());
  for (size_t n = 0; n < wire->size(); ++n) {
    auto msg = ParseMessage(ByteSpan(*wire).first(n));
    EXPECT_FALSE(msg.ok()) << n;
    EXPECT_FALSE(msg.status().message().empty());
  }
}

// --- Name helpers --------------------------------------------------------

TEST(DnsNameTest, SplitJoinAndCanonical) {
  auto labels = SplitName("My\\.Printer._ipp._tcp.local.");
  ASSERT_TRUE(labels.ok());
  EXPECT_EQ(*labels,
            (std::vector<std::string>{"My.Printer", "_ipp", "_tcp", "local"}));
  EXPECT_EQ(JoinLabels(*labels), "My\\.Printer._ipp._tcp.local");
  EXPECT_EQ(*CanonicalName("a\\066c.local."), "aBc.local");
  EXPECT_EQ(*CanonicalName("."), "");
  EXPECT_EQ(*CanonicalName(""), "");
  EXPECT_TRUE(SplitName("")->empty());
  EXPECT_FALSE(CanonicalName("a..b").ok());
}

TEST(DnsNameTest, NamesEqualIsAsciiCaseInsensitiveOnly) {
  EXPECT_TRUE(NamesEqual("Foo.LOCAL", "foo.local"));
  EXPECT_FALSE(NamesEqual("foo.local", "foo.local2"));
  EXPECT_FALSE(NamesEqual("\xc3\x89.local", "\xc3\xa9.local"));  // É vs é
}

TEST(DnsNameTest, TypeNames) {
  EXPECT_EQ(RrTypeName(RrType::kAaaa), "AAAA");
  EXPECT_EQ(RrTypeName(static_cast<RrType>(65280)), "TYPE65280");
}

// The fuzz seeds are only useful if the good ones really parse and the
// "bad_" ones really exercise an error path.
TEST(DnsCorpusTest, SeedsParseAsNamed) {
  const char* kGood[] = {
      "dnssd_response_compressed",   "goodbye_ttl0",
      "query_uuid_a_aaaa",           "query_uuid_a_qu",
      "query_with_known_answer",     "response_a_cache_flush",
      "response_aaaa_with_question",
  };
  const char* kBad[] = {"bad_loop_via_backward_jump", "bad_rdlength_lie",
                        "bad_reserved_label_type", "bad_self_pointer"};
  auto read = [](const std::string& name) {
    std::ifstream in("core/mdns/testdata/dns_corpus/" + name, std::ios::binary);
    EXPECT_TRUE(in.good()) << name;
    return Bytes(std::istreambuf_iterator<char>(in), {});
  };
  for (const char* name : kGood) {
    auto msg = ParseMessage(read(name));
    EXPECT_TRUE(msg.ok()) << name << ": " << msg.status();
  }
  for (const char* name : kBad) {
    EXPECT_FALSE(ParseMessage(read(name)).ok()) << name;
  }
  auto sd = ParseMessage(read("dnssd_response_compressed"));
  ASSERT_TRUE(sd.ok());
  EXPECT_EQ(sd->additionals.size(), 4u);
  EXPECT_EQ(std::get<SrvData>(sd->additionals[0].rdata).target,
            "chromecast-1234.local");
  EXPECT_EQ(sd->additionals[3].type(), RrType::kNsec);
}

}  // namespace
}  // namespace simrtc::mdns
