// PeerConnection: offers, answers, descriptions, candidates, negotiation.
#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "core/peer/peer_connection.h"

namespace simrtc::peer {
namespace {

// What we may do given what we want and what the peer offers to do.
sdp::Direction AnswerDirection(sdp::Direction ours, sdp::Direction offered) {
  const bool we_send =
      ours == sdp::Direction::kSendRecv || ours == sdp::Direction::kSendOnly;
  const bool we_recv =
      ours == sdp::Direction::kSendRecv || ours == sdp::Direction::kRecvOnly;
  const bool they_send = offered == sdp::Direction::kSendRecv ||
                         offered == sdp::Direction::kSendOnly;
  const bool they_recv = offered == sdp::Direction::kSendRecv ||
                         offered == sdp::Direction::kRecvOnly;
  const bool send = we_send && they_recv;
  const bool recv = we_recv && they_send;
  if (send && recv) return sdp::Direction::kSendRecv;
  if (send) return sdp::Direction::kSendOnly;
  if (recv) return sdp::Direction::kRecvOnly;
  return sdp::Direction::kInactive;
}

bool HasLiveSection(const DescriptionModel& m, MediaKind kind) {
  return std::any_of(
      m.sections.begin(), m.sections.end(),
      [kind](const MediaSection& s) { return s.kind == kind && !s.rejected; });
}

}  // namespace

absl::Status PeerConnection::CheckClosed(std::string_view call) const {
  if (closed_) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s: the PeerConnection is closed", call));
  }
  return absl::OkStatus();
}

std::string PeerConnection::NextMid() {
  // Mids already in use (by any description or transceiver) are skipped.
  while (true) {
    std::string mid = absl::StrCat(next_mid_++);
    bool used = data_mid_ == mid;
    for (const auto& t : transceivers_) used |= t->mid == mid;
    for (const auto* d :
         {&current_local_, &current_remote_, &pending_remote_}) {
      if (!d->has_value()) continue;
      for (const MediaSection& s : (*d)->model.sections) used |= s.mid == mid;
    }
    if (!used) return mid;
  }
}

TransportDescription PeerConnection::LocalTransport(
    sdp::SetupRole setup) const {
  TransportDescription t;
  t.ice_ufrag = offer_credentials_.ufrag;
  t.ice_pwd = offer_credentials_.pwd;
  t.ice_lite = config_.ice.lite;
  t.fingerprints = {certificate_.fingerprint()};
  t.setup = setup;
  if (ice_->local_credentials() == offer_credentials_) {
    t.candidates = local_candidates_;
    t.end_of_candidates = local_end_of_candidates_;
  }
  return t;
}

std::string PeerConnection::LocalSdp(const Described& d) const {
  DescriptionModel m = d.model;
  if (m.transport.ice_ufrag == ice_->local_credentials().ufrag) {
    m.transport.candidates = local_candidates_;
    m.transport.end_of_candidates = local_end_of_candidates_;
  }
  return BuildSdp(m);
}

// ---- Offer / answer
// ----------------------------------------------------------

