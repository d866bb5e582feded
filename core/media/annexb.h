// H.264/H.265 Annex-B elementary streams: NAL units separated by 3-byte
// (00 00 01) or 4-byte (00 00 00 01) start codes.
//
// AnnexBReader iterates NAL units of an in-memory stream (views into it,
// start codes stripped); AnnexBWriter appends NAL units with start codes,
// 4-byte by default, the form every decoder accepts at any position.
#ifndef CORE_MEDIA_ANNEXB_H_
#define CORE_MEDIA_ANNEXB_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/byte_io.h"

namespace simrtc::media {

struct AnnexBNal {
  ByteSpan data;           // NAL header and payload, no start code
  size_t start_code_size;  // 3 or 4
};

class AnnexBReader {
 public:
  explicit AnnexBReader(ByteSpan stream);
  // The next NAL unit; nullopt at the end. Bytes before the first start
  // code are skipped; empty NAL units (two adjacent start codes) too.
  std::optional<AnnexBNal> Next();

 private:
  ByteSpan s_;
  size_t pos_;  // just past the current start code, or npos
  size_t code_size_ = 0;
};

class AnnexBWriter {
 public:
  // start_code_size 3 or 4 (anything else writes 4); passing the size the
  // reader reported reproduces the input stream byte for byte.
  void WriteNal(ByteSpan nal, size_t start_code_size = 4);
  const std::vector<uint8_t>& bytes() const { return out_; }

 private:
  std::vector<uint8_t> out_;
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_ANNEXB_H_
