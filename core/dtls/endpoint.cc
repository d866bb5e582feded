#include "core/dtls/endpoint.h"

#include <openssl/bio.h>
#include <openssl/bytestring.h>
#include <openssl/err.h>
#include <openssl/pool.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/base/byte_io.h"
#include "core/base/sans_io.h"

namespace simrtc::dtls {

static_assert(SansIoEndpoint<Endpoint>);

namespace {

// DTLS 1.2 record header (RFC 6347 4.1): type, version, epoch, 48-bit
// sequence number, length.
constexpr size_t kRecordHeaderLen = 13;
// Header plus the AES-GCM explicit nonce and tag: the largest per-record
// expansion among the suites offered below (ChaCha20 adds only a tag).
constexpr size_t kMaxRecordOverhead = kRecordHeaderLen + 8 + 16;
constexpr uint8_t kContentApplicationData = 23;

// Forward-secret AEAD suites only, as browsers negotiate for WebRTC.
constexpr char kCipherList[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// BoringSSL treats an all-zero timer deadline as "no timer running", so the
// clock it sees must never be zero even when a simulation starts at t=0.
// This origin is added to every `now`; only differences matter to DTLS.
constexpr int64_t kClockOriginSeconds = 1000000;

// The `now` of the endpoint call in progress on this thread.
//
// Why a thread_local: this BoringSSL hands SSL_CTX_set_current_time_cb a
// null SSL* (its header says so), so the callback cannot find its endpoint
// through ex_data. Every public entry point that can reach BoringSSL installs
// its `now` here for the duration of the call (ClockScope) and restores the
// previous value after, so endpoints interleaved on one thread, or running
// on different threads, each see their own time. Outside a call nothing
// reads it.
thread_local const Timestamp* t_now = nullptr;

class ClockScope {
 public:
  explicit ClockScope(const Timestamp* now) : previous_(t_now) { t_now = now; }
  ~ClockScope() { t_now = previous_; }
  ClockScope(const ClockScope&) = delete;
  ClockScope& operator=(const ClockScope&) = delete;

 private:
  const Timestamp* previous_;
};

void CurrentTime(const SSL* /*always null*/, timeval* out) {
  const int64_t us =
      (t_now != nullptr ? t_now->us() : 0) + kClockOriginSeconds * 1000000;
  out->tv_sec = static_cast<decltype(out->tv_sec)>(us / 1000000);
  out->tv_usec = static_cast<decltype(out->tv_usec)>(us % 1000000);
}

// The ex_data slot holding the Endpoint* of an SSL, allocated once per
// process and immutable afterwards.
int EndpointExDataIndex() {
  static const int index =
      SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Validates and upper-cases user-supplied fingerprints, so that comparing
// them with computed ones is plain string equality.
absl::StatusOr<std::vector<Fingerprint>> NormaliseFingerprints(
    const std::vector<Fingerprint>& in) {
  std::vector<Fingerprint> out;
  for (const Fingerprint& fp : in) {
    auto parsed = Fingerprint::Parse(fp.ToSdp());
    if (!parsed.ok()) return parsed.status();
    out.push_back(std::move(*parsed));
  }
  return out;
}

std::string ProfileList(const std::vector<srtp::Profile>& profiles) {
  std::vector<std::string> names;
  for (srtp::Profile p : profiles) {
    names.emplace_back(srtp::GetProfileInfo(p).openssl_name);
  }
  return absl::StrJoin(names, ":");
}

// Length of the longest prefix of `datagram` that is a sequence of complete
// DTLS 1.x records with a known content type, and how many of those records
// carry application data.
struct RecordScan {
  size_t valid_prefix = 0;
  size_t application_records = 0;
};

RecordScan ScanRecords(std::span<const uint8_t> datagram) {
  RecordScan scan;
  ByteReader r(datagram);
  while (!r.empty()) {
    uint8_t type = 0;
    uint16_t version = 0;
    uint16_t length = 0;
    ByteSpan body;
    if (!r.ReadU8(type).ok() || type < 20 || type > 23) break;
    if (!r.ReadU16(version).ok() || (version >> 8) != 0xfe) break;
    if (!r.Skip(8).ok() || !r.ReadU16(length).ok()) break;  // epoch + seq
    if (!r.ReadBytes(length, body).ok()) break;
    scan.valid_prefix = r.offset();
    if (type == kContentApplicationData) ++scan.application_records;
  }
  return scan;
}

}  // namespace

// Static trampolines from BoringSSL's C callbacks into the endpoint.
struct EndpointCallbacks {
  static Endpoint* FromBio(BIO* bio) {
    return static_cast<Endpoint*>(BIO_get_data(bio));
  }
  static int Create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
  }
  static int Read(BIO* bio, char* out, int capacity) {
    BIO_clear_retry_flags(bio);
    int n = FromBio(bio)->OnBioRead(reinterpret_cast<uint8_t*>(out), capacity);
    if (n < 0) BIO_set_retry_read(bio);
    return n;
  }
  static int Write(BIO* bio, const char* data, int len) {
    BIO_clear_retry_flags(bio);
    FromBio(bio)->OnBioWrite(reinterpret_cast<const uint8_t*>(data), len);
    return len;
  }
  static long Ctrl(BIO* /*bio*/, int cmd, long /*num*/, void* /*ptr*/) {
    // Writes are handed over synchronously, so a flush always succeeds;
    // every other query (pending bytes, MTU probing, which SSL_OP_NO_QUERY_MTU
    // disables anyway) has nothing to report.
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
  }
  static ssl_verify_result_t Verify(SSL* ssl, uint8_t* out_alert) {
    auto* ep =
        static_cast<Endpoint*>(SSL_get_ex_data(ssl, EndpointExDataIndex()));
    switch (ep->VerifyPeer(out_alert)) {
      case 0:
        return ssl_verify_ok;
      case 1:
        return ssl_verify_retry;
      default:
        return ssl_verify_invalid;
    }
  }
  // One immutable method table per process.
  static const BIO_METHOD* Method() {
    static BIO_METHOD* method = [] {
      BIO_METHOD* m =
          BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "simrtc");
      BIO_meth_set_create(m, Create);
      BIO_meth_set_read(m, Read);
      BIO_meth_set_write(m, Write);
      BIO_meth_set_ctrl(m, Ctrl);
      return m;
    }();
    return method;
  }
};

std::string_view RoleName(Role role) {
  return role == Role::kClient ? "client" : "server";
}

std::string_view StateName(State state) {
  switch (state) {
    case State::kNew:
      return "new";
    case State::kConnecting:
      return "connecting";
    case State::kConnected:
      return "connected";
    case State::kClosed:
      return "closed";
    case State::kFailed:
      return "failed";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<Endpoint>> Endpoint::Create(Config config) {
  if (!config.certificate.valid()) {
    return absl::InvalidArgumentError("DTLS endpoint needs a certificate");
  }
  if (config.initial_retransmit_timeout <= TimeDelta::Zero()) {
    return absl::InvalidArgumentError(
        "DTLS initial_retransmit_timeout must be positive");
  }
  if (config.mtu > 65507 || config.mtu <= kMaxRecordOverhead) {
    return absl::InvalidArgumentError(
        absl::StrFormat("DTLS mtu %d out of range", config.mtu));
  }
  auto fingerprints = NormaliseFingerprints(config.remote_fingerprints);
  if (!fingerprints.ok()) return fingerprints.status();
  config.remote_fingerprints = std::move(*fingerprints);
  for (srtp::Profile p : config.srtp_profiles) {
    if (!srtp::ProfileFromId(static_cast<uint16_t>(p))) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "DTLS-SRTP profile 0x%04x is not supported", static_cast<int>(p)));
    }
  }
  std::unique_ptr<Endpoint> ep(new Endpoint(std::move(config)));
  if (auto s = ep->Init(); !s.ok()) return s;
  return ep;
}

