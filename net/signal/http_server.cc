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
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"

namespace simrtc::signal {
namespace {

// The server whose handler the current thread is running (Stop() must not
// join the thread it runs on).
thread_local const SdpHttpServer* t_handler_server = nullptr;

// An error reply decided from the request line and headers.
struct Rejection {
  unsigned status = 400;
  std::string message;
  bool allow_post = false;  // adds "Allow: POST" (405)
};

// One request's state between libmicrohttpd's calls.
struct Request {
  std::string body;
  size_t received = 0;     // body bytes seen, kept or not
  bool too_large = false;  // body dropped; reply 413 at the end
  // Body dropped; this is the reply once it is in.
  std::optional<Rejection> rejection;
};

// "application/SDP; charset=utf-8" -> "application/sdp".
std::string MediaType(std::string_view content_type) {
  const size_t semicolon = content_type.find(';');
  if (semicolon != std::string_view::npos) {
    content_type = content_type.substr(0, semicolon);
  }
  return absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(ToAbsl(content_type)));
}

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

}  // namespace

struct SdpHttpServerCallbacks {
  static MHD_Result Reply(MHD_Connection* connection, unsigned status,
                          std::string_view content_type, std::string_view body,
                          bool allow_post = false) {
    MHD_Response* response = MHD_create_response_from_buffer(
        body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
    if (response == nullptr) return MHD_NO;
    const std::string type(content_type);
    MHD_add_response_header(response, "Content-Type", type.c_str());
    if (allow_post) MHD_add_response_header(response, "Allow", "POST");
    const MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
  }

  static MHD_Result ReplyError(SdpHttpServer& server,
                               MHD_Connection* connection, unsigned status,
                               std::string_view message,
                               bool allow_post = false) {
    server.requests_answered_.fetch_add(1);
    return Reply(connection, status, "text/plain; charset=utf-8",
                 absl::StrFormat("%s\n", message), allow_post);
  }

  // What is wrong with the request line and headers, if anything.
  static std::optional<Rejection> Check(SdpHttpServer& server,
                                        MHD_Connection* connection,
                                        std::string_view url,
                                        std::string_view method,
                                        std::optional<uint64_t> length) {
    if (server.stopping_.load()) return Rejection{503, "server is stopping"};
    if (url != kOfferPath) {
      return Rejection{
          404, absl::StrFormat("no resource at \"%s\": POST the offer to %s",
                               Shown(url), kOfferPath)};
    }
    if (method != "POST") {
      return Rejection{
          405,
          absl::StrFormat("method %s is not allowed on %s: use POST",
                          Shown(method), kOfferPath),
          /*allow_post=*/true};
    }
    const char* content_type = Lookup(connection, "Content-Type");
    if (content_type == nullptr) {
      return Rejection{415,
                       absl::StrFormat("Content-Type is missing: expected %s",
                                       kSdpContentType)};
    }
    if (MediaType(content_type) != kSdpContentType) {
      return Rejection{
          415,
          absl::StrFormat("Content-Type \"%s\" is not supported: expected %s",
                          Shown(content_type), kSdpContentType)};
    }
    if (length.has_value() && *length > server.options_.max_body_bytes) {
      return Rejection{
          413, absl::StrFormat("body of %d bytes exceeds the limit of %d bytes",
                               *length, server.options_.max_body_bytes)};
    }
    return std::nullopt;
  }

  // Headers are in; decides whether to read the body.
  static MHD_Result Begin(SdpHttpServer& server, MHD_Connection* connection,
                          std::string_view url, std::string_view method,
                          void** request_state) {
    std::optional<uint64_t> length;  // declared body size
    if (const char* text = Lookup(connection, "Content-Length")) {
      uint64_t value = 0;
      // libmicrohttpd itself rejects a malformed Content-Length.
      if (absl::SimpleAtoi(text, &value)) length = value;
    }
    auto request = std::make_unique<Request>();
    request->rejection = Check(server, connection, url, method, length);
    if (request->rejection.has_value()) {
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
        return ReplyRejection(server, connection, *request->rejection);
      }
    }
    *request_state = request.release();
    return MHD_YES;
  }

  static MHD_Result ReplyRejection(SdpHttpServer& server,
                                   MHD_Connection* connection,
                                   const Rejection& rejection) {
    return ReplyError(server, connection, rejection.status, rejection.message,
                      rejection.allow_post);
  }

