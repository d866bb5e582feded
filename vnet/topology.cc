#include "vnet/topology.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_format.h"
#include "vnet/config_check.h"

namespace simrtc::vnet {

namespace {

// Auto-assignment stops looking after this many candidates; a LAN with
// that many hosts is far beyond what a simulation needs.
constexpr uint64_t kMaxAssignProbes = uint64_t{1} << 20;

int FamilyBits(const IpAddress& ip) { return ip.is_v4() ? 32 : 128; }

std::string SubnetString(const std::pair<IpAddress, int>& s) {
  return absl::StrFormat("%s/%d", s.first.ToString(), s.second);
}

bool HostBitsZero(const IpAddress& prefix, int len) {
  std::span<const uint8_t> b = prefix.bytes();
  for (int bit = len; bit < FamilyBits(prefix); ++bit) {
    if (b[bit / 8] & (0x80 >> (bit % 8))) return false;
  }
  return true;
}

bool Overlap(const std::pair<IpAddress, int>& a,
             const std::pair<IpAddress, int>& b) {
  if (a.first.family() != b.first.family()) return false;
  return a.first.InSubnet(b.first, std::min(a.second, b.second));
}

bool Contains(const std::pair<IpAddress, int>& outer,
              const std::pair<IpAddress, int>& inner) {
  return inner.first.family() == outer.first.family() &&
         inner.second >= outer.second &&
         inner.first.InSubnet(outer.first, outer.second);
}

// prefix | offset; the prefix's host bits are zero and offset fits in them.
IpAddress WithOffset(const IpAddress& prefix, uint64_t offset) {
  std::span<const uint8_t> b = prefix.bytes();
  if (prefix.is_v4()) {
    return IpAddress::V4(prefix.v4_host_order() |
                         static_cast<uint32_t>(offset));
  }
  std::array<uint8_t, 16> bytes;
  std::copy(b.begin(), b.end(), bytes.begin());
  for (int i = 0; i < 8; ++i) {
    bytes[15 - i] |= static_cast<uint8_t>(offset >> (8 * i));
  }
  return IpAddress::V6(bytes);
}

}  // namespace

absl::Status Topology::CheckName(std::string_view kind,
                                 const std::string& name) const {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s name: must not be empty", kind));
  }
  auto it = names_.find(name);
  if (it != names_.end()) {
    return absl::AlreadyExistsError(absl::StrFormat(
        "%s '%s': name already used by a %s", kind, name,
        it->second.kind == LanTarget::Kind::kHost ? "host" : "router"));
  }
  return absl::OkStatus();
}

bool Topology::Used(RouterId r, const IpAddress& ip,
                    const std::vector<IpAddress>& pending) const {
  if (std::find(pending.begin(), pending.end(), ip) != pending.end()) {
    return true;
  }
  return realm_addresses_.contains(RealmKey{routers_[r].realm, ip});
}

absl::Status Topology::CheckAddress(
    std::string_view what, RouterId r, const IpAddress& ip,
    const std::vector<IpAddress>& pending) const {
  const RouterNode& node = routers_[r];
  if (!ip.is_set() || ip.IsUnspecified() || ip.IsMulticast()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: '%s' is not a unicast address", what, ip.ToString()));
  }
  if (!InOwnSubnet(r, ip)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %s is outside the subnets of router '%s'", what,
                        ip.ToString(), node.config.name));
  }
  for (const auto& [subnet, child] : node.routed) {
    if (ip.InSubnet(subnet.first, subnet.second)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: %s is inside subnet %s routed to router '%s'", what,
          ip.ToString(), SubnetString(subnet), routers_[child].config.name));
    }
  }
  if (std::find(pending.begin(), pending.end(), ip) != pending.end()) {
    return absl::AlreadyExistsError(
        absl::StrFormat("%s: %s given twice", what, ip.ToString()));
  }
  auto it = realm_addresses_.find(RealmKey{node.realm, ip});
  if (it != realm_addresses_.end()) {
    return absl::AlreadyExistsError(absl::StrFormat(
        "%s: %s already used by %s", what, ip.ToString(), it->second.what));
  }
  return absl::OkStatus();
}

