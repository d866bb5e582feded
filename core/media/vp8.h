// VP8 RTP payload format (RFC 7741).
//
// Vp8Payloader writes the payload descriptor (S on the first packet of a
// frame, PID 0) and, when picture ids are enabled, the X/I extension with a
// 15-bit PictureID that increments per frame. Vp8Depacketizer parses the
// full descriptor (X, N, S, PID; I/L/T/K; 7- or 15-bit PictureID) and
// returns the VP8 payload; the parsed descriptor of the last packet is kept
// for callers that need it. A frame starts at S=1, PID=0 and ends at the RTP
// marker.
#ifndef CORE_MEDIA_VP8_H_
#define CORE_MEDIA_VP8_H_

#include <cstdint>
#include <optional>

#include "core/media/payloader.h"

namespace simrtc::media {

struct Vp8Descriptor {
  bool non_reference = false;          // N
  bool start_of_partition = false;     // S
  uint8_t partition_index = 0;         // PID, 0..7
  std::optional<uint16_t> picture_id;  // 7 or 15 bits
  bool picture_id_15bit = false;
  std::optional<uint8_t> tl0_pic_idx;  // L
  std::optional<uint8_t> tid;          // T: 0..3
  bool layer_sync = false;             // Y (meaningful with T)
  std::optional<uint8_t> key_idx;      // K: 0..31
  size_t header_size = 0;              // descriptor bytes
};

// Parses the descriptor at the start of `payload`. Fails if it is truncated
// or leaves no VP8 payload after it.
absl::StatusOr<Vp8Descriptor> ParseVp8Descriptor(ByteSpan payload);

class Vp8Payloader : public Payloader {
 public:
  struct Options {
    bool enable_picture_id = false;
    uint16_t initial_picture_id = 0;  // 15 bits used
  };
  Vp8Payloader() = default;
  explicit Vp8Payloader(Options o)
      : options_(o), picture_id_(o.initial_picture_id & 0x7FFF) {}

  absl::StatusOr<Payloads> Payload(size_t mtu, ByteSpan frame) override;

  uint16_t next_picture_id() const { return picture_id_; }

 private:
  Options options_;
  uint16_t picture_id_ = 0;
};

class Vp8Depacketizer : public Depacketizer {
 public:
  absl::StatusOr<std::vector<uint8_t>> Depacketize(ByteSpan payload) override;
  bool IsPartitionHead(ByteSpan payload) const override;
  bool IsPartitionTail(bool marker, ByteSpan payload) const override {
    (void)payload;
    return marker;
  }
  const Vp8Descriptor& last_descriptor() const { return last_; }

 private:
  Vp8Descriptor last_;
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_VP8_H_
