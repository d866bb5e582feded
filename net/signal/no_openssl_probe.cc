// Runs the signaling HTTP helpers and BoringSSL in one process: a loopback
// POST /offer through SdpHttpServer and PostOffer, then SHA-256 of the
// answer with BoringSSL. Exits non-zero if any step fails or if OpenSSL's
// libssl.so.3 / libcrypto.so.3 got mapped into the process (they export
// the same symbols as BoringSSL). no_openssl_test.sh also checks it with ldd.
#include <openssl/sha.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/status/statusor.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "net/signal/http_client.h"
#include "net/signal/http_server.h"
#include "net/signal/sdp_codec.h"

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "no_openssl_probe: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main() {
  using simrtc::signal::SdpHttpServer;
  auto server = SdpHttpServer::Start(
      simrtc::SocketAddress(simrtc::IpAddress::V4(127, 0, 0, 1), 0),
      [](std::string offer) -> absl::StatusOr<std::string> {
        return "v=0\r\ns=answer\r\n" + offer.substr(5);
      });
  if (!server.ok()) return Fail(server.status().ToString());
  auto answer =
      simrtc::signal::PostOffer((*server)->offer_url(), "v=0\r\ns=offer\r\n",
                                simrtc::TimeDelta::Seconds(10));
  (*server)->Stop();
  if (!answer.ok()) return Fail(answer.status().ToString());

  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(answer->data()), answer->size(),
         digest);
  const std::string encoded =
      simrtc::signal::Encode({simrtc::peer::SdpType::kAnswer, *answer});

  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find("/libssl.so.3") != std::string::npos ||
        line.find("/libcrypto.so.3") != std::string::npos) {
      return Fail("OpenSSL is mapped into the process: " + line);
    }
  }
  std::printf("no_openssl_probe: OK answer=%zu bytes sha256[0]=%02x b64=%zu\n",
              answer->size(), digest[0], encoded.size());
  return 0;
}
