#include "net/hub/hub.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/time.h"

namespace simrtc::hub {
namespace {

// How long a detached reader waits in Read() before checking whether the
// hub is shutting down.
constexpr TimeDelta kReadPoll = TimeDelta::Millis(200);

}  // namespace

class Hub::Core : public std::enable_shared_from_this<Core> {
 public:
  explicit Core(HubObserver observer) : observer_(std::move(observer)) {}

  void Start() {
    worker_ = std::thread([this] { Work(); });
  }

  absl::StatusOr<std::string> Register(std::shared_ptr<net::DataChannel> ch,
                                       std::string key);
  absl::Status Unregister(const std::string& key);
  size_t Broadcast(std::string_view text);
  void Shutdown();

  std::vector<std::string> keys() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    out.reserve(channels_.size());
    for (const auto& [key, entry] : channels_) out.push_back(key);
    return out;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return channels_.size();
  }
  bool contains(const std::string& key) const {
    std::lock_guard<std::mutex> lock(mu_);
    return channels_.contains(key);
  }
  HubStats stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

 private:
  // Reads a detached channel on its own thread.
  struct Reader {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> stop =
        std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<std::atomic<bool>> done =
        std::make_shared<std::atomic<bool>>(false);
  };
  struct Entry {
    uint64_t id = 0;
    std::shared_ptr<net::DataChannel> channel;
    std::optional<Reader> reader;
  };
  // What the hub thread does, in order.
  struct Item {
    enum class Kind { kRegistered, kMessage, kClosed, kUnregistered };
    Kind kind;
    std::string key;
    uint64_t id = 0;
    datachannel::Message message;
  };

  bool IsRegistered(uint64_t id) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, entry] : channels_) {
      if (entry.id == id) return true;
    }
    return false;
  }
  void Enqueue(Item item) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    queue_.push_back(std::move(item));
    cv_.notify_all();
  }
  void Work();
  void Forward(const Item& item);
  // Removes the entry if it is still registration `id`; with id 0, whatever
  // is registered under `key`. Returns it (caller releases it unlocked).
  std::optional<Entry> Remove(const std::string& key, uint64_t id);
  // Drops the hub's callbacks and reader; closes the channel if asked.
  void Release(Entry& entry, bool close);
  void JoinFinishedReaders();
  void StartReader(Entry& entry, const std::string& key);

  const HubObserver observer_;
  std::thread worker_;

  mutable std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::map<std::string, Entry> channels_;
  std::deque<Item> queue_;
  std::vector<Reader> retired_;  // readers of removed channels, to join
  HubStats stats_;
  uint64_t next_id_ = 1;
  uint64_t generated_names_ = 0;
  bool stopping_ = false;
};

absl::StatusOr<std::string> Hub::Core::Register(
    std::shared_ptr<net::DataChannel> ch, std::string key) {
  if (ch == nullptr) {
    return absl::InvalidArgumentError("Hub::Register: null channel");
  }
  // Asked before taking mu_: channel calls wait for the runtime's loop,
  // whose callbacks take mu_.
  if (ch->ready_state() == datachannel::ChannelState::kClosed) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "Hub::Register: data channel '%s' is already closed", ch->label()));
  }
  const bool detached = ch->detached();
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      return absl::UnavailableError("Hub::Register: the hub is shutting down");
    }
    if (key.empty()) {
      // Skips names a caller already chose.
      do {
        key = absl::StrCat("peer-", ++generated_names_);
      } while (channels_.contains(key));
    }
    if (channels_.contains(key)) {
      return absl::AlreadyExistsError(
          absl::StrFormat("Hub::Register: key \"%s\" is in use", key));
    }
    id = next_id_++;
    Entry& e = channels_[key];
    e.id = id;
    e.channel = ch;
    if (detached) StartReader(e, key);
    queue_.push_back(Item{Item::Kind::kRegistered, key, id, {}});
    cv_.notify_all();
  }
  if (!detached) {
    std::weak_ptr<Core> weak = weak_from_this();
    ch->OnMessage([weak, key, id](const datachannel::Message& m) {
      if (std::shared_ptr<Core> core = weak.lock()) {
        core->Enqueue(Item{Item::Kind::kMessage, key, id, m});
      }
    });
    ch->OnClose([weak, key, id] {
      if (std::shared_ptr<Core> core = weak.lock()) {
        core->Enqueue(Item{Item::Kind::kClosed, key, id, {}});
      }
    });
    // Unregistered meanwhile (by another thread): take the callbacks back.
    if (!IsRegistered(id)) {
      ch->OnMessage(nullptr);
      ch->OnClose(nullptr);
      return key;
    }
    // A close that happened before OnClose was set found no callback.
    if (ch->ready_state() == datachannel::ChannelState::kClosed) {
      Enqueue(Item{Item::Kind::kClosed, key, id, {}});
    }
  }
  return key;
}

// mu_ held.
void Hub::Core::StartReader(Entry& entry, const std::string& key) {
  Reader r;
  std::weak_ptr<Core> weak = weak_from_this();
  std::shared_ptr<net::DataChannel> ch = entry.channel;
  const uint64_t id = entry.id;
  r.thread = std::thread([weak, ch, key, id, stop = r.stop, done = r.done] {
    while (!stop->load()) {
      absl::StatusOr<datachannel::Message> m = ch->Read(kReadPoll);
      if (m.ok()) {
        if (std::shared_ptr<Core> core = weak.lock()) {
          core->Enqueue(Item{Item::Kind::kMessage, key, id, *std::move(m)});
        }
        continue;
      }
      if (m.status().code() == absl::StatusCode::kDeadlineExceeded) continue;
      // Closed (OutOfRange), or the PeerConnection or runtime is gone.
      if (std::shared_ptr<Core> core = weak.lock()) {
        core->Enqueue(Item{Item::Kind::kClosed, key, id, {}});
      }
      break;
    }
    done->store(true);
  });
  entry.reader = std::move(r);
}

