// VP9 RTP payload format (RFC 9628).
//
// Vp9Depacketizer parses the payload descriptor in both modes: flexible
// (F=1: up to three P_DIFF reference bytes) and non-flexible (F=0: with L,
// a TL0PICIDX byte), layer indices, 7/15-bit picture ids and the
// scalability structure (V: resolutions and picture groups). A frame starts
// at B=1 and a picture ends at the RTP marker.
//
// Vp9Payloader writes non-flexible descriptors with a 15-bit picture id
// (incrementing per frame), B/E on the first/last packet and P set unless
// the frame's uncompressed header says it is a key frame.
#ifndef CORE_MEDIA_VP9_H_
#define CORE_MEDIA_VP9_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "core/media/payloader.h"

namespace simrtc::media {

struct Vp9Descriptor {
  bool inter_predicted = false;  // P
  bool flexible = false;         // F
  bool begin_of_frame = false;   // B
  bool end_of_frame = false;     // E
  bool not_reference = false;    // Z
  std::optional<uint16_t> picture_id;
  bool picture_id_15bit = false;
  // L
  std::optional<uint8_t> tid, sid;
  bool switching_up = false;            // U
  bool inter_layer_dependency = false;  // D
  std::optional<uint8_t> tl0_pic_idx;   // non-flexible only
  std::vector<uint8_t> p_diffs;         // flexible only, at most 3
  // V: scalability structure
  bool has_ss = false;
  uint8_t num_spatial_layers = 0;
  std::vector<std::pair<uint16_t, uint16_t>> resolutions;
  struct PictureGroupEntry {
    uint8_t tid = 0;
    bool switching_up = false;
    std::vector<uint8_t> p_diffs;
  };
  std::vector<PictureGroupEntry> picture_group;
  size_t header_size = 0;
};

absl::StatusOr<Vp9Descriptor> ParseVp9Descriptor(ByteSpan payload);

class Vp9Payloader : public Payloader {
 public:
  explicit Vp9Payloader(uint16_t initial_picture_id = 0)
      : picture_id_(initial_picture_id & 0x7FFF) {}
  // Fails if mtu leaves no room after the 3-byte descriptor.
  absl::StatusOr<Payloads> Payload(size_t mtu, ByteSpan frame) override;

 private:
  uint16_t picture_id_;
};

class Vp9Depacketizer : public Depacketizer {
 public:
  absl::StatusOr<std::vector<uint8_t>> Depacketize(ByteSpan payload) override;
  bool IsPartitionHead(ByteSpan payload) const override {
    return !payload.empty() && (payload[0] & 0x08) != 0;
  }
  bool IsPartitionTail(bool marker, ByteSpan payload) const override {
    (void)payload;
    return marker;
  }
  const Vp9Descriptor& last_descriptor() const { return last_; }

 private:
  Vp9Descriptor last_;
};

// True if `frame` starts a VP9 key frame (uncompressed header frame_type 0
// and not show_existing_frame). False on anything unparseable.
bool IsVp9KeyFrame(ByteSpan frame);

}  // namespace simrtc::media

#endif  // CORE_MEDIA_VP9_H_