std::optional<IpAddress> Topology::NextFree(
    RouterId r, size_t subnet_index,
    const std::vector<IpAddress>& pending) const {
  const RouterNode& node = routers_[r];
  const auto& [prefix, len] = node.config.subnets[subnet_index];
  const int host_bits = FamilyBits(prefix) - len;
  // Offsets [first, last] are candidates.
  uint64_t first = 0;
  uint64_t last = host_bits >= 64 ? UINT64_MAX : (uint64_t{1} << host_bits) - 1;
  if (host_bits >= 2) {
    first = 2;  // network address, and prefix+1 for the router itself
    if (prefix.is_v4()) --last;  // broadcast
  }
  for (uint64_t off = first, probes = 0;
       off <= last && probes < kMaxAssignProbes; ++off, ++probes) {
    const IpAddress ip = WithOffset(prefix, off);
    if (Used(r, ip, pending)) continue;
    bool routed_away = false;
    for (const auto& [subnet, child] : node.routed) {
      if (ip.InSubnet(subnet.first, subnet.second)) routed_away = true;
    }
    if (!routed_away) return ip;
  }
  return std::nullopt;
}

bool Topology::InOwnSubnet(RouterId r, const IpAddress& dst) const {
  for (const auto& [prefix, len] : routers_[r].config.subnets) {
    if (dst.InSubnet(prefix, len)) return true;
  }
  return false;
}

bool Topology::RouterBehind(RouterId descendant, RouterId ancestor) const {
  for (RouterId r = descendant; r >= 0; r = routers_[r].parent) {
    if (r == ancestor) return true;
  }
  return false;
}

bool Topology::HostBehind(HostId h, RouterId r) const {
  return RouterBehind(hosts_[h].router, r);
}

std::optional<HostId> Topology::FindHost(std::string_view name) const {
  auto it = names_.find(name);
  if (it == names_.end() || it->second.kind != LanTarget::Kind::kHost) {
    return std::nullopt;
  }
  return it->second.id;
}

std::optional<RouterId> Topology::FindRouter(std::string_view name) const {
  auto it = names_.find(name);
  if (it == names_.end() || it->second.kind != LanTarget::Kind::kRouter) {
    return std::nullopt;
  }
  return it->second.id;
}

