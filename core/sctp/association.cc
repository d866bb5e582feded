#include "core/sctp/association.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <usrsctp.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"

namespace simrtc::sctp {
namespace {

// Largest SCTP packet we pass to usrsctp. DTLS records cannot be larger, so
// anything bigger is garbage and not worth an mbuf chain.
constexpr size_t kMaxPacketSize = 65535;

absl::Status SockoptError(std::string_view option) {
  return absl::InternalError(absl::StrFormat("usrsctp: setting %s failed: %s",
                                             option, std::strerror(errno)));
}

template <typename T>
absl::Status SetOption(struct socket* sock, int level, int name, const T& value,
                       std::string_view label) {
  if (usrsctp_setsockopt(sock, level, name, &value,
                         static_cast<socklen_t>(sizeof(value))) != 0) {
    return SockoptError(label);
  }
  return absl::OkStatus();
}

// The SCTP common header (ports, verification tag, checksum) that starts
// every packet (RFC 9260 section 3.1).
constexpr uint16_t kCommonHeaderSize = 12;

// What usrsctp must be told as the path MTU so that no packet it emits on an
// AF_CONN path exceeds `packet_limit` bytes; see Init().
uint32_t UsrsctpPathMtu(uint16_t packet_limit) {
  return uint32_t{packet_limit} - kCommonHeaderSize;
}

uint32_t ClampMs(TimeDelta d) {
  int64_t ms = d.ms();
  if (ms < 0) return 0;
  if (ms > UINT32_MAX) return UINT32_MAX;
  return static_cast<uint32_t>(ms);
}

}  // namespace

std::string_view StateName(State s) {
  switch (s) {
    case State::kNew:
      return "new";
    case State::kConnecting:
      return "connecting";
    case State::kConnected:
      return "connected";
    case State::kShuttingDown:
      return "shutting-down";
    case State::kClosed:
      return "closed";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<Association>> Association::Create(
    const Config& config, Logger* logger) {
  if (config.max_message_size == 0) {
    return absl::InvalidArgumentError("sctp config: max_message_size is 0");
  }
  if (config.outbound_streams == 0 || config.inbound_streams == 0) {
    return absl::InvalidArgumentError("sctp config: stream count is 0");
  }
  if (config.rto_min > config.rto_initial ||
      config.rto_initial > config.rto_max) {
    return absl::InvalidArgumentError(
        "sctp config: need rto_min <= rto_initial <= rto_max");
  }
  if (config.mtu < kMinMtu) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sctp config: mtu %d is below the minimum of %d bytes (usrsctp's "
        "smallest path MTU of 512 plus the 12-byte common header)",
        config.mtu, kMinMtu));
  }
  if (config.timer_tick <= TimeDelta::Zero()) {
    return absl::InvalidArgumentError("sctp config: timer_tick must be > 0");
  }
  std::unique_ptr<Association> assoc(new Association(config, logger));
  absl::Status status = assoc->Init();
  if (!status.ok()) return status;
  return assoc;
}

Association::Association(const Config& config, Logger* logger)
    : config_(config),
      logger_(logger),
      outbound_streams_(config.outbound_streams),
      inbound_streams_(config.inbound_streams) {}

absl::Status Association::Init() {
  internal::UsrsctpAdapter::Scope scope;
  token_ = internal::UsrsctpAdapter::Register(this);
  // The token doubles as our AF_CONN address; usrsctp only binds addresses
  // it knows.
  usrsctp_register_address(token_);
  sock_ = internal::UsrsctpAdapter::CreateSocket(token_);
  if (sock_ == nullptr) {
    return absl::InternalError(absl::StrFormat(
        "usrsctp_socket(AF_CONN) failed: %s", std::strerror(errno)));
  }
  // Sans-IO: no call may ever block.
  if (usrsctp_set_non_blocking(sock_, 1) != 0) {
    return SockoptError("non-blocking mode");
  }

  // A whole message must fit in the send buffer (we never split messages
  // with SCTP_EXPLICIT_EOR), and two of them keep the pipe full while one
  // waits for acknowledgement.
  uint64_t sndbuf = std::max<uint64_t>(config_.send_buffer_size,
                                       2 * uint64_t{config_.max_message_size});
  int sndbuf_int = static_cast<int>(std::min<uint64_t>(sndbuf, INT32_MAX / 2));
  int rcvbuf_int = static_cast<int>(config_.receive_buffer_size);
  SIMRTC_RETURN_IF_ERROR(
      SetOption(sock_, SOL_SOCKET, SO_SNDBUF, sndbuf_int, "SO_SNDBUF"));
  SIMRTC_RETURN_IF_ERROR(
      SetOption(sock_, SOL_SOCKET, SO_RCVBUF, rcvbuf_int, "SO_RCVBUF"));
  // usrsctp may round; the send callback reports free space relative to
  // what it actually uses.
  int actual = 0;
  socklen_t len = sizeof(actual);
  if (usrsctp_getsockopt(sock_, SOL_SOCKET, SO_SNDBUF, &actual, &len) != 0 ||
      actual <= 0) {
    return SockoptError("reading SO_SNDBUF");
  }
  send_buffer_limit_ = static_cast<uint32_t>(actual);

  // usrsctp hands a message over in pieces once it reaches the partial
  // delivery point (64 KiB by default), and each piece costs a malloc and
  // a copy before we reassemble it. Messages up to the maximum size are
  // better delivered whole, as long as the point stays well inside the
  // receive window (usrsctp refuses more than the buffer; at half of it a
  // message larger than the window still flows).
  uint32_t pd_point = static_cast<uint32_t>(std::min<uint64_t>(
      config_.max_message_size, config_.receive_buffer_size / 2));
  SIMRTC_RETURN_IF_ERROR(SetOption(sock_, IPPROTO_SCTP,
                                   SCTP_PARTIAL_DELIVERY_POINT, pd_point,
                                   "SCTP_PARTIAL_DELIVERY_POINT"));

  // Data channel messages are latency-sensitive and already whole when we
  // hand them over; Nagle-style bundling delays would only add latency.
  int on = 1;
  SIMRTC_RETURN_IF_ERROR(
      SetOption(sock_, IPPROTO_SCTP, SCTP_NODELAY, on, "SCTP_NODELAY"));

  // RFC 8831 closes a data channel by resetting its streams (RFC 6525).
  struct sctp_assoc_value reset {};
  reset.assoc_id = SCTP_ALL_ASSOC;
  reset.assoc_value = SCTP_ENABLE_RESET_STREAM_REQ;
  SIMRTC_RETURN_IF_ERROR(SetOption(sock_, IPPROTO_SCTP,
                                   SCTP_ENABLE_STREAM_RESET, reset,
                                   "SCTP_ENABLE_STREAM_RESET"));

  // Notifications we act on. SCTP_SEND_FAILED_EVENT is left off on
  // purpose: it copies every abandoned message back to us, and nothing
  // here needs the bytes.
  for (uint16_t type :
       {SCTP_ASSOC_CHANGE, SCTP_STREAM_RESET_EVENT, SCTP_SENDER_DRY_EVENT,
        SCTP_PARTIAL_DELIVERY_EVENT, SCTP_SHUTDOWN_EVENT}) {
    struct sctp_event event {};
    event.se_assoc_id = SCTP_ALL_ASSOC;
    event.se_type = type;
    event.se_on = 1;
    SIMRTC_RETURN_IF_ERROR(
        SetOption(sock_, IPPROTO_SCTP, SCTP_EVENT, event, "SCTP_EVENT"));
  }

  struct sctp_initmsg init {};
  init.sinit_num_ostreams = config_.outbound_streams;
  init.sinit_max_instreams = config_.inbound_streams;
  init.sinit_max_attempts = config_.max_init_retransmits;
  init.sinit_max_init_timeo = static_cast<uint16_t>(
      std::min<uint32_t>(ClampMs(config_.init_rto_max), UINT16_MAX));
  SIMRTC_RETURN_IF_ERROR(
      SetOption(sock_, IPPROTO_SCTP, SCTP_INITMSG, init, "SCTP_INITMSG"));

  struct sctp_rtoinfo rto {};
  rto.srto_assoc_id = SCTP_FUTURE_ASSOC;
  rto.srto_initial = ClampMs(config_.rto_initial);
  rto.srto_min = ClampMs(config_.rto_min);
  rto.srto_max = ClampMs(config_.rto_max);
  SIMRTC_RETURN_IF_ERROR(
      SetOption(sock_, IPPROTO_SCTP, SCTP_RTOINFO, rto, "SCTP_RTOINFO"));

  // Fixed packet size, no PMTU discovery (no ICMP exists under AF_CONN).
  // usrsctp's path MTU is not a packet limit on AF_CONN paths. It reserves
  // no IP header there (right: there is none) but neither the 12-byte SCTP
  // common header: both when it cuts messages into DATA fragments and when
  // it bundles chunks into a packet, the chunks alone fill the path MTU
  // (fragments rounded down to 4 bytes) and the common header comes on
  // top. Handing it config_.mtu made packets up to 12 bytes too large
  // (usrsctp 0.9.5, mtu 1163: 1160-byte DATA chunks in 1172-byte packets,
  // which one DTLS record cannot carry). So the common header is taken off
  // here, and config_.mtu bounds the whole packet; the unit test
  // NoPacketExceedsTheConfiguredMtu holds usrsctp to it.
  struct sctp_paddrparams params {};
  params.spp_assoc_id = SCTP_FUTURE_ASSOC;
  // No SCTP heartbeats: under WebRTC, ICE consent freshness (RFC 7675)
  // already proves the path every few seconds, and usrsctp jitters the
  // heartbeat interval with system randomness that no injected Rng reaches,
  // which would make simulations irreproducible.
  params.spp_flags = SPP_PMTUD_DISABLE | SPP_HB_DISABLE;
  params.spp_pathmtu = UsrsctpPathMtu(config_.mtu);
  SIMRTC_RETURN_IF_ERROR(SetOption(sock_, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS,
                                   params, "SCTP_PEER_ADDR_PARAMS"));

  struct sockaddr_conn local {};
  local.sconn_family = AF_CONN;
  local.sconn_port = htons(config_.local_port);
  local.sconn_addr = token_;
  if (usrsctp_bind(sock_, reinterpret_cast<struct sockaddr*>(&local),
                   sizeof(local)) != 0) {
    return absl::InternalError(
        absl::StrFormat("usrsctp_bind(port %d) failed: %s", config_.local_port,
                        std::strerror(errno)));
  }
  return absl::OkStatus();
}

Association::~Association() {
  // Unregister first: whatever the close below makes usrsctp emit (an
  // ABORT, notifications) has nowhere to go once we are destroyed.
  internal::UsrsctpAdapter::Unregister(token_);
  internal::UsrsctpAdapter::Scope scope;
  CloseSocket(/*abort=*/true);
  usrsctp_deregister_address(token_);
}

void Association::CloseSocket(bool abort) {
  if (sock_ == nullptr) return;
  if (abort) {
    // Linger 0 turns close into an immediate ABORT instead of a graceful
    // shutdown that would keep the association alive inside usrsctp.
    struct linger linger {};
    linger.l_onoff = 1;
    linger.l_linger = 0;
    usrsctp_setsockopt(sock_, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger));
  }
  struct socket* sock = sock_;
  sock_ = nullptr;
  usrsctp_close(sock);
}

