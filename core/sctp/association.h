// A sans-IO SCTP association for WebRTC data channels, on usrsctp over
// AF_CONN.
//
// Contract (see core/base/sans_io.h):
//  * Input: HandleDatagram(now, packet) takes one SCTP packet (what DTLS
//    decrypted), HandleTimeout(now) runs timers, API calls take `now`.
//    Output: PollTransmit() yields SCTP packets for the caller to protect with
//    DTLS (addresses are left unset: the association has no notion of them),
//    PollEvent() yields events, NextTimeout() says when to call back.
//  * Both peers call Connect(); as in WebRTC, SCTP's INIT collision handling
//    turns the two simultaneous opens into one association. A packet that
//    arrives before Connect() starts the association implicitly, since the
//    peer evidently wants one.
//  * Messages: Send() takes a whole message (1 byte up to the maximum
//    message size; larger ones are refused, never truncated), a stream id,
//    a PPID and per-message reliability. MessageReceived events carry whole
//    messages: usrsctp's partial deliveries are reassembled here.
//  * Buffering: messages wait in a per-stream queue here until usrsctp's send
//    buffer has room; streams take turns (round robin). buffered_amount()
//    counts bytes queued here plus bytes handed to usrsctp and not yet
//    acknowledged. usrsctp only reports its total send-buffer use, so bytes
//    inside usrsctp are retired per stream in the order they were handed
//    over: the total is exact, the per-stream split is exact for one busy
//    stream and an approximation across several.
//  * Lifetimes (max_lifetime) are enforced on virtual time while a message
//    waits in our queue, and handed to usrsctp (SCTP_PR_SCTP_TTL) for the
//    remainder.
//  * Stream reset (RFC 6525): ResetStream() resets the outgoing direction of
//    a stream once everything queued on it has been handed to usrsctp
//    (which in turn sends the request once those messages are sent). The
//    peer's resets of its outgoing streams arrive as StreamReset events with
//    incoming = true.
//
// usrsctp 0.9.5 specifics (documented, not hidden):
//  * There is no "next timer" query, so NextTimeout() is a fixed tick
//    (Config::timer_tick, 10 ms by default) while the association is alive.
//    Timers belong to a process-wide wheel (see usrsctp_adapter.h); a timer
//    of this association that fires while another association is being
//    driven queues its packets here, and NextTimeout() then returns the
//    last `now` so the driver collects them promptly.
//  * usrsctp also reads gettimeofday() (RTT samples, PR-SCTP lifetimes, and
//    which chunks a T3 timeout retransmits). The adapter interposes it so
//    that inside our calls it returns the driver's clock; without that, a
//    simulation would measure an RTT of ~0 and never retransmit a lost tail
//    by timeout. See usrsctp_adapter.h.
//  * Verification tags and initial TSNs come from usrsctp's own entropy;
//    packet sizes and timings do not depend on them.
#ifndef CORE_SCTP_ASSOCIATION_H_
#define CORE_SCTP_ASSOCIATION_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/datagram.h"
#include "core/base/logging.h"
#include "core/base/sans_io.h"
#include "core/base/time.h"
#include "core/sctp/usrsctp_adapter.h"

struct socket;