Endpoint::Endpoint(Config config) : config_(std::move(config)) {}

Endpoint::~Endpoint() {
  SSL_free(ssl_);  // also frees the BIO
  SSL_CTX_free(ctx_);
}

absl::Status Endpoint::Init() {
  ERR_clear_error();
  ctx_ = SSL_CTX_new(DTLS_method());
  if (ctx_ == nullptr) return absl::InternalError("SSL_CTX_new failed");
  SSL_CTX_set_min_proto_version(ctx_, DTLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx_, DTLS1_2_VERSION);
  SSL_CTX_set_current_time_cb(ctx_, CurrentTime);
  // No resumption: WebRTC never resumes, and a ticket would add a
  // NewSessionTicket message to the server's flight.
  SSL_CTX_set_options(ctx_, SSL_OP_NO_TICKET | SSL_OP_NO_QUERY_MTU);
  SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_OFF);
  if (!SSL_CTX_set_strict_cipher_list(ctx_, kCipherList) ||
      !SSL_CTX_use_certificate(ctx_, config_.certificate.x509()) ||
      !SSL_CTX_use_PrivateKey(ctx_, config_.certificate.private_key())) {
    return SslFailure("configuration", SSL_ERROR_SSL);
  }
  // Both sides must present a certificate: the fingerprint is the identity.
  SSL_CTX_set_custom_verify(ctx_,
                            SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                            EndpointCallbacks::Verify);
  if (!config_.srtp_profiles.empty() &&
      !SSL_CTX_set_srtp_profiles(ctx_,
                                 ProfileList(config_.srtp_profiles).c_str())) {
    return SslFailure("SRTP profile configuration", SSL_ERROR_SSL);
  }

  ssl_ = SSL_new(ctx_);
  if (ssl_ == nullptr) return absl::InternalError("SSL_new failed");
  SSL_set_ex_data(ssl_, EndpointExDataIndex(), this);
  BIO* bio = BIO_new(EndpointCallbacks::Method());
  if (bio == nullptr) return absl::InternalError("BIO_new failed");
  BIO_set_data(bio, this);
  SSL_set_bio(ssl_, bio, bio);  // one reference, owned by ssl_
  if (!SSL_set_mtu(ssl_, static_cast<unsigned>(config_.mtu))) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrFormat(
        "DTLS mtu %d is below BoringSSL's minimum", config_.mtu));
  }
  const int64_t timeout_ms =
      std::max<int64_t>(1, config_.initial_retransmit_timeout.ms());
  DTLSv1_set_initial_timeout_duration(
      ssl_, static_cast<unsigned>(std::min<int64_t>(timeout_ms, UINT_MAX)));
  if (config_.role == Role::kClient) {
    SSL_set_connect_state(ssl_);
  } else {
    SSL_set_accept_state(ssl_);
  }
  return absl::OkStatus();
}