absl::Status Association::Connect(Timestamp now) {
  if (state_ != State::kNew) return absl::OkStatus();
  if (sock_ == nullptr) {
    return absl::FailedPreconditionError("sctp: association is closed");
  }
  internal::UsrsctpAdapter::Scope scope(now);
  last_now_ = now;
  next_tick_ = now + config_.timer_tick;
  struct sockaddr_conn remote {};
  remote.sconn_family = AF_CONN;
  remote.sconn_port = htons(config_.remote_port);
  // The same pointer as our own address: the driver, not usrsctp, decides
  // where packets go.
  remote.sconn_addr = token_;
  state_ = State::kConnecting;
  if (usrsctp_connect(sock_, reinterpret_cast<struct sockaddr*>(&remote),
                      sizeof(remote)) != 0 &&
      errno != EINPROGRESS) {
    int err = errno;
    CloseWith(true, absl::StrFormat("usrsctp_connect(port %d) failed: %s",
                                    config_.remote_port, std::strerror(err)));
    return absl::InternalError(
        absl::StrFormat("usrsctp_connect(port %d) failed: %s",
                        config_.remote_port, std::strerror(err)));
  }
  SIMRTC_LOG(logger_, kDebug) << "sctp connecting, port " << config_.local_port
                              << " -> " << config_.remote_port;
  return absl::OkStatus();
}