namespace simrtc::sctp {

// The SCTP port WebRTC uses unless SDP's a=sctp-port says otherwise.
inline constexpr uint16_t kDefaultPort = 5000;
inline constexpr size_t kDefaultMaxMessageSize = 256 * 1024;
// Smallest Config::mtu: usrsctp refuses path MTUs below 512 bytes, and the
// association asks it for 12 bytes less than the packet limit (see
// Association::Init in the .cc).
inline constexpr uint16_t kMinMtu = 524;

struct Config {
  uint16_t local_port = kDefaultPort;
  uint16_t remote_port = kDefaultPort;
  // Streams offered in the INIT; the association gets the minimum of both
  // sides' offers. 1024 is what browsers offer.
  uint16_t outbound_streams = 1024;
  uint16_t inbound_streams = 1024;
  // Largest message accepted by Send() and reassembled on receipt
  // (SDP a=max-message-size). usrsctp's send buffer is grown to hold at
  // least two messages of this size.
  size_t max_message_size = kDefaultMaxMessageSize;
  // Cap on buffered_amount() (our queue plus usrsctp's send buffer); Send()
  // beyond it fails with ResourceExhausted. Browsers use 16 MiB.
  size_t max_buffered_amount = 16 * 1024 * 1024;
  // usrsctp socket buffers. The receive buffer is the advertised window: it
  // must cover the bandwidth-delay product for fast transfers.
  uint32_t send_buffer_size = 1024 * 1024;
  uint32_t receive_buffer_size = 1024 * 1024;
  // Largest SCTP packet the association emits, common header included:
  // every PollTransmit() payload is at most this many bytes. Under DTLS set
  // it to dtls::Endpoint::max_application_data_size() so that one packet
  // fits one record. AF_CONN has no ICMP, so path MTU discovery cannot
  // work; the default of 1200 plus DTLS, UDP and IP headers fits every
  // realistic path, which is what browsers assume too. At least kMinMtu.
  uint16_t mtu = 1200;
  // Retransmission timer. RFC 4960's 3 s initial / 1 s minimum are tuned for
  // signaling links; WebRTC peers have just completed ICE and DTLS, so a
  // lost INIT or packet should be retried within a second. The minimum
  // stays above the peer's delayed-SACK timer (200 ms) plus a typical RTT,
  // so a lone message is not retransmitted just because its SACK was
  // delayed; the maximum keeps a stalled association probing every 10 s.
  TimeDelta rto_initial = TimeDelta::Millis(1000);
  TimeDelta rto_min = TimeDelta::Millis(400);
  TimeDelta rto_max = TimeDelta::Seconds(10);
  // INIT/COOKIE-ECHO attempts before giving up: with the 1 s initial RTO
  // doubling up to init_rto_max this is about half a minute, longer than
  // ICE consent would keep a dead path.
  uint16_t max_init_retransmits = 8;
  TimeDelta init_rto_max = TimeDelta::Seconds(10);
  // How often HandleTimeout() wants to run while the association is alive.
  TimeDelta timer_tick = TimeDelta::Millis(10);
};

// Per-message reliability (RFC 3758). At most one limit may be set.
struct SendOptions {
  bool unordered = false;
  // Give up after this many retransmissions (0: send once).
  std::optional<uint32_t> max_retransmits;
  // Give up once the message is older than this.
  std::optional<TimeDelta> max_lifetime;
};

enum class State { kNew, kConnecting, kConnected, kShuttingDown, kClosed };
std::string_view StateName(State s);

struct Connected {
  uint16_t outbound_streams = 0;
  uint16_t inbound_streams = 0;
};
struct MessageReceived {
  uint16_t stream = 0;
  uint32_t ppid = 0;
  bool unordered = false;
  std::vector<uint8_t> data;
};
// A stream reset completed: incoming = the peer reset its outgoing stream;
// otherwise our own ResetStream() finished.
struct StreamReset {
  uint16_t stream = 0;
  bool incoming = false;
};
struct StreamResetFailed {
  uint16_t stream = 0;
  bool denied = false;
};
// buffered_amount(stream) fell to or below that stream's threshold.
struct BufferedAmountLow {
  uint16_t stream = 0;
};
// buffered_amount() fell to or below the total threshold.
struct TotalBufferedAmountLow {};
// A received message was dropped (e.g. larger than max_message_size).
struct ReceiveError {
  uint16_t stream = 0;
  absl::Status error;
};
// Terminal. aborted = false only for a completed graceful shutdown.
struct Closed {
  bool aborted = true;
  std::string reason;
};

using Event = std::variant<Connected, MessageReceived, StreamReset,
                           StreamResetFailed, BufferedAmountLow,
                           TotalBufferedAmountLow, ReceiveError, Closed>;

struct Stats {
  uint64_t messages_sent = 0;  // handed to SCTP
  uint64_t bytes_sent = 0;
  uint64_t messages_received = 0;
  uint64_t bytes_received = 0;
  uint64_t messages_expired = 0;  // lifetime ran out while still queued here
  uint64_t packets_sent = 0;
  uint64_t packets_received = 0;
};

class Association final : private internal::UsrsctpClient {
 public:
  // Creates the usrsctp socket and binds it; nothing is sent until
  // Connect(). Fails if usrsctp refuses a socket or option.
  static absl::StatusOr<std::unique_ptr<Association>> Create(
      const Config& config, Logger* logger = nullptr);
  // Aborts silently if still open (nothing more is transmitted).
  ~Association() override;

  Association(const Association&) = delete;
  Association& operator=(const Association&) = delete;

  // Sends the INIT. Idempotent.
  absl::Status Connect(Timestamp now);

  void HandleDatagram(Timestamp now, ByteSpan packet);
  void HandleDatagram(Timestamp now, const Datagram& d) {
    HandleDatagram(now, ByteSpan(d.payload));
  }
  void HandleTimeout(Timestamp now);
  std::optional<Transmit> PollTransmit();
  std::optional<Event> PollEvent();
  std::optional<Timestamp> NextTimeout() const;

  // Queues one message. Errors: empty message, larger than the maximum
  // message size, stream out of range or being reset, buffer cap reached,
  // both reliability limits set, association closed.
  absl::Status Send(Timestamp now, uint16_t stream, uint32_t ppid,
                    ByteSpan data, const SendOptions& options = {});
  // Resets our outgoing direction of `stream` after its queue drains.
  absl::Status ResetStream(Timestamp now, uint16_t stream);
  // Graceful SHUTDOWN once every queued message was handed to usrsctp.
  void Shutdown(Timestamp now);
  // Sends ABORT and closes at once; emits Closed.
  void Abort(Timestamp now);

