// PeerConnection end to end in virtual time (two peers on an in-memory
// network): offer/answer, trickle and non-trickle, data channels, ICE
// restart, rollback, glare, bad input, close and stats.
#include "core/peer/peer_connection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/peer/test_pair.h"

namespace simrtc::peer {
namespace {

using ::testing::HasSubstr;
using testing::Pair;
using testing::PairOptions;
using testing::Side;

bool BothConnected(Pair& p) { return p.a().connected() && p.b().connected(); }

// a offers a data channel "chat"; b answers; both connect.
void ConnectWithChannel(Pair& p, datachannel::ChannelPtr* out = nullptr) {
  auto chat = p.a().pc->CreateDataChannel(p.now(), "chat");
  ASSERT_TRUE(chat.ok()) << chat.status();
  if (out != nullptr) *out = *chat;
  ASSERT_TRUE(p.Negotiate(p.a(), p.b()).ok());
  ASSERT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
}

TEST(PeerConnectionTest, OfferAnswerTrickleAndDataChannelEcho) {
  Pair p;
  datachannel::ChannelPtr chat;
  ConnectWithChannel(p, &chat);
  EXPECT_EQ(p.a().negotiation_needed, 1);
  EXPECT_EQ(p.a().pc->signaling_state(), SignalingState::kStable);
  EXPECT_EQ(p.a().signaling,
            (std::vector<SignalingState>{SignalingState::kHaveLocalOffer,
                                         SignalingState::kStable}));
  EXPECT_EQ(p.b().signaling,
            (std::vector<SignalingState>{SignalingState::kHaveRemoteOffer,
                                         SignalingState::kStable}));
  EXPECT_EQ(p.a().states, (std::vector<PeerConnectionState>{
                              PeerConnectionState::kConnecting,
                              PeerConnectionState::kConnected}));
  // The offerer is the DTLS server (actpass answered by active).
  ASSERT_NE(p.a().pc->dtls(), nullptr);
  EXPECT_EQ(p.a().pc->dtls()->role(), dtls::Role::kServer);
  EXPECT_EQ(p.b().pc->dtls()->role(), dtls::Role::kClient);
  EXPECT_EQ(p.a().pc->ice_agent().role(), ice::Role::kControlling);
  EXPECT_EQ(p.b().pc->ice_agent().role(), ice::Role::kControlled);

  ASSERT_TRUE(p.RunUntil([&] { return !p.b().incoming.empty(); }));
  datachannel::ChannelPtr remote = p.b().incoming[0];
  EXPECT_EQ(remote->label(), "chat");
  // DTLS server uses odd stream ids (RFC 8832 section 6).
  EXPECT_EQ(chat->id() % 2, 1);
  EXPECT_EQ(remote->id(), chat->id());
  ASSERT_TRUE(chat->SendText(p.now(), "hello").ok());
  ASSERT_TRUE(p.RunUntil([&] { return !p.b().messages.empty(); }));
  EXPECT_EQ(p.b().messages[0],
            std::make_pair(std::string("chat"), std::string("hello")));
  ASSERT_TRUE(remote->SendText(p.now(), "world").ok());
  ASSERT_TRUE(p.RunUntil([&] { return !p.a().messages.empty(); }));
  EXPECT_EQ(p.a().messages[0].second, "world");
}

TEST(PeerConnectionTest, NonTrickleWaitsForGatheringAndSendsEverything) {
  PairOptions o;
  o.trickle = false;
  Pair p(o);
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(offer.ok());
  ASSERT_TRUE(p.a().pc->SetLocalDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.RunUntil([&] {
    return p.a().pc->ice_gathering_state() == ice::GatheringState::kComplete;
  }));
  const std::string full = p.a().pc->local_description()->sdp;
  EXPECT_THAT(full, HasSubstr("a=candidate:"));
  EXPECT_THAT(full, HasSubstr("a=end-of-candidates"));
  ASSERT_TRUE(p.b()
                  .pc
                  ->SetRemoteDescription(
                      p.now(), SessionDescription{SdpType::kOffer, full})
                  .ok());
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now()).ok());
  ASSERT_TRUE(p.RunUntil([&] {
    return p.b().pc->ice_gathering_state() == ice::GatheringState::kComplete;
  }));
  ASSERT_TRUE(
      p.a()
          .pc->SetRemoteDescription(p.now(), *p.b().pc->local_description())
          .ok());
  EXPECT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
  EXPECT_TRUE(p.RunUntil([&] { return !p.b().incoming.empty(); }));
}