void Association::HandleDatagram(Timestamp now, ByteSpan packet) {
  if (state_ == State::kNew) {
    // The peer's INIT came first; WebRTC peers always open both ways.
    if (!Connect(now).ok()) return;
  }
  last_now_ = now;
  if (state_ == State::kClosed || sock_ == nullptr) return;
  if (packet.empty() || packet.size() > kMaxPacketSize) {
    SIMRTC_LOG(logger_, kDebug)
        << "sctp: dropping datagram of " << packet.size() << " bytes";
    return;
  }
  internal::UsrsctpAdapter::Scope scope(now);
  ++stats_.packets_received;
  usrsctp_conninput(token_, packet.data(), packet.size(), /*ecn_bits=*/0);
  Flush(now);
}

void Association::HandleTimeout(Timestamp now) {
  last_now_ = now;
  internal::UsrsctpAdapter::Scope scope(now);
  if (now >= next_tick_) next_tick_ = now + config_.timer_tick;
  Flush(now);
}

std::optional<Transmit> Association::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<Event> Association::PollEvent() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<Timestamp> Association::NextTimeout() const {
  // Packets queued by another association's call (the timer wheel is
  // shared) must not wait for our next tick.
  if (!transmits_.empty()) return last_now_;
  if (state_ == State::kNew || state_ == State::kClosed) return std::nullopt;
  return next_tick_;
}

