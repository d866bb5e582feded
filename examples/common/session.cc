#include "examples/common/session.h"

#include <memory>

#include "absl/status/status.h"
#include "core/peer/configuration.h"
#include "examples/common/progress.h"
#include "examples/common/pumps.h"
#include "examples/common/runtime.h"
#include "examples/common/signaling.h"
#include "net/data_channel.h"
#include "net/peer_connection.h"

namespace simrtc::examples {

int RunSession(const Options& options, const Session& session) {
  Progress::Limits limits = Progress::LimitsFrom(options);
  limits.exit_on_close = session.exit_on_close;
  limits.fail_on_early_close = session.fail_on_early_close;
  Progress progress(limits);
  Pumps pumps(progress, options.interval, session.close_after);
  auto runtime = MakeRuntime(options);
  if (!runtime.ok()) return ExitFailure("runtime", runtime.status());

  peer::Configuration config;
  config.detach_data_channels = session.detached;
  auto pump = [&pumps, detached = session.detached](
                  const std::shared_ptr<net::DataChannel>& channel) {
    if (detached) {
      pumps.AddDetached(channel);
    } else {
      pumps.Add(channel);
    }
  };

  if (session.role == Role::kOffer) {
    auto pc = ConnectOfferer(
        **runtime, options, config,
        [pump](net::PeerConnection& pc) -> absl::Status {
          auto channel = pc.CreateDataChannel("data");
          if (!channel.ok()) return channel.status();
          pump(*channel);
          return absl::OkStatus();
        },
        progress);
    if (!pc.ok()) return ExitFailure("offering", pc.status());
    const int code = progress.Wait();
    pumps.Stop();
    (void)(*pc)->Close();
    return code;
  }
  auto answerer = Answerer::Start(
      **runtime, options, config,
      [pump](net::PeerConnection& pc) {
        pc.OnDataChannel([pump](std::shared_ptr<net::DataChannel> channel) {
          pump(channel);
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

}  // namespace simrtc::examples
