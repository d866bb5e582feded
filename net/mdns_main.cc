// Publishes or resolves an mDNS ".local" name on real sockets: the mDNS
// endpoint ICE uses (core/mdns MdnsConn) on 224.0.0.251:5353 and
// [ff02::fb]:5353.
//
//   mdns --publish=<name>.local --address=<ip>[,<ip>] [--interface=<ip>,...]
//   mdns --resolve=<name>.local [--family=any|ipv4|ipv6] [--timeout=3s]
//        [--interface=<ip>,...]
//
// See kUsage for the output and exit codes.
#include <cstdio>
#include <string>
#include <variant>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "core/base/time.h"
#include "core/mdns/mdns_conn.h"
#include "net/interfaces.h"
#include "net/mdns_options.h"
#include "net/udp_loop.h"

ABSL_FLAG(std::string, publish, "",
          "answer queries for this <name>.local until SIGINT/SIGTERM");
ABSL_FLAG(std::string, address, "",
          "with --publish: the address(es) the name stands for, "
          "comma-separated");
ABSL_FLAG(std::string, resolve, "",
          "resolve this <name>.local, print the result and exit");
ABSL_FLAG(std::string, family, "any",
          "with --resolve: the address family wanted: any, ipv4 or ipv6");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(3),
          "with --resolve: give up after this long");
ABSL_FLAG(std::string, interface, "",
          "comma-separated addresses of this host; each picks the interface "
          "that owns it (any 127.0.0.0/8 address means loopback) and is the "
          "source of what we send there. Default: every up, "
          "multicast-capable, non-loopback interface (its IPv4 address and "
          "its IPv6 link-local address)");

namespace {

constexpr char kUsage[] =
    R"(Publishes or resolves an mDNS .local name over 224.0.0.251:5353 and [ff02::fb]:5353.

