// Connecting the data-channel examples: the answering side and the
// offering side (their runtime: MakeRuntime of runtime.h), with either
// signaling mode of Options (non-trickle: every description is sent after ICE
// gathering completed).
//
// Prints on stdout, besides the channel lines of pumps.h:
//  * stdin mode: the local description as one base64 line (sdp_codec.h).
//  * http mode, answerer: "LISTENING <ip>:<port>" once the server is up.
//  * "Peer Connection State has changed: <state>" on every change.
// A PeerConnection that fails ends the run (Progress::Fail), except in the
// http answerer, which serves any number of browser sessions and only
// reports it.
#ifndef EXAMPLES_COMMON_SIGNALING_H_
#define EXAMPLES_COMMON_SIGNALING_H_

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/peer/configuration.h"
#include "examples/common/options.h"
#include "examples/common/progress.h"
#include "examples/common/runtime.h"
#include "net/peer_connection.h"
#include "net/runtime.h"
#include "net/signal/http_server.h"

namespace simrtc::examples {

// Called for each new PeerConnection before negotiation starts: the
// answerer sets OnDataChannel here, the offerer creates its channel.
using SetupFn = std::function<absl::Status(net::PeerConnection&)>;

// The answering side. stdin mode: reads one base64 offer line from stdin,
// answers it and prints the base64 answer line (Start returns then; one
// session). http mode: serves DataChannelsPage() at GET / and the SDP
// endpoint at POST /offer on options.http; each offer gets a new
// PeerConnection.
class Answerer {
 public:
  static absl::StatusOr<std::unique_ptr<Answerer>> Start(
      net::Runtime& runtime, const Options& options, peer::Configuration config,
      SetupFn setup, Progress& progress);
  // Stop().
  ~Answerer();
  // Stops the server and closes every PeerConnection; idempotent.
  void Stop();

 private:
  Answerer(net::Runtime& runtime, const Options& options,
           peer::Configuration config, SetupFn setup, Progress& progress);
  // Answers one offer SDP with a new PeerConnection (blocks for gathering).
  absl::StatusOr<std::string> Answer(std::string offer_sdp, bool single);

  net::Runtime& runtime_;
  const Options options_;
  const peer::Configuration config_;
  const SetupFn setup_;
  Progress& progress_;
  std::unique_ptr<signal::HttpServer> server_;
  std::mutex mu_;
  std::vector<std::unique_ptr<net::PeerConnection>> pcs_;  // guarded by mu_
};

// The offering side: a PeerConnection, setup() (which creates the
// channel), the offer after gathering, then stdin mode: prints the base64
// offer line and reads the base64 answer line from stdin; http mode: POSTs
// the offer SDP to options.offer_url (retrying while nobody listens there,
// for up to 30 s or --duration) and applies the answer SDP.
absl::StatusOr<std::unique_ptr<net::PeerConnection>> ConnectOfferer(
    net::Runtime& runtime, const Options& options, peer::Configuration config,
    SetupFn setup, Progress& progress);

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_SIGNALING_H_
