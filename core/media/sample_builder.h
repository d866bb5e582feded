// Reassembles media samples (frames) from RTP packets that may arrive out
// of order, duplicated, or not at all.
//
// Contract:
//  * Packets are ordered by unwrapped sequence number. A sample is the run
//    of consecutive packets that starts at a depacketizer partition head and
//    ends at a partition tail (or just before a packet with a different RTP
//    timestamp). It is released only once a later packet with another
//    timestamp is buffered, because its duration is the timestamp distance
//    to that packet divided by the clock rate.
//  * Samples come out in sequence order; a packet older than the last
//    released/dropped position is ignored, as is a duplicate.
//  * Lateness: when the newest packet is `max_late` or more sequence numbers
//    past the oldest unreleased position, or (if set) its RTP timestamp is
//    more than `max_late_time` past the oldest buffered packet's, the oldest
//    position is given up: its packet (or the gap, if lost) is counted as
//    dropped, together with any gap between it and the next buffered frame
//    head. Fragments whose head was given up are dropped too, and so are
//    samples the depacketizer rejects. A complete, releasable sample at
//    the oldest position is not given up (the next Pop releases it) until
//    the newest packet is 2 * max_late past it.
//  * Packets with an empty payload (padding only) are skipped and counted.
//  * Each Sample reports the drops and padding packets skipped since the
//    previous sample.
// Sans-IO: no clock; time is derived from RTP timestamps.
#ifndef CORE_MEDIA_SAMPLE_BUILDER_H_
#define CORE_MEDIA_SAMPLE_BUILDER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/base/byte_io.h"
#include "core/base/time.h"
#include "core/media/payloader.h"
#include "core/rtp/rtp_packet.h"
#include "core/rtp/sequence_number.h"

namespace simrtc::media {

struct Sample {
  std::vector<uint8_t> data;
  TimeDelta duration;
  uint32_t packet_timestamp = 0;
  uint16_t prev_dropped_packets = 0;  // saturates
  uint16_t prev_padding_packets = 0;  // saturates
};

class SampleBuilder {
 public:
  // max_late must be >= 1; clock_rate > 0.
  SampleBuilder(uint16_t max_late, std::unique_ptr<Depacketizer> depacketizer,
                uint32_t clock_rate);

  // Additionally gives up packets older than this in RTP time.
  void SetMaxLateTime(TimeDelta max_late_time);

  void Push(const rtp::RtpPacketView& packet);
  void Push(const rtp::RtpPacket& packet);

  std::optional<Sample> Pop();
  // Pop, with the RTP timestamp of the sample's packets alongside.
  std::optional<std::pair<Sample, uint32_t>> PopWithTimestamp();

  size_t buffered_packets() const { return buffer_.size(); }
  uint64_t total_dropped_packets() const { return total_dropped_; }

 private:
  struct Entry {
    uint32_t timestamp = 0;
    bool head = false;
    bool tail = false;
    bool padding = false;
    std::vector<uint8_t> payload;
  };

  // A sample that can be released now: it starts at next_ with a head,
  // every packet up to its end is buffered, and a later packet with another
  // timestamp (which gives its duration) is buffered too.
  struct Span {
    int64_t end = 0;  // position of its last packet
    uint32_t next_timestamp = 0;
  };
  std::optional<Span> ReleasableAtNext() const;

  void Insert(uint16_t seq, uint32_t timestamp, bool marker, ByteSpan payload);
  bool TooLate() const;
  void GiveUpOldest();
  void CountDropped(uint64_t n);

  uint16_t max_late_;
  std::unique_ptr<Depacketizer> depacketizer_;
  uint32_t clock_rate_;
  std::optional<uint32_t> max_late_rtp_;

  rtp::SequenceNumberUnwrapper unwrapper_;
  std::map<int64_t, Entry> buffer_;
  std::optional<int64_t> next_;  // oldest unreleased sequence number
  bool released_any_ = false;
  int64_t newest_ = 0;
  uint32_t newest_timestamp_ = 0;
  uint64_t pending_dropped_ = 0;
  uint64_t pending_padding_ = 0;
  uint64_t total_dropped_ = 0;
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_SAMPLE_BUILDER_H_
