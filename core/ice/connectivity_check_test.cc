#include "core/ice/connectivity_check.h"

#include <gtest/gtest.h>

#include "core/stun/builder.h"

namespace simrtc::ice {
namespace {

using stun::AttributeType;
using stun::Message;
using stun::MessageBuilder;

const Credentials kLocal{"LOCL", "localpassword0123456789"};
const Credentials kRemote{"REMO", "remotepassword012345678"};

stun::TransactionId Txid(uint8_t b) {
  stun::TransactionId t;
  t.bytes.fill(b);
  return t;
}

SocketAddress Addr(const char* s) { return SocketAddress::Parse(s).value(); }

// A request as the peer would send it to us.
std::vector<uint8_t> PeerRequest(bool use_candidate = false) {
  CheckRequestParams p;
  p.local_ufrag = kRemote.ufrag;
  p.remote = kLocal;
  p.priority = 1845501695;
  p.role = Role::kControlling;
  p.tie_breaker = 0x1122334455667788;
  p.use_candidate = use_candidate;
  return BuildCheckRequest(Txid(1), p).value();
}

CheckRejection Rejection(const std::vector<uint8_t>& wire) {
  absl::StatusOr<Message> m = Message::Parse(ByteSpan(wire));
  EXPECT_TRUE(m.ok()) << m.status();
  auto r = ScreenRequest(*m, std::span<const Credentials>(&kLocal, 1));
  EXPECT_TRUE(std::holds_alternative<CheckRejection>(r));
  if (!std::holds_alternative<CheckRejection>(r)) return {};
  return std::get<CheckRejection>(r);
}

TEST(ConnectivityCheckTest, RequestCarriesEverythingRfc8445Asks) {
  std::vector<uint8_t> wire = PeerRequest(true);
  absl::StatusOr<Message> m = Message::Parse(ByteSpan(wire));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->method(), stun::Method::kBinding);
  EXPECT_EQ(m->message_class(), stun::Class::kRequest);
  EXPECT_EQ(m->GetUsername().value(), "LOCL:REMO");
  EXPECT_EQ(m->GetPriority().value(), 1845501695u);
  EXPECT_EQ(m->GetIceControlling().value(), 0x1122334455667788u);
  EXPECT_FALSE(m->Has(AttributeType::kIceControlled));
  EXPECT_TRUE(m->HasUseCandidate());
  EXPECT_TRUE(m->VerifyMessageIntegrity(kLocal.pwd).ok());
  EXPECT_TRUE(m->VerifyFingerprint().ok());

  auto r = ScreenRequest(*m, std::span<const Credentials>(&kLocal, 1));
  ASSERT_TRUE(std::holds_alternative<CheckRequest>(r));
  const CheckRequest& req = std::get<CheckRequest>(r);
  EXPECT_EQ(req.remote_ufrag, "REMO");
  EXPECT_EQ(req.priority, 1845501695u);
  EXPECT_EQ(req.controlling, 0x1122334455667788u);
  EXPECT_FALSE(req.controlled);
  EXPECT_TRUE(req.use_candidate);
}

TEST(ConnectivityCheckTest, MatchesPreviousCredentials) {
  std::vector<uint8_t> wire = PeerRequest();
  Message m = Message::Parse(ByteSpan(wire)).value();
  const Credentials both[2] = {{"NEWU", "newpassword0123456789012"}, kLocal};
  auto r = ScreenRequest(m, both);
  ASSERT_TRUE(std::holds_alternative<CheckRequest>(r));
  EXPECT_EQ(std::get<CheckRequest>(r).credentials_index, 1u);
}

TEST(ConnectivityCheckTest, MissingUsernameOrIntegrityIs400) {
  std::vector<uint8_t> no_user =
      MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, Txid(2))
          .AddPriority(1)
          .AddMessageIntegrity(kLocal.pwd)
          .AddFingerprint()
          .Build()
          .value();
  CheckRejection r = Rejection(no_user);
  EXPECT_EQ(r.code, 400);
  EXPECT_TRUE(r.integrity_key.empty());

