// PeerConnection regressions found by sdp_offer_fuzzer and the jsep and
// signaling tests: each case applies the description that went wrong and
// checks the connection stays consistent and usable.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/peer/jsep.h"
#include "core/peer/peer_connection.h"
#include "core/peer/test_pair.h"

namespace simrtc::peer {
namespace {

using ::testing::HasSubstr;
using testing::Pair;
using testing::PairOptions;
using testing::Side;

bool BothConnected(Pair& p) { return p.a().connected() && p.b().connected(); }

std::string WithoutLine(std::string sdp, std::string_view prefix) {
  const size_t at = sdp.find(std::string("\r\n") + std::string(prefix));
  if (at == std::string::npos) return sdp;
  const size_t end = sdp.find("\r\n", at + 2);
  sdp.erase(at, end - at);
  return sdp;
}

// Fuzzer finding: an offer without a=group:BUNDLE gets an answer that
// rejects every section but the first; the rejected video section lists
// dynamic payload types without a=rtpmap, which ParseDescription refused,
// so the answerer's own SetLocalDescription(answer) failed.
TEST(PeerConnectionBadInputTest, OfferWithoutBundleIsAnsweredAndApplied) {
  Pair p;
  ASSERT_TRUE(p.a().pc->AddTransceiver(p.now(), MediaKind::kAudio).ok());
  ASSERT_TRUE(p.a().pc->AddTransceiver(p.now(), MediaKind::kVideo).ok());
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(offer.ok());
  ASSERT_TRUE(p.a().pc->SetLocalDescription(p.now(), *offer).ok());
  const SessionDescription unbundled{SdpType::kOffer,
                                     WithoutLine(offer->sdp, "a=group:BUNDLE")};
  ASSERT_THAT(unbundled.sdp, ::testing::Not(HasSubstr("a=group")));
  ASSERT_TRUE(p.b().pc->SetRemoteDescription(p.now(), unbundled).ok());
  auto answer = p.b().pc->CreateAnswer(p.now());
  ASSERT_TRUE(answer.ok());
  EXPECT_THAT(answer->sdp, HasSubstr("m=video 0 UDP/TLS/RTP/SAVPF 96 102\r\n"));
  EXPECT_THAT(answer->sdp, HasSubstr("m=application 0 "));
  absl::StatusOr<DescriptionModel> parsed =
      ParseDescription(answer->sdp, SdpType::kAnswer);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->sections[0].rejected);
  EXPECT_TRUE(parsed->sections[1].rejected);
  EXPECT_TRUE(parsed->sections[2].rejected);
  absl::Status s = p.b().pc->SetLocalDescription(p.now(), *answer);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(p.b().pc->signaling_state(), SignalingState::kStable);
  s = p.a().pc->SetRemoteDescription(p.now(), *answer);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(p.a().pc->transceivers()[1]->current_direction,
            sdp::Direction::kInactive);
  // The audio section carries the transport: both sides connect.
  EXPECT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
}

// W3C / RFC 8829 section 5.7: SetRemoteDescription(rollback) cancels our
// own pending offer just as SetLocalDescription(rollback) does. The next
// offer then uses mid "1" (mids of a rolled-back offer are not reused),
// which exposed candidate events hard-wired to sdpMid "0": the peer refused
// every trickled candidate and ICE failed.
TEST(PeerConnectionBadInputTest, RemoteRollbackCancelsALocalOffer) {
  for (bool remote : {true, false}) {
    SCOPED_TRACE(remote ? "SetRemoteDescription(rollback)"
                        : "SetLocalDescription(rollback)");
    Pair p;
    ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
    ASSERT_TRUE(p.a().pc->SetLocalDescription(p.now()).ok());
    ASSERT_EQ(p.a().pc->signaling_state(), SignalingState::kHaveLocalOffer);
    const SessionDescription rollback{SdpType::kRollback, ""};
    absl::Status s = remote ? p.a().pc->SetRemoteDescription(p.now(), rollback)
                            : p.a().pc->SetLocalDescription(p.now(), rollback);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_EQ(p.a().pc->signaling_state(), SignalingState::kStable);
    EXPECT_FALSE(p.a().pc->local_description().has_value());
    // Still wanting a data channel: negotiation is needed again, and the
    // next offer/answer completes the call.
    p.RunFor(TimeDelta::Millis(1));
    EXPECT_EQ(p.a().negotiation_needed, 2);
    p.a().candidates.clear();  // trickled for the abandoned offer
    const size_t a_events_before = p.a().events.size();
    ASSERT_TRUE(p.Negotiate(p.a(), p.b()).ok());
    EXPECT_THAT(p.a().pc->local_description()->sdp, HasSubstr("a=mid:1\r\n"));
    EXPECT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
    EXPECT_TRUE(p.RunUntil([&] { return !p.b().incoming.empty(); }));
    for (const Side* side : {&p.a(), &p.b()}) {
      const size_t first = side == &p.a() ? a_events_before : 0;
      for (size_t i = first; i < side->events.size(); ++i) {
        const auto* c = std::get_if<IceCandidateEvent>(&side->events[i]);
        if (c == nullptr || !c->candidate.has_value()) continue;
        EXPECT_EQ(c->candidate->sdp_mid, "1");
        EXPECT_EQ(c->candidate->sdp_mline_index, 0);
      }
    }
  }
}

// Candidates are signalled with the mid and index of the m-line carrying
// the transport, also when m-line 0 is rejected; non-trickle descriptions
// carry them on that m-line.
TEST(PeerConnectionBadInputTest, CandidatesNameTheTransportSection) {
  PairOptions o;
  o.trickle = false;
  Pair p(o);
  ASSERT_TRUE(p.a().pc->AddTransceiver(p.now(), MediaKind::kAudio).ok());
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(offer.ok());
  // The peer's offer names its sections "a" and "d" and leaves the audio
  // one out of the BUNDLE group: the answer rejects m-line 0.
  std::string sdp = offer->sdp;
  for (auto [from, to] : {std::pair{"a=group:BUNDLE 0 1", "a=group:BUNDLE d"},
                          std::pair{"a=mid:0\r\n", "a=mid:a\r\n"},
                          std::pair{"a=mid:1\r\n", "a=mid:d\r\n"}}) {
    const size_t at = sdp.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    sdp.replace(at, std::string_view(from).size(), to);
  }
  ASSERT_TRUE(p.b()
                  .pc
                  ->SetRemoteDescription(
                      p.now(), SessionDescription{SdpType::kOffer, sdp})
                  .ok());
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now()).ok());
  ASSERT_TRUE(p.RunUntil([&] {
    return p.b().pc->ice_gathering_state() == ice::GatheringState::kComplete;
  }));
  const std::string answer = p.b().pc->local_description()->sdp;
  EXPECT_THAT(answer, HasSubstr("m=audio 0 "));
  EXPECT_THAT(answer, HasSubstr("a=mid:d\r\n"));
  // The candidates sit on the data section (m-line 1) and parse back.
  const size_t data_line = answer.find("m=application");
  ASSERT_NE(data_line, std::string::npos);
  EXPECT_NE(answer.find("a=candidate:", data_line), std::string::npos);
  EXPECT_EQ(answer.find("a=candidate:"),
            answer.find("a=candidate:", data_line));
  absl::StatusOr<DescriptionModel> parsed =
      ParseDescription(answer, SdpType::kAnswer);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->transport.candidates.size(), 1u);
  EXPECT_TRUE(parsed->transport.end_of_candidates);
  int candidates = 0;
  for (const Event& e : p.b().events) {
    const auto* c = std::get_if<IceCandidateEvent>(&e);
    if (c == nullptr || !c->candidate.has_value()) continue;
    ++candidates;
    EXPECT_EQ(c->candidate->sdp_mid, "d");
    EXPECT_EQ(c->candidate->sdp_mline_index, 1);
  }
  EXPECT_EQ(candidates, 1);
}

