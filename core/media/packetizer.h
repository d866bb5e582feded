// Turns encoded frames into RTP packets for one stream (one SSRC).
//
// Contract: every packet of a frame carries the same RTP timestamp; the
// last one has the marker bit set; sequence numbers are consecutive from a
// random start. After each frame the timestamp advances by the frame's
// `samples` (in clock_rate units); SkipSamples advances it without sending
// (e.g. for discontinuous transmission). The initial timestamp is random
// too. With abs-send-time enabled every packet carries the extension
// computed from `now` and the payloader is given 8 fewer bytes (4-byte
// extension block header + 1-byte element header + 3 bytes data) so
// packets still fit `mtu`. Sans-IO: time comes in as `now`.
#ifndef CORE_MEDIA_PACKETIZER_H_
#define CORE_MEDIA_PACKETIZER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/rng.h"
#include "core/base/time.h"
#include "core/media/payloader.h"
#include "core/media/sequencer.h"
#include "core/rtp/rtp_packet.h"

namespace simrtc::media {

struct PacketizerConfig {
  size_t mtu = 1200;  // whole RTP packet, header included
  uint8_t payload_type = 96;
  uint32_t ssrc = 0;
  uint32_t clock_rate = 90000;
};

class Packetizer {
 public:
  // `rng` seeds the initial sequence number and timestamp; it is not kept.
  Packetizer(const PacketizerConfig& config,
             std::unique_ptr<Payloader> payloader, Rng& rng);

  // 0 disables. Ids above 14 force the two-byte form (12 bytes overhead).
  void EnableAbsSendTime(uint8_t extension_id) {
    abs_send_time_id_ = extension_id;
  }

  // Fails if the mtu leaves no room for the payloader, or passes on the
  // payloader's error; on failure the sequence and timestamp are unchanged.
  absl::StatusOr<std::vector<rtp::RtpPacket>> Packetize(Timestamp now,
                                                        ByteSpan frame,
                                                        uint32_t samples);
  void SkipSamples(uint32_t samples) { timestamp_ += samples; }

  uint32_t timestamp() const { return timestamp_; }
  uint16_t next_sequence_number() const { return sequencer_.peek(); }
  const PacketizerConfig& config() const { return config_; }

 private:
  PacketizerConfig config_;
  std::unique_ptr<Payloader> payloader_;
  Sequencer sequencer_;
  uint32_t timestamp_;
  uint8_t abs_send_time_id_ = 0;
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_PACKETIZER_H_
