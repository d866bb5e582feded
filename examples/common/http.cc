#include "examples/common/http.h"

#include "core/base/absl_compat.h"
#include "examples/common/console.h"

namespace simrtc::examples {

absl::StatusOr<SocketAddress> ParseHttpAddress(std::string_view text) {
  constexpr std::string_view kLocalhost = "localhost:";
  if (text.substr(0, kLocalhost.size()) == kLocalhost) {
    return SocketAddress::Parse(
        "127.0.0.1" + std::string(text.substr(kLocalhost.size() - 1)));
  }
  return SocketAddress::Parse(text);
}

std::string EndpointUrl(std::string url, std::string_view path) {
  if (url.size() >= path.size() &&
      std::string_view(url).substr(url.size() - path.size()) == path) {
    return url;
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + std::string(path);
}

signal::HttpResponse Refusal(int status, const absl::Status& why,
                             std::string_view what) {
  Note("refusing %s: %s", what, ToStd(why.message()));
  signal::HttpResponse r;
  r.status = status;
  r.body = std::string(why.message()) + "\n";
  return r;
}

}  // namespace simrtc::examples
