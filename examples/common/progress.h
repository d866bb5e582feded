// When a data-channel example is done, and with which exit status.
//
// The channel threads report what they sent and received and when a channel
// closed; main() waits. The first decision wins:
//  * Fail(why): exit 1 (why goes to stderr), e.g. the connection failed.
//  * Finish(): exit 0, e.g. the close example saw its channel close.
//  * --count N: once N messages were sent and N received, a linger (long
//    enough for the peer to receive our last message: two intervals, at
//    least a second), then exit 0.
//  * --duration: when it runs out, exit 1 if --count was given (naming the
//    counts) or exit_on_close is set, else exit 0.
//  * a channel closing before --count is reached, with
//    fail_on_early_close: exit 1.
#ifndef EXAMPLES_COMMON_PROGRESS_H_
#define EXAMPLES_COMMON_PROGRESS_H_

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

#include "core/base/time.h"
#include "examples/common/options.h"

namespace simrtc::examples {

class Progress {
 public:
  struct Limits {
    int count = 0;                           // 0: none
    TimeDelta duration = TimeDelta::Zero();  // 0: none
    TimeDelta linger = TimeDelta::Seconds(1);
    bool exit_on_close = false;  // a channel closing finishes (exit 0)
    bool fail_on_early_close = false;
  };
  explicit Progress(Limits limits);
  // count, duration and a linger of two intervals from the options.
  static Limits LimitsFrom(const Options& options);

  void Sent();
  void Received();
  void ChannelClosed();
  void Fail(std::string why);
  void Finish();

  // True when --count messages were sent (the senders stop there).
  bool sending_done() const;
  bool finished() const;
  // Waits `d` unless the run finishes first; false once finished.
  bool Sleep(TimeDelta d);

  // Blocks until the run is decided; the exit status (1 after printing the
  // reason to stderr).
  int Wait();

 private:
  void Decide(int code, std::string why);  // mu_ held

  const Limits limits_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int sent_ = 0;
  int received_ = 0;
  std::optional<int> code_;
  std::string why_;
};

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_PROGRESS_H_
