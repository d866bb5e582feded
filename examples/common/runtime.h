// The examples' net::Runtime: which local addresses ICE gathers on, and the
// stack's debug log.
#ifndef EXAMPLES_COMMON_RUNTIME_H_
#define EXAMPLES_COMMON_RUNTIME_H_

#include <memory>

#include "absl/status/statusor.h"
#include "examples/common/options.h"
#include "net/peer_connection.h"
#include "net/runtime.h"

namespace simrtc::examples {

enum class IceAddresses {
  kLoopback,  // 127.0.0.1 only
  kIPv4,      // every IPv4 interface but loopback
  kAll,       // every interface's addresses, IPv4 and IPv6, but loopback
};

// A Runtime gathering on `addresses`; with `verbose`, the stack's debug
// messages go to stderr. Otherwise the net::RuntimeOptions defaults.
absl::StatusOr<std::unique_ptr<net::Runtime>> MakeRuntime(
    IceAddresses addresses, bool verbose = false);

// A Runtime (MakeRuntime(addresses)) and one PeerConnection on it with the
// default Configuration, for the examples with a single peer. The
// PeerConnection is declared last, so it goes first.
struct LocalPeer {
  std::unique_ptr<net::Runtime> runtime;
  std::unique_ptr<net::PeerConnection> pc;
};
absl::StatusOr<LocalPeer> MakeLocalPeer(IceAddresses addresses);

// The --loopback flag of hub, ice_restart and offer_answer: set, 127.0.0.1
// only; unset, every address.
inline IceAddresses LoopbackOrAll(bool loopback) {
  return loopback ? IceAddresses::kLoopback : IceAddresses::kAll;
}

// The data-channel examples' Runtime: ICE on 127.0.0.1 only
// (--loopback_ice, the default) or every IPv4 interface but loopback;
// --verbose logs.
absl::StatusOr<std::unique_ptr<net::Runtime>> MakeRuntime(
    const Options& options);

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_RUNTIME_H_