TEST(PeerConnectionBadInputTest, LocalRollbackCancelsARemoteOffer) {
  Pair p;
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(offer.ok());
  ASSERT_TRUE(p.a().pc->SetLocalDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.b().pc->SetRemoteDescription(p.now(), *offer).ok());
  absl::Status s = p.b().pc->SetLocalDescription(
      p.now(), SessionDescription{SdpType::kRollback, ""});
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(p.b().pc->signaling_state(), SignalingState::kStable);
  EXPECT_FALSE(p.b().pc->remote_description().has_value());
  EXPECT_FALSE(p.b().pc->ice_agent().remote_credentials().has_value());
  // Provisional answers cannot be rolled back; nothing changes.
  ASSERT_TRUE(p.b().pc->SetRemoteDescription(p.now(), *offer).ok());
  auto pranswer = p.b().pc->CreateAnswer(p.now());
  ASSERT_TRUE(pranswer.ok());
  pranswer->type = SdpType::kPrAnswer;
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now(), *pranswer).ok());
  s = p.b().pc->SetLocalDescription(p.now(),
                                    SessionDescription{SdpType::kRollback, ""});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("cannot be rolled back"));
  EXPECT_EQ(p.b().pc->signaling_state(), SignalingState::kHaveLocalPrAnswer);
  // The final answer completes the call.
  auto answer = p.b().pc->CreateAnswer(p.now());
  ASSERT_TRUE(answer.ok());
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now(), *answer).ok());
  ASSERT_TRUE(p.a().pc->SetRemoteDescription(p.now(), *answer).ok());
  EXPECT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
}

