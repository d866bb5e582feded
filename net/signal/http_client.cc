#include "net/signal/http_client.h"

#include <neon/ne_request.h>
#include <neon/ne_session.h>
#include <neon/ne_socket.h>
#include <neon/ne_uri.h>
#include <neon/ne_utils.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "net/signal/http_syntax.h"

namespace simrtc::signal {
namespace {

constexpr char kSdpMediaType[] = "application/sdp";

// ne_sock_init() is process-global and not thread-safe: run it once.
bool InitNeon() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = ne_sock_init() == 0; });
  return ok;
}

struct UriDeleter {
  void operator()(ne_uri* uri) const {
    ne_uri_free(uri);
    delete uri;
  }
};
struct SessionDeleter {
  void operator()(ne_session* s) const { ne_session_destroy(s); }
};
struct RequestDeleter {
  void operator()(ne_request* r) const { ne_request_destroy(r); }
};

struct Body {
  std::string data;
  bool too_large = false;
};

// neon's ne_block_reader: non-zero aborts the request.
int CollectBody(void* userdata, const char* buf, size_t len) {
  auto* body = static_cast<Body*>(userdata);
  if (body->data.size() + len > kMaxReplyBytes) {
    body->too_large = true;
    return -1;
  }
  body->data.append(buf, len);
  return 0;
}

absl::StatusCode CodeForHttpStatus(int status) {
  switch (status) {
    case 404:
      return absl::StatusCode::kNotFound;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 408:
    case 504:
      return absl::StatusCode::kDeadlineExceeded;
    case 413:
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 501:
      return absl::StatusCode::kUnimplemented;
    case 503:
      return absl::StatusCode::kUnavailable;
    default:
      break;
  }
  if (status >= 400 && status < 500) return absl::StatusCode::kInvalidArgument;
  if (status >= 500 && status < 600) return absl::StatusCode::kInternal;
  return absl::StatusCode::kUnknown;  // 1xx, 3xx, nonsense
}

// The first line of a server's error body, bounded and printable.
std::string FirstLine(std::string_view body) {
  body = body.substr(0, std::min(body.find('\n'), size_t{200}));
  while (!body.empty() && (body.back() == '\r' || body.back() == ' ')) {
    body.remove_suffix(1);
  }
  return absl::CHexEscape(ToAbsl(body));
}

// A reply plus its reason phrase (for PostOffer's messages).
struct FullReply {
  HttpReply reply;
  std::string reason;
};