  mdns --publish=<name>.local --address=<ip>[,<ip>...] [--interface=<ip>,...]
      Answers queries for the name until SIGINT/SIGTERM. Prints
      "PUBLISHED <name> <ip>... ON <ip>%<interface>..." once its sockets are
      joined. Exit 0 when stopped, 1 when the sockets cannot be opened.
  mdns --resolve=<name>.local [--family=any|ipv4|ipv6] [--timeout=3s]
       [--interface=<ip>,...]
      Prints "RESOLVED <name> <ip>", one line per address, and exits 0; or
      prints "mdns: could not resolve <name>: <reason>" and exits 1.
  Bad flags exit 2.

Interfaces: by default every interface that is up, multicast-capable and
not loopback. Loopback is opt-in: --interface=127.0.0.1 (any 127.0.0.0/8
address works) or --interface=::1. Linux routes no IPv6 multicast out of lo,
so --interface=::1 fails with a route error unless a local route for
ff00::/8 exists on lo (e.g. in a test network namespace:
`ip -6 route add local ff00::/8 dev lo table local`).

Several instances on one host share port 5353 (SO_REUSEADDR/SO_REUSEPORT),
but must use different --interface addresses: the mDNS endpoint takes a
datagram from one of its own addresses on port 5353 for its own multicast
looped back, and ignores it. On loopback, e.g. publish with
--interface=127.0.0.1 and resolve with --interface=127.0.0.2.

Chromium's responder answers only queries that carry a single question;
with --family=any the A and AAAA questions travel in one message, so
resolve Chromium's <uuid>.local names with --family=ipv4 or --family=ipv6.)";

using namespace simrtc;

std::string Join(const std::vector<IpAddress>& ips) {
  std::vector<std::string> parts;
  for (const IpAddress& ip : ips) parts.push_back(ip.ToString());
  return absl::StrJoin(parts, " ");
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  absl::ParseCommandLine(argc, argv);

  net::MdnsFlags flags;
  flags.publish = absl::GetFlag(FLAGS_publish);
  flags.address = absl::GetFlag(FLAGS_address);
  flags.resolve = absl::GetFlag(FLAGS_resolve);
  flags.family = absl::GetFlag(FLAGS_family);
  flags.timeout = TimeDelta::Micros(
      absl::ToInt64Microseconds(absl::GetFlag(FLAGS_timeout)));
  flags.interface = absl::GetFlag(FLAGS_interface);
  absl::StatusOr<net::MdnsOptions> options = net::ValidateMdnsFlags(flags);
  if (!options.ok()) {
    std::fprintf(stderr, "mdns: %s (see --help)\n",
                 std::string(options.status().message()).c_str());
    return 2;
  }
  const bool publish = options->mode == net::MdnsOptions::Mode::kPublish;

  absl::StatusOr<std::vector<net::NetInterface>> all = net::ListInterfaces();
  if (!all.ok()) {
    std::fprintf(stderr, "mdns: %s\n", all.status().ToString().c_str());
    return 1;
  }
  std::vector<net::UdpLoop::MulticastInterface> interfaces;
  if (options->interfaces.empty()) {
    interfaces = net::DefaultMdnsInterfaces(*all);
    if (interfaces.empty()) {
      std::fprintf(stderr,
                   "mdns: no interface is up, multicast-capable and not "
                   "loopback; pass --interface=127.0.0.1 for loopback\n");
      return 1;
    }
  } else {
    auto chosen = net::ChooseMdnsInterfaces(*all, options->interfaces);
    if (!chosen.ok()) {
      std::fprintf(stderr, "mdns: %s\n", chosen.status().ToString().c_str());
      return 2;
    }
    interfaces = std::move(*chosen);
  }

  net::UdpLoop loop;
  mdns::Config config;
  config.mode = publish ? mdns::MulticastDnsMode::kQueryAndGather
                        : mdns::MulticastDnsMode::kQueryOnly;
  config.query_timeout = options->timeout;
  std::vector<std::string> joined;
  for (const net::UdpLoop::MulticastInterface& i : interfaces) {
    auto bound = loop.BindMulticast(mdns::MdnsGroup(i.address.family()), i);
    if (!bound.ok()) {
      std::fprintf(stderr, "mdns: %s\n", bound.status().ToString().c_str());
      return 1;
    }
    config.local_addresses.push_back(i.address);
    std::string name = std::to_string(i.index);
    for (const net::NetInterface& nif : *all) {
      if (nif.index == i.index) name = nif.name;
    }
    joined.push_back(absl::StrFormat("%s%%%s", i.address.ToString(), name));
  }
  absl::StatusOr<mdns::MdnsConn> conn = mdns::MdnsConn::Create(config);
  if (!conn.ok()) {
    std::fprintf(stderr, "mdns: %s\n", conn.status().ToString().c_str());
    return 1;
  }
  net::StopOnSignals(&loop);
  net::UdpLoop::Adapter<mdns::MdnsConn> adapter(*conn);

  if (publish) {
    absl::Status published =
        conn->Publish(loop.Now(), options->name, options->addresses);
    if (!published.ok()) {
      std::fprintf(stderr, "mdns: %s\n", published.ToString().c_str());
      return 1;
    }
    std::printf("PUBLISHED %s %s ON %s\n", options->name.c_str(),
                Join(options->addresses).c_str(),
                absl::StrJoin(joined, " ").c_str());
    std::fflush(stdout);
    absl::Status run = loop.Run(adapter);
    const mdns::Stats& s = conn->stats();
    std::fprintf(stderr,
                 "mdns: stopped; %llu queries received, %llu responses sent, "
                 "%llu own echoes ignored, %llu sends failed%s%s\n",
                 static_cast<unsigned long long>(s.queries_received),
                 static_cast<unsigned long long>(s.responses_sent),
                 static_cast<unsigned long long>(s.echoes_ignored),
                 static_cast<unsigned long long>(loop.send_errors()),
                 loop.send_errors() > 0 ? "; last: " : "",
                 loop.last_send_error().c_str());
    if (!run.ok()) {
      std::fprintf(stderr, "mdns: %s\n", run.ToString().c_str());
      return 1;
    }
    return 0;
  }

  absl::StatusOr<mdns::QueryId> query =
      conn->Query(loop.Now(), options->name, options->family);
  if (!query.ok()) {
    std::fprintf(stderr, "mdns: could not resolve %s: %s\n",
                 options->name.c_str(), query.status().ToString().c_str());
    return 1;
  }
  int rc = 1;
  bool done = false;
  absl::Status run = loop.Run(adapter, [&](Timestamp) {
    while (std::optional<mdns::Event> e = conn->PollEvent()) {
      if (const auto* r = std::get_if<mdns::Resolved>(&*e)) {
        for (const IpAddress& a : r->addresses) {
          std::printf("RESOLVED %s %s\n", r->name.c_str(),
                      a.ToString().c_str());
        }
        rc = 0;
      } else if (const auto* f = std::get_if<mdns::ResolveFailed>(&*e)) {
        std::string detail;
        if (loop.send_errors() > 0) {
          detail = absl::StrFormat("; %d sends failed, last: %s",
                                   loop.send_errors(), loop.last_send_error());
        }
        std::fprintf(stderr, "mdns: could not resolve %s: %s%s\n",
                     f->name.c_str(), f->reason.ToString().c_str(),
                     detail.c_str());
      }
      done = true;
      loop.Stop();
    }
  });
  if (!run.ok()) {
    std::fprintf(stderr, "mdns: could not resolve %s: %s\n",
                 options->name.c_str(), run.ToString().c_str());
    return 1;
  }
  if (!done) {
    std::fprintf(stderr, "mdns: could not resolve %s: interrupted\n",
                 options->name.c_str());
  }
  return rc;
}
