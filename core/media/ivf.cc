#include "core/media/ivf.h"

#include "absl/strings/str_format.h"
#include "core/media/le_io.h"

namespace simrtc::media {

absl::StatusOr<IvfReader> IvfReader::Open(ByteSpan file) {
  if (file.size() < kIvfFileHeaderSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("IVF file header: %d bytes, need 32", file.size()));
  }
  const uint8_t* p = file.data();
  if (AsString(file.subspan(0, 4)) != "DKIF") {
    return absl::InvalidArgumentError(
        "IVF signature at offset 0: expected \"DKIF\"");
  }
  IvfFileHeader h;
  h.version = LoadLE16(p + 4);
  h.header_size = LoadLE16(p + 6);
  h.fourcc = std::string(AsString(file.subspan(8, 4)));
  h.width = LoadLE16(p + 12);
  h.height = LoadLE16(p + 14);
  h.timebase_denominator = LoadLE32(p + 16);
  h.timebase_numerator = LoadLE32(p + 20);
  h.num_frames = LoadLE32(p + 24);
  h.unused = LoadLE32(p + 28);
  if (h.header_size < kIvfFileHeaderSize || h.header_size > file.size()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("IVF header size at offset 6: %d, expected 32..%d",
                        h.header_size, file.size()));
  }
  return IvfReader(file, std::move(h), h.header_size);
}

absl::StatusOr<std::optional<IvfFrame>> IvfReader::Next() {
  if (pos_ == file_.size()) return std::optional<IvfFrame>();
  if (file_.size() - pos_ < kIvfFrameHeaderSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("IVF frame header at offset %d: %d bytes left, need 12",
                        pos_, file_.size() - pos_));
  }
  const uint8_t* p = file_.data() + pos_;
  uint32_t size = LoadLE32(p);
  uint64_t ts = LoadLE64(p + 4);
  size_t body = pos_ + kIvfFrameHeaderSize;
  if (size > file_.size() - body) {
    return absl::InvalidArgumentError(
        absl::StrFormat("IVF frame at offset %d: size %d exceeds remaining %d",
                        pos_, size, file_.size() - body));
  }
  pos_ = body + size;
  return std::optional<IvfFrame>(IvfFrame{ts, file_.subspan(body, size)});
}

absl::StatusOr<IvfWriter> IvfWriter::Create(const IvfFileHeader& h) {
  if (h.fourcc.size() != 4) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "IVF fourcc \"%s\": need exactly 4 characters", h.fourcc));
  }
  IvfWriter w;
  std::vector<uint8_t>& o = w.out_;
  o.insert(o.end(), {'D', 'K', 'I', 'F'});
  AppendLE(o, 0, 2);  // version
  AppendLE(o, kIvfFileHeaderSize, 2);
  o.insert(o.end(), h.fourcc.begin(), h.fourcc.end());
  AppendLE(o, h.width, 2);
  AppendLE(o, h.height, 2);
  AppendLE(o, h.timebase_denominator, 4);
  AppendLE(o, h.timebase_numerator, 4);
  AppendLE(o, 0, 4);  // frame count, patched as frames are written
  AppendLE(o, 0, 4);
  return w;
}

void IvfWriter::WriteFrame(uint64_t timestamp, ByteSpan frame) {
  AppendLE(out_, frame.size(), 4);
  AppendLE(out_, timestamp, 8);
  out_.insert(out_.end(), frame.begin(), frame.end());
  StoreLE32(out_.data() + 24, ++frames_);
}

}  // namespace simrtc::media
