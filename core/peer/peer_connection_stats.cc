// PeerConnection::GetStats: the W3C webrtc-stats view of the connection.
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/peer/peer_connection.h"

namespace simrtc::peer {
namespace {

StatsEntry Entry(std::string id, std::string type, Timestamp now) {
  StatsEntry e;
  e.id = std::move(id);
  e.type = std::move(type);
  e.timestamp = now;
  return e;
}

int64_t I(uint64_t v) { return static_cast<int64_t>(v); }

std::string_view PairStateW3c(ice::PairState s) {
  switch (s) {
    case ice::PairState::kFrozen:
      return "frozen";
    case ice::PairState::kWaiting:
      return "waiting";
    case ice::PairState::kInProgress:
      return "in-progress";
    case ice::PairState::kSucceeded:
      return "succeeded";
    case ice::PairState::kFailed:
      return "failed";
  }
  return "unknown";
}

std::string_view DtlsStateW3c(const dtls::Endpoint* d, bool started) {
  if (d == nullptr || (!started && d->state() == dtls::State::kNew)) {
    return "new";
  }
  switch (d->state()) {
    case dtls::State::kNew:
    case dtls::State::kConnecting:
      return "connecting";
    case dtls::State::kConnected:
      return "connected";
    case dtls::State::kClosed:
      return "closed";
    case dtls::State::kFailed:
      return "failed";
  }
  return "new";
}

void AddCandidate(StatsReport& r, const ice::CandidateStats& c, Timestamp now) {
  StatsEntry e = Entry(
      "I" + c.id, c.is_remote ? "remote-candidate" : "local-candidate", now);
  e.members["transportId"] = std::string("T01");
  e.members["address"] = c.address;
  e.members["port"] = static_cast<int64_t>(c.port);
  e.members["protocol"] = c.protocol;
  e.members["candidateType"] =
      std::string(ice::CandidateTypeName(c.candidate_type));
  e.members["priority"] = static_cast<int64_t>(c.priority);
  e.members["foundation"] = c.foundation;
  e.members["usernameFragment"] = c.username_fragment;
  e.members["networkType"] = std::string(ice::NetworkTypeName(c.network_type));
  if (!c.related_address.empty()) {
    e.members["relatedAddress"] = c.related_address;
    e.members["relatedPort"] = static_cast<int64_t>(c.related_port);
  }
  if (!c.url.empty()) e.members["url"] = c.url;
  if (!c.relay_protocol.empty()) e.members["relayProtocol"] = c.relay_protocol;
  r.Add(std::move(e));
}

}  // namespace

StatsReport PeerConnection::GetStats(Timestamp now) const {
  StatsReport r;
  {
    StatsEntry e = Entry("P", "peer-connection", now);
    e.members["dataChannelsOpened"] = I(data_channels_opened_);
    e.members["dataChannelsClosed"] = I(data_channels_closed_);
    r.Add(std::move(e));
  }
  std::string selected_pair;
  for (const ice::CandidatePairStats& p : ice_->PairStats()) {
    StatsEntry e = Entry("CP" + p.id, "candidate-pair", now);
    e.members["transportId"] = std::string("T01");
    e.members["localCandidateId"] = "I" + p.valid_local_candidate_id;
    e.members["remoteCandidateId"] = "I" + p.remote_candidate_id;
    e.members["state"] = std::string(PairStateW3c(p.state));
    e.members["nominated"] = p.nominated;
    e.members["priority"] = I(p.priority);
    e.members["packetsSent"] = I(p.packets_sent);
    e.members["packetsReceived"] = I(p.packets_received);
    e.members["bytesSent"] = I(p.bytes_sent);
    e.members["bytesReceived"] = I(p.bytes_received);
    e.members["requestsSent"] = I(p.requests_sent);
    e.members["requestsReceived"] = I(p.requests_received);
    e.members["responsesSent"] = I(p.responses_sent);
    e.members["responsesReceived"] = I(p.responses_received);
    e.members["consentRequestsSent"] = I(p.consent_requests_sent);
    e.members["totalRoundTripTime"] = p.total_round_trip_time.seconds();
    if (p.current_round_trip_time.has_value()) {
      e.members["currentRoundTripTime"] = p.current_round_trip_time->seconds();
    }
    if (p.selected) selected_pair = e.id;
    r.Add(std::move(e));
  }
  for (const ice::CandidateStats& c : ice_->LocalCandidateStats()) {
    AddCandidate(r, c, now);
  }
  for (const ice::CandidateStats& c : ice_->RemoteCandidateStats()) {
    AddCandidate(r, c, now);
  }
  {
    StatsEntry e = Entry("T01", "transport", now);
    const ice::AgentCounters& c = ice_->counters();
    e.members["bytesSent"] = I(c.bytes_sent);
    e.members["bytesReceived"] = I(c.bytes_received);
    e.members["iceRole"] = std::string(
        ice_->role() == ice::Role::kControlling ? "controlling" : "controlled");
    e.members["iceLocalUsernameFragment"] = ice_->local_credentials().ufrag;
    e.members["iceState"] = std::string(ice::ConnectionStateName(ice_state_));
    e.members["dtlsState"] =
        std::string(DtlsStateW3c(dtls_.get(), dtls_started_));
    if (!selected_pair.empty()) {
      e.members["selectedCandidatePairId"] = selected_pair;
    }
    e.members["localCertificateId"] = "CF" + certificate_.fingerprint().value;
    if (dtls_ != nullptr) {
      e.members["dtlsRole"] = std::string(
          dtls_->role() == dtls::Role::kClient ? "client" : "server");
      e.members["packetsSent"] = I(dtls_->stats().datagrams_sent);
      e.members["packetsReceived"] = I(dtls_->stats().datagrams_received);
      if (dtls_->srtp_profile().has_value()) {
        e.members["srtpCipher"] =
            std::string(srtp::ProfileName(*dtls_->srtp_profile()));
      }
      if (!dtls_->peer_certificate_der().empty()) {
        absl::StatusOr<dtls::Fingerprint> fp =
            dtls::ComputeFingerprint(dtls_->peer_certificate_der());
        if (fp.ok()) {
          e.members["remoteCertificateId"] = "CF" + fp->value;
          StatsEntry cert = Entry("CF" + fp->value, "certificate", now);
          cert.members["fingerprint"] = fp->value;
          cert.members["fingerprintAlgorithm"] = fp->algorithm;
          cert.members["base64Certificate"] = std::string(absl::Base64Escape(
              absl::string_view(reinterpret_cast<const char*>(
                                    dtls_->peer_certificate_der().data()),
                                dtls_->peer_certificate_der().size())));
          r.Add(std::move(cert));
        }
      }
    }
    r.Add(std::move(e));
  }
  {
    const dtls::Fingerprint& fp = certificate_.fingerprint();
    StatsEntry cert = Entry("CF" + fp.value, "certificate", now);
    cert.members["fingerprint"] = fp.value;
    cert.members["fingerprintAlgorithm"] = fp.algorithm;
    cert.members["base64Certificate"] =
        std::string(absl::Base64Escape(absl::string_view(
            reinterpret_cast<const char*>(certificate_.der().data()),
            certificate_.der().size())));
    r.Add(std::move(cert));
  }
  for (const datachannel::ChannelPtr& c : dc_->channels()) {
    StatsEntry e = Entry(absl::StrCat("D", c->id()), "data-channel", now);
    e.members["label"] = c->label();
    e.members["protocol"] = c->protocol();
    e.members["dataChannelIdentifier"] = static_cast<int64_t>(c->id());
    e.members["state"] = std::string(datachannel::ChannelStateName(c->state()));
    e.members["messagesSent"] = I(c->stats().messages_sent);
    e.members["bytesSent"] = I(c->stats().bytes_sent);
    e.members["messagesReceived"] = I(c->stats().messages_received);
    e.members["bytesReceived"] = I(c->stats().bytes_received);
    r.Add(std::move(e));
  }
  return r;
}

}  // namespace simrtc::peer
