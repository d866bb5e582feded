#include "net/signal/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace simrtc::signal {

RawReply RawExchange(uint16_t port, std::string_view request) {
  RawReply reply;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return reply;
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return reply;
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n =
        send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may reply and close early
    sent += static_cast<size_t>(n);
  }
  std::string data;
  char buf[4096];
  while (true) {
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  const size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return reply;
  reply.head = absl::AsciiStrToLower(data.substr(0, end));
  reply.body = data.substr(end + 4);
  if (data.rfind("HTTP/1.", 0) == 0 && data.size() > 12) {
    if (!absl::SimpleAtoi(data.substr(9, 3), &reply.status)) reply.status = 0;
  }
  return reply;
}

std::string RawPost(std::string_view path, std::string_view content_type,
                    std::string_view body) {
  return absl::StrFormat(
      "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
      "Content-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
      path, content_type, body.size(), body);
}

}  // namespace simrtc::signal
