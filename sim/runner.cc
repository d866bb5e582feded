#include "sim/runner.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/base/absl_compat.h"
#include "core/base/status_macros.h"
#include "sim/node_factory.h"

namespace simrtc::sim {
namespace {

constexpr int kReasonCount = static_cast<int>(vnet::DropReason::kCount);

// Every drop reason in enum order, so a new reason is exported as a metric
// and shown in reports without touching this file.
constexpr std::array<vnet::DropReason, kReasonCount> AllReasons() {
  std::array<vnet::DropReason, kReasonCount> all{};
  for (int i = 0; i < kReasonCount; ++i) {
    all[i] = static_cast<vnet::DropReason>(i);
  }
  return all;
}
constexpr std::array<vnet::DropReason, kReasonCount> kReasons = AllReasons();

void AddCounters(const std::string& prefix, const vnet::TrafficCounters& c,
                 std::map<std::string, double>& out) {
  out[prefix + "packets_sent"] = static_cast<double>(c.packets_sent);
  out[prefix + "bytes_sent"] = static_cast<double>(c.bytes_sent);
  out[prefix + "packets_delivered"] = static_cast<double>(c.packets_delivered);
  out[prefix + "bytes_delivered"] = static_cast<double>(c.bytes_delivered);
  out[prefix + "duplicated"] = static_cast<double>(c.duplicated);
  out[prefix + "dropped"] = static_cast<double>(c.total_dropped());
  for (vnet::DropReason r : kReasons) {
    out[absl::StrCat(prefix, "dropped_", ToAbsl(vnet::DropReasonName(r)))] =
        static_cast<double>(c.dropped_for(r));
  }
}

std::string Drops(const int64_t (&dropped)[kReasonCount]) {
  std::vector<std::string> parts;
  for (vnet::DropReason r : kReasons) {
    const int64_t n = dropped[static_cast<int>(r)];
    if (n > 0) {
      parts.push_back(absl::StrFormat("%s %d", vnet::DropReasonName(r), n));
    }
  }
  return parts.empty() ? "none" : absl::StrJoin(parts, ", ");
}

std::string Rate(int64_t bps) {
  if (bps >= 1000000 && bps % 1000 == 0) {
    return absl::StrFormat("%gMbps", static_cast<double>(bps) / 1e6);
  }
  if (bps >= 1000)
    return absl::StrFormat("%gkbps", static_cast<double>(bps) / 1e3);
  return absl::StrFormat("%dbps", bps);
}

std::string Direction(const vnet::LinkDirectionConfig& d) {
  std::vector<std::string> parts;
  if (!d.up) parts.push_back("DOWN");
  std::string delay = d.delay.base.ToString();
  if (!d.delay.jitter.IsZero()) {
    static constexpr const char* kDist[] = {"const", "uniform", "normal",
                                            "pareto"};
    absl::StrAppend(&delay, "+", d.delay.jitter.ToString(), " ",
                    kDist[static_cast<int>(d.delay.distribution)], " jitter");
    if (d.delay.allow_reordering) absl::StrAppend(&delay, " (reordering)");
  }
  parts.push_back(delay);
  if (d.loss.gilbert_elliott) {
    parts.push_back(absl::StrFormat("burst loss (g->b %g, b->g %g, %g/%g)",
                                    d.loss.p_good_to_bad, d.loss.p_bad_to_good,
                                    d.loss.loss_in_good, d.loss.loss_in_bad));
  } else if (d.loss.rate > 0) {
    parts.push_back(absl::StrFormat("loss %g%%", d.loss.rate * 100));
  }
  if (d.duplicate > 0) {
    parts.push_back(absl::StrFormat("dup %g%%", d.duplicate * 100));
  }
  if (d.bandwidth_bps > 0) parts.push_back(Rate(d.bandwidth_bps));
  if (d.queue_bytes > 0)
    parts.push_back(absl::StrFormat("queue %dB", d.queue_bytes));
  if (d.queue_packets > 0) {
    parts.push_back(absl::StrFormat("queue %dpkt", d.queue_packets));
  }
  if (d.mtu != 1500) parts.push_back(absl::StrFormat("mtu %d", d.mtu));
  return absl::StrJoin(parts, " ");
}

std::string LinkSummary(const vnet::LinkConfig& l) {
  const std::string up = Direction(l.up);
  const std::string down = Direction(l.down);
  if (up == down) return up;
  return absl::StrCat("up ", up, " | down ", down);
}

std::string Ips(const std::vector<IpAddress>& ips) {
  std::vector<std::string> parts;
  for (const IpAddress& ip : ips) parts.push_back(ip.ToString());
  return absl::StrJoin(parts, " ");
}

std::string NatSummary(const vnet::NatConfig& n) {
  static constexpr const char* kMapping[] = {"EIM", "ADM", "APDM"};
  static constexpr const char* kFiltering[] = {"EIF", "ADF", "APDF"};
  std::string s = absl::StrFormat(
      "NAT %s/%s lifetime %s%s%s%s", kMapping[static_cast<int>(n.mapping)],
      kFiltering[static_cast<int>(n.filtering)], n.binding_lifetime.ToString(),
      n.hairpinning ? " hairpin" : "",
      n.port_preservation ? " port-preserving" : "",
      n.allocation == vnet::PortAllocation::kRandom ? " random-ports" : "");
  if (!n.public_ips.empty()) absl::StrAppend(&s, " public ", Ips(n.public_ips));
  if (!n.static_mappings.empty()) {
    absl::StrAppend(&s, " static ", n.static_mappings.size());
  }
  if (n.block_udp) absl::StrAppend(&s, " BLOCKS-UDP");
  return s;
}

std::string SubjectName(const Expectation& e) {
  switch (e.subject) {
    case Expectation::Subject::kNode:
      return absl::StrFormat("node \"%s\"", e.name);
    case Expectation::Subject::kRouter:
      return absl::StrFormat("router \"%s\"", e.name);
    case Expectation::Subject::kHost:
      return absl::StrFormat("host \"%s\"", e.name);
  }
  return "";
}

}  // namespace

std::string FormatNumber(double v) {
  if (!std::isfinite(v)) return absl::StrFormat("%g", v);
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return absl::StrFormat("%.0f", v);
  }
  std::string s = absl::StrFormat("%.3f", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string ExpectationResult::Line() const {
  std::string line =
      absl::StrFormat("%s %s %s", passed ? "PASS" : "FAIL", subject, check);
  if (spec != nullptr && !spec->metric.empty()) {
    absl::StrAppend(&line, " = ", measured, ", want ", bound);
    if (spec->at.has_value())
      absl::StrAppend(&line, " at ", spec->at->ToString());
  } else {
    absl::StrAppend(&line, ": ", measured, ", want ", bound);
  }
  if (spec != nullptr) {
    if (!spec->description.empty())
      absl::StrAppend(&line, "  -- ", spec->description);
    if (!passed) absl::StrAppend(&line, "  (", spec->location, ")");
  }
  return line;
}

ScenarioRun::ScenarioRun(const Scenario& scenario, uint64_t seed)
    : scenario_(scenario), sim_(std::make_unique<Simulator>(seed)) {}

absl::StatusOr<std::unique_ptr<ScenarioRun>> ScenarioRun::Create(
    const Scenario& scenario, uint64_t seed) {
  std::unique_ptr<ScenarioRun> run(new ScenarioRun(scenario, seed));
  SIMRTC_RETURN_IF_ERROR(run->Build());
  return run;
}

absl::Status ScenarioRun::Build() {
  vnet::Network& net = sim_->network();
  for (const RouterSpec& r : scenario_.routers()) {
    absl::StatusOr<vnet::RouterId> id = net.AddRouter(r.config);
    if (!id.ok()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: router \"%s\": %s", r.location, r.config.name,
                          ToStd(id.status().message())));
    }
    router_links_[r.config.name] = r.config.uplink;
  }
  for (const HostSpec& h : scenario_.hosts()) {
    absl::StatusOr<vnet::HostId> id = net.AddHost(h.config);
    if (!id.ok()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: host \"%s\": %s", h.location, h.config.name,
                          ToStd(id.status().message())));
    }
    host_links_[h.config.name] = h.config.link;
  }
  for (const NodeSpec& n : scenario_.nodes()) {
    const auto fail = [&](const absl::Status& s) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: node \"%s\": %s", n.location, n.proto.name(),
                          ToStd(s.message())));
    };
    const std::optional<vnet::HostId> host = net.FindHost(n.proto.host());
    if (!host.has_value()) return fail(absl::NotFoundError("unknown host"));
    absl::StatusOr<std::unique_ptr<Node>> node = CreateNode(
        n, net, *host, sim_->ForkRng(absl::StrCat("node/", n.proto.name())));
    if (!node.ok()) return fail(node.status());
    absl::StatusOr<NodeId> id =
        sim_->AddNode(n.proto.name(), *host, *std::move(node), n.start_at);
    if (!id.ok()) return fail(id.status());
  }
  for (const TimelineStep& step : scenario_.timeline()) {
    SIMRTC_RETURN_IF_ERROR(ScheduleStep(step));
  }
  const std::vector<Expectation>& expectations = scenario_.expectations();
  for (size_t i = 0; i < expectations.size(); ++i) {
    const Expectation& e = expectations[i];
    if (!e.at.has_value()) continue;
    sim_->Schedule(
        *e.at, absl::StrCat(e.location, " snapshot"), [this, i, &e](Timestamp) {
          const std::map<std::string, double> m = Metrics(e.subject, e.name);
          const auto it = m.find(e.metric);
          snapshots_[i] =
              it == m.end() ? std::nullopt : std::optional<double>(it->second);
          return absl::OkStatus();
        });
  }
  return absl::OkStatus();
}