absl::StatusOr<RouterId> Topology::AddRouter(const RouterConfig& config) {
  const std::string& name = config.name;
  if (absl::Status s = CheckName("router", name); !s.ok()) return s;
  const std::string what = absl::StrFormat("router '%s'", name);
  const RouterId id = static_cast<RouterId>(routers_.size());

  RouterId parent = -1;
  if (config.parent.empty()) {
    for (const RouterNode& r : routers_) {
      if (r.parent < 0) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s parent: empty, but router '%s' is already the root", what,
            r.config.name));
      }
    }
    if (config.nat) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s nat: the root router has no parent LAN to translate to", what));
    }
    if (!config.wan_addresses.empty()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s wan_addresses: the root router has no parent LAN", what));
    }
  } else {
    std::optional<RouterId> p = FindRouter(config.parent);
    if (!p) {
      return absl::NotFoundError(absl::StrFormat(
          "%s parent: router '%s' not found (parents must be added first)",
          what, config.parent));
    }
    parent = *p;
    if (absl::Status s = ValidateLinkConfig(what + " uplink", config.uplink);
        !s.ok()) {
      return s;
    }
  }

  // Subnets.
  for (size_t i = 0; i < config.subnets.size(); ++i) {
    const auto& [prefix, len] = config.subnets[i];
    const std::string field = absl::StrFormat("%s subnets[%d]", what, i);
    if (!prefix.is_set() || prefix.IsMulticast()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: '%s' is not a unicast prefix", field, prefix.ToString()));
    }
    if (len < 0 || len > FamilyBits(prefix)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: prefix length %d out of range for %s", field,
                          len, prefix.ToString()));
    }
    if (!HostBitsZero(prefix, len)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: %s has host bits set", field, SubnetString(config.subnets[i])));
    }
    for (size_t j = 0; j < i; ++j) {
      if (config.subnets[j].first.family() == prefix.family()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: a second subnet of the same family (one per family)", field));
      }
    }
  }

  const RouterId realm =
      (parent < 0 || config.nat) ? id : routers_[parent].realm;
  // Overlap with other LANs of the same realm.
  for (RouterId m = 0; m < static_cast<RouterId>(routers_.size()); ++m) {
    const RouterNode& other = routers_[m];
    if (other.realm != realm) continue;
    const bool ancestor = parent >= 0 && RouterBehind(parent, m);
    for (size_t i = 0; i < config.subnets.size(); ++i) {
      for (const auto& os : other.config.subnets) {
        if (!Overlap(config.subnets[i], os)) continue;
        if (ancestor && Contains(os, config.subnets[i])) continue;
        return absl::InvalidArgumentError(
            absl::StrFormat("%s subnets[%d]: %s overlaps %s of router '%s'",
                            what, i, SubnetString(config.subnets[i]),
                            SubnetString(os), other.config.name));
      }
    }
  }
  if (realm != id) {
    // A routed-through LAN must not swallow addresses already in use.
    auto it = realm_addresses_.lower_bound(RealmKey{realm, IpAddress()});
    for (; it != realm_addresses_.end() && it->first.first == realm; ++it) {
      for (size_t i = 0; i < config.subnets.size(); ++i) {
        const auto& [prefix, len] = config.subnets[i];
        if (it->first.second.InSubnet(prefix, len)) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "%s subnets[%d]: %s contains %s already used by %s", what, i,
              SubnetString(config.subnets[i]), it->first.second.ToString(),
              it->second.what));
        }
      }
    }
  }

  std::vector<IpAddress> wan;
  std::vector<IpAddress> pending;  // everything this router claims upstairs
  std::vector<std::pair<IpAddress, std::string>> claims;
  if (parent >= 0) {
    const RouterNode& p = routers_[parent];
    for (size_t i = 0; i < config.wan_addresses.size(); ++i) {
      const IpAddress& ip = config.wan_addresses[i];
      if (absl::Status s =
              CheckAddress(absl::StrFormat("%s wan_addresses[%d]", what, i),
                           parent, ip, pending);
          !s.ok()) {
        return s;
      }
      wan.push_back(ip);
      pending.push_back(ip);
    }
    if (wan.empty()) {
      if (p.config.subnets.empty()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s wan_addresses: parent '%s' has no subnet to assign one from",
            what, p.config.name));
      }
      for (size_t k = 0; k < p.config.subnets.size(); ++k) {
        std::optional<IpAddress> ip = NextFree(parent, k, pending);
        if (!ip) {
          return absl::ResourceExhaustedError(absl::StrFormat(
              "%s wan_addresses: no free address left in %s of router '%s'",
              what, SubnetString(p.config.subnets[k]), p.config.name));
        }
        wan.push_back(*ip);
        pending.push_back(*ip);
      }
    }
    for (const IpAddress& ip : wan) claims.emplace_back(ip, what + " WAN");
  }
  if (config.nat) {
    const NatConfig& nat = *config.nat;
    const std::string nat_what = what + " nat";
    if (absl::Status s = ValidateNatConfig(nat_what, nat); !s.ok()) return s;
    for (size_t i = 0; i < nat.public_ips.size(); ++i) {
      const IpAddress& ip = nat.public_ips[i];
      if (std::find(wan.begin(), wan.end(), ip) != wan.end()) continue;
      if (absl::Status s =
              CheckAddress(absl::StrFormat("%s.public_ips[%d]", nat_what, i),
                           parent, ip, pending);
          !s.ok()) {
        return s;
      }
      pending.push_back(ip);
      claims.emplace_back(ip, what + " NAT pool");
    }
    for (size_t i = 0; i < nat.static_mappings.size(); ++i) {
      const auto& [in, out] = nat.static_mappings[i];
      const std::string field =
          absl::StrFormat("%s.static_mappings[%d]", nat_what, i);
      bool inside = false;
      for (const auto& [prefix, len] : config.subnets) {
        if (in.InSubnet(prefix, len)) inside = true;
      }
      if (!inside) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s: internal %s is outside the router's subnets",
                            field, in.ToString()));
      }
      if (std::find(wan.begin(), wan.end(), out) != wan.end()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s: external %s is the router's WAN address",
                            field, out.ToString()));
      }
      if (absl::Status s =
              CheckAddress(field + " external", parent, out, pending);
          !s.ok()) {
        return s;
      }
      pending.push_back(out);
      claims.emplace_back(out, what + " static NAT");
    }
  }

  // Commit.
  RouterNode node;
  node.config = config;
  node.config.wan_addresses = wan;
  node.parent = parent;
  node.realm = realm;
  routers_.push_back(std::move(node));
  names_.emplace(name, LanTarget{LanTarget::Kind::kRouter, id});
  if (parent >= 0) {
    RouterNode& p = routers_[parent];
    p.children.push_back(id);
    for (const auto& [ip, owner] : claims) {
      p.lan.emplace(ip, LanTarget{LanTarget::Kind::kRouter, id});
      realm_addresses_.emplace(RealmKey{p.realm, ip}, Owner{owner});
    }
    if (!config.nat) {
      for (const auto& s : config.subnets) p.routed.emplace_back(s, id);
    }
  }
  return id;
}

