#include "examples/common/pumps.h"

#include <atomic>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "core/base/byte_io.h"
#include "examples/common/console.h"

namespace simrtc::examples {

// One channel's shared state: callbacks hold it (not the channel itself,
// which would keep the channel alive through its own callbacks).
struct Pumps::Channel {
  std::weak_ptr<net::DataChannel> dc;
  std::string label;
  std::atomic<int> id{-1};  // known once open
  std::atomic<bool> closed{false};
};

Pumps::Pumps(Progress& progress, TimeDelta interval, int close_after)
    : progress_(progress), interval_(interval), close_after_(close_after) {}

Pumps::~Pumps() { Stop(); }

void Pumps::Add(const std::shared_ptr<net::DataChannel>& channel) {
  Attach(channel, /*detached=*/false);
}

void Pumps::AddDetached(const std::shared_ptr<net::DataChannel>& channel) {
  Attach(channel, /*detached=*/true);
}

void Pumps::Attach(const std::shared_ptr<net::DataChannel>& channel,
                   bool detached) {
  auto c = std::make_shared<Channel>();
  c->dc = channel;
  c->label = channel->label();
  // Callbacks run on the runtime's loop thread; the facade calls made here
  // (id()) run at once there.
  channel->OnOpen([this, c, detached] {
    std::shared_ptr<net::DataChannel> dc = c->dc.lock();
    if (dc == nullptr) return;
    c->id = dc->id();
    Say("Data channel '%s'-'%d' open. Random messages will now be sent to "
        "any connected DataChannels every %s",
        c->label, c->id.load(), interval_.ToString());
    Spawn([this, c, detached] { SendLoop(c, detached); });
    if (detached) Spawn([this, c] { ReadLoop(c); });
  });
  if (!detached) {
    channel->OnMessage([this, c](const datachannel::Message& m) {
      Say("Message from DataChannel '%s': '%s'", c->label, Printable(m.text()));
      progress_.Received();
    });
  }
  channel->OnClose([this, c] {
    c->closed = true;
    Say("Data channel '%s'-'%d' closed", c->label, c->id.load());
    progress_.ChannelClosed();
  });
  channel->OnError([c](const absl::Status& error) {
    Complain("data channel '%s': %s", c->label, error.ToString());
  });
}

void Pumps::Spawn(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;
  threads_.emplace_back(std::move(fn));
}

void Pumps::SendLoop(const std::shared_ptr<Channel>& c, bool detached) {
  int sent = 0;
  while (progress_.Sleep(interval_) && !c->closed &&
         !progress_.sending_done()) {
    std::shared_ptr<net::DataChannel> dc = c->dc.lock();
    if (dc == nullptr) return;
    const std::string text = RandomText();
    Say("Sending '%s'", text);
    const absl::Status s = detached
                               ? dc->Write(AsBytes(text), /*is_string=*/true)
                               : dc->SendText(text);
    if (!s.ok()) {
      // A channel that closed meanwhile is not an error.
      if (!c->closed) Complain("sending on '%s': %s", c->label, s.ToString());
      return;
    }
    progress_.Sent();
    if (close_after_ > 0 && ++sent >= close_after_) {
      Say("Sent %d times. Closing data channel '%s'-'%d'", sent, c->label,
          c->id.load());
      if (absl::Status closed = dc->Close(); !closed.ok()) {
        Complain("closing '%s': %s", c->label, closed.ToString());
      }
      return;
    }
  }
}

void Pumps::ReadLoop(const std::shared_ptr<Channel>& c) {
  while (!progress_.finished()) {
    std::shared_ptr<net::DataChannel> dc = c->dc.lock();
    if (dc == nullptr) return;
    // A bounded wait, so the loop notices the end of the run.
    absl::StatusOr<datachannel::Message> m = dc->Read(TimeDelta::Millis(200));
    if (m.ok()) {
      Say("Message from DataChannel '%s': '%s'", c->label,
          Printable(m->text()));
      progress_.Received();
      continue;
    }
    if (m.status().code() == absl::StatusCode::kDeadlineExceeded) continue;
    // OutOfRange: closed and drained; otherwise the connection is gone.
    if (m.status().code() != absl::StatusCode::kOutOfRange && !c->closed) {
      Complain("reading '%s': %s", c->label, m.status().ToString());
    }
    return;
  }
}

void Pumps::Stop() {
  progress_.Finish();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace simrtc::examples