absl::Status ScenarioRun::ScheduleStep(const TimelineStep& step) {
  const std::string label =
      absl::StrFormat("%s: timeline %s", step.location, step.label);
  const scenarios::Step& p = step.proto;
  vnet::Network& net = sim_->network();
  std::function<absl::Status(Timestamp)> fn;
  switch (p.action_case()) {
    case scenarios::Step::kSetLink: {
      const scenarios::LinkChange& lc = p.set_link();
      const bool router = lc.target_case() == scenarios::LinkChange::kRouter;
      const std::string name = router ? lc.router() : lc.host();
      fn = [this, &net, &lc, router, name](Timestamp now) -> absl::Status {
        vnet::LinkConfig& current =
            router ? router_links_[name] : host_links_[name];
        SIMRTC_RETURN_IF_ERROR(ApplyLinkPatch(lc.link(), current));
        return router ? net.SetRouterUplink(now, name, current)
                      : net.SetHostLink(now, name, current);
      };
      break;
    }
    case scenarios::Step::kLinkDown:
    case scenarios::Step::kLinkUp: {
      const bool up = p.action_case() == scenarios::Step::kLinkUp;
      const std::string name = up ? p.link_up() : p.link_down();
      fn = [this, &net, up, name](Timestamp now) -> absl::Status {
        // Keep the tracked config in step, so a later set_link does not
        // silently bring the link back up (or down).
        for (auto* links : {&host_links_, &router_links_}) {
          if (auto it = links->find(name); it != links->end()) {
            it->second.up.up = up;
            it->second.down.up = up;
          }
        }
        return net.SetLinkUp(now, name, up);
      };
      break;
    }
    case scenarios::Step::kPartition:
      fn = [&net, &p](Timestamp now) {
        return net.Partition(now, p.partition().a(), p.partition().b(),
                             !p.partition().one_way());
      };
      break;
    case scenarios::Step::kHeal:
      fn = [&net, &p](Timestamp now) {
        return net.Heal(now, p.heal().a(), p.heal().b());
      };
      break;
    case scenarios::Step::kFlushNat:
      fn = [&net, &p](Timestamp now) {
        return net.FlushNatBindings(now, p.flush_nat());
      };
      break;
    case scenarios::Step::kExpireNat:
      fn = [&net, &p](Timestamp now) {
        return net.ExpireNatBindings(now, p.expire_nat());
      };
      break;
    case scenarios::Step::kChangeAddress:
      fn = [this, &net, &step](Timestamp now) -> absl::Status {
        const std::string& host = step.proto.change_address().host();
        IpAddress old_address;
        if (step.old_address.has_value()) {
          old_address = *step.old_address;
        } else {
          const std::optional<vnet::HostId> id = net.FindHost(host);
          if (!id.has_value()) return absl::NotFoundError("unknown host");
          const std::vector<IpAddress> current = net.HostAddresses(*id);
          if (current.empty())
            return absl::NotFoundError("host has no address");
          old_address = current.front();
        }
        SIMRTC_RETURN_IF_ERROR(
            net.ChangeHostAddress(now, host, old_address, step.new_address));
        // Apps on the host learn of it, as from an OS address notification.
        sim_->NotifyAddressChange(*net.FindHost(host));
        return absl::OkStatus();
      };
      break;
    case scenarios::Step::ACTION_NOT_SET:
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: timeline step without action", step.location));
  }
  sim_->Schedule(step.at, label, std::move(fn));
  return absl::OkStatus();
}

