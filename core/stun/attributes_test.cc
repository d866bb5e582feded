// Round trips for every typed attribute: MessageBuilder::Add* then
// Message::Get*, plus the value codecs on their own.
#include "core/stun/attributes.h"

#include <array>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "core/base/time.h"
#include "core/stun/builder.h"
#include "core/stun/message.h"
#include "core/stun/test_vectors.h"
#include "gtest/gtest.h"

namespace simrtc::stun {
namespace {

using ::simrtc::stun::testing::Hex;

TransactionId Txid() {
  return TransactionId::FromBytes(Hex("0102030405060708090a0b0c")).value();
}

const SocketAddress kV4 = SocketAddress::Parse("203.0.113.9:40000").value();
const SocketAddress kV6 =
    SocketAddress::Parse("[2001:db8::dead:beef]:3478").value();

// Builds a message with `add` applied and parses it back. The vector lives
// in a static so the returned view stays valid until the next call.
Message RoundTrip(const std::function<void(MessageBuilder&)>& add,
                  Method method = Method::kBinding,
                  Class cls = Class::kRequest) {
  static std::vector<uint8_t> wire;
  MessageBuilder b(method, cls, Txid());
  add(b);
  auto built = b.Build();
  EXPECT_TRUE(built.ok()) << built.status();
  wire = built.ok() ? *built : std::vector<uint8_t>();
  auto msg = Message::Parse(wire);
  EXPECT_TRUE(msg.ok()) << msg.status();
  return msg.ok() ? *msg : Message();
}

TEST(AttributesTest, Addresses) {
  for (const SocketAddress& a : {kV4, kV6}) {
    Message m = RoundTrip([&](MessageBuilder& b) {
      b.AddMappedAddress(a)
          .AddXorMappedAddress(a)
          .AddAlternateServer(a)
          .AddXorRelayedAddress(a)
          .AddXorPeerAddress(a);
    });
    EXPECT_EQ(m.GetMappedAddress().value(), a);
    EXPECT_EQ(m.GetXorMappedAddress().value(), a);
    EXPECT_EQ(m.GetAlternateServer().value(), a);
    EXPECT_EQ(m.GetXorRelayedAddress().value(), a);
    EXPECT_EQ(m.GetXorPeerAddress().value(), a);
    // XOR really changes the bytes on the wire.
    EXPECT_NE(std::vector<uint8_t>(
                  m.Find(AttributeType::kMappedAddress)->value.begin(),
                  m.Find(AttributeType::kMappedAddress)->value.end()),
              std::vector<uint8_t>(
                  m.Find(AttributeType::kXorMappedAddress)->value.begin(),
                  m.Find(AttributeType::kXorMappedAddress)->value.end()));
  }
}

TEST(AttributesTest, MultiplePeerAddresses) {
  Message m = RoundTrip(
      [&](MessageBuilder& b) {
        b.AddXorPeerAddress(kV4)
            .AddLifetime(TimeDelta::Seconds(5))
            .AddXorPeerAddress(kV6);
      },
      Method::kCreatePermission);
  auto all = m.GetXorPeerAddresses();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, (std::vector<SocketAddress>{kV4, kV6}));
}

TEST(AttributesTest, Text) {
  Message m = RoundTrip([](MessageBuilder& b) {
    b.AddUsername("ufragA:ufragB")
        .AddRealm("example.org")
        .AddNonce("n0nce")
        .AddSoftware("simrtc 0.1");
  });
  EXPECT_EQ(m.GetUsername().value(), "ufragA:ufragB");
  EXPECT_EQ(m.GetRealm().value(), "example.org");
  EXPECT_EQ(m.GetNonce().value(), "n0nce");
  EXPECT_EQ(m.GetSoftware().value(), "simrtc 0.1");
}

TEST(AttributesTest, EmptyText) {
  Message m = RoundTrip([](MessageBuilder& b) { b.AddSoftware(""); });
  EXPECT_EQ(m.GetSoftware().value(), "");
}

TEST(AttributesTest, ErrorCode) {
  for (int code : {300, 401, 420, 438, 487, 508, 699}) {
    Message m = RoundTrip([&](MessageBuilder& b) { b.AddErrorCode(code); },
                          Method::kAllocate, Class::kError);
    auto e = m.GetErrorCode();
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_EQ(e->code, code);
    EXPECT_EQ(e->reason, DefaultReasonPhrase(code));
  }
  Message m = RoundTrip([](MessageBuilder& b) { b.AddErrorCode(403, "Nope"); },
                        Method::kAllocate, Class::kError);
  EXPECT_EQ(m.GetErrorCode()->reason, "Nope");
  // The wire layout: 0, 0, class, number.
  EXPECT_EQ(
      std::vector<uint8_t>(m.Find(AttributeType::kErrorCode)->value.begin(),
                           m.Find(AttributeType::kErrorCode)->value.end()),
      (std::vector<uint8_t>{0, 0, 4, 3, 'N', 'o', 'p', 'e'}));
}

TEST(AttributesTest, UnknownAttributes) {
  const std::array<AttributeType, 3> types = {
      static_cast<AttributeType>(0x0031), static_cast<AttributeType>(0x7000),
      AttributeType::kUserhash};
  Message m = RoundTrip([&](MessageBuilder& b) {
    b.AddErrorCode(error_codes::kUnknownAttribute).AddUnknownAttributes(types);
  });
  auto got = m.GetUnknownAttributes();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, std::vector<AttributeType>(types.begin(), types.end()));
  // Three types are 6 bytes, padded to 8.
  EXPECT_EQ(m.Find(AttributeType::kUnknownAttributes)->value.size(), 6u);
}

