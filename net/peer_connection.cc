#include "net/peer_connection.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <utility>
#include <variant>

#include "absl/strings/str_format.h"

namespace simrtc::net {
namespace internal {

// Turns a driven PeerConnection's events into application callbacks. The
// channel table is touched on the loop thread only; callbacks and the
// gathering signal are thread-safe.
class PeerConnectionObserver : public RuntimeLoop::Observer {
 public:
  explicit PeerConnectionObserver(std::weak_ptr<RuntimeLoop> loop,
                                  bool detach_all)
      : loop_(std::move(loop)), detach_all_(detach_all) {}

  void OnEvents(RuntimeLoop::PcId id,
                std::vector<peer::Event>& events) override {
    for (peer::Event& e : events) {
      std::visit([&](auto& ev) { Handle(id, ev); }, e);
    }
  }

  void OnRemoved(RuntimeLoop::PcId) override {
    // Channels the core did not report closed (never connected, or the
    // runtime is going away) close here, waking blocked readers.
    std::map<const datachannel::DataChannel*, std::shared_ptr<DataChannel>>
        channels;
    channels.swap(channels_);
    for (auto& [core, ch] : channels) ch->DeliverClosed();
    {
      std::lock_guard<std::mutex> lock(gathering_mu_);
      removed_ = true;
      ++gathering_generation_;
    }
    gathering_cv_.notify_all();
  }

  // The facade for a core channel (created on first sight). Loop thread.
  std::shared_ptr<DataChannel> Channel(RuntimeLoop::PcId id,
                                       const datachannel::ChannelPtr& core) {
    auto it = channels_.find(core.get());
    if (it != channels_.end()) return it->second;
    std::shared_ptr<RuntimeLoop> loop = loop_.lock();
    if (loop == nullptr) return nullptr;
    std::shared_ptr<DataChannel> ch(
        new DataChannel(std::move(loop), id, core, detach_all_));
    channels_[core.get()] = ch;
    return ch;
  }

  void ClearCallbacks() {
    on_ice_candidate.Clear();
    on_data_channel.Clear();
    on_connection_state.Clear();
    on_ice_connection_state.Clear();
    on_signaling_state.Clear();
    on_gathering_state.Clear();
    on_negotiation_needed.Clear();
  }

  // Gathering: a counter bumped by every gathering state change (and
  // removal), so a waiter that read it before checking the state cannot
  // miss the change.
  uint64_t gathering_generation() const {
    std::lock_guard<std::mutex> lock(gathering_mu_);
    return gathering_generation_;
  }
  // False on timeout; true when the generation moved on (or removed).
  bool WaitGathering(uint64_t seen,
                     std::chrono::steady_clock::time_point deadline,
                     bool* removed) {
    std::unique_lock<std::mutex> lock(gathering_mu_);
    const bool moved = gathering_cv_.wait_until(lock, deadline, [&] {
      return gathering_generation_ != seen || removed_;
    });
    *removed = removed_;
    return moved;
  }

  Callback<void(const std::optional<peer::IceCandidateInit>&)> on_ice_candidate;
  Callback<void(std::shared_ptr<DataChannel>)> on_data_channel;
  Callback<void(peer::PeerConnectionState)> on_connection_state;
  Callback<void(ice::ConnectionState)> on_ice_connection_state;
  Callback<void(peer::SignalingState)> on_signaling_state;
  Callback<void(ice::GatheringState)> on_gathering_state;
  Callback<void()> on_negotiation_needed;

 private:
  void Handle(RuntimeLoop::PcId, const peer::SignalingStateChange& e) {
    on_signaling_state.Invoke(e.state);
  }
  void Handle(RuntimeLoop::PcId, const peer::IceGatheringStateChange& e) {
    {
      std::lock_guard<std::mutex> lock(gathering_mu_);
      ++gathering_generation_;
    }
    gathering_cv_.notify_all();
    on_gathering_state.Invoke(e.state);
  }
  void Handle(RuntimeLoop::PcId, const peer::IceConnectionStateChange& e) {
    on_ice_connection_state.Invoke(e.state);
  }
  void Handle(RuntimeLoop::PcId, const peer::ConnectionStateChange& e) {
    on_connection_state.Invoke(e.state);
  }
  void Handle(RuntimeLoop::PcId, const peer::IceCandidateEvent& e) {
    on_ice_candidate.Invoke(e.candidate);
  }
  void Handle(RuntimeLoop::PcId, const peer::NegotiationNeeded&) {
    on_negotiation_needed.Invoke();
  }
  void Handle(RuntimeLoop::PcId id, peer::DataChannelEvent& e) {
    std::visit([&](auto& ev) { HandleChannel(id, ev); }, e.event);
  }

