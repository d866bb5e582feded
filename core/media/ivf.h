// IVF container (the libvpx test format): a 32-byte little-endian file
// header ("DKIF", version 0, header size 32, fourcc, width, height, time
// base rate/scale, frame count) followed by frames, each a 12-byte header
// (u32 size, u64 timestamp) and the frame bytes.
//
// Both sides work on in-memory buffers so they stay free of file I/O:
// IvfReader walks a caller-owned buffer (frames are views into it) and
// IvfWriter appends to a vector, back-patching the frame count. A truncated
// final frame is an error naming its offset, never a crash.
#ifndef CORE_MEDIA_IVF_H_
#define CORE_MEDIA_IVF_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/byte_io.h"

namespace simrtc::media {

inline constexpr size_t kIvfFileHeaderSize = 32;
inline constexpr size_t kIvfFrameHeaderSize = 12;
inline constexpr char kIvfFourccVp8[] = "VP80";
inline constexpr char kIvfFourccVp9[] = "VP90";
inline constexpr char kIvfFourccAv1[] = "AV01";

struct IvfFileHeader {
  uint16_t version = 0;
  uint16_t header_size = kIvfFileHeaderSize;
  std::string fourcc = kIvfFourccVp8;  // exactly 4 characters
  uint16_t width = 0;
  uint16_t height = 0;
  uint32_t timebase_denominator = 30;  // "rate"
  uint32_t timebase_numerator = 1;     // "scale"
  uint32_t num_frames = 0;
  uint32_t unused = 0;
};

struct IvfFrame {
  uint64_t timestamp = 0;  // in time base units
  ByteSpan data;           // view into the reader's buffer
};

class IvfReader {
 public:
  // Validates the signature and header size.
  static absl::StatusOr<IvfReader> Open(ByteSpan file);

  const IvfFileHeader& header() const { return header_; }
  // The next frame, nullopt at a clean end of data, or an error for a
  // truncated frame header or body.
  absl::StatusOr<std::optional<IvfFrame>> Next();

 private:
  IvfReader(ByteSpan file, IvfFileHeader h, size_t pos)
      : file_(file), header_(std::move(h)), pos_(pos) {}
  ByteSpan file_;
  IvfFileHeader header_;
  size_t pos_;
};

class IvfWriter {
 public:
  // Fails unless fourcc has 4 characters.
  static absl::StatusOr<IvfWriter> Create(const IvfFileHeader& header);

  void WriteFrame(uint64_t timestamp, ByteSpan frame);
  uint32_t frames_written() const { return frames_; }
  // The file so far, with the frame count field up to date.
  const std::vector<uint8_t>& bytes() const { return out_; }

 private:
  IvfWriter() = default;
  std::vector<uint8_t> out_;
  uint32_t frames_ = 0;
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_IVF_H_