void ScenarioRun::Run() {
  if (finished_) return;
  sim_->RunUntil(end_time());
  finished_ = true;
  const std::vector<Expectation>& expectations = scenario_.expectations();
  results_.clear();
  for (size_t i = 0; i < expectations.size(); ++i) {
    std::optional<double> snapshot;
    if (expectations[i].at.has_value()) {
      const auto it = snapshots_.find(i);
      if (it != snapshots_.end()) snapshot = it->second;
    }
    results_.push_back(Evaluate(expectations[i], snapshot));
  }
}

std::map<std::string, double> ScenarioRun::Metrics(
    Expectation::Subject subject, const std::string& name) const {
  std::map<std::string, double> m;
  const vnet::Network& net = sim_->network();
  switch (subject) {
    case Expectation::Subject::kNode: {
      const std::optional<NodeId> id = sim_->FindNode(name);
      if (!id.has_value()) break;
      m = sim_->node(*id).Report().metrics;
      const NodeStats& s = sim_->node_stats(*id);
      m.try_emplace("datagrams_in", static_cast<double>(s.datagrams_in));
      m.try_emplace("datagrams_out", static_cast<double>(s.datagrams_out));
      m.try_emplace("send_errors", static_cast<double>(s.send_errors));
      break;
    }
    case Expectation::Subject::kRouter: {
      const std::optional<vnet::RouterId> id = net.FindRouter(name);
      if (!id.has_value()) break;
      const vnet::NatStats& n = net.nat_stats(*id);
      m["bindings_created"] = static_cast<double>(n.bindings_created);
      m["bindings_expired"] = static_cast<double>(n.bindings_expired);
      m["active_bindings"] = static_cast<double>(n.active_bindings);
      m["outbound_translated"] = static_cast<double>(n.outbound_translated);
      m["inbound_translated"] = static_cast<double>(n.inbound_translated);
      m["hairpinned"] = static_cast<double>(n.hairpinned);
      m["dropped"] = static_cast<double>(n.total_dropped());
      for (vnet::DropReason r : kReasons) {
        m[absl::StrCat("dropped_", ToAbsl(vnet::DropReasonName(r)))] =
            static_cast<double>(n.dropped_for(r));
      }
      const vnet::LinkStats& l = net.router_uplink_stats(*id);
      AddCounters("uplink_up_", l.up, m);
      AddCounters("uplink_down_", l.down, m);
      m["uplink_max_queue_bytes"] = static_cast<double>(l.max_queue_bytes_seen);
      break;
    }
    case Expectation::Subject::kHost: {
      const std::optional<vnet::HostId> id = net.FindHost(name);
      if (!id.has_value()) break;
      AddCounters("", net.host_counters(*id), m);
      const vnet::LinkStats& l = net.host_link_stats(*id);
      AddCounters("link_up_", l.up, m);
      AddCounters("link_down_", l.down, m);
      m["link_max_queue_bytes"] = static_cast<double>(l.max_queue_bytes_seen);
      break;
    }
  }
  return m;
}

