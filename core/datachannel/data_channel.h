// One WebRTC data channel (RFC 8831) on an SCTP stream.
//
// Contract:
//  * A DataChannel is created and owned (shared) by a DataChannelManager;
//    applications hold std::shared_ptr handles. All state changes go through
//    the manager, which drives the SCTP association; methods that may send
//    take `now` (sans-IO). A handle stays valid after the channel closes or
//    the manager is destroyed: it then reports kClosed and refuses to send.
//  * id() is the SCTP stream id, used in both directions. It names the
//    channel from creation until its ChannelClosed event; after that the id
//    is free and a new channel may get it, which is why events carry the
//    channel handle rather than the id.
//  * Messages are text or binary, including empty ones: SCTP cannot carry a
//    zero-length message, so empty messages travel as one zero byte with
//    PPID 56/57 (RFC 8831 section 6.6); the placeholder byte is counted in
//    buffered_amount() but never shown to the receiver.
//  * Reliability is one of: reliable, max-retransmits, max-packet-lifetime,
//    each ordered or unordered. Until the peer acknowledges a DCEP-opened
//    channel (DATA_CHANNEL_ACK, or any message from the peer), messages are
//    sent ordered even on unordered channels, so none can overtake the
//    DATA_CHANNEL_OPEN (RFC 8832 section 6).
//  * Detached mode (like the seed's detach): after Detach() received
//    messages are no longer emitted as manager events but queued on the
//    channel, to be pulled with Read(); Write() sends without the event
//    layer. Open/close/error events are still emitted.
#ifndef CORE_DATACHANNEL_DATA_CHANNEL_H_
#define CORE_DATACHANNEL_DATA_CHANNEL_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/base/byte_io.h"
#include "core/base/time.h"
#include "core/datachannel/dcep_message.h"

namespace simrtc::datachannel {

class DataChannelManager;

// The DTLS role decides stream id parity (RFC 8832 section 6): the DTLS
// client opens even stream ids, the server odd ones, so both sides can open
// channels at the same time without colliding.
enum class DtlsRole { kClient, kServer };

// W3C RTCDataChannelInit.
struct ChannelInit {
  bool ordered = true;
  // At most one of the two limits may be set.
  std::optional<uint16_t> max_retransmits;
  std::optional<uint16_t> max_packet_life_time_ms;
  std::string protocol;
  // true: both sides create the channel with the same id (out of band, no
  // DCEP); id is then required.
  bool negotiated = false;
  std::optional<uint16_t> id;
  uint16_t priority = kPriorityNormal;
};

enum class ChannelState { kConnecting, kOpen, kClosing, kClosed };
std::string_view ChannelStateName(ChannelState state);

struct Message {
  bool is_string = false;
  std::vector<uint8_t> data;

  static Message Text(std::string_view text) {
    ByteSpan b = AsBytes(text);
    return Message{true, std::vector<uint8_t>(b.begin(), b.end())};
  }
  static Message Binary(ByteSpan bytes) {
    return Message{false, std::vector<uint8_t>(bytes.begin(), bytes.end())};
  }
  std::string_view text() const { return AsString(ByteSpan(data)); }
  friend bool operator==(const Message&, const Message&) = default;
};

struct ChannelStats {
  uint64_t messages_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t messages_received = 0;
  uint64_t bytes_received = 0;
};

class DataChannel {
 public:
  uint16_t id() const { return id_; }
  const std::string& label() const { return label_; }
  const std::string& protocol() const { return protocol_; }
  uint16_t priority() const { return priority_; }
  bool ordered() const { return reliability_.ordered; }
  std::optional<uint32_t> max_retransmits() const {
    return reliability_.max_retransmits;
  }
  std::optional<uint32_t> max_packet_life_time_ms() const {
    return reliability_.max_packet_life_time_ms;
  }
  const Reliability& reliability() const { return reliability_; }
  bool negotiated() const { return negotiated_; }
  // True for channels the peer opened with DATA_CHANNEL_OPEN.
  bool opened_by_peer() const { return opened_by_peer_; }
  ChannelState state() const { return state_; }
  const ChannelStats& stats() const { return stats_; }

  // Bytes accepted by Send() and not yet acknowledged by the peer.
  size_t buffered_amount() const;
  size_t buffered_amount_low_threshold() const { return low_threshold_; }
  // ChannelBufferedAmountLow fires when buffered_amount() drops from above
  // this value to at or below it.
  void set_buffered_amount_low_threshold(size_t threshold);

  // Errors: channel not open, message larger than the maximum message size,
  // buffer cap reached.
  absl::Status SendText(Timestamp now, std::string_view text);
  absl::Status SendBinary(Timestamp now, ByteSpan data);
  absl::Status Send(Timestamp now, const Message& message);
  // Starts the closing handshake (reset of our outgoing stream, then the
  // peer resets its own); messages already accepted are delivered first.
  absl::Status Close(Timestamp now);

  // Detached (raw) access.
  void Detach() { detached_ = true; }
  bool detached() const { return detached_; }
  // Next received message of a detached channel, if any.
  std::optional<Message> Read();
  absl::Status Write(Timestamp now, ByteSpan data, bool is_string = false);
  // Messages waiting for Read().
  size_t readable() const { return inbox_.size(); }

 private:
  friend class DataChannelManager;
  DataChannel() = default;

  DataChannelManager* manager_ = nullptr;  // null once closed
  uint16_t id_ = 0;
  std::string label_;
  std::string protocol_;
  uint16_t priority_ = kPriorityNormal;
  Reliability reliability_;
  bool negotiated_ = false;
  bool opened_by_peer_ = false;
  ChannelState state_ = ChannelState::kConnecting;
  // DCEP channel we opened, DATA_CHANNEL_ACK not yet seen.
  bool awaiting_ack_ = false;
  bool incoming_reset_ = false;
  bool outgoing_reset_ = false;
  bool detached_ = false;
  size_t low_threshold_ = 0;
  ChannelStats stats_;
  // Fragments sent with the deprecated partial PPIDs 52/54.
  std::vector<uint8_t> partial_;
  std::deque<Message> inbox_;
};

}  // namespace simrtc::datachannel

#endif  // CORE_DATACHANNEL_DATA_CHANNEL_H_
