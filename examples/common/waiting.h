// Waiting in the examples' main threads: Ctrl-C (SIGINT) and SIGTERM as a
// flag, polling for a condition, and retrying a request while nobody
// listens yet.
#ifndef EXAMPLES_COMMON_WAITING_H_
#define EXAMPLES_COMMON_WAITING_H_

#include <chrono>
#include <functional>
#include <thread>

#include "absl/status/status.h"

namespace simrtc::examples {

using Clock = std::chrono::steady_clock;

// From now on SIGINT and SIGTERM set the interrupted flag instead of ending
// the process. Call once, in main.
void CatchInterrupts();
// True once a caught signal arrived (and since the last ClearInterrupted).
bool Interrupted();
// Forgets earlier signals, e.g. so that a second Ctrl-C cuts a last wait
// short.
void ClearInterrupted();

// Polls `done` every 10 ms until it holds (true) or the deadline passes or
// an interrupt arrives (then what `done` says). Without a deadline: until
// `done` or an interrupt.
bool WaitUntil(const std::function<bool()>& done,
               Clock::time_point deadline = Clock::time_point::max());

// Calls `attempt` (returning an absl::StatusOr) until it returns anything
// but Unavailable (the peer's server not up yet), the deadline passes or an
// interrupt arrives, 200 ms apart; returns the last result.
template <typename Attempt>
auto RetryWhileUnavailable(Attempt attempt, Clock::time_point deadline)
    -> decltype(attempt()) {
  while (true) {
    auto result = attempt();
    if (result.ok() ||
        result.status().code() != absl::StatusCode::kUnavailable ||
        Clock::now() > deadline || Interrupted()) {
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_WAITING_H_