TEST(AttributesTest, Ice) {
  Message m = RoundTrip([](MessageBuilder& b) {
    b.AddPriority(0x6e7f1eff)
        .AddUseCandidate()
        .AddIceControlling(0x0123456789abcdefULL)
        .AddIceControlled(0xfedcba9876543210ULL);
  });
  EXPECT_EQ(m.GetPriority().value(), 0x6e7f1effu);
  EXPECT_TRUE(m.HasUseCandidate());
  EXPECT_EQ(m.GetIceControlling().value(), 0x0123456789abcdefULL);
  EXPECT_EQ(m.GetIceControlled().value(), 0xfedcba9876543210ULL);
}

TEST(AttributesTest, Turn) {
  const std::vector<uint8_t> payload = {9, 8, 7, 6, 5};
  Message m = RoundTrip(
      [&](MessageBuilder& b) {
        b.AddChannelNumber(0x4001)
            .AddLifetime(TimeDelta::Seconds(600))
            .AddData(payload)
            .AddRequestedTransport(kProtocolUdp)
            .AddDontFragment()
            .AddReservationToken(0x1122334455667788ULL)
            .AddEvenPort(true)
            .AddRequestedAddressFamily(IpFamily::kIPv6);
      },
      Method::kAllocate);
  EXPECT_EQ(m.GetChannelNumber().value(), 0x4001);
  EXPECT_EQ(m.GetLifetime().value(), TimeDelta::Seconds(600));
  auto data = m.GetData();
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(std::vector<uint8_t>(data->begin(), data->end()), payload);
  EXPECT_EQ(m.GetRequestedTransport().value(), kProtocolUdp);
  EXPECT_TRUE(m.HasDontFragment());
  EXPECT_EQ(m.GetReservationToken().value(), 0x1122334455667788ULL);
  EXPECT_EQ(m.GetEvenPort().value(), true);
  EXPECT_EQ(m.GetRequestedAddressFamily().value(), IpFamily::kIPv6);

  Message m2 = RoundTrip([](MessageBuilder& b) {
    b.AddEvenPort(false).AddRequestedAddressFamily(IpFamily::kIPv4);
  });
  EXPECT_EQ(m2.GetEvenPort().value(), false);
  EXPECT_EQ(m2.GetRequestedAddressFamily().value(), IpFamily::kIPv4);
  EXPECT_FALSE(m2.HasDontFragment());
}

TEST(AttributesTest, WireLayoutOfTurnValues) {
  Message m = RoundTrip(
      [](MessageBuilder& b) {
        b.AddChannelNumber(0x4abc).AddRequestedTransport(17).AddEvenPort(true);
      },
      Method::kChannelBind);
  auto bytes = [&](AttributeType t) {
    auto v = m.Find(t)->value;
    return std::vector<uint8_t>(v.begin(), v.end());
  };
  EXPECT_EQ(bytes(AttributeType::kChannelNumber),
            (std::vector<uint8_t>{0x4a, 0xbc, 0, 0}));
  EXPECT_EQ(bytes(AttributeType::kRequestedTransport),
            (std::vector<uint8_t>{17, 0, 0, 0}));
  EXPECT_EQ(bytes(AttributeType::kEvenPort), (std::vector<uint8_t>{0x80}));
}

TEST(AttributesTest, AbsentIsNotFound) {
  Message m = RoundTrip([](MessageBuilder&) {});
  EXPECT_EQ(m.GetXorMappedAddress().status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(m.GetXorPeerAddresses().status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(m.GetLifetime().status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(m.GetErrorCode().status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(m.GetUnknownAttributes().status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(m.GetRequestedAddressFamily().status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_NE(m.GetPriority().status().message().find("PRIORITY"),
            std::string::npos);
}

TEST(ValueCodecTest, XorAddressMatchesRfc5769) {
  const auto txid =
      TransactionId::FromBytes(Hex("b7e7a701bc34d686fa87dfae")).value();
  std::array<uint8_t, kMaxAddressValueSize> out;
  auto n = EncodeXorAddress(SocketAddress::Parse("192.0.2.1:32853").value(),
                            txid, out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + *n),
            Hex("0001a147e112a643"));
  n = EncodeXorAddress(
      SocketAddress::Parse("[2001:db8:1234:5678:11:2233:4455:6677]:32853")
          .value(),
      txid, out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + *n),
            Hex("0002a1470113a9faa5d3f179bc25f4b5bed2b9d9"));
}

TEST(ValueCodecTest, EncodeRejectsUnsetAndSmallBuffer) {
  std::array<uint8_t, kMaxAddressValueSize> out;
  EXPECT_FALSE(EncodeAddress(SocketAddress(), out).ok());
  std::array<uint8_t, 10> small;
  EXPECT_EQ(EncodeAddress(kV6, small).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(EncodeAddress(kV4, small).ok());
}

TEST(ValueCodecTest, ReservedFirstByteIsIgnored) {
  auto v = Hex("ff01 1234 0a000001");
  auto a = DecodeAddress(v);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ToString(), "10.0.0.1:4660");
}

TEST(ValueCodecTest, ErrorCodeReservedBitsIgnored) {
  auto e = DecodeErrorCode(Hex("fffffc14"));  // class 4 under reserved ones
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->code, 420);
}

}  // namespace
}  // namespace simrtc::stun