TEST(PeerConnectionTest, IllegalSignalingCallsNameTheStateAndChangeNothing) {
  Pair p;
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(offer.ok());
  // An answer in stable.
  absl::Status s = p.a().pc->SetRemoteDescription(
      p.now(), SessionDescription{SdpType::kAnswer, offer->sdp});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("SetRemoteDescription(answer) in state "
                                     "stable: no local offer to answer"));
  s = p.a().pc->SetLocalDescription(
      p.now(), SessionDescription{SdpType::kAnswer, offer->sdp});
  EXPECT_THAT(s.message(), HasSubstr("no remote offer to answer"));
  EXPECT_EQ(p.a().pc->CreateAnswer(p.now()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(p.a()
                .pc
                ->SetLocalDescription(
                    p.now(), SessionDescription{SdpType::kRollback, ""})
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(p.a().pc->signaling_state(), SignalingState::kStable);
  // Glare: both sides have local offers; b refuses a's offer.
  ASSERT_TRUE(p.a().pc->SetLocalDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.b().pc->CreateDataChannel(p.now(), "y").ok());
  auto offer_b = p.b().pc->CreateOffer(p.now());
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now(), *offer_b).ok());
  s = p.b().pc->SetRemoteDescription(p.now(), *offer);
  EXPECT_THAT(s.message(), HasSubstr("in state have-local-offer: our own offer "
                                     "is pending"));
  // b rolls back and accepts a's offer instead; the call still completes.
  ASSERT_TRUE(p.b()
                  .pc
                  ->SetLocalDescription(
                      p.now(), SessionDescription{SdpType::kRollback, ""})
                  .ok());
  ASSERT_TRUE(p.b().pc->SetRemoteDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now()).ok());
  ASSERT_TRUE(
      p.a()
          .pc->SetRemoteDescription(p.now(), *p.b().pc->local_description())
          .ok());
  EXPECT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
  // b's own channel rides on the negotiated section once connected.
  EXPECT_TRUE(p.RunUntil([&] { return p.a().incoming.size() == 1; }));
}

std::string Without(std::string sdp, std::string_view prefix) {
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

TEST(PeerConnectionTest, BadRemoteSdpIsRefusedWithTheReasonAndChangesNothing) {
  Pair p;
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(offer.ok());
  struct Case {
    std::string sdp;
    std::string want;
  };
  const Case cases[] = {
      {"garbage", "SetRemoteDescription: SDP:"},
      {"", "SetRemoteDescription: SDP:"},
      {Without(offer->sdp, "a=fingerprint"), "missing a=fingerprint"},
      {Without(offer->sdp, "a=ice-ufrag"), "missing a=ice-ufrag"},
      {Without(offer->sdp, "a=ice-pwd"), "missing a=ice-pwd"},
      {Without(offer->sdp, "a=mid"), "missing a=mid"},
      {Without(offer->sdp, "a=setup"), "missing a=setup"},
      {"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", "no m= sections"},
      {Without(offer->sdp, "a=fingerprint") + "a=fingerprint:sha-256 12:34\r\n",
       "a=fingerprint:sha-256 12:34"},
  };
  for (const Case& c : cases) {
    absl::Status s = p.b().pc->SetRemoteDescription(
        p.now(), SessionDescription{SdpType::kOffer, c.sdp});
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.want;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.want));
    EXPECT_EQ(p.b().pc->signaling_state(), SignalingState::kStable);
    EXPECT_FALSE(p.b().pc->remote_description().has_value());
  }
  // Still usable: the real offer goes through and the call connects.
  ASSERT_TRUE(p.a().pc->SetLocalDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.b().pc->SetRemoteDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now()).ok());
  // An answer that says actpass is refused.
  std::string answer = p.b().pc->local_description()->sdp;
  std::string bad = answer;
  bad.replace(bad.find("a=setup:active"), 14, "a=setup:actpass");
  EXPECT_THAT(p.a()
                  .pc
                  ->SetRemoteDescription(
                      p.now(), SessionDescription{SdpType::kAnswer, bad})
                  .message(),
              HasSubstr("a=setup:actpass is not allowed in an answer"));
  ASSERT_TRUE(p.a()
                  .pc
                  ->SetRemoteDescription(
                      p.now(), SessionDescription{SdpType::kAnswer, answer})
                  .ok());
  EXPECT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
}

