// PeerConnection: creation, the sans-IO loop and the plumbing between ICE,
// DTLS and the data channels. JSEP is in peer_connection_jsep.cc, stats in
// peer_connection_stats.cc.
#include "core/peer/peer_connection.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/base/demux.h"

namespace simrtc::peer {
namespace {

// DTLS records that arrive before the endpoint exists (the peer's answer
// reached it first) are kept, up to a handful of flights.
constexpr size_t kMaxEarlyDtls = 32;

}  // namespace

ice::Credentials NewIceCredentials(Rng& rng) {
  // RFC 8445 ice-chars; 16 and 32 of them (JSEP, section 5.2.1).
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto draw = [&rng](size_t n) {
    std::string out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out += kChars[rng.Uniform(64)];
    return out;
  };
  ice::Credentials c;
  c.ufrag = draw(16);
  c.pwd = draw(32);
  return c;
}

std::string_view PeerConnectionStateName(PeerConnectionState s) {
  switch (s) {
    case PeerConnectionState::kNew:
      return "new";
    case PeerConnectionState::kConnecting:
      return "connecting";
    case PeerConnectionState::kConnected:
      return "connected";
    case PeerConnectionState::kDisconnected:
      return "disconnected";
    case PeerConnectionState::kFailed:
      return "failed";
    case PeerConnectionState::kClosed:
      return "closed";
  }
  return "unknown";
}

PeerConnection::PeerConnection(Configuration config, Rng rng,
                               const Logger* logger)
    : config_(std::move(config)), rng_(std::move(rng)), logger_(logger) {}

PeerConnection::~PeerConnection() = default;

absl::StatusOr<std::unique_ptr<PeerConnection>> PeerConnection::Create(
    Configuration config, Rng rng, Timestamp now, const Logger* logger) {
  if (absl::Status s = config.Validate(); !s.ok()) return s;
  std::unique_ptr<PeerConnection> pc(
      new PeerConnection(std::move(config), std::move(rng), logger));
  if (absl::Status s = pc->Init(now); !s.ok()) return s;
  return pc;
}

absl::StatusOr<std::unique_ptr<ice::Agent>> PeerConnection::MakeAgent() const {
  ice::AgentConfig c = config_.ice;
  c.role = ice::Role::kControlling;
  c.credentials = offer_credentials_;
  c.interfaces = config_.interfaces;
  c.stun_servers = servers_.stun;
  c.relay = relay_.get();
  if (config_.ice_transport_policy == IceTransportPolicy::kRelay) {
    c.candidate_types = {ice::CandidateType::kRelay};
  }
  return ice::Agent::Create(std::move(c), rng_.Fork("ice"), logger_);
}

absl::Status PeerConnection::Init(Timestamp now) {
  absl::StatusOr<ResolvedIceServers> servers =
      ResolveIceServers(config_.ice_servers);
  if (!servers.ok()) return servers.status();
  servers_ = *std::move(servers);
  if (config_.certificate.has_value()) {
    certificate_ = *config_.certificate;
  } else {
    dtls::CertificateOptions o;
    o.serial = rng_.NextU64() >> 1;
    absl::StatusOr<dtls::Certificate> cert = dtls::Certificate::Generate(o);
    if (!cert.ok()) return cert.status();
    certificate_ = *std::move(cert);
  }
  // Session ids are 62-bit so they fit a signed 64-bit integer (RFC 8829
  // section 5.2.1).
  session_id_ = rng_.NextU64() >> 2;
  offer_credentials_ = NewIceCredentials(rng_);
  if (!servers_.turn.empty()) {
    ice::TurnRelayConfig rc;
    rc.servers = servers_.turn;
    relay_ = std::make_unique<ice::TurnRelayAllocator>(std::move(rc),
                                                       rng_.Fork("turn"));
  }
  absl::StatusOr<std::unique_ptr<ice::Agent>> agent = MakeAgent();
  if (!agent.ok()) return agent.status();
  ice_ = *std::move(agent);

  datachannel::ManagerConfig mc;
  mc.sctp = config_.sctp;
  mc.sctp.local_port = config_.sctp_port;
  mc.sctp.remote_port = config_.sctp_port;
  // One SCTP packet must fit one DTLS record (RFC 8261 section 5).
  mc.sctp.mtu = static_cast<uint16_t>(
      std::min<size_t>(dtls::MaxApplicationDataSize(config_.dtls_mtu), 65535));
  mc.role = datachannel::DtlsRole::kClient;  // fixed once negotiated
  mc.detach_channels = config_.detach_data_channels;
  absl::StatusOr<std::unique_ptr<datachannel::DataChannelManager>> dc =
      datachannel::DataChannelManager::Create(mc);
  if (!dc.ok()) return dc.status();
  dc_ = *std::move(dc);

  if (config_.ice_candidate_pool_size > 0) {
    gathering_started_ = true;
    if (absl::Status s = ice_->GatherCandidates(now); !s.ok()) return s;
    Pump(now);
  }
  return absl::OkStatus();
}

// ---- sans-IO ----------------------------------------------------------------

void PeerConnection::HandleDatagram(Timestamp now, const Datagram& d) {
  if (closed_) return;
  ice_->HandleDatagram(now, d);
  Pump(now);
}

void PeerConnection::HandleTimeout(Timestamp now) {
  if (closed_) return;
  if (std::optional<Timestamp> t = ice_->NextTimeout(); t && *t <= now) {
    ice_->HandleTimeout(now);
  }
  if (dtls_ != nullptr) {
    if (std::optional<Timestamp> t = dtls_->NextTimeout(); t && *t <= now) {
      dtls_->HandleTimeout(now);
    }
  }
  if (std::optional<Timestamp> t = dc_->NextTimeout(); t && *t <= now) {
    dc_->HandleTimeout(now);
  }
  Pump(now);
}

std::optional<Transmit> PeerConnection::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<Event> PeerConnection::PollEvent() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<Timestamp> PeerConnection::NextTimeout() const {
  if (closed_) return std::nullopt;
  std::optional<Timestamp> next = ice_->NextTimeout();
  const auto fold = [&next](std::optional<Timestamp> t) {
    if (t.has_value() && (!next.has_value() || *t < *next)) next = t;
  };
  if (dtls_ != nullptr) fold(dtls_->NextTimeout());
  if (sctp_started_) fold(dc_->NextTimeout());
  return next;
}

// ---- Plumbing ---------------------------------------------------------------

void PeerConnection::Pump(Timestamp now) {
  for (int guard = 0; guard < 10000; ++guard) {
    bool moved = PumpIce(now);
    moved |= PumpDtls(now);
    moved |= PumpDataChannels(now);
    if (!moved) break;
  }
  UpdateConnectionState();
}

bool PeerConnection::PumpIce(Timestamp now) {
  bool moved = false;
  while (std::optional<Transmit> t = ice_->PollTransmit()) {
    transmits_.push_back(std::move(*t));
    moved = true;
  }
  while (std::optional<ice::Event> e = ice_->PollEvent()) {
    moved = true;
    if (auto* c = std::get_if<ice::LocalCandidateEvent>(&*e)) {
      IceCandidateEvent out;
      if (c->candidate.has_value()) {
        IceCandidateInit init;
        init.candidate = c->candidate->ToSdp();
        // The m-line carrying the transport in our local description (held
        // candidates get it when that description is set).
        const Described* local = pending_local_.has_value()   ? &*pending_local_
                                 : current_local_.has_value() ? &*current_local_
                                                              : nullptr;
        if (std::optional<size_t> i =
                local ? TransportSectionIndex(local->model) : std::nullopt) {
          init.sdp_mid = local->model.sections[*i].mid;
          init.sdp_mline_index = static_cast<int>(*i);
        }
        init.username_fragment = ice_->local_credentials().ufrag;
        local_candidates_.push_back(init.candidate);
        out.candidate = std::move(init);
      } else {
        local_end_of_candidates_ = true;
      }
      if (local_description_set_) {
        Emit(out);
      } else {
        held_candidates_.push_back(std::move(out));
      }
    } else if (auto* g = std::get_if<ice::GatheringStateEvent>(&*e)) {
      if (g->state != gathering_) {
        gathering_ = g->state;
        Emit(IceGatheringStateChange{gathering_});
      }
    } else if (auto* s = std::get_if<ice::ConnectionStateEvent>(&*e)) {
      if (s->state != ice_state_) {
        ice_state_ = s->state;
        Emit(IceConnectionStateChange{ice_state_});
      }
      MaybeStartDtls(now);
    } else if (auto* d = std::get_if<ice::ApplicationDataEvent>(&*e)) {
      OnIceData(now, *d);
    }
    // SelectedPairEvent and RoleEvent: visible through GetStats.
  }
  return moved;
}

void PeerConnection::OnIceData(Timestamp now,
                               const ice::ApplicationDataEvent& e) {
  if (e.payload.empty()) return;
  switch (ClassifyPacket(e.payload)) {
    case PacketClass::kDtls:
      if (dtls_ != nullptr) {
        dtls_->HandleDatagram(now, ByteSpan(e.payload));
      } else if (early_dtls_.size() < kMaxEarlyDtls) {
        early_dtls_.push_back(e.payload);
      }
      break;
    default:
      // RTP/RTCP: no media path yet. Anything else is not ours.
      break;
  }
}

void PeerConnection::MaybeStartDtls(Timestamp now) {
  if (dtls_ == nullptr || dtls_started_) return;
  const bool ice_up = ice_state_ == ice::ConnectionState::kConnected ||
                      ice_state_ == ice::ConnectionState::kCompleted;
  if (!ice_up) return;
  dtls_started_ = true;
  // A server that already got the ClientHello is running.
  if (dtls_->state() != dtls::State::kNew) return;
  if (absl::Status s = dtls_->Start(now); !s.ok()) {
    SIMRTC_LOG(logger_, kWarning) << "DTLS start: " << s;
    dtls_failed_ = true;
    transport_error_ = s;
  }
}

bool PeerConnection::PumpDtls(Timestamp now) {
  if (dtls_ == nullptr) return false;
  bool moved = false;
  while (!early_dtls_.empty()) {
    std::vector<uint8_t> p = std::move(early_dtls_.front());
    early_dtls_.pop_front();
    dtls_->HandleDatagram(now, ByteSpan(p));
    moved = true;
  }
  // Flights produced before ICE selected a pair (the server answering a
  // ClientHello that raced ahead of its own nomination) wait for it rather
  // than cost a retransmission timeout.
  while (!unsent_dtls_.empty() && ice_->selected_pair().has_value()) {
    (void)ice_->Send(now, unsent_dtls_.front());
    unsent_dtls_.pop_front();
    moved = true;
  }
  while (std::optional<Transmit> t = dtls_->PollTransmit()) {
    moved = true;
    if (!ice_->selected_pair().has_value()) {
      if (unsent_dtls_.size() < kMaxEarlyDtls) {
        unsent_dtls_.push_back(std::move(t->payload));
      }
      continue;
    }
    if (absl::Status s = ice_->Send(now, t->payload); !s.ok()) {
      SIMRTC_LOG(logger_, kDebug) << "DTLS datagram not sent: " << s;
    }
  }
  while (std::optional<dtls::Event> e = dtls_->PollEvent()) {
    moved = true;
    if (std::holds_alternative<dtls::HandshakeComplete>(*e)) {
      if (!sctp_started_) {
        sctp_started_ = true;
        if (absl::Status s = dc_->Connect(now); !s.ok()) {
          SIMRTC_LOG(logger_, kWarning) << "SCTP connect: " << s;
        }
      }
    } else if (auto* a = std::get_if<dtls::ApplicationData>(&*e)) {
      if (sctp_started_) dc_->HandleDatagram(now, ByteSpan(a->data));
    } else if (auto* err = std::get_if<dtls::Error>(&*e)) {
      SIMRTC_LOG(logger_, kWarning) << "DTLS failed: " << err->status;
      dtls_failed_ = true;
      transport_error_ = err->status;
    } else if (std::holds_alternative<dtls::Closed>(*e)) {
      // The peer closed: the data channels end with the SCTP association.
      dc_->Abort(now);
    }
  }
  return moved;
}

bool PeerConnection::PumpDataChannels(Timestamp now) {
  bool moved = false;
  while (std::optional<Transmit> t = dc_->PollTransmit()) {
    moved = true;
    if (dtls_ == nullptr || dtls_->state() != dtls::State::kConnected) continue;
    if (absl::Status s = dtls_->Send(now, t->payload); !s.ok()) {
      SIMRTC_LOG(logger_, kWarning) << "SCTP packet not sent: " << s;
    }
  }
  while (std::optional<datachannel::Event> e = dc_->PollEvent()) {
    moved = true;
    if (std::holds_alternative<datachannel::ChannelOpen>(*e)) {
      ++data_channels_opened_;
    } else if (std::holds_alternative<datachannel::ChannelClosed>(*e)) {
      ++data_channels_closed_;
    }
    Emit(DataChannelEvent{std::move(*e)});
  }
  return moved;
}

void PeerConnection::UpdateConnectionState() {
  PeerConnectionState s;
  // W3C: a DTLS transport closed by close_notify counts as connected; the
  // connection only degrades once ICE notices the peer is gone.
  const bool dtls_up =
      dtls_ != nullptr && (dtls_->state() == dtls::State::kConnected ||
                           dtls_->state() == dtls::State::kClosed);
  const bool dtls_failed =
      dtls_failed_ ||
      (dtls_ != nullptr && dtls_->state() == dtls::State::kFailed);
  using IS = ice::ConnectionState;
  if (closed_) {
    s = PeerConnectionState::kClosed;
  } else if (ice_state_ == IS::kFailed || dtls_failed) {
    s = PeerConnectionState::kFailed;
  } else if (ice_state_ == IS::kDisconnected) {
    s = PeerConnectionState::kDisconnected;
  } else if ((ice_state_ == IS::kConnected || ice_state_ == IS::kCompleted) &&
             dtls_up) {
    s = PeerConnectionState::kConnected;
  } else if (ice_state_ == IS::kNew && !dtls_started_) {
    s = PeerConnectionState::kNew;
  } else {
    s = PeerConnectionState::kConnecting;
  }
  if (s != state_) {
    state_ = s;
    Emit(ConnectionStateChange{s});
  }
}

void PeerConnection::Close(Timestamp now) {
  if (closed_) return;
  if (dtls_ != nullptr && dtls_->state() == dtls::State::kConnected) {
    // close_notify goes out before ICE stops.
    dc_->Abort(now);
    PumpDataChannels(now);
    dtls_->Close(now);
    while (std::optional<Transmit> t = dtls_->PollTransmit()) {
      (void)ice_->Send(now, t->payload);
    }
  } else {
    dc_->Abort(now);
    PumpDataChannels(now);
  }
  ice_->Close(now);
  while (std::optional<Transmit> t = ice_->PollTransmit()) {
    transmits_.push_back(std::move(*t));
  }
  closed_ = true;
  if (signaling_ != SignalingState::kClosed) {
    signaling_ = SignalingState::kClosed;
    Emit(SignalingStateChange{signaling_});
  }
  if (ice_state_ != ice::ConnectionState::kClosed) {
    ice_state_ = ice::ConnectionState::kClosed;
    Emit(IceConnectionStateChange{ice_state_});
  }
  UpdateConnectionState();
}

}  // namespace simrtc::peer
