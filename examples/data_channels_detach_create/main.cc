// data_channels_detach_create: data_channels_create with a detached channel,
// after the seed's "data-channels-detach-create" example. The
// PeerConnection is made with Configuration::detach_data_channels; it
// creates the channel "data" and, once it opens, a reader thread loops on
// DataChannel::Read while a writer thread Write()s 15 random letters every
// --interval seconds. It prints the same lines as data_channels_create and
// takes the same flags:
//
//   data_channels_detach_create                  # prints a base64 offer
//   data_channels_detach --signal=stdin          # paste it; prints the answer
//   then paste the answer line here. Or, against an HTTP answerer:
//   data_channels_detach_create --signal=http
//   --offer-url=http://127.0.0.1:8080/offer
#include "absl/flags/usage.h"
#include "examples/common/options.h"
#include "examples/common/session.h"

namespace simrtc::examples {
namespace {

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "offers a detached data channel (base64 lines on stdin/stdout, or "
      "--signal=http --offer-url=URL) and reads/writes it from threads");
  absl::StatusOr<Options> options =
      ParseOptions(argc, argv, SignalMode::kStdin);
  if (!options.ok()) return ExitUsage(options.status());

  return RunSession(
      *options,
      {.role = Role::kOffer, .detached = true, .fail_on_early_close = true});
}

}  // namespace
}  // namespace simrtc::examples

int main(int argc, char** argv) { return simrtc::examples::Run(argc, argv); }
