#include "examples/common/waiting.h"

#include <atomic>
#include <csignal>

namespace simrtc::examples {
namespace {

std::atomic<bool> g_interrupted{false};

void OnSignal(int) { g_interrupted.store(true); }

}  // namespace

void CatchInterrupts() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
}

bool Interrupted() { return g_interrupted.load(); }

void ClearInterrupted() { g_interrupted.store(false); }

bool WaitUntil(const std::function<bool()>& done, Clock::time_point deadline) {
  while (!done()) {
    if (Interrupted() || Clock::now() > deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace simrtc::examples