// One request with neon; `what` is "METHOD URL" for messages.
absl::StatusOr<FullReply> Exchange(std::string_view method,
                                   std::string_view url,
                                   std::string_view content_type,
                                   std::string_view accept,
                                   std::string_view body, TimeDelta timeout) {
  const std::string url_text(url);
  const std::string method_text(method);
  if (!IsHttpToken(method_text)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("method \"%s\" is not an HTTP token",
                        absl::CHexEscape(ToAbsl(method_text.substr(0, 40)))));
  }
  const std::string what = absl::StrFormat("%s %s", method_text, url_text);
  if (content_type.find_first_of(std::string_view("\r\n\0", 3)) !=
      std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: Content-Type contains a line break", what));
  }
  if (url_text.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("URL contains a NUL byte");
  }
  if (!InitNeon()) {
    return absl::InternalError("neon: ne_sock_init failed");
  }
  std::unique_ptr<ne_uri, UriDeleter> uri(new ne_uri{});
  if (ne_uri_parse(url_text.c_str(), uri.get()) != 0 ||
      uri->scheme == nullptr || uri->host == nullptr || uri->host[0] == '\0') {
    return absl::InvalidArgumentError(
        absl::StrFormat("URL \"%s\": expected http://HOST:PORT/PATH",
                        absl::CHexEscape(ToAbsl(url_text.substr(0, 200)))));
  }
  const std::string scheme = uri->scheme;
  if (scheme != "http" && scheme != "https") {
    return absl::InvalidArgumentError(absl::StrFormat(
        "URL \"%s\": scheme \"%s\" is not http or https", url_text, scheme));
  }
  if (scheme == "https" && !ne_has_support(NE_FEATURE_SSL)) {
    return absl::UnimplementedError(
        absl::StrFormat("URL \"%s\": this neon has no TLS support", url_text));
  }
  const unsigned port =
      uri->port != 0 ? uri->port : ne_uri_defaultport(scheme.c_str());
  std::string path = (uri->path != nullptr && uri->path[0] != '\0')
                         ? std::string(uri->path)
                         : std::string("/");
  if (uri->query != nullptr) path += absl::StrFormat("?%s", uri->query);

  std::unique_ptr<ne_session, SessionDeleter> session(
      ne_session_create(scheme.c_str(), uri->host, port));
  if (session == nullptr) {
    return absl::InternalError("neon: ne_session_create failed");
  }
  const int seconds = static_cast<int>(
      std::clamp<int64_t>((timeout.us() + 999999) / 1000000, 1, 24 * 3600));
  ne_set_connect_timeout(session.get(), seconds);
  ne_set_read_timeout(session.get(), seconds);
  ne_set_session_flag(session.get(), NE_SESSFLAG_PERSIST, 0);
  ne_set_useragent(session.get(), "simrtc");
  if (scheme == "https") ne_ssl_trust_default_ca(session.get());

  std::unique_ptr<ne_request, RequestDeleter> request(
      ne_request_create(session.get(), method_text.c_str(), path.c_str()));
  if (!content_type.empty()) {
    ne_add_request_header(request.get(), "Content-Type",
                          std::string(content_type).c_str());
  }
  if (!accept.empty()) {
    ne_add_request_header(request.get(), "Accept", std::string(accept).c_str());
  }
  // A POST/PUT always carries a body (Content-Length: 0 when empty);
  // other methods only when there is one.
  if (!body.empty() || method_text == "POST" || method_text == "PUT") {
    ne_set_request_body_buffer(request.get(), body.data(), body.size());
  }
  Body reply_body;
  ne_add_response_body_reader(request.get(), ne_accept_always, &CollectBody,
                              &reply_body);

  const int rc = ne_request_dispatch(request.get());
  if (reply_body.too_large) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "%s: reply is larger than %d bytes", what, kMaxReplyBytes));
  }
  switch (rc) {
    case NE_OK:
      break;
    case NE_LOOKUP:
      return absl::UnavailableError(
          absl::StrFormat("%s: cannot resolve the host: %s", what,
                          ne_get_error(session.get())));
    case NE_CONNECT:
      return absl::UnavailableError(absl::StrFormat(
          "%s: cannot connect: %s", what, ne_get_error(session.get())));
    case NE_AUTH:
    case NE_PROXYAUTH:
      return absl::UnauthenticatedError(
          absl::StrFormat("%s: authentication required: %s", what,
                          ne_get_error(session.get())));
    case NE_TIMEOUT:
      return absl::DeadlineExceededError(
          absl::StrFormat("%s: no reply within %d s: %s", what, seconds,
                          ne_get_error(session.get())));
    default:
      return absl::UnavailableError(
          absl::StrFormat("%s: %s", what, ne_get_error(session.get())));
  }
  const ne_status* status = ne_get_status(request.get());
  FullReply out;
  out.reply.status = status->code;
  out.reason = status->reason_phrase != nullptr ? status->reason_phrase : "";
  if (const char* type =
          ne_get_response_header(request.get(), "Content-Type")) {
    out.reply.content_type = MediaType(type);
  }
  out.reply.body = std::move(reply_body.data);
  return out;
}

}  // namespace

absl::StatusOr<HttpReply> HttpRequestTo(std::string_view method,
                                        std::string_view url,
                                        std::string_view content_type,
                                        std::string_view body,
                                        TimeDelta timeout) {
  absl::StatusOr<FullReply> full =
      Exchange(method, url, content_type, "", body, timeout);
  if (!full.ok()) return full.status();
  return std::move(full->reply);
}

absl::StatusOr<std::string> PostOffer(std::string_view url,
                                      std::string_view offer_sdp,
                                      TimeDelta timeout) {
  const std::string what = absl::StrFormat("POST %s", url);
  if (offer_sdp.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: the offer SDP is empty", what));
  }
  absl::StatusOr<FullReply> full =
      Exchange("POST", url, kSdpMediaType, kSdpMediaType, offer_sdp, timeout);
  if (!full.ok()) return full.status();
  const int code = full->reply.status;
  const std::string& body = full->reply.body;
  if (code != 200 && code != 201) {
    return absl::Status(CodeForHttpStatus(code),
                        absl::StrFormat("%s: HTTP %d %s: %s", what, code,
                                        full->reason, FirstLine(body)));
  }
  if (body.compare(0, 2, "v=") != 0) {
    return absl::InternalError(absl::StrFormat(
        "%s: HTTP %d reply is not SDP (expected \"v=0\" first, got \"%s\")",
        what, code, FirstLine(std::string_view(body).substr(0, 32))));
  }
  return std::move(full->reply.body);
}

}  // namespace simrtc::signal
