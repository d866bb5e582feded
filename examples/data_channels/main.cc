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
#include <memory>

#include "absl/flags/usage.h"
#include "examples/common/options.h"
#include "examples/common/progress.h"
#include "examples/common/pumps.h"
#include "examples/common/signaling.h"

namespace simrtc::examples {
namespace {

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "answers data-channel offers from a browser page (--http) or a base64 "
      "line on stdin (--signal=stdin) and exchanges random messages");
  absl::StatusOr<Options> options = ParseOptions(argc, argv, SignalMode::kHttp);
  if (!options.ok()) return ExitUsage(options.status());

  Progress::Limits limits = Progress::LimitsFrom(*options);
  // One session on stdin; a browser may reload the page over HTTP.
  limits.fail_on_early_close = options->signal == SignalMode::kStdin;
  Progress progress(limits);
  Pumps pumps(progress, options->interval);
  auto runtime = MakeRuntime(*options);
  if (!runtime.ok()) return ExitFailure("runtime", runtime.status());

  auto answerer = Answerer::Start(
      **runtime, *options, peer::Configuration{},
      [&](net::PeerConnection& pc) {
        pc.OnDataChannel([&](std::shared_ptr<net::DataChannel> channel) {
          pumps.Add(channel);
        });
        return absl::OkStatus();
      },
      progress);
  if (!answerer.ok()) return ExitFailure("answering", answerer.status());

  const int code = progress.Wait();
  pumps.Stop();
  (*answerer)->Stop();
  return code;
}

}  // namespace
}  // namespace simrtc::examples

int main(int argc, char** argv) { return simrtc::examples::Run(argc, argv); }