TEST(PeerConnectionTest, SdpFromAnotherSessionIsRefused) {
  Pair p;
  Pair q(PairOptions{}, 2);
  ConnectWithChannel(p);
  // A re-offer from a different peer (another session id).
  ASSERT_TRUE(q.a().pc->CreateDataChannel(q.now(), "z").ok());
  auto foreign = q.a().pc->CreateOffer(q.now());
  ASSERT_TRUE(foreign.ok());
  absl::Status s = p.b().pc->SetRemoteDescription(p.now(), *foreign);
  EXPECT_THAT(s.message(), HasSubstr("SDP from a different session"));
  EXPECT_EQ(p.b().pc->signaling_state(), SignalingState::kStable);
  EXPECT_TRUE(p.b().connected());
}

TEST(PeerConnectionTest, NegotiatedChannelsNeedNoDcep) {
  Pair p;
  datachannel::ChannelInit init;
  init.negotiated = true;
  init.id = 7;
  auto ca = p.a().pc->CreateDataChannel(p.now(), "pre", init);
  auto cb = p.b().pc->CreateDataChannel(p.now(), "pre", init);
  ASSERT_TRUE(ca.ok() && cb.ok());
  ASSERT_TRUE(p.Negotiate(p.a(), p.b()).ok());
  ASSERT_TRUE(p.RunUntil([&] {
    return (*ca)->state() == datachannel::ChannelState::kOpen &&
           (*cb)->state() == datachannel::ChannelState::kOpen;
  }));
  EXPECT_TRUE(p.b().incoming.empty());
  ASSERT_TRUE((*cb)->SendText(p.now(), "via 7").ok());
  ASSERT_TRUE(p.RunUntil([&] { return !p.a().messages.empty(); }));
  EXPECT_EQ(p.a().messages[0].second, "via 7");
}

TEST(PeerConnectionTest, SecondChannelNeedsNoRenegotiation) {
  Pair p;
  ConnectWithChannel(p);
  const int before = p.a().negotiation_needed;
  auto second = p.a().pc->CreateDataChannel(p.now(), "second");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(p.a().negotiation_needed, before);
  ASSERT_TRUE(p.RunUntil([&] { return p.b().incoming.size() == 2; }));
  EXPECT_EQ(p.b().incoming[1]->label(), "second");
}

TEST(PeerConnectionTest, IceRestartKeepsTheCallAndChangesCredentials) {
  Pair p;
  datachannel::ChannelPtr chat;
  ConnectWithChannel(p, &chat);
  const std::string ufrag_a = p.a().pc->ice_agent().local_credentials().ufrag;
  const std::string ufrag_b = p.b().pc->ice_agent().local_credentials().ufrag;
  p.a().pc->RestartIce(p.now());
  p.RunFor(TimeDelta::Millis(1));
  EXPECT_EQ(p.a().negotiation_needed, 2);
  ASSERT_TRUE(p.Negotiate(p.a(), p.b()).ok());
  EXPECT_NE(p.a().pc->ice_agent().local_credentials().ufrag, ufrag_a);
  EXPECT_NE(p.b().pc->ice_agent().local_credentials().ufrag, ufrag_b);
  EXPECT_EQ(p.a().pc->ice_agent().generation(), 1u);
  p.RunFor(TimeDelta::Seconds(3));
  EXPECT_TRUE(BothConnected(p));
  ASSERT_TRUE(chat->SendText(p.now(), "after restart").ok());
  ASSERT_TRUE(p.RunUntil([&] { return !p.b().messages.empty(); }));
  EXPECT_EQ(p.b().messages.back().second, "after restart");
}