  // The whole body is in.
  static MHD_Result Finish(SdpHttpServer& server, MHD_Connection* connection,
                           Request& request) {
    if (request.rejection.has_value()) {
      return ReplyRejection(server, connection, *request.rejection);
    }
    if (request.too_large) {
      return ReplyError(
          server, connection, 413,
          absl::StrFormat("body of %d bytes exceeds the limit of %d bytes",
                          request.received, server.options_.max_body_bytes));
    }
    if (request.body.empty()) {
      return ReplyError(server, connection, 400,
                        "empty body: expected an SDP offer");
    }
    if (request.body.compare(0, 2, "v=") != 0 ||
        request.body.find('\0') != std::string::npos) {
      return ReplyError(
          server, connection, 400,
          absl::StrFormat("body is not SDP: expected it to start with \"v=0\", "
                          "got \"%s\"",
                          Shown(request.body.substr(0, 16))));
    }
    if (server.stopping_.load()) {
      return ReplyError(server, connection, 503, "server is stopping");
    }
    t_handler_server = &server;
    absl::StatusOr<std::string> answer =
        server.handler_(std::move(request.body));
    t_handler_server = nullptr;
    if (!answer.ok()) {
      return ReplyError(
          server, connection, 400,
          absl::StrFormat("offer rejected: %s", answer.status().ToString()));
    }
    if (answer->empty()) {
      return ReplyError(server, connection, 500,
                        "the offer handler returned an empty answer");
    }
    server.requests_answered_.fetch_add(1);
    return Reply(connection, 201, kSdpContentType, *answer);
  }

  static MHD_Result OnAccess(void* cls, MHD_Connection* connection,
                             const char* url, const char* method,
                             const char* /*version*/, const char* upload_data,
                             size_t* upload_data_size, void** request_state) {
    SdpHttpServer& server = *static_cast<SdpHttpServer*>(cls);
    if (*request_state == nullptr) {
      return Begin(server, connection, url != nullptr ? url : "",
                   method != nullptr ? method : "", request_state);
    }
    Request& request = *static_cast<Request*>(*request_state);
    if (*upload_data_size == 0) return Finish(server, connection, request);
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
    SdpHttpServer& server = *static_cast<SdpHttpServer*>(cls);
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

SdpHttpServer::SdpHttpServer(OfferHandler handler, SdpHttpServerOptions options)
    : handler_(std::move(handler)), options_(options) {}

absl::StatusOr<std::unique_ptr<SdpHttpServer>> SdpHttpServer::Start(
    const SocketAddress& listen, OfferHandler handler,
    SdpHttpServerOptions options) {
  if (!handler) return absl::InvalidArgumentError("offer handler is empty");
  if (!listen.is_set()) {
    return absl::InvalidArgumentError("listen address has no IP");
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
  std::unique_ptr<SdpHttpServer> server(
      new SdpHttpServer(std::move(handler), options));

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
      &SdpHttpServerCallbacks::OnAccess, server.get(),
      MHD_OPTION_EXTERNAL_LOGGER, &SdpHttpServerCallbacks::OnLog, server.get(),
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&storage),
      MHD_OPTION_CONNECTION_LIMIT, options.max_connections,
      MHD_OPTION_CONNECTION_TIMEOUT, idle_seconds, MHD_OPTION_NOTIFY_COMPLETED,
      &SdpHttpServerCallbacks::OnCompleted, server.get(), MHD_OPTION_END);
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

SdpHttpServer::~SdpHttpServer() { Stop(); }

std::string SdpHttpServer::offer_url() const {
  IpAddress ip = address_.ip();
  if (ip.IsUnspecified()) {
    ip = ip.is_v4() ? IpAddress::V4(127, 0, 0, 1) : *IpAddress::Parse("::1");
  }
  return absl::StrFormat(ip.is_v6() ? "http://[%s]:%d%s" : "http://%s:%d%s",
                         ip.ToString(), address_.port(), kOfferPath);
}

void SdpHttpServer::Stop() {
  stopping_.store(true);
  // From the handler, stopping the daemon would join this very thread.
  if (t_handler_server == this) return;
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (daemon_ != nullptr) {
    MHD_stop_daemon(daemon_);
    daemon_ = nullptr;
  }
}

}  // namespace simrtc::signal
