#include "sim/nodes/ice_agent_node.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/base/absl_compat.h"
#include "core/base/byte_io.h"

namespace simrtc::sim {
namespace {

std::string_view StateName(ice::ConnectionState s) {
  return ice::ConnectionStateName(s);
}

std::optional<uint32_t> ParseEpoch(std::string_view text) {
  uint32_t epoch = 0;
  if (!absl::SimpleAtoi(ToAbsl(text), &epoch)) return std::nullopt;
  return epoch;
}

}  // namespace

IceAgentNode::IceAgentNode(IceAgentNodeConfig config, Rng rng)
    : config_(std::move(config)), rng_(std::move(rng)) {}

IceAgentNode::~IceAgentNode() = default;

std::vector<SocketAddress> IceAgentNode::Bindings() const {
  return {SocketAddress(IpAddress(), config_.port)};
}

std::vector<ice::LocalInterface> IceAgentNode::Interfaces() const {
  std::vector<ice::LocalInterface> out;
  uint32_t id = 1;
  for (const IpAddress& ip : config_.addresses) {
    out.push_back(ice::LocalInterface{SocketAddress(ip, config_.port),
                                      absl::StrFormat("eth%d", id - 1), id,
                                      10});
    ++id;
  }
  return out;
}

void IceAgentNode::Start(Timestamp now) {
  started_at_ = now;
  ice::AgentConfig c = config_.agent;
  c.interfaces = Interfaces();
  if (!config_.turn_servers.empty()) {
    ice::TurnRelayConfig rc;
    rc.servers = config_.turn_servers;
    relay_ = std::make_unique<ice::TurnRelayAllocator>(std::move(rc),
                                                       rng_.Fork("turn"));
    c.relay = relay_.get();
  }
  absl::StatusOr<std::unique_ptr<ice::Agent>> agent =
      ice::Agent::Create(std::move(c), rng_.Fork("agent"));
  if (!agent.ok()) {
    create_error_ = agent.status();
    return;
  }
  agent_ = std::move(*agent);
  SendHello();
  if (absl::Status s = agent_->GatherCandidates(now); !s.ok()) {
    create_error_ = s;
  }
  AfterAgentInput(now);
}

void IceAgentNode::SendSignal(std::string payload) {
  QueueSignal(
      Signal{config_.peer, std::move(payload), config_.signaling_delay});
}

void IceAgentNode::SendHello() {
  const ice::Credentials& creds = agent_->local_credentials();
  SendSignal(absl::StrFormat("hello %d %s %s %s", epoch_, creds.ufrag,
                             creds.pwd, agent_->lite() ? "lite" : "full"));
}

void IceAgentNode::HandleSignal(Timestamp now, std::string_view from,
                                std::string_view payload) {
  if (agent_ == nullptr || from != config_.peer) {
    ++signal_errors_;
    return;
  }
  const std::vector<absl::string_view> words =
      absl::StrSplit(ToAbsl(payload), absl::MaxSplits(' ', 2));
  if (words.size() < 2) {
    ++signal_errors_;
    return;
  }
  const std::optional<uint32_t> epoch = ParseEpoch(ToStd(words[1]));
  if (!epoch.has_value()) {
    ++signal_errors_;
    return;
  }
  if (*epoch < epoch_) return;  // from before a restart
  if (words[0] == "hello") {
    const std::vector<absl::string_view> f =
        absl::StrSplit(ToAbsl(payload), ' ');
    if (f.size() != 5) {
      ++signal_errors_;
      return;
    }
    if (*epoch > epoch_) RestartInto(now, *epoch);
    if (remote_set_for_epoch_) return;
    const ice::Credentials remote{std::string(f[2]), std::string(f[3])};
    if (agent_->SetRemoteCredentials(now, remote, f[4] == "lite").ok()) {
      remote_set_for_epoch_ = true;
    } else {
      ++signal_errors_;
    }
  } else if (*epoch != epoch_) {
    ++signal_errors_;  // the peer's hello must come first
    return;
  } else if (words[0] == "cand" && words.size() == 3) {
    ++remote_candidates_;
    if (!agent_->AddRemoteCandidate(now, ToStd(words[2])).ok()) {
      ++signal_errors_;
    }
  } else if (words[0] == "eoc") {
    agent_->SetRemoteEndOfCandidates(now);
  } else {
    ++signal_errors_;
  }
  AfterAgentInput(now);
}

void IceAgentNode::RestartInto(Timestamp now, uint32_t epoch) {
  epoch_ = epoch;
  remote_set_for_epoch_ = false;
  restart_requested_for_epoch_ = false;
  ++restarts_;
  awaiting_reconnect_ = true;
  Reach("restarted", now);
  if (!agent_->Restart(now, std::nullopt, Interfaces()).ok()) {
    ++signal_errors_;
    return;
  }
  SendHello();
}

void IceAgentNode::HandleAddressChange(
    Timestamp now, const std::vector<IpAddress>& addresses) {
  config_.addresses = addresses;
  if (agent_ == nullptr || config_.restart == IceRestartPolicy::kNever) {
    return;
  }
  RestartInto(now, epoch_ + 1);
  AfterAgentInput(now);
}

void IceAgentNode::HandleDatagram(Timestamp now, const Datagram& d) {
  if (agent_ == nullptr) return;
  agent_->HandleDatagram(now, d);
  AfterAgentInput(now);
}

void IceAgentNode::HandleTimeout(Timestamp now) {
  if (agent_ == nullptr) return;
  if (std::optional<Timestamp> t = agent_->NextTimeout(); t && *t <= now) {
    agent_->HandleTimeout(now);
  }
  if (next_data_.has_value() && *next_data_ <= now) SendData(now);
  AfterAgentInput(now);
}

bool IceAgentNode::IsConnected() const {
  if (agent_ == nullptr) return false;
  const ice::ConnectionState s = agent_->connection_state();
  return s == ice::ConnectionState::kConnected ||
         s == ice::ConnectionState::kCompleted;
}

void IceAgentNode::SendData(Timestamp now) {
  next_data_.reset();
  if (!IsConnected() || config_.data_interval <= TimeDelta::Zero()) return;
  std::vector<uint8_t> payload(
      std::max<size_t>(static_cast<size_t>(config_.data_size), 8), 0);
  // A first byte of 0 is RFC 7983's STUN range; 0xC0 is outside every
  // demultiplexed range, so the agent surfaces it as application data.
  StoreBE64(payload.data(), data_seq_++);
  payload[0] = 0xC0;
  if (agent_->Send(now, payload).ok()) ++data_sent_;
  next_data_ = now + config_.data_interval;
}

void IceAgentNode::AfterAgentInput(Timestamp now) {
  if (agent_ == nullptr) return;
  while (std::optional<ice::Event> e = agent_->PollEvent()) {
    if (auto* c = std::get_if<ice::LocalCandidateEvent>(&*e)) {
      if (c->candidate.has_value()) {
        SendSignal(
            absl::StrFormat("cand %d %s", epoch_, c->candidate->ToSdp()));
      } else {
        SendSignal(absl::StrFormat("eoc %d", epoch_));
      }
    } else if (auto* g = std::get_if<ice::GatheringStateEvent>(&*e)) {
      if (g->state == ice::GatheringState::kComplete) {
        Reach("gathering_complete", now);
      }
    } else if (auto* s = std::get_if<ice::ConnectionStateEvent>(&*e)) {
      Reach(StateName(s->state), now);
      const bool up = s->state == ice::ConnectionState::kConnected ||
                      s->state == ice::ConnectionState::kCompleted;
      if (up) {
        if (!first_connected_.has_value()) first_connected_ = now;
        if (!next_data_.has_value()) next_data_ = now;
      }
      const bool trigger =
          (s->state == ice::ConnectionState::kDisconnected &&
           config_.restart == IceRestartPolicy::kOnDisconnected) ||
          (s->state == ice::ConnectionState::kFailed &&
           config_.restart != IceRestartPolicy::kNever);
      if (trigger && !restart_requested_for_epoch_) {
        restart_requested_for_epoch_ = true;
        RestartInto(now, epoch_ + 1);
      }
    } else if (auto* p = std::get_if<ice::SelectedPairEvent>(&*e)) {
      selected_ = *p;
      ++selected_changes_;

    } else if (auto* d = std::get_if<ice::ApplicationDataEvent>(&*e)) {
      if (d->payload.size() >= 8) {
        std::vector<uint8_t> seq(d->payload.begin(), d->payload.begin() + 8);
        seq[0] = 0;
        if (received_seqs_.insert(LoadBE64(seq.data())).second) {
          ++data_received_;
          // Data from the peer after a restart proves the repair (a
          // restart may keep the old pair, so selection events alone do
          // not tell).
          if (awaiting_reconnect_) {
            awaiting_reconnect_ = false;
            Reach("reconnected", now);
          }
        }
      }
    }
  }
  if (next_data_.has_value() && *next_data_ <= now) SendData(now);
}

std::optional<Transmit> IceAgentNode::PollTransmit() {
  if (agent_ != nullptr) {
    while (std::optional<Transmit> t = agent_->PollTransmit()) {
      Send(std::move(*t));
    }
  }
  return QueueingNode::PollTransmit();
}

std::optional<Timestamp> IceAgentNode::NextTimeout() const {
  if (agent_ == nullptr) return std::nullopt;
  std::optional<Timestamp> next = agent_->NextTimeout();
  if (next_data_.has_value() && (!next.has_value() || *next_data_ < *next)) {
    next = next_data_;
  }
  return next;
}

NodeReport IceAgentNode::Report() const {
  NodeReport r;
  r.states = states();
  r.metrics["restarts"] = static_cast<double>(restarts_);
  r.metrics["data_sent"] = static_cast<double>(data_sent_);
  r.metrics["data_received"] = static_cast<double>(data_received_);
  r.metrics["remote_candidates"] = static_cast<double>(remote_candidates_);
  r.metrics["selected_pair_changes"] = static_cast<double>(selected_changes_);
  r.metrics["signal_errors"] = static_cast<double>(signal_errors_);
  r.metrics["connected"] = IsConnected() ? 1 : 0;
  if (first_connected_.has_value()) {
    r.metrics["connect_time_ms"] =
        (*first_connected_ - started_at_).seconds() * 1000.0;
  }
  if (!create_error_.ok()) {
    r.details["error"] = std::string(create_error_.message());
  }
  if (agent_ == nullptr) return r;
  r.metrics["local_candidates"] =
      static_cast<double>(agent_->local_candidates().size());
  double checks_sent = 0;
  double checks_received = 0;
  for (const ice::CandidatePairStats& p : agent_->PairStats()) {
    checks_sent += static_cast<double>(p.requests_sent);
    checks_received += static_cast<double>(p.requests_received);
  }
  r.metrics["checks_sent"] = checks_sent;
  r.metrics["checks_received"] = checks_received;
  r.details["state"] = std::string(StateName(agent_->connection_state()));
  if (selected_.has_value()) {
    const ice::Candidate& l = selected_->local;
    const ice::Candidate& rm = selected_->remote;
    r.details["selected_local_type"] =
        std::string(ice::CandidateTypeName(l.type));
    r.details["selected_remote_type"] =
        std::string(ice::CandidateTypeName(rm.type));
    r.details["selected_path"] = l.type == ice::CandidateType::kRelay ||
                                         rm.type == ice::CandidateType::kRelay
                                     ? "relay"
                                     : "direct";
    r.details["selected_local"] = l.address.ToString();
    r.details["selected_remote"] = rm.address.ToString();
  }
  return r;
}

}  // namespace simrtc::sim
