// net::PeerConnection: the thread-safe W3C RTCPeerConnection of the real
// runtime, a facade over a core::peer::PeerConnection driven by a
// net::Runtime.
//
// Contract:
//  * Create() binds the sockets (the runtime fills config.interfaces from
//    its interface options unless the caller listed addresses) and uses an
//    ECDSA P-256 certificate unless config.certificate is set.
//  * Every method may be called from any thread: it is posted to the
//    runtime's loop thread, which runs it against the core object and
//    answers; on the loop thread (inside any callback) it runs at once, so
//    calling the API from callbacks never deadlocks. Results and errors are
//    the core's (W3C: FailedPrecondition naming the call and the signaling
//    state, InvalidArgument naming what is wrong with SDP), or NotFound /
//    Unavailable once the connection was destroyed or the runtime stopped.
//  * Callbacks run on the loop thread, one at a time, in the order the core
//    emitted the events, never under an internal lock. Setting or clearing
//    a callback is thread-safe; an event with no callback set is dropped.
//    Slow callbacks delay every connection of the runtime: hand long work
//    to another thread. Blocking calls into ANOTHER Runtime from a callback
//    wait for that runtime's loop (see net/runtime.h).
//  * Close() works from any thread or callback, also while other threads
//    send; later calls get the core's closed errors. Destroying the object
//    (from any thread, or from one of its own callbacks) closes it, clears
//    its callbacks (none of them starts after the destructor returns
//    elsewhere than on the loop thread) and releases its sockets; the
//    runtime may go on. DataChannel handles stay valid (kClosed).
//  * Non-trickle use: SetLocalDescription(), WaitForGatheringComplete(),
//    then local_description() carries every candidate
//    (LocalDescriptionAfterGathering() does all three waits in one).
//  * Detached channels: with config.detach_data_channels every channel
//    (created or incoming) starts detached (see net/data_channel.h).
#ifndef NET_PEER_CONNECTION_H_
#define NET_PEER_CONNECTION_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/datachannel/data_channel.h"
#include "core/ice/types.h"
#include "core/peer/configuration.h"
#include "core/peer/peer_connection.h"
#include "core/peer/signaling.h"
#include "core/peer/stats.h"
#include "net/data_channel.h"
#include "net/runtime.h"

namespace simrtc::net {

namespace internal {
class PeerConnectionObserver;
}

class PeerConnection {
 public:
  static absl::StatusOr<std::unique_ptr<PeerConnection>> Create(
      Runtime& runtime, peer::Configuration config = {});
  ~PeerConnection();
  PeerConnection(const PeerConnection&) = delete;
  PeerConnection& operator=(const PeerConnection&) = delete;

  // ---- JSEP --------------------------------------------------------------
  absl::StatusOr<peer::SessionDescription> CreateOffer(
      const peer::OfferOptions& options = {});
  absl::StatusOr<peer::SessionDescription> CreateAnswer(
      const peer::AnswerOptions& options = {});
  absl::Status SetLocalDescription(const peer::SessionDescription& d);
  // Creates the offer or answer the signaling state calls for and sets it.
  absl::Status SetLocalDescription();
  absl::Status SetRemoteDescription(const peer::SessionDescription& d);
  // An empty candidate is end-of-candidates.
  absl::Status AddIceCandidate(const peer::IceCandidateInit& candidate);
  absl::Status RestartIce();
  // Idempotent.
  absl::Status Close();

  absl::StatusOr<std::shared_ptr<DataChannel>> CreateDataChannel(
      std::string label, const datachannel::ChannelInit& init = {});

  // ---- State (read on the loop thread; closed defaults once gone) -------
  peer::SignalingState signaling_state() const;
  ice::GatheringState ice_gathering_state() const;
  ice::ConnectionState ice_connection_state() const;
  peer::PeerConnectionState connection_state() const;
  std::optional<peer::SessionDescription> local_description() const;
  std::optional<peer::SessionDescription> remote_description() const;
  std::optional<peer::SessionDescription> current_local_description() const;
  std::optional<peer::SessionDescription> pending_local_description() const;
  std::optional<peer::SessionDescription> current_remote_description() const;
  std::optional<peer::SessionDescription> pending_remote_description() const;
  absl::StatusOr<peer::StatsReport> GetStats() const;
  // The socket addresses it gathers on (the runtime's bound sockets).
  std::vector<SocketAddress> local_addresses() const;

  // ---- Non-trickle helpers ---------------------------------------------
  // Blocks until ICE gathering is complete (OK at once if it is),
  // DeadlineExceeded after `timeout`, FailedPrecondition if the connection
  // closes first or if called on the loop thread while gathering is not
  // complete (waiting there would stall the runtime).
  absl::Status WaitForGatheringComplete(TimeDelta timeout);
  // WaitForGatheringComplete, then local_description() (with every
  // candidate). FailedPrecondition when no local description is set.
  absl::StatusOr<peer::SessionDescription> LocalDescriptionAfterGathering(
      TimeDelta timeout);

  // ---- Callbacks -----------------------------------------------------------
  // nullopt: end-of-candidates.
  void OnIceCandidate(
      std::function<void(const std::optional<peer::IceCandidateInit>&)> f);
  // A channel the peer opened; set its callbacks here (its OnOpen follows).
  void OnDataChannel(std::function<void(std::shared_ptr<DataChannel>)> f);
  void OnConnectionStateChange(
      std::function<void(peer::PeerConnectionState)> f);
  void OnIceConnectionStateChange(std::function<void(ice::ConnectionState)> f);
  void OnSignalingStateChange(std::function<void(peer::SignalingState)> f);
  void OnIceGatheringStateChange(std::function<void(ice::GatheringState)> f);
  void OnNegotiationNeeded(std::function<void()> f);

 private:
  PeerConnection(std::shared_ptr<RuntimeLoop> loop,
                 std::shared_ptr<internal::PeerConnectionObserver> observer,
                 RuntimeLoop::PcId id)
      : loop_(std::move(loop)), observer_(std::move(observer)), id_(id) {}

  // Runs `fn` on the loop thread against the core object.
  absl::Status With(
      absl::FunctionRef<void(peer::PeerConnection&, Timestamp)> fn) const;

  const std::shared_ptr<RuntimeLoop> loop_;
  const std::shared_ptr<internal::PeerConnectionObserver> observer_;
  const RuntimeLoop::PcId id_;
};

}  // namespace simrtc::net

#endif  // NET_PEER_CONNECTION_H_
