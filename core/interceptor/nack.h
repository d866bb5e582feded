// Generic NACK (RFC 4585 section 6.2.1): loss repair by retransmission.
//
// NackGenerator (receiver side). Contract:
//  * Tracks bound remote streams (only those that negotiated "nack" unless
//    Config::require_feedback is false).
//  * A gap in sequence numbers marks the skipped packets missing. Each is
//    first requested `initial_delay` after the gap was seen (so mild
//    reordering does not trigger requests), then every `retry_interval`,
//    at most `max_retries` requests in all; then it is given up.
//  * A missing packet that arrives, or falls more than `max_age` sequence
//    numbers behind the highest seen, is forgotten. At most `max_missing`
//    are tracked per stream (the oldest are dropped first), which bounds
//    work after a huge jump in sequence numbers.
//  * Requests due together for one stream go out as one GenericNack whose
//    pairs name exactly those sequence numbers. Duplicates and wrap at
//    65535 are handled.
//
// NackResponder (sender side). Contract:
//  * Keeps the last `buffer_size` (a power of two, at most 32768) outgoing
//    packets of each bound local stream that negotiated "nack".
//  * A GenericNack for a bound stream retransmits every requested packet
//    still buffered, unchanged, in the order requested, through PollRtp();
//    requests for packets no longer (or never) buffered are ignored.
//    Retransmission is plain (same SSRC and sequence number); RTX
//    (RFC 4588) is not done here.
#ifndef CORE_INTERCEPTOR_NACK_H_
#define CORE_INTERCEPTOR_NACK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/interceptor/interceptor.h"
#include "core/rtp/sequence_number.h"

namespace simrtc::interceptor {

class NackGenerator : public Interceptor {
 public:
  struct Config {
    TimeDelta initial_delay = TimeDelta::Millis(10);
    TimeDelta retry_interval = TimeDelta::Millis(100);
    int max_retries = 3;
    int64_t max_age = 1000;  // in sequence numbers behind the highest
    size_t max_missing = 512;
    uint32_t sender_ssrc = 0;
    bool require_feedback = true;
  };
  NackGenerator() : NackGenerator(Config{}) {}
  explicit NackGenerator(Config config) : config_(config) {}

  void BindRemoteStream(const StreamInfo& info) override;
  void UnbindRemoteStream(uint32_t ssrc) override;
  void OnIncomingRtp(Timestamp now, const rtp::RtpPacketView& packet) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override;

  // Sequence numbers currently considered missing, oldest first.
  std::vector<uint16_t> Missing(uint32_t ssrc) const;

 private:
  struct Entry {
    Timestamp next_request;
    int requests = 0;
  };
  struct Stream {
    rtp::SequenceNumberUnwrapper unwrapper;
    std::optional<int64_t> highest;
    std::map<int64_t, Entry> missing;  // by unwrapped sequence number
  };
  Config config_;
  std::map<uint32_t, Stream> streams_;
};

class NackResponder : public Interceptor {
 public:
  struct Config {
    size_t buffer_size = 1024;
    bool require_feedback = true;
  };
  // Fails unless buffer_size is a power of two in [1, 32768].
  static absl::StatusOr<std::unique_ptr<NackResponder>> Create(Config config);
  static absl::StatusOr<std::unique_ptr<NackResponder>> Create() {
    return Create(Config{});
  }

  void BindLocalStream(const StreamInfo& info) override;
  void UnbindLocalStream(uint32_t ssrc) override;
  void OnOutgoingRtp(Timestamp now, rtp::RtpPacket& packet) override;
  void OnIncomingRtcp(Timestamp now,
                      std::span<const rtcp::Packet> packets) override;

 private:
  explicit NackResponder(Config config) : config_(config) {}

  Config config_;
  // Slot seq & (size - 1); a slot holds the last packet stored there.
  std::map<uint32_t, std::vector<std::optional<rtp::RtpPacket>>> buffers_;
};

}  // namespace simrtc::interceptor

#endif  // CORE_INTERCEPTOR_NACK_H_
