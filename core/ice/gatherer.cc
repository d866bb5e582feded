#include "core/ice/gatherer.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "core/ice/connectivity_check.h"
#include "core/ice/priority.h"
#include "core/mdns/mdns_conn.h"

namespace simrtc::ice {
namespace {

std::string StunUrl(const SocketAddress& server) {
  return "stun:" + server.ToString();
}

bool NetworkAllowed(const AgentConfig& config, const IpAddress& ip) {
  if (config.network_types.empty()) return true;
  const NetworkType t = UdpNetworkTypeOf(ip);
  return std::find(config.network_types.begin(), config.network_types.end(),
                   t) != config.network_types.end();
}

}  // namespace

Gatherer::Gatherer(const AgentConfig& config,
                   std::vector<LocalInterface> interfaces, uint32_t generation,
                   std::string ufrag, Rng rng, const Logger* logger)
    : config_(config),
      generation_(generation),
      ufrag_(std::move(ufrag)),
      rng_(std::move(rng)),
      logger_(logger) {
  for (LocalInterface& itf : interfaces) {
    const IpAddress& ip = itf.address.ip();
    if (!NetworkAllowed(config_, ip)) continue;
    if (config_.ip_filter && !config_.ip_filter(ip)) continue;
    interfaces_.push_back(std::move(itf));
  }
  std::vector<IpAddress> ips;
  ips.reserve(interfaces_.size());
  for (const LocalInterface& itf : interfaces_) ips.push_back(itf.address.ip());
  local_prefs_ = LocalPreferences(ips);
}

bool Gatherer::Allowed(CandidateType type) const {
  if (config_.lite && type != CandidateType::kHost) return false;
  if (config_.candidate_types.empty()) return true;
  return std::find(config_.candidate_types.begin(),
                   config_.candidate_types.end(),
                   type) != config_.candidate_types.end();
}

std::optional<IpAddress> Gatherer::Nat1To1External(
    const IpAddress& local) const {
  for (const Nat1To1Mapping& m : config_.nat_1to1_ips) {
    if (m.local.is_set() && m.local == local) return m.external;
  }
  for (const Nat1To1Mapping& m : config_.nat_1to1_ips) {
    if (!m.local.is_set() && m.external.family() == local.family()) {
      return m.external;
    }
  }
  return std::nullopt;
}

void Gatherer::Emit(Candidate c, std::optional<RelayHandle> relay) {
  c.component = config_.component;
  c.generation = generation_;
  c.ufrag = ufrag_;
  candidates_.push_back(GatheredCandidate{std::move(c), relay});
}

void Gatherer::EmitHost(Timestamp now, size_t index, uint32_t local_pref) {
  const LocalInterface& itf = interfaces_[index];
  const IpAddress& ip = itf.address.ip();
  std::optional<IpAddress> external = Nat1To1External(ip);
  const bool rewrite = external.has_value() &&
                       config_.nat_1to1_candidate_type == CandidateType::kHost;
  Candidate c;
  c.type = CandidateType::kHost;
  c.transport = Transport::kUdp;
  c.base = itf.address;
  c.address =
      rewrite ? SocketAddress(*external, itf.address.port()) : itf.address;
  c.foundation = ComputeFoundation(CandidateType::kHost, ip, IpAddress());
  c.priority =
      CandidatePriority(CandidateType::kHost, local_pref, config_.component);
  c.network_id = itf.network_id;
  c.network_cost = itf.network_cost;
  if (config_.mdns_mode == MdnsMode::kQueryAndGather &&
      config_.resolver != nullptr) {
    auto it = mdns_names_.find(ip);
    if (it == mdns_names_.end()) {
      std::string name = mdns::GenerateLocalName(rng_);
      absl::Status s = config_.resolver->Publish(now, name, ip);
      if (!s.ok()) {
        // Advertising the raw IP would defeat the privacy the mode asks
        // for, so the candidate is withheld.
        SIMRTC_LOG(logger_, kWarning)
            << "mDNS publish of " << name << " failed: " << s.ToString();
        return;
      }
      published_names_.push_back(name);
      it = mdns_names_.emplace(ip, std::move(name)).first;
    }
    c.hostname = it->second;
  }
  if (Allowed(CandidateType::kHost)) Emit(c);
  if (external && !rewrite && Allowed(CandidateType::kServerReflexive)) {
    Candidate s;
    s.type = CandidateType::kServerReflexive;
    s.base = itf.address;
    s.address = SocketAddress(*external, itf.address.port());
    s.related = config_.mdns_mode == MdnsMode::kQueryAndGather
                    ? SocketAddress(IpAddress::AnyV4(), 0)
                    : itf.address;
    s.foundation =
        ComputeFoundation(CandidateType::kServerReflexive, ip, *external);
    s.priority = CandidatePriority(CandidateType::kServerReflexive, local_pref,
                                   config_.component);
    s.network_id = itf.network_id;
    s.network_cost = itf.network_cost;
    Emit(std::move(s));
  }
}

void Gatherer::Start(Timestamp now) {
  if (started_) return;
  started_ = true;
  for (size_t i = 0; i < interfaces_.size(); ++i) {
    EmitHost(now, i, local_prefs_[i]);
  }
  if (Allowed(CandidateType::kServerReflexive)) {
    for (size_t i = 0; i < interfaces_.size(); ++i) {
      const SocketAddress& base = interfaces_[i].address;
      for (const SocketAddress& server : config_.stun_servers) {
        if (server.family() != base.family()) continue;
        StunQuery q;
        q.base = base;
        q.server = server;
        q.local_preference = local_prefs_[i];
        q.interface_index = i;
        const stun::TransactionId txid = stun::TransactionId::Random(rng_);
        absl::StatusOr<std::vector<uint8_t>> req =
            BuildServerBindingRequest(txid, config_.software);
        if (!req.ok()) {
          SIMRTC_LOG(logger_, kWarning)
              << "cannot build STUN request: " << req.status().ToString();
          continue;
        }
        q.request = std::move(*req);
        q.tx.Start(now, config_.gather_retransmit);
        transmits_.push_back(
            Transmit{base, server, Transport::kUdp, q.request});
        ++stun_requests_sent_;
        queries_.emplace(txid, std::move(q));
      }
    }
  }
  if (Allowed(CandidateType::kRelay) && config_.relay != nullptr) {
    for (const LocalInterface& itf : interfaces_) {
      if (!pending_relay_bases_.insert(itf.address).second) continue;
      absl::Status s = config_.relay->Allocate(now, itf.address);
      if (!s.ok()) {
        SIMRTC_LOG(logger_, kInfo)
            << "relay allocation from " << itf.address << " refused: " << s;
        pending_relay_bases_.erase(itf.address);
      }
    }
  }
}

const LocalInterface* Gatherer::InterfaceOfBase(
    const SocketAddress& base) const {
  for (const LocalInterface& itf : interfaces_) {
    if (itf.address == base) return &itf;
  }
  return nullptr;
}

uint32_t Gatherer::LocalPreferenceOfBase(const SocketAddress& base) const {
  for (size_t i = 0; i < interfaces_.size(); ++i) {
    if (interfaces_[i].address == base) return local_prefs_[i];
  }
  return 0;
}

void Gatherer::EmitServerReflexive(const SocketAddress& mapped,
                                   const SocketAddress& base,
                                   const IpAddress& server, uint32_t local_pref,
                                   const std::string& url,
                                   const LocalInterface& itf) {
  if (mapped == base) return;  // no NAT in the way: redundant with host
  Candidate c;
  c.type = CandidateType::kServerReflexive;
  c.base = base;
  c.address = mapped;
  c.related = config_.mdns_mode == MdnsMode::kQueryAndGather
                  ? SocketAddress(IpAddress::AnyV4(), 0)
                  : base;
  c.foundation =
      ComputeFoundation(CandidateType::kServerReflexive, base.ip(), server);
  c.priority = CandidatePriority(CandidateType::kServerReflexive, local_pref,
                                 config_.component);
  c.url = url;
  c.network_id = itf.network_id;
  c.network_cost = itf.network_cost;
  Emit(std::move(c));
}

bool Gatherer::HandleStunResponse(Timestamp /*now*/, const SocketAddress& local,
                                  const SocketAddress& remote,
                                  const stun::Message& msg) {
  auto it = queries_.find(msg.transaction_id());
  if (it == queries_.end()) return false;
  StunQuery& q = it->second;
  if (q.tx.finished()) return true;  // late duplicate: already answered
  if (local != q.base || remote != q.server) {
    // Not the 5-tuple we asked on: a spoof or a stray; keep waiting.
    return true;
  }
  if (msg.HasFingerprint() && !msg.VerifyFingerprint().ok()) return true;
  q.tx.Finish();
  if (msg.message_class() != stun::Class::kSuccess) {
    SIMRTC_LOG(logger_, kInfo)
        << "STUN server " << q.server << " answered with an error";
    return true;
  }
  absl::StatusOr<SocketAddress> mapped = msg.GetXorMappedAddress();
  if (!mapped.ok()) mapped = msg.GetMappedAddress();
  if (!mapped.ok()) {
    SIMRTC_LOG(logger_, kInfo)
        << "STUN response from " << q.server << " has no mapped address";
    return true;
  }
  const LocalInterface* itf = InterfaceOfBase(q.base);
  if (itf == nullptr) return true;
  EmitServerReflexive(*mapped, q.base, q.server.ip(), q.local_preference,
                      StunUrl(q.server), *itf);
  return true;
}

bool Gatherer::HandleRelayAllocated(const RelayAllocated& a) {
  if (pending_relay_bases_.count(a.base) == 0) return false;
  const LocalInterface* itf = InterfaceOfBase(a.base);
  if (itf == nullptr) return false;
  const uint32_t pref = LocalPreferenceOfBase(a.base);
  const bool hide = config_.mdns_mode == MdnsMode::kQueryAndGather;
  if (a.mapped && Allowed(CandidateType::kServerReflexive)) {
    EmitServerReflexive(*a.mapped, a.base, a.server.ip(), pref, a.url, *itf);
  }
  Candidate c;
  c.type = CandidateType::kRelay;
  c.base = a.relayed;
  c.address = a.relayed;
  if (hide) {
    c.related = SocketAddress(IpAddress::AnyV4(), 0);
  } else if (a.mapped) {
    c.related = *a.mapped;
  } else {
    c.related = a.base;
  }
  c.foundation =
      ComputeFoundation(CandidateType::kRelay, a.base.ip(), a.server.ip());
  c.priority =
      CandidatePriority(CandidateType::kRelay, pref, config_.component);
  c.url = a.url;
  c.relay_protocol = a.relay_protocol;
  c.network_id = itf->network_id;
  c.network_cost = itf->network_cost;
  Emit(std::move(c), a.handle);
  return true;
}

bool Gatherer::HandleRelayDone(const RelayAllocationDone& d) {
  if (pending_relay_bases_.erase(d.base) == 0) return false;
  if (!d.status.ok()) {
    SIMRTC_LOG(logger_, kInfo)
        << "relay allocation from " << d.base << " ended: " << d.status;
  }
  return true;
}

void Gatherer::HandleTimeout(Timestamp now) {
  for (auto& [txid, q] : queries_) {
    switch (q.tx.Advance(now)) {
      case StunTransaction::Step::kNothing:
        break;
      case StunTransaction::Step::kRetransmit:
        transmits_.push_back(
            Transmit{q.base, q.server, Transport::kUdp, q.request});
        ++stun_requests_sent_;
        break;
      case StunTransaction::Step::kTimedOut:
        SIMRTC_LOG(logger_, kInfo)
            << "STUN server " << q.server << " did not answer from " << q.base;
        break;
    }
  }
}

std::optional<Timestamp> Gatherer::NextTimeout() const {
  Timestamp t = Timestamp::Infinite();
  for (const auto& [txid, q] : queries_) t = std::min(t, q.tx.NextTime());
  if (t.IsInfinite()) return std::nullopt;
  return t;
}

std::optional<Transmit> Gatherer::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<GatheredCandidate> Gatherer::PollCandidate() {
  if (candidates_.empty()) return std::nullopt;
  GatheredCandidate c = std::move(candidates_.front());
  candidates_.pop_front();
  return c;
}

bool Gatherer::complete() const {
  if (!started_ || !pending_relay_bases_.empty()) return false;
  for (const auto& [txid, q] : queries_) {
    if (!q.tx.finished()) return false;
  }
  return true;
}

}  // namespace simrtc::ice
