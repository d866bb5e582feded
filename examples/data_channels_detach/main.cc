// data_channels_detach: data_channels with detached channels, after the
// seed's "data-channels-detach" example. The PeerConnection is made with
// Configuration::detach_data_channels, so messages are not delivered to
// callbacks: once a channel opens, a reader thread loops on
// DataChannel::Read and a writer thread Write()s 15 random letters every
// --interval seconds. It prints the same lines as data_channels ("Data
// channel '<label>'-'<id>' open", "Sending '<text>'", "Message from
// DataChannel '<label>': '<text>'") and takes the same flags: by default it
// serves the browser page and POST /offer on --http; --signal=stdin reads a
// base64 offer line (e.g. from data_channels_detach_create) and prints the
// base64 answer line.
//
//   bazel run //examples/data_channels_detach -- --http=127.0.0.1:8080
//   then open http://localhost:8080/ (browser set-up: see
//   examples/data_channels/main.cc).
#include "absl/flags/usage.h"
#include "examples/common/options.h"
#include "examples/common/session.h"

namespace simrtc::examples {
namespace {

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "answers data-channel offers (browser page over --http, or a base64 "
      "line with --signal=stdin) and reads/writes the detached channels");
  absl::StatusOr<Options> options = ParseOptions(argc, argv, SignalMode::kHttp);
  if (!options.ok()) return ExitUsage(options.status());

  return RunSession(
      *options, {.role = Role::kAnswer,
                 .detached = true,
                 .fail_on_early_close = options->signal == SignalMode::kStdin});
}

}  // namespace
}  // namespace simrtc::examples

int main(int argc, char** argv) { return simrtc::examples::Run(argc, argv); }