  std::vector<uint8_t> no_mi =
      MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, Txid(2))
          .AddUsername("LOCL:REMO")
          .AddPriority(1)
          .AddFingerprint()
          .Build()
          .value();
  EXPECT_EQ(Rejection(no_mi).code, 400);
}

TEST(ConnectivityCheckTest, WrongUfragOrPasswordIs401) {
  std::vector<uint8_t> wrong_ufrag =
      MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, Txid(3))
          .AddUsername("NOPE:REMO")
          .AddPriority(1)
          .AddMessageIntegrity(kLocal.pwd)
          .AddFingerprint()
          .Build()
          .value();
  EXPECT_EQ(Rejection(wrong_ufrag).code, 401);

  std::vector<uint8_t> wrong_pwd =
      MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, Txid(3))
          .AddUsername("LOCL:REMO")
          .AddPriority(1)
          .AddMessageIntegrity("not the password at all")
          .AddFingerprint()
          .Build()
          .value();
  CheckRejection r = Rejection(wrong_pwd);
  EXPECT_EQ(r.code, 401);
  EXPECT_TRUE(r.integrity_key.empty());

  std::vector<uint8_t> no_colon =
      MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, Txid(3))
          .AddUsername("LOCL")
          .AddPriority(1)
          .AddMessageIntegrity(kLocal.pwd)
          .Build()
          .value();
  EXPECT_EQ(Rejection(no_colon).code, 401);
}

TEST(ConnectivityCheckTest, UnknownComprehensionRequiredIs420WithIntegrity) {
  const uint8_t value[4] = {1, 2, 3, 4};
  std::vector<uint8_t> wire =
      MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, Txid(4))
          .AddUsername("LOCL:REMO")
          .AddPriority(1)
          .AddIceControlled(7)
          .AddRaw(static_cast<AttributeType>(0x7F01), value)
          .AddMessageIntegrity(kLocal.pwd)
          .AddFingerprint()
          .Build()
          .value();
  CheckRejection r = Rejection(wire);
  EXPECT_EQ(r.code, 420);
  EXPECT_EQ(r.integrity_key, kLocal.pwd);
  ASSERT_EQ(r.unknown.size(), 1u);
  EXPECT_EQ(r.unknown[0], static_cast<AttributeType>(0x7F01));

  // An unknown comprehension-optional attribute is ignored.
  std::vector<uint8_t> optional =
      MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, Txid(4))
          .AddUsername("LOCL:REMO")
          .AddPriority(1)
          .AddRaw(static_cast<AttributeType>(0xC001), value)
          .AddMessageIntegrity(kLocal.pwd)
          .Build()
          .value();
  Message m = Message::Parse(ByteSpan(optional)).value();
  EXPECT_TRUE(std::holds_alternative<CheckRequest>(
      ScreenRequest(m, std::span<const Credentials>(&kLocal, 1))));
}

TEST(ConnectivityCheckTest, MissingPriorityOrBothRolesIs400) {
  std::vector<uint8_t> no_priority =
      MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, Txid(5))
          .AddUsername("LOCL:REMO")
          .AddMessageIntegrity(kLocal.pwd)
          .Build()
          .value();
  CheckRejection r = Rejection(no_priority);
  EXPECT_EQ(r.code, 400);
  EXPECT_EQ(r.integrity_key, kLocal.pwd);  // authenticated: answer signed

  std::vector<uint8_t> both =
      MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, Txid(5))
          .AddUsername("LOCL:REMO")
          .AddPriority(1)
          .AddIceControlled(1)
          .AddIceControlling(2)
          .AddMessageIntegrity(kLocal.pwd)
          .Build()
          .value();
  EXPECT_EQ(Rejection(both).code, 400);
}