void Association::set_remote_max_message_size(size_t size) {
  remote_max_message_size_ = size;
}

size_t Association::max_message_size() const {
  if (remote_max_message_size_ == 0) return config_.max_message_size;
  return std::min(config_.max_message_size, remote_max_message_size_);
}

size_t Association::buffered_amount(uint16_t stream) const {
  auto it = out_streams_.find(stream);
  if (it == out_streams_.end()) return 0;
  return it->second.queued_bytes + it->second.in_usrsctp_bytes;
}

void Association::set_buffered_amount_low_threshold(uint16_t stream,
                                                    size_t threshold) {
  OutStream& out = Out(stream);
  out.low_threshold = threshold;
  out.above_threshold = buffered_amount(stream) > threshold;
}

size_t Association::buffered_amount_low_threshold(uint16_t stream) const {
  auto it = out_streams_.find(stream);
  return it == out_streams_.end() ? 0 : it->second.low_threshold;
}

absl::Status Association::Send(Timestamp now, uint16_t stream, uint32_t ppid,
                               ByteSpan data, const SendOptions& options) {
  if (state_ == State::kClosed) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "sctp: cannot send on stream %d: association is closed", stream));
  }
  if (state_ == State::kShuttingDown || shutdown_wanted_) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "sctp: cannot send on stream %d: association is shutting down",
        stream));
  }
  if (data.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sctp: empty message on stream %d: SCTP cannot carry zero-length "
        "user messages (data channels send PPID 56/57 with one byte)",
        stream));
  }
  if (data.size() > max_message_size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sctp: message of %d bytes on stream %d exceeds the maximum message "
        "size of %d bytes",
        data.size(), stream, max_message_size()));
  }
  if (stream >= outbound_streams_) {
    return absl::OutOfRangeError(absl::StrFormat(
        "sctp: stream %d out of range: the association has %d outbound "
        "streams",
        stream, outbound_streams_));
  }
  if (options.max_retransmits.has_value() && options.max_lifetime.has_value()) {
    return absl::InvalidArgumentError(
        "sctp: max_retransmits and max_lifetime are mutually exclusive");
  }
  if (options.max_lifetime.has_value() &&
      *options.max_lifetime < TimeDelta::Zero()) {
    return absl::InvalidArgumentError("sctp: negative max_lifetime");
  }
  OutStream& out = Out(stream);
  if (out.reset_wanted || out.reset_sent) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "sctp: stream %d is being reset; no more messages until it completes",
        stream));
  }
  if (buffered_amount() + data.size() > config_.max_buffered_amount) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "sctp: sending %d bytes on stream %d would exceed the buffered "
        "amount cap of %d bytes (%d buffered)",
        data.size(), stream, config_.max_buffered_amount, buffered_amount()));
  }

  internal::UsrsctpAdapter::Scope scope(now);
  last_now_ = now;
  Pending pending{ppid, options, now, {}};
  out.queued_bytes += data.size();
  queued_total_ += data.size();
  if (state_ == State::kConnected && ready_.empty() && out.queue.empty()) {
    // Fast path: nothing is waiting, so try usrsctp straight from the
    // caller's buffer and skip one copy.
    switch (HandOverBytes(now, stream, out, pending, data)) {
      case HandOver::kDone:
        UpdateAboveFlags(stream, out);
        return absl::OkStatus();
      case HandOver::kFailed:
        return absl::InternalError(absl::StrFormat(
            "sctp: usrsctp refused a %d-byte message on stream %d: %s",
            data.size(), stream, std::strerror(errno)));
      case HandOver::kFull:
        break;
    }
  }
  pending.data.assign(data.begin(), data.end());
  out.queue.push_back(std::move(pending));
  ready_.insert(stream);
  UpdateAboveFlags(stream, out);
  return absl::OkStatus();
}

void Association::UpdateAboveFlags(uint16_t stream, OutStream& out) {
  if (buffered_amount(stream) > out.low_threshold) out.above_threshold = true;
  if (buffered_amount() > total_low_threshold_) total_above_threshold_ = true;
}

