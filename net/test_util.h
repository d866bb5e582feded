// Helpers for the net/ tests: loopback-only runtimes, waiting on
// conditions set by callbacks (with generous timeouts, never as a timing
// assertion), and a non-trickle offer/answer between two facades.
#ifndef NET_TEST_UTIL_H_
#define NET_TEST_UTIL_H_

#include <chrono>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "net/peer_connection.h"
#include "net/runtime.h"

namespace simrtc::net::testing {

// Generous: a loopback connection takes milliseconds, but sanitizers and a
// loaded 2-core machine slow everything down.
inline constexpr std::chrono::seconds kTimeout{20};

// Loopback only, restricted to 127.0.0.1.
RuntimeOptions LoopbackOptions();
std::unique_ptr<Runtime> MakeLoopbackRuntime();

// Polls `done` every millisecond until it holds or `timeout` passes.
bool WaitUntil(const std::function<bool()>& done,
               std::chrono::milliseconds timeout = kTimeout);

// offerer: SetLocalDescription(), wait for gathering, send the complete
// offer; answerer: SetRemoteDescription, SetLocalDescription(), complete
// answer back; offerer: SetRemoteDescription. Returns the first error.
absl::Status NegotiateNonTrickle(PeerConnection& offerer,
                                 PeerConnection& answerer);

}  // namespace simrtc::net::testing

#endif  // NET_TEST_UTIL_H_
