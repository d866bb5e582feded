// HTTP odds and ends of the examples that do their own signaling (hub,
// ice_restart, offer_answer): addresses and URLs from flags, and refusing a
// request.
#ifndef EXAMPLES_COMMON_HTTP_H_
#define EXAMPLES_COMMON_HTTP_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/socket_address.h"
#include "net/signal/http_server.h"

namespace simrtc::examples {

// "IP:port" (SocketAddress::Parse), or "localhost:port" for
// 127.0.0.1:port.
absl::StatusOr<SocketAddress> ParseHttpAddress(std::string_view text);

// `url` when it ends with `path` ("/offer"); otherwise `url` without its
// trailing slashes, then `path`: "http://h:1/" -> "http://h:1/offer".
std::string EndpointUrl(std::string url, std::string_view path);

// A reply with `status` and the status message (plus a newline) as its
// text/plain body, after the diagnostic "<program>: refusing <what>:
// <message>" (console.h Note).
signal::HttpResponse Refusal(int status, const absl::Status& why,
                             std::string_view what);

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_HTTP_H_