absl::Status Association::ResetStream(Timestamp now, uint16_t stream) {
  if (state_ == State::kClosed) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "sctp: cannot reset stream %d: association is closed", stream));
  }
  if (stream >= outbound_streams_) {
    return absl::OutOfRangeError(absl::StrFormat(
        "sctp: cannot reset stream %d: the association has %d outbound "
        "streams",
        stream, outbound_streams_));
  }
  OutStream& out = Out(stream);
  if (out.reset_wanted || out.reset_sent) return absl::OkStatus();
  out.reset_wanted = true;
  resets_wanted_ = true;
  internal::UsrsctpAdapter::Scope scope(now);
  last_now_ = now;
  Flush(now);
  return absl::OkStatus();
}

void Association::Shutdown(Timestamp now) {
  last_now_ = now;
  if (state_ == State::kClosed) return;
  internal::UsrsctpAdapter::Scope scope(now);
  if (state_ == State::kNew) {
    CloseWith(false, "shut down before connecting");
    CloseSocket(/*abort=*/true);
    return;
  }
  shutdown_wanted_ = true;
  Flush(now);
}

void Association::Abort(Timestamp now) {
  last_now_ = now;
  if (state_ == State::kClosed) return;
  internal::UsrsctpAdapter::Scope scope(now);
  CloseWith(true, "aborted locally");
  CloseSocket(/*abort=*/true);
}

void Association::CloseWith(bool aborted, std::string reason) {
  if (state_ == State::kClosed) return;
  SIMRTC_LOG(logger_, kDebug) << "sctp closed: " << reason;
  state_ = State::kClosed;
  for (auto& [id, out] : out_streams_) {
    out.queue.clear();
    out.queued_bytes = 0;
  }
  queued_total_ = 0;
  for (auto& [id, out] : out_streams_) out.in_usrsctp_bytes = 0;
  handed_.clear();
  in_usrsctp_total_ = 0;
  ready_.clear();
  reassembly_.clear();
  events_.push_back(Closed{aborted, std::move(reason)});
}

TimeDelta Association::smoothed_rtt() const {
  if (sock_ == nullptr || state_ != State::kConnected) return TimeDelta::Zero();
  struct sctp_status status {};
  socklen_t len = sizeof(status);
  if (usrsctp_getsockopt(sock_, IPPROTO_SCTP, SCTP_STATUS, &status, &len) !=
      0) {
    return TimeDelta::Zero();
  }
  return TimeDelta::Millis(status.sstat_primary.spinfo_srtt);
}

std::string Association::DebugString() const {
  std::string out =
      absl::StrFormat("state=%s queued=%d in_usrsctp=%d", StateName(state_),
                      queued_total_, in_usrsctp_total_);
  if (sock_ == nullptr) return out;
  struct sctp_status status {};
  socklen_t len = sizeof(status);
  if (usrsctp_getsockopt(sock_, IPPROTO_SCTP, SCTP_STATUS, &status, &len) ==
      0) {
    absl::StrAppendFormat(
        &out,
        " sctp_state=0x%x peer_rwnd=%d unacked_chunks=%d pending_chunks=%d "
        "cwnd=%d srtt=%d rto=%d usrsctp_pathmtu=%d",
        status.sstat_state, status.sstat_rwnd, status.sstat_unackdata,
        status.sstat_penddata, status.sstat_primary.spinfo_cwnd,
        status.sstat_primary.spinfo_srtt, status.sstat_primary.spinfo_rto,
        status.sstat_primary.spinfo_mtu);
  }
  return out;
}

// ---------------------------------------------------------------------------
// usrsctp callbacks. These only record; see UsrsctpClient.

void Association::OnUsrsctpPacket(const uint8_t* data, size_t size) {
  Transmit t;
  t.payload.assign(data, data + size);
  transmits_.push_back(std::move(t));
  ++stats_.packets_sent;
}

void Association::OnUsrsctpReceive(const uint8_t* data, size_t size,
                                   const sctp_rcvinfo& info, int flags) {
  if (data == nullptr) {
    // End of stream: usrsctp has torn the association down.
    if (state_ != State::kClosed) {
      CloseWith(!shutdown_sent_, "association ended");
    }
    return;
  }
  if ((flags & MSG_NOTIFICATION) != 0) {
    HandleNotification(data, size);
  } else {
    HandleData(data, size, info, flags);
  }
}

