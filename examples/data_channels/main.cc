// data_channels: the answering side of a data-channel session, after the
// seed's "data-channels" example. A browser (or data_channels_create)
// offers; this program answers and, on every channel the peer opens,
// prints "Data channel '<label>'-'<id>' open", sends 15 random letters
// every --interval seconds ("Sending '<text>'") and prints each message it
// receives as "Message from DataChannel '<label>': '<text>'".
//
// With a browser (the default, --signal=http):
//   bazel run //examples/data_channels -- --http=127.0.0.1:8080
//   then open http://localhost:8080/ : the page (inline HTML + JS) creates
//   the peer connection and a channel, waits for ICE gathering, POSTs the
//   offer to /offer and applies the answer; it shows what arrives and has a
//   box to send messages. ICE uses 127.0.0.1 only (--loopback_ice), so the
//   browser must offer loopback candidates: for Chromium, start it with
//   --allow-loopback-in-peer-connection
//   --disable-features=WebRtcHideLocalIpsWithMdns and allow camera and
//   microphone for the page (e.g. --use-fake-ui-for-media-stream);
//   --loopback_ice=false uses the machine's other IPv4 addresses instead.
//   "LISTENING <ip>:<port>" is printed once the server is up (port 0
//   picks one).
//
// With data_channels_create, copy-paste style (--signal=stdin):
//   data_channels_create            # prints a base64 offer line
//   data_channels --signal=stdin    # paste it; prints the base64 answer
//   then paste the answer into data_channels_create.
//
// --count N and --duration S make it end by itself (see
// examples/common/options.h); otherwise it runs until interrupted.
#include "absl/flags/usage.h"
#include "examples/common/options.h"
#include "examples/common/session.h"

namespace simrtc::examples {
namespace {

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "answers data-channel offers from a browser page (--http) or a base64 "
      "line on stdin (--signal=stdin) and exchanges random messages");
  absl::StatusOr<Options> options = ParseOptions(argc, argv, SignalMode::kHttp);
  if (!options.ok()) return ExitUsage(options.status());

  // One session on stdin; a browser may reload the page over HTTP.
  return RunSession(
      *options, {.role = Role::kAnswer,
                 .fail_on_early_close = options->signal == SignalMode::kStdin});
}

}  // namespace
}  // namespace simrtc::examples

int main(int argc, char** argv) { return simrtc::examples::Run(argc, argv); }
