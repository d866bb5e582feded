#include "core/interceptor/twcc.h"

#include <algorithm>
#include <vector>

#include "core/rtcp/transport_cc.h"
#include "core/rtp/rtp_header_extensions.h"

namespace simrtc::interceptor {
namespace {

// Consecutive arrivals further apart than this cannot share one feedback:
// the 16-bit signed delta in 250 us ticks tops out at about 8.19 s.
constexpr TimeDelta kMaxDeltaGap = TimeDelta::Seconds(8);
// packet_status_count is 16 bits.
constexpr int64_t kMaxSpan = 0xFFFF;
// Leading losses are reported only for a plausible gap: half the number
// space, the most the unwrapper can tell apart from going backwards.
constexpr int64_t kMaxLead = 0x8000;

// Extends `fb` backwards by `count` numbers reported as not received.
void PrependNotReceived(rtcp::TransportCcFeedback& fb, int64_t count) {
  std::vector<rtcp::PacketStatusChunk> chunks;
  for (int64_t left = count; left > 0;) {
    const auto n = static_cast<uint16_t>(
        std::min<int64_t>(left, rtcp::PacketStatusChunk::kMaxRunLength));
    chunks.push_back(rtcp::PacketStatusChunk::RunLength(
        rtcp::StatusSymbol::kNotReceived, n));
    left -= n;
  }
  chunks.insert(chunks.end(), fb.chunks.begin(), fb.chunks.end());
  fb.chunks = std::move(chunks);
  fb.base_sequence_number =
      static_cast<uint16_t>(fb.base_sequence_number - count);
  fb.packet_status_count =
      static_cast<uint16_t>(fb.packet_status_count + count);
}

}  // namespace

void TwccSender::BindLocalStream(const StreamInfo& info) {
  std::optional<uint8_t> id =
      info.ExtensionId(rtp::kTransportSequenceNumberUri);
  if (id && *id != 0) {
    extension_ids_.insert_or_assign(info.ssrc, *id);
  } else {
    extension_ids_.erase(info.ssrc);
  }
}

void TwccSender::UnbindLocalStream(uint32_t ssrc) {
  extension_ids_.erase(ssrc);
}

void TwccSender::OnOutgoingRtp(Timestamp, rtp::RtpPacket& packet) {
  auto it = extension_ids_.find(packet.ssrc());
  if (it == extension_ids_.end()) return;
  if (rtp::WriteExtension(packet, it->second,
                          rtp::TransportSequenceNumber{next_sequence_number_})
          .ok()) {
    ++next_sequence_number_;
  }
}

void TwccReceiver::BindRemoteStream(const StreamInfo& info) {
  std::optional<uint8_t> id =
      info.ExtensionId(rtp::kTransportSequenceNumberUri);
  if (id && *id != 0) {
    extension_ids_.insert_or_assign(info.ssrc, *id);
  } else {
    extension_ids_.erase(info.ssrc);
  }
}

void TwccReceiver::UnbindRemoteStream(uint32_t ssrc) {
  extension_ids_.erase(ssrc);
}

void TwccReceiver::OnIncomingRtp(Timestamp now,
                                 const rtp::RtpPacketView& packet) {
  auto it = extension_ids_.find(packet.ssrc());
  if (it == extension_ids_.end()) return;
  std::optional<rtp::TransportSequenceNumber> tsn =
      rtp::ReadExtension<rtp::TransportSequenceNumber>(packet, it->second);
  if (!tsn) return;  // missing or malformed extension
  arrivals_.emplace(unwrapper_.Unwrap(tsn->sequence_number), now);
  media_ssrc_ = packet.ssrc();
  if (!next_) next_ = now + config_.interval;
}

void TwccReceiver::HandleTimeout(Timestamp now) {
  if (!next_ || now < *next_) return;
  next_ = now + config_.interval;
  EmitFeedback();
}

void TwccReceiver::EmitFeedback() {
  // The first number not yet covered by any feedback, moving as batches
  // are emitted.
  std::optional<int64_t> covered = next_unreported_;
  std::vector<rtcp::ReceivedPacket> batch;
  int64_t batch_start = 0;  // first number covered, leading losses included
  int64_t batch_last = 0;
  int64_t lead = 0;  // numbers before the first arrival, reported lost
  auto flush = [&] {
    if (batch.empty()) return;
    absl::StatusOr<rtcp::TransportCcFeedback> fb =
        rtcp::BuildTransportCcFeedback(config_.sender_ssrc, media_ssrc_,
                                       feedback_count_, batch);
    // The batching below keeps the builder's preconditions, so failure is
    // not expected; if it happens anyway the batch is dropped, which the
    // sender sees as loss, rather than stalling feedback.
    if (fb.ok()) {
      if (lead > 0) PrependNotReceived(*fb, lead);
      ++feedback_count_;
      EmitRtcp(std::move(*fb));
    }
    if (!covered || batch_last + 1 > *covered) covered = batch_last + 1;
    batch.clear();
  };
  for (const auto& [seq, arrival] : arrivals_) {
    if (!batch.empty()) {
      const TimeDelta gap = arrival - batch.back().arrival_time;
      // The numbers between batch_last and seq would be reported lost:
      // not if an earlier feedback already covered them.
      const bool recovers_reported =
          covered && seq > batch_last + 1 && batch_last + 1 < *covered;
      if (seq - batch_start >= kMaxSpan || gap > kMaxDeltaGap ||
          gap < -kMaxDeltaGap || recovers_reported) {
        flush();
      }
    }
    if (batch.empty()) {
      lead = covered && seq > *covered && seq - *covered < kMaxLead
                 ? seq - *covered
                 : 0;
      batch_start = seq - lead;
    }
    batch.push_back({static_cast<uint16_t>(seq), arrival});
    batch_last = seq;
  }
  flush();
  next_unreported_ = covered;
  arrivals_.clear();
}

}  // namespace simrtc::interceptor
