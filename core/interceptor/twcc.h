// Transport-wide congestion control feedback
// (draft-holmer-rmcat-transport-wide-cc-extensions-01).
//
// TwccSender. Contract: every outgoing packet of a bound local stream that
// negotiated the transport-wide sequence number extension gets the next
// value of one counter shared by all streams (wrapping at 65535); the
// extension id is the negotiated one. Other packets are left untouched.
// Place it last in a chain so retransmissions are stamped too.
//
// TwccReceiver. Contract: for bound remote streams that negotiated the
// extension, records the arrival time of each transport-wide sequence
// number (the first arrival wins; duplicates are ignored). Every `interval`
// after the first recorded packet it emits transport-cc feedback covering
// everything recorded since the previous feedback, then forgets it. Each
// feedback starts where the previous one ended, so numbers lost between
// two batches are reported as not received too (the first feedback starts
// at the first number recorded; a jump of 32768 or more is not padded). A
// packet that arrives after a feedback already covered its number is
// reported in a feedback of its own, so numbers around it that earlier
// feedback reported as received are never reported again as lost. A batch
// whose sequence numbers span more than the format allows, or whose
// consecutive arrivals are too far apart for a 16-bit delta, is split into
// several feedback packets. feedback_packet_count increments per packet
// sent. The media SSRC is that of the latest packet recorded.
#ifndef CORE_INTERCEPTOR_TWCC_H_
#define CORE_INTERCEPTOR_TWCC_H_

#include <cstdint>
#include <map>
#include <optional>

#include "core/interceptor/interceptor.h"
#include "core/rtp/sequence_number.h"

namespace simrtc::interceptor {

class TwccSender : public Interceptor {
 public:
  struct Config {
    uint16_t initial_sequence_number = 0;
  };
  TwccSender() : TwccSender(Config{}) {}
  explicit TwccSender(Config config)
      : next_sequence_number_(config.initial_sequence_number) {}

  void BindLocalStream(const StreamInfo& info) override;
  void UnbindLocalStream(uint32_t ssrc) override;
  void OnOutgoingRtp(Timestamp now, rtp::RtpPacket& packet) override;

  uint16_t next_sequence_number() const { return next_sequence_number_; }

 private:
  uint16_t next_sequence_number_;
  std::map<uint32_t, uint8_t> extension_ids_;
};

class TwccReceiver : public Interceptor {
 public:
  struct Config {
    TimeDelta interval = TimeDelta::Millis(100);
    uint32_t sender_ssrc = 0;
  };
  TwccReceiver() : TwccReceiver(Config{}) {}
  explicit TwccReceiver(Config config) : config_(config) {}

  void BindRemoteStream(const StreamInfo& info) override;
  void UnbindRemoteStream(uint32_t ssrc) override;
  void OnIncomingRtp(Timestamp now, const rtp::RtpPacketView& packet) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override { return next_; }

 private:
  void EmitFeedback();

  Config config_;
  std::map<uint32_t, uint8_t> extension_ids_;
  rtp::SequenceNumberUnwrapper unwrapper_;
  std::map<int64_t, Timestamp> arrivals_;  // by unwrapped sequence number
  // One past the highest number an emitted feedback covered.
  std::optional<int64_t> next_unreported_;
  uint32_t media_ssrc_ = 0;
  uint8_t feedback_count_ = 0;
  std::optional<Timestamp> next_;
};

}  // namespace simrtc::interceptor

#endif  // CORE_INTERCEPTOR_TWCC_H_