absl::StatusOr<HostId> Topology::AddHost(const HostConfig& config) {
  const std::string& name = config.name;
  if (absl::Status s = CheckName("host", name); !s.ok()) return s;
  const std::string what = absl::StrFormat("host '%s'", name);
  std::optional<RouterId> r = FindRouter(config.router);
  if (!r) {
    return absl::NotFoundError(absl::StrFormat(
        "%s router: '%s' not found (routers must be added first)", what,
        config.router));
  }
  if (absl::Status s = ValidateLinkConfig(what + " link", config.link);
      !s.ok()) {
    return s;
  }
  const RouterNode& router = routers_[*r];
  std::vector<IpAddress> addresses;
  for (size_t i = 0; i < config.addresses.size(); ++i) {
    if (absl::Status s =
            CheckAddress(absl::StrFormat("%s addresses[%d]", what, i), *r,
                         config.addresses[i], addresses);
        !s.ok()) {
      return s;
    }
    addresses.push_back(config.addresses[i]);
  }
  if (addresses.empty()) {
    if (router.config.subnets.empty()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s addresses: router '%s' has no subnet to assign one from", what,
          router.config.name));
    }
    for (size_t k = 0; k < router.config.subnets.size(); ++k) {
      std::optional<IpAddress> ip = NextFree(*r, k, addresses);
      if (!ip) {
        return absl::ResourceExhaustedError(absl::StrFormat(
            "%s addresses: no free address left in %s of router '%s'", what,
            SubnetString(router.config.subnets[k]), router.config.name));
      }
      addresses.push_back(*ip);
    }
  }

  const HostId id = static_cast<HostId>(hosts_.size());
  HostNode node;
  node.config = config;
  node.config.addresses = addresses;
  node.router = *r;
  node.addresses = addresses;
  hosts_.push_back(std::move(node));
  names_.emplace(name, LanTarget{LanTarget::Kind::kHost, id});
  RouterNode& rn = routers_[*r];
  rn.hosts.push_back(id);
  for (const IpAddress& ip : addresses) {
    rn.lan.emplace(ip, LanTarget{LanTarget::Kind::kHost, id});
    realm_addresses_.emplace(RealmKey{rn.realm, ip}, Owner{what});
  }
  return id;
}

absl::Status Topology::ChangeHostAddress(HostId host,
                                         const IpAddress& old_address,
                                         const IpAddress& new_address) {
  HostNode& h = hosts_[host];
  const std::string what = absl::StrFormat("host '%s'", h.config.name);
  auto it = std::find(h.addresses.begin(), h.addresses.end(), old_address);
  if (it == h.addresses.end()) {
    return absl::NotFoundError(
        absl::StrFormat("%s old_address: %s is not one of its addresses", what,
                        old_address.ToString()));
  }
  if (absl::Status s =
          CheckAddress(what + " new_address", h.router, new_address, {});
      !s.ok()) {
    return s;
  }
  RouterNode& rn = routers_[h.router];
  *it = new_address;
  rn.lan.erase(old_address);
  rn.lan.emplace(new_address, LanTarget{LanTarget::Kind::kHost, host});
  realm_addresses_.erase(RealmKey{rn.realm, old_address});
  realm_addresses_.emplace(RealmKey{rn.realm, new_address}, Owner{what});
  return absl::OkStatus();
}

}  // namespace simrtc::vnet
