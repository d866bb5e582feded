// A sans-IO RTCPeerConnection (W3C webrtc-pc, JSEP RFC 8829) composing the
// ICE agent (core/ice, with TURN relays), a DTLS endpoint (core/dtls) and
// the data channel layer (core/datachannel over core/sctp).
//
// Contract (see core/base/sans_io.h):
//  * Inputs: HandleDatagram(now, d) for every datagram on the sockets of
//    config.interfaces, HandleTimeout(now) at NextTimeout(), and the API
//    calls, each taking `now`. Outputs: PollTransmit(), PollEvent(),
//    NextTimeout(). No clock, socket, thread or system randomness inside:
//    ufrag/pwd, session ids, ICE tie-breakers and transaction ids come from
//    the injected Rng (BoringSSL draws its own entropy for DTLS, which
//    changes bytes but not sizes with RSA certificates).
//  * Signaling follows W3C exactly: every illegal call returns
//    FailedPrecondition naming the call and the state, and leaves the
//    connection unchanged and usable; bad SDP returns InvalidArgument
//    naming what is wrong (missing fingerprint, ufrag, mid, setup, ...),
//    also without side effects.
//  * One transport: every m= section is BUNDLEd on one ICE + DTLS
//    transport. The offerer is ICE-controlling and a=setup:actpass; the
//    answerer picks a=setup:active (DTLS client) unless the offer says
//    active. DTLS starts when ICE connects; SCTP when DTLS completes.
//  * Data channels may be created at any time; the first one (while no
//    application m= section is negotiated) raises NegotiationNeeded. DCEP
//    stream ids take their parity from the DTLS role once it is known.
//  * Trickle: local candidates come out as IceCandidate events after
//    SetLocalDescription (then an IceCandidate without candidate for
//    end-of-candidates); local_description() always includes the
//    candidates gathered so far, so non-trickle peers can wait for
//    gathering to complete and send it whole.
//  * Transceivers model audio/video m= sections (mids, directions,
//    negotiated codecs); media does not flow yet.
//  * Limitations: one BUNDLE group (sections the peer leaves out of its
//    BUNDLE are rejected); rolling back an offer that restarted ICE keeps
//    the new ICE credentials; remote rollback of a re-offer keeps its ICE
//    credentials.
#ifndef CORE_PEER_PEER_CONNECTION_H_
#define CORE_PEER_PEER_CONNECTION_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/datagram.h"
#include "core/base/logging.h"
#include "core/base/rng.h"
#include "core/base/time.h"
#include "core/datachannel/data_channel_manager.h"
#include "core/dtls/endpoint.h"
#include "core/ice/agent.h"
#include "core/ice/turn_relay.h"
#include "core/peer/configuration.h"
#include "core/peer/jsep.h"
#include "core/peer/signaling.h"
#include "core/peer/stats.h"

namespace simrtc::peer {

enum class PeerConnectionState {
  kNew,
  kConnecting,
  kConnected,
  kDisconnected,
  kFailed,
  kClosed
};
std::string_view PeerConnectionStateName(PeerConnectionState s);

// Fresh random ICE credentials (16-char ufrag, 32-char pwd).
ice::Credentials NewIceCredentials(Rng& rng);

// W3C RTCIceCandidateInit. An empty `candidate` is end-of-candidates.
struct IceCandidateInit {
  std::string candidate;  // "candidate:..."
  std::optional<std::string> sdp_mid;
  std::optional<int> sdp_mline_index;
  std::optional<std::string> username_fragment;
};

struct Transceiver {
  MediaKind kind = MediaKind::kAudio;
  std::optional<std::string> mid;  // once negotiated (or offered)
  sdp::Direction direction = sdp::Direction::kSendRecv;
  std::optional<sdp::Direction> current_direction;
  std::vector<sdp::Codec> codecs;  // negotiated
  bool stopped = false;
};

// ---- Events ---------------------------------------------------------------
struct SignalingStateChange {
  SignalingState state;
};
struct IceGatheringStateChange {
  ice::GatheringState state;
};
struct IceConnectionStateChange {
  ice::ConnectionState state;
};
struct ConnectionStateChange {
  PeerConnectionState state;
};
// W3C icecandidate; nullopt = end-of-candidates.
struct IceCandidateEvent {
  std::optional<IceCandidateInit> candidate;
};
struct NegotiationNeeded {};
// Data channel events (incoming channel, open, message, closing, closed,
// error, buffered-amount-low, SCTP transport up/down).
struct DataChannelEvent {
  datachannel::Event event;
};
using Event =
    std::variant<SignalingStateChange, IceGatheringStateChange,
                 IceConnectionStateChange, ConnectionStateChange,
                 IceCandidateEvent, NegotiationNeeded, DataChannelEvent>;

struct OfferOptions {
  bool ice_restart = false;
  // Accepted for API compatibility; no audio is sent yet.
  bool voice_activity_detection = true;
};
struct AnswerOptions {
  bool voice_activity_detection = true;
};

class PeerConnection {
 public:
  // Validates the configuration; generates a certificate when none is
  // given. With ice_candidate_pool_size > 0 gathering starts at `now`.
  static absl::StatusOr<std::unique_ptr<PeerConnection>> Create(
      Configuration config, Rng rng, Timestamp now,
      const Logger* logger = nullptr);
  ~PeerConnection();
  PeerConnection(const PeerConnection&) = delete;
  PeerConnection& operator=(const PeerConnection&) = delete;

