// HTTP client calls: a general request (HttpRequestTo) and the client side
// of the SDP endpoint (PostOffer: POST the full offer SDP, get the full
// answer SDP; see http_server.h). Built on neon (Debian
// libneon27-gnutls-dev, TLS via GnuTLS), which keeps OpenSSL out of a
// process that uses BoringSSL; Debian 12's libcurl cannot (every flavour
// links libssh2, which links OpenSSL's libcrypto.so.3).
#ifndef NET_SIGNAL_HTTP_CLIENT_H_
#define NET_SIGNAL_HTTP_CLIENT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/base/time.h"

namespace simrtc::signal {

// Largest reply body HttpRequestTo and PostOffer accept.
inline constexpr size_t kMaxReplyBytes = 1024 * 1024;
inline constexpr size_t kMaxAnswerBytes = kMaxReplyBytes;

struct HttpReply {
  int status = 0;
  // The reply's media type without parameters, lower-cased
  // ("application/json"); "" when the reply had no Content-Type.
  std::string content_type;
  std::string body;
};

// Sends `method` (an HTTP token such as "GET" or "POST") to `url` (http://
// or https://, e.g. "http://127.0.0.1:8080/offer?x=1") with `body`, and
// `content_type` as its Content-Type unless empty, and returns the reply
// whatever its status (4xx and 5xx are replies, not errors). `timeout`
// bounds connecting and each wait for reply data (neon counts whole
// seconds, so it is rounded up to at least 1 s). Redirects are not
// followed; proxies from the environment are not used. Thread-safe; each
// call uses its own connection. The first call runs neon's process-wide
// set-up (ne_sock_init), which also sets SIGPIPE to SIG_IGN.
//
// Errors name the method, the URL and what went wrong: InvalidArgument for
// a bad URL, method or content type; Unimplemented for https:// without
// TLS support; Unavailable when the host cannot be resolved or reached or
// the connection breaks; DeadlineExceeded on timeout; ResourceExhausted for
// a reply body over kMaxReplyBytes.
absl::StatusOr<HttpReply> HttpRequestTo(std::string_view method,
                                        std::string_view url,
                                        std::string_view content_type,
                                        std::string_view body,
                                        TimeDelta timeout);

// POSTs `offer_sdp` to `url` (http:// or https://, e.g.
// "http://127.0.0.1:8080/offer") with Content-Type application/sdp and
// returns the answer SDP from a 200 or 201 reply. `timeout` bounds
// connecting and each wait for reply data (neon counts whole seconds, so it
// is rounded up to at least 1 s). Redirects are not followed; proxies
// from the environment are not used. Thread-safe; each call uses its own
// connection. The first call runs neon's process-wide set-up
// (ne_sock_init), which also sets SIGPIPE to SIG_IGN.
//
// Errors name the URL and what went wrong: InvalidArgument for a bad URL or
// an empty offer; Unavailable when the host cannot be resolved or reached
// or the connection breaks; DeadlineExceeded on timeout; for an HTTP error
// status, a code that follows it (400/405/415 InvalidArgument,
// 404 NotFound, 413 ResourceExhausted, 503 Unavailable, other 5xx
// Internal) with the status line and the start of the server's message;
// Internal for a success reply that is not SDP; ResourceExhausted for a
// reply over kMaxReplyBytes.
absl::StatusOr<std::string> PostOffer(
    std::string_view url, std::string_view offer_sdp,
    TimeDelta timeout = TimeDelta::Seconds(10));

}  // namespace simrtc::signal

#endif  // NET_SIGNAL_HTTP_CLIENT_H_
