// A DTLS 1.2 endpoint for WebRTC (RFC 6347, RFC 5764 DTLS-SRTP, RFC 8827
// fingerprint authentication), sans-IO over BoringSSL.
//
// Contract (see core/base/sans_io.h):
//  * Inputs: Start(now) (the client sends its ClientHello; a server just
//    waits, and also starts by itself on its first datagram),
//    HandleDatagram(now, ...) with one received datagram, HandleTimeout(now)
//    at NextTimeout(), SetRemoteFingerprints(now, ...), Send(now, ...) and
//    Close(now). Outputs: PollTransmit() (one datagram each, never larger
//    than Config::mtu), PollEvent(), NextTimeout().
//  * Time: BoringSSL reads its clock only through a callback, which returns
//    the `now` of the call in progress, so handshake retransmissions happen
//    in the driver's time (virtual in simulation) and never on the wall
//    clock. The first retransmission is after
//    Config::initial_retransmit_timeout (RFC 6347's 1 s by default), then
//    BoringSSL doubles it.
//  * Authentication: both sides send certificates and each accepts the
//    peer's only if its hash equals one of the remote fingerprints from the
//    SDP. If the handshake reaches that point before the fingerprints are
//    known (the answer has not arrived yet), it pauses until
//    SetRemoteFingerprints. A mismatch fails the handshake with an Error
//    event naming the expected and actual fingerprints, and sends the peer a
//    bad_certificate alert.
//  * DTLS-SRTP: the profiles in Config::srtp_profiles are offered (client)
//    or chosen from (server, in its own preference order). HandshakeComplete
//    carries the outcome; ExportSrtpKeyingMaterial() then yields the keys
//    per RFC 5764 section 4.2.
//  * Robustness: a datagram that is not a well-formed sequence of DTLS
//    records is dropped and counted. After the handshake, records that fail
//    authentication or are replays are dropped by BoringSSL and counted
//    here; neither is fatal. Alerts and protocol violations are fatal, as
//    TLS requires: an Error event and state kFailed.
//  * One thread. The endpoint must not move (BoringSSL holds a pointer to
//    it), hence Create returns a unique_ptr.
//
// The DTLS record layer adds 13 header bytes and, with the AES-GCM suites
// negotiated here, 24 bytes of nonce and tag: application messages are
// limited to max_application_data_size() = mtu - 37 bytes so that each one
// fits in a single datagram.
#ifndef CORE_DTLS_ENDPOINT_H_
#define CORE_DTLS_ENDPOINT_H_

#include <openssl/base.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/dtls/certificate.h"
#include "core/srtp/profile.h"

