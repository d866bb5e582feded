// hub::Hub: one-to-many chat over data channels (the seed's hub module).
//
// A Hub holds data channels under keys (the caller's choice: a remote
// address, a user name; generated when empty). Every message a registered
// channel receives goes to the observer and is forwarded, with its type
// (text or binary) kept, to every OTHER registered channel. A channel that
// closes is unregistered and dropped. Broadcast() sends to all of them;
// Chat() broadcasts the lines of a stream until "exit" or end of input.
//
//   hub::Hub hub({.on_message = [](const std::string& key,
//                                  const datachannel::Message& m) {
//     std::cout << key << ": " << m.text() << "\n";
//   }});
//   pc->OnDataChannel([&](std::shared_ptr<net::DataChannel> ch) {
//     (void)hub.Register(std::move(ch), "alice");
//   });
//   hub.Chat(std::cin);
//
// Contract:
//  * Every method is thread-safe and may be called from any thread,
//    including from the callbacks of any net::Runtime. Register(),
//    Unregister() and Broadcast() call the channels on the calling thread;
//    from a loop-thread callback, a channel of ANOTHER Runtime makes them
//    wait for that Runtime's loop (see net/runtime.h on such waits).
//  * Register() takes over the channel's OnMessage and OnClose callbacks
//    (or, for a detached channel, reads it with Read() on a thread of its
//    own); the caller must not set them afterwards. Register a channel
//    before it receives its first message (in OnDataChannel, or right after
//    CreateDataChannel) to see every message. A channel that is already
//    closed is refused (FailedPrecondition); a key in use is refused
//    (AlreadyExists).
//  * Received messages and closes are handed to ONE hub thread, which calls
//    the observer and forwards, in arrival order. So the observer never
//    runs on a runtime's loop thread (it may block, print, or call the
//    Hub), one observer call runs at a time, and a hub forwarding between
//    channels of different Runtimes cannot deadlock their loops.
//  * A message from channel K is sent to every channel registered when the
//    hub thread handles it, except K. A send that fails (channel closing,
//    runtime stopped) is counted in stats().send_failures and skipped; the
//    channel's close then unregisters it.
//  * Unregister(key) closes the channel and forgets it (on_unregister is
//    called); messages of it that the hub thread has not handled yet are
//    dropped. A channel closed by its peer is unregistered the same way,
//    after the messages it received before closing were forwarded.
//  * The destructor stops the hub thread and the readers, releases the
//    channels' callbacks and closes every channel still registered; no
//    observer call is running or starts once it returns. Do not destroy the
//    Hub from one of its own observer calls.
#ifndef NET_HUB_HUB_H_
#define NET_HUB_HUB_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/datachannel/data_channel.h"
#include "net/data_channel.h"

namespace simrtc::hub {

struct HubObserver {
  // A registered channel received `message`; called before the message is
  // forwarded to the other channels.
  std::function<void(const std::string& key,
                     const datachannel::Message& message)>
      on_message;
  // A channel was registered / left the hub (closed or unregistered).
  std::function<void(const std::string& key)> on_register;
  std::function<void(const std::string& key)> on_unregister;
};

struct HubStats {
  uint64_t messages_received = 0;   // from registered channels
  uint64_t messages_forwarded = 0;  // sends to other channels that succeeded
  uint64_t broadcasts = 0;          // Broadcast() calls
  uint64_t send_failures = 0;       // forwards and broadcasts refused
};

// What Chat() did.
struct ChatResult {
  size_t lines_broadcast = 0;
  // true: stopped at an "exit" line; false: end of input.
  bool exit_requested = false;
};

class Hub {
 public:
  explicit Hub(HubObserver observer = {});
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Registers `channel` under `key` and returns the key; an empty key
  // becomes "peer-<n>" (n = 1, 2, ..., skipping keys in use).
  absl::StatusOr<std::string> Register(
      std::shared_ptr<net::DataChannel> channel, std::string key = {});
  // Closes and drops the channel. NotFound for an unknown key.
  absl::Status Unregister(const std::string& key);

  // Sends `text` to every registered channel; returns how many accepted
  // it (failures are counted in stats()).
  size_t Broadcast(std::string_view text);
  // Reads `in` line by line (a trailing '\r' is dropped) and broadcasts
  // each non-empty line, until a line that is exactly "exit" or the end of
  // input.
  ChatResult Chat(std::istream& in);

  // Registered keys, sorted.
  std::vector<std::string> keys() const;
  size_t size() const;
  bool contains(const std::string& key) const;
  HubStats stats() const;

 private:
  class Core;
  std::shared_ptr<Core> core_;
};

}  // namespace simrtc::hub

#endif  // NET_HUB_HUB_H_