TEST(PeerConnectionTest, RemoteRollbackOfFirstOfferStartsClean) {
  Pair p;
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(p.a().pc->SetLocalDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.b().pc->SetRemoteDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.b()
                  .pc
                  ->SetRemoteDescription(
                      p.now(), SessionDescription{SdpType::kRollback, ""})
                  .ok());
  EXPECT_EQ(p.b().pc->signaling_state(), SignalingState::kStable);
  EXPECT_FALSE(p.b().pc->remote_description().has_value());
  EXPECT_FALSE(p.b().pc->ice_agent().remote_credentials().has_value());
  // The same offer can be applied again and the call completes.
  ASSERT_TRUE(p.b().pc->SetRemoteDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now()).ok());
  ASSERT_TRUE(
      p.a()
          .pc->SetRemoteDescription(p.now(), *p.b().pc->local_description())
          .ok());
  EXPECT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
}

TEST(PeerConnectionTest, TransceiversGetSectionsAndDirections) {
  Pair p;
  ASSERT_TRUE(p.a().pc->AddTransceiver(p.now(), MediaKind::kAudio).ok());
  ASSERT_TRUE(p.a()
                  .pc
                  ->AddTransceiver(p.now(), MediaKind::kVideo,
                                   sdp::Direction::kSendOnly)
                  .ok());
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "d").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(offer.ok());
  EXPECT_THAT(offer->sdp, HasSubstr("m=audio 9 UDP/TLS/RTP/SAVPF 111 0"));
  EXPECT_THAT(offer->sdp, HasSubstr("m=video 9 UDP/TLS/RTP/SAVPF 96 102"));
  EXPECT_THAT(offer->sdp, HasSubstr("a=group:BUNDLE 0 1 2"));
  ASSERT_TRUE(p.a().pc->SetLocalDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.b().pc->SetRemoteDescription(p.now(), *offer).ok());
  // b got a recvonly transceiver per media section.
  ASSERT_EQ(p.b().pc->transceivers().size(), 2u);
  EXPECT_EQ(p.b().pc->transceivers()[1]->mid, "1");
  auto answer = p.b().pc->CreateAnswer(p.now());
  ASSERT_TRUE(answer.ok());
  EXPECT_THAT(answer->sdp, HasSubstr("a=recvonly"));
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now(), *answer).ok());
  ASSERT_TRUE(p.a().pc->SetRemoteDescription(p.now(), *answer).ok());
  const auto& ta = p.a().pc->transceivers();
  EXPECT_EQ(ta[0]->current_direction, sdp::Direction::kSendOnly);
  EXPECT_EQ(ta[1]->current_direction, sdp::Direction::kSendOnly);
  ASSERT_FALSE(ta[1]->codecs.empty());
  EXPECT_EQ(ta[1]->codecs[0].name, "VP8");
  EXPECT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
}

TEST(PeerConnectionTest, CloseIsSeenByThePeer) {
  Pair p;
  ConnectWithChannel(p);
  ASSERT_TRUE(p.RunUntil([&] { return !p.b().incoming.empty(); }));
  p.a().pc->Close(p.now());
  EXPECT_EQ(p.a().pc->connection_state(), PeerConnectionState::kClosed);
  EXPECT_EQ(p.a().pc->signaling_state(), SignalingState::kClosed);
  ASSERT_TRUE(p.RunUntil([&] { return p.b().transport_closed; }));
  EXPECT_EQ(p.b().closed.size(), 1u);
  // W3C: a DTLS transport closed by the peer's close_notify counts as
  // connected; only ICE (consent) later says the peer is gone.
  EXPECT_EQ(p.b().pc->connection_state(), PeerConnectionState::kConnected);
  // Calls on a closed connection fail cleanly.
  EXPECT_THAT(p.a().pc->CreateOffer(p.now()).status().message(),
              HasSubstr("closed"));
  EXPECT_EQ(p.a().pc->NextTimeout(), std::nullopt);
}