void Endpoint::Advance(Timestamp now) {
  if (now > now_) now_ = now;
}

absl::Status Endpoint::Start(Timestamp now) {
  if (state_ != State::kNew) {
    return absl::FailedPreconditionError(
        absl::StrFormat("DTLS %s: Start in state %s", RoleName(config_.role),
                        StateName(state_)));
  }
  Advance(now);
  ClockScope clock(&now_);
  state_ = State::kConnecting;
  Drive();
  return absl::OkStatus();
}

void Endpoint::HandleDatagram(Timestamp now, const Datagram& datagram) {
  HandleDatagram(now, std::span<const uint8_t>(datagram.payload));
}

void Endpoint::HandleDatagram(Timestamp now,
                              std::span<const uint8_t> datagram) {
  Advance(now);
  ClockScope clock(&now_);
  ++stats_.datagrams_received;
  stats_.bytes_received += datagram.size();
  // A server is passive: the ClientHello is its start signal.
  if (state_ == State::kNew && config_.role == Role::kServer) {
    state_ = State::kConnecting;
  }
  if (state_ != State::kConnecting && state_ != State::kConnected) return;

  const RecordScan scan = ScanRecords(datagram);
  if (scan.valid_prefix < datagram.size()) ++stats_.malformed_dropped;
  if (scan.valid_prefix == 0) return;

  pending_input_ = datagram.first(scan.valid_prefix);
  const uint64_t delivered_before = application_records_delivered_;
  Drive();
  // Whatever BoringSSL did not read (it stops at a fatal error) is gone.
  pending_input_ = {};
  // BoringSSL discards unauthenticated and replayed records silently; the
  // shortfall between records seen and messages delivered is that count.
  const uint64_t delivered = application_records_delivered_ - delivered_before;
  if (scan.application_records > delivered) {
    stats_.records_dropped += scan.application_records - delivered;
  }
}