ExpectationResult ScenarioRun::Evaluate(
    const Expectation& e, const std::optional<double>& snapshot) const {
  ExpectationResult r;
  r.spec = &e;
  r.subject = SubjectName(e);
  if (!e.metric.empty()) {
    r.check = e.metric;
    r.bound = absl::StrFormat(
        "[%s, %s]", e.min.has_value() ? FormatNumber(*e.min) : "-inf",
        e.max.has_value() ? FormatNumber(*e.max) : "+inf");
    std::optional<double> value = snapshot;
    const std::map<std::string, double> all = Metrics(e.subject, e.name);
    if (!e.at.has_value()) {
      const auto it = all.find(e.metric);
      if (it != all.end()) value = it->second;
    }
    if (!value.has_value()) {
      std::vector<std::string> names;
      for (const auto& [k, v] : all) names.push_back(k);
      r.measured =
          absl::StrFormat("missing (reports: %s)", absl::StrJoin(names, ", "));
      r.passed = false;
      return r;
    }
    r.measured = FormatNumber(*value);
    r.passed = (!e.min.has_value() || *value >= *e.min) &&
               (!e.max.has_value() || *value <= *e.max);
    return r;
  }
  if (!e.sequence.empty()) {
    r.check =
        absl::StrFormat("sequence \"%s\"", absl::StrJoin(e.sequence, ","));
    r.bound = "in this order";
    std::map<std::string, Timestamp> states;
    if (const std::optional<NodeId> id = sim_->FindNode(e.name)) {
      states = sim_->node(*id).Report().states;
    }
    std::vector<std::string> seen;
    r.passed = true;
    std::optional<Timestamp> previous;
    for (const std::string& state : e.sequence) {
      auto it = states.find(state);
      if (it == states.end()) {
        seen.push_back(absl::StrCat(state, " never"));
        r.passed = false;
        continue;
      }
      seen.push_back(absl::StrCat(state, "@", it->second.ToString()));
      if (previous.has_value() && it->second < *previous) r.passed = false;
      previous = it->second;
    }
    r.measured = absl::StrJoin(seen, " ");
    return r;
  }
  if (!e.detail.empty()) {
    r.check = absl::StrFormat("detail \"%s\"", e.detail);
    r.bound = absl::StrFormat("\"%s\"", e.equals);
    std::optional<std::string> value;
    if (const std::optional<NodeId> id = sim_->FindNode(e.name)) {
      const NodeReport report = sim_->node(*id).Report();
      if (const auto it = report.details.find(e.detail);
          it != report.details.end()) {
        value = it->second;
      }
    }
    r.measured = value.has_value() ? absl::StrFormat("\"%s\"", *value)
                                   : std::string("missing");
    r.passed = value.has_value() && *value == e.equals;
    return r;
  }
  r.check = absl::StrFormat("state \"%s\"", e.state);
  std::optional<Timestamp> reached;
  if (const std::optional<NodeId> id = sim_->FindNode(e.name)) {
    const NodeReport report = sim_->node(*id).Report();
    if (const auto it = report.states.find(e.state);
        it != report.states.end()) {
      reached = it->second;
    }
  }
  r.measured = reached.has_value()
                   ? absl::StrCat("reached at ", reached->ToString())
                   : "not reached";
  if (e.never) {
    r.bound = "never";
    r.passed = !reached.has_value();
  } else {
    const Timestamp by = e.by.value_or(end_time());
    r.bound = absl::StrCat("by ", by.ToString());
    r.passed = reached.has_value() && *reached <= by;
  }
  return r;
}