TEST(PeerConnectionTest, AddIceCandidateChecksItsInput) {
  Pair p;
  IceCandidateInit c;
  c.candidate = "candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host";
  EXPECT_THAT(p.b().pc->AddIceCandidate(p.now(), c).message(),
              HasSubstr("no remote description"));
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(p.b().pc->SetRemoteDescription(p.now(), *offer).ok());
  c.sdp_mid = "9";
  EXPECT_THAT(p.b().pc->AddIceCandidate(p.now(), c).message(),
              HasSubstr("no m-line with mid \"9\""));
  c.sdp_mid = "0";
  c.username_fragment = "nope";
  EXPECT_THAT(p.b().pc->AddIceCandidate(p.now(), c).message(),
              HasSubstr("usernameFragment \"nope\""));
  c.username_fragment.reset();
  c.candidate = "candidate:garbage";
  EXPECT_THAT(p.b().pc->AddIceCandidate(p.now(), c).message(),
              HasSubstr("AddIceCandidate: "));
  c.candidate = "candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host";
  EXPECT_TRUE(p.b().pc->AddIceCandidate(p.now(), c).ok());
}

TEST(PeerConnectionTest, StatsHaveTheW3cShape) {
  Pair p;
  datachannel::ChannelPtr chat;
  ConnectWithChannel(p, &chat);
  ASSERT_TRUE(p.RunUntil(
      [&] { return chat->state() == datachannel::ChannelState::kOpen; }));
  ASSERT_TRUE(chat->SendText(p.now(), "12345").ok());
  ASSERT_TRUE(p.RunUntil([&] { return !p.b().messages.empty(); }));
  const StatsReport r = p.a().pc->GetStats(p.now());
  ASSERT_EQ(r.OfType("peer-connection").size(), 1u);
  const StatsEntry* transport = r.Find("T01");
  ASSERT_NE(transport, nullptr);
  EXPECT_EQ(transport->Get<std::string>("dtlsState"), "connected");
  EXPECT_EQ(transport->Get<std::string>("iceRole"), "controlling");
  std::optional<std::string> pair_id =
      transport->Get<std::string>("selectedCandidatePairId");
  ASSERT_TRUE(pair_id.has_value());
  const StatsEntry* pair = r.Find(*pair_id);
  ASSERT_NE(pair, nullptr);
  EXPECT_EQ(pair->type, "candidate-pair");
  EXPECT_EQ(pair->Get<bool>("nominated"), true);
  EXPECT_GT(*pair->Get<int64_t>("bytesSent"), 0);
  ASSERT_NE(r.Find(*pair->Get<std::string>("localCandidateId")), nullptr);
  ASSERT_NE(r.Find(*pair->Get<std::string>("remoteCandidateId")), nullptr);
  EXPECT_EQ(r.OfType("certificate").size(), 2u);
  ASSERT_NE(r.Find(*transport->Get<std::string>("remoteCertificateId")),
            nullptr);
  auto channels = r.OfType("data-channel");
  ASSERT_EQ(channels.size(), 1u);
  EXPECT_EQ(channels[0]->Get<std::string>("label"), "chat");
  EXPECT_EQ(channels[0]->Get<int64_t>("messagesSent"), 1);
  EXPECT_EQ(channels[0]->Get<int64_t>("bytesSent"), 5);
  EXPECT_THAT(r.ToJson(), HasSubstr("\"type\": \"candidate-pair\""));
}