absl::StatusOr<SessionDescription> PeerConnection::CreateOffer(
    Timestamp, const OfferOptions& options) {
  if (absl::Status s = CheckClosed("CreateOffer"); !s.ok()) return s;
  if (signaling_ != SignalingState::kStable &&
      signaling_ != SignalingState::kHaveLocalOffer) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "CreateOffer in state %s: answer the peer's offer first",
        SignalingStateName(signaling_)));
  }
  if ((options.ice_restart || restart_requested_) &&
      current_remote_.has_value() &&
      offer_credentials_ == ice_->local_credentials()) {
    offer_credentials_ = NewIceCredentials(rng_);
  }
  DescriptionModel m;
  m.session_id = session_id_;
  m.session_version = ++session_version_;
  if (current_local_.has_value()) m.sections = current_local_->model.sections;
  for (auto& t : transceivers_) {
    if (t->stopped || t->mid.has_value()) continue;
    t->mid = NextMid();
  }
  for (const auto& t : transceivers_) {
    auto it =
        std::find_if(m.sections.begin(), m.sections.end(),
                     [&](const MediaSection& s) { return s.mid == t->mid; });
    if (it == m.sections.end() && !t->stopped && t->mid.has_value()) {
      MediaSection s;
      s.kind = t->kind;
      s.mid = *t->mid;
      s.codecs = SupportedCodecs(t->kind);
      m.sections.push_back(std::move(s));
      it = std::prev(m.sections.end());
    }
    if (it != m.sections.end()) {
      it->direction = t->direction;
      it->rejected = t->stopped;
      if (!t->stopped && it->codecs.empty()) {
        it->codecs = SupportedCodecs(t->kind);
      }
    }
  }
  if (data_wanted_ && !HasLiveSection(m, MediaKind::kApplication)) {
    if (!data_mid_.has_value()) data_mid_ = NextMid();
    auto it = std::find_if(
        m.sections.begin(), m.sections.end(),
        [&](const MediaSection& s) { return s.mid == *data_mid_; });
    if (it == m.sections.end()) {
      MediaSection s;
      s.kind = MediaKind::kApplication;
      s.mid = *data_mid_;
      m.sections.push_back(std::move(s));
      it = std::prev(m.sections.end());
    }
    it->rejected = false;
  }
  for (MediaSection& s : m.sections) {
    if (s.kind == MediaKind::kApplication) {
      s.sctp_port = config_.sctp_port;
      s.max_message_size = config_.max_message_size;
    }
  }
  if (m.sections.empty()) {
    return absl::FailedPreconditionError(
        "CreateOffer: nothing to negotiate (create a data channel or add a "
        "transceiver first)");
  }
  bool first = true;
  for (MediaSection& s : m.sections) {
    if (s.rejected) continue;
    m.bundle.push_back(s.mid);
    s.bundle_only = !first && config_.bundle_policy == BundlePolicy::kMaxBundle;
    first = false;
  }
  m.transport = LocalTransport(sdp::SetupRole::kActpass);
  return SessionDescription{SdpType::kOffer, BuildSdp(m)};
}

absl::StatusOr<SessionDescription> PeerConnection::CreateAnswer(
    Timestamp, const AnswerOptions&) {
  if (absl::Status s = CheckClosed("CreateAnswer"); !s.ok()) return s;
  if (signaling_ != SignalingState::kHaveRemoteOffer &&
      signaling_ != SignalingState::kHaveLocalPrAnswer) {
    return absl::FailedPreconditionError(
        absl::StrFormat("CreateAnswer in state %s: no remote offer to answer",
                        SignalingStateName(signaling_)));
  }
  const DescriptionModel& offer = pending_remote_->model;
  DescriptionModel m;
  m.session_id = session_id_;
  m.session_version = ++session_version_;
  for (const MediaSection& r : offer.sections) {
    MediaSection s;
    s.mid = r.mid;
    s.kind = r.kind;
    s.media = r.media;
    s.protocol = r.protocol;
    s.formats = r.formats;
    s.rejected = r.rejected || !r.bundled || r.kind == MediaKind::kUnsupported;
    if (!s.rejected && r.kind == MediaKind::kApplication) {
      s.sctp_port = config_.sctp_port;
      s.max_message_size = config_.max_message_size;
    } else if (!s.rejected) {
      Transceiver* t = nullptr;
      for (auto& x : transceivers_) {
        if (x->mid == r.mid) t = x.get();
      }
      s.codecs = NegotiateCodecs(r.kind, r.codecs);
      if (t == nullptr || t->stopped || s.codecs.empty()) {
        s.rejected = true;
      } else {
        s.direction = AnswerDirection(t->direction, r.direction);
      }
    }
    if (s.rejected) s.codecs = r.codecs;
    m.sections.push_back(std::move(s));
  }
  for (const std::string& mid : offer.bundle) {
    for (const MediaSection& s : m.sections) {
      if (s.mid == mid && !s.rejected) m.bundle.push_back(mid);
    }
  }
  // JSEP section 5.3.1: the answerer takes the DTLS client role unless the
  // offerer insists on it.
  const sdp::SetupRole setup = offer.transport.setup == sdp::SetupRole::kActive
                                   ? sdp::SetupRole::kPassive
                                   : sdp::SetupRole::kActive;
  m.transport = LocalTransport(setup);
  return SessionDescription{SdpType::kAnswer, BuildSdp(m)};
}