void Association::OnUsrsctpSendSpace(uint32_t free_bytes) {
  uint32_t used =
      free_bytes < send_buffer_limit_ ? send_buffer_limit_ - free_bytes : 0;
  if (used < in_usrsctp_total_) RetireHanded(in_usrsctp_total_ - used);
}

void Association::HandleNotification(const uint8_t* data, size_t size) {
  // usrsctp's buffer comes from malloc, so it is suitably aligned for the
  // notification structs; sizes are still checked before every access.
  if (size < sizeof(sctp_notification::sctp_tlv)) return;
  const auto* n = reinterpret_cast<const union sctp_notification*>(data);
  switch (n->sn_header.sn_type) {
    case SCTP_ASSOC_CHANGE: {
      if (size < sizeof(sctp_assoc_change)) return;
      const sctp_assoc_change& ac = n->sn_assoc_change;
      switch (ac.sac_state) {
        case SCTP_COMM_UP:
          if (state_ == State::kConnecting) {
            state_ = State::kConnected;
            outbound_streams_ = ac.sac_outbound_streams;
            inbound_streams_ = ac.sac_inbound_streams;
            SIMRTC_LOG(logger_, kDebug)
                << "sctp connected, streams out " << outbound_streams_ << " in "
                << inbound_streams_;
            events_.push_back(Connected{outbound_streams_, inbound_streams_});
          }
          break;
        case SCTP_COMM_LOST:
          CloseWith(true, absl::StrFormat(
                              "association lost: peer abort or retransmission "
                              "limit reached (error %d)",
                              ac.sac_error));
          break;
        case SCTP_SHUTDOWN_COMP:
          CloseWith(false, "shutdown complete");
          break;
        case SCTP_CANT_STR_ASSOC:
          CloseWith(true,
                    "could not establish the association (no answer "
                    "to INIT/COOKIE-ECHO)");
          break;
        case SCTP_RESTART:
          // The peer restarted; streams and sequence numbers start over
          // in usrsctp. Our queues are still valid.
          SIMRTC_LOG(logger_, kInfo) << "sctp: peer restarted";
          break;
        default:
          break;
      }
      break;
    }
    case SCTP_STREAM_RESET_EVENT: {
      if (size < sizeof(sctp_stream_reset_event)) return;
      const sctp_stream_reset_event& ev = n->sn_strreset_event;
      size_t length = std::min<size_t>(ev.strreset_length, size);
      if (length < sizeof(sctp_stream_reset_event)) return;
      size_t count = (length - sizeof(sctp_stream_reset_event)) / 2;
      const uint8_t* list =
          data + offsetof(sctp_stream_reset_event, strreset_stream_list);
      bool failed = (ev.strreset_flags & (SCTP_STREAM_RESET_DENIED |
                                          SCTP_STREAM_RESET_FAILED)) != 0;
      for (size_t i = 0; i < count; ++i) {
        uint16_t stream;
        std::memcpy(&stream, list + 2 * i, 2);
        if (failed) {
          if ((ev.strreset_flags & SCTP_STREAM_RESET_OUTGOING_SSN) != 0) {
            auto it = out_streams_.find(stream);
            if (it != out_streams_.end()) {
              it->second.reset_sent = false;
              it->second.reset_wanted = false;
            }
          }
          events_.push_back(StreamResetFailed{
              stream, (ev.strreset_flags & SCTP_STREAM_RESET_DENIED) != 0});
          continue;
        }
        if ((ev.strreset_flags & SCTP_STREAM_RESET_INCOMING_SSN) != 0) {
          reassembly_.erase(stream);
          events_.push_back(StreamReset{stream, /*incoming=*/true});
        }
        if ((ev.strreset_flags & SCTP_STREAM_RESET_OUTGOING_SSN) != 0) {
          auto it = out_streams_.find(stream);
          if (it != out_streams_.end()) {
            // A reset stream starts over; so does its low-water mark.
            it->second.reset_sent = false;
            it->second.reset_wanted = false;
            it->second.low_threshold = 0;
            it->second.above_threshold = false;
          }
          events_.push_back(StreamReset{stream, /*incoming=*/false});
        }
      }
      break;
    }
    case SCTP_SENDER_DRY_EVENT:
      // Everything we handed over is acknowledged (or abandoned).
      RetireHanded(in_usrsctp_total_);
      break;
    case SCTP_PARTIAL_DELIVERY_EVENT: {
      if (size < sizeof(sctp_pdapi_event)) return;
      const sctp_pdapi_event& pd = n->sn_pdapi_event;
      if (pd.pdapi_indication == SCTP_PARTIAL_DELIVERY_ABORTED) {
        reassembly_.erase(static_cast<uint16_t>(pd.pdapi_stream));
      }
      break;
    }
    case SCTP_SHUTDOWN_EVENT:
      if (state_ != State::kClosed) state_ = State::kShuttingDown;
      break;
    default:
      break;
  }
}