  // The peer's a=max-message-size; Send() enforces the smaller of it and
  // Config::max_message_size. 0 means "no limit announced".
  void set_remote_max_message_size(size_t size);
  size_t max_message_size() const;

  size_t buffered_amount(uint16_t stream) const;
  size_t buffered_amount() const { return queued_total_ + in_usrsctp_total_; }
  void set_buffered_amount_low_threshold(uint16_t stream, size_t threshold);
  size_t buffered_amount_low_threshold(uint16_t stream) const;
  void set_total_buffered_amount_low_threshold(size_t threshold) {
    total_low_threshold_ = threshold;
  }

  State state() const { return state_; }
  // Negotiated stream counts; the configured offers before Connected.
  uint16_t outbound_streams() const { return outbound_streams_; }
  uint16_t inbound_streams() const { return inbound_streams_; }
  const Stats& stats() const { return stats_; }
  const Config& config() const { return config_; }
  // usrsctp's smoothed RTT estimate (RTCSctpTransportStats); zero before
  // the first measurement or once closed.
  TimeDelta smoothed_rtt() const;
  // usrsctp's view (state, windows, RTO, queued chunks), for logs and tests.
  std::string DebugString() const;

 private:
  struct Pending {
    uint32_t ppid = 0;
    SendOptions options;
    Timestamp enqueued;
    std::vector<uint8_t> data;
  };
  struct OutStream {
    std::deque<Pending> queue;
    size_t queued_bytes = 0;
    size_t in_usrsctp_bytes = 0;
    size_t low_threshold = 0;
    bool above_threshold = false;
    bool reset_wanted = false;  // ResetStream() called, not yet handed over
    bool reset_sent = false;    // handed to usrsctp, waiting for the event
  };
  struct Handed {
    uint16_t stream;
    size_t bytes;
  };
  struct Reassembly {
    std::vector<uint8_t> data;
    bool oversized = false;
  };

  Association(const Config& config, Logger* logger);
  absl::Status Init();

  // UsrsctpClient: record only, never call usrsctp.
  void OnUsrsctpPacket(const uint8_t* data, size_t size) override;
  void OnUsrsctpReceive(const uint8_t* data, size_t size,
                        const sctp_rcvinfo& info, int flags) override;
  void OnUsrsctpSendSpace(uint32_t free_bytes) override;

  void HandleNotification(const uint8_t* data, size_t size);
  void HandleData(const uint8_t* data, size_t size, const sctp_rcvinfo& info,
                  int flags);
  void RetireHanded(size_t bytes);
  void UpdateAboveFlags(uint16_t stream, OutStream& out);
  void CheckLowThresholds();
  void CloseWith(bool aborted, std::string reason);

  // Work that needs usrsctp and so cannot happen inside callbacks: hands
  // queued messages over, sends pending resets and shutdown.
  void Flush(Timestamp now);
  // Hands one message to usrsctp and accounts for it. kFull: usrsctp's
  // send buffer has no room, nothing changed. kFailed: usrsctp refused the
  // message for good (errno says why); it is no longer counted as queued.
  enum class HandOver { kDone, kFull, kFailed };
  HandOver HandOverBytes(Timestamp now, uint16_t stream, OutStream& out,
                         const Pending& pending, ByteSpan bytes);
  void SendPendingResets();
  void CloseSocket(bool abort);

  OutStream& Out(uint16_t stream) { return out_streams_[stream]; }

  Config config_;
  Logger* logger_;
  void* token_ = nullptr;
  struct socket* sock_ = nullptr;
  State state_ = State::kNew;
  uint16_t outbound_streams_;
  uint16_t inbound_streams_;
  size_t remote_max_message_size_ = 0;
  uint32_t send_buffer_limit_ = 0;

  // Ordered maps so iteration order (round robin, events) is deterministic.
  std::map<uint16_t, OutStream> out_streams_;
  std::set<uint16_t> ready_;  // streams with queued messages
  std::map<uint16_t, Reassembly> reassembly_;
  std::deque<Handed> handed_;
  size_t queued_total_ = 0;
  size_t in_usrsctp_total_ = 0;
  size_t total_low_threshold_ = 0;
  bool total_above_threshold_ = false;
  uint16_t round_robin_next_ = 0;
  bool resets_wanted_ = false;
  bool shutdown_wanted_ = false;
  bool shutdown_sent_ = false;

  std::deque<Transmit> transmits_;
  std::deque<Event> events_;
  Timestamp last_now_;
  Timestamp next_tick_;
  Stats stats_;
};

static_assert(SansIoEndpoint<Association>);

}  // namespace simrtc::sctp

#endif  // CORE_SCTP_ASSOCIATION_H_
