#include "net/test_util.h"

#include <thread>
#include <utility>

#include "core/base/status_macros.h"

namespace simrtc::net::testing {

RuntimeOptions LoopbackOptions() {
  RuntimeOptions o;
  o.include_loopback = true;
  o.ip_filter = [](const IpAddress& ip) {
    return ip == IpAddress::V4(127, 0, 0, 1);
  };
  return o;
}

std::unique_ptr<Runtime> MakeLoopbackRuntime() {
  absl::StatusOr<std::unique_ptr<Runtime>> rt =
      Runtime::Create(LoopbackOptions());
  return rt.ok() ? *std::move(rt) : nullptr;
}

bool WaitUntil(const std::function<bool()>& done,
               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

absl::Status NegotiateNonTrickle(PeerConnection& offerer,
                                 PeerConnection& answerer) {
  const TimeDelta timeout = TimeDelta::Seconds(kTimeout.count());
  SIMRTC_RETURN_IF_ERROR(offerer.SetLocalDescription());
  SIMRTC_ASSIGN_OR_RETURN(peer::SessionDescription offer,
                          offerer.LocalDescriptionAfterGathering(timeout));
  SIMRTC_RETURN_IF_ERROR(answerer.SetRemoteDescription(offer));
  SIMRTC_RETURN_IF_ERROR(answerer.SetLocalDescription());
  SIMRTC_ASSIGN_OR_RETURN(peer::SessionDescription answer,
                          answerer.LocalDescriptionAfterGathering(timeout));
  return offerer.SetRemoteDescription(answer);
}

}  // namespace simrtc::net::testing
