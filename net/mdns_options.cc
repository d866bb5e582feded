#include "net/mdns_options.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/base/absl_compat.h"
#include "core/mdns/mdns_conn.h"

namespace simrtc::net {
namespace {

// Keeps deadlines far from Timestamp overflow (--timeout=inf).
constexpr TimeDelta kMaxTimeout = TimeDelta::Seconds(24 * 3600);

bool IsUnicast(const IpAddress& ip) {
  return ip.is_set() && !ip.IsUnspecified() && !ip.IsMulticast();
}

std::string_view FamilyName(IpFamily family) {
  return family == IpFamily::kIPv6 ? "IPv6" : "IPv4";
}

}  // namespace

absl::StatusOr<std::vector<IpAddress>> ParseIpList(std::string_view flag,
                                                   std::string_view text) {
  std::vector<IpAddress> out;
  if (text.empty()) return out;
  int i = 0;
  for (absl::string_view part : absl::StrSplit(ToAbsl(text), ',')) {
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(ToStd(part));
    if (!ip.ok()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("--%s=%s: entry %d \"%s\": %s", flag, text, i,
                          ToStd(part), ip.status().message()));
    }
    out.push_back(*ip);
    ++i;
  }
  return out;
}

absl::StatusOr<IpFamily> ParseFamily(std::string_view text) {
  if (text == "any") return IpFamily::kNone;
  if (text == "ipv4") return IpFamily::kIPv4;
  if (text == "ipv6") return IpFamily::kIPv6;
  return absl::InvalidArgumentError(
      absl::StrFormat("--family=%s: expected any, ipv4 or ipv6", text));
}

absl::StatusOr<MdnsOptions> ValidateMdnsFlags(const MdnsFlags& flags) {
  MdnsOptions o;
  if (flags.publish.empty() == flags.resolve.empty()) {
    return absl::InvalidArgumentError(
        "expected exactly one of --publish=<name>.local and "
        "--resolve=<name>.local");
  }
  const bool publish = !flags.publish.empty();
  o.mode = publish ? MdnsOptions::Mode::kPublish : MdnsOptions::Mode::kResolve;
  const std::string& name = publish ? flags.publish : flags.resolve;
  absl::StatusOr<std::string> valid = mdns::ValidateLocalName(name);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--%s=%s: %s", publish ? "publish" : "resolve", name,
                        valid.status().message()));
  }
  o.name = name;

  absl::StatusOr<std::vector<IpAddress>> addresses =
      ParseIpList("address", flags.address);
  if (!addresses.ok()) return addresses.status();
  if (publish) {
    if (addresses->empty()) {
      return absl::InvalidArgumentError(
          "--publish needs --address=<ip>[,<ip>...]: the addresses the name "
          "stands for");
    }
    for (const IpAddress& a : *addresses) {
      if (!IsUnicast(a)) {
        return absl::InvalidArgumentError(
            absl::StrFormat("--address=%s: %s is not a unicast address",
                            flags.address, a.ToString()));
      }
    }
    o.addresses = std::move(*addresses);
  } else if (!addresses->empty()) {
    return absl::InvalidArgumentError("--address only applies to --publish");
  }

  absl::StatusOr<IpFamily> family = ParseFamily(flags.family);
  if (!family.ok()) return family.status();
  o.family = *family;
  if (flags.timeout <= TimeDelta::Zero() || flags.timeout > kMaxTimeout) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--timeout=%s: expected a positive duration of at most %s",
        flags.timeout.ToString(), kMaxTimeout.ToString()));
  }
  o.timeout = flags.timeout;

  absl::StatusOr<std::vector<IpAddress>> interfaces =
      ParseIpList("interface", flags.interface);
  if (!interfaces.ok()) return interfaces.status();
  for (const IpAddress& a : *interfaces) {
    if (!IsUnicast(a)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "--interface=%s: %s is not a unicast address of this host",
          flags.interface, a.ToString()));
    }
  }
  o.interfaces = std::move(*interfaces);
  return o;
}

std::vector<UdpLoop::MulticastInterface> DefaultMdnsInterfaces(
    const std::vector<NetInterface>& interfaces) {
  std::vector<UdpLoop::MulticastInterface> out;
  for (const NetInterface& nif : interfaces) {
    if (!nif.up || !nif.multicast || nif.loopback) continue;
    // Addresses are sorted, so the first of a family is the lowest.
    auto v4 = std::find_if(nif.addresses.begin(), nif.addresses.end(),
                           [](const IpAddress& a) { return a.is_v4(); });
    if (v4 != nif.addresses.end()) out.push_back({*v4, nif.index});
    auto v6 = std::find_if(
        nif.addresses.begin(), nif.addresses.end(),
        [](const IpAddress& a) { return a.is_v6() && a.IsLinkLocal(); });
    if (v6 == nif.addresses.end()) {
      v6 = std::find_if(nif.addresses.begin(), nif.addresses.end(),
                        [](const IpAddress& a) { return a.is_v6(); });
    }
    if (v6 != nif.addresses.end()) out.push_back({*v6, nif.index});
  }
  return out;
}

absl::StatusOr<std::vector<UdpLoop::MulticastInterface>> ChooseMdnsInterfaces(
    const std::vector<NetInterface>& interfaces,
    const std::vector<IpAddress>& requested) {
  std::vector<UdpLoop::MulticastInterface> out;
  // (family, interface index) -> the address that claimed it.
  std::map<std::pair<IpFamily, int>, IpAddress> joined;
  for (const IpAddress& a : requested) {
    absl::StatusOr<NetInterface> nif = FindInterfaceFor(interfaces, a);
    if (!nif.ok()) {
      return absl::NotFoundError(absl::StrFormat(
          "--interface %s: %s", a.ToString(), nif.status().message()));
    }
    if (!nif->up) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "--interface %s: interface %s is down", a.ToString(), nif->name));
    }
    auto [it, fresh] = joined.emplace(std::pair(a.family(), nif->index), a);
    if (!fresh) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "--interface %s: %s already joins interface %s for %s", a.ToString(),
          it->second.ToString(), nif->name, FamilyName(a.family())));
    }
    out.push_back({a, nif->index});
  }
  return out;
}

}  // namespace simrtc::net