void Association::HandleData(const uint8_t* data, size_t size,
                             const sctp_rcvinfo& info, int flags) {
  uint16_t stream = info.rcv_sid;
  bool complete = (flags & MSG_EOR) != 0;
  size_t limit = config_.max_message_size;
  auto it = reassembly_.find(stream);
  if (!complete || it != reassembly_.end()) {
    // A part of a message usrsctp delivered early (partial delivery kicks in
    // for messages beyond its partial delivery point).
    if (it == reassembly_.end())
      it = reassembly_.emplace(stream, Reassembly{}).first;
    Reassembly& r = it->second;
    if (!r.oversized && r.data.size() + size > limit) {
      r.oversized = true;
      r.data.clear();
      r.data.shrink_to_fit();
    }
    if (!r.oversized) r.data.insert(r.data.end(), data, data + size);
    if (!complete) return;
    bool oversized = r.oversized;
    std::vector<uint8_t> whole = std::move(r.data);
    reassembly_.erase(it);
    if (oversized) {
      events_.push_back(ReceiveError{
          stream, absl::ResourceExhaustedError(absl::StrFormat(
                      "sctp: message on stream %d exceeds the maximum "
                      "message size of %d bytes; dropped",
                      stream, limit))});
      return;
    }
    ++stats_.messages_received;
    stats_.bytes_received += whole.size();
    events_.push_back(MessageReceived{stream, ntohl(info.rcv_ppid),
                                      (info.rcv_flags & SCTP_UNORDERED) != 0,
                                      std::move(whole)});
    return;
  }
  if (size > limit) {
    events_.push_back(ReceiveError{
        stream, absl::ResourceExhaustedError(absl::StrFormat(
                    "sctp: message of %d bytes on stream %d exceeds the "
                    "maximum message size of %d bytes; dropped",
                    size, stream, limit))});
    return;
  }
  ++stats_.messages_received;
  stats_.bytes_received += size;
  events_.push_back(MessageReceived{stream, ntohl(info.rcv_ppid),
                                    (info.rcv_flags & SCTP_UNORDERED) != 0,
                                    std::vector<uint8_t>(data, data + size)});
}

void Association::RetireHanded(size_t bytes) {
  while (bytes > 0 && !handed_.empty()) {
    Handed& h = handed_.front();
    size_t n = std::min(bytes, h.bytes);
    h.bytes -= n;
    bytes -= n;
    in_usrsctp_total_ -= n;
    OutStream& out = Out(h.stream);
    out.in_usrsctp_bytes -= std::min(n, out.in_usrsctp_bytes);
    if (h.bytes == 0) handed_.pop_front();
  }
  if (handed_.empty()) in_usrsctp_total_ = 0;
  CheckLowThresholds();
}

void Association::CheckLowThresholds() {
  for (auto& [stream, out] : out_streams_) {
    if (out.above_threshold &&
        out.queued_bytes + out.in_usrsctp_bytes <= out.low_threshold) {
      out.above_threshold = false;
      events_.push_back(BufferedAmountLow{stream});
    }
  }
  if (total_above_threshold_ && buffered_amount() <= total_low_threshold_) {
    total_above_threshold_ = false;
    events_.push_back(TotalBufferedAmountLow{});
  }
}

// ---------------------------------------------------------------------------
// Work that calls into usrsctp.

void Association::Flush(Timestamp now) {
  if (sock_ == nullptr) return;
  if (state_ == State::kConnected || state_ == State::kShuttingDown) {
    // Round robin over streams with queued messages, one message per turn,
    // until usrsctp's send buffer is full.
    while (!ready_.empty()) {
      auto it = ready_.lower_bound(round_robin_next_);
      if (it == ready_.end()) it = ready_.begin();
      uint16_t stream = *it;
      OutStream& out = Out(stream);
      Pending& head = out.queue.front();
      if (head.options.max_lifetime.has_value() &&
          now - head.enqueued > *head.options.max_lifetime) {
        // Expired before it ever left: drop it here, on virtual time.
        size_t n = head.data.size();
        out.queued_bytes -= n;
        queued_total_ -= n;
        ++stats_.messages_expired;
        out.queue.pop_front();
      } else {
        ByteSpan bytes(head.data);
        HandOver result = HandOverBytes(now, stream, out, head, bytes);
        if (result == HandOver::kFull) break;
        if (result == HandOver::kFailed) {
          // Permanent for this message (e.g. the association died inside
          // this very call); drop it rather than retry forever.
          SIMRTC_LOG(logger_, kWarning)
              << "sctp: usrsctp_sendv on stream " << stream
              << " failed: " << std::strerror(errno);
        }
        out.queue.pop_front();
      }
      if (out.queue.empty()) ready_.erase(stream);
      // Wraps to 0 after the last stream id, which is what we want.
      round_robin_next_ = static_cast<uint16_t>(stream + 1);
    }
    CheckLowThresholds();
    if (resets_wanted_) SendPendingResets();
    if (shutdown_wanted_ && !shutdown_sent_ && queued_total_ == 0) {
      shutdown_sent_ = true;
      state_ = State::kShuttingDown;
      usrsctp_shutdown(sock_, SHUT_WR);
    }
  }
}

