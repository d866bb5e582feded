#include "sim/scenario.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "core/base/absl_compat.h"
#include "core/base/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace simrtc::sim {
namespace {

namespace pb = google::protobuf;

// Node-kind fields are checked by type and name (see CheckNodeKind): string
// fields are endpoints when listed here, free text when listed in
// TextFields(), IP addresses when named *_address, and durations otherwise.
// A new node kind only adds names here if it breaks that pattern.
const std::set<std::string>& EndpointFields() {
  static const auto* fields =
      new std::set<std::string>{"target", "server", "keepalive_target"};
  return *fields;
}
const std::set<std::string>& TextFields() {
  static const auto* fields = new std::set<std::string>{
      "software",   "peer",       "realm",
      "nomination", "restart_on", "ice_transport_policy"};
  return *fields;
}
const std::map<std::string, std::string>& RequiredFields() {
  static const auto* fields = new std::map<std::string, std::string>{
      {"ping", "target"},        {"bulk_sender", "target"},
      {"stun_client", "server"}, {"nat_discovery_client", "server"},
      {"ice_agent", "peer"},     {"peer", "peer"},
  };
  return *fields;
}

class Collector : public pb::io::ErrorCollector {
 public:
  explicit Collector(std::string file) : file_(std::move(file)) {}
  void AddError(int line, pb::io::ColumnNumber column,
                const std::string& message) override {
    errors_.push_back(
        absl::StrFormat("%s:%d:%d: %s", file_, line + 1, column + 1, message));
  }
  void AddWarning(int line, pb::io::ColumnNumber column,
                  const std::string& message) override {
    AddError(line, column, "warning: " + message);
  }
  std::string Joined() const { return absl::StrJoin(errors_, "\n"); }

 private:
  std::string file_;
  std::vector<std::string> errors_;
};

std::string FieldPath(std::string_view field, int index) {
  return index >= 0 ? absl::StrFormat("%s[%d]", field, index)
                    : std::string(field);
}

// A message inside the parsed file: where it is, how it is called in
// messages, and the parse-location tree for its fields.
struct Ctx {
  const std::string* file = nullptr;
  const pb::Message* msg = nullptr;
  const pb::TextFormat::ParseInfoTree* tree = nullptr;
  std::string path;
  std::string object;  // `host "alice"`, prefixed to messages
  int line = 1;
  int col = 1;

  const pb::FieldDescriptor* Field(std::string_view name) const {
    return msg->GetDescriptor()->FindFieldByName(std::string(name));
  }
  std::pair<int, int> Loc(std::string_view field, int index) const {
    const pb::FieldDescriptor* fd = Field(field);
    if (tree != nullptr && fd != nullptr) {
      const pb::TextFormat::ParseLocation l = tree->GetLocation(fd, index);
      if (l.line >= 0) return {l.line + 1, l.column + 1};
    }
    return {line, col};
  }
  Ctx Child(std::string_view field, int index = -1) const {
    const pb::FieldDescriptor* fd = Field(field);
    const pb::Reflection* r = msg->GetReflection();
    Ctx c = *this;
    c.msg = index >= 0 ? &r->GetRepeatedMessage(*msg, fd, index)
                       : &r->GetMessage(*msg, fd);
    c.tree = tree != nullptr ? tree->GetTreeForNested(fd, index) : nullptr;
    std::tie(c.line, c.col) = Loc(field, index);
    c.path = Join(field, index);
    return c;
  }
  std::string Join(std::string_view field, int index) const {
    if (field.empty()) return path;
    return path.empty() ? FieldPath(field, index)
                        : absl::StrCat(path, ".", FieldPath(field, index));
  }
  std::string Location() const {
    return absl::StrFormat("%s:%d:%d", *file, line, col);
  }
  // An error about `field` (empty = this message itself).
  absl::Status Error(std::string_view field, int index,
                     std::string_view message) const {
    const auto [l, c] =
        field.empty() ? std::make_pair(line, col) : Loc(field, index);
    const std::string where = Join(field, index);
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s:%d:%d: %s%s%s%s", *file, l, c, where, where.empty() ? "" : ": ",
        object.empty() ? "" : object + ": ", message));
  }
  absl::Status Error(std::string_view field, std::string_view message) const {
    return Error(field, -1, message);
  }
};

absl::StatusOr<std::pair<IpAddress, int>> ParsePrefix(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "\"%s\" is not a prefix (expected address/length)", text));
  }
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text.substr(0, slash));
  if (!ip.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("\"%s\": %s", text, ToStd(ip.status().message())));
  }
  int len = 0;
  const int max_len = ip->is_v4() ? 32 : 128;
  if (!absl::SimpleAtoi(ToAbsl(text.substr(slash + 1)), &len) || len < 0 ||
      len > max_len) {
    return absl::InvalidArgumentError(
        absl::StrFormat("\"%s\": prefix length must be 0..%d", text, max_len));
  }
  return std::make_pair(*ip, len);
}

absl::StatusOr<IpAddress> ParseIp(std::string_view text) {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
  if (!ip.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("\"%s\" is not an IP address", text));
  }
  return ip;
}