TEST(PeerConnectionTest, ConfigurationErrorsNameTheField) {
  Configuration c;
  c.ice_servers.push_back({{"turn:203.0.113.1:3478"}, "", ""});
  auto pc = PeerConnection::Create(c, Rng(1), Timestamp::Zero());
  EXPECT_THAT(pc.status().message(),
              HasSubstr("needs username and credential"));
  c.ice_servers = {{{"stun:stun.example.org"}, "", ""}};
  pc = PeerConnection::Create(c, Rng(1), Timestamp::Zero());
  EXPECT_EQ(pc.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(pc.status().message(), HasSubstr("resolve host names"));
  c.ice_servers = {{{"http://x"}, "", ""}};
  pc = PeerConnection::Create(c, Rng(1), Timestamp::Zero());
  EXPECT_THAT(pc.status().message(),
              HasSubstr("scheme must be stun: or turn:"));
  c.ice_servers = {};
  c.ice_candidate_pool_size = 300;
  pc = PeerConnection::Create(c, Rng(1), Timestamp::Zero());
  EXPECT_THAT(pc.status().message(), HasSubstr("ice_candidate_pool_size"));
}

TEST(PeerConnectionTest, CandidatePoolGathersBeforeTheFirstOffer) {
  PairOptions o;
  o.a.ice_candidate_pool_size = 1;
  Pair p(o);
  p.RunFor(TimeDelta::Millis(200));
  EXPECT_EQ(p.a().pc->ice_gathering_state(), ice::GatheringState::kComplete);
  // No candidate events before SetLocalDescription (W3C), but the offer
  // already carries them.
  const auto candidate_events = [&] {
    int n = 0;
    for (const Event& e : p.a().events) {
      n += std::holds_alternative<IceCandidateEvent>(e);
    }
    return n;
  };
  EXPECT_EQ(candidate_events(), 0);
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  EXPECT_THAT(offer->sdp, HasSubstr("a=candidate:"));
  ASSERT_TRUE(p.a().pc->SetLocalDescription(p.now(), *offer).ok());
  p.RunFor(TimeDelta::Millis(1));
  EXPECT_EQ(candidate_events(), 2);  // the host candidate, end-of-candidates
}

TEST(PeerConnectionTest, ProvisionalAnswerThenFinalAnswer) {
  Pair p;
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(p.a().pc->SetLocalDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.b().pc->SetRemoteDescription(p.now(), *offer).ok());
  auto answer = p.b().pc->CreateAnswer(p.now());
  ASSERT_TRUE(answer.ok());
  const SessionDescription pranswer{SdpType::kPrAnswer, answer->sdp};
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now(), pranswer).ok());
  EXPECT_EQ(p.b().pc->signaling_state(), SignalingState::kHaveLocalPrAnswer);
  ASSERT_TRUE(p.a().pc->SetRemoteDescription(p.now(), pranswer).ok());
  EXPECT_EQ(p.a().pc->signaling_state(), SignalingState::kHaveRemotePrAnswer);
  // The transport starts on the provisional answer already.
  EXPECT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
  // A rollback is not allowed once an answer is provisional.
  EXPECT_THAT(
      std::string(p.a()
                      .pc
                      ->SetRemoteDescription(
                          p.now(), SessionDescription{SdpType::kRollback, ""})
                      .message()),
      HasSubstr("cannot be rolled back"));
  const SessionDescription final_answer{SdpType::kAnswer, answer->sdp};
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now(), final_answer).ok());
  ASSERT_TRUE(p.a().pc->SetRemoteDescription(p.now(), final_answer).ok());
  EXPECT_EQ(p.a().pc->signaling_state(), SignalingState::kStable);
  EXPECT_EQ(p.b().pc->signaling_state(), SignalingState::kStable);
  EXPECT_TRUE(p.a().pc->current_remote_description().has_value());
  EXPECT_TRUE(p.RunUntil([&] { return !p.b().incoming.empty(); }));
}

TEST(PeerConnectionTest, MaxBundleMarksNonTagSectionsBundleOnly) {
  PairOptions o;
  o.a.bundle_policy = BundlePolicy::kMaxBundle;
  Pair p(o);
  ASSERT_TRUE(p.a().pc->AddTransceiver(p.now(), MediaKind::kAudio).ok());
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "d").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(offer.ok());
  EXPECT_THAT(offer->sdp, HasSubstr("a=bundle-only"));
  ASSERT_TRUE(p.Negotiate(p.a(), p.b()).ok());
  EXPECT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
  EXPECT_TRUE(p.RunUntil([&] { return !p.b().incoming.empty(); }));
}

}  // namespace
}  // namespace simrtc::peer
