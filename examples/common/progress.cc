#include "examples/common/progress.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_format.h"
#include "examples/common/console.h"

namespace simrtc::examples {
namespace {

using Clock = std::chrono::steady_clock;

Clock::duration ToDuration(TimeDelta d) {
  return std::chrono::microseconds(d.us());
}

}  // namespace

Progress::Progress(Limits limits) : limits_(limits) {}

Progress::Limits Progress::LimitsFrom(const Options& options) {
  Limits limits;
  limits.count = options.count;
  limits.duration = options.duration;
  limits.linger = std::max(TimeDelta::Seconds(1), options.interval * 2);
  return limits;
}

void Progress::Sent() {
  std::lock_guard<std::mutex> lock(mu_);
  ++sent_;
  cv_.notify_all();
}

void Progress::Received() {
  std::lock_guard<std::mutex> lock(mu_);
  ++received_;
  cv_.notify_all();
}

void Progress::ChannelClosed() {
  std::lock_guard<std::mutex> lock(mu_);
  if (limits_.exit_on_close) {
    Decide(0, "");
  } else if (limits_.fail_on_early_close && limits_.count > 0 &&
             (sent_ < limits_.count || received_ < limits_.count)) {
    Decide(1, absl::StrFormat("the channel closed after %d of %d messages "
                              "sent and %d of %d received",
                              sent_, limits_.count, received_, limits_.count));
  }
}

void Progress::Fail(std::string why) {
  std::lock_guard<std::mutex> lock(mu_);
  Decide(1, std::move(why));
}

void Progress::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  Decide(0, "");
}

void Progress::Decide(int code, std::string why) {
  if (code_.has_value()) return;
  code_ = code;
  why_ = std::move(why);
  cv_.notify_all();
}

bool Progress::sending_done() const {
  std::lock_guard<std::mutex> lock(mu_);
  return limits_.count > 0 && sent_ >= limits_.count;
}

bool Progress::finished() const {
  std::lock_guard<std::mutex> lock(mu_);
  return code_.has_value();
}

bool Progress::Sleep(TimeDelta d) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, ToDuration(d), [&] { return code_.has_value(); });
  return !code_.has_value();
}

int Progress::Wait() {
  const Clock::time_point deadline =
      limits_.duration > TimeDelta::Zero()
          ? Clock::now() + ToDuration(limits_.duration)
          : Clock::time_point::max();
  std::unique_lock<std::mutex> lock(mu_);
  auto counted = [&] {
    return limits_.count > 0 && sent_ >= limits_.count &&
           received_ >= limits_.count;
  };
  if (!cv_.wait_until(lock, deadline,
                      [&] { return code_.has_value() || counted(); })) {
    if (limits_.count > 0) {
      Decide(1,
             absl::StrFormat("--duration ran out with %d of %d messages "
                             "sent and %d of %d received",
                             sent_, limits_.count, received_, limits_.count));
    } else if (limits_.exit_on_close) {
      Decide(1, "--duration ran out before the channel closed");
    } else {
      Decide(0, "");
    }
  }
  if (!code_.has_value()) {
    // Counted: let our last message reach the peer (and the peer's
    // decision arrive) before the caller closes the connection. A close
    // arriving now does not change the outcome.
    cv_.wait_for(lock, ToDuration(limits_.linger),
                 [&] { return code_.has_value(); });
    if (!code_.has_value() || *code_ != 0) {
      code_.reset();
      Decide(0, "");
    }
  }
  if (*code_ != 0) Complain("FAIL: %s", why_);
  return *code_;
}

}  // namespace simrtc::examples