absl::Status PeerConnection::SetLocalDescription(Timestamp now) {
  const bool offer = signaling_ == SignalingState::kStable ||
                     signaling_ == SignalingState::kHaveLocalOffer;
  absl::StatusOr<SessionDescription> d =
      offer ? CreateOffer(now) : CreateAnswer(now);
  if (!d.ok()) return d.status();
  return SetLocalDescription(now, *d);
}

absl::Status PeerConnection::SetLocalDescription(Timestamp now,
                                                 const SessionDescription& d) {
  if (absl::Status s = CheckClosed("SetLocalDescription"); !s.ok()) return s;
  absl::StatusOr<SignalingState> next =
      Transition(signaling_, DescriptionSide::kLocal, d.type);
  if (!next.ok()) return next.status();
  if (d.type == SdpType::kRollback) {
    // Rolls back whichever offer is pending (RFC 8829 section 5.7).
    if (signaling_ == SignalingState::kHaveRemoteOffer) {
      if (absl::Status s = RollbackRemote(now); !s.ok()) return s;
    } else {
      RollbackLocal(now);
    }
    SetSignaling(*next);
    return absl::OkStatus();
  }
  absl::StatusOr<DescriptionModel> m = ParseDescription(d.sdp, d.type);
  if (!m.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SetLocalDescription: ", m.status().message()));
  }
  if (absl::Status s = ApplyLocal(now, d.type, *std::move(m)); !s.ok()) {
    return s;
  }
  if (d.type == SdpType::kOffer) {
    pending_local_->sdp = d.sdp;
  }
  SetSignaling(*next);
  Pump(now);
  return absl::OkStatus();
}