namespace simrtc::dtls {

enum class Role : uint8_t { kClient, kServer };
std::string_view RoleName(Role role);

// The largest application-data record payload that fits a datagram of
// `mtu` bytes (record header, explicit nonce and AEAD tag taken off).
size_t MaxApplicationDataSize(size_t mtu);

enum class State : uint8_t {
  kNew,         // created, not started
  kConnecting,  // handshake in progress
  kConnected,   // handshake complete, application data flows
  kClosed,      // close_notify sent or received
  kFailed,      // fatal error (see the Error event)
};
std::string_view StateName(State state);

struct Config {
  Role role = Role::kClient;
  Certificate certificate;
  // Hashes the peer's certificate must match (SDP a=fingerprint lines).
  // Empty: not known yet; see SetRemoteFingerprints.
  std::vector<Fingerprint> remote_fingerprints;
  // In preference order. Empty disables the use_srtp extension.
  std::vector<srtp::Profile> srtp_profiles = {
      srtp::Profile::kAeadAes128Gcm, srtp::Profile::kAes128CmHmacSha1_80};
  // Largest datagram this endpoint emits (UDP payload bytes). 1200 keeps
  // DTLS under the minimum IPv6 MTU with room for TURN and IP headers.
  size_t mtu = 1200;
  TimeDelta initial_retransmit_timeout = TimeDelta::Seconds(1);
  // Copied onto every Transmit; the layer below (ICE) usually rewrites them.
  SocketAddress local;
  SocketAddress remote;
};

// The handshake finished and the peer is authenticated.
struct HandshakeComplete {
  std::optional<srtp::Profile> srtp_profile;  // nullopt: none in common
  Fingerprint peer_fingerprint;               // SHA-256 of the peer's cert
  std::string cipher_suite;  // e.g. "ECDHE-ECDSA-AES128-GCM-SHA256"
};
struct ApplicationData {
  std::vector<uint8_t> data;
};
// The peer sent close_notify (we answered with ours).
struct Closed {};
struct Error {
  absl::Status status;
};
using Event = std::variant<HandshakeComplete, ApplicationData, Closed, Error>;

struct Stats {
  uint64_t datagrams_received = 0;
  uint64_t datagrams_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t bytes_sent = 0;
  // Flights re-sent because a retransmission timer fired.
  uint64_t retransmissions = 0;
  // Datagrams (or their tails) that were not well-formed DTLS records.
  uint64_t malformed_dropped = 0;
  // Application-data records BoringSSL discarded after the handshake
  // (failed authentication, replay, stale epoch).
  uint64_t records_dropped = 0;
};

class Endpoint {
 public:
  // Fails on a missing certificate, an MTU BoringSSL cannot work with, or a
  // non-positive initial timeout.
  static absl::StatusOr<std::unique_ptr<Endpoint>> Create(Config config);
  ~Endpoint();
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // Client: sends the first flight. Server: starts waiting. Calling it twice
  // or after the end is a FailedPrecondition.
  absl::Status Start(Timestamp now);
  void HandleDatagram(Timestamp now, const Datagram& datagram);
  void HandleDatagram(Timestamp now, std::span<const uint8_t> datagram);
  void HandleTimeout(Timestamp now);
  // Supplies (or replaces) the expected remote fingerprints and resumes a
  // handshake paused for them.
  absl::Status SetRemoteFingerprints(Timestamp now,
                                     std::vector<Fingerprint> fingerprints);
  // One application message, sent as one record in one datagram. Needs
  // state kConnected and at most max_application_data_size() bytes.
  absl::Status Send(Timestamp now, std::span<const uint8_t> data);
  // Sends close_notify if connected; afterwards nothing is sent or accepted.
  void Close(Timestamp now);

  std::optional<Transmit> PollTransmit();
  std::optional<Event> PollEvent();
  std::optional<Timestamp> NextTimeout() const { return next_timeout_; }

  Role role() const { return config_.role; }
  State state() const { return state_; }
  const Stats& stats() const { return stats_; }
  size_t max_application_data_size() const;
  const Certificate& local_certificate() const { return config_.certificate; }
  // DER of the peer's certificate, once it has been received.
  const std::vector<uint8_t>& peer_certificate_der() const { return peer_der_; }
  // The negotiated profile; nullopt before the handshake or if none.
  std::optional<srtp::Profile> srtp_profile() const { return srtp_profile_; }

  // RFC 5705 exporter; needs state kConnected.
  absl::StatusOr<std::vector<uint8_t>> ExportKeyingMaterial(
      std::string_view label, size_t length,
      std::optional<std::span<const uint8_t>> context = std::nullopt) const;
  // "EXTRACTOR-dtls_srtp" split per RFC 5764 4.2; needs a negotiated profile.
  absl::StatusOr<srtp::KeyingMaterial> ExportSrtpKeyingMaterial() const;

 private:
  explicit Endpoint(Config config);
  absl::Status Init();
  void Advance(Timestamp now);
  void Drive();
  void DriveHandshake();
  void ReadApplicationData();
  void OnHandshakeComplete();
  void Fail(absl::Status status);
  void UpdateTimeout();
  absl::Status SslFailure(std::string_view operation, int ssl_error);

  // Called by BoringSSL through the custom BIO and verify callbacks.
  friend struct EndpointCallbacks;
  int OnBioRead(uint8_t* out, int capacity);
  void OnBioWrite(const uint8_t* data, int len);
  int VerifyPeer(uint8_t* out_alert);

  Config config_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  State state_ = State::kNew;
  Timestamp now_ = Timestamp::Zero();
  std::optional<Timestamp> next_timeout_;
  std::deque<Transmit> transmits_;
  std::deque<Event> events_;
  // The datagram BoringSSL may read next; empty when it has been consumed.
  std::span<const uint8_t> pending_input_;
  std::vector<uint8_t> peer_der_;
  std::string verify_error_;
  std::optional<srtp::Profile> srtp_profile_;
  uint64_t application_records_delivered_ = 0;
  Stats stats_;
};

}  // namespace simrtc::dtls

#endif  // CORE_DTLS_ENDPOINT_H_
