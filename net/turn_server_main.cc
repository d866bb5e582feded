// A TURN (RFC 8656) + STUN Binding server on real UDP sockets.
//
//   turn_server --listen=0.0.0.0:3478 --relay_ip=127.0.0.1
//       --relay_ports=49152-65535 --realm=example.org --user=name=password
//
// --user may repeat and may hold comma-separated name=password pairs.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "core/base/absl_compat.h"
#include "core/base/rng.h"
#include "core/turn/server.h"
#include "net/udp_loop.h"

ABSL_FLAG(std::string, listen, "0.0.0.0:3478", "listening address ip:port");
ABSL_FLAG(std::string, relay_ip, "127.0.0.1", "relayed address IP");
ABSL_FLAG(std::string, relay_ports, "49152-65535", "relayed port range");
ABSL_FLAG(std::string, realm, "simrtc", "long-term credential realm");
ABSL_FLAG(std::vector<std::string>, user, {}, "name=password (repeatable)");
ABSL_FLAG(int, max_allocations_per_user, 10, "allocation quota per user");
ABSL_FLAG(int, max_allocations, 10000, "total allocation cap");

using namespace simrtc;

int main(int argc, char** argv) {
  // absl keeps only the last occurrence of a flag; collect every --user.
  std::vector<std::string> users;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--user=", 0) == 0) {
      for (auto part : absl::StrSplit(a.substr(7), ',')) {
        users.emplace_back(part);
      }
    }
  }
  absl::ParseCommandLine(argc, argv);
  std::map<std::string, std::string> table;
  for (const std::string& u : users) {
    const size_t eq = u.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "--user %s: expected name=password\n", u.c_str());
      return 2;
    }
    table[u.substr(0, eq)] = u.substr(eq + 1);
  }
  auto listen = SocketAddress::Parse(absl::GetFlag(FLAGS_listen));
  auto relay_ip = IpAddress::Parse(absl::GetFlag(FLAGS_relay_ip));
  std::vector<std::string> ports =
      absl::StrSplit(absl::GetFlag(FLAGS_relay_ports), '-');
  uint32_t lo = 0, hi = 0;
  if (!listen.ok() || !relay_ip.ok() || ports.size() != 2 ||
      !absl::SimpleAtoi(ports[0], &lo) || !absl::SimpleAtoi(ports[1], &hi) ||
      lo == 0 || hi > 65535 || lo > hi) {
    std::fprintf(stderr, "bad --listen, --relay_ip or --relay_ports\n");
    return 2;
  }
  turn::ServerConfig config;
  config.realm = absl::GetFlag(FLAGS_realm);
  config.auth = turn::StaticUsers(table);
  config.relay = turn::RelayAddressGenerator::Static(
      *relay_ip, static_cast<uint16_t>(lo), static_cast<uint16_t>(hi));
  config.max_allocations_per_user =
      absl::GetFlag(FLAGS_max_allocations_per_user);
  config.max_allocations = absl::GetFlag(FLAGS_max_allocations);
  // Real deployments need unpredictable nonces and ports: seed from the OS.
  uint64_t seed = 0;
  if (FILE* f = std::fopen("/dev/urandom", "rb")) {
    if (std::fread(&seed, sizeof(seed), 1, f) != 1) seed = 0;
    std::fclose(f);
  }
  turn::Server server(config, Rng(seed));
  net::UdpLoop loop;
  auto bound = loop.Bind(*listen);
  if (!bound.ok()) {
    std::fprintf(stderr, "%s\n", bound.status().ToString().c_str());
    return 1;
  }
  std::printf("turn_server listening on %s realm=%s users=%zu\n",
              bound->ToString().c_str(), config.realm.c_str(), table.size());
  std::fflush(stdout);
  net::StopOnSignals(&loop);
  net::UdpLoop::Adapter<turn::Server> adapter(server);
  auto status = loop.Run(adapter, [&](Timestamp) {
    while (auto e = server.PollEvent()) {
      if (e->kind == turn::ServerEvent::Kind::kAllocationCreated) {
        auto r = loop.Bind(e->relayed);
        std::printf(
            "allocation user=%s client=%s relayed=%s%s\n", e->username.c_str(),
            e->five_tuple.client.ToString().c_str(),
            e->relayed.ToString().c_str(), r.ok() ? "" : " (bind failed)");
      } else {
        loop.Unbind(e->relayed);
        std::printf("deallocated relayed=%s\n", e->relayed.ToString().c_str());
      }
      std::fflush(stdout);
    }
  });
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