absl::Status PeerConnection::ApplyLocal(Timestamp now, SdpType type,
                                        DescriptionModel m) {
  const bool has_transport = !m.transport.ice_ufrag.empty();
  if (has_transport && m.transport.ice_ufrag != offer_credentials_.ufrag &&
      m.transport.ice_ufrag != ice_->local_credentials().ufrag) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "SetLocalDescription: ice-ufrag \"%s\" is not this PeerConnection's "
        "(changing ICE credentials by editing SDP is not supported)",
        m.transport.ice_ufrag));
  }
  if (has_transport &&
      (m.transport.fingerprints.empty() ||
       m.transport.fingerprints.front() != certificate_.fingerprint())) {
    return absl::InvalidArgumentError(
        "SetLocalDescription: a=fingerprint does not match this "
        "PeerConnection's certificate");
  }
  if (type != SdpType::kOffer && pending_remote_.has_value() &&
      m.sections.size() != pending_remote_->model.sections.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "SetLocalDescription: the answer has %d m-lines, the offer %d",
        m.sections.size(), pending_remote_->model.sections.size()));
  }
  // From here on nothing fails.
  if (has_transport &&
      m.transport.ice_ufrag != ice_->local_credentials().ufrag) {
    // Our offer restarts ICE (RFC 8445 section 9).
    if (absl::Status s = ice_->Restart(now, offer_credentials_); !s.ok()) {
      SIMRTC_LOG(logger_, kWarning) << "ICE restart: " << s;
    }
    local_candidates_.clear();
    local_end_of_candidates_ = false;
    restart_requested_ = false;
    gathering_started_ = true;
  }
  if (type == SdpType::kOffer) restart_requested_ = false;
  if (!gathering_started_) {
    gathering_started_ = true;
    if (absl::Status s = ice_->GatherCandidates(now); !s.ok()) {
      SIMRTC_LOG(logger_, kWarning) << "gathering: " << s;
    }
  }
  local_description_set_ = true;
  const std::optional<size_t> tag = TransportSectionIndex(m);
  while (!held_candidates_.empty()) {
    if (held_candidates_.front().candidate.has_value() && tag.has_value()) {
      held_candidates_.front().candidate->sdp_mid = m.sections[*tag].mid;
      held_candidates_.front().candidate->sdp_mline_index =
          static_cast<int>(*tag);
    }
    Emit(std::move(held_candidates_.front()));
    held_candidates_.pop_front();
  }
  for (const MediaSection& s : m.sections) {
    if (s.kind == MediaKind::kApplication && !s.rejected) data_mid_ = s.mid;
    for (auto& t : transceivers_) {
      if (t->mid != s.mid) continue;
      if (type != SdpType::kOffer) {
        t->codecs = s.codecs;
        t->current_direction =
            s.rejected ? sdp::Direction::kInactive : s.direction;
      }
    }
  }
  const sdp::SetupRole setup = m.transport.setup;
  switch (type) {
    case SdpType::kOffer:
    case SdpType::kPrAnswer:
      pending_local_ = Described{type, std::move(m), ""};
      break;
    case SdpType::kAnswer:
      current_local_ = Described{type, std::move(m), ""};
      current_remote_ = std::move(pending_remote_);
      pending_remote_.reset();
      pending_local_.reset();
      created_by_remote_offer_.clear();
      break;
    case SdpType::kRollback:
      break;
  }
  if (type != SdpType::kOffer && has_transport) {
    dtls_role_ = setup == sdp::SetupRole::kPassive ? dtls::Role::kServer
                                                   : dtls::Role::kClient;
    if (absl::Status s = StartSecureTransport(now); !s.ok()) {
      SIMRTC_LOG(logger_, kWarning) << s;
    }
  }
  return absl::OkStatus();
}

absl::Status PeerConnection::SetRemoteDescription(Timestamp now,
                                                  const SessionDescription& d) {
  if (absl::Status s = CheckClosed("SetRemoteDescription"); !s.ok()) return s;
  absl::StatusOr<SignalingState> next =
      Transition(signaling_, DescriptionSide::kRemote, d.type);
  if (!next.ok()) return next.status();
  if (d.type == SdpType::kRollback) {
    if (signaling_ == SignalingState::kHaveLocalOffer) {
      RollbackLocal(now);
    } else if (absl::Status s = RollbackRemote(now); !s.ok()) {
      return s;
    }
    SetSignaling(*next);
    Pump(now);
    return absl::OkStatus();
  }
  absl::StatusOr<DescriptionModel> m = ParseDescription(d.sdp, d.type);
  if (!m.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SetRemoteDescription: ", m.status().message()));
  }
  if (remote_session_id_.has_value() && m->session_id != *remote_session_id_) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "SetRemoteDescription: SDP from a different session (o= session id "
        "%d, this session's peer uses %d)",
        m->session_id, *remote_session_id_));
  }
  if (d.type != SdpType::kOffer) {
    const DescriptionModel& offer = pending_local_->model;
    if (m->sections.size() != offer.sections.size()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "SetRemoteDescription: the %s has %d m-lines, our offer %d",
          SdpTypeName(d.type), m->sections.size(), offer.sections.size()));
    }
    for (size_t i = 0; i < offer.sections.size(); ++i) {
      if (m->sections[i].mid != offer.sections[i].mid) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "SetRemoteDescription: %s m-line %d has mid \"%s\", our offer "
            "\"%s\"",
            SdpTypeName(d.type), i, m->sections[i].mid, offer.sections[i].mid));
      }
      // RFC 3264 section 6: an answer keeps each offered media type.
      if (m->sections[i].media != offer.sections[i].media) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "SetRemoteDescription: %s m-line %d (mid %s) is m=%s, our offer "
            "m=%s",
            SdpTypeName(d.type), i, m->sections[i].mid, m->sections[i].media,
            offer.sections[i].media));
      }
    }
  } else if (current_remote_.has_value()) {
    const DescriptionModel& before = current_remote_->model;
    for (size_t i = 0; i < before.sections.size(); ++i) {
      if (i >= m->sections.size() ||
          m->sections[i].mid != before.sections[i].mid) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "SetRemoteDescription: offer m-line %d must keep mid \"%s\" (m= "
            "sections cannot be removed or reordered)",
            i, before.sections[i].mid));
      }
    }
  }
  if (!remote_fingerprints_.empty() && !m->transport.fingerprints.empty() &&
      dtls_ != nullptr && m->transport.fingerprints != remote_fingerprints_) {
    return absl::UnimplementedError(
        "SetRemoteDescription: the peer's certificate fingerprint changed; "
        "DTLS renegotiation is not supported");
  }
  if (d.type != SdpType::kOffer && !m->transport.ice_ufrag.empty() &&
      m->transport.setup == sdp::SetupRole::kActpass) {
    return absl::InvalidArgumentError(
        "SetRemoteDescription: a=setup:actpass in an answer");
  }
  if (absl::Status s = ApplyRemote(now, d.type, *std::move(m)); !s.ok()) {
    return s;
  }
  if (d.type == SdpType::kOffer || d.type == SdpType::kPrAnswer) {
    pending_remote_->sdp = d.sdp;
  } else {
    current_remote_->sdp = d.sdp;
  }
  SetSignaling(*next);
  Pump(now);
  return absl::OkStatus();
}

