#include "core/interceptor/stats.h"

namespace simrtc::interceptor {

void StatsInterceptor::BindLocalStream(const StreamInfo& info) {
  OutboundStreamStats s;
  s.ssrc = info.ssrc;
  outbound_.insert_or_assign(info.ssrc, s);
}

void StatsInterceptor::UnbindLocalStream(uint32_t ssrc) {
  outbound_.erase(ssrc);
}

void StatsInterceptor::BindRemoteStream(const StreamInfo& info) {
  inbound_.insert_or_assign(info.ssrc,
                            InboundState(info.ssrc, info.clock_rate));
}

void StatsInterceptor::UnbindRemoteStream(uint32_t ssrc) {
  inbound_.erase(ssrc);
}

void StatsInterceptor::OnOutgoingRtp(Timestamp, rtp::RtpPacket& packet) {
  auto it = outbound_.find(packet.ssrc());
  if (it == outbound_.end()) return;
  ++it->second.packets_sent;
  it->second.bytes_sent += packet.MarshalSize();
}

void StatsInterceptor::OnIncomingRtp(Timestamp now,
                                     const rtp::RtpPacketView& packet) {
  auto it = inbound_.find(packet.ssrc());
  if (it == inbound_.end()) return;
  if (it->second.stats.OnPacket(now, packet.sequence_number(),
                                packet.timestamp(), packet.payload().size())) {
    it->second.bytes += packet.raw().size();
  }
}

void StatsInterceptor::OnOutgoingRtcp(Timestamp,
                                      std::span<const rtcp::Packet> packets) {
  for (const rtcp::Packet& p : packets) {
    if (const auto* nack = std::get_if<rtcp::GenericNack>(&p)) {
      auto it = inbound_.find(nack->media_ssrc);
      if (it != inbound_.end()) ++it->second.nacks_sent;
    }
  }
}

void StatsInterceptor::OnIncomingRtcp(Timestamp now,
                                      std::span<const rtcp::Packet> packets) {
  for (const rtcp::Packet& p : packets) {
    if (const auto* sr = std::get_if<rtcp::SenderReport>(&p)) {
      auto it = inbound_.find(sr->sender_ssrc);
      if (it != inbound_.end()) ++it->second.srs;
      OnReportBlocks(now, sr->report_blocks);
    } else if (const auto* rr = std::get_if<rtcp::ReceiverReport>(&p)) {
      OnReportBlocks(now, rr->report_blocks);
    } else if (const auto* nack = std::get_if<rtcp::GenericNack>(&p)) {
      auto it = outbound_.find(nack->media_ssrc);
      if (it != outbound_.end()) ++it->second.nacks_received;
    }
  }
}

void StatsInterceptor::OnReportBlocks(
    Timestamp now, std::span<const rtcp::ReportBlock> blocks) {
  const uint32_t now_compact =
      rtcp::CompactNtp(ToNtp(now, config_.ntp_at_zero));
  for (const rtcp::ReportBlock& b : blocks) {
    auto it = outbound_.find(b.source_ssrc);
    if (it == outbound_.end()) continue;
    OutboundStreamStats& s = it->second;
    ++s.reports_received;
    s.remote_fraction_lost = b.fraction_lost;
    s.remote_cumulative_lost = b.cumulative_lost;
    s.remote_jitter_rtp = b.jitter;
    if (b.last_sr == 0) continue;  // the peer has not seen an SR yet
    // Modular arithmetic keeps this right across the 18-hour wrap of the
    // compact NTP format; a "negative" result is a bogus sample.
    const uint32_t rtt = now_compact - b.last_sr - b.delay_since_last_sr;
    if (static_cast<int32_t>(rtt) < 0) continue;
    s.rtt = FromCompactDuration(rtt);
    ++s.rtt_samples;
  }
}

std::optional<InboundStreamStats> StatsInterceptor::Inbound(
    uint32_t ssrc) const {
  auto it = inbound_.find(ssrc);
  if (it == inbound_.end()) return std::nullopt;
  const ReceiveStatistics& rs = it->second.stats;
  InboundStreamStats s;
  s.ssrc = ssrc;
  s.packets_received = rs.packets_received();
  s.bytes_received = it->second.bytes;
  s.duplicates = rs.duplicates();
  s.packets_lost = rs.cumulative_lost();
  s.jitter_rtp = rs.jitter();
  s.jitter = TimeDelta::SecondsF(rs.jitter() / rs.clock_rate());
  s.last_packet_time = rs.last_packet_time();
  s.nacks_sent = it->second.nacks_sent;
  s.sender_reports_received = it->second.srs;
  return s;
}

std::optional<OutboundStreamStats> StatsInterceptor::Outbound(
    uint32_t ssrc) const {
  auto it = outbound_.find(ssrc);
  if (it == outbound_.end()) return std::nullopt;
  return it->second;
}

}  // namespace simrtc::interceptor
