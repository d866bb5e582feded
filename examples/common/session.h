// The whole run of a data-channel example once its options are parsed:
// MakeRuntime, then as the answerer (Answerer::Start; every channel the
// peer opens goes to the Pumps) or the offerer (ConnectOfferer; it creates
// the channel "data" for the Pumps), until a Progress with the options'
// limits (Progress::LimitsFrom) and the session's decides. Prints the
// lines of pumps.h and signaling.h; the exit status is Progress::Wait's, or
// 1 after "FAIL: runtime|answering|offering: <status>" on stderr when the
// session could not start (options.h ExitFailure).
#ifndef EXAMPLES_COMMON_SESSION_H_
#define EXAMPLES_COMMON_SESSION_H_

#include "examples/common/options.h"

namespace simrtc::examples {

enum class Role { kOffer, kAnswer };

struct Session {
  Role role = Role::kOffer;
  // PeerConnections made with Configuration::detach_data_channels, their
  // channels pumped by reader and writer threads (Pumps::AddDetached).
  bool detached = false;
  int close_after = 0;  // Pumps' close_after: 0, never close
  // The Progress::Limits besides those of Progress::LimitsFrom(options).
  bool exit_on_close = false;
  bool fail_on_early_close = false;
};

int RunSession(const Options& options, const Session& session);

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_SESSION_H_
