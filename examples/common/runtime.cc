#include "examples/common/runtime.h"

#include <utility>

#include "core/base/logging.h"
#include "core/base/socket_address.h"

namespace simrtc::examples {

absl::StatusOr<std::unique_ptr<net::Runtime>> MakeRuntime(
    IceAddresses addresses, bool verbose) {
  net::RuntimeOptions o;
  switch (addresses) {
    case IceAddresses::kLoopback:
      o.include_loopback = true;
      o.ipv6 = false;
      o.ip_filter = [](const IpAddress& ip) {
        return ip == IpAddress::V4(127, 0, 0, 1);
      };
      break;
    case IceAddresses::kIPv4:
      o.ipv6 = false;
      break;
    case IceAddresses::kAll:
      break;
  }
  if (verbose) {
    static Logger* logger = [] {
      auto* l = new Logger("example");
      l->set_level(LogLevel::kDebug);
      return l;
    }();
    o.logger = logger;
  }
  return net::Runtime::Create(std::move(o));
}

absl::StatusOr<LocalPeer> MakeLocalPeer(IceAddresses addresses) {
  LocalPeer local;
  auto runtime = MakeRuntime(addresses);
  if (!runtime.ok()) return runtime.status();
  local.runtime = *std::move(runtime);
  auto pc = net::PeerConnection::Create(*local.runtime);
  if (!pc.ok()) return pc.status();
  local.pc = *std::move(pc);
  return local;
}

absl::StatusOr<std::unique_ptr<net::Runtime>> MakeRuntime(
    const Options& options) {
  return MakeRuntime(
      options.loopback_ice ? IceAddresses::kLoopback : IceAddresses::kIPv4,
      options.verbose);
}

}  // namespace simrtc::examples
