#include "sim/nodes/peer_node.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "core/base/byte_io.h"

namespace simrtc::sim {
namespace {

constexpr size_t kBulkHighWater = 1 << 20;
constexpr size_t kBulkLowWater = 256 << 10;

uint8_t PatternByte(int64_t k) { return static_cast<uint8_t>(k * 131 + 7); }

std::string_view Rest(std::string_view payload) {
  const size_t sp = payload.find(' ');
  return sp == std::string_view::npos ? std::string_view()
                                      : payload.substr(sp + 1);
}

}  // namespace

PeerNode::PeerNode(PeerNodeConfig config, Rng rng)
    : config_(std::move(config)), rng_(std::move(rng)) {}

PeerNode::~PeerNode() = default;

std::vector<SocketAddress> PeerNode::Bindings() const {
  return {SocketAddress(IpAddress(), config_.port)};
}

void PeerNode::Send(std::string payload) {
  QueueSignal(
      Signal{config_.peer, std::move(payload), config_.signaling_delay});
}

void PeerNode::Start(Timestamp now) {
  started_at_ = now;
  peer::Configuration c = config_.pc;
  c.interfaces.clear();
  uint32_t id = 1;
  for (const IpAddress& ip : config_.addresses) {
    ice::LocalInterface itf;
    itf.address = SocketAddress(ip, config_.port);
    itf.name = absl::StrFormat("eth%d", id - 1);
    itf.network_id = id++;
    c.interfaces.push_back(itf);
  }
  absl::StatusOr<std::unique_ptr<peer::PeerConnection>> pc =
      peer::PeerConnection::Create(std::move(c), rng_.Fork("pc"), now);
  if (!pc.ok()) {
    error_ = std::string(pc.status().message());
    return;
  }
  pc_ = *std::move(pc);
  if (config_.offerer) {
    for (peer::MediaKind k : config_.transceivers) {
      (void)pc_->AddTransceiver(now, k);
    }
    OpenWorkloads(now);
  }
  AfterInput(now);
}

void PeerNode::OpenWorkloads(Timestamp now) {
  workload_opened_.resize(config_.channels.size(), false);
  for (size_t k = 0; k < config_.channels.size(); ++k) {
    const ChannelWorkload& w = config_.channels[k];
    const bool due =
        !w.start_at.has_value() || started_at_ + *w.start_at <= now;
    if (!due || workload_opened_[k]) continue;
    workload_opened_[k] = true;
    for (int i = 0; i < std::max(1, w.count); ++i) {
      Flow f;
      f.spec = w;
      if (w.count > 1) f.spec.label = absl::StrFormat("%s-%d", w.label, i);
      datachannel::ChannelInit init = w.init;
      init.protocol =
          w.bulk ? absl::StrFormat("bulk:%d", w.bytes) : std::string("echo");
      absl::StatusOr<datachannel::ChannelPtr> ch =
          pc_->CreateDataChannel(now, f.spec.label, init);
      if (!ch.ok()) {
        error_ = std::string(ch.status().message());
        continue;
      }
      f.channel = *ch;
      f.total = w.bulk ? w.bytes : 0;
      if (w.bulk) f.channel->set_buffered_amount_low_threshold(kBulkLowWater);
      flows_.push_back(std::move(f));
    }
  }
}

void PeerNode::HandleDatagram(Timestamp now, const Datagram& d) {
  if (pc_ == nullptr) return;
  pc_->HandleDatagram(now, d);
  AfterInput(now);
}

void PeerNode::HandleTimeout(Timestamp now) {
  if (pc_ == nullptr) return;
  if (std::optional<Timestamp> t = pc_->NextTimeout(); t && *t <= now) {
    pc_->HandleTimeout(now);
  }
  if (config_.offerer && config_.restart_ice_at.has_value() && !restarted_ &&
      started_at_ + *config_.restart_ice_at <= now) {
    restarted_ = true;
    pc_->RestartIce(now);
  }
  if (config_.close_at.has_value() && !closed_ &&
      started_at_ + *config_.close_at <= now) {
    closed_ = true;
    pc_->Close(now);
  }
  if (config_.offerer) OpenWorkloads(now);
  for (Flow& f : flows_) {
    if (f.next_echo.has_value() && *f.next_echo <= now) PumpEcho(now, f);
  }
  AfterInput(now);
}

std::optional<Transmit> PeerNode::PollTransmit() {
  if (pc_ != nullptr) {
    while (std::optional<Transmit> t = pc_->PollTransmit()) {
      QueueingNode::Send(std::move(*t));
    }
  }
  return QueueingNode::PollTransmit();
}

std::optional<Timestamp> PeerNode::NextTimeout() const {
  if (pc_ == nullptr) return std::nullopt;
  std::optional<Timestamp> next = pc_->NextTimeout();
  const auto fold = [&next](Timestamp t) {
    if (!next.has_value() || t < *next) next = t;
  };
  for (const Flow& f : flows_) {
    if (f.next_echo.has_value()) fold(*f.next_echo);
  }
  if (config_.offerer) {
    for (size_t k = 0; k < config_.channels.size(); ++k) {
      const ChannelWorkload& w = config_.channels[k];
      const bool opened = k < workload_opened_.size() && workload_opened_[k];
      if (w.start_at.has_value() && !opened) fold(started_at_ + *w.start_at);
    }
    if (config_.restart_ice_at.has_value() && !restarted_) {
      fold(started_at_ + *config_.restart_ice_at);
    }
  }
  if (config_.close_at.has_value() && !closed_) {
    fold(started_at_ + *config_.close_at);
  }
  return next;
}

// ---- Signalling
// ---------------------------------------------------------------

void PeerNode::Offer(Timestamp now) {
  if (pc_->signaling_state() != peer::SignalingState::kStable) {
    renegotiate_when_stable_ = true;
    return;
  }
  absl::StatusOr<peer::SessionDescription> offer = pc_->CreateOffer(now);
  if (!offer.ok()) {
    error_ = std::string(offer.status().message());
    return;
  }
  if (absl::Status s = pc_->SetLocalDescription(now, *offer); !s.ok()) {
    error_ = std::string(s.message());
    return;
  }
  description_pending_ = true;
  SendDescription(now);
}

void PeerNode::SendDescription(Timestamp) {
  if (!description_pending_) return;
  if (!config_.trickle &&
      pc_->ice_gathering_state() != ice::GatheringState::kComplete) {
    return;  // sent when gathering completes
  }
  std::optional<peer::SessionDescription> d = pc_->local_description();
  if (!d.has_value()) return;
  description_pending_ = false;
  Send(absl::StrCat(ToAbsl(peer::SdpTypeName(d->type)), " ", d->sdp));
}

void PeerNode::HandleSignal(Timestamp now, std::string_view from,
                            std::string_view payload) {
  if (pc_ == nullptr || from != config_.peer) {
    ++signal_errors_;
    return;
  }
  const std::string_view verb = payload.substr(0, payload.find(' '));
  absl::Status status;
  if (verb == "offer") {
    status = pc_->SetRemoteDescription(
        now, peer::SessionDescription{peer::SdpType::kOffer,
                                      std::string(Rest(payload))});
    if (status.ok()) {
      absl::StatusOr<peer::SessionDescription> answer = pc_->CreateAnswer(now);
      status = answer.status();
      if (answer.ok()) status = pc_->SetLocalDescription(now, *answer);
      if (status.ok()) {
        description_pending_ = true;
        SendDescription(now);
      }
    }
  } else if (verb == "answer") {
    status = pc_->SetRemoteDescription(
        now, peer::SessionDescription{peer::SdpType::kAnswer,
                                      std::string(Rest(payload))});
  } else if (verb == "cand" || verb == "eoc") {
    peer::IceCandidateInit init;
    init.candidate = std::string(Rest(payload));
    init.sdp_mline_index = 0;
    status = pc_->AddIceCandidate(now, init);
  } else if (verb == "need") {
    if (config_.offerer) Offer(now);
  } else {
    status = absl::InvalidArgumentError(
        absl::StrFormat("unknown signal \"%s\"", verb));
  }
  if (!status.ok()) {
    ++signal_errors_;
    error_ = std::string(status.message());
  }
  AfterInput(now);
}

// ---- Events
// -------------------------------------------------------------------

void PeerNode::AfterInput(Timestamp now) {
  if (pc_ == nullptr) return;
  while (std::optional<peer::Event> e = pc_->PollEvent()) {
    HandleEvent(now, *e);
  }
  if (renegotiate_when_stable_ &&
      pc_->signaling_state() == peer::SignalingState::kStable) {
    renegotiate_when_stable_ = false;
    if (config_.offerer) Offer(now);
  }
  for (Flow& f : flows_) {
    if (config_.offerer && f.open && f.spec.bulk) PumpBulk(now, f);
  }
}

void PeerNode::HandleEvent(Timestamp now, peer::Event& e) {
  if (std::holds_alternative<peer::NegotiationNeeded>(e)) {
    if (config_.offerer) {
      Offer(now);
    } else {
      Send("need");
    }
  } else if (auto* c = std::get_if<peer::IceCandidateEvent>(&e)) {
    if (!config_.trickle) return;
    if (c->candidate.has_value()) {
      Send("cand " + c->candidate->candidate);
    } else {
      Send("eoc");
    }
  } else if (auto* g = std::get_if<peer::IceGatheringStateChange>(&e)) {
    if (g->state == ice::GatheringState::kComplete) SendDescription(now);
  } else if (auto* s = std::get_if<peer::ConnectionStateChange>(&e)) {
    Reach(peer::PeerConnectionStateName(s->state), now);
    if (s->state == peer::PeerConnectionState::kConnected &&
        !first_connected_.has_value()) {
      first_connected_ = now;
    }
  } else if (auto* ice = std::get_if<peer::IceConnectionStateChange>(&e)) {
    if (ice->state == ice::ConnectionState::kConnected) {
      Reach("ice_connected", now);
    }
  } else if (auto* sig = std::get_if<peer::SignalingStateChange>(&e)) {
    if (sig->state == peer::SignalingState::kStable &&
        pc_->current_remote_description().has_value()) {
      ++negotiations_;
      Reach(negotiations_ == 1 ? "negotiated" : "renegotiated", now);
    }
  } else if (auto* d = std::get_if<peer::DataChannelEvent>(&e)) {
    HandleChannelEvent(now, d->event);
  }
}

PeerNode::Flow* PeerNode::FlowOf(const datachannel::ChannelPtr& c) {
  for (Flow& f : flows_) {
    if (f.channel == c) return &f;
  }
  return nullptr;
}

void PeerNode::HandleChannelEvent(Timestamp now, datachannel::Event& e) {
  if (auto* in = std::get_if<datachannel::IncomingChannel>(&e)) {
    Flow f;
    f.channel = in->channel;
    f.spec.label = in->channel->label();
    const std::string& proto = in->channel->protocol();
    if (proto.rfind("bulk:", 0) == 0) {
      f.spec.bulk = true;
      int64_t total = 0;
      if (absl::SimpleAtoi(ToAbsl(proto.substr(5)), &total)) f.total = total;
    }
    flows_.push_back(std::move(f));
  } else if (auto* o = std::get_if<datachannel::ChannelOpen>(&e)) {
    ++channels_open_;
    if (Flow* f = FlowOf(o->channel)) {
      f->open = true;
      if (config_.offerer && !f->spec.bulk) f->next_echo = now;
      if (config_.offerer && f->spec.bulk) PumpBulk(now, *f);
    }
    int expected = 0;
    for (const ChannelWorkload& w : config_.channels) {
      expected += std::max(1, w.count);
    }
    if (config_.offerer && channels_open_ >= expected && expected > 0) {
      Reach("channels_open", now);
    }
  } else if (auto* m = std::get_if<datachannel::ChannelMessage>(&e)) {
    ++messages_received_;
    bytes_received_ += static_cast<int64_t>(m->message.data.size());
    if (Flow* f = FlowOf(m->channel)) OnMessage(now, *f, m->message);
  } else if (auto* low =
                 std::get_if<datachannel::ChannelBufferedAmountLow>(&e)) {
    if (Flow* f = FlowOf(low->channel); f && config_.offerer) PumpBulk(now, *f);
  } else if (std::holds_alternative<datachannel::TransportClosed>(e)) {
    if (!closed_) Reach("peer_closed", now);
  }
}

void PeerNode::PumpEcho(Timestamp now, Flow& f) {
  f.next_echo.reset();
  if (!f.open || f.echo_sent >= f.spec.messages) return;
  const size_t size = static_cast<size_t>(std::max(4, f.spec.message_size));
  std::vector<uint8_t> msg(size);
  const uint32_t seq = static_cast<uint32_t>(f.echo_sent);
  StoreBE32(msg.data(), seq);
  for (size_t i = 4; i < size; ++i) {
    msg[i] = PatternByte(static_cast<int64_t>(seq) * 1000003 + i);
  }
  if (f.channel->SendBinary(now, msg).ok()) {
    f.in_flight[seq] = now;
    ++f.echo_sent;
  }
  if (f.echo_sent < f.spec.messages) f.next_echo = now + f.spec.interval;
}

void PeerNode::PumpBulk(Timestamp now, Flow& f) {
  if (!f.open || f.channel->state() != datachannel::ChannelState::kOpen) {
    return;
  }
  const int64_t chunk = std::max(16, f.spec.message_size) - 8;
  while (f.offset < f.total && f.channel->buffered_amount() < kBulkHighWater) {
    const int64_t n = std::min(chunk, f.total - f.offset);
    std::vector<uint8_t> msg(static_cast<size_t>(n + 8));
    StoreBE64(msg.data(), static_cast<uint64_t>(f.offset));
    for (int64_t i = 0; i < n; ++i) msg[8 + i] = PatternByte(f.offset + i);
    if (!f.channel->SendBinary(now, msg).ok()) break;
    f.offset += n;
    bulk_sent_ += n;
  }
}

void PeerNode::OnMessage(Timestamp now, Flow& f,
                         const datachannel::Message& m) {
  const std::vector<uint8_t>& b = m.data;
  if (!f.spec.bulk) {
    if (!config_.offerer) {
      (void)f.channel->SendBinary(now, b);  // echo it back
      return;
    }
    if (b.size() < 4) {
      ++echo_bad_;
      return;
    }
    const uint32_t seq = LoadBE32(b.data());
    bool good =
        b.size() == static_cast<size_t>(std::max(4, f.spec.message_size));
    for (size_t i = 4; good && i < b.size(); ++i) {
      good = b[i] == PatternByte(static_cast<int64_t>(seq) * 1000003 + i);
    }
    auto it = f.in_flight.find(seq);
    if (!good || it == f.in_flight.end()) {
      ++echo_bad_;
      return;
    }
    echo_rtt_sum_ms_ += (now - it->second).seconds() * 1000.0;
    f.in_flight.erase(it);
    ++echo_ok_;
    bool all = true;
    for (const Flow& g : flows_) {
      if (!g.spec.bulk && g.channel != nullptr &&
          (g.echo_sent < g.spec.messages || !g.in_flight.empty())) {
        all = false;
      }
    }
    if (all) Reach("echo_done", now);
    return;
  }
  if (config_.offerer || b.size() < 8) return;
  const int64_t offset = static_cast<int64_t>(LoadBE64(b.data()));
  bool good = offset >= 0;
  for (size_t i = 8; good && i < b.size(); ++i) {
    good = b[i] == PatternByte(offset + static_cast<int64_t>(i) - 8);
  }
  // A reliable ordered channel must deliver every byte exactly once, in
  // order; the others are checked for content only.
  if (f.channel->ordered() && !f.channel->max_retransmits().has_value() &&
      !f.channel->max_packet_life_time_ms().has_value()) {
    good = good && offset == f.next_expected;
  }
  if (!good) {
    bulk_bad_ += static_cast<int64_t>(b.size() - 8);
    return;
  }
  if (!f.first_at.has_value()) f.first_at = now;
  f.next_expected = offset + static_cast<int64_t>(b.size()) - 8;
  f.received += static_cast<int64_t>(b.size()) - 8;
  if (f.received >= f.total && f.total > 0 && !f.done_at.has_value()) {
    f.done_at = now;
    bool all = true;
    for (const Flow& g : flows_) {
      if (g.spec.bulk && !g.done_at.has_value()) all = false;
    }
    if (all) Reach("bulk_done", now);
  }
}

// ---- Report
// -------------------------------------------------------------------

NodeReport PeerNode::Report() const {
  NodeReport r;
  r.states = states();
  if (!error_.empty()) r.details["error"] = error_;
  if (pc_ == nullptr) return r;
  if (!pc_->transport_error().ok()) {
    r.details["transport_error"] =
        std::string(pc_->transport_error().message());
  }
  r.details["connection_state"] =
      std::string(peer::PeerConnectionStateName(pc_->connection_state()));
  r.details["signaling_state"] =
      std::string(peer::SignalingStateName(pc_->signaling_state()));
  if (std::optional<ice::SelectedPairEvent> p =
          pc_->ice_agent().selected_pair()) {
    const auto type = [](ice::CandidateType t) {
      return std::string(ice::CandidateTypeName(t));
    };
    r.details["selected_local_type"] = type(p->local.type);
    r.details["selected_remote_type"] = type(p->remote.type);
    r.details["selected_path"] =
        p->local.type == ice::CandidateType::kRelay ||
                p->remote.type == ice::CandidateType::kRelay
            ? "relay"
            : "direct";
  }
  r.metrics["connected"] =
      pc_->connection_state() == peer::PeerConnectionState::kConnected ? 1 : 0;
  if (first_connected_.has_value()) {
    r.metrics["connect_time_ms"] =
        (*first_connected_ - started_at_).seconds() * 1000.0;
  }
  r.metrics["negotiations"] = negotiations_;
  r.metrics["channels_open"] = channels_open_;
  r.metrics["signal_errors"] = static_cast<double>(signal_errors_);
  r.metrics["messages_received"] = static_cast<double>(messages_received_);
  r.metrics["bytes_received"] = static_cast<double>(bytes_received_);
  int64_t echo_sent = 0;
  int64_t bulk_received = 0;
  std::optional<Timestamp> first, last;
  bool any_bulk = false;
  for (const Flow& f : flows_) {
    echo_sent += f.spec.bulk ? 0 : f.echo_sent;
    bulk_received += f.received;
    if (f.spec.bulk && !config_.offerer) {
      any_bulk = true;
      r.metrics["bulk_bytes_received_" + f.spec.label] =
          static_cast<double>(f.received);
      if (f.first_at && (!first || *f.first_at < *first)) first = f.first_at;
      if (f.done_at && (!last || *f.done_at > *last)) last = f.done_at;
    }
  }
  if (config_.offerer) {
    r.metrics["echo_sent"] = static_cast<double>(echo_sent);
    r.metrics["echo_ok"] = static_cast<double>(echo_ok_);
    r.metrics["echo_bad"] = static_cast<double>(echo_bad_);
    if (echo_ok_ > 0) {
      r.metrics["echo_rtt_avg_ms"] = echo_rtt_sum_ms_ / echo_ok_;
    }
    r.metrics["bulk_bytes_sent"] = static_cast<double>(bulk_sent_);
  } else if (any_bulk) {
    r.metrics["bulk_bytes_received"] = static_cast<double>(bulk_received);
    r.metrics["bulk_bytes_bad"] = static_cast<double>(bulk_bad_);
    if (first.has_value() && last.has_value() && *last > *first) {
      const double seconds = (*last - *first).seconds();
      r.metrics["bulk_time_ms"] = seconds * 1000.0;
      r.metrics["bulk_goodput_bps"] = bulk_received * 8.0 / seconds;
    }
  }
  const peer::StatsReport stats = pc_->GetStats(started_at_);
  if (const peer::StatsEntry* p = stats.Find("P")) {
    r.metrics["data_channels_opened"] =
        static_cast<double>(p->Get<int64_t>("dataChannelsOpened").value_or(0));
  }
  return r;
}

}  // namespace simrtc::sim
