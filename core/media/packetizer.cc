#include "core/media/packetizer.h"

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"
#include "core/rtp/rtp_header_extensions.h"

namespace simrtc::media {

Packetizer::Packetizer(const PacketizerConfig& config,
                       std::unique_ptr<Payloader> payloader, Rng& rng)
    : config_(config),
      payloader_(std::move(payloader)),
      sequencer_(rng),
      timestamp_(rng.NextU32()) {}

absl::StatusOr<std::vector<rtp::RtpPacket>> Packetizer::Packetize(
    Timestamp now, ByteSpan frame, uint32_t samples) {
  const size_t overhead =
      rtp::kFixedHeaderSize + (abs_send_time_id_ == 0    ? 0
                               : abs_send_time_id_ <= 14 ? 8
                                                         : 12);
  if (config_.mtu <= overhead) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "packetizer: mtu %d leaves no payload room after %d header bytes",
        config_.mtu, overhead));
  }
  SIMRTC_ASSIGN_OR_RETURN(Payloads payloads,
                          payloader_->Payload(config_.mtu - overhead, frame));
  std::vector<rtp::RtpPacket> packets(payloads.size());
  uint8_t ext[rtp::AbsSendTime::kSize] = {};
  if (abs_send_time_id_ != 0) {
    SIMRTC_RETURN_IF_ERROR(
        rtp::AbsSendTime::FromTimestamp(now).WriteTo(ext).status());
  }
  for (size_t i = 0; i < payloads.size(); ++i) {
    rtp::RtpPacket& p = packets[i];
    p.set_payload_type(config_.payload_type);
    p.set_ssrc(config_.ssrc);
    p.set_timestamp(timestamp_);
    p.set_sequence_number(sequencer_.Next());
    p.set_marker(i + 1 == payloads.size());
    p.mutable_payload() = std::move(payloads[i]);
    if (abs_send_time_id_ != 0) {
      SIMRTC_RETURN_IF_ERROR(p.SetExtension(abs_send_time_id_, ext));
    }
  }
  timestamp_ += samples;
  return packets;
}

}  // namespace simrtc::media
