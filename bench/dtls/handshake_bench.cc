// CPU cost of a complete DTLS 1.2 connection setup between two endpoints in
// one process: creating both endpoints (SSL_CTX, SSL) and running the
// handshake over an ideal in-memory link (no loss, no delay), for ECDSA
// P-256 and RSA-2048 certificates. Certificates are made once, outside the
// timed loop, as a PeerConnection reuses its certificate.
#include <cstdlib>
#include <memory>

#include "benchmark/benchmark.h"
#include "core/base/time.h"
#include "core/dtls/certificate.h"
#include "core/dtls/endpoint.h"

namespace simrtc::dtls {
namespace {

std::unique_ptr<Endpoint> Make(Role role, const Certificate& mine,
                               const Certificate& theirs) {
  Config c;
  c.role = role;
  c.certificate = mine;
  c.remote_fingerprints = {theirs.fingerprint()};
  auto ep = Endpoint::Create(c);
  if (!ep.ok()) std::abort();
  return std::move(*ep);
}

// Moves datagrams until neither side has anything to send.
void Pump(Endpoint& client, Endpoint& server) {
  const Timestamp now = Timestamp::Zero();
  bool moved = true;
  while (moved) {
    moved = false;
    while (auto t = client.PollTransmit()) {
      server.HandleDatagram(now, t->payload);
      moved = true;
    }
    while (auto t = server.PollTransmit()) {
      client.HandleDatagram(now, t->payload);
      moved = true;
    }
  }
}

void BM_Handshake(benchmark::State& state, KeyType type) {
  CertificateOptions options;
  options.key_type = type;
  const Certificate a = *Certificate::Generate(options);
  const Certificate b = *Certificate::Generate(options);
  for (auto _ : state) {
    auto client = Make(Role::kClient, a, b);
    auto server = Make(Role::kServer, b, a);
    if (!client->Start(Timestamp::Zero()).ok()) std::abort();
    Pump(*client, *server);
    if (client->state() != State::kConnected ||
        server->state() != State::kConnected) {
      state.SkipWithError("handshake did not complete");
      break;
    }
  }
}

void BM_GenerateCertificate(benchmark::State& state, KeyType type) {
  CertificateOptions options;
  options.key_type = type;
  for (auto _ : state) {
    auto c = Certificate::Generate(options);
    benchmark::DoNotOptimize(c);
  }
}

BENCHMARK_CAPTURE(BM_Handshake, ECDSA_P256, KeyType::kEcdsaP256)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Handshake, RSA_2048, KeyType::kRsa2048)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_GenerateCertificate, ECDSA_P256, KeyType::kEcdsaP256)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_GenerateCertificate, RSA_2048, KeyType::kRsa2048)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace simrtc::dtls
