#include "net/signal/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <optional>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/base/absl_compat.h"
#include "net/signal/http_syntax.h"

namespace simrtc::signal {
namespace {

// The server whose handler the current thread is running (Stop() must not
// join the thread it runs on).
thread_local const HttpServer* t_handler_server = nullptr;

constexpr char kErrorContentType[] = "text/plain; charset=utf-8";

// An error reply decided from the request line and headers.
struct Rejection {
  unsigned status = 400;
  std::string message;
  std::string allow;  // the Allow header of a 405
};

Rejection Reject(unsigned status, std::string message, std::string allow = {}) {
  Rejection r;
  r.status = status;
  r.message = std::move(message);
  r.allow = std::move(allow);
  return r;
}

// One request's state between libmicrohttpd's calls. Made by the URI log
// callback (which sees the raw request target, query included), freed by
// the completion callback.
struct Request {
  std::string query;
  bool begun = false;    // headers checked
  bool replied = false;  // a reply is queued; drop anything further
  const HttpRoute* route = nullptr;
  std::string content_type;
  std::string body;
  size_t received = 0;     // body bytes seen, kept or not
  bool too_large = false;  // body dropped; reply 413 at the end
  // Body dropped; this is the reply once it is in.
  std::optional<Rejection> rejection;
};

// Printable, bounded form of client-supplied text for error messages.
std::string Shown(std::string_view text) {
  constexpr size_t kMax = 80;
  std::string out = absl::CHexEscape(ToAbsl(text.substr(0, kMax)));
  if (text.size() > kMax) out += "...";
  return out;
}

const char* Lookup(MHD_Connection* connection, const char* header) {
  return MHD_lookup_connection_value(connection, MHD_HEADER_KIND, header);
}

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos ||
         text.find('\0') != std::string_view::npos;
}

// "a/b", "a/b or c/d", "a/b, c/d or e/f".
std::string Alternatives(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace

struct HttpServerCallbacks {
  static MHD_Result Reply(
      MHD_Connection* connection, unsigned status,
      std::string_view content_type, std::string_view body,
      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    MHD_Response* response = MHD_create_response_from_buffer(
        body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
    if (response == nullptr) return MHD_NO;
    const std::string type(content_type);
    if (!type.empty() && !HasLineBreak(type)) {
      MHD_add_response_header(response, "Content-Type", type.c_str());
    }
    for (const auto& [name, value] : headers) {
      if (!IsHttpToken(name) || HasLineBreak(value)) continue;
      const std::string lower = absl::AsciiStrToLower(name);
      if (lower == "content-type" || lower == "content-length") continue;
      MHD_add_response_header(response, name.c_str(), value.c_str());
    }
    const MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
  }

  static MHD_Result ReplyError(HttpServer& server, MHD_Connection* connection,
                               Request& request, unsigned status,
                               std::string_view message,
                               std::string_view allow = {}) {
    server.requests_answered_.fetch_add(1);
    request.replied = true;
    std::vector<std::pair<std::string, std::string>> headers;
    if (!allow.empty()) headers.emplace_back("Allow", std::string(allow));
    return Reply(connection, status, kErrorContentType,
                 absl::StrFormat("%s\n", message), headers);
  }

  static MHD_Result ReplyRejection(HttpServer& server,
                                   MHD_Connection* connection, Request& request,
                                   const Rejection& rejection) {
    return ReplyError(server, connection, request, rejection.status,
                      rejection.message, rejection.allow);
  }

  // Picks the route, or says what is wrong with the request line and
  // headers.
  static std::optional<Rejection> Check(HttpServer& server,
                                        MHD_Connection* connection,
                                        Request& request, std::string_view url,
                                        std::string_view method,
                                        std::optional<uint64_t> length) {
    if (server.stopping_.load()) return Reject(503, "server is stopping");
    std::vector<std::string> methods;  // of this path, in route order
    for (const HttpRoute& route : server.routes_) {
      if (route.path != url) continue;
      if (route.method == method) request.route = &route;
      if (std::find(methods.begin(), methods.end(), route.method) ==
          methods.end()) {
        methods.push_back(route.method);
      }
    }
    if (methods.empty()) {
      return Reject(404, absl::StrFormat("no resource at \"%s\"", Shown(url)));
    }
    if (request.route == nullptr) {
      return Reject(
          405,
          absl::StrFormat("method %s is not allowed on %s: use %s",
                          Shown(method), Shown(url), Alternatives(methods)),
          absl::StrJoin(methods, ", "));
    }
    const char* content_type = Lookup(connection, "Content-Type");
    if (content_type != nullptr) request.content_type = MediaType(content_type);
    const std::vector<std::string>& accepted = request.route->content_types;
    if (!accepted.empty()) {
      if (content_type == nullptr) {
        return Reject(415,
                      absl::StrFormat("Content-Type is missing: expected %s",
                                      Alternatives(accepted)));
      }
      const bool ok = std::any_of(
          accepted.begin(), accepted.end(), [&](const std::string& type) {
            return MediaType(type) == request.content_type;
          });
      if (!ok) {
        return Reject(
            415,
            absl::StrFormat("Content-Type \"%s\" is not supported: expected %s",
                            Shown(content_type), Alternatives(accepted)));
      }
    }
    if (length.has_value() && *length > server.options_.max_body_bytes) {
      return Reject(
          413, absl::StrFormat("body of %d bytes exceeds the limit of %d bytes",
                               *length, server.options_.max_body_bytes));
    }
    return std::nullopt;
  }

  // Headers are in; decides whether to read the body.
  static MHD_Result Begin(HttpServer& server, MHD_Connection* connection,
                          Request& request, std::string_view url,
                          std::string_view method) {
    request.begun = true;
    std::optional<uint64_t> length;  // declared body size
    if (const char* text = Lookup(connection, "Content-Length")) {
      uint64_t value = 0;
      // libmicrohttpd itself rejects a malformed Content-Length.
      if (absl::SimpleAtoi(text, &value)) length = value;
    }
    request.rejection = Check(server, connection, request, url, method, length);
    if (request.rejection.has_value()) {
      // Reply at once (libmicrohttpd then closes the connection) when no
      // body follows, when the client waits for "100 Continue" before
      // sending it, or when it is beyond the drain budget. Otherwise read
      // and drop the body first: a client still sending would see a reset
      // instead of the reply.
      const bool body_follows =
          length.has_value()
              ? *length > 0
              : Lookup(connection, "Transfer-Encoding") != nullptr;
      if (!body_follows || Lookup(connection, "Expect") != nullptr ||
          (length.has_value() && *length > server.options_.max_drain_bytes)) {
        return ReplyRejection(server, connection, request, *request.rejection);
      }
    }
    return MHD_YES;
  }

  // The whole body is in.
  static MHD_Result Finish(HttpServer& server, MHD_Connection* connection,
                           Request& request, std::string_view url,
                           std::string_view method) {
    if (request.rejection.has_value()) {
      return ReplyRejection(server, connection, request, *request.rejection);
    }
    if (request.too_large) {
      return ReplyError(
          server, connection, request, 413,
          absl::StrFormat("body of %d bytes exceeds the limit of %d bytes",
                          request.received, server.options_.max_body_bytes));
    }
    if (server.stopping_.load()) {
      return ReplyError(server, connection, request, 503, "server is stopping");
    }
    HttpRequest in;
    in.method = std::string(method);
    in.path = std::string(url);
    in.query = std::move(request.query);
    in.content_type = std::move(request.content_type);
    in.body = std::move(request.body);
    t_handler_server = &server;
    const HttpResponse out = request.route->handler(in);
    t_handler_server = nullptr;
    if (out.status < 200 || out.status > 599) {
      return ReplyError(server, connection, request, 500,
                        absl::StrFormat("the handler of %s %s returned "
                                        "status %d",
                                        Shown(method), Shown(url), out.status));
    }
    server.requests_answered_.fetch_add(1);
    request.replied = true;
    return Reply(connection, static_cast<unsigned>(out.status),
                 out.content_type, out.body, out.headers);
  }

  static void* OnUri(void* /*cls*/, const char* uri,
                     MHD_Connection* /*connection*/) {
    auto* request = new Request;
    if (uri != nullptr) {
      if (const char* q = std::strchr(uri, '?')) request->query = q + 1;
    }
    return request;
  }

  static MHD_Result OnAccess(void* cls, MHD_Connection* connection,
                             const char* url, const char* method,
                             const char* /*version*/, const char* upload_data,
                             size_t* upload_data_size, void** request_state) {
    HttpServer& server = *static_cast<HttpServer*>(cls);
    if (*request_state == nullptr) *request_state = new Request;
    Request& request = *static_cast<Request*>(*request_state);
    const std::string_view path = url != nullptr ? url : "";
    const std::string_view verb = method != nullptr ? method : "";
    if (request.replied) {
      *upload_data_size = 0;
      return MHD_YES;
    }
    if (!request.begun) return Begin(server, connection, request, path, verb);
    if (*upload_data_size == 0) {
      return Finish(server, connection, request, path, verb);
    }
    const size_t n = *upload_data_size;
    *upload_data_size = 0;  // everything consumed
    request.received += n;
    if (!request.too_large &&
        request.received > server.options_.max_body_bytes) {
      request.too_large = true;
    }
    if (request.too_large || request.rejection.has_value()) {
      request.body = std::string();
      // A body this large is a misbehaving client: drop the connection.
      if (request.received > server.options_.max_drain_bytes) return MHD_NO;
      return MHD_YES;
    }
    request.body.append(upload_data, n);
    return MHD_YES;
  }

  static void OnCompleted(void* /*cls*/, MHD_Connection* /*connection*/,
                          void** request_state,
                          MHD_RequestTerminationCode /*reason*/) {
    delete static_cast<Request*>(*request_state);
    *request_state = nullptr;
  }

  static void OnLog(void* cls, const char* format, va_list args) {
    HttpServer& server = *static_cast<HttpServer*>(cls);
    char line[512];
    std::vsnprintf(line, sizeof(line), format, args);
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
      text.pop_back();
    }
    std::lock_guard<std::mutex> lock(server.log_mu_);
    server.last_log_ = std::move(text);
  }
};

HttpServer::HttpServer(std::vector<HttpRoute> routes, HttpServerOptions options)
    : routes_(std::move(routes)), options_(options) {}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const SocketAddress& listen, std::vector<HttpRoute> routes,
    HttpServerOptions options) {
  if (!listen.is_set()) {
    return absl::InvalidArgumentError("listen address has no IP");
  }
  if (routes.empty()) return absl::InvalidArgumentError("no routes");
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < routes.size(); ++i) {
    const HttpRoute& r = routes[i];
    if (!IsHttpToken(r.method)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "route %d: method \"%s\" is not an HTTP token", i, Shown(r.method)));
    }
    if (r.path.empty() || r.path[0] != '/') {
      return absl::InvalidArgumentError(absl::StrFormat(
          "route %d: path \"%s\" does not start with '/'", i, Shown(r.path)));
    }
    if (!r.handler) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "route %d (%s %s): handler is empty", i, r.method, Shown(r.path)));
    }
    if (!seen.emplace(r.method, r.path).second) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "route %d: %s %s is already routed", i, r.method, Shown(r.path)));
    }
  }
  if (options.max_body_bytes == 0) {
    return absl::InvalidArgumentError("max_body_bytes must be at least 1");
  }
  if (options.max_drain_bytes < options.max_body_bytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_drain_bytes %d is below max_body_bytes %d",
                        options.max_drain_bytes, options.max_body_bytes));
  }
  if (options.max_connections == 0) {
    return absl::InvalidArgumentError("max_connections must be at least 1");
  }
  // unique_ptr: the daemon keeps a pointer to the server.
  std::unique_ptr<HttpServer> server(
      new HttpServer(std::move(routes), options));

  sockaddr_storage storage{};
  const auto ip = listen.ip().bytes();
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
                   MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
  if (listen.ip().is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(listen.port());
    std::memcpy(&sin->sin_addr, ip.data(), 4);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(listen.port());
    std::memcpy(&sin6->sin6_addr, ip.data(), 16);
    flags |= MHD_USE_IPv6;
  }
  const auto idle_seconds = static_cast<unsigned>(
      std::max<int64_t>(1, (options.idle_timeout.us() + 999999) / 1000000));

  MHD_Daemon* daemon = MHD_start_daemon(
      flags, /*port=*/listen.port(), /*apc=*/nullptr, /*apc_cls=*/nullptr,
      &HttpServerCallbacks::OnAccess, server.get(), MHD_OPTION_EXTERNAL_LOGGER,
      &HttpServerCallbacks::OnLog, server.get(), MHD_OPTION_SOCK_ADDR,
      reinterpret_cast<sockaddr*>(&storage), MHD_OPTION_CONNECTION_LIMIT,
      options.max_connections, MHD_OPTION_CONNECTION_TIMEOUT, idle_seconds,
      MHD_OPTION_URI_LOG_CALLBACK, &HttpServerCallbacks::OnUri, server.get(),
      MHD_OPTION_NOTIFY_COMPLETED, &HttpServerCallbacks::OnCompleted,
      server.get(), MHD_OPTION_END);
  if (daemon == nullptr) {
    std::lock_guard<std::mutex> lock(server->log_mu_);
    return absl::UnavailableError(absl::StrFormat(
        "HTTP server on %s: %s", listen.ToString(),
        server->last_log_.empty() ? "libmicrohttpd could not start"
                                  : server->last_log_));
  }
  const MHD_DaemonInfo* info =
      MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  server->address_ = SocketAddress(
      listen.ip(),
      info != nullptr && info->port != 0 ? info->port : listen.port());
  std::lock_guard<std::mutex> lock(server->stop_mu_);
  server->daemon_ = daemon;
  return server;
}