void Endpoint::HandleTimeout(Timestamp now) {
  Advance(now);
  ClockScope clock(&now_);
  if (state_ != State::kConnecting && state_ != State::kConnected) return;
  if (!next_timeout_ || now_ < *next_timeout_) return;
  ERR_clear_error();
  const int r = DTLSv1_handle_timeout(ssl_);
  if (r > 0) {
    ++stats_.retransmissions;
  } else if (r < 0) {
    ERR_clear_error();
    Fail(absl::DeadlineExceededError(absl::StrFormat(
        "DTLS handshake (%s) gave up after %d retransmissions without an "
        "answer",
        RoleName(config_.role), stats_.retransmissions)));
    return;
  }
  UpdateTimeout();
}

absl::Status Endpoint::SetRemoteFingerprints(
    Timestamp now, std::vector<Fingerprint> fingerprints) {
  if (fingerprints.empty()) {
    return absl::InvalidArgumentError("no remote fingerprints given");
  }
  auto normalised = NormaliseFingerprints(fingerprints);
  if (!normalised.ok()) return normalised.status();
  Advance(now);
  ClockScope clock(&now_);
  config_.remote_fingerprints = std::move(*normalised);
  // Resumes a handshake paused in VerifyPeer.
  if (state_ == State::kConnecting) Drive();
  return absl::OkStatus();
}

absl::Status Endpoint::Send(Timestamp now, std::span<const uint8_t> data) {
  if (state_ != State::kConnected) {
    return absl::FailedPreconditionError(
        absl::StrFormat("DTLS %s: cannot send application data in state %s",
                        RoleName(config_.role), StateName(state_)));
  }
  if (data.empty() || data.size() > max_application_data_size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "DTLS application message of %d bytes: must be 1..%d for mtu %d",
        data.size(), max_application_data_size(), config_.mtu));
  }
  Advance(now);
  ClockScope clock(&now_);
  ERR_clear_error();
  const int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
  if (n <= 0) {
    absl::Status s = SslFailure("write", SSL_get_error(ssl_, n));
    Fail(s);
    return s;
  }
  return absl::OkStatus();
}

void Endpoint::Close(Timestamp now) {
  Advance(now);
  ClockScope clock(&now_);
  if (state_ == State::kConnected) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // writes close_notify; DTLS does not wait for one
    ERR_clear_error();
  }
  if (state_ != State::kFailed) state_ = State::kClosed;
  next_timeout_.reset();
}

std::optional<Transmit> Endpoint::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<Event> Endpoint::PollEvent() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

size_t MaxApplicationDataSize(size_t mtu) {
  if (mtu <= kMaxRecordOverhead) return 0;
  return std::min<size_t>(mtu - kMaxRecordOverhead, 16384);
}

size_t Endpoint::max_application_data_size() const {
  return MaxApplicationDataSize(config_.mtu);
}