absl::Status PeerConnection::ApplyRemoteTransport(Timestamp now,
                                                  const DescriptionModel& m,
                                                  SdpType type) {
  const TransportDescription& t = m.transport;
  const ice::Credentials remote{t.ice_ufrag, t.ice_pwd};
  const std::optional<ice::Credentials>& known = ice_->remote_credentials();
  if (known.has_value() && *known != remote) {
    if (type == SdpType::kOffer) {
      // The peer restarts ICE: so do we, with fresh credentials.
      offer_credentials_ = NewIceCredentials(rng_);
      if (absl::Status s = ice_->Restart(now, offer_credentials_); !s.ok()) {
        return s;
      }
      local_candidates_.clear();
      local_end_of_candidates_ = false;
    } else {
      return absl::InvalidArgumentError(absl::StrFormat(
          "SetRemoteDescription: the answer changes ice-ufrag to \"%s\" "
          "without our offer restarting ICE",
          t.ice_ufrag));
    }
  }
  if (!known.has_value() || *known != remote) {
    if (!known.has_value() && type == SdpType::kOffer &&
        !current_local_.has_value() && !pending_local_.has_value()) {
      // We answer: the offerer controls (RFC 8829 section 5.10 / 8445).
      (void)ice_->SetRole(now, ice::Role::kControlled);
    }
    if (absl::Status s = ice_->SetRemoteCredentials(now, remote, t.ice_lite);
        !s.ok()) {
      return s;
    }
  }
  for (const std::string& c : t.candidates) {
    if (absl::Status s = ice_->AddRemoteCandidate(now, c); !s.ok()) {
      SIMRTC_LOG(logger_, kInfo) << "remote candidate ignored: " << s;
    }
  }
  if (t.end_of_candidates) ice_->SetRemoteEndOfCandidates(now);
  remote_fingerprints_ = t.fingerprints;
  return absl::OkStatus();
}