  void HandleChannel(RuntimeLoop::PcId id, datachannel::IncomingChannel& e) {
    if (std::shared_ptr<DataChannel> ch = Channel(id, e.channel)) {
      on_data_channel.Invoke(std::move(ch));
    }
  }
  void HandleChannel(RuntimeLoop::PcId id, datachannel::ChannelOpen& e) {
    if (std::shared_ptr<DataChannel> ch = Channel(id, e.channel)) {
      ch->DeliverOpen();
    }
  }
  void HandleChannel(RuntimeLoop::PcId id, datachannel::ChannelMessage& e) {
    if (std::shared_ptr<DataChannel> ch = Channel(id, e.channel)) {
      ch->DeliverMessage(std::move(e.message));
    }
  }
  void HandleChannel(RuntimeLoop::PcId id, datachannel::ChannelClosed& e) {
    auto it = channels_.find(e.channel.get());
    if (it == channels_.end()) return;
    std::shared_ptr<DataChannel> ch = std::move(it->second);
    channels_.erase(it);
    (void)id;
    ch->DeliverClosed();
  }
  void HandleChannel(RuntimeLoop::PcId id, datachannel::ChannelError& e) {
    if (std::shared_ptr<DataChannel> ch = Channel(id, e.channel)) {
      ch->DeliverError(e.error);
    }
  }
  void HandleChannel(RuntimeLoop::PcId id,
                     datachannel::ChannelBufferedAmountLow& e) {
    if (std::shared_ptr<DataChannel> ch = Channel(id, e.channel)) {
      ch->DeliverBufferedAmountLow();
    }
  }
  // Association up/down and W3C "closing": nothing to report.
  void HandleChannel(RuntimeLoop::PcId, datachannel::ChannelClosing&) {}
  void HandleChannel(RuntimeLoop::PcId, datachannel::TransportConnected&) {}
  void HandleChannel(RuntimeLoop::PcId, datachannel::TransportClosed&) {}

  const std::weak_ptr<RuntimeLoop> loop_;
  const bool detach_all_;
  // Loop thread only: live channels by core object.
  std::map<const datachannel::DataChannel*, std::shared_ptr<DataChannel>>
      channels_;

