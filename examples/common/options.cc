#include "examples/common/options.h"

#include <cstring>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "examples/common/console.h"

ABSL_FLAG(std::string, signal, "",
          "stdin (base64 lines on stdin/stdout) or http; the default depends "
          "on the program");
ABSL_FLAG(std::string, http, "127.0.0.1:8080",
          "answerer: HTTP address serving the page and POST /offer");
ABSL_FLAG(std::string, offer_url, "http://127.0.0.1:8080/offer",
          "offerer with --signal=http: where to POST the offer");
ABSL_FLAG(double, interval, 5, "seconds between sent messages");
ABSL_FLAG(int, count, 0,
          "when > 0: send this many messages, exit once as many were "
          "received");
ABSL_FLAG(double, duration, 0,
          "when > 0: seconds to run (a failure if --count is not reached)");
ABSL_FLAG(bool, loopback_ice, true,
          "ICE on 127.0.0.1 only (false: every IPv4 interface)");
ABSL_FLAG(bool, verbose, false, "log the stack's debug messages to stderr");

namespace simrtc::examples {

absl::StatusOr<Options> ParseOptions(int argc, char** argv,
                                     SignalMode default_signal) {
  std::vector<std::string> storage;
  std::vector<char*> args = NormalizeFlagNames(argc, argv, storage);
  const std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(args.size()) - 1, args.data());
  if (positional.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("unexpected argument \"%s\"", positional[1]));
  }
  Options o;
  const std::string signal = absl::GetFlag(FLAGS_signal);
  if (signal.empty()) {
    o.signal = default_signal;
  } else if (signal == "stdin") {
    o.signal = SignalMode::kStdin;
  } else if (signal == "http") {
    o.signal = SignalMode::kHttp;
  } else {
    return absl::InvalidArgumentError(
        absl::StrFormat("--signal=%s: expected stdin or http", signal));
  }
  auto http = SocketAddress::Parse(absl::GetFlag(FLAGS_http));
  if (!http.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--http=%s: %s", absl::GetFlag(FLAGS_http), http.status().message()));
  }
  o.http = *http;
  o.offer_url = absl::GetFlag(FLAGS_offer_url);
  const double interval = absl::GetFlag(FLAGS_interval);
  if (!(interval >= 0.001 && interval <= 86400)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--interval=%g: expected 0.001..86400 seconds", interval));
  }
  o.interval = TimeDelta::SecondsF(interval);
  o.count = absl::GetFlag(FLAGS_count);
  if (o.count < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--count=%d: expected 0 or more", o.count));
  }
  const double duration = absl::GetFlag(FLAGS_duration);
  if (!(duration >= 0 && duration <= 1e7)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--duration=%g: expected 0 (no limit) or seconds", duration));
  }
  o.duration = TimeDelta::SecondsF(duration);
  o.loopback_ice = absl::GetFlag(FLAGS_loopback_ice);
  o.verbose = absl::GetFlag(FLAGS_verbose);
  return o;
}

int ExitUsage(const absl::Status& status) {
  Complain("usage: %s (--help lists the flags)", status.message());
  return 2;
}

int ExitFailure(std::string_view what, const absl::Status& status) {
  Complain("FAIL: %s: %s", what, status.ToString());
  return 1;
}

}  // namespace simrtc::examples
