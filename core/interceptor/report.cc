#include "core/interceptor/report.h"

#include <utility>
#include <vector>

namespace simrtc::interceptor {

void ReceiverReportInterceptor::BindRemoteStream(const StreamInfo& info) {
  streams_.insert_or_assign(info.ssrc,
                            ReceiveStatistics(info.ssrc, info.clock_rate));
}

void ReceiverReportInterceptor::UnbindRemoteStream(uint32_t ssrc) {
  streams_.erase(ssrc);
}

const ReceiveStatistics* ReceiverReportInterceptor::statistics(
    uint32_t ssrc) const {
  auto it = streams_.find(ssrc);
  return it == streams_.end() ? nullptr : &it->second;
}

void ReceiverReportInterceptor::OnIncomingRtp(
    Timestamp now, const rtp::RtpPacketView& packet) {
  auto it = streams_.find(packet.ssrc());
  if (it == streams_.end()) return;
  it->second.OnPacket(now, packet.sequence_number(), packet.timestamp(),
                      packet.payload().size());
  if (!next_) next_ = now + config_.interval;
}

void ReceiverReportInterceptor::OnIncomingRtcp(
    Timestamp now, std::span<const rtcp::Packet> packets) {
  for (const rtcp::Packet& p : packets) {
    const auto* sr = std::get_if<rtcp::SenderReport>(&p);
    if (sr == nullptr) continue;
    auto it = streams_.find(sr->sender_ssrc);
    if (it != streams_.end()) it->second.OnSenderReport(now, sr->ntp_timestamp);
  }
}

void ReceiverReportInterceptor::HandleTimeout(Timestamp now) {
  if (!next_ || now < *next_) return;
  next_ = now + config_.interval;
  rtcp::ReceiverReport rr;
  rr.sender_ssrc = config_.sender_ssrc;
  for (auto& [ssrc, stats] : streams_) {
    if (!stats.has_packets()) continue;
    rr.report_blocks.push_back(stats.MakeReportBlock(now));
    if (rr.report_blocks.size() == rtcp::ReceiverReport::kMaxReportBlocks) {
      EmitRtcp(std::move(rr));
      rr = rtcp::ReceiverReport{};
      rr.sender_ssrc = config_.sender_ssrc;
    }
  }
  if (!rr.report_blocks.empty()) EmitRtcp(std::move(rr));
}

void SenderReportInterceptor::BindLocalStream(const StreamInfo& info) {
  Stream s;
  s.clock_rate = info.clock_rate == 0 ? 90000 : info.clock_rate;
  streams_.insert_or_assign(info.ssrc, s);
}

void SenderReportInterceptor::UnbindLocalStream(uint32_t ssrc) {
  streams_.erase(ssrc);
}

void SenderReportInterceptor::OnOutgoingRtp(Timestamp now,
                                            rtp::RtpPacket& packet) {
  auto it = streams_.find(packet.ssrc());
  if (it == streams_.end()) return;
  Stream& s = it->second;
  s.sent = true;
  ++s.packets;
  s.octets += static_cast<uint32_t>(packet.payload().size());
  s.last_rtp_timestamp = packet.timestamp();
  s.last_send_time = now;
  if (!next_) next_ = now + config_.interval;
}

void SenderReportInterceptor::HandleTimeout(Timestamp now) {
  if (!next_ || now < *next_) return;
  next_ = now + config_.interval;
  const uint64_t ntp = ToNtp(now, config_.ntp_at_zero);
  for (const auto& [ssrc, s] : streams_) {
    if (!s.sent) continue;
    rtcp::SenderReport sr;
    sr.sender_ssrc = ssrc;
    sr.ntp_timestamp = ntp;
    const int64_t elapsed_units = static_cast<int64_t>(
        static_cast<__int128>((now - s.last_send_time).us()) * s.clock_rate /
        1000000);
    sr.rtp_timestamp =
        s.last_rtp_timestamp + static_cast<uint32_t>(elapsed_units);
    sr.packet_count = s.packets;
    sr.octet_count = s.octets;
    EmitRtcp(std::move(sr));
  }
}

}  // namespace simrtc::interceptor
