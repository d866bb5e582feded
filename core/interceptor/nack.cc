#include "core/interceptor/nack.h"

#include <algorithm>

namespace simrtc::interceptor {

void NackGenerator::BindRemoteStream(const StreamInfo& info) {
  if (config_.require_feedback && !info.HasFeedback("nack")) {
    streams_.erase(info.ssrc);
    return;
  }
  streams_.insert_or_assign(info.ssrc, Stream{});
}

void NackGenerator::UnbindRemoteStream(uint32_t ssrc) { streams_.erase(ssrc); }

void NackGenerator::OnIncomingRtp(Timestamp now,
                                  const rtp::RtpPacketView& packet) {
  auto it = streams_.find(packet.ssrc());
  if (it == streams_.end()) return;
  Stream& s = it->second;
  const int64_t seq = s.unwrapper.Unwrap(packet.sequence_number());
  if (!s.highest) {
    s.highest = seq;
    return;
  }
  if (seq <= *s.highest) {
    s.missing.erase(seq);  // a repair, a late packet or a duplicate
    return;
  }
  // Only the newest gap entries can still be useful after a big jump.
  const int64_t first_gap =
      std::max({*s.highest + 1, seq - config_.max_age,
                seq - static_cast<int64_t>(config_.max_missing)});
  for (int64_t m = first_gap; m < seq; ++m) {
    s.missing.emplace(m, Entry{now + config_.initial_delay, 0});
  }
  s.highest = seq;
  s.missing.erase(s.missing.begin(),
                  s.missing.lower_bound(seq - config_.max_age));
  while (s.missing.size() > config_.max_missing) {
    s.missing.erase(s.missing.begin());
  }
}

void NackGenerator::HandleTimeout(Timestamp now) {
  for (auto& [ssrc, s] : streams_) {
    std::vector<uint16_t> due;
    for (auto it = s.missing.begin(); it != s.missing.end();) {
      Entry& e = it->second;
      if (e.next_request > now) {
        ++it;
        continue;
      }
      due.push_back(static_cast<uint16_t>(it->first));
      if (++e.requests >= config_.max_retries) {
        it = s.missing.erase(it);
      } else {
        e.next_request = now + config_.retry_interval;
        ++it;
      }
    }
    if (due.empty()) continue;
    rtcp::GenericNack nack;
    nack.sender_ssrc = config_.sender_ssrc;
    nack.media_ssrc = ssrc;
    nack.pairs = rtcp::SequenceNumbersToNackPairs(due);
    EmitRtcp(std::move(nack));
  }
}

std::optional<Timestamp> NackGenerator::NextTimeout() const {
  std::optional<Timestamp> earliest;
  for (const auto& [ssrc, s] : streams_) {
    for (const auto& [seq, e] : s.missing) {
      if (!earliest || e.next_request < *earliest) earliest = e.next_request;
    }
  }
  return earliest;
}

std::vector<uint16_t> NackGenerator::Missing(uint32_t ssrc) const {
  std::vector<uint16_t> out;
  auto it = streams_.find(ssrc);
  if (it == streams_.end()) return out;
  for (const auto& [seq, e] : it->second.missing) {
    out.push_back(static_cast<uint16_t>(seq));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<NackResponder>> NackResponder::Create(
    Config config) {
  const size_t n = config.buffer_size;
  if (n == 0 || n > 32768 || (n & (n - 1)) != 0) {
    return absl::InvalidArgumentError(
        "NackResponder buffer_size must be a power of two in [1, 32768], got " +
        std::to_string(n));
  }
  return std::unique_ptr<NackResponder>(new NackResponder(config));
}

void NackResponder::BindLocalStream(const StreamInfo& info) {
  if (config_.require_feedback && !info.HasFeedback("nack")) {
    buffers_.erase(info.ssrc);
    return;
  }
  buffers_.insert_or_assign(
      info.ssrc,
      std::vector<std::optional<rtp::RtpPacket>>(config_.buffer_size));
}

void NackResponder::UnbindLocalStream(uint32_t ssrc) { buffers_.erase(ssrc); }

void NackResponder::OnOutgoingRtp(Timestamp, rtp::RtpPacket& packet) {
  auto it = buffers_.find(packet.ssrc());
  if (it == buffers_.end()) return;
  it->second[packet.sequence_number() & (config_.buffer_size - 1)] = packet;
}

void NackResponder::OnIncomingRtcp(Timestamp,
                                   std::span<const rtcp::Packet> packets) {
  for (const rtcp::Packet& p : packets) {
    const auto* nack = std::get_if<rtcp::GenericNack>(&p);
    if (nack == nullptr) continue;
    auto it = buffers_.find(nack->media_ssrc);
    if (it == buffers_.end()) continue;
    for (uint16_t seq : nack->LostSequenceNumbers()) {
      const std::optional<rtp::RtpPacket>& slot =
          it->second[seq & (config_.buffer_size - 1)];
      if (slot && slot->sequence_number() == seq) EmitRtp(*slot);
    }
  }
}

}  // namespace simrtc::interceptor
