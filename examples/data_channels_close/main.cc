// data_channels_close: a data-channel session that ends by closing the
// channel, after the seed's "data-channels-close" example. Like
// data_channels_create (--role offer, the default: creates the channel
// "data") or data_channels (--role answer: takes the peer's channel), it
// prints "Data channel '<label>'-'<id>' open", sends 15 random letters every
// --interval seconds and prints what arrives. After --close-after N sent
// messages (default 5; 0: never) it prints "Sent N times. Closing data
// channel '<label>'-'<id>'" and closes the channel. Whichever side closes,
// both print "Data channel '<label>'-'<id>' closed" and exit 0.
//
//   data_channels_close --role offer                 # prints a base64 offer
//   data_channels_close --role answer --signal=stdin --close-after 0
//                                                    # paste the offer there
//   then paste the answer line into the offerer; after 5 messages the
//   offerer closes the channel and both programs end.
// Over HTTP: --role answer serves the browser page and POST /offer on
// --http (the default for that role), --role offer --signal=http posts to
// --offer-url.
//
// ICE uses 127.0.0.1 only unless --loopback_ice=false; --duration S bounds
// the run (reaching it is a failure when --count was given).
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "examples/common/options.h"
#include "examples/common/session.h"

ABSL_FLAG(std::string, role, "offer",
          "offer (creates the channel) or answer (takes the peer's)");
ABSL_FLAG(int, close_after, 5,
          "close the channel after sending this many messages (0: never)");

namespace simrtc::examples {
namespace {

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "a data-channel session that closes the channel after --close-after "
      "messages: --role offer|answer, signaling as data_channels(_create)");
  // The default signaling follows the role, which is only known after
  // parsing: look for it first.
  SignalMode default_signal = SignalMode::kStdin;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--role=answer" || (arg == "--role" && i + 1 < argc &&
                                   std::string(argv[i + 1]) == "answer")) {
      default_signal = SignalMode::kHttp;
    }
  }
  absl::StatusOr<Options> options = ParseOptions(argc, argv, default_signal);
  if (!options.ok()) return ExitUsage(options.status());
  const std::string role = absl::GetFlag(FLAGS_role);
  if (role != "offer" && role != "answer") {
    return ExitUsage(absl::InvalidArgumentError(
        "--role must be offer or answer, got \"" + role + "\""));
  }
  const int close_after = absl::GetFlag(FLAGS_close_after);
  if (close_after < 0) {
    return ExitUsage(
        absl::InvalidArgumentError("--close-after must be 0 or more"));
  }

  return RunSession(*options,
                    {.role = role == "offer" ? Role::kOffer : Role::kAnswer,
                     .close_after = close_after,
                     .exit_on_close = true});
}

}  // namespace
}  // namespace simrtc::examples

int main(int argc, char** argv) { return simrtc::examples::Run(argc, argv); }
