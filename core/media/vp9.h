// VP9 RTP payload format (RFC 9628).
//
// Vp9Depacketizer parses the payload descriptor in both modes: flexible
// (F=1: up to three P_DIFF reference bytes) and non-flexible (F=0: with L,
// a TL0PICIDX byte), layer indices, 7/15-bit picture ids and the
// scalability structure (V: resolutions and picture groups). A frame starts
// at B=1 and a picture ends at the RTP marker.
//
// Vp9Payloader writes descriptors in either mode (Vp9PayloaderOptions):
// a 7- or 15-bit picture id that advances per picture, B/E on the first/last
// packet of each frame, and per frame (Vp9FrameInfo) the layer indices,
// the flexible-mode reference list (P_DIFF), Z and a scalability structure
// on the frame's first packet. Without frame information it writes what a
// single-layer stream needs: in non-flexible mode P is set unless the
// frame's uncompressed header says key frame (no L byte); in flexible mode
// a key frame has P=0 and any other frame refers to the previous picture
// (one P_DIFF of 1).
#ifndef CORE_MEDIA_VP9_H_
#define CORE_MEDIA_VP9_H_

#include <cstdint>
#include <optional>
#include <utility>
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
    std::vector<uint8_t> p_diffs = {};
  };
  std::vector<PictureGroupEntry> picture_group;
  size_t header_size = 0;
};

absl::StatusOr<Vp9Descriptor> ParseVp9Descriptor(ByteSpan payload);

// Layer indices (the L byte) of one frame.
struct Vp9LayerInfo {
  uint8_t tid = 0;                      // 0..7
  uint8_t sid = 0;                      // 0..7
  bool switching_up = false;            // U
  bool inter_layer_dependency = false;  // D
};

// Scalability structure (the V bit's SS block).
struct Vp9ScalabilityStructure {
  uint8_t num_spatial_layers = 1;  // N_S + 1: 1..8
  // Y: one (width, height) per spatial layer, or empty to leave Y clear.
  std::vector<std::pair<uint16_t, uint16_t>> resolutions = {};
  // G: written when set (N_G = its size, at most 255; each entry's p_diffs
  // at most 3). An empty group is meaningful: no fixed structure follows.
  std::optional<std::vector<Vp9Descriptor::PictureGroupEntry>> picture_group =
      std::nullopt;
};

// What the encoder knows about one frame and the descriptor cannot derive.
struct Vp9FrameInfo {
  // Flexible mode only: differences (1..127) between this picture id and
  // those of its reference pictures, at most 3. Non-empty means P=1.
  std::vector<uint8_t> p_diffs = {};
  // P. Unset: flexible mode takes it from p_diffs; non-flexible mode sets it
  // unless the frame's uncompressed header says key frame. Set, in flexible
  // mode it must agree with p_diffs.
  std::optional<bool> inter_predicted = std::nullopt;
  // L byte; in non-flexible mode followed by a TL0PICIDX the payloader
  // keeps (advanced by one at each new picture with TID 0).
  std::optional<Vp9LayerInfo> layer = std::nullopt;
  bool not_reference = false;  // Z
  // Another spatial layer frame of the previous call's picture: keeps its
  // picture id (and TL0PICIDX) instead of advancing.
  bool continues_picture = false;
  // Written in the frame's first packet only.
  std::optional<Vp9ScalabilityStructure> ss = std::nullopt;
};

struct Vp9PayloaderOptions {
  bool flexible = false;         // F
  bool picture_id_15bit = true;  // M; false: 7-bit picture ids
  uint16_t initial_picture_id = 0;
  uint8_t initial_tl0_pic_idx = 0;
};

class Vp9Payloader : public Payloader {
 public:
  // Non-flexible mode, 15-bit picture ids starting at initial_picture_id.
  explicit Vp9Payloader(uint16_t initial_picture_id = 0)
      : Vp9Payloader(
            Vp9PayloaderOptions{.initial_picture_id = initial_picture_id}) {}
  explicit Vp9Payloader(const Vp9PayloaderOptions& options);

  // Fails if mtu leaves no room after the descriptor. Uses the information
  // given to SetNextFrameInfo, if any (consumed on success), else derives
  // it as described at the top of this file.
  absl::StatusOr<Payloads> Payload(size_t mtu, ByteSpan frame) override;
  // Fails, writing nothing and keeping the picture id, if `info` does not
  // fit the mode or the fields' ranges, or mtu leaves no room after the
  // descriptor (which is largest in the first packet when `info.ss` is set).
  absl::StatusOr<Payloads> PayloadFrame(size_t mtu, ByteSpan frame,
                                        const Vp9FrameInfo& info);
  // For callers that go through a Packetizer (which only calls Payload):
  // the information for the next frame.
  void SetNextFrameInfo(Vp9FrameInfo info) { next_info_ = std::move(info); }

  const Vp9PayloaderOptions& options() const { return options_; }

 private:
  Vp9PayloaderOptions options_;
  uint16_t id_mask_;
  uint16_t next_picture_id_;
  uint16_t picture_id_ = 0;  // of the last picture sent
  bool sent_picture_ = false;
  uint8_t tl0_pic_idx_;
  bool sent_tl0_ = false;
  std::optional<Vp9FrameInfo> next_info_;
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