  mutable std::mutex gathering_mu_;
  std::condition_variable gathering_cv_;
  uint64_t gathering_generation_ = 0;
  bool removed_ = false;
};

}  // namespace internal

absl::StatusOr<std::unique_ptr<PeerConnection>> PeerConnection::Create(
    Runtime& runtime, peer::Configuration config) {
  // Detaching happens in the facade (see DataChannel::Detach), so the core
  // keeps emitting message events for every channel.
  const bool detach_all = config.detach_data_channels;
  config.detach_data_channels = false;
  auto observer = std::make_shared<internal::PeerConnectionObserver>(
      runtime.loop(), detach_all);
  absl::StatusOr<RuntimeLoop::PcId> id =
      runtime.loop()->AddPeerConnection(std::move(config), observer);
  if (!id.ok()) return id.status();
  return std::unique_ptr<PeerConnection>(
      new PeerConnection(runtime.loop(), std::move(observer), *id));
}

PeerConnection::~PeerConnection() {
  observer_->ClearCallbacks();
  // Waits for the loop when called elsewhere, so no callback of ours starts
  // after this returns; on the loop thread the teardown follows the
  // current callback.
  loop_->RemovePeerConnection(id_);
}

absl::Status PeerConnection::With(
    absl::FunctionRef<void(peer::PeerConnection&, Timestamp)> fn) const {
  return loop_->WithPeerConnection(id_, fn);
}

absl::StatusOr<peer::SessionDescription> PeerConnection::CreateOffer(
    const peer::OfferOptions& options) {
  absl::StatusOr<peer::SessionDescription> result;
  absl::Status s = With([&](peer::PeerConnection& pc, Timestamp now) {
    result = pc.CreateOffer(now, options);
  });
  if (!s.ok()) return s;
  return result;
}

absl::StatusOr<peer::SessionDescription> PeerConnection::CreateAnswer(
    const peer::AnswerOptions& options) {
  absl::StatusOr<peer::SessionDescription> result;
  absl::Status s = With([&](peer::PeerConnection& pc, Timestamp now) {
    result = pc.CreateAnswer(now, options);
  });
  if (!s.ok()) return s;
  return result;
}

absl::Status PeerConnection::SetLocalDescription(
    const peer::SessionDescription& d) {
  absl::Status result;
  absl::Status s = With([&](peer::PeerConnection& pc, Timestamp now) {
    result = pc.SetLocalDescription(now, d);
  });
  return s.ok() ? result : s;
}

absl::Status PeerConnection::SetLocalDescription() {
  absl::Status result;
  absl::Status s = With([&](peer::PeerConnection& pc, Timestamp now) {
    result = pc.SetLocalDescription(now);
  });
  return s.ok() ? result : s;
}

absl::Status PeerConnection::SetRemoteDescription(
    const peer::SessionDescription& d) {
  absl::Status result;
  absl::Status s = With([&](peer::PeerConnection& pc, Timestamp now) {
    result = pc.SetRemoteDescription(now, d);
  });
  return s.ok() ? result : s;
}

absl::Status PeerConnection::AddIceCandidate(
    const peer::IceCandidateInit& candidate) {
  absl::Status result;
  absl::Status s = With([&](peer::PeerConnection& pc, Timestamp now) {
    result = pc.AddIceCandidate(now, candidate);
  });
  return s.ok() ? result : s;
}

absl::Status PeerConnection::RestartIce() {
  return With(
      [&](peer::PeerConnection& pc, Timestamp now) { pc.RestartIce(now); });
}

absl::Status PeerConnection::Close() {
  absl::Status s =
      With([&](peer::PeerConnection& pc, Timestamp now) { pc.Close(now); });
  // Already removed or the runtime stopped: closed either way.
  if (absl::IsNotFound(s) || absl::IsUnavailable(s)) return absl::OkStatus();
  return s;
}

absl::StatusOr<std::shared_ptr<DataChannel>> PeerConnection::CreateDataChannel(
    std::string label, const datachannel::ChannelInit& init) {
  absl::StatusOr<std::shared_ptr<DataChannel>> result;
  absl::Status s = With([&](peer::PeerConnection& pc, Timestamp now) {
    absl::StatusOr<datachannel::ChannelPtr> core =
        pc.CreateDataChannel(now, std::move(label), init);
    if (!core.ok()) {
      result = core.status();
      return;
    }
    result = observer_->Channel(id_, *core);
    if (*result == nullptr) {
      result = absl::UnavailableError("CreateDataChannel: runtime is gone");
    }
  });
  if (!s.ok()) return s;
  return result;
}

peer::SignalingState PeerConnection::signaling_state() const {
  peer::SignalingState v = peer::SignalingState::kClosed;
  (void)With(
      [&](peer::PeerConnection& pc, Timestamp) { v = pc.signaling_state(); });
  return v;
}

ice::GatheringState PeerConnection::ice_gathering_state() const {
  ice::GatheringState v = ice::GatheringState::kComplete;
  (void)With([&](peer::PeerConnection& pc, Timestamp) {
    v = pc.ice_gathering_state();
  });
  return v;
}

ice::ConnectionState PeerConnection::ice_connection_state() const {
  ice::ConnectionState v = ice::ConnectionState::kClosed;
  (void)With([&](peer::PeerConnection& pc, Timestamp) {
    v = pc.ice_connection_state();
  });
  return v;
}

peer::PeerConnectionState PeerConnection::connection_state() const {
  peer::PeerConnectionState v = peer::PeerConnectionState::kClosed;
  (void)With(
      [&](peer::PeerConnection& pc, Timestamp) { v = pc.connection_state(); });
  return v;
}

#define SIMRTC_NET_DESCRIPTION_GETTER(name)                                  \
  std::optional<peer::SessionDescription> PeerConnection::name() const {     \
    std::optional<peer::SessionDescription> v;                               \
    (void)With([&](peer::PeerConnection& pc, Timestamp) { v = pc.name(); }); \
    return v;                                                                \
  }
SIMRTC_NET_DESCRIPTION_GETTER(local_description)
SIMRTC_NET_DESCRIPTION_GETTER(remote_description)
SIMRTC_NET_DESCRIPTION_GETTER(current_local_description)
SIMRTC_NET_DESCRIPTION_GETTER(pending_local_description)
SIMRTC_NET_DESCRIPTION_GETTER(current_remote_description)
SIMRTC_NET_DESCRIPTION_GETTER(pending_remote_description)
#undef SIMRTC_NET_DESCRIPTION_GETTER

absl::StatusOr<peer::StatsReport> PeerConnection::GetStats() const {
  peer::StatsReport report;
  absl::Status s = With([&](peer::PeerConnection& pc, Timestamp now) {
    report = pc.GetStats(now);
  });
  if (!s.ok()) return s;
  return report;
}

std::vector<SocketAddress> PeerConnection::local_addresses() const {
  std::vector<SocketAddress> out;
  (void)With([&](peer::PeerConnection& pc, Timestamp) {
    for (const ice::LocalInterface& itf : pc.configuration().interfaces) {
      out.push_back(itf.address);
    }
  });
  return out;
}

absl::Status PeerConnection::WaitForGatheringComplete(TimeDelta timeout) {
  // "Infinite" is ten years: far enough, and no overflow in wait_until.
  const TimeDelta bounded =
      std::min(timeout, TimeDelta::Seconds(int64_t{10} * 365 * 24 * 3600));
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::microseconds(bounded.us());
  for (;;) {
    // Read the generation before the state: a change after the check
    // moves the generation, so the wait below cannot miss it.
    const uint64_t seen = observer_->gathering_generation();
    ice::GatheringState state = ice::GatheringState::kNew;
    bool closed = false;
    absl::Status s = With([&](peer::PeerConnection& pc, Timestamp) {
      state = pc.ice_gathering_state();
      closed = pc.signaling_state() == peer::SignalingState::kClosed;
    });
    if (!s.ok()) return s;
    if (state == ice::GatheringState::kComplete) return absl::OkStatus();
    if (closed) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "WaitForGatheringComplete: the connection is closed (gathering %s)",
          ice::GatheringStateName(state)));
    }
    if (loop_->IsLoopThread()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "WaitForGatheringComplete: called on the runtime's loop thread "
          "while gathering is %s (waiting would stall the runtime)",
          ice::GatheringStateName(state)));
    }
    bool removed = false;
    if (!observer_->WaitGathering(seen, deadline, &removed)) {
      return absl::DeadlineExceededError(absl::StrFormat(
          "WaitForGatheringComplete: gathering still %s after %s",
          ice::GatheringStateName(state), timeout.ToString()));
    }
    // Removed: the next With() reports it.
  }
}

