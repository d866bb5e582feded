#include "tests/transport/secure_peer.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "core/base/byte_io.h"
#include "core/base/demux.h"

namespace simrtc::transport_test {

absl::StatusOr<dtls::Certificate> MakeRsaCertificate(uint64_t serial) {
  dtls::CertificateOptions options;
  options.key_type = dtls::KeyType::kRsa2048;
  options.serial = serial;
  return dtls::Certificate::Generate(options);
}

absl::StatusOr<std::unique_ptr<SecurePeer>> SecurePeer::Create(
    SecurePeerConfig config) {
  dtls::Config dc;
  dc.role = config.role;
  dc.certificate = config.certificate;
  dc.remote_fingerprints = config.remote_fingerprints;
  dc.srtp_profiles = config.srtp_profiles;
  dc.mtu = config.dtls_mtu;
  dc.local = config.local;
  dc.remote = config.remote;
  auto dtls = dtls::Endpoint::Create(std::move(dc));
  if (!dtls.ok()) return dtls.status();

  datachannel::ManagerConfig mc;
  mc.role = config.role == dtls::Role::kClient ? datachannel::DtlsRole::kClient
                                               : datachannel::DtlsRole::kServer;
  mc.sctp = config.sctp;
  // RFC 8261: one SCTP packet per DTLS record, and a record never spans
  // datagrams. sctp::Config::mtu bounds the whole SCTP packet, so the
  // record payload limit is exactly the right value: SCTP packet + DTLS
  // record overhead <= dtls_mtu, the UDP payload size.
  mc.sctp.mtu = static_cast<uint16_t>(
      std::min<size_t>(mc.sctp.mtu, (*dtls)->max_application_data_size()));
  auto manager = datachannel::DataChannelManager::Create(mc);
  if (!manager.ok()) return manager.status();
  return std::unique_ptr<SecurePeer>(
      new SecurePeer(std::move(config), std::move(*dtls), std::move(*manager)));
}

SecurePeer::SecurePeer(SecurePeerConfig config,
                       std::unique_ptr<dtls::Endpoint> dtls,
                       std::unique_ptr<datachannel::DataChannelManager> manager)
    : config_(std::move(config)),
      dtls_(std::move(dtls)),
      manager_(std::move(manager)) {}

absl::Status SecurePeer::Start(Timestamp now) { return dtls_->Start(now); }

void SecurePeer::HandleDelivery(Timestamp now, const Datagram& datagram) {
  switch (ClassifyPacket(datagram.payload)) {
    case PacketClass::kDtls:
      dtls_->HandleDatagram(now, datagram);
      break;
    case PacketClass::kRtp:
      rtp_inbox_.push_back(datagram.payload);
      break;
    default:
      ++unknown_datagrams_;
      break;
  }
}

void SecurePeer::HandleTimeout(Timestamp now) {
  auto due = [now](std::optional<Timestamp> t) { return t && *t <= now; };
  if (due(dtls_->NextTimeout())) dtls_->HandleTimeout(now);
  if (sctp_started_ && due(manager_->NextTimeout())) {
    manager_->HandleTimeout(now);
  }
}

std::optional<Timestamp> SecurePeer::NextTimeout() const {
  std::optional<Timestamp> next = dtls_->NextTimeout();
  if (sctp_started_) {
    if (auto m = manager_->NextTimeout(); m && (!next || *m < *next)) next = m;
  }
  return next;
}

bool SecurePeer::Pump(Timestamp now) {
  bool any = false;
  bool moved = true;
  while (moved) {
    moved = false;
    while (auto e = dtls_->PollEvent()) {
      moved = true;
      if (auto* app = std::get_if<dtls::ApplicationData>(&*e)) {
        if (sctp_started_) {
          manager_->HandleDatagram(now, ByteSpan(app->data));
        }
      } else if (auto* hc = std::get_if<dtls::HandshakeComplete>(&*e)) {
        handshake_ = *hc;
        dtls_connected_at_ = now;
        if (!sctp_started_) {
          sctp_started_ = true;
          absl::Status s = manager_->Connect(now);
          if (!s.ok()) dtls_errors_.push_back(s);
        }
      } else if (auto* err = std::get_if<dtls::Error>(&*e)) {
        dtls_errors_.push_back(err->status);
      }
    }
    if (sctp_started_) {
      while (auto t = manager_->PollTransmit()) {
        moved = true;
        absl::Status sent = dtls_->Send(now, ByteSpan(t->payload));
        if (!sent.ok()) {
          if (dtls_send_failures_ == 0) first_send_failure_ = sent;
          ++dtls_send_failures_;
        }
      }
      while (auto e = manager_->PollEvent()) {
        moved = true;
        if (std::holds_alternative<datachannel::TransportConnected>(*e) &&
            !sctp_connected_at_) {
          sctp_connected_at_ = now;
        }
        events_.push_back(*e);
        if (on_event) on_event(now, events_.back());
      }
    }
    while (auto t = dtls_->PollTransmit()) {
      moved = true;
      t->local = config_.local;
      t->remote = config_.remote;
      outbox_.push_back(std::move(*t));
    }
    any |= moved;
  }
  return any;
}

std::optional<Transmit> SecurePeer::PollTransmit() {
  if (outbox_.empty()) return std::nullopt;
  Transmit t = std::move(outbox_.front());
  outbox_.pop_front();
  return t;
}

void SecurePeer::SendRaw(std::vector<uint8_t> payload) {
  Transmit t;
  t.local = config_.local;
  t.remote = config_.remote;
  t.payload = std::move(payload);
  outbox_.push_back(std::move(t));
}

}  // namespace simrtc::transport_test