int ScenarioRun::failures() const {
  return static_cast<int>(
      std::count_if(results_.begin(), results_.end(),
                    [](const ExpectationResult& r) { return !r.passed; }));
}

bool ScenarioRun::passed() const {
  return finished_ && failures() == 0 && sim_->errors().empty();
}

std::string ScenarioRun::FormatSummary() const {
  const int n = static_cast<int>(results_.size());
  std::string s;
  if (passed()) {
    s = absl::StrFormat("seed %d: PASS (%d/%d expectations)", seed(), n, n);
  } else {
    s = absl::StrFormat("seed %d: FAIL (%d of %d expectations failed", seed(),
                        failures(), n);
    if (!sim_->errors().empty()) {
      absl::StrAppend(
          &s, absl::StrFormat(", %d timeline errors", sim_->errors().size()));
    }
    absl::StrAppend(&s, ")");
  }
  return s;
}

std::string ScenarioRun::FormatTopology() const {
  const vnet::Network& net = sim_->network();
  std::string out = "Topology\n";
  for (int i = 0; i < net.router_count(); ++i) {
    const vnet::RouterConfig& r = net.router_config(i);
    std::vector<std::string> subnets;
    for (const auto& [ip, len] : r.subnets) {
      subnets.push_back(absl::StrFormat("%s/%d", ip.ToString(), len));
    }
    absl::StrAppendFormat(&out, "  router %-12s lan %s", r.name,
                          subnets.empty() ? "-" : absl::StrJoin(subnets, " "));
    if (r.parent.empty()) {
      absl::StrAppend(&out, "  (root)\n");
      continue;
    }
    absl::StrAppendFormat(&out, "  parent %s  wan %s\n", r.parent,
                          Ips(r.wan_addresses));
    absl::StrAppendFormat(&out, "         %-12s %s\n", "",
                          r.nat.has_value() ? NatSummary(*r.nat)
                                            : std::string("no NAT (routed)"));
    absl::StrAppendFormat(&out, "         %-12s uplink %s\n", "",
                          LinkSummary(router_links_.at(r.name)));
  }
  for (int i = 0; i < net.host_count(); ++i) {
    const vnet::HostConfig& h = net.host_config(i);
    absl::StrAppendFormat(&out, "  host   %-12s on %s  %s\n", h.name, h.router,
                          Ips(net.HostAddresses(i)));
    absl::StrAppendFormat(&out, "         %-12s link %s\n", "",
                          LinkSummary(host_links_.at(h.name)));
  }
  return out;
}