absl::StatusOr<peer::SessionDescription>
PeerConnection::LocalDescriptionAfterGathering(TimeDelta timeout) {
  absl::Status s = WaitForGatheringComplete(timeout);
  if (!s.ok()) return s;
  std::optional<peer::SessionDescription> d = local_description();
  if (!d.has_value()) {
    return absl::FailedPreconditionError(
        "LocalDescriptionAfterGathering: no local description is set");
  }
  return *std::move(d);
}

// ---- Callbacks -----------------------------------------------------------

void PeerConnection::OnIceCandidate(
    std::function<void(const std::optional<peer::IceCandidateInit>&)> f) {
  observer_->on_ice_candidate.Set(std::move(f));
}
void PeerConnection::OnDataChannel(
    std::function<void(std::shared_ptr<DataChannel>)> f) {
  observer_->on_data_channel.Set(std::move(f));
}
void PeerConnection::OnConnectionStateChange(
    std::function<void(peer::PeerConnectionState)> f) {
  observer_->on_connection_state.Set(std::move(f));
}
void PeerConnection::OnIceConnectionStateChange(
    std::function<void(ice::ConnectionState)> f) {
  observer_->on_ice_connection_state.Set(std::move(f));
}
void PeerConnection::OnSignalingStateChange(
    std::function<void(peer::SignalingState)> f) {
  observer_->on_signaling_state.Set(std::move(f));
}
void PeerConnection::OnIceGatheringStateChange(
    std::function<void(ice::GatheringState)> f) {
  observer_->on_gathering_state.Set(std::move(f));
}
void PeerConnection::OnNegotiationNeeded(std::function<void()> f) {
  observer_->on_negotiation_needed.Set(std::move(f));
}

}  // namespace simrtc::net
