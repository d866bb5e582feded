// Command-line options shared by the data-channel examples
// (examples/data_channels*): how to signal, how often to send, when to stop.
//
//   --signal=stdin|http  stdin: the seed's copy-paste signaling,
//                        one base64 session description line (see
//                        net/signal/sdp_codec.h) on stdout and one read
//                        from stdin. http: the answerer serves a browser
//                        page at / and POST /offer on --http; the offerer
//                        POSTs its offer to --offer-url. The default
//                        depends on the program (answerers: http).
//   --http=IP:PORT       the answerer's HTTP address (default
//                        127.0.0.1:8080; port 0: any, printed as
//                        "LISTENING <ip>:<port>").
//   --offer-url=URL      where the offerer POSTs (default
//                        http://127.0.0.1:8080/offer).
//   --interval=SECONDS   between two sent messages (default 5; fractions
//                        allowed).
//   --count=N            when > 0: send N messages in all, then exit 0 once
//                        N were sent and N received (after a short linger
//                        so the last ones reach the peer).
//   --duration=SECONDS   when > 0: run at most this long; reaching it before
//                        --count is a failure, without --count a normal end.
//   --loopback_ice       ICE on 127.0.0.1 only (default true; false: every
//                        IPv4 interface).
//   --verbose            the stack's debug log on stderr.
//
// Flag names may be written with '-' or '_' (--offer-url, --offer_url;
// flag_names.h).
//
// options.cc defines these flags: a program that calls ParseOptions links
// them, and must not define flags of its own by these names (hub,
// ice_restart and offer_answer, which do, use the rest of examples/common
// only).
#ifndef EXAMPLES_COMMON_OPTIONS_H_
#define EXAMPLES_COMMON_OPTIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "examples/common/flag_names.h"

namespace simrtc::examples {

enum class SignalMode { kStdin, kHttp };

struct Options {
  SignalMode signal = SignalMode::kStdin;
  SocketAddress http;
  std::string offer_url;
  TimeDelta interval = TimeDelta::Seconds(5);
  int count = 0;
  TimeDelta duration = TimeDelta::Zero();
  bool loopback_ice = true;
  bool verbose = false;
};

// Parses the command line (Abseil flags, after NormalizeFlagNames) and
// returns the shared options; InvalidArgument naming the flag when one is
// wrong. Program-specific flags are read by the caller with absl::GetFlag.
absl::StatusOr<Options> ParseOptions(int argc, char** argv,
                                     SignalMode default_signal);

// Print the problem to stderr and return the exit status: 2 for bad usage,
// 1 for a failure ("FAIL: <what>: <status>").
int ExitUsage(const absl::Status& status);
int ExitFailure(std::string_view what, const absl::Status& status);

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_OPTIONS_H_