absl::StatusOr<std::vector<uint8_t>> Endpoint::ExportKeyingMaterial(
    std::string_view label, size_t length,
    std::optional<std::span<const uint8_t>> context) const {
  if (state_ != State::kConnected) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "DTLS keying material export needs a completed handshake (state %s)",
        StateName(state_)));
  }
  std::vector<uint8_t> out(length);
  const std::string label_str(label);
  ERR_clear_error();
  if (!SSL_export_keying_material(
          ssl_, out.data(), out.size(), label_str.c_str(), label_str.size(),
          context ? context->data() : nullptr, context ? context->size() : 0,
          context.has_value() ? 1 : 0)) {
    ERR_clear_error();
    return absl::InternalError(absl::StrFormat(
        "SSL_export_keying_material failed for label '%s'", label));
  }
  return out;
}

absl::StatusOr<srtp::KeyingMaterial> Endpoint::ExportSrtpKeyingMaterial()
    const {
  if (!srtp_profile_) {
    return absl::FailedPreconditionError("no DTLS-SRTP profile was negotiated");
  }
  auto bytes =
      ExportKeyingMaterial(srtp::kDtlsSrtpExporterLabel,
                           srtp::ExportedKeyingMaterialLength(*srtp_profile_));
  if (!bytes.ok()) return bytes.status();
  auto keys = srtp::SplitKeyingMaterial(*srtp_profile_, *bytes);
  std::fill(bytes->begin(), bytes->end(), 0);
  return keys;
}

void Endpoint::Drive() {
  if (state_ == State::kConnecting) DriveHandshake();
  if (state_ == State::kConnected) ReadApplicationData();
  UpdateTimeout();
}

void Endpoint::DriveHandshake() {
  ERR_clear_error();
  const int r = SSL_do_handshake(ssl_);
  if (r == 1) {
    OnHandshakeComplete();
    return;
  }
  const int err = SSL_get_error(ssl_, r);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_CERTIFICATE_VERIFY) {
    // Waiting for the peer's next flight, or for SetRemoteFingerprints.
    return;
  }
  Fail(SslFailure("handshake", err));
}

void Endpoint::OnHandshakeComplete() {
  state_ = State::kConnected;
  HandshakeComplete done;
  if (const SRTP_PROTECTION_PROFILE* p = SSL_get_selected_srtp_profile(ssl_)) {
    srtp_profile_ = srtp::ProfileFromId(static_cast<uint16_t>(p->id));
  }
  done.srtp_profile = srtp_profile_;
  if (auto fp = ComputeFingerprint(peer_der_); fp.ok()) {
    done.peer_fingerprint = std::move(*fp);
  }
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl_)) {
    done.cipher_suite = SSL_CIPHER_get_name(c);
  }
  events_.push_back(std::move(done));
}

void Endpoint::ReadApplicationData() {
  // One record per SSL_read; the largest DTLS plaintext is 2^14 bytes.
  uint8_t buf[16384];
  while (true) {
    ERR_clear_error();
    const int n = SSL_read(ssl_, buf, sizeof(buf));
    if (n > 0) {
      ++application_records_delivered_;
      events_.push_back(ApplicationData{std::vector<uint8_t>(buf, buf + n)});
      continue;
    }
    const int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_WANT_READ) return;
    if (err == SSL_ERROR_ZERO_RETURN) {
      // close_notify: answer with ours, then stop.
      SSL_shutdown(ssl_);
      ERR_clear_error();
      state_ = State::kClosed;
      events_.push_back(Closed{});
      return;
    }
    Fail(SslFailure("read", err));
    return;
  }
}

void Endpoint::Fail(absl::Status status) {
  state_ = State::kFailed;
  next_timeout_.reset();
  events_.push_back(Error{std::move(status)});
}

void Endpoint::UpdateTimeout() {
  if (state_ != State::kConnecting && state_ != State::kConnected) {
    next_timeout_.reset();
    return;
  }
  timeval remaining;
  if (DTLSv1_get_timeout(ssl_, &remaining)) {
    next_timeout_ =
        now_ + TimeDelta::Micros(int64_t{remaining.tv_sec} * 1000000 +
                                 remaining.tv_usec);
  } else {
    next_timeout_.reset();
  }
}