std::optional<Hub::Core::Entry> Hub::Core::Remove(const std::string& key,
                                                  uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = channels_.find(key);
  if (it == channels_.end() || (id != 0 && it->second.id != id)) {
    return std::nullopt;
  }
  Entry e = std::move(it->second);
  channels_.erase(it);
  return e;
}

void Hub::Core::Release(Entry& entry, bool close) {
  if (entry.reader.has_value()) {
    entry.reader->stop->store(true);
  } else {
    entry.channel->OnMessage(nullptr);
    entry.channel->OnClose(nullptr);
  }
  if (close) (void)entry.channel->Close();
  if (entry.reader.has_value()) {
    std::lock_guard<std::mutex> lock(mu_);
    retired_.push_back(std::move(*entry.reader));
    entry.reader.reset();
  }
}

void Hub::Core::JoinFinishedReaders() {
  std::vector<Reader> finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = retired_.begin(); it != retired_.end();) {
      if (it->done->load()) {
        finished.push_back(std::move(*it));
        it = retired_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (Reader& r : finished) r.thread.join();
}

absl::Status Hub::Core::Unregister(const std::string& key) {
  std::optional<Entry> e = Remove(key, 0);
  if (!e.has_value()) {
    return absl::NotFoundError(
        absl::StrFormat("Hub::Unregister: no channel under \"%s\"", key));
  }
  Release(*e, /*close=*/true);
  Enqueue(Item{Item::Kind::kUnregistered, key, e->id, {}});
  return absl::OkStatus();
}

size_t Hub::Core::Broadcast(std::string_view text) {
  std::vector<std::shared_ptr<net::DataChannel>> targets;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.broadcasts;
    for (const auto& [key, entry] : channels_) targets.push_back(entry.channel);
  }
  size_t sent = 0;
  uint64_t failed = 0;
  for (const auto& ch : targets) {
    if (ch->SendText(text).ok()) {
      ++sent;
    } else {
      ++failed;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  stats_.send_failures += failed;
  return sent;
}

void Hub::Core::Forward(const Item& item) {
  std::vector<std::shared_ptr<net::DataChannel>> targets;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = channels_.find(item.key);
    // From a registration that was unregistered since: dropped.
    if (it == channels_.end() || it->second.id != item.id) return;
    ++stats_.messages_received;
    for (const auto& [key, entry] : channels_) {
      if (entry.id != item.id) targets.push_back(entry.channel);
    }
  }
  if (observer_.on_message) observer_.on_message(item.key, item.message);
  uint64_t sent = 0;
  uint64_t failed = 0;
  for (const auto& ch : targets) {
    if (ch->Send(item.message).ok()) {
      ++sent;
    } else {
      ++failed;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  stats_.messages_forwarded += sent;
  stats_.send_failures += failed;
}

void Hub::Core::Work() {
  while (true) {
    Item item;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    switch (item.kind) {
      case Item::Kind::kRegistered:
        if (observer_.on_register) observer_.on_register(item.key);
        break;
      case Item::Kind::kMessage:
        Forward(item);
        break;
      case Item::Kind::kClosed: {
        std::optional<Entry> e = Remove(item.key, item.id);
        if (!e.has_value()) break;  // already unregistered
        Release(*e, /*close=*/false);
        if (observer_.on_unregister) observer_.on_unregister(item.key);
        break;
      }
      case Item::Kind::kUnregistered:
        if (observer_.on_unregister) observer_.on_unregister(item.key);
        break;
    }
    JoinFinishedReaders();
  }
}

void Hub::Core::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    queue_.clear();
    cv_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
  std::map<std::string, Entry> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    left.swap(channels_);
  }
  for (auto& [key, entry] : left) Release(entry, /*close=*/true);
  std::vector<Reader> readers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    readers.swap(retired_);
  }
  for (Reader& r : readers) r.thread.join();
}

Hub::Hub(HubObserver observer)
    : core_(std::make_shared<Core>(std::move(observer))) {
  core_->Start();
}

Hub::~Hub() { core_->Shutdown(); }

absl::StatusOr<std::string> Hub::Register(
    std::shared_ptr<net::DataChannel> channel, std::string key) {
  return core_->Register(std::move(channel), std::move(key));
}

absl::Status Hub::Unregister(const std::string& key) {
  return core_->Unregister(key);
}

size_t Hub::Broadcast(std::string_view text) { return core_->Broadcast(text); }

ChatResult Hub::Chat(std::istream& in) {
  ChatResult result;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "exit") {
      result.exit_requested = true;
      break;
    }
    if (line.empty()) continue;
    Broadcast(line);
    ++result.lines_broadcast;
  }
  return result;
}

std::vector<std::string> Hub::keys() const { return core_->keys(); }
size_t Hub::size() const { return core_->size(); }
bool Hub::contains(const std::string& key) const {
  return core_->contains(key);
}
HubStats Hub::stats() const { return core_->stats(); }

}  // namespace simrtc::hub