absl::Status ApplyDirection(const scenarios::LinkDirection& p,
                            vnet::LinkDirectionConfig& c) {
  if (p.has_delay()) {
    SIMRTC_ASSIGN_OR_RETURN(c.delay.base, ParseDuration(p.delay()));
  }
  if (p.has_jitter()) {
    SIMRTC_ASSIGN_OR_RETURN(c.delay.jitter, ParseDuration(p.jitter()));
  }
  if (p.has_jitter_distribution()) {
    switch (p.jitter_distribution()) {
      case scenarios::LinkDirection::CONSTANT:
        c.delay.distribution = vnet::DelayConfig::Distribution::kConstant;
        break;
      case scenarios::LinkDirection::UNIFORM:
        c.delay.distribution = vnet::DelayConfig::Distribution::kUniform;
        break;
      case scenarios::LinkDirection::NORMAL:
        c.delay.distribution = vnet::DelayConfig::Distribution::kNormal;
        break;
      case scenarios::LinkDirection::PARETO:
        c.delay.distribution = vnet::DelayConfig::Distribution::kPareto;
        break;
    }
  }
  if (p.has_allow_reordering()) {
    c.delay.allow_reordering = p.allow_reordering();
  }
  if (p.has_loss()) {
    c.loss.rate = p.loss();
    c.loss.gilbert_elliott = false;
  }
  if (p.has_burst_loss()) {
    const scenarios::GilbertElliott& g = p.burst_loss();
    c.loss.gilbert_elliott = true;
    c.loss.p_good_to_bad = g.has_p_good_to_bad() ? g.p_good_to_bad() : 0.0;
    c.loss.p_bad_to_good = g.has_p_bad_to_good() ? g.p_bad_to_good() : 1.0;
    c.loss.loss_in_good = g.has_loss_in_good() ? g.loss_in_good() : 0.0;
    c.loss.loss_in_bad = g.has_loss_in_bad() ? g.loss_in_bad() : 1.0;
  }
  if (p.has_duplicate()) c.duplicate = p.duplicate();
  if (p.has_bandwidth_bps()) c.bandwidth_bps = p.bandwidth_bps();
  if (p.has_queue_bytes()) c.queue_bytes = p.queue_bytes();
  if (p.has_queue_packets()) c.queue_packets = p.queue_packets();
  if (p.has_per_packet_overhead()) {
    c.per_packet_overhead = p.per_packet_overhead();
  }
  if (p.has_mtu()) c.mtu = p.mtu();
  if (p.has_up()) c.up = p.up();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TimeDelta> ParseDuration(std::string_view text) {
  absl::Duration d;
  if (!absl::ParseDuration(ToAbsl(text), &d)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "\"%s\" is not a duration (e.g. \"250us\", \"20ms\", \"1.5s\", \"2m\")",
        text));
  }
  if (d < absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("\"%s\": must be finite and not negative", text));
  }
  return TimeDelta::Micros(absl::ToInt64Microseconds(d));
}

absl::Status ApplyLinkPatch(const scenarios::Link& patch,
                            vnet::LinkConfig& config) {
  if (patch.has_both()) {
    SIMRTC_RETURN_IF_ERROR(ApplyDirection(patch.both(), config.up));
    SIMRTC_RETURN_IF_ERROR(ApplyDirection(patch.both(), config.down));
  }
  if (patch.has_up()) {
    SIMRTC_RETURN_IF_ERROR(ApplyDirection(patch.up(), config.up));
  }
  if (patch.has_down()) {
    SIMRTC_RETURN_IF_ERROR(ApplyDirection(patch.down(), config.down));
  }
  return absl::OkStatus();
}

absl::StatusOr<EndpointRef> ParseEndpoint(std::string_view text) {
  EndpointRef ref;
  if (absl::StatusOr<SocketAddress> literal = SocketAddress::Parse(text);
      literal.ok()) {
    if (literal->port() == 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("\"%s\": port must be 1..65535", text));
    }
    ref.literal = *literal;
    ref.port = literal->port();
    return ref;
  }
  const size_t colon = text.rfind(':');
  const auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrFormat(
        "\"%s\" is not an endpoint (expected \"ip:port\", \"[ipv6]:port\", "
        "\"name:port\" or \"name#index:port\")",
        text));
  };
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string_view name = text.substr(0, colon);
  int port = 0;
  if (!absl::SimpleAtoi(ToAbsl(text.substr(colon + 1)), &port) || port < 1 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrFormat("\"%s\": port must be 1..65535", text));
  }
  if (const size_t hash = name.find('#'); hash != std::string_view::npos) {
    if (!absl::SimpleAtoi(ToAbsl(name.substr(hash + 1)), &ref.index) ||
        ref.index < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "\"%s\": address index after '#' must be a number >= 0", text));
    }
    name = name.substr(0, hash);
  }
  if (name.empty() || name.find(':') != std::string_view::npos) return bad();
  ref.name = std::string(name);
  ref.port = static_cast<uint16_t>(port);
  return ref;
}

class Scenario::Validator {
 public:
  Validator(Scenario& s, const pb::TextFormat::ParseInfoTree& tree)
      : s_(s), tree_(tree) {}

