// data_channels_create: the offering side of a data-channel session, after
// the seed's "data-channels-create" example. It creates a channel labelled
// "data", offers it, and once it opens prints "Data channel 'data'-'<id>'
// open", sends 15 random letters every --interval seconds ("Sending
// '<text>'") and prints each message it receives as "Message from
// DataChannel 'data': '<text>'".
//
// Copy-paste style (the default, --signal=stdin):
//   data_channels_create            # prints a base64 offer line
//   data_channels --signal=stdin    # paste it there; it prints the answer
//   then paste the base64 answer line here.
// Against a data_channels HTTP server:
//   data_channels --http=127.0.0.1:8080
//   data_channels_create --signal=http --offer-url=http://127.0.0.1:8080/offer
//
// ICE uses 127.0.0.1 only unless --loopback_ice=false. --count N and
// --duration S make it end by itself (see examples/common/options.h).
#include "absl/flags/usage.h"
#include "examples/common/options.h"
#include "examples/common/session.h"

namespace simrtc::examples {
namespace {

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "offers a data channel (base64 lines on stdin/stdout, or --signal=http "
      "--offer-url=URL) and exchanges random messages");
  absl::StatusOr<Options> options =
      ParseOptions(argc, argv, SignalMode::kStdin);
  if (!options.ok()) return ExitUsage(options.status());

  return RunSession(*options,
                    {.role = Role::kOffer, .fail_on_early_close = true});
}

}  // namespace
}  // namespace simrtc::examples

int main(int argc, char** argv) { return simrtc::examples::Run(argc, argv); }
