#include "core/base/byte_io.h"

#include "absl/strings/str_format.h"

namespace simrtc {

absl::Status TruncatedError(std::string_view field, size_t offset,
                            size_t needed, size_t available) {
  return absl::OutOfRangeError(absl::StrFormat(
      "truncated %s at offset %d: need %d bytes, %d left", field, offset,
      needed, available));
}

absl::Status ByteReader::Seek(size_t offset, std::string_view field) {
  if (offset > data_.size()) {
    return absl::OutOfRangeError(
        absl::StrFormat("%s %d points past the end (%d bytes)", field, offset,
                        data_.size()));
  }
  pos_ = offset;
  return absl::OkStatus();
}

absl::Status ByteWriter::Overflow(size_t n) const {
  return absl::ResourceExhaustedError(absl::StrFormat(
      "buffer full at offset %d: need %d bytes, %d left", written_, n,
      span_.size() - written_));
}

}  // namespace simrtc