  absl::Status Run() {
    Ctx root;
    root.file = &s_.filename_;
    root.msg = s_.proto_.get();
    root.tree = &tree_;
    const scenarios::Scenario& p = *s_.proto_;
    if (!p.has_duration()) {
      return root.Error("duration", "required (e.g. duration: \"30s\")");
    }
    absl::StatusOr<TimeDelta> duration = ParseDuration(p.duration());
    if (!duration.ok())
      return root.Error("duration", ToStd(duration.status().message()));
    if (*duration <= TimeDelta::Zero()) {
      return root.Error("duration", "must be greater than zero");
    }
    s_.duration_ = *duration;
    if (!p.has_topology() || p.topology().router_size() == 0) {
      return root.Error("topology", "at least one router is required");
    }
    const Ctx topo = root.Child("topology");
    for (int i = 0; i < p.topology().router_size(); ++i) {
      SIMRTC_RETURN_IF_ERROR(CheckRouter(topo.Child("router", i)));
    }
    for (int i = 0; i < p.topology().host_size(); ++i) {
      SIMRTC_RETURN_IF_ERROR(CheckHost(topo.Child("host", i)));
    }
    for (int i = 0; i < p.node_size(); ++i) {
      SIMRTC_RETURN_IF_ERROR(CheckNode(root.Child("node", i)));
    }
    for (int i = 0; i < p.node_size(); ++i) {
      SIMRTC_RETURN_IF_ERROR(CheckIcePeer(root.Child("node", i)));
      SIMRTC_RETURN_IF_ERROR(CheckPeer(root.Child("node", i)));
    }
    for (int i = 0; i < p.timeline_size(); ++i) {
      SIMRTC_RETURN_IF_ERROR(CheckStep(root.Child("timeline", i)));
    }
    for (int i = 0; i < p.expect_size(); ++i) {
      SIMRTC_RETURN_IF_ERROR(CheckExpectation(root.Child("expect", i)));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status CheckName(Ctx& c, const std::string& name, std::string_view kind,
                         std::map<std::string, std::string>& names) {
    c.object = absl::StrFormat("%s \"%s\"", kind, name);
    if (name.empty()) {
      c.object.clear();
      return c.Error("name", absl::StrFormat("every %s needs a name", kind));
    }
    const auto [it, inserted] = names.emplace(name, c.Location());
    if (!inserted) {
      return c.Error("name", absl::StrFormat("duplicate name, first used at %s",
                                             it->second));
    }
    return absl::OkStatus();
  }

  absl::Status CheckRouter(Ctx c) {
    const auto& r = static_cast<const scenarios::Router&>(*c.msg);
    SIMRTC_RETURN_IF_ERROR(CheckName(c, r.name(), "router", network_names_));
    RouterSpec spec;
    spec.location = c.Location();
    spec.config.name = r.name();
    for (int j = 0; j < r.subnet_size(); ++j) {
      absl::StatusOr<std::pair<IpAddress, int>> prefix =
          ParsePrefix(r.subnet(j));
      if (!prefix.ok())
        return c.Error("subnet", j, ToStd(prefix.status().message()));
      spec.config.subnets.push_back(*prefix);
    }
    if (r.has_parent() && !r.parent().empty()) {
      if (routers_.count(r.parent()) == 0) {
        return c.Error(
            "parent",
            network_names_.count(r.parent()) != 0
                ? absl::StrFormat("\"%s\" is not a router declared "
                                  "before this one (parents first)",
                                  r.parent())
                : absl::StrFormat("unknown router \"%s\"", r.parent()));
      }
      spec.config.parent = r.parent();
    }
    for (int j = 0; j < r.wan_address_size(); ++j) {
      absl::StatusOr<IpAddress> ip = ParseIp(r.wan_address(j));
      if (!ip.ok())
        return c.Error("wan_address", j, ToStd(ip.status().message()));
      spec.config.wan_addresses.push_back(*ip);
    }
    if (r.has_nat()) {
      if (spec.config.parent.empty()) {
        return c.Error("nat", "the root router has no parent to translate to");
      }
      absl::StatusOr<vnet::NatConfig> nat = CheckNat(c.Child("nat"));
      if (!nat.ok()) return nat.status();
      spec.config.nat = *nat;
      nat_routers_.insert(r.name());
    }
    if (r.has_uplink()) {
      SIMRTC_RETURN_IF_ERROR(CheckLink(c.Child("uplink"), spec.config.uplink));
    }
    routers_.insert(r.name());
    s_.routers_.push_back(std::move(spec));
    return absl::OkStatus();
  }

  absl::StatusOr<vnet::NatConfig> CheckNat(const Ctx& c) {
    const auto& n = static_cast<const scenarios::Nat&>(*c.msg);
    vnet::NatConfig cfg;
    if (n.has_preset()) {
      std::optional<vnet::NatConfig> preset =
          vnet::NatConfig::Preset(n.preset());
      if (!preset.has_value()) {
        return c.Error("preset",
                       absl::StrFormat("unknown preset \"%s\" (full_cone, "
                                       "restricted_cone, port_restricted_cone, "
                                       "symmetric)",
                                       n.preset()));
      }
      cfg = *preset;
    }
    if (n.has_mapping()) {
      cfg.mapping = n.mapping() == scenarios::Nat::EIM
                        ? vnet::MappingBehavior::kEndpointIndependent
                    : n.mapping() == scenarios::Nat::ADM
                        ? vnet::MappingBehavior::kAddressDependent
                        : vnet::MappingBehavior::kAddressAndPortDependent;
    }
    if (n.has_filtering()) {
      cfg.filtering = n.filtering() == scenarios::Nat::EIF
                          ? vnet::FilteringBehavior::kEndpointIndependent
                      : n.filtering() == scenarios::Nat::ADF
                          ? vnet::FilteringBehavior::kAddressDependent
                          : vnet::FilteringBehavior::kAddressAndPortDependent;
    }
    if (n.has_port_preservation())
      cfg.port_preservation = n.port_preservation();
    if (n.has_port_parity()) cfg.port_parity = n.port_parity();
    if (n.has_allocation()) {
      cfg.allocation = n.allocation() == scenarios::Nat::RANDOM
                           ? vnet::PortAllocation::kRandom
                           : vnet::PortAllocation::kSequential;
    }
    if (n.has_pooling()) {
      cfg.pooling = n.pooling() == scenarios::Nat::ARBITRARY
                        ? vnet::AddressPooling::kArbitrary
                        : vnet::AddressPooling::kPaired;
    }
    if (n.public_ip_size() > 0) cfg.public_ips.clear();
    for (int j = 0; j < n.public_ip_size(); ++j) {
      absl::StatusOr<IpAddress> ip = ParseIp(n.public_ip(j));
      if (!ip.ok())
        return c.Error("public_ip", j, ToStd(ip.status().message()));
      cfg.public_ips.push_back(*ip);
    }
    if (n.has_port_min()) {
      if (n.port_min() < 1 || n.port_min() > 65535) {
        return c.Error("port_min", "must be 1..65535");
      }
      cfg.port_min = static_cast<uint16_t>(n.port_min());
    }
    if (n.has_port_max()) {
      if (n.port_max() < 1 || n.port_max() > 65535) {
        return c.Error("port_max", "must be 1..65535");
      }
      cfg.port_max = static_cast<uint16_t>(n.port_max());
    }
    if (cfg.port_min > cfg.port_max) {
      return c.Error(n.has_port_max() ? "port_max" : "port_min",
                     absl::StrFormat("port range %d..%d is empty", cfg.port_min,
                                     cfg.port_max));
    }
    if (n.has_hairpinning()) cfg.hairpinning = n.hairpinning();
    if (n.has_binding_lifetime()) {
      absl::StatusOr<TimeDelta> d = ParseDuration(n.binding_lifetime());
      if (!d.ok())
        return c.Error("binding_lifetime", ToStd(d.status().message()));
      if (*d <= TimeDelta::Zero()) {
        return c.Error("binding_lifetime", "must be greater than zero");
      }
      cfg.binding_lifetime = *d;
    }
    if (n.has_inbound_refreshes())
      cfg.inbound_refreshes = n.inbound_refreshes();
    for (int j = 0; j < n.static_mapping_size(); ++j) {
      const Ctx m = c.Child("static_mapping", j);
      const auto& sm = n.static_mapping(j);
      absl::StatusOr<IpAddress> in = ParseIp(sm.internal());
      if (!in.ok()) return m.Error("internal", ToStd(in.status().message()));
      absl::StatusOr<IpAddress> ex = ParseIp(sm.external());
      if (!ex.ok()) return m.Error("external", ToStd(ex.status().message()));
      cfg.static_mappings.emplace_back(*in, *ex);
    }
    if (n.has_block_udp()) cfg.block_udp = n.block_udp();
    return cfg;
  }

  absl::Status CheckDirection(const Ctx& c) {
    const auto& d = static_cast<const scenarios::LinkDirection&>(*c.msg);
    for (const char* field : {"delay", "jitter"}) {
      const pb::FieldDescriptor* fd = c.Field(field);
      if (!d.GetReflection()->HasField(d, fd)) continue;
      absl::StatusOr<TimeDelta> t =
          ParseDuration(d.GetReflection()->GetString(d, fd));
      if (!t.ok()) return c.Error(field, ToStd(t.status().message()));
    }
    if (d.has_jitter_distribution() &&
        d.jitter_distribution() == scenarios::LinkDirection::CONSTANT &&
        d.has_jitter() && *ParseDuration(d.jitter()) > TimeDelta::Zero()) {
      return c.Error("jitter_distribution",
                     "CONSTANT means no jitter, but jitter is set");
    }
    const auto probability = [&](const char* field, bool has,
                                 double v) -> absl::Status {
      if (has && !(v >= 0.0 && v <= 1.0)) {
        return c.Error(field,
                       absl::StrFormat("%g is not a probability in [0, 1]", v));
      }
      return absl::OkStatus();
    };
    SIMRTC_RETURN_IF_ERROR(probability("loss", d.has_loss(), d.loss()));
    SIMRTC_RETURN_IF_ERROR(
        probability("duplicate", d.has_duplicate(), d.duplicate()));
    if (d.has_burst_loss()) {
      const Ctx g = c.Child("burst_loss");
      const auto& b = d.burst_loss();
      for (const auto& [field, has, v] :
           {std::make_tuple("p_good_to_bad", b.has_p_good_to_bad(),
                            b.p_good_to_bad()),
            std::make_tuple("p_bad_to_good", b.has_p_bad_to_good(),
                            b.p_bad_to_good()),
            std::make_tuple("loss_in_good", b.has_loss_in_good(),
                            b.loss_in_good()),
            std::make_tuple("loss_in_bad", b.has_loss_in_bad(),
                            b.loss_in_bad())}) {
        if (has && !(v >= 0.0 && v <= 1.0)) {
          return g.Error(
              field, absl::StrFormat("%g is not a probability in [0, 1]", v));
        }
      }
    }
    for (const auto& [field, has, v] :
         {std::make_tuple("bandwidth_bps", d.has_bandwidth_bps(),
                          d.bandwidth_bps()),
          std::make_tuple("queue_bytes", d.has_queue_bytes(), d.queue_bytes()),
          std::make_tuple("queue_packets", d.has_queue_packets(),
                          d.queue_packets()),
          std::make_tuple("per_packet_overhead", d.has_per_packet_overhead(),
                          d.per_packet_overhead())}) {
      if (has && v < 0) return c.Error(field, "must not be negative");
    }
    if (d.has_mtu() && d.mtu() <= 0) return c.Error("mtu", "must be positive");
    return absl::OkStatus();
  }

  absl::Status CheckLinkPatch(const Ctx& c) {
    const auto& l = static_cast<const scenarios::Link&>(*c.msg);
    if (l.has_both()) SIMRTC_RETURN_IF_ERROR(CheckDirection(c.Child("both")));
    if (l.has_up()) SIMRTC_RETURN_IF_ERROR(CheckDirection(c.Child("up")));
    if (l.has_down()) SIMRTC_RETURN_IF_ERROR(CheckDirection(c.Child("down")));
    return absl::OkStatus();
  }

  absl::Status CheckLink(const Ctx& c, vnet::LinkConfig& config) {
    SIMRTC_RETURN_IF_ERROR(CheckLinkPatch(c));
    absl::Status applied =
        ApplyLinkPatch(static_cast<const scenarios::Link&>(*c.msg), config);
    if (!applied.ok()) return c.Error("", ToStd(applied.message()));
    return absl::OkStatus();
  }

  absl::Status CheckHost(Ctx c) {
    const auto& h = static_cast<const scenarios::Host&>(*c.msg);
    SIMRTC_RETURN_IF_ERROR(CheckName(c, h.name(), "host", network_names_));
    HostSpec spec;
    spec.location = c.Location();
    spec.config.name = h.name();
    if (!h.has_router() || h.router().empty()) {
      return c.Error("router", "required: the router whose LAN the host is on");
    }
    if (routers_.count(h.router()) == 0) {
      return c.Error("router",
                     absl::StrFormat("unknown router \"%s\"", h.router()));
    }
    spec.config.router = h.router();
    for (int j = 0; j < h.address_size(); ++j) {
      absl::StatusOr<IpAddress> ip = ParseIp(h.address(j));
      if (!ip.ok()) return c.Error("address", j, ToStd(ip.status().message()));
      spec.config.addresses.push_back(*ip);
    }
    if (h.has_link()) {
      SIMRTC_RETURN_IF_ERROR(CheckLink(c.Child("link"), spec.config.link));
    }
    hosts_.insert(h.name());
    s_.hosts_.push_back(std::move(spec));
    return absl::OkStatus();
  }

  absl::Status CheckEndpointName(const Ctx& c, std::string_view field,
                                 const std::string& text, int index = -1) {
    absl::StatusOr<EndpointRef> ref = ParseEndpoint(text);
    if (!ref.ok()) return c.Error(field, index, ToStd(ref.status().message()));
    if (!ref->literal.has_value() && hosts_.count(ref->name) == 0 &&
        routers_.count(ref->name) == 0) {
      return c.Error(field, index,
                     absl::StrFormat("\"%s\": unknown host or router \"%s\"",
                                     text, ref->name));
    }
    return absl::OkStatus();
  }

  // Generic checks of a node kind's fields by type and naming convention,
  // so a new kind needs no new validation code for ordinary fields.
  absl::Status CheckNodeKind(const Ctx& c, const std::string& kind) {
    const pb::Reflection* r = c.msg->GetReflection();
    if (auto it = RequiredFields().find(kind); it != RequiredFields().end()) {
      if (!r->HasField(*c.msg, c.Field(it->second))) {
        return c.Error("", absl::StrFormat("%s: required", it->second));
      }
    }
    std::vector<const pb::FieldDescriptor*> fields;
    r->ListFields(*c.msg, &fields);
    for (const pb::FieldDescriptor* fd : fields) {
      const std::string& name = fd->name();
      if (fd->is_repeated()) continue;
      switch (fd->cpp_type()) {
        case pb::FieldDescriptor::CPPTYPE_STRING: {
          const std::string value = r->GetString(*c.msg, fd);
          if (EndpointFields().count(name) != 0) {
            SIMRTC_RETURN_IF_ERROR(CheckEndpointName(c, name, value));
          } else if (absl::EndsWith(name, "_address")) {
            absl::StatusOr<IpAddress> ip = ParseIp(value);
            if (!ip.ok()) return c.Error(name, ToStd(ip.status().message()));
          } else if (TextFields().count(name) == 0) {
            absl::StatusOr<TimeDelta> d = ParseDuration(value);
            if (!d.ok()) return c.Error(name, ToStd(d.status().message()));
          }
          break;
        }
        case pb::FieldDescriptor::CPPTYPE_UINT32:
          if (name == "port" || absl::EndsWith(name, "_port")) {
            const uint32_t v = r->GetUInt32(*c.msg, fd);
            if (v < 1 || v > 65535) return c.Error(name, "must be 1..65535");
          }
          break;
        case pb::FieldDescriptor::CPPTYPE_INT32:
          if (r->GetInt32(*c.msg, fd) < 0) {
            return c.Error(name, "must not be negative");
          }
          break;
        case pb::FieldDescriptor::CPPTYPE_INT64:
          if (r->GetInt64(*c.msg, fd) < 0) {
            return c.Error(name, "must not be negative");
          }
          break;
        default:
          break;
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckNode(Ctx c) {
    const auto& n = static_cast<const scenarios::Node&>(*c.msg);
    SIMRTC_RETURN_IF_ERROR(CheckName(c, n.name(), "node", node_names_));
    if (!n.has_host() || n.host().empty()) {
      return c.Error("host", "required: the host the node runs on");
    }
    if (hosts_.count(n.host()) == 0) {
      return c.Error("host", absl::StrFormat("unknown host \"%s\"", n.host()));
    }
    NodeSpec spec;
    spec.proto = n;
    spec.location = c.Location();
    if (n.has_start_at()) {
      absl::StatusOr<TimeDelta> t = ParseDuration(n.start_at());
      if (!t.ok()) return c.Error("start_at", ToStd(t.status().message()));
      spec.start_at = Timestamp::Zero() + *t;
    }
    const pb::OneofDescriptor* kind =
        n.GetDescriptor()->FindOneofByName("kind");
    const pb::FieldDescriptor* set =
        n.GetReflection()->GetOneofFieldDescriptor(n, kind);
    if (set == nullptr) {
      std::vector<std::string> kinds;
      for (int i = 0; i < kind->field_count(); ++i) {
        kinds.push_back(kind->field(i)->name());
      }
      return c.Error("", absl::StrFormat("no node kind; set one of: %s",
                                         absl::StrJoin(kinds, ", ")));
    }
    SIMRTC_RETURN_IF_ERROR(CheckNodeKind(c.Child(set->name()), set->name()));
    s_.nodes_.push_back(std::move(spec));
    return absl::OkStatus();
  }

  // After every node is known: an ice_agent's peer must be another
  // ice_agent, and the repeated fields the generic check skips must parse.
  absl::Status CheckIcePeer(Ctx c) {
    const auto& n = static_cast<const scenarios::Node&>(*c.msg);
    if (!n.has_ice_agent()) return absl::OkStatus();
    c.object = absl::StrFormat("node \"%s\"", n.name());
    const Ctx a = c.Child("ice_agent");
    const scenarios::IceAgent& ice = n.ice_agent();
    const scenarios::Node* peer = nullptr;
    for (const scenarios::Node& other : s_.proto_->node()) {
      if (other.name() == ice.peer()) peer = &other;
    }
    if (peer == nullptr) {
      return a.Error("peer",
                     absl::StrFormat("unknown node \"%s\"", ice.peer()));
    }
    if (!peer->has_ice_agent() || peer->name() == n.name()) {
      return a.Error("peer", absl::StrFormat("node \"%s\" is not another "
                                             "ice_agent",
                                             ice.peer()));
    }
    for (int i = 0; i < ice.stun_server_size(); ++i) {
      SIMRTC_RETURN_IF_ERROR(
          CheckEndpointName(a, "stun_server", ice.stun_server(i), i));
    }
    for (int i = 0; i < ice.turn_server_size(); ++i) {
      const Ctx t = a.Child("turn_server", i);
      if (!ice.turn_server(i).has_server()) {
        return t.Error("server", "required: the TURN server's endpoint");
      }
      SIMRTC_RETURN_IF_ERROR(
          CheckEndpointName(t, "server", ice.turn_server(i).server()));
    }
    for (int i = 0; i < ice.candidate_type_size(); ++i) {
      const std::string& type = ice.candidate_type(i);
      if (type != "host" && type != "srflx" && type != "relay") {
        return a.Error(
            "candidate_type", i,
            absl::StrFormat("\"%s\": use host, srflx or relay", type));
      }
    }
    if (ice.has_nomination() && ice.nomination() != "regular" &&
        ice.nomination() != "aggressive") {
      return a.Error("nomination", "use regular or aggressive");
    }
    if (ice.has_restart_on() && ice.restart_on() != "never" &&
        ice.restart_on() != "disconnected" && ice.restart_on() != "failed") {
      return a.Error("restart_on", "use never, disconnected or failed");
    }
    return absl::OkStatus();
  }

  // After every node is known: a peer's partner must be another peer and
  // exactly one of the two offers; repeated fields are checked here.
  absl::Status CheckPeer(Ctx c) {
    const auto& n = static_cast<const scenarios::Node&>(*c.msg);
    if (!n.has_peer()) return absl::OkStatus();
    c.object = absl::StrFormat("node \"%s\"", n.name());
    const Ctx a = c.Child("peer");
    const scenarios::Peer& pc = n.peer();
    const scenarios::Node* other = nullptr;
    for (const scenarios::Node& o : s_.proto_->node()) {
      if (o.name() == pc.peer()) other = &o;
    }
    if (other == nullptr) {
      return a.Error("peer", absl::StrFormat("unknown node \"%s\"", pc.peer()));
    }
    if (!other->has_peer() || other->name() == n.name()) {
      return a.Error(
          "peer",
          absl::StrFormat("node \"%s\" is not another peer node", pc.peer()));
    }
    if (other->peer().offerer() == pc.offerer()) {
      return a.Error("offerer",
                     absl::StrFormat("exactly one of \"%s\" and \"%s\" must "
                                     "set offerer: true",
                                     n.name(), pc.peer()));
    }
    for (int i = 0; i < pc.stun_server_size(); ++i) {
      SIMRTC_RETURN_IF_ERROR(
          CheckEndpointName(a, "stun_server", pc.stun_server(i), i));
    }
    for (int i = 0; i < pc.turn_server_size(); ++i) {
      const Ctx t = a.Child("turn_server", i);
      if (!pc.turn_server(i).has_server()) {
        return t.Error("server", "required: the TURN server's endpoint");
      }
      SIMRTC_RETURN_IF_ERROR(
          CheckEndpointName(t, "server", pc.turn_server(i).server()));
    }
    if (pc.has_ice_transport_policy() && pc.ice_transport_policy() != "all" &&
        pc.ice_transport_policy() != "relay") {
      return a.Error("ice_transport_policy", "use all or relay");
    }
    for (int i = 0; i < pc.transceiver_size(); ++i) {
      if (pc.transceiver(i) != "audio" && pc.transceiver(i) != "video") {
        return a.Error("transceiver", i, "use audio or video");
      }
    }
    if (!pc.offerer() && (pc.channel_size() > 0 || pc.transceiver_size() > 0 ||
                          pc.has_restart_ice_at())) {
      return a.Error(pc.channel_size() > 0 ? "channel" : "transceiver",
                     "only the offerer opens channels, adds transceivers "
                     "and restarts ICE");
    }
    std::set<std::string> labels;
    for (int i = 0; i < pc.channel_size(); ++i) {
      const Ctx w = a.Child("channel", i);
      const scenarios::DataChannelWorkload& d = pc.channel(i);
      if (d.label().empty()) return w.Error("label", "required");
      if (!labels.insert(d.label()).second) {
        return w.Error("label",
                       absl::StrFormat("duplicate label \"%s\"", d.label()));
      }
      if (d.has_mode() && d.mode() != "echo" && d.mode() != "bulk") {
        return w.Error("mode", "use echo or bulk");
      }
      if (d.has_max_retransmits() && d.has_max_packet_life_time_ms()) {
        return w.Error("max_packet_life_time_ms",
                       "max_retransmits and max_packet_life_time_ms are "
                       "mutually exclusive");
      }
      for (const auto& [field, value] :
           {std::pair<std::string, int64_t>{"bytes", d.bytes()},
            {"message_size", d.message_size()},
            {"messages", d.messages()},
            {"count", d.count()},
            {"max_retransmits", d.max_retransmits()},
            {"max_packet_life_time_ms", d.max_packet_life_time_ms()}}) {
        if (value < 0) return w.Error(field, "must not be negative");
      }
      if (d.has_message_size() &&
          (d.message_size() < 16 || d.message_size() > 262144)) {
        return w.Error("message_size", "must be 16..262144");
      }
      for (const char* field : {"interval", "start_at"}) {
        const pb::FieldDescriptor* fd = w.Field(field);
        if (!w.msg->GetReflection()->HasField(*w.msg, fd)) continue;
        absl::StatusOr<TimeDelta> t =
            ParseDuration(w.msg->GetReflection()->GetString(*w.msg, fd));
        if (!t.ok()) return w.Error(field, ToStd(t.status().message()));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Timestamp> CheckTime(const Ctx& c, std::string_view field,
                                      const std::string& text) {
    absl::StatusOr<TimeDelta> t = ParseDuration(text);
    if (!t.ok()) return c.Error(field, ToStd(t.status().message()));
    if (*t > s_.duration_) {
      return c.Error(
          field, absl::StrFormat("%s is after the end of the run (duration %s)",
                                 text, s_.proto_->duration()));
    }
    return Timestamp::Zero() + *t;
  }

  absl::Status CheckNetworkName(const Ctx& c, std::string_view field,
                                const std::string& name) {
    if (name.empty()) return c.Error(field, "required: a host or router name");
    if (hosts_.count(name) == 0 && routers_.count(name) == 0) {
      return c.Error(field,
                     absl::StrFormat("unknown host or router \"%s\"", name));
    }
    return absl::OkStatus();
  }

  // `field` names a router with a NAT (flush_nat, expire_nat).
  absl::Status CheckNatRouter(const Ctx& c, std::string_view field,
                              const std::string& name) {
    if (name.empty()) return c.Error(field, "required: a router name");
    if (nat_routers_.count(name) != 0) return absl::OkStatus();
    return c.Error(field,
                   routers_.count(name) != 0
                       ? absl::StrFormat("router \"%s\" has no NAT", name)
                       : absl::StrFormat("unknown router \"%s\"", name));
  }

  absl::Status CheckStep(Ctx c) {
    const auto& st = static_cast<const scenarios::Step&>(*c.msg);
    TimelineStep step;
    step.proto = st;
    step.location = c.Location();
    if (!st.has_at()) return c.Error("at", "required: when the step happens");
    SIMRTC_ASSIGN_OR_RETURN(step.at, CheckTime(c, "at", st.at()));
    switch (st.action_case()) {
      case scenarios::Step::kSetLink: {
        Ctx l = c.Child("set_link");
        const auto& sl = st.set_link();
        if (sl.target_case() == scenarios::LinkChange::kHost) {
          if (hosts_.count(sl.host()) == 0) {
            return l.Error("host",
                           absl::StrFormat("unknown host \"%s\"", sl.host()));
          }
          step.label = absl::StrFormat("set_link host \"%s\"", sl.host());
        } else if (sl.target_case() == scenarios::LinkChange::kRouter) {
          if (routers_.count(sl.router()) == 0) {
            return l.Error("router", absl::StrFormat("unknown router \"%s\"",
                                                     sl.router()));
          }
          step.label = absl::StrFormat("set_link router \"%s\"", sl.router());
        } else {
          return l.Error("", "set host or router");
        }
        if (!sl.has_link())
          return l.Error("link", "required: the fields to change");
        SIMRTC_RETURN_IF_ERROR(CheckLinkPatch(l.Child("link")));
        break;
      }
      case scenarios::Step::kLinkDown:
        SIMRTC_RETURN_IF_ERROR(
            CheckNetworkName(c, "link_down", st.link_down()));
        step.label = absl::StrFormat("link_down \"%s\"", st.link_down());
        break;
      case scenarios::Step::kLinkUp:
        SIMRTC_RETURN_IF_ERROR(CheckNetworkName(c, "link_up", st.link_up()));
        step.label = absl::StrFormat("link_up \"%s\"", st.link_up());
        break;
      case scenarios::Step::kPartition:
      case scenarios::Step::kHeal: {
        const bool heal = st.action_case() == scenarios::Step::kHeal;
        const Ctx p = c.Child(heal ? "heal" : "partition");
        const auto& part = heal ? st.heal() : st.partition();
        SIMRTC_RETURN_IF_ERROR(CheckNetworkName(p, "a", part.a()));
        SIMRTC_RETURN_IF_ERROR(CheckNetworkName(p, "b", part.b()));
        if (heal && part.has_one_way()) {
          return p.Error("one_way", "only meaningful for partition");
        }
        step.label =
            absl::StrFormat("%s \"%s\" %s \"%s\"", heal ? "heal" : "partition",
                            part.a(), part.one_way() ? "->" : "<->", part.b());
        break;
      }
      case scenarios::Step::kFlushNat:
        SIMRTC_RETURN_IF_ERROR(CheckNatRouter(c, "flush_nat", st.flush_nat()));
        step.label = absl::StrFormat("flush_nat \"%s\"", st.flush_nat());
        break;
      case scenarios::Step::kExpireNat:
        SIMRTC_RETURN_IF_ERROR(
            CheckNatRouter(c, "expire_nat", st.expire_nat()));
        step.label = absl::StrFormat("expire_nat \"%s\"", st.expire_nat());
        break;
      case scenarios::Step::kChangeAddress: {
        const Ctx a = c.Child("change_address");
        const auto& ca = st.change_address();
        if (hosts_.count(ca.host()) == 0) {
          return a.Error("host",
                         absl::StrFormat("unknown host \"%s\"", ca.host()));
        }
        if (ca.has_old_address()) {
          absl::StatusOr<IpAddress> ip = ParseIp(ca.old_address());
          if (!ip.ok())
            return a.Error("old_address", ToStd(ip.status().message()));
          step.old_address = *ip;
        }
        if (!ca.has_new_address()) return a.Error("new_address", "required");
        absl::StatusOr<IpAddress> ip = ParseIp(ca.new_address());
        if (!ip.ok())
          return a.Error("new_address", ToStd(ip.status().message()));
        step.new_address = *ip;
        step.label = absl::StrFormat("change_address \"%s\" -> %s", ca.host(),
                                     ca.new_address());
        break;
      }
      case scenarios::Step::ACTION_NOT_SET:
        return c.Error("",
                       "no action (set_link, link_down, link_up, partition, "
                       "heal, flush_nat, expire_nat or change_address)");
    }
    s_.timeline_.push_back(std::move(step));
    return absl::OkStatus();
  }

  absl::Status CheckExpectation(Ctx c) {
    const auto& e = static_cast<const scenarios::Expectation&>(*c.msg);
    Expectation x;
    x.location = c.Location();
    x.description = e.description();
    switch (e.subject_case()) {
      case scenarios::Expectation::kNode:
        x.subject = Expectation::Subject::kNode;
        x.name = e.node();
        if (node_names_.count(x.name) == 0) {
          return c.Error("node",
                         absl::StrFormat("unknown node \"%s\"", x.name));
        }
        break;
      case scenarios::Expectation::kRouter:
        x.subject = Expectation::Subject::kRouter;
        x.name = e.router();
        if (routers_.count(x.name) == 0) {
          return c.Error("router",
                         absl::StrFormat("unknown router \"%s\"", x.name));
        }
        break;
      case scenarios::Expectation::kHost:
        x.subject = Expectation::Subject::kHost;
        x.name = e.host();
        if (hosts_.count(x.name) == 0) {
          return c.Error("host",
                         absl::StrFormat("unknown host \"%s\"", x.name));
        }
        break;
      case scenarios::Expectation::SUBJECT_NOT_SET:
        return c.Error("", "no subject (node, router or host)");
    }
    if (e.has_metric() + e.has_state() + e.has_detail() + e.has_sequence() !=
        1) {
      return c.Error("",
                     "set exactly one of metric, state, detail or sequence");
    }
    if (e.has_equals() != e.has_detail()) {
      return c.Error(e.has_equals() ? "equals" : "detail",
                     "detail and equals go together");
    }
    if (e.has_sequence()) {
      if (x.subject != Expectation::Subject::kNode) {
        return c.Error("sequence", "states are reached by nodes only");
      }
      for (absl::string_view part : absl::StrSplit(e.sequence(), ',')) {
        std::string state(absl::StripAsciiWhitespace(part));
        if (state.empty()) {
          return c.Error("sequence", "empty state name in the list");
        }
        x.sequence.push_back(std::move(state));
      }
      if (x.sequence.size() < 2) {
        return c.Error("sequence", "list at least two states (or use state)");
      }
      if (e.has_min() || e.has_max() || e.has_at() || e.has_by() ||
          e.has_never()) {
        return c.Error("sequence", "a sequence is checked over the whole run");
      }
    } else if (e.has_detail()) {
      if (x.subject != Expectation::Subject::kNode) {
        return c.Error("detail", "details are reported by nodes only");
      }
      if (e.has_min() || e.has_max() || e.has_at() || e.has_by() ||
          e.has_never()) {
        return c.Error("detail",
                       "a detail is compared at the end of the run "
                       "(no min, max, at, by or never)");
      }
      x.detail = e.detail();
      x.equals = e.equals();
    } else if (e.has_metric()) {
      if (e.metric().empty()) return c.Error("metric", "empty metric name");
      if (!e.has_min() && !e.has_max()) {
        return c.Error("metric", "no bound: set min and/or max");
      }
      if (e.has_min() && e.has_max() && e.min() > e.max()) {
        return c.Error(
            "max", absl::StrFormat("max %g is below min %g", e.max(), e.min()));
      }
      if (e.has_by() || e.has_never()) {
        return c.Error(e.has_by() ? "by" : "never", "only for state checks");
      }
      x.metric = e.metric();
      if (e.has_min()) x.min = e.min();
      if (e.has_max()) x.max = e.max();
      if (e.has_at()) {
        SIMRTC_ASSIGN_OR_RETURN(x.at, CheckTime(c, "at", e.at()));
      }
    } else {
      if (x.subject != Expectation::Subject::kNode) {
        return c.Error("state", "states are reached by nodes only");
      }
      if (e.has_min() || e.has_max() || e.has_at()) {
        return c.Error(e.has_at()    ? "at"
                       : e.has_min() ? "min"
                                     : "max",
                       "only for metric checks (use `by` for states)");
      }
      x.state = e.state();
      x.never = e.never();
      if (e.has_by()) {
        if (x.never) return c.Error("by", "`never` checks the whole run");
        SIMRTC_ASSIGN_OR_RETURN(x.by, CheckTime(c, "by", e.by()));
      }
    }
    s_.expectations_.push_back(std::move(x));
    return absl::OkStatus();
  }

  Scenario& s_;
  const pb::TextFormat::ParseInfoTree& tree_;
  std::map<std::string, std::string> network_names_;  // hosts and routers
  std::map<std::string, std::string> node_names_;
  std::set<std::string> routers_;
  std::set<std::string> nat_routers_;
  std::set<std::string> hosts_;
};

absl::StatusOr<Scenario> Scenario::Parse(std::string_view filename,
                                         std::string_view text) {
  auto proto = std::make_shared<scenarios::Scenario>();
  pb::TextFormat::Parser parser;
  Collector collector{std::string(filename)};
  parser.RecordErrorsTo(&collector);
  pb::TextFormat::ParseInfoTree tree;
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), proto.get())) {
    return absl::InvalidArgumentError(collector.Joined());
  }
  Scenario s;
  s.filename_ = std::string(filename);
  s.proto_ = proto;
  SIMRTC_RETURN_IF_ERROR(Validator(s, tree).Run());
  return s;
}

absl::StatusOr<Scenario> Scenario::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrFormat("%s: cannot open scenario file", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(path, text.str());
}

}  // namespace simrtc::sim