std::string ScenarioRun::FormatNodes() const {
  const vnet::Network& net = sim_->network();
  std::string out = "Nodes\n";
  for (NodeId id = 0; id < sim_->node_count(); ++id) {
    const Node& node = sim_->node(id);
    const NodeReport r = node.Report();
    absl::StrAppendFormat(&out, "  %s (%s on %s)\n", sim_->node_name(id),
                          node.kind(),
                          net.host_config(sim_->node_host(id)).name);
    for (const auto& [k, v] : r.details) {
      absl::StrAppendFormat(&out, "      %-22s %s\n", k, v);
    }
    std::vector<std::string> cells;
    for (const auto& [k, v] : r.metrics) {
      cells.push_back(absl::StrFormat("%-22s %12s", k, FormatNumber(v)));
    }
    for (size_t i = 0; i < cells.size(); i += 2) {
      absl::StrAppend(&out, "      ", cells[i]);
      if (i + 1 < cells.size()) absl::StrAppend(&out, "    ", cells[i + 1]);
      absl::StrAppend(&out, "\n");
    }
    if (!r.states.empty()) {
      std::vector<std::pair<Timestamp, std::string>> ordered;
      for (const auto& [k, t] : r.states) ordered.emplace_back(t, k);
      std::sort(ordered.begin(), ordered.end());
      std::vector<std::string> parts;
      for (const auto& [t, k] : ordered) {
        parts.push_back(absl::StrFormat("%s@%s", k, t.ToString()));
      }
      absl::StrAppendFormat(&out, "      states: %s\n",
                            absl::StrJoin(parts, " "));
    }
    const NodeStats& s = sim_->node_stats(id);
    if (s.send_errors > 0) {
      absl::StrAppendFormat(&out, "      send errors: %d (last: %s)\n",
                            s.send_errors, s.last_send_error);
    }
  }
  return out;
}

