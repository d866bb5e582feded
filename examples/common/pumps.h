// What the data-channel examples do on each channel, in the two styles the
// runtime offers (net/data_channel.h):
//  * callbacks (Add): OnOpen prints "Data channel '<label>'-'<id>' open" and
//    starts a sender thread; OnMessage prints "Message from DataChannel
//    '<label>': '<text>'"; OnClose prints "Data channel '<label>'-'<id>'
//    closed".
//  * detached (AddDetached, for channels of a PeerConnection made with
//    Configuration::detach_data_channels): the same lines, but on open a
//    reader thread loops on DataChannel::Read and a writer thread Write()s.
// The sender/writer waits --interval, then sends 15 random letters as text
// ("Sending '<text>'"), until --count messages were sent in all, the
// channel closes or the run ends. With close_after > 0 it closes the channel
// after that many messages ("Sent <n> times. Closing data channel
// '<label>'-'<id>'"). Everything is reported to a Progress.
#ifndef EXAMPLES_COMMON_PUMPS_H_
#define EXAMPLES_COMMON_PUMPS_H_

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/base/time.h"
#include "examples/common/progress.h"
#include "net/data_channel.h"

namespace simrtc::examples {

class Pumps {
 public:
  Pumps(Progress& progress, TimeDelta interval, int close_after = 0);
  // Stop().
  ~Pumps();
  Pumps(const Pumps&) = delete;
  Pumps& operator=(const Pumps&) = delete;

  // Call right after CreateDataChannel or in OnDataChannel (any thread).
  void Add(const std::shared_ptr<net::DataChannel>& channel);
  void AddDetached(const std::shared_ptr<net::DataChannel>& channel);

  // Ends the run (Progress::Finish unless already decided), then joins
  // every thread. Call from main, never from a runtime callback.
  void Stop();

 private:
  struct Channel;
  void Attach(const std::shared_ptr<net::DataChannel>& channel, bool detached);
  void Spawn(std::function<void()> fn);  // no-op once stopping
  void SendLoop(const std::shared_ptr<Channel>& c, bool detached);
  void ReadLoop(const std::shared_ptr<Channel>& c);

  Progress& progress_;
  const TimeDelta interval_;
  const int close_after_;
  std::mutex mu_;
  bool stopping_ = false;             // guarded by mu_
  std::vector<std::thread> threads_;  // guarded by mu_
};

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_PUMPS_H_