TEST(ConnectivityCheckTest, BadFingerprintIsDroppedSilently) {
  std::vector<uint8_t> wire = PeerRequest();
  wire.back() ^= 0x01;  // corrupt the CRC
  CheckRejection r = Rejection(wire);
  EXPECT_EQ(r.code, 0);
}

TEST(ConnectivityCheckTest, ErrorResponsesAreWellFormed) {
  const AttributeType unknown[] = {static_cast<AttributeType>(0x7F01)};
  std::vector<uint8_t> wire =
      BuildCheckError(Txid(6), 420, kLocal.pwd, unknown).value();
  Message m = Message::Parse(ByteSpan(wire)).value();
  EXPECT_EQ(m.message_class(), stun::Class::kError);
  EXPECT_EQ(m.GetErrorCode()->code, 420);
  EXPECT_EQ(m.GetUnknownAttributes().value().size(), 1u);
  EXPECT_TRUE(m.VerifyMessageIntegrity(kLocal.pwd).ok());
  EXPECT_TRUE(m.VerifyFingerprint().ok());

  std::vector<uint8_t> unsigned_401 = BuildCheckError(Txid(6), 401, "").value();
  Message u = Message::Parse(ByteSpan(unsigned_401)).value();
  EXPECT_FALSE(u.HasMessageIntegrity());
}

TEST(ConnectivityCheckTest, ScreenResponse) {
  const SocketAddress mapped = Addr("203.0.113.7:4444");
  std::vector<uint8_t> ok =
      BuildCheckSuccess(Txid(7), mapped, kRemote.pwd).value();
  Message m = Message::Parse(ByteSpan(ok)).value();
  absl::StatusOr<CheckResponse> r = ScreenResponse(m, kRemote.pwd);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->success);
  EXPECT_EQ(r->mapped, mapped);
  // Signed with another key: discarded.
  EXPECT_FALSE(ScreenResponse(m, kLocal.pwd).ok());

  std::vector<uint8_t> conflict =
      BuildCheckError(Txid(7), 487, kRemote.pwd).value();
  Message c = Message::Parse(ByteSpan(conflict)).value();
  r = ScreenResponse(c, kRemote.pwd);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->success);
  EXPECT_EQ(r->error_code, 487);
  // A 487 must be authenticated; a 401 need not be.
  std::vector<uint8_t> unsigned_487 = BuildCheckError(Txid(7), 487, "").value();
  EXPECT_FALSE(ScreenResponse(Message::Parse(ByteSpan(unsigned_487)).value(),
                              kRemote.pwd)
                   .ok());
  std::vector<uint8_t> unsigned_401 = BuildCheckError(Txid(7), 401, "").value();
  EXPECT_TRUE(ScreenResponse(Message::Parse(ByteSpan(unsigned_401)).value(),
                             kRemote.pwd)
                  .ok());

  std::vector<uint8_t> no_mapped =
      MessageBuilder(stun::Method::kBinding, stun::Class::kSuccess, Txid(7))
          .AddMessageIntegrity(kRemote.pwd)
          .Build()
          .value();
  EXPECT_FALSE(
      ScreenResponse(Message::Parse(ByteSpan(no_mapped)).value(), kRemote.pwd)
          .ok());
}

TEST(ConnectivityCheckTest, KeepaliveAndServerRequest) {
  std::vector<uint8_t> ka = BuildKeepalive(Txid(8)).value();
  Message k = Message::Parse(ByteSpan(ka)).value();
  EXPECT_EQ(k.message_class(), stun::Class::kIndication);
  EXPECT_TRUE(k.VerifyFingerprint().ok());
  std::vector<uint8_t> req =
      BuildServerBindingRequest(Txid(9), "simrtc").value();
  Message r = Message::Parse(ByteSpan(req)).value();
  EXPECT_EQ(r.message_class(), stun::Class::kRequest);
  EXPECT_FALSE(r.HasMessageIntegrity());
  EXPECT_EQ(r.GetSoftware().value(), "simrtc");
}

}  // namespace
}  // namespace simrtc::ice