// max-bundle offers mark non-tag sections bundle-only with port 0 (RFC
// 8843 section 7.2.1); the answerer accepts them and data flows.
TEST(PeerConnectionBadInputTest, MaxBundleOfferUsesPortZeroAndConnects) {
  PairOptions o;
  o.a.bundle_policy = BundlePolicy::kMaxBundle;
  Pair p(o);
  ASSERT_TRUE(p.a().pc->AddTransceiver(p.now(), MediaKind::kAudio).ok());
  ASSERT_TRUE(p.a().pc->CreateDataChannel(p.now(), "x").ok());
  auto offer = p.a().pc->CreateOffer(p.now());
  ASSERT_TRUE(offer.ok());
  EXPECT_THAT(offer->sdp, HasSubstr("m=audio 9 "));
  EXPECT_THAT(offer->sdp, HasSubstr("m=application 0 UDP/DTLS/SCTP"));
  EXPECT_THAT(offer->sdp, HasSubstr("a=bundle-only"));
  ASSERT_TRUE(p.a().pc->SetLocalDescription(p.now(), *offer).ok());
  ASSERT_TRUE(p.b().pc->SetRemoteDescription(p.now(), *offer).ok());
  auto answer = p.b().pc->CreateAnswer(p.now());
  ASSERT_TRUE(answer.ok());
  EXPECT_THAT(answer->sdp, HasSubstr("m=application 9 UDP/DTLS/SCTP"));
  EXPECT_THAT(answer->sdp, HasSubstr("a=group:BUNDLE 0 1"));
  ASSERT_TRUE(p.b().pc->SetLocalDescription(p.now(), *answer).ok());
  ASSERT_TRUE(p.a().pc->SetRemoteDescription(p.now(), *answer).ok());
  EXPECT_TRUE(p.RunUntil([&] { return BothConnected(p); }));
  EXPECT_TRUE(p.RunUntil([&] { return !p.b().incoming.empty(); }));
}

// Fuzzer finding: an answer whose m-line changes the offered media type
// (here "m=applicapion" for our "m=application") was accepted as an answer
// rejecting everything; RFC 3264 section 6 keeps the media type.
TEST(PeerConnectionBadInputTest, AnswerChangingAMediaTypeIsRefused) {
  Pair q(PairOptions{}, 3);
  ASSERT_TRUE(q.a().pc->CreateDataChannel(q.now(), "x").ok());
  ASSERT_TRUE(q.a().pc->SetLocalDescription(q.now()).ok());
  ASSERT_TRUE(
      q.b()
          .pc->SetRemoteDescription(q.now(), *q.a().pc->local_description())
          .ok());
  ASSERT_TRUE(q.b().pc->SetLocalDescription(q.now()).ok());
  std::string answer = q.b().pc->local_description()->sdp;
  const std::string good = answer;
  answer.replace(answer.find("m=application"), 13, "m=applicapion");
  const auto before = q.a().pc->pending_local_description();
  absl::Status s = q.a().pc->SetRemoteDescription(
      q.now(), SessionDescription{SdpType::kAnswer, answer});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "SetRemoteDescription: answer m-line 0 (mid 0) is m=applicapion, "
            "our offer m=application");
  EXPECT_EQ(q.a().pc->signaling_state(), SignalingState::kHaveLocalOffer);
  EXPECT_EQ(q.a().pc->pending_local_description()->sdp, before->sdp);
  EXPECT_FALSE(q.a().pc->remote_description().has_value());
  // The real answer still completes the call.
  ASSERT_TRUE(q.a()
                  .pc
                  ->SetRemoteDescription(
                      q.now(), SessionDescription{SdpType::kAnswer, good})
                  .ok());
  EXPECT_TRUE(q.RunUntil([&] { return BothConnected(q); }));
}

}  // namespace
}  // namespace simrtc::peer
