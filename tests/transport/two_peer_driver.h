// Runs two SecurePeers over a vnet::Network on virtual time. Each step takes
// the earliest NextTimeout() of the network and both peers, advances time to
// it, calls HandleTimeout on whatever is due, then moves everything that can
// move (peer transmits -> Network::Send, deliveries -> peers) until quiet.
// No wall clock is read anywhere.
#ifndef TESTS_TRANSPORT_TWO_PEER_DRIVER_H_
#define TESTS_TRANSPORT_TWO_PEER_DRIVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/rng.h"
#include "core/base/time.h"
#include "core/srtp/profile.h"
#include "tests/transport/secure_peer.h"
#include "vnet/network.h"

namespace simrtc::transport_test {

class TwoPeerDriver {
 public:
  TwoPeerDriver(vnet::Network* network, SecurePeer* a, SecurePeer* b)
      : network_(network), a_(a), b_(b) {}

  Timestamp now() const { return now_; }
  // Moves packets until nothing moves at the current time.
  void Flush();
  // Steps until `done()` holds or virtual time would pass `deadline`.
  // Returns done(). `on_step`, if set, runs after every flush (a test's
  // application logic: senders topping up their buffers, ...).
  bool RunUntil(const std::function<bool()>& done, Timestamp deadline);
  // Runs until `deadline` regardless.
  void RunFor(TimeDelta duration);

  std::function<void(Timestamp)> on_step;
  uint64_t send_errors() const { return send_errors_; }
  uint64_t steps() const { return steps_; }

 private:
  SecurePeer* PeerFor(vnet::HostId host);

  vnet::Network* network_;
  SecurePeer* a_;
  SecurePeer* b_;
  Timestamp now_ = Timestamp::Zero();
  uint64_t send_errors_ = 0;
  uint64_t steps_ = 0;
};

// A complete two-host world: root router "internet" (10.0.0.0/24, no NAT),
// hosts "a" (DTLS client) and "b" (DTLS server) with the given links, RSA
// certificates with each other's fingerprints, both DTLS endpoints started.
struct WorldOptions {
  uint64_t seed = 1;
  vnet::LinkConfig link_a;
  vnet::LinkConfig link_b;
  std::vector<srtp::Profile> srtp_profiles_a = {
      srtp::Profile::kAeadAes128Gcm, srtp::Profile::kAes128CmHmacSha1_80};
  std::vector<srtp::Profile> srtp_profiles_b = {
      srtp::Profile::kAeadAes128Gcm, srtp::Profile::kAes128CmHmacSha1_80};
  sctp::Config sctp;
  // Replace b's expected fingerprint of a with a wrong one.
  bool corrupt_fingerprint_at_b = false;
  std::function<void(const vnet::TraceRecord&)> trace_sink;
};

struct World {
  std::unique_ptr<vnet::Network> network;
  std::unique_ptr<SecurePeer> a;
  std::unique_ptr<SecurePeer> b;
  std::unique_ptr<TwoPeerDriver> driver;
};

absl::StatusOr<World> MakeWorld(const WorldOptions& options);

// A symmetric host link: `one_way` split evenly over the two hosts' links is
// the caller's business; this just builds one with loss etc. applied to the
// up (host -> router) direction only, so that every path between the two
// hosts crosses exactly one impaired direction.
vnet::LinkConfig ImpairedLink(TimeDelta delay, double loss,
                              TimeDelta jitter = TimeDelta::Zero(),
                              bool reorder = false, double duplicate = 0.0);

}  // namespace simrtc::transport_test

#endif  // TESTS_TRANSPORT_TWO_PEER_DRIVER_H_
