#include "tests/media/media_world.h"

#include <algorithm>
#include <string>
#include <utility>
#include <variant>

#include "core/interceptor/report.h"
#include "core/interceptor/twcc.h"
#include "core/media/vp8.h"
#include "core/rtp/rtp_header_extensions.h"
#include "core/rtp/rtp_rtcp_demux.h"

namespace simrtc::media_test {
namespace {

using interceptor::Interceptor;
using interceptor::Registry;

// Room kept free in every packet for the transport-wide sequence number the
// TWCC stage adds after packetization: the one-byte extension block header
// (4 bytes) plus one element (1 + 2 bytes), padded to 8.
constexpr size_t kTwccOverhead = 8;

interceptor::StreamInfo MakeStreamInfo(uint32_t ssrc, uint8_t payload_type,
                                       bool nack) {
  interceptor::StreamInfo info;
  info.ssrc = ssrc;
  info.clock_rate = 90000;
  info.payload_type = payload_type;
  info.header_extensions.push_back(
      {std::string(rtp::kTransportSequenceNumberUri), kTwccExtensionId});
  info.rtcp_feedback.push_back({"transport-cc", ""});
  if (nack) info.rtcp_feedback.push_back({"nack", ""});
  return info;
}

std::optional<Transmit> PopFront(std::deque<Transmit>& q) {
  if (q.empty()) return std::nullopt;
  Transmit t = std::move(q.front());
  q.pop_front();
  return t;
}

// Marshals what a chain emitted as one compound RTCP packet and queues it;
// false if it cannot be marshalled.
bool QueueCompound(const std::vector<rtcp::Packet>& rtcp,
                   const SocketAddress& local, const SocketAddress& remote,
                   std::deque<Transmit>& out) {
  if (rtcp.empty()) return true;
  absl::StatusOr<std::vector<uint8_t>> bytes = rtcp::MarshalCompound(rtcp);
  if (!bytes.ok()) return false;
  Transmit t;
  t.local = local;
  t.remote = remote;
  t.payload = std::move(*bytes);
  out.push_back(std::move(t));
  return true;
}

}  // namespace

std::vector<uint8_t> MakeVp8Frame(Rng& rng, size_t size, bool key_frame,
                                  uint16_t width, uint16_t height) {
  size = std::max<size_t>(size, 10);
  std::vector<uint8_t> f(size);
  rng.Fill(f);
  // RFC 6386 section 9.1: frame tag, 24 bits little endian:
  // key_frame (0 = key) | version (3) | show_frame | first_part_size (19).
  const size_t header = key_frame ? 10 : 3;
  const uint32_t first_part =
      static_cast<uint32_t>(std::min<size_t>((size - header) / 2, 0x7FFFF));
  const uint32_t tag = (key_frame ? 0u : 1u) | (1u << 4) | (first_part << 5);
  f[0] = static_cast<uint8_t>(tag);
  f[1] = static_cast<uint8_t>(tag >> 8);
  f[2] = static_cast<uint8_t>(tag >> 16);
  if (key_frame) {
    f[3] = 0x9D;
    f[4] = 0x01;
    f[5] = 0x2A;
    f[6] = static_cast<uint8_t>(width);
    f[7] = static_cast<uint8_t>((width >> 8) & 0x3F);
    f[8] = static_cast<uint8_t>(height);
    f[9] = static_cast<uint8_t>((height >> 8) & 0x3F);
  }
  return f;
}

// ---------------------------------------------------------------- sender

absl::StatusOr<std::unique_ptr<VideoSender>> VideoSender::Create(
    const SenderConfig& config, bool nack, vnet::HostId host,
    SocketAddress local, SocketAddress remote, Rng rng) {
  if (config.mtu <= rtp::kFixedHeaderSize + kTwccOverhead + 1) {
    return absl::InvalidArgumentError("SenderConfig.mtu too small");
  }
  Registry registry;
  const size_t buffer = config.nack_buffer;
  registry.Add(Registry::Factory(
      [buffer]() -> absl::StatusOr<std::unique_ptr<Interceptor>> {
        auto r = interceptor::NackResponder::Create({.buffer_size = buffer});
        if (!r.ok()) return r.status();
        return std::unique_ptr<Interceptor>(std::move(*r));
      }));
  registry.Add<interceptor::SenderReportInterceptor>(
      interceptor::SenderReportInterceptor::Config{.interval =
                                                       config.report_interval});
  registry.Add<interceptor::StatsInterceptor>();
  registry.Add<interceptor::TwccSender>();
  absl::StatusOr<std::unique_ptr<interceptor::Chain>> chain = registry.Build();
  if (!chain.ok()) return chain.status();
  (*chain)->BindLocalStream(
      MakeStreamInfo(config.ssrc, config.payload_type, nack));
  return std::unique_ptr<VideoSender>(new VideoSender(
      config, host, local, remote, std::move(rng), std::move(*chain)));
}

VideoSender::VideoSender(const SenderConfig& config, vnet::HostId host,
                         SocketAddress local, SocketAddress remote, Rng rng,
                         std::unique_ptr<interceptor::Chain> chain)
    : config_(config),
      host_(host),
      local_(local),
      remote_(remote),
      content_rng_(rng.Fork("content")),
      chain_(std::move(chain)) {
  Rng packetizer_rng = rng.Fork("packetizer");
  media::PacketizerConfig pc;
  pc.mtu = config.mtu - kTwccOverhead;
  pc.payload_type = config.payload_type;
  pc.ssrc = config.ssrc;
  pc.clock_rate = 90000;
  packetizer_ = std::make_unique<media::Packetizer>(
      pc, std::make_unique<media::Vp8Payloader>(), packetizer_rng);
}

std::optional<interceptor::OutboundStreamStats> VideoSender::stats() const {
  auto* s = chain_->Find<interceptor::StatsInterceptor>();
  if (s == nullptr) return std::nullopt;
  return s->Outbound(config_.ssrc);
}

void VideoSender::SendFrame(Timestamp now) {
  const int index = next_frame_++;
  const bool key =
      config_.key_frame_interval > 0 && index % config_.key_frame_interval == 0;
  const size_t lo = key ? config_.min_key_frame_bytes : config_.min_frame_bytes;
  const size_t hi = key ? config_.max_key_frame_bytes : config_.max_frame_bytes;
  const size_t size = static_cast<size_t>(content_rng_.UniformInt(
      static_cast<int64_t>(lo), static_cast<int64_t>(std::max(lo, hi))));
  SentFrame frame;
  frame.data = MakeVp8Frame(content_rng_, size, key, 320, 240);
  frame.sent = now;
  absl::StatusOr<std::vector<rtp::RtpPacket>> packets =
      packetizer_->Packetize(now, frame.data, config_.rtp_ticks_per_frame);
  if (!packets.ok() || packets->empty()) {
    ++errors_;
    return;
  }
  frame.rtp_timestamp = packets->front().timestamp();
  for (size_t i = 0; i < packets->size(); ++i) {
    rtp::RtpPacket& p = (*packets)[i];
    const int64_t seq = seq_unwrapper_.Unwrap(p.sequence_number());
    if (i == 0) frame.first_seq = seq;
    frame.last_seq = seq;
    frame_of_seq_[seq] = index;
    attempts_of_seq_[seq] = 0;
    chain_->OnOutgoingRtp(now, p);
    SendRtp(now, p, 0);
  }
  frames_.push_back(std::move(frame));
}

void VideoSender::SendRtp(Timestamp now, const rtp::RtpPacket& packet,
                          int attempt) {
  std::optional<rtp::TransportSequenceNumber> tsn =
      rtp::ReadExtension<rtp::TransportSequenceNumber>(packet,
                                                       kTwccExtensionId);
  absl::StatusOr<std::vector<uint8_t>> bytes = packet.Marshal();
  if (!tsn || !bytes.ok() || bytes->size() > config_.mtu) {
    ++errors_;
    return;
  }
  const int64_t seq = seq_unwrapper_.PeekUnwrap(packet.sequence_number());
  SentPacket sent;
  sent.rtp_seq = seq;
  auto f = frame_of_seq_.find(seq);
  sent.frame = f == frame_of_seq_.end() ? -1 : f->second;
  sent.attempt = attempt;
  sent.sent = now;
  transmissions_[tsn_unwrapper_.Unwrap(tsn->sequence_number)] = sent;
  Transmit t;
  t.local = local_;
  t.remote = remote_;
  t.payload = std::move(*bytes);
  out_.push_back(std::move(t));
}

void VideoSender::Drain(Timestamp now) {
  // Retransmissions answering NACKs, already stamped by the TWCC stage.
  while (std::optional<rtp::RtpPacket> p = chain_->PollRtp()) {
    const int64_t seq = seq_unwrapper_.PeekUnwrap(p->sequence_number());
    auto it = attempts_of_seq_.find(seq);
    if (it == attempts_of_seq_.end()) {
      ++errors_;
      continue;
    }
    ++retransmissions_;
    SendRtp(now, *p, ++it->second);
  }
  std::vector<rtcp::Packet> rtcp;
  while (std::optional<rtcp::Packet> p = chain_->PollRtcp()) {
    if (std::holds_alternative<rtcp::SenderReport>(*p)) ++sender_reports_sent_;
    rtcp.push_back(std::move(*p));
  }
  if (!QueueCompound(rtcp, local_, remote_, out_)) ++errors_;
}

void VideoSender::HandleDatagram(Timestamp now, const Datagram& d) {
  if (!rtp::IsRtcpPacket(d.payload)) {
    ++errors_;
    return;
  }
  absl::StatusOr<std::vector<rtcp::Packet>> packets =
      rtcp::ParseCompound(d.payload);
  if (!packets.ok()) {
    ++errors_;
    return;
  }
  for (const rtcp::Packet& p : *packets) {
    if (const auto* rr = std::get_if<rtcp::ReceiverReport>(&p)) {
      for (const rtcp::ReportBlock& b : rr->report_blocks) {
        if (b.source_ssrc == config_.ssrc) reports_.push_back({now, b});
      }
    } else if (const auto* fb = std::get_if<rtcp::TransportCcFeedback>(&p)) {
      feedback_.push_back({now, *fb});
    } else if (std::holds_alternative<rtcp::GenericNack>(p)) {
      ++nacks_received_;
    }
  }
  chain_->OnIncomingRtcp(now, *packets);
  Drain(now);
}

void VideoSender::HandleTimeout(Timestamp now) {
  while (!done() && next_frame_time_ <= now) {
    SendFrame(now);
    next_frame_time_ = next_frame_time_ + config_.frame_interval;
  }
  chain_->HandleTimeout(now);
  Drain(now);
}

std::optional<Timestamp> VideoSender::NextTimeout() const {
  std::optional<Timestamp> t = chain_->NextTimeout();
  if (!done() && (!t || next_frame_time_ < *t)) t = next_frame_time_;
  return t;
}

std::optional<Transmit> VideoSender::PollTransmit() { return PopFront(out_); }

// -------------------------------------------------------------- receiver

absl::StatusOr<std::unique_ptr<VideoReceiver>> VideoReceiver::Create(
    const ReceiverConfig& config, const SenderConfig& sender, bool nack,
    vnet::HostId host, SocketAddress local, SocketAddress remote) {
  Registry registry;
  interceptor::NackGenerator::Config nack_config = config.nack;
  nack_config.sender_ssrc = config.ssrc;
  registry.Add<interceptor::NackGenerator>(nack_config);
  registry.Add<interceptor::ReceiverReportInterceptor>(
      interceptor::ReceiverReportInterceptor::Config{
          .interval = config.report_interval, .sender_ssrc = config.ssrc});
  registry.Add<interceptor::StatsInterceptor>();
  registry.Add<interceptor::TwccReceiver>(interceptor::TwccReceiver::Config{
      .interval = config.twcc_interval, .sender_ssrc = config.ssrc});
  absl::StatusOr<std::unique_ptr<interceptor::Chain>> chain = registry.Build();
  if (!chain.ok()) return chain.status();
  (*chain)->BindRemoteStream(
      MakeStreamInfo(sender.ssrc, sender.payload_type, nack));
  return std::unique_ptr<VideoReceiver>(new VideoReceiver(
      config, sender, host, local, remote, std::move(*chain)));
}

VideoReceiver::VideoReceiver(const ReceiverConfig& config,
                             const SenderConfig& sender, vnet::HostId host,
                             SocketAddress local, SocketAddress remote,
                             std::unique_ptr<interceptor::Chain> chain)
    : remote_ssrc_(sender.ssrc),
      host_(host),
      local_(local),
      remote_(remote),
      chain_(std::move(chain)),
      builder_(std::make_unique<media::SampleBuilder>(
          config.max_late, std::make_unique<media::Vp8Depacketizer>(), 90000)) {
}

std::optional<interceptor::InboundStreamStats> VideoReceiver::stats() const {
  auto* s = chain_->Find<interceptor::StatsInterceptor>();
  if (s == nullptr) return std::nullopt;
  return s->Inbound(remote_ssrc_);
}

void VideoReceiver::HandleDatagram(Timestamp now, const Datagram& d) {
  switch (rtp::ClassifyRtpRtcp(d.payload)) {
    case rtp::RtpRtcpKind::kRtp: {
      absl::StatusOr<rtp::RtpPacketView> view =
          rtp::RtpPacketView::Parse(d.payload);
      if (!view.ok() || view->ssrc() != remote_ssrc_) {
        ++errors_;
        return;
      }
      const int64_t seq = seq_unwrapper_.Unwrap(view->sequence_number());
      if (!rtp_arrivals_.emplace(seq, now).second) ++duplicates_;
      std::optional<rtp::TransportSequenceNumber> tsn =
          rtp::ReadExtension<rtp::TransportSequenceNumber>(*view,
                                                           kTwccExtensionId);
      if (tsn) {
        transport_arrivals_.emplace(tsn_unwrapper_.Unwrap(tsn->sequence_number),
                                    now);
      } else {
        ++errors_;
      }
      chain_->OnIncomingRtp(now, *view);
      builder_->Push(*view);
      while (std::optional<media::Sample> s = builder_->Pop()) {
        samples_.push_back({now, std::move(*s)});
      }
      break;
    }
    case rtp::RtpRtcpKind::kRtcp: {
      absl::StatusOr<std::vector<rtcp::Packet>> packets =
          rtcp::ParseCompound(d.payload);
      if (!packets.ok()) {
        ++errors_;
        return;
      }
      chain_->OnIncomingRtcp(now, *packets);
      break;
    }
    case rtp::RtpRtcpKind::kNeither:
      ++errors_;
      return;
  }
  Drain();
}

void VideoReceiver::Drain() {
  while (chain_->PollRtp()) ++errors_;  // a receiver chain sends no RTP
  std::vector<rtcp::Packet> rtcp;
  while (std::optional<rtcp::Packet> p = chain_->PollRtcp()) {
    if (std::holds_alternative<rtcp::GenericNack>(*p)) ++nacks_sent_;
    rtcp.push_back(std::move(*p));
  }
  if (!QueueCompound(rtcp, local_, remote_, out_)) ++errors_;
}

void VideoReceiver::HandleTimeout(Timestamp now) {
  chain_->HandleTimeout(now);
  Drain();
}

std::optional<Timestamp> VideoReceiver::NextTimeout() const {
  return chain_->NextTimeout();
}

std::optional<Transmit> VideoReceiver::PollTransmit() { return PopFront(out_); }

// ---------------------------------------------------------------- driver

void Driver::Flush() {
  bool moved = true;
  while (moved) {
    moved = false;
    for (Endpoint* e : endpoints_) {
      while (std::optional<Transmit> t = e->PollTransmit()) {
        moved = true;
        if (!network_->Send(now_, e->host(), std::move(*t)).ok()) {
          ++send_errors_;
        }
      }
    }
    while (std::optional<vnet::Delivery> d = network_->PollDelivery()) {
      moved = true;
      for (Endpoint* e : endpoints_) {
        if (e->host() == d->host) e->HandleDatagram(now_, d->datagram);
      }
    }
  }
}

void Driver::RunUntil(Timestamp deadline) {
  Flush();
  while (true) {
    std::optional<Timestamp> next = network_->NextTimeout();
    for (Endpoint* e : endpoints_) {
      std::optional<Timestamp> t = e->NextTimeout();
      if (t && (!next || *t < *next)) next = t;
    }
    if (!next || *next > deadline) {
      now_ = std::max(now_, deadline);
      return;
    }
    now_ = std::max(now_, *next);
    network_->HandleTimeout(now_);
    for (Endpoint* e : endpoints_) e->HandleTimeout(now_);
    Flush();
  }
}

// ----------------------------------------------------------------- world

absl::StatusOr<World> MakeWorld(const WorldOptions& options) {
  World w;
  Rng root(options.seed);
  w.network = std::make_unique<vnet::Network>(root.Fork("vnet"));

  vnet::RouterConfig internet;
  internet.name = "internet";
  absl::StatusOr<IpAddress> subnet = IpAddress::Parse("10.0.0.0");
  if (!subnet.ok()) return subnet.status();
  internet.subnets.push_back({*subnet, 24});
  if (auto r = w.network->AddRouter(internet); !r.ok()) return r.status();

  const LinkOptions& lo = options.link;
  vnet::LinkDirectionConfig media;
  media.delay.base = lo.one_way_delay;
  media.delay.jitter = lo.jitter;
  media.delay.distribution = lo.jitter > TimeDelta::Zero()
                                 ? vnet::DelayConfig::Distribution::kUniform
                                 : vnet::DelayConfig::Distribution::kConstant;
  media.delay.allow_reordering = lo.allow_reordering;
  media.loss.rate = lo.loss;
  vnet::LinkDirectionConfig feedback;
  feedback.delay.base = lo.one_way_delay;
  feedback.delay.distribution = vnet::DelayConfig::Distribution::kConstant;
  feedback.loss.rate = lo.feedback_loss;
  vnet::LinkDirectionConfig ideal;
  ideal.delay.distribution = vnet::DelayConfig::Distribution::kConstant;

  vnet::HostConfig hs;
  hs.name = "sender";
  hs.router = "internet";
  hs.link = vnet::LinkConfig{media, feedback};
  absl::StatusOr<vnet::HostId> sender_host = w.network->AddHost(hs);
  if (!sender_host.ok()) return sender_host.status();
  vnet::HostConfig hr;
  hr.name = "receiver";
  hr.router = "internet";
  hr.link = vnet::LinkConfig::Symmetric(ideal);
  absl::StatusOr<vnet::HostId> receiver_host = w.network->AddHost(hr);
  if (!receiver_host.ok()) return receiver_host.status();
  w.sender_host = *sender_host;
  w.receiver_host = *receiver_host;

  const SocketAddress sender_addr(w.network->HostAddresses(*sender_host).at(0),
                                  5004);
  const SocketAddress receiver_addr(
      w.network->HostAddresses(*receiver_host).at(0), 5006);
  absl::StatusOr<std::unique_ptr<VideoSender>> sender =
      VideoSender::Create(options.sender, options.nack, *sender_host,
                          sender_addr, receiver_addr, root.Fork("sender"));
  if (!sender.ok()) return sender.status();
  absl::StatusOr<std::unique_ptr<VideoReceiver>> receiver =
      VideoReceiver::Create(options.receiver, options.sender, options.nack,
                            *receiver_host, receiver_addr, sender_addr);
  if (!receiver.ok()) return receiver.status();
  w.sender = std::move(*sender);
  w.receiver = std::move(*receiver);
  w.driver = std::make_unique<Driver>(
      w.network.get(),
      std::vector<Endpoint*>{w.sender.get(), w.receiver.get()});
  return w;
}

}  // namespace simrtc::media_test
