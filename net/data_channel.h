// net::DataChannel: a thread-safe handle on one data channel of a
// net::PeerConnection (W3C RTCDataChannel in C++ form, plus the seed's
// detach-style raw read/write).
//
// Contract:
//  * Created by net::PeerConnection (CreateDataChannel, OnDataChannel) and
//    shared: the PeerConnection keeps its handle until the channel closes;
//    applications keep theirs as long as they like. A handle outliving its
//    PeerConnection or Runtime reports kClosed and refuses to send.
//  * Every method may be called from any thread, including from inside any
//    callback of this runtime: it runs on the runtime's loop thread (posted
//    there and waited for; run at once when already on it). Errors are
//    absl::Status values naming the channel: FailedPrecondition when not
//    open, ResourceExhausted when the send buffer cap is reached (wait for
//    OnBufferedAmountLow), NotFound/Unavailable once the PeerConnection or
//    runtime is gone.
//  * Callbacks run on the loop thread, one at a time, in event order, with
//    no internal lock held; they may call any method of any PeerConnection
//    or DataChannel of the same runtime. Set them in OnDataChannel or right
//    after CreateDataChannel: events that find no callback are dropped,
//    except OnOpen, which, set after the channel opened, is called once on
//    the loop thread. OnClose runs once, also when the PeerConnection is
//    closed or destroyed or the runtime stops.
//  * Detached mode: after Detach() (or with Configuration::
//    detach_data_channels) received messages are queued for Read() instead
//    of going to OnMessage. Read(timeout) blocks until a message arrives,
//    the channel closes (OutOfRange, once the queue is empty) or the
//    timeout passes (DeadlineExceeded). On the loop thread Read() never
//    blocks (Unavailable when nothing is queued). Detach before the first
//    message arrives (e.g. in OnOpen) to see every message.
#ifndef NET_DATA_CHANNEL_H_
#define NET_DATA_CHANNEL_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/time.h"
#include "core/datachannel/data_channel.h"
#include "core/datachannel/data_channel_manager.h"
#include "net/callback.h"
#include "net/runtime.h"

namespace simrtc::net {

namespace internal {
class PeerConnectionObserver;
}

class DataChannel {
 public:
  ~DataChannel();
  DataChannel(const DataChannel&) = delete;
  DataChannel& operator=(const DataChannel&) = delete;

  // Fixed at creation.
  const std::string& label() const { return label_; }
  const std::string& protocol() const { return protocol_; }
  bool ordered() const { return ordered_; }
  bool negotiated() const { return negotiated_; }
  std::optional<uint32_t> max_retransmits() const { return max_retransmits_; }
  std::optional<uint32_t> max_packet_life_time_ms() const {
    return max_packet_life_time_ms_;
  }

  // Read on the loop thread. The SCTP stream id (its parity follows the
  // DTLS role once negotiated).
  uint16_t id() const;
  datachannel::ChannelState ready_state() const;
  size_t BufferedAmount() const;
  size_t buffered_amount_low_threshold() const;
  // OnBufferedAmountLow fires when BufferedAmount() drops from above
  // `threshold` to at or below it.
  absl::Status SetBufferedAmountLowThreshold(size_t threshold);

  absl::Status SendText(std::string_view text);
  absl::Status SendBinary(ByteSpan data);
  absl::Status Send(const datachannel::Message& message);
  // Starts the closing handshake; OnClose follows.
  absl::Status Close();

  void OnOpen(std::function<void()> f);
  void OnMessage(std::function<void(const datachannel::Message&)> f);
  void OnClose(std::function<void()> f);
  void OnError(std::function<void(const absl::Status&)> f);
  void OnBufferedAmountLow(std::function<void()> f);

  // ---- Detached (raw) use ----------------------------------------------
  void Detach();
  bool detached() const;
  absl::StatusOr<datachannel::Message> Read(TimeDelta timeout);
  // SendText (is_string) or SendBinary.
  absl::Status Write(ByteSpan data, bool is_string = false);
  // Messages queued for Read().
  size_t readable() const;

 private:
  friend class internal::PeerConnectionObserver;
  friend class PeerConnection;

  DataChannel(std::shared_ptr<RuntimeLoop> loop, RuntimeLoop::PcId pc,
              datachannel::ChannelPtr core, bool detached);

  // Runs `fn` with the core channel on the loop thread; the status names
  // the channel.
  absl::Status WithCore(
      absl::FunctionRef<void(datachannel::DataChannel&, Timestamp)> fn) const;
  absl::Status Named(const absl::Status& s) const;

  // Loop thread, no lock held by the caller.
  void DeliverOpen();
  void DeliverMessage(datachannel::Message message);
  void DeliverClosed();
  void DeliverError(const absl::Status& error);
  void DeliverBufferedAmountLow();

  const std::shared_ptr<RuntimeLoop> loop_;
  const RuntimeLoop::PcId pc_;
  // Touched on the loop thread only (the pointer itself never changes).
  const datachannel::ChannelPtr core_;
  const std::string label_;
  const std::string protocol_;
  const bool ordered_;
  const bool negotiated_;
  const std::optional<uint32_t> max_retransmits_;
  const std::optional<uint32_t> max_packet_life_time_ms_;

  mutable std::mutex mu_;  // guards the fields below
  std::condition_variable readable_cv_;
  bool detached_ = false;
  bool open_delivered_ = false;
  bool closed_ = false;
  std::deque<datachannel::Message> inbox_;

  Callback<void()> on_open_;
  Callback<void(const datachannel::Message&)> on_message_;
  Callback<void()> on_close_;
  Callback<void(const absl::Status&)> on_error_;
  Callback<void()> on_buffered_amount_low_;
};

}  // namespace simrtc::net

#endif  // NET_DATA_CHANNEL_H_