std::string ScenarioRun::FormatLinks() const {
  const vnet::Network& net = sim_->network();
  std::string out = absl::StrFormat("Links %-18s %10s %10s %10s %8s %10s  %s\n",
                                    "", "sent", "delivered", "dropped", "dup",
                                    "max queue", "drops by reason");
  const auto row = [&](const std::string& where, const vnet::TrafficCounters& c,
                       int64_t max_queue) {
    absl::StrAppendFormat(
        &out, "  %-22s %10d %10d %10d %8d %10s  %s\n", where, c.packets_sent,
        c.packets_delivered, c.total_dropped(), c.duplicated,
        max_queue >= 0 ? absl::StrCat(max_queue, "B") : "", Drops(c.dropped));
  };
  for (int i = 0; i < net.host_count(); ++i) {
    const vnet::LinkStats& l = net.host_link_stats(i);
    const std::string& name = net.host_config(i).name;
    row(name + "/up", l.up, l.max_queue_bytes_seen);
    row(name + "/down", l.down, -1);
  }
  for (int i = 0; i < net.router_count(); ++i) {
    const vnet::RouterConfig& r = net.router_config(i);
    if (r.parent.empty()) continue;
    const vnet::LinkStats& l = net.router_uplink_stats(i);
    row(r.name + "/up", l.up, l.max_queue_bytes_seen);
    row(r.name + "/down", l.down, -1);
  }
  return out;
}

std::string ScenarioRun::FormatNats() const {
  const vnet::Network& net = sim_->network();
  std::string out;
  for (int i = 0; i < net.router_count(); ++i) {
    const vnet::RouterConfig& r = net.router_config(i);
    const vnet::NatStats& n = net.nat_stats(i);
    if (!r.nat.has_value()) {
      if (n.total_dropped() > 0) {
        absl::StrAppendFormat(&out, "  %-12s (router) drops: %s\n", r.name,
                              Drops(n.dropped));
      }
      continue;
    }
    absl::StrAppendFormat(
        &out,
        "  %-12s bindings created %d expired %d active %d; translated out %d "
        "in %d; hairpinned %d\n",
        r.name, n.bindings_created, n.bindings_expired, n.active_bindings,
        n.outbound_translated, n.inbound_translated, n.hairpinned);
    absl::StrAppendFormat(&out, "  %-12s drops: %s\n", "", Drops(n.dropped));
    const auto bindings = net.NatBindings(i);
    const size_t shown = std::min<size_t>(bindings.size(), 6);
    for (size_t b = 0; b < shown; ++b) {
      absl::StrAppendFormat(&out, "  %-12s   %s -> %s\n", "",
                            bindings[b].first.ToString(),
                            bindings[b].second.ToString());
    }
    if (bindings.size() > shown) {
      absl::StrAppendFormat(&out, "  %-12s   ... %d more\n", "",
                            bindings.size() - shown);
    }
  }
  return out.empty() ? "" : "NATs\n" + out;
}

std::string ScenarioRun::FormatReport() const {
  std::string out = absl::StrFormat(
      "Scenario %s (%s)\n  seed %d, duration %s, virtual time reached %s\n",
      scenario_.name().empty() ? "(unnamed)" : scenario_.name(),
      scenario_.filename(), seed(), scenario_.duration().ToString(),
      sim_->now().ToString());
  if (!scenario_.proto().description().empty()) {
    absl::StrAppend(&out, "  ", scenario_.proto().description(), "\n");
  }
  absl::StrAppend(&out, "\n", FormatTopology(), "\n", FormatNodes(), "\n");
  if (!scenario_.timeline().empty()) {
    absl::StrAppend(&out, "Timeline\n");
    for (const TimelineStep& s : scenario_.timeline()) {
      absl::StrAppendFormat(&out, "  %s %s\n", s.at.ToString(), s.label);
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, FormatLinks(), "\n");
  if (const std::string nats = FormatNats(); !nats.empty()) {
    absl::StrAppend(&out, nats, "\n");
  }
  const SimulatorStats& st = sim_->stats();
  absl::StrAppendFormat(&out,
                        "Simulator: %d events, %d deliveries to nodes, %d to "
                        "unbound ports, %d transmits, %d send errors\n",
                        st.events, st.deliveries, st.unbound_deliveries,
                        st.transmits, st.send_errors);
  for (const std::string& e : sim_->errors()) {
    absl::StrAppend(&out, "  ERROR ", e, "\n");
  }
  absl::StrAppend(&out, "\nExpectations\n");
  if (results_.empty()) absl::StrAppend(&out, "  (none)\n");
  for (const ExpectationResult& r : results_) {
    absl::StrAppend(&out, "  ", r.Line(), "\n");
  }
  absl::StrAppend(&out, "\n", FormatSummary(), "\n");
  return out;
}

}  // namespace simrtc::sim
