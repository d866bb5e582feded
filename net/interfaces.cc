#include "net/interfaces.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include "absl/strings/str_format.h"

namespace simrtc::net {

absl::StatusOr<std::vector<NetInterface>> ListInterfaces() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return absl::InternalError(
        absl::StrFormat("getifaddrs: %s", std::strerror(errno)));
  }
  std::map<int, NetInterface> by_index;
  for (const ifaddrs* ifa = list; ifa != nullptr; ifa = ifa->ifa_next) {
    if (ifa->ifa_addr == nullptr || ifa->ifa_name == nullptr) continue;
    IpAddress ip;
    if (ifa->ifa_addr->sa_family == AF_INET) {
      const auto* s4 = reinterpret_cast<const sockaddr_in*>(ifa->ifa_addr);
      ip = IpAddress::V4(ntohl(s4->sin_addr.s_addr));
    } else if (ifa->ifa_addr->sa_family == AF_INET6) {
      const auto* s6 = reinterpret_cast<const sockaddr_in6*>(ifa->ifa_addr);
      std::array<uint8_t, 16> b;
      std::memcpy(b.data(), &s6->sin6_addr, 16);
      ip = IpAddress::V6(b);
    } else {
      continue;
    }
    const int index = static_cast<int>(if_nametoindex(ifa->ifa_name));
    if (index == 0) continue;  // vanished since getifaddrs
    NetInterface& nif = by_index[index];
    nif.name = ifa->ifa_name;
    nif.index = index;
    nif.up = (ifa->ifa_flags & IFF_UP) != 0;
    nif.loopback = (ifa->ifa_flags & IFF_LOOPBACK) != 0;
    nif.multicast = (ifa->ifa_flags & IFF_MULTICAST) != 0;
    nif.addresses.push_back(ip);
  }
  freeifaddrs(list);
  std::vector<NetInterface> out;
  for (auto& [index, nif] : by_index) {
    std::sort(nif.addresses.begin(), nif.addresses.end());
    nif.addresses.erase(std::unique(nif.addresses.begin(), nif.addresses.end()),
                        nif.addresses.end());
    out.push_back(std::move(nif));
  }
  return out;
}

absl::StatusOr<NetInterface> FindInterfaceFor(
    const std::vector<NetInterface>& interfaces, const IpAddress& address) {
  for (const NetInterface& nif : interfaces) {
    if (std::find(nif.addresses.begin(), nif.addresses.end(), address) !=
        nif.addresses.end()) {
      return nif;
    }
  }
  if (address.is_v4() && address.IsLoopback()) {
    for (const NetInterface& nif : interfaces) {
      if (nif.loopback) return nif;
    }
  }
  return absl::NotFoundError(absl::StrFormat(
      "interface for %s: no interface of this host has that address",
      address.ToString()));
}

}  // namespace simrtc::net