absl::Status PeerConnection::ApplyRemote(Timestamp now, SdpType type,
                                         DescriptionModel m) {
  const bool has_transport = !m.transport.ice_ufrag.empty();
  if (has_transport) {
    if (absl::Status s = ApplyRemoteTransport(now, m, type); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("SetRemoteDescription: ", s.message()));
    }
  }
  for (const MediaSection& s : m.sections) {
    if (s.kind == MediaKind::kApplication && !s.rejected && s.bundled) {
      remote_sctp_port_ = s.sctp_port;
      remote_max_message_size_ = s.max_message_size;
      if (type == SdpType::kOffer) data_mid_ = s.mid;
    }
    if (type != SdpType::kOffer ||
        (s.kind != MediaKind::kAudio && s.kind != MediaKind::kVideo) ||
        s.rejected) {
      continue;
    }
    // W3C: the offer's section attaches to a transceiver of its kind that
    // has none, or a new recvonly one.
    Transceiver* match = nullptr;
    for (auto& t : transceivers_) {
      if (t->mid == s.mid) match = t.get();
    }
    if (match == nullptr) {
      for (auto& t : transceivers_) {
        if (!t->mid.has_value() && t->kind == s.kind && !t->stopped) {
          match = t.get();
          break;
        }
      }
    }
    if (match == nullptr) {
      auto t = std::make_unique<Transceiver>();
      t->kind = s.kind;
      t->direction = sdp::Direction::kRecvOnly;
      match = t.get();
      transceivers_.push_back(std::move(t));
      created_by_remote_offer_.push_back(match);
    }
    match->mid = s.mid;
  }
  if (type != SdpType::kOffer) {
    for (const MediaSection& s : m.sections) {
      for (auto& t : transceivers_) {
        if (t->mid != s.mid) continue;
        t->codecs = s.codecs;
        t->current_direction =
            s.rejected ? sdp::Direction::kInactive : sdp::Reverse(s.direction);
      }
      if (s.kind == MediaKind::kApplication && s.rejected &&
          data_mid_ == s.mid) {
        SIMRTC_LOG(logger_, kInfo) << "the peer rejected data channels";
      }
    }
  }
  remote_session_id_ = m.session_id;
  const sdp::SetupRole setup = m.transport.setup;
  switch (type) {
    case SdpType::kOffer:
    case SdpType::kPrAnswer:
      pending_remote_ = Described{type, std::move(m), ""};
      break;
    case SdpType::kAnswer:
      current_remote_ = Described{type, std::move(m), ""};
      current_local_ = std::move(pending_local_);
      pending_local_.reset();
      pending_remote_.reset();
      break;
    case SdpType::kRollback:
      break;
  }
  if (type != SdpType::kOffer && has_transport) {
    dtls_role_ = setup == sdp::SetupRole::kActive ? dtls::Role::kServer
                                                  : dtls::Role::kClient;
    if (absl::Status s = StartSecureTransport(now); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void PeerConnection::ReleaseUnnegotiatedMids() {
  // Mids handed out by a rolled-back offer return to the pool.
  for (auto& t : transceivers_) {
    bool negotiated = false;
    if (current_local_.has_value()) {
      for (const MediaSection& s : current_local_->model.sections) {
        negotiated |= t->mid == s.mid;
      }
    }
    if (!negotiated) t->mid.reset();
  }
}

void PeerConnection::RollbackLocal(Timestamp) {
  pending_local_.reset();
  ReleaseUnnegotiatedMids();
  if (data_mid_.has_value() &&
      (!current_local_.has_value() ||
       !HasLiveSection(current_local_->model, MediaKind::kApplication))) {
    data_mid_.reset();
  }
}

absl::Status PeerConnection::RollbackRemote(Timestamp now) {
  pending_remote_.reset();
  for (Transceiver* t : created_by_remote_offer_) {
    transceivers_.erase(
        std::remove_if(transceivers_.begin(), transceivers_.end(),
                       [t](const auto& p) { return p.get() == t; }),
        transceivers_.end());
  }
  created_by_remote_offer_.clear();
  ReleaseUnnegotiatedMids();
  if (!current_remote_.has_value()) {
    remote_session_id_.reset();
    data_mid_.reset();
    if (ice_->remote_credentials().has_value()) {
      // The first offer is undone: start again with a fresh agent (the old
      // one already knows the peer's credentials and candidates).
      ice_->Close(now);
      absl::StatusOr<std::unique_ptr<ice::Agent>> agent = MakeAgent();
      if (!agent.ok()) return agent.status();
      ice_ = *std::move(agent);
      ice_state_ = ice::ConnectionState::kNew;
      local_candidates_.clear();
      local_end_of_candidates_ = false;
      held_candidates_.clear();
      if (gathering_started_) {
        if (absl::Status s = ice_->GatherCandidates(now); !s.ok()) return s;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status PeerConnection::StartSecureTransport(Timestamp now) {
  if (!dtls_role_.has_value()) return absl::OkStatus();
  if (dtls_ != nullptr) {
    if (dtls_->role() != *dtls_role_) {
      return absl::UnimplementedError(
          "SetRemoteDescription: changing the DTLS role of a running "
          "transport is not supported");
    }
    return absl::OkStatus();
  }
  dtls::Config c;
  c.role = *dtls_role_;
  c.certificate = certificate_;
  c.remote_fingerprints = remote_fingerprints_;
  c.mtu = config_.dtls_mtu;
  c.initial_retransmit_timeout = config_.dtls_initial_retransmit_timeout;
  absl::StatusOr<std::unique_ptr<dtls::Endpoint>> endpoint =
      dtls::Endpoint::Create(std::move(c));
  if (!endpoint.ok()) return endpoint.status();
  dtls_ = *std::move(endpoint);
  // RFC 8832 section 6: the DTLS client uses even stream ids.
  if (absl::Status s = dc_->SetRole(*dtls_role_ == dtls::Role::kClient
                                        ? datachannel::DtlsRole::kClient
                                        : datachannel::DtlsRole::kServer);
      !s.ok()) {
    return s;
  }
  MaybeStartDtls(now);
  return absl::OkStatus();
}

// ---- Negotiation-needed, candidates, data channels -------------------------

void PeerConnection::SetSignaling(SignalingState s) {
  if (s == signaling_) return;
  signaling_ = s;
  Emit(SignalingStateChange{s});
  if (s == SignalingState::kStable) {
    negotiation_needed_fired_ = false;
    UpdateNegotiationNeeded();
  }
}

bool PeerConnection::NegotiationIsNeeded() const {
  if (closed_) return false;
  if (restart_requested_) return true;
  const DescriptionModel* local =
      current_local_.has_value() ? &current_local_->model : nullptr;
  if (data_wanted_ &&
      (local == nullptr || !HasLiveSection(*local, MediaKind::kApplication))) {
    return true;
  }
  for (const auto& t : transceivers_) {
    if (t->stopped) continue;
    bool found = false;
    if (local != nullptr) {
      for (const MediaSection& s : local->sections) {
        found |= t->mid == s.mid && !s.rejected;
      }
    }
    if (!found) return true;
  }
  return false;
}

void PeerConnection::UpdateNegotiationNeeded() {
  if (signaling_ != SignalingState::kStable) return;
  if (!NegotiationIsNeeded()) {
    negotiation_needed_fired_ = false;
    return;
  }
  if (negotiation_needed_fired_) return;
  negotiation_needed_fired_ = true;
  Emit(NegotiationNeeded{});
}

void PeerConnection::RestartIce(Timestamp) {
  if (closed_) return;
  restart_requested_ = true;
  UpdateNegotiationNeeded();
}

absl::StatusOr<datachannel::ChannelPtr> PeerConnection::CreateDataChannel(
    Timestamp now, std::string label, const datachannel::ChannelInit& init) {
  if (absl::Status s = CheckClosed("CreateDataChannel"); !s.ok()) return s;
  absl::StatusOr<datachannel::ChannelPtr> channel =
      dc_->CreateChannel(now, std::move(label), init);
  if (!channel.ok()) return channel.status();
  data_wanted_ = true;
  UpdateNegotiationNeeded();
  Pump(now);
  return channel;
}

absl::StatusOr<Transceiver*> PeerConnection::AddTransceiver(
    Timestamp, MediaKind kind, sdp::Direction direction) {
  if (absl::Status s = CheckClosed("AddTransceiver"); !s.ok()) return s;
  if (kind != MediaKind::kAudio && kind != MediaKind::kVideo) {
    return absl::InvalidArgumentError(
        "AddTransceiver: kind must be audio or video");
  }
  auto t = std::make_unique<Transceiver>();
  t->kind = kind;
  t->direction = direction;
  Transceiver* raw = t.get();
  transceivers_.push_back(std::move(t));
  UpdateNegotiationNeeded();
  return raw;
}

absl::Status PeerConnection::AddIceCandidate(Timestamp now,
                                             const IceCandidateInit& c) {
  if (absl::Status s = CheckClosed("AddIceCandidate"); !s.ok()) return s;
  const Described* remote = pending_remote_.has_value()   ? &*pending_remote_
                            : current_remote_.has_value() ? &*current_remote_
                                                          : nullptr;
  if (remote == nullptr) {
    return absl::FailedPreconditionError(
        "AddIceCandidate: no remote description (call SetRemoteDescription "
        "first)");
  }
  const DescriptionModel& m = remote->model;
  if (c.username_fragment.has_value() && !c.username_fragment->empty() &&
      *c.username_fragment != m.transport.ice_ufrag) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "AddIceCandidate: usernameFragment \"%s\" does not match the remote "
        "description's \"%s\"",
        *c.username_fragment, m.transport.ice_ufrag));
  }
  if (c.sdp_mid.has_value()) {
    const bool known =
        std::any_of(m.sections.begin(), m.sections.end(),
                    [&](const MediaSection& s) { return s.mid == *c.sdp_mid; });
    if (!known) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "AddIceCandidate: no m-line with mid \"%s\"", *c.sdp_mid));
    }
  } else if (c.sdp_mline_index.has_value() &&
             (*c.sdp_mline_index < 0 ||
              *c.sdp_mline_index >= static_cast<int>(m.sections.size()))) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "AddIceCandidate: sdpMLineIndex %d is out of range (%d m-lines)",
        *c.sdp_mline_index, m.sections.size()));
  }
  if (c.candidate.empty()) {
    ice_->SetRemoteEndOfCandidates(now);
  } else if (absl::Status s = ice_->AddRemoteCandidate(now, c.candidate);
             !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("AddIceCandidate: ", s.message()));
  }
  Pump(now);
  return absl::OkStatus();
}

// ---- Descriptions
// -------------------------------------------------------------

std::optional<SessionDescription> PeerConnection::current_local_description()
    const {
  if (!current_local_.has_value()) return std::nullopt;
  return SessionDescription{current_local_->type, LocalSdp(*current_local_)};
}

std::optional<SessionDescription> PeerConnection::pending_local_description()
    const {
  if (!pending_local_.has_value()) return std::nullopt;
  return SessionDescription{pending_local_->type, LocalSdp(*pending_local_)};
}

std::optional<SessionDescription> PeerConnection::local_description() const {
  if (auto p = pending_local_description()) return p;
  return current_local_description();
}

std::optional<SessionDescription> PeerConnection::current_remote_description()
    const {
  if (!current_remote_.has_value()) return std::nullopt;
  return SessionDescription{current_remote_->type, current_remote_->sdp};
}

std::optional<SessionDescription> PeerConnection::pending_remote_description()
    const {
  if (!pending_remote_.has_value()) return std::nullopt;
  return SessionDescription{pending_remote_->type, pending_remote_->sdp};
}

std::optional<SessionDescription> PeerConnection::remote_description() const {
  if (auto p = pending_remote_description()) return p;
  return current_remote_description();
}

}  // namespace simrtc::peer
