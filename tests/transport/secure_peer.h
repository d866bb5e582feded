// Test harness: one WebRTC transport endpoint on a vnet host, composed of a
// DTLS endpoint whose application data carries the SCTP packets of a
// DataChannelManager (RFC 8261). Everything is sans-IO: the peer never reads
// a clock; TwoPeerDriver (two_peer_driver.h) feeds it virtual time.
//
// Plumbing inside a peer (all moved by Pump(now)):
//   manager.PollTransmit()  -> dtls.Send()            (SCTP over DTLS)
//   dtls ApplicationData    -> manager.HandleDatagram()
//   dtls.PollTransmit()     -> outbox (PollTransmit(), for vnet::Network)
//   HandleDelivery(d)       -> RFC 7983 demux: DTLS -> dtls.HandleDatagram,
//                              RTP/RTCP -> rtp_inbox (SRTP tests),
//                              anything else counted and dropped.
// The SCTP association is started (manager.Connect) when the DTLS handshake
// completes. Data channel events are recorded in `events()` for the test to
// drain, and are also handed to an optional observer hook.
#ifndef TESTS_TRANSPORT_SECURE_PEER_H_
#define TESTS_TRANSPORT_SECURE_PEER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/datachannel/data_channel_manager.h"
#include "core/dtls/certificate.h"
#include "core/dtls/endpoint.h"
#include "core/srtp/profile.h"
#include "vnet/network.h"

namespace simrtc::transport_test {

struct SecurePeerConfig {
  std::string name;
  vnet::HostId host = -1;
  SocketAddress local;   // this peer's address on its host (with port)
  SocketAddress remote;  // the other peer's address
  dtls::Role role = dtls::Role::kClient;
  dtls::Certificate certificate;
  std::vector<dtls::Fingerprint> remote_fingerprints;
  std::vector<srtp::Profile> srtp_profiles = {
      srtp::Profile::kAeadAes128Gcm, srtp::Profile::kAes128CmHmacSha1_80};
  size_t dtls_mtu = 1200;
  // mtu is lowered to the DTLS record payload limit (1163 for a DTLS mtu of
  // 1200) so that one SCTP packet always fits one DTLS record.
  sctp::Config sctp;
};

// An RSA-2048 certificate (fixed-length signatures keep flight sizes, and so
// traces, independent of BoringSSL's entropy).
absl::StatusOr<dtls::Certificate> MakeRsaCertificate(uint64_t serial);

class SecurePeer {
 public:
  static absl::StatusOr<std::unique_ptr<SecurePeer>> Create(
      SecurePeerConfig config);
  SecurePeer(const SecurePeer&) = delete;
  SecurePeer& operator=(const SecurePeer&) = delete;

  // Starts DTLS (the client sends its ClientHello).
  absl::Status Start(Timestamp now);

  // A datagram the network delivered to this peer's host.
  void HandleDelivery(Timestamp now, const Datagram& datagram);
  void HandleTimeout(Timestamp now);
  std::optional<Timestamp> NextTimeout() const;
  // Moves packets and events between the layers until nothing moves.
  // Returns true if anything moved.
  bool Pump(Timestamp now);
  // Datagrams for the network, addressed local -> remote.
  std::optional<Transmit> PollTransmit();
  // Queues a raw datagram (e.g. SRTP) next to the DTLS traffic.
  void SendRaw(std::vector<uint8_t> payload);

  const std::string& name() const { return config_.name; }
  vnet::HostId host() const { return config_.host; }
  dtls::Endpoint& dtls() { return *dtls_; }
  datachannel::DataChannelManager& manager() { return *manager_; }

  // Recorded outcomes.
  std::deque<datachannel::Event>& events() { return events_; }
  std::function<void(Timestamp, const datachannel::Event&)> on_event;
  std::deque<std::vector<uint8_t>>& rtp_inbox() { return rtp_inbox_; }
  const std::vector<absl::Status>& dtls_errors() const { return dtls_errors_; }
  const std::optional<dtls::HandshakeComplete>& handshake() const {
    return handshake_;
  }
  std::optional<Timestamp> dtls_connected_at() const {
    return dtls_connected_at_;
  }
  std::optional<Timestamp> sctp_connected_at() const {
    return sctp_connected_at_;
  }
  bool sctp_connected() const { return sctp_connected_at_.has_value(); }
  // SCTP packets dtls.Send refused (counted as lost; should stay 0).
  uint64_t dtls_send_failures() const { return dtls_send_failures_; }
  uint64_t unknown_datagrams() const { return unknown_datagrams_; }
  const absl::Status& first_send_failure() const { return first_send_failure_; }

 private:
  SecurePeer(SecurePeerConfig config, std::unique_ptr<dtls::Endpoint> dtls,
             std::unique_ptr<datachannel::DataChannelManager> manager);

  SecurePeerConfig config_;
  std::unique_ptr<dtls::Endpoint> dtls_;
  std::unique_ptr<datachannel::DataChannelManager> manager_;
  std::deque<Transmit> outbox_;
  std::deque<datachannel::Event> events_;
  std::deque<std::vector<uint8_t>> rtp_inbox_;
  std::vector<absl::Status> dtls_errors_;
  std::optional<dtls::HandshakeComplete> handshake_;
  std::optional<Timestamp> dtls_connected_at_;
  std::optional<Timestamp> sctp_connected_at_;
  bool sctp_started_ = false;
  uint64_t dtls_send_failures_ = 0;
  uint64_t unknown_datagrams_ = 0;
  absl::Status first_send_failure_;
};

}  // namespace simrtc::transport_test

#endif  // TESTS_TRANSPORT_SECURE_PEER_H_