HttpServer::~HttpServer() { Stop(); }

std::string HttpServer::url(std::string_view path) const {
  IpAddress ip = address_.ip();
  if (ip.IsUnspecified()) {
    ip = ip.is_v4() ? IpAddress::V4(127, 0, 0, 1) : *IpAddress::Parse("::1");
  }
  const std::string slash = path.empty() || path[0] != '/' ? "/" : "";
  return absl::StrFormat(ip.is_v6() ? "http://[%s]:%d%s%s" : "http://%s:%d%s%s",
                         ip.ToString(), address_.port(), slash, path);
}

void HttpServer::Stop() {
  stopping_.store(true);
  // From a handler, stopping the daemon would join this very thread.
  if (t_handler_server == this) return;
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (daemon_ != nullptr) {
    MHD_stop_daemon(daemon_);
    daemon_ = nullptr;
  }
}

// ---- SdpHttpServer ----------------------------------------------------------

namespace {

HttpResponse TextReply(int status, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.content_type = kErrorContentType;
  r.body = absl::StrFormat("%s\n", message);
  return r;
}

}  // namespace

HttpRoute SdpOfferRoute(SdpHttpServer::OfferHandler handler) {
  HttpRoute route;
  route.method = "POST";
  route.path = std::string(kOfferPath);
  route.content_types = {std::string(kSdpContentType)};
  route.handler = [handler = std::move(handler)](const HttpRequest& request) {
    if (request.body.empty()) {
      return TextReply(400, "empty body: expected an SDP offer");
    }
    if (request.body.compare(0, 2, "v=") != 0 ||
        request.body.find('\0') != std::string::npos) {
      return TextReply(
          400,
          absl::StrFormat("body is not SDP: expected it to start with \"v=0\", "
                          "got \"%s\"",
                          Shown(std::string_view(request.body).substr(0, 16))));
    }
    absl::StatusOr<std::string> answer = handler(request.body);
    if (!answer.ok()) {
      return TextReply(400, absl::StrFormat("offer rejected: %s",
                                            answer.status().ToString()));
    }
    if (answer->empty()) {
      return TextReply(500, "the offer handler returned an empty answer");
    }
    HttpResponse reply;
    reply.status = 201;
    reply.content_type = std::string(kSdpContentType);
    reply.body = *std::move(answer);
    return reply;
  };
  return route;
}

absl::StatusOr<std::unique_ptr<SdpHttpServer>> SdpHttpServer::Start(
    const SocketAddress& listen, OfferHandler handler,
    SdpHttpServerOptions options) {
  if (!handler) return absl::InvalidArgumentError("offer handler is empty");
  std::vector<HttpRoute> routes;
  routes.push_back(SdpOfferRoute(std::move(handler)));
  auto server = HttpServer::Start(listen, std::move(routes), options);
  if (!server.ok()) return server.status();
  return std::unique_ptr<SdpHttpServer>(new SdpHttpServer(*std::move(server)));
}

}  // namespace simrtc::signal
