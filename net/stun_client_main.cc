// Asks a STUN server for our reflexive address and prints it.
//
//   stun_client --server=127.0.0.1:3478 [--local=0.0.0.0:0]
// Prints "XOR-MAPPED-ADDRESS ip:port" and exits 0, or exits 1 on timeout.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "core/base/rng.h"
#include "core/stun/builder.h"
#include "core/stun/message.h"
#include "core/stun/transaction.h"
#include "net/udp_loop.h"

ABSL_FLAG(std::string, server, "127.0.0.1:3478", "STUN server ip:port");
ABSL_FLAG(std::string, local, "0.0.0.0:0", "local address to bind");
ABSL_FLAG(int, rto_ms, 100, "initial retransmission timeout");

using namespace simrtc;

namespace {
// The transaction table with a datagram entry point, for UdpLoop.
struct Endpoint {
  stun::TransactionTable table;
  void HandleDatagram(Timestamp now, const Datagram& d) {
    table.HandleResponse(now, d.payload);
  }
  void HandleTimeout(Timestamp now) { table.HandleTimeout(now); }
  std::optional<Transmit> PollTransmit() { return table.PollTransmit(); }
  std::optional<Timestamp> NextTimeout() const { return table.NextTimeout(); }
};
}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto server = SocketAddress::Parse(absl::GetFlag(FLAGS_server));
  auto local = SocketAddress::Parse(absl::GetFlag(FLAGS_local));
  if (!server.ok() || !local.ok()) {
    std::fprintf(stderr, "bad --server or --local\n");
    return 2;
  }
  net::UdpLoop loop;
  auto bound = loop.Bind(*local);
  if (!bound.ok()) {
    std::fprintf(stderr, "%s\n", bound.status().ToString().c_str());
    return 1;
  }
  stun::TransactionConfig tc;
  tc.initial_rto = TimeDelta::Millis(absl::GetFlag(FLAGS_rto_ms));
  Endpoint ep{stun::TransactionTable(tc)};
  uint64_t seed = 0;
  if (FILE* f = std::fopen("/dev/urandom", "rb")) {
    if (std::fread(&seed, sizeof(seed), 1, f) != 1) seed = 0;
    std::fclose(f);
  }
  Rng rng(seed);
  auto req =
      stun::MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, rng)
          .AddFingerprint()
          .Build();
  if (!req.ok() || !ep.table.Start(loop.Now(), *req, *bound, *server).ok()) {
    return 1;
  }
  int rc = 1;
  net::UdpLoop::Adapter<Endpoint> adapter(ep);
  (void)loop.Run(adapter, [&](Timestamp) {
    while (auto e = ep.table.PollEvent()) {
      if (e->kind == stun::TransactionEvent::Kind::kResponse) {
        auto m = stun::Message::Parse(e->response);
        auto xma = m.ok() ? m->GetXorMappedAddress()
                          : absl::StatusOr<SocketAddress>(m.status());
        if (xma.ok()) {
          std::printf("XOR-MAPPED-ADDRESS %s\n", xma->ToString().c_str());
          rc = 0;
        } else {
          std::fprintf(stderr, "bad response: %s\n",
                       xma.status().ToString().c_str());
        }
      } else {
        std::fprintf(stderr, "timeout waiting for %s\n",
                     server->ToString().c_str());
      }
      loop.Stop();
    }
  });
  return rc;
}