  // ---- JSEP ------------------------------------------------------------
  absl::StatusOr<SessionDescription> CreateOffer(Timestamp now,
                                                 const OfferOptions& o = {});
  absl::StatusOr<SessionDescription> CreateAnswer(Timestamp now,
                                                  const AnswerOptions& o = {});
  absl::Status SetLocalDescription(Timestamp now, const SessionDescription& d);
  // W3C setLocalDescription() without argument: creates the offer or
  // answer the signaling state calls for and applies it.
  absl::Status SetLocalDescription(Timestamp now);
  absl::Status SetRemoteDescription(Timestamp now, const SessionDescription& d);
  absl::Status AddIceCandidate(Timestamp now, const IceCandidateInit& c);
  // The next offer restarts ICE (and NegotiationNeeded fires).
  void RestartIce(Timestamp now);

  // ---- Data and media ----------------------------------------------------
  absl::StatusOr<datachannel::ChannelPtr> CreateDataChannel(
      Timestamp now, std::string label,
      const datachannel::ChannelInit& init = {});
  absl::StatusOr<Transceiver*> AddTransceiver(
      Timestamp now, MediaKind kind,
      sdp::Direction direction = sdp::Direction::kSendRecv);
  const std::vector<std::unique_ptr<Transceiver>>& transceivers() const {
    return transceivers_;
  }

  // Closes everything (DTLS close_notify, SCTP abort, ICE released).
  void Close(Timestamp now);

  // ---- sans-IO -----------------------------------------------------------
  void HandleDatagram(Timestamp now, const Datagram& d);
  void HandleTimeout(Timestamp now);
  std::optional<Transmit> PollTransmit();
  std::optional<Event> PollEvent();
  std::optional<Timestamp> NextTimeout() const;

  // ---- State -------------------------------------------------------------
  SignalingState signaling_state() const { return signaling_; }
  ice::GatheringState ice_gathering_state() const { return gathering_; }
  ice::ConnectionState ice_connection_state() const { return ice_state_; }
  PeerConnectionState connection_state() const { return state_; }
  // W3C localDescription / remoteDescription: pending if any, else
  // current; the local one carries the candidates gathered so far.
  std::optional<SessionDescription> local_description() const;
  std::optional<SessionDescription> remote_description() const;
  std::optional<SessionDescription> current_local_description() const;
  std::optional<SessionDescription> pending_local_description() const;
  std::optional<SessionDescription> current_remote_description() const;
  std::optional<SessionDescription> pending_remote_description() const;
  const Configuration& configuration() const { return config_; }
  const dtls::Certificate& certificate() const { return certificate_; }
  // Non-null once created; the agent is replaced only by a remote rollback
  // of the first offer.
  const ice::Agent& ice_agent() const { return *ice_; }
  const dtls::Endpoint* dtls() const { return dtls_.get(); }
  datachannel::DataChannelManager& data_channels() { return *dc_; }

  StatsReport GetStats(Timestamp now) const;
  // Why the secure transport failed (DTLS), if it did.
  const absl::Status& transport_error() const { return transport_error_; }

 private:
  struct Described {
    SdpType type;
    DescriptionModel model;
    std::string sdp;  // as given
  };

