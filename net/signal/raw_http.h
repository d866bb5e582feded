// Test-only: a raw HTTP/1.1 exchange over loopback TCP, for requests and
// reply details (headers, malformed or oversized requests) the neon-based
// client never sends or does not expose.
#ifndef NET_SIGNAL_RAW_HTTP_H_
#define NET_SIGNAL_RAW_HTTP_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace simrtc::signal {

struct RawReply {
  int status = 0;    // 0: no reply (connection closed or failed)
  std::string head;  // status line and headers, lower-cased
  std::string body;
};

// Writes `request` to 127.0.0.1:port as is and reads until the server
// closes, so requests should carry "Connection: close". Sending stops
// early when the server closes first. Socket waits are bounded (10 s).
RawReply RawExchange(uint16_t port, std::string_view request);

// "POST <path> HTTP/1.1" with Connection: close, the Content-Type and a
// Content-Length.
std::string RawPost(std::string_view path, std::string_view content_type,
                    std::string_view body);

}  // namespace simrtc::signal

#endif  // NET_SIGNAL_RAW_HTTP_H_
