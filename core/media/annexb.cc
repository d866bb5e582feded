#include "core/media/annexb.h"

namespace simrtc::media {
namespace {

constexpr size_t kNpos = static_cast<size_t>(-1);

// Finds the next 00 00 01 at or after `from`; returns the offset of its
// first byte (backed up one if a fourth zero precedes it) and its size.
size_t FindStartCode(ByteSpan s, size_t from, size_t& size) {
  for (size_t i = from; i + 3 <= s.size(); ++i) {
    if (s[i + 2] > 1) {
      i += 2;
      continue;
    }
    if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) {
      if (i > from && s[i - 1] == 0) {
        size = 4;
        return i - 1;
      }
      size = 3;
      return i;
    }
  }
  return kNpos;
}

}  // namespace

AnnexBReader::AnnexBReader(ByteSpan stream) : s_(stream) {
  size_t size = 0;
  size_t at = FindStartCode(s_, 0, size);
  pos_ = at == kNpos ? kNpos : at + size;
  code_size_ = size;
}

std::optional<AnnexBNal> AnnexBReader::Next() {
  while (pos_ != kNpos) {
    size_t size = 0;
    size_t at = FindStartCode(s_, pos_, size);
    size_t end = at == kNpos ? s_.size() : at;
    AnnexBNal nal{s_.subspan(pos_, end - pos_), code_size_};
    pos_ = at == kNpos ? kNpos : at + size;
    code_size_ = size;
    if (!nal.data.empty()) return nal;
  }
  return std::nullopt;
}

void AnnexBWriter::WriteNal(ByteSpan nal, size_t start_code_size) {
  if (start_code_size != 3) out_.push_back(0);
  out_.insert(out_.end(), {0, 0, 1});
  out_.insert(out_.end(), nal.begin(), nal.end());
}

}  // namespace simrtc::media
