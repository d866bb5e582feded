// A small HTTP/1.1 server for signaling and example pages, on GNU
// libmicrohttpd (Debian libmicrohttpd-dev, TLS via GnuTLS, so it coexists
// with BoringSSL in one process), and the SDP offer endpoint built on it.
//
// HttpServer: a fixed table of routes (method + exact path), each with the
// request media types it accepts and a handler returning the reply.
//
// Contract:
// - Routing, in this order: a path no route names gets 404; a path some
//   route names with another method gets 405 with "Allow: <the path's
//   methods>"; a Content-Type outside the route's list (or missing, when the
//   list is not empty) gets 415 (media type parameters such as charset and
//   letter case are ignored); a body over `max_body_bytes` gets 413. Then
//   the handler runs with the whole body and its reply is sent. A handler
//   reply with a status outside 200..599 becomes 500. Error bodies are
//   text/plain and say what was wrong. 503 once Stop() was called from
//   inside a handler.
// - A rejected request never stops the server: the next one is served.
//   Bodies are never buffered beyond `max_body_bytes`. The body of a
//   rejected request is read and dropped (up to `max_drain_bytes`) before
//   the reply, so a client still sending it sees the 4xx rather than a
//   reset; a client sending "Expect: 100-continue" or declaring a body
//   beyond that budget gets the reply right after its headers, and a body
//   that turns out longer than the budget while arriving (chunked) has its
//   connection closed without a reply.
// - Handlers run on server threads, one per connection: they must be
//   thread-safe, and may block (e.g. waiting for ICE gathering).
// - Stop() is thread-safe and idempotent; once it returns from a thread
//   other than a handler, the port is closed and no handler is running.
//   Called from inside a handler it only makes later requests fail with
//   503; the listening socket closes at the next outside Stop() or at
//   destruction. Never destroy the server from its own handler.
//
// SdpHttpServer answers SDP offers: POST /offer with Content-Type
// application/sdp and the full offer SDP as the body; the reply is 201
// Created with Content-Type application/sdp and the full answer SDP.
// Besides the rules above: 400 for an empty body, a body that is not SDP (it
// must start with "v=") or a handler error (its message is the body); 500
// if the handler returns an empty answer.
#ifndef NET_SIGNAL_HTTP_SERVER_H_
#define NET_SIGNAL_HTTP_SERVER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"

struct MHD_Daemon;

namespace simrtc::signal {

inline constexpr std::string_view kOfferPath = "/offer";
inline constexpr std::string_view kSdpContentType = "application/sdp";

struct HttpServerOptions {
  // Largest accepted request body.
  size_t max_body_bytes = 64 * 1024;
  // A rejected or oversized body is read and dropped until this many bytes
  // have arrived, then the connection is closed without a reply.
  size_t max_drain_bytes = 1024 * 1024;
  // Connections served at once (one thread each); more are refused.
  unsigned max_connections = 64;
  // A connection idle for this long is closed (whole seconds, at least 1).
  TimeDelta idle_timeout = TimeDelta::Seconds(30);
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded, without the query
  std::string query;   // raw text after '?' ("" when none)
  // The media type without parameters, lower-cased ("application/json");
  // "" when the request had no Content-Type.
  std::string content_type;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  // Sent as the Content-Type header.
  std::string content_type = "text/plain";
  std::string body;
  // Extra headers, sent as given (Content-Type and Content-Length are
  // ignored here: they come from the fields above; a header with CR or LF
  // in it is dropped).
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpRoute {
  std::string method;  // "GET", "POST", ... (exact, upper case)
  std::string path;    // exact match, starting with '/'
  // Accepted request media types (compared without parameters, ignoring
  // case); empty: any, including none.
  std::vector<std::string> content_types;
  std::function<HttpResponse(const HttpRequest&)> handler;
};

class HttpServer {
 public:
  // Listens on `listen` (IPv4 or IPv6; port 0 picks a free port). Fails
  // with InvalidArgument for bad options or routes (no routes, an empty
  // handler, a method that is not an HTTP token, a path not starting with
  // '/', two routes with one method and path) and Unavailable when the
  // address cannot be bound (the message says why).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const SocketAddress& listen, std::vector<HttpRoute> routes,
      HttpServerOptions options = {});

  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound address, with the actual port.
  const SocketAddress& address() const { return address_; }
  uint16_t port() const { return address_.port(); }
  // "http://127.0.0.1:8080" + path ("http://[::1]:8080/offer"); a wildcard
  // listen address is shown as the loopback address of its family.
  std::string url(std::string_view path) const;

  void Stop();

  // Requests answered so far (any status).
  uint64_t requests_answered() const { return requests_answered_.load(); }

 private:
  friend struct HttpServerCallbacks;  // libmicrohttpd's entry points
  HttpServer(std::vector<HttpRoute> routes, HttpServerOptions options);

  const std::vector<HttpRoute> routes_;
  const HttpServerOptions options_;
  SocketAddress address_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> requests_answered_{0};

  // std::mutex rather than absl::Mutex: ThreadSanitizer sees through it
  // (Debian's Abseil is not built with TSan annotations).
  std::mutex stop_mu_;
  MHD_Daemon* daemon_ = nullptr;  // guarded by stop_mu_

  // libmicrohttpd's messages while starting (why a bind failed).
  std::mutex log_mu_;
  std::string last_log_;  // guarded by log_mu_
};

using SdpHttpServerOptions = HttpServerOptions;

// The POST /offer endpoint (see the file comment): an HttpServer with one
// route.
class SdpHttpServer {
 public:
  // Gets the offer SDP, returns the answer SDP or an error for the client.
  using OfferHandler =
      std::function<absl::StatusOr<std::string>(std::string offer_sdp)>;

  // As HttpServer::Start; InvalidArgument for an empty handler.
  static absl::StatusOr<std::unique_ptr<SdpHttpServer>> Start(
      const SocketAddress& listen, OfferHandler handler,
      SdpHttpServerOptions options = {});

  SdpHttpServer(const SdpHttpServer&) = delete;
  SdpHttpServer& operator=(const SdpHttpServer&) = delete;

  // The bound address, with the actual port.
  const SocketAddress& address() const { return server_->address(); }
  uint16_t port() const { return server_->port(); }
  // "http://127.0.0.1:8080/offer" ("http://[::1]:8080/offer").
  std::string offer_url() const { return server_->url(kOfferPath); }

  void Stop() { server_->Stop(); }

  // Requests answered so far (any status).
  uint64_t requests_answered() const { return server_->requests_answered(); }

 private:
  explicit SdpHttpServer(std::unique_ptr<HttpServer> server)
      : server_(std::move(server)) {}
  std::unique_ptr<HttpServer> server_;
};

// The route SdpHttpServer serves: POST kOfferPath, application/sdp, the
// checks and replies described in the file comment. For servers that add
// other routes (a page, a JSON API) next to the offer endpoint.
HttpRoute SdpOfferRoute(SdpHttpServer::OfferHandler handler);

}  // namespace simrtc::signal

#endif  // NET_SIGNAL_HTTP_SERVER_H_
