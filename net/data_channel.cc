#include "net/data_channel.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_format.h"

namespace simrtc::net {

DataChannel::DataChannel(std::shared_ptr<RuntimeLoop> loop,
                         RuntimeLoop::PcId pc, datachannel::ChannelPtr core,
                         bool detached)
    : loop_(std::move(loop)),
      pc_(pc),
      core_(std::move(core)),
      label_(core_->label()),
      protocol_(core_->protocol()),
      ordered_(core_->ordered()),
      negotiated_(core_->negotiated()),
      max_retransmits_(core_->max_retransmits()),
      max_packet_life_time_ms_(core_->max_packet_life_time_ms()),
      detached_(detached) {}

DataChannel::~DataChannel() = default;

absl::Status DataChannel::Named(const absl::Status& s) const {
  if (s.ok()) return s;
  return absl::Status(
      s.code(), absl::StrFormat("data channel '%s': %s", label_, s.message()));
}

absl::Status DataChannel::WithCore(
    absl::FunctionRef<void(datachannel::DataChannel&, Timestamp)> fn) const {
  return Named(loop_->WithPeerConnection(
      pc_, [&](peer::PeerConnection&, Timestamp now) { fn(*core_, now); }));
}

uint16_t DataChannel::id() const {
  uint16_t id = 0;
  (void)WithCore([&](datachannel::DataChannel& c, Timestamp) { id = c.id(); });
  return id;
}

datachannel::ChannelState DataChannel::ready_state() const {
  datachannel::ChannelState state = datachannel::ChannelState::kClosed;
  (void)WithCore(
      [&](datachannel::DataChannel& c, Timestamp) { state = c.state(); });
  return state;
}

size_t DataChannel::BufferedAmount() const {
  size_t amount = 0;
  (void)WithCore([&](datachannel::DataChannel& c, Timestamp) {
    amount = c.buffered_amount();
  });
  return amount;
}

size_t DataChannel::buffered_amount_low_threshold() const {
  size_t threshold = 0;
  (void)WithCore([&](datachannel::DataChannel& c, Timestamp) {
    threshold = c.buffered_amount_low_threshold();
  });
  return threshold;
}

absl::Status DataChannel::SetBufferedAmountLowThreshold(size_t threshold) {
  return WithCore([&](datachannel::DataChannel& c, Timestamp) {
    c.set_buffered_amount_low_threshold(threshold);
  });
}

absl::Status DataChannel::SendText(std::string_view text) {
  absl::Status result;
  absl::Status s = WithCore([&](datachannel::DataChannel& c, Timestamp now) {
    result = c.SendText(now, text);
  });
  return s.ok() ? result : s;
}

absl::Status DataChannel::SendBinary(ByteSpan data) {
  absl::Status result;
  absl::Status s = WithCore([&](datachannel::DataChannel& c, Timestamp now) {
    result = c.SendBinary(now, data);
  });
  return s.ok() ? result : s;
}

absl::Status DataChannel::Send(const datachannel::Message& message) {
  absl::Status result;
  absl::Status s = WithCore([&](datachannel::DataChannel& c, Timestamp now) {
    result = c.Send(now, message);
  });
  return s.ok() ? result : s;
}

absl::Status DataChannel::Write(ByteSpan data, bool is_string) {
  absl::Status result;
  absl::Status s = WithCore([&](datachannel::DataChannel& c, Timestamp now) {
    result = c.Write(now, data, is_string);
  });
  return s.ok() ? result : s;
}

absl::Status DataChannel::Close() {
  absl::Status result;
  absl::Status s = WithCore([&](datachannel::DataChannel& c, Timestamp now) {
    result = c.Close(now);
  });
  // Closing a channel whose PeerConnection is gone is a no-op.
  if (absl::IsNotFound(s) || absl::IsUnavailable(s)) return absl::OkStatus();
  return s.ok() ? result : s;
}

void DataChannel::OnOpen(std::function<void()> f) {
  std::shared_ptr<const std::function<void()>> old;
  bool late = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    late = f && open_delivered_ && !closed_;
    // Installing under mu_ makes "set" and "already open?" one step against
    // DeliverOpen: the new callback runs exactly once either way.
    old = on_open_.Exchange(late ? nullptr : f);
  }
  if (late) loop_->Post(std::move(f));
}

void DataChannel::OnMessage(
    std::function<void(const datachannel::Message&)> f) {
  on_message_.Set(std::move(f));
}

void DataChannel::OnClose(std::function<void()> f) {
  on_close_.Set(std::move(f));
}

void DataChannel::OnError(std::function<void(const absl::Status&)> f) {
  on_error_.Set(std::move(f));
}

void DataChannel::OnBufferedAmountLow(std::function<void()> f) {
  on_buffered_amount_low_.Set(std::move(f));
}

void DataChannel::Detach() {
  std::lock_guard<std::mutex> lock(mu_);
  detached_ = true;
}

bool DataChannel::detached() const {
  std::lock_guard<std::mutex> lock(mu_);
  return detached_;
}

size_t DataChannel::readable() const {
  std::lock_guard<std::mutex> lock(mu_);
  return inbox_.size();
}

absl::StatusOr<datachannel::Message> DataChannel::Read(TimeDelta timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!detached_) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "data channel '%s': Read() needs a detached channel (Detach())",
        label_));
  }
  auto ready = [this] { return !inbox_.empty() || closed_; };
  if (!ready()) {
    if (loop_->IsLoopThread()) {
      return absl::UnavailableError(absl::StrFormat(
          "data channel '%s': Read() on the loop thread with nothing queued "
          "(blocking would stall the runtime)",
          label_));
    }
    if (timeout.IsInfinite()) {
      readable_cv_.wait(lock, ready);
    } else {
      const auto deadline = std::chrono::steady_clock::now() +
                            std::chrono::microseconds(timeout.us());
      if (!readable_cv_.wait_until(lock, deadline, ready)) {
        return absl::DeadlineExceededError(
            absl::StrFormat("data channel '%s': no message within %s", label_,
                            timeout.ToString()));
      }
    }
  }
  if (!inbox_.empty()) {
    datachannel::Message m = std::move(inbox_.front());
    inbox_.pop_front();
    return m;
  }
  return absl::OutOfRangeError(
      absl::StrFormat("data channel '%s': closed", label_));
}

// ---- Delivery (loop thread) -------------------------------------------

void DataChannel::DeliverOpen() {
  std::shared_ptr<const std::function<void()>> f;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (open_delivered_ || closed_) return;
    open_delivered_ = true;
    f = on_open_.Get();
  }
  if (f) (*f)();
}

void DataChannel::DeliverMessage(datachannel::Message message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    if (detached_) {
      inbox_.push_back(std::move(message));
      readable_cv_.notify_all();
      return;
    }
  }
  on_message_.Invoke(message);
}

void DataChannel::DeliverClosed() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
    readable_cv_.notify_all();
  }
  on_close_.Invoke();
  // Nothing fires after close; dropping the callbacks also breaks cycles
  // through handles they captured.
  on_open_.Clear();
  on_message_.Clear();
  on_close_.Clear();
  on_error_.Clear();
  on_buffered_amount_low_.Clear();
}

void DataChannel::DeliverError(const absl::Status& error) {
  on_error_.Invoke(Named(error));
}

void DataChannel::DeliverBufferedAmountLow() {
  on_buffered_amount_low_.Invoke();
}

}  // namespace simrtc::net