Association::HandOver Association::HandOverBytes(Timestamp now, uint16_t stream,
                                                 OutStream& out,
                                                 const Pending& pending,
                                                 ByteSpan bytes) {
  struct sctp_sendv_spa spa {};
  spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
  spa.sendv_sndinfo.snd_sid = stream;
  // The PPID travels opaque: the socket API expects network byte order.
  spa.sendv_sndinfo.snd_ppid = htonl(pending.ppid);
  if (pending.options.unordered) spa.sendv_sndinfo.snd_flags |= SCTP_UNORDERED;
  if (pending.options.max_retransmits.has_value()) {
    spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
    spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_RTX;
    spa.sendv_prinfo.pr_value = *pending.options.max_retransmits;
  } else if (pending.options.max_lifetime.has_value()) {
    spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
    spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
    spa.sendv_prinfo.pr_value =
        ClampMs(*pending.options.max_lifetime - (now - pending.enqueued));
  }
  ssize_t sent =
      usrsctp_sendv(sock_, bytes.data(), bytes.size(), nullptr, 0, &spa,
                    static_cast<socklen_t>(sizeof(spa)), SCTP_SENDV_SPA, 0);
  if (sent < 0 && (errno == EWOULDBLOCK || errno == EAGAIN)) {
    return HandOver::kFull;
  }
  size_t n = bytes.size();
  out.queued_bytes -= n;
  queued_total_ -= n;
  if (sent < 0) return HandOver::kFailed;
  out.in_usrsctp_bytes += n;
  in_usrsctp_total_ += n;
  handed_.push_back(Handed{stream, n});
  ++stats_.messages_sent;
  stats_.bytes_sent += n;
  return HandOver::kDone;
}

void Association::SendPendingResets() {
  std::vector<uint16_t> streams;
  bool still_waiting = false;
  for (auto& [stream, out] : out_streams_) {
    if (!out.reset_wanted || out.reset_sent) continue;
    if (!out.queue.empty()) {
      still_waiting = true;
      continue;
    }
    streams.push_back(stream);
  }
  resets_wanted_ = still_waiting;
  if (streams.empty()) return;
  size_t len = sizeof(struct sctp_reset_streams) + streams.size() * 2;
  std::vector<uint8_t> buf(len);
  auto* req = reinterpret_cast<struct sctp_reset_streams*>(buf.data());
  req->srs_assoc_id = SCTP_ALL_ASSOC;
  req->srs_flags = SCTP_STREAM_RESET_OUTGOING;
  req->srs_number_streams = static_cast<uint16_t>(streams.size());
  std::memcpy(buf.data() + offsetof(struct sctp_reset_streams, srs_stream_list),
              streams.data(), streams.size() * 2);
  // usrsctp queues the request until the streams' data is sent and any
  // earlier request is answered, so this succeeds even mid-transfer.
  if (usrsctp_setsockopt(sock_, IPPROTO_SCTP, SCTP_RESET_STREAMS, buf.data(),
                         static_cast<socklen_t>(len)) != 0) {
    int err = errno;
    SIMRTC_LOG(logger_, kWarning)
        << "sctp: SCTP_RESET_STREAMS failed: " << std::strerror(err);
    for (uint16_t stream : streams) {
      OutStream& out = Out(stream);
      out.reset_wanted = false;
      events_.push_back(StreamResetFailed{stream, err == EPROTONOSUPPORT});
    }
    return;
  }
  for (uint16_t stream : streams) {
    OutStream& out = Out(stream);
    out.reset_wanted = false;
    out.reset_sent = true;
  }
}

}  // namespace simrtc::sctp
