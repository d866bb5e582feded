// Allocates on a TURN server, creates a permission for a peer, sends it a
// message through the relay and prints what comes back.
//
//   turn_client --server=127.0.0.1:3478 --user=u --password=p
//       --peer=127.0.0.1:5000 --message=hello [--timeout_s=10]
// Prints "RELAYED ip:port" then "RECEIVED from ip:port: <text>"; exit 0 on
// an answer, 1 on error or timeout.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "core/base/rng.h"
#include "core/turn/client.h"
#include "net/udp_loop.h"

ABSL_FLAG(std::string, server, "127.0.0.1:3478", "TURN server ip:port");
ABSL_FLAG(std::string, local, "0.0.0.0:0", "local address to bind");
ABSL_FLAG(std::string, user, "", "username");
ABSL_FLAG(std::string, password, "", "password");
ABSL_FLAG(std::string, peer, "", "peer ip:port to send to");
ABSL_FLAG(std::string, message, "hello", "payload");
ABSL_FLAG(bool, channel, false, "bind a channel and use ChannelData");
ABSL_FLAG(int, timeout_s, 10, "give up after this long");

using namespace simrtc;

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto server = SocketAddress::Parse(absl::GetFlag(FLAGS_server));
  auto local = SocketAddress::Parse(absl::GetFlag(FLAGS_local));
  auto peer = SocketAddress::Parse(absl::GetFlag(FLAGS_peer));
  if (!server.ok() || !local.ok() || !peer.ok()) {
    std::fprintf(stderr, "bad --server, --local or --peer\n");
    return 2;
  }
  net::UdpLoop loop;
  auto bound = loop.Bind(*local);
  if (!bound.ok()) {
    std::fprintf(stderr, "%s\n", bound.status().ToString().c_str());
    return 1;
  }
  uint64_t seed = 0;
  if (FILE* f = std::fopen("/dev/urandom", "rb")) {
    if (std::fread(&seed, sizeof(seed), 1, f) != 1) seed = 0;
    std::fclose(f);
  }
  turn::ClientConfig cc;
  cc.local = *bound;
  cc.server = *server;
  cc.username = absl::GetFlag(FLAGS_user);
  cc.password = absl::GetFlag(FLAGS_password);
  cc.transaction.initial_rto = TimeDelta::Millis(200);
  turn::Client client(cc, Rng(seed));
  const Timestamp deadline =
      loop.Now() + TimeDelta::Seconds(absl::GetFlag(FLAGS_timeout_s));
  (void)client.Allocate(loop.Now());
  const std::string message = absl::GetFlag(FLAGS_message);
  int rc = 1;
  bool finishing = false;
  net::UdpLoop::Adapter<turn::Client> adapter(client);
  (void)loop.Run(adapter, [&](Timestamp now) {
    if (now >= deadline && !finishing) {
      std::fprintf(stderr, "timeout\n");
      loop.Stop();
    }
    while (auto e = client.PollEvent()) {
      switch (e->kind) {
        case turn::ClientEvent::Kind::kAllocated:
          std::printf("RELAYED %s\n", e->relayed.ToString().c_str());
          std::fflush(stdout);
          if (absl::GetFlag(FLAGS_channel)) {
            (void)client.BindChannel(now, *peer);
          } else {
            (void)client.SendTo(now, *peer, AsBytes(message));
          }
          break;
        case turn::ClientEvent::Kind::kChannelBound:
          (void)client.SendTo(now, *peer, AsBytes(message));
          break;
        case turn::ClientEvent::Kind::kData:
          std::printf("RECEIVED from %s: %.*s\n", e->peer.ToString().c_str(),
                      static_cast<int>(e->data.size()),
                      reinterpret_cast<const char*>(e->data.data()));
          std::fflush(stdout);
          rc = 0;
          finishing = true;
          (void)client.Deallocate(now);
          break;
        case turn::ClientEvent::Kind::kDeallocated:
          loop.Stop();
          break;
        case turn::ClientEvent::Kind::kError:
          std::fprintf(stderr, "error %d: %s\n", e->error_code,
                       e->status.ToString().c_str());
          if (finishing || e->failed_request == stun::Method::kAllocate) {
            loop.Stop();
          }
          break;
        default:
          break;
      }
    }
  });
  return rc;
}
