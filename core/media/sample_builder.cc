#include "core/media/sample_builder.h"

#include <algorithm>

namespace simrtc::media {
namespace {

uint16_t Saturate16(uint64_t v) {
  return static_cast<uint16_t>(std::min<uint64_t>(v, 0xFFFF));
}

}  // namespace

SampleBuilder::SampleBuilder(uint16_t max_late,
                             std::unique_ptr<Depacketizer> depacketizer,
                             uint32_t clock_rate)
    : max_late_(std::max<uint16_t>(max_late, 1)),
      depacketizer_(std::move(depacketizer)),
      clock_rate_(std::max<uint32_t>(clock_rate, 1)) {}

void SampleBuilder::SetMaxLateTime(TimeDelta max_late_time) {
  int64_t rtp = max_late_time.us() * clock_rate_ / 1'000'000;
  max_late_rtp_ = static_cast<uint32_t>(std::clamp<int64_t>(rtp, 0, INT32_MAX));
}

void SampleBuilder::Push(const rtp::RtpPacketView& packet) {
  Insert(packet.sequence_number(), packet.timestamp(), packet.marker(),
         packet.payload());
}

void SampleBuilder::Push(const rtp::RtpPacket& packet) {
  Insert(packet.sequence_number(), packet.timestamp(), packet.marker(),
         packet.payload());
}

void SampleBuilder::Insert(uint16_t seq, uint32_t timestamp, bool marker,
                           ByteSpan payload) {
  int64_t ext = unwrapper_.Unwrap(seq);
  if (next_ && ext < *next_) {
    // Before anything was released an earlier packet may still open the
    // stream; afterwards it is simply too late.
    if (released_any_) return;
    next_ = ext;
  }
  if (!next_) next_ = ext;
  if (buffer_.contains(ext)) return;
  Entry e;
  e.timestamp = timestamp;
  e.padding = payload.empty();
  if (!e.padding) {
    e.head = depacketizer_->IsPartitionHead(payload);
    e.tail = depacketizer_->IsPartitionTail(marker, payload);
    e.payload.assign(payload.begin(), payload.end());
  }
  if (buffer_.empty() || ext > newest_) {
    newest_ = ext;
    newest_timestamp_ = timestamp;
  }
  buffer_.emplace(ext, std::move(e));
  // A complete sample at the oldest position is not given up: the next Pop
  // hands it out. Otherwise a loss that makes the newest packet jump past
  // the limit would discard the frame right behind the gap it just gave
  // up. The exemption ends at twice the limit, so a caller that never pops
  // still has a bounded buffer.
  while (!buffer_.empty() && TooLate() &&
         !(newest_ - *next_ < 2 * int64_t{max_late_} && ReleasableAtNext())) {
    GiveUpOldest();
  }
}

std::optional<SampleBuilder::Span> SampleBuilder::ReleasableAtNext() const {
  if (!next_) return std::nullopt;
  auto first = buffer_.find(*next_);
  if (first == buffer_.end() || first->second.padding || !first->second.head) {
    return std::nullopt;
  }
  const uint32_t ts = first->second.timestamp;
  int64_t end = *next_;
  for (auto it = first;; ++end) {
    if (it == buffer_.end() || it->first != end) return std::nullopt;
    if (it->second.timestamp != ts || it->second.padding) {
      --end;  // the sample ended without a tail
      break;
    }
    if (it->second.tail) break;
    ++it;
  }
  for (auto it = buffer_.upper_bound(end); it != buffer_.end(); ++it) {
    if (!it->second.padding && it->second.timestamp != ts) {
      return Span{end, it->second.timestamp};
    }
  }
  return std::nullopt;
}

bool SampleBuilder::TooLate() const {
  if (newest_ - *next_ >= max_late_) return true;
  if (max_late_rtp_) {
    uint32_t oldest_ts = buffer_.begin()->second.timestamp;
    int32_t age = static_cast<int32_t>(newest_timestamp_ - oldest_ts);
    if (age > 0 && static_cast<uint32_t>(age) > *max_late_rtp_) return true;
  }
  return false;
}

void SampleBuilder::CountDropped(uint64_t n) {
  pending_dropped_ += n;
  total_dropped_ += n;
}

void SampleBuilder::GiveUpOldest() {
  released_any_ = true;  // later arrivals for this position are too late
  auto it = buffer_.find(*next_);
  if (it == buffer_.end()) {
    // A gap of lost packets up to the first buffered one: give it up whole
    // so a big sequence jump costs one step, not one per missing number.
    int64_t first = buffer_.begin()->first;
    CountDropped(static_cast<uint64_t>(first - *next_));
    next_ = first;
    return;
  }
  if (it->second.padding) {
    ++pending_padding_;
  } else {
    CountDropped(1);
  }
  buffer_.erase(it);
  ++*next_;
  // A gap up to the next frame head can only hold the rest of what was just
  // given up (or whole lost frames): waiting for it would stall every
  // complete frame behind it.
  if (!buffer_.empty() && buffer_.begin()->first > *next_ &&
      buffer_.begin()->second.head) {
    CountDropped(static_cast<uint64_t>(buffer_.begin()->first - *next_));
    next_ = buffer_.begin()->first;
  }
}

std::optional<Sample> SampleBuilder::Pop() {
  auto r = PopWithTimestamp();
  if (!r) return std::nullopt;
  return std::move(r->first);
}

std::optional<std::pair<Sample, uint32_t>> SampleBuilder::PopWithTimestamp() {
  while (next_) {
    auto first = buffer_.find(*next_);
    if (first == buffer_.end()) return std::nullopt;
    if (first->second.padding) {
      ++pending_padding_;
      buffer_.erase(first);
      ++*next_;
      released_any_ = true;
      continue;
    }
    if (!first->second.head) {
      // Before the first release the head may still arrive reordered.
      if (!released_any_) return std::nullopt;
      // Its head is already behind us: the frame can never complete.
      CountDropped(1);
      buffer_.erase(first);
      ++*next_;
      released_any_ = true;
      continue;
    }
    std::optional<Span> span = ReleasableAtNext();
    if (!span) return std::nullopt;
    const uint32_t ts = first->second.timestamp;
    const int64_t end = span->end;
    const uint32_t next_ts = span->next_timestamp;

    Sample s;
    s.packet_timestamp = ts;
    bool ok = true;
    auto stop = buffer_.upper_bound(end);
    for (auto it = first; it != stop; ++it) {
      auto bytes = depacketizer_->Depacketize(it->second.payload);
      if (!bytes.ok()) {
        ok = false;
        break;
      }
      s.data.insert(s.data.end(), bytes->begin(), bytes->end());
    }
    const uint64_t count = static_cast<uint64_t>(end - *next_ + 1);
    buffer_.erase(first, stop);
    next_ = end + 1;
    released_any_ = true;
    if (!ok || s.data.empty()) {
      CountDropped(count);
      continue;
    }
    // Reordered timestamps (B-frames) would give a negative distance.
    int64_t delta = std::max<int32_t>(static_cast<int32_t>(next_ts - ts), 0);
    s.duration = TimeDelta::Micros(delta * 1'000'000 / clock_rate_);
    s.prev_dropped_packets = Saturate16(pending_dropped_);
    s.prev_padding_packets = Saturate16(pending_padding_);
    pending_dropped_ = 0;
    pending_padding_ = 0;
    return std::make_pair(std::move(s), ts);
  }
  return std::nullopt;
}

}  // namespace simrtc::media
