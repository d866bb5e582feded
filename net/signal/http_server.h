// An HTTP endpoint that answers SDP offers: POST /offer with
// Content-Type: application/sdp and the full offer SDP as the body; the
// reply is 201 Created with Content-Type: application/sdp and the full
// answer SDP. Built on GNU libmicrohttpd (Debian libmicrohttpd-dev, TLS via
// GnuTLS, so it coexists with BoringSSL in one process).
//
// Contract:
// - Replies: 201 with the handler's answer; 400 for an empty body, a body
//   that is not SDP (it must start with "v=") or a handler error (its
//   message is the body); 404 for any path but /offer; 405 (Allow: POST)
//   for other methods; 413 for a body over `max_body_bytes`; 415 for a
//   Content-Type other than application/sdp (parameters such as charset are
//   ignored); 500 if the handler returns an empty answer; 503 once Stop()
//   was called from inside the handler. Error bodies are text/plain and say
//   what was wrong.
// - A rejected request never stops the server: the next one is served.
//   Bodies are never buffered beyond `max_body_bytes`. The body of a
//   rejected request is read and dropped (up to `max_drain_bytes`) before
//   the reply, so a client still sending it sees the 4xx rather than a
//   reset; a client sending "Expect: 100-continue" or declaring a body
//   beyond that budget gets the reply right after its headers, and a body
//   that turns out longer than the budget while arriving (chunked) has its
//   connection closed without a reply.
// - The handler runs on a server thread, one per connection: it must be
//   thread-safe, and may block (e.g. waiting for ICE gathering).
// - Stop() is thread-safe and idempotent; once it returns from a thread
//   other than a handler, the port is closed and no handler is running.
//   Called from inside the handler it only makes later requests fail with
//   503; the listening socket closes at the next outside Stop() or at
//   destruction. Never destroy the server from its own handler.
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

#include "absl/status/statusor.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"

struct MHD_Daemon;

namespace simrtc::signal {

inline constexpr std::string_view kOfferPath = "/offer";
inline constexpr std::string_view kSdpContentType = "application/sdp";

struct SdpHttpServerOptions {
  // Largest accepted offer body.
  size_t max_body_bytes = 64 * 1024;
  // An oversized body is read and dropped until this many bytes have
  // arrived, then the connection is closed without a reply.
  size_t max_drain_bytes = 1024 * 1024;
  // Connections served at once (one thread each); more are refused.
  unsigned max_connections = 64;
  // A connection idle for this long is closed (whole seconds, at least 1).
  TimeDelta idle_timeout = TimeDelta::Seconds(30);
};

class SdpHttpServer {
 public:
  // Gets the offer SDP, returns the answer SDP or an error for the client.
  using OfferHandler =
      std::function<absl::StatusOr<std::string>(std::string offer_sdp)>;

  // Listens on `listen` (IPv4 or IPv6; port 0 picks a free port). Fails
  // with InvalidArgument for bad options and Unavailable when the address
  // cannot be bound (the message says why).
  static absl::StatusOr<std::unique_ptr<SdpHttpServer>> Start(
      const SocketAddress& listen, OfferHandler handler,
      SdpHttpServerOptions options = {});

  ~SdpHttpServer();
  SdpHttpServer(const SdpHttpServer&) = delete;
  SdpHttpServer& operator=(const SdpHttpServer&) = delete;

  // The bound address, with the actual port.
  const SocketAddress& address() const { return address_; }
  uint16_t port() const { return address_.port(); }
  // "http://127.0.0.1:8080/offer" ("http://[::1]:8080/offer").
  std::string offer_url() const;

  void Stop();

  // Requests answered so far (any status).
  uint64_t requests_answered() const { return requests_answered_.load(); }

 private:
  friend struct SdpHttpServerCallbacks;  // libmicrohttpd's entry points
  SdpHttpServer(OfferHandler handler, SdpHttpServerOptions options);

  const OfferHandler handler_;
  const SdpHttpServerOptions options_;
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

}  // namespace simrtc::signal

#endif  // NET_SIGNAL_HTTP_SERVER_H_
