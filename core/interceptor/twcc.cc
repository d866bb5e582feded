#include "core/interceptor/twcc.h"

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
  std::vector<rtcp::ReceivedPacket> batch;
  int64_t batch_first = 0;
  auto flush = [&] {
    if (batch.empty()) return;
    absl::StatusOr<rtcp::TransportCcFeedback> fb =
        rtcp::BuildTransportCcFeedback(config_.sender_ssrc, media_ssrc_,
                                       feedback_count_, batch);
    // The batching below keeps the builder's preconditions, so failure is
    // not expected; if it happens anyway the batch is dropped, which the
    // sender sees as loss, rather than stalling feedback.
    if (fb.ok()) {
      ++feedback_count_;
      EmitRtcp(std::move(*fb));
    }
    batch.clear();
  };
  for (const auto& [seq, arrival] : arrivals_) {
    if (!batch.empty()) {
      const TimeDelta gap = arrival - batch.back().arrival_time;
      if (seq - batch_first >= kMaxSpan || gap > kMaxDeltaGap ||
          gap < -kMaxDeltaGap) {
        flush();
      }
    }
    if (batch.empty()) batch_first = seq;
    batch.push_back({static_cast<uint16_t>(seq), arrival});
  }
  flush();
  arrivals_.clear();
}

}  // namespace simrtc::interceptor