  PeerConnection(Configuration config, Rng rng, const Logger* logger);
  absl::Status Init(Timestamp now);
  absl::StatusOr<std::unique_ptr<ice::Agent>> MakeAgent() const;

  // JSEP helpers (peer_connection_jsep.cc).
  TransportDescription LocalTransport(sdp::SetupRole setup) const;
  std::string NextMid();
  absl::Status CheckClosed(std::string_view call) const;
  absl::Status ApplyLocal(Timestamp now, SdpType type, DescriptionModel m);
  absl::Status ApplyRemote(Timestamp now, SdpType type, DescriptionModel m);
  absl::Status ApplyRemoteTransport(Timestamp now, const DescriptionModel& m,
                                    SdpType type);
  void RollbackLocal(Timestamp now);
  // Transceivers whose mid no current local section carries lose it.
  void ReleaseUnnegotiatedMids();
  absl::Status RollbackRemote(Timestamp now);
  // After an answer (either side): DTLS role, endpoint, data channel role.
  absl::Status StartSecureTransport(Timestamp now);
  void SetSignaling(SignalingState s);
  void UpdateNegotiationNeeded();
  bool NegotiationIsNeeded() const;
  std::string LocalSdp(const Described& d) const;

  // Transport plumbing (peer_connection.cc).
  void Pump(Timestamp now);
  bool PumpIce(Timestamp now);
  bool PumpDtls(Timestamp now);
  bool PumpDataChannels(Timestamp now);
  void OnIceData(Timestamp now, const ice::ApplicationDataEvent& e);
  void MaybeStartDtls(Timestamp now);
  void UpdateConnectionState();
  void Emit(Event e) { events_.push_back(std::move(e)); }

  Configuration config_;
  Rng rng_;
  const Logger* logger_;
  ResolvedIceServers servers_;
  dtls::Certificate certificate_;
  std::unique_ptr<ice::TurnRelayAllocator> relay_;
  std::unique_ptr<ice::Agent> ice_;
  std::unique_ptr<dtls::Endpoint> dtls_;
  std::unique_ptr<datachannel::DataChannelManager> dc_;

  // Signaling.
  SignalingState signaling_ = SignalingState::kStable;
  uint64_t session_id_ = 0;
  uint64_t session_version_ = 0;
  std::optional<Described> current_local_, pending_local_;
  std::optional<Described> current_remote_, pending_remote_;
  std::optional<uint64_t> remote_session_id_;
  int next_mid_ = 0;
  std::optional<std::string> data_mid_;  // the application section's mid
  bool data_wanted_ = false;
  bool restart_requested_ = false;
  // Credentials the next offer carries (new ones after RestartIce).
  ice::Credentials offer_credentials_;
  bool negotiation_needed_ = false;
  bool negotiation_needed_fired_ = false;
  std::vector<std::unique_ptr<Transceiver>> transceivers_;
  // Transceivers the pending remote offer created (undone by rollback).
  std::vector<Transceiver*> created_by_remote_offer_;

  // Transport state.
  bool gathering_started_ = false;
  bool local_description_set_ = false;         // candidate events may flow
  std::vector<std::string> local_candidates_;  // this ICE generation
  bool local_end_of_candidates_ = false;
  std::deque<IceCandidateEvent> held_candidates_;  // before SLD
  std::vector<dtls::Fingerprint> remote_fingerprints_;
  std::optional<dtls::Role> dtls_role_;
  bool dtls_started_ = false;
  bool sctp_started_ = false;
  std::deque<std::vector<uint8_t>> early_dtls_;   // before the endpoint
  std::deque<std::vector<uint8_t>> unsent_dtls_;  // before a selected pair
  uint16_t remote_sctp_port_ = 5000;
  size_t remote_max_message_size_ = 65536;

  ice::GatheringState gathering_ = ice::GatheringState::kNew;
  ice::ConnectionState ice_state_ = ice::ConnectionState::kNew;
  PeerConnectionState state_ = PeerConnectionState::kNew;
  bool dtls_failed_ = false;
  absl::Status transport_error_;
  bool closed_ = false;
  uint64_t data_channels_opened_ = 0;
  uint64_t data_channels_closed_ = 0;

  std::deque<Transmit> transmits_;
  std::deque<Event> events_;
};

}  // namespace simrtc::peer

#endif  // CORE_PEER_PEER_CONNECTION_H_
