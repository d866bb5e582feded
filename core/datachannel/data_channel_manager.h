// The data channel layer of a PeerConnection: an SCTP association plus the
// channels on it (RFC 8831), opened with DCEP (RFC 8832) or pre-negotiated.
//
// Contract (sans-IO, see core/base/sans_io.h):
//  * The manager owns the sctp::Association. Its HandleDatagram() takes SCTP
//    packets (as decrypted by DTLS), PollTransmit() yields SCTP packets to
//    encrypt, NextTimeout()/HandleTimeout() drive SCTP's timers, PollEvent()
//    yields channel events. Every input translates the association's events
//    into channel events before it returns.
//  * Channels may be created before the association is up; they stay
//    kConnecting and open when it connects (DCEP channels send their
//    DATA_CHANNEL_OPEN then). A DCEP channel is open as soon as its OPEN is
//    sent, as in browsers; pre-negotiated channels open with the association.
//  * Stream ids: pre-negotiated channels use the id they were given; DCEP
//    channels get the lowest free id of our parity (DtlsRole). A channel's id
//    is freed once both directions of its stream have been reset, and only
//    then reused.
//  * Closing: either side resets its outgoing stream; the other answers by
//    resetting its own (RFC 8831 section 6.7); the channel is closed when
//    both are done. Channels still open when the association ends are closed
//    with it (ChannelClosed for each, in id order, then TransportClosed).
//  * Hostile or broken input never crashes or wedges the manager: malformed
//    DCEP messages and unknown PPIDs are dropped with a ChannelError when
//    the stream has a channel, messages on streams without one are dropped,
//    and a DATA_CHANNEL_OPEN for a stream in use is refused (ChannelError on
//    the existing channel).
//  * Priority is carried in DCEP and reported, but does not yet weight
//    usrsctp's stream scheduler (streams are served round robin).
#ifndef CORE_DATACHANNEL_DATA_CHANNEL_MANAGER_H_
#define CORE_DATACHANNEL_DATA_CHANNEL_MANAGER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
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
#include "core/datachannel/data_channel.h"
#include "core/sctp/association.h"

namespace simrtc::datachannel {

struct ManagerConfig {
  sctp::Config sctp;
  DtlsRole role = DtlsRole::kClient;
  // Every channel starts detached (the seed's DetachDataChannels setting).
  bool detach_channels = false;
};

using ChannelPtr = std::shared_ptr<DataChannel>;

struct TransportConnected {};
struct TransportClosed {
  bool aborted = true;
  std::string reason;
};
// The peer opened a channel with DCEP (W3C "datachannel" event). A
// ChannelOpen for the same channel follows.
struct IncomingChannel {
  ChannelPtr channel;
};
struct ChannelOpen {
  ChannelPtr channel;
};
struct ChannelMessage {
  ChannelPtr channel;
  Message message;
};
// The peer started closing (W3C "closing").
struct ChannelClosing {
  ChannelPtr channel;
};
struct ChannelClosed {
  ChannelPtr channel;
};
struct ChannelError {
  ChannelPtr channel;
  absl::Status error;
};
struct ChannelBufferedAmountLow {
  ChannelPtr channel;
};

using Event =
    std::variant<TransportConnected, TransportClosed, IncomingChannel,
                 ChannelOpen, ChannelMessage, ChannelClosing, ChannelClosed,
                 ChannelError, ChannelBufferedAmountLow>;

class DataChannelManager {
 public:
  static absl::StatusOr<std::unique_ptr<DataChannelManager>> Create(
      const ManagerConfig& config, Logger* logger = nullptr);
  // Remaining channels become closed handles; the association is aborted
  // silently.
  ~DataChannelManager();

  DataChannelManager(const DataChannelManager&) = delete;
  DataChannelManager& operator=(const DataChannelManager&) = delete;

  // Starts the SCTP association (both peers call it).
  absl::Status Connect(Timestamp now);
  // Sets the DTLS role (stream id parity) before Connect, for channels made
  // before negotiation settled it: DCEP channels created so far take ids
  // of the new parity, in id order (W3C: their id is null until then).
  // FailedPrecondition once Connect was called.
  absl::Status SetRole(DtlsRole role);

  void HandleDatagram(Timestamp now, ByteSpan packet);
  void HandleDatagram(Timestamp now, const Datagram& d) {
    HandleDatagram(now, ByteSpan(d.payload));
  }
  void HandleTimeout(Timestamp now);
  std::optional<Transmit> PollTransmit() { return assoc_->PollTransmit(); }
  std::optional<Event> PollEvent();
  std::optional<Timestamp> NextTimeout() const { return assoc_->NextTimeout(); }

  // W3C createDataChannel. Errors: both reliability limits set, negotiated
  // without id (or id without negotiated), id in use or out of range, no
  // free stream id, label/protocol too long, association closed.
  absl::StatusOr<ChannelPtr> CreateChannel(Timestamp now, std::string label,
                                           const ChannelInit& init = {});
  // The open (or opening/closing) channel on stream `id`, if any.
  ChannelPtr channel(uint16_t id) const;
  // All live channels in id order.
  std::vector<ChannelPtr> channels() const;

  // Graceful SCTP shutdown / immediate abort of the whole association.
  void Shutdown(Timestamp now);
  void Abort(Timestamp now);

  bool connected() const { return assoc_->state() == sctp::State::kConnected; }
  DtlsRole role() const { return config_.role; }
  sctp::Association& association() { return *assoc_; }
  const sctp::Association& association() const { return *assoc_; }

 private:
  friend class DataChannel;

  DataChannelManager(const ManagerConfig& config, Logger* logger,
                     std::unique_ptr<sctp::Association> assoc);

  // DataChannel operations.
  absl::Status SendMessage(Timestamp now, DataChannel& channel, bool is_string,
                           ByteSpan data);
  absl::Status CloseChannel(Timestamp now, DataChannel& channel);
  size_t BufferedAmount(const DataChannel& channel) const;
  void SetLowThreshold(DataChannel& channel, size_t threshold);

  // Turns association events into channel events.
  void ProcessSctpEvents(Timestamp now);
  void OnConnected(Timestamp now);
  void OnMessage(Timestamp now, sctp::MessageReceived& m);
  void OnDcep(Timestamp now, uint16_t stream, ByteSpan bytes);
  void OnStreamReset(Timestamp now, uint16_t stream, bool incoming);
  void OnSctpClosed(const sctp::Closed& closed);
  // Sends the OPEN (DCEP channels) and marks the channel open.
  void OpenChannel(Timestamp now, const ChannelPtr& channel);
  void FinishClose(const ChannelPtr& channel);
  sctp::SendOptions OptionsFor(const DataChannel& channel) const;
  std::optional<uint16_t> AllocateId() const;
  uint16_t StreamLimit() const;

  ManagerConfig config_;
  Logger* logger_;
  std::unique_ptr<sctp::Association> assoc_;
  std::map<uint16_t, ChannelPtr> channels_;
  std::deque<Event> events_;
};

static_assert(SansIoEndpoint<DataChannelManager>);

}  // namespace simrtc::datachannel

#endif  // CORE_DATACHANNEL_DATA_CHANNEL_MANAGER_H_
