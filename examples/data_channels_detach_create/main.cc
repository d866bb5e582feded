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
      "offers a detached data channel (base64 lines on stdin/stdout, or "
      "--signal=http --offer-url=URL) and reads/writes it from threads");
  absl::StatusOr<Options> options =
      ParseOptions(argc, argv, SignalMode::kStdin);
  if (!options.ok()) return ExitUsage(options.status());

  Progress::Limits limits = Progress::LimitsFrom(*options);
  limits.fail_on_early_close = true;
  Progress progress(limits);
  Pumps pumps(progress, options->interval);
  auto runtime = MakeRuntime(*options);
  if (!runtime.ok()) return ExitFailure("runtime", runtime.status());

  peer::Configuration config;
  config.detach_data_channels = true;
  auto pc = ConnectOfferer(
      **runtime, *options, config,
      [&](net::PeerConnection& pc) -> absl::Status {
        auto channel = pc.CreateDataChannel("data");
        if (!channel.ok()) return channel.status();
        pumps.AddDetached(*channel);
        return absl::OkStatus();
      },
      progress);
  if (!pc.ok()) return ExitFailure("offering", pc.status());

  const int code = progress.Wait();
  pumps.Stop();
  (void)(*pc)->Close();
  return code;
}

}  // namespace
}  // namespace simrtc::examples

int main(int argc, char** argv) { return simrtc::examples::Run(argc, argv); }