absl::Status Endpoint::SslFailure(std::string_view operation, int ssl_error) {
  if (!verify_error_.empty()) {
    ERR_clear_error();
    return absl::UnauthenticatedError(verify_error_);
  }
  // The first queued error is the root cause; later ones are context.
  const uint32_t err = ERR_get_error();
  ERR_clear_error();
  const std::string where =
      absl::StrFormat("DTLS %s (%s, state %s)", operation,
                      RoleName(config_.role), StateName(state_));
  if (err == 0) {
    return absl::AbortedError(absl::StrFormat(
        "%s: %s", where,
        SSL_error_description(ssl_error) ? SSL_error_description(ssl_error)
                                         : "unknown error"));
  }
  const int reason = ERR_GET_REASON(err);
  if (ERR_GET_LIB(err) == ERR_LIB_SSL && reason >= SSL_AD_REASON_OFFSET &&
      reason < SSL_AD_REASON_OFFSET + 256) {
    const int alert = reason - SSL_AD_REASON_OFFSET;
    return absl::AbortedError(
        absl::StrFormat("%s: peer sent fatal alert '%s' (%d)", where,
                        SSL_alert_desc_string_long(alert), alert));
  }
  const char* text = ERR_reason_error_string(err);
  return absl::AbortedError(absl::StrFormat(
      "%s: %s", where, text ? text : "unknown BoringSSL error"));
}

int Endpoint::OnBioRead(uint8_t* out, int capacity) {
  if (pending_input_.empty() || capacity <= 0) return -1;
  // Datagram semantics: one read returns one whole datagram (truncated if
  // the reader's buffer is smaller, as recv would).
  const size_t n =
      std::min(pending_input_.size(), static_cast<size_t>(capacity));
  std::memcpy(out, pending_input_.data(), n);
  pending_input_ = {};
  return static_cast<int>(n);
}

void Endpoint::OnBioWrite(const uint8_t* data, int len) {
  if (len <= 0) return;
  Transmit t;
  t.local = config_.local;
  t.remote = config_.remote;
  t.payload.assign(data, data + len);
  ++stats_.datagrams_sent;
  stats_.bytes_sent += static_cast<uint64_t>(len);
  transmits_.push_back(std::move(t));
}

// 0: accept, 1: wait for fingerprints, -1: reject.
int Endpoint::VerifyPeer(uint8_t* out_alert) {
  const STACK_OF(CRYPTO_BUFFER)* chain = SSL_get0_peer_certificates(ssl_);
  if (chain == nullptr || sk_CRYPTO_BUFFER_num(chain) == 0) {
    verify_error_ = absl::StrFormat("DTLS %s: peer sent no certificate",
                                    RoleName(config_.role));
    *out_alert = SSL_AD_BAD_CERTIFICATE;
    return -1;
  }
  const CRYPTO_BUFFER* leaf = sk_CRYPTO_BUFFER_value(chain, 0);
  peer_der_.assign(CRYPTO_BUFFER_data(leaf),
                   CRYPTO_BUFFER_data(leaf) + CRYPTO_BUFFER_len(leaf));
  if (config_.remote_fingerprints.empty()) return 1;

  std::vector<std::string> actual;
  for (const Fingerprint& expected : config_.remote_fingerprints) {
    auto fp = ComputeFingerprint(peer_der_, expected.algorithm);
    if (!fp.ok()) continue;
    // Both sides are normalised upper-case (see NormaliseFingerprints).
    if (fp->value == expected.value) return 0;
    actual.push_back(fp->ToSdp());
  }
  std::vector<std::string> expected;
  for (const Fingerprint& fp : config_.remote_fingerprints) {
    expected.push_back(fp.ToSdp());
  }
  verify_error_ = absl::StrFormat(
      "DTLS %s: peer certificate fingerprint mismatch: expected %s, got %s",
      RoleName(config_.role), absl::StrJoin(expected, " or "),
      actual.empty() ? std::string("(no comparable hash)")
                     : absl::StrJoin(actual, " / "));
  *out_alert = SSL_AD_BAD_CERTIFICATE;
  return -1;
}

}  // namespace simrtc::dtls
