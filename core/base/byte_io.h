// Bounds-checked big-endian (network order) readers and writers.
//
// ByteReader walks a read-only span; every read either succeeds and advances
// or fails with an OutOfRange status that names the field and the offset, and
// leaves the position unchanged. It never allocates and never reads outside
// the span, so parsers built on it are safe on arbitrary input.
//
// ByteWriter appends to either a caller-owned fixed span (fails with
// ResourceExhausted when it would overflow, writing nothing) or a growable
// std::vector. Both are cheap enough for per-packet hot paths: the inline
// fast path is a bounds check and a store.
#ifndef CORE_BASE_BYTE_IO_H_
#define CORE_BASE_BYTE_IO_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace simrtc {

using ByteSpan = std::span<const uint8_t>;
using MutableByteSpan = std::span<uint8_t>;

inline ByteSpan AsBytes(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline std::string_view AsString(ByteSpan b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

// Unchecked big-endian loads and stores for code that has already checked
// bounds (e.g. a header whose length was validated once).
inline uint16_t LoadBE16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t LoadBE24(const uint8_t* p) {
  return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
}
inline uint32_t LoadBE32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | p[3];
}
inline uint64_t LoadBE64(const uint8_t* p) {
  return (uint64_t{LoadBE32(p)} << 32) | LoadBE32(p + 4);
}
inline void StoreBE16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void StoreBE24(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 16);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v);
}
inline void StoreBE32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline void StoreBE64(uint8_t* p, uint64_t v) {
  StoreBE32(p, static_cast<uint32_t>(v >> 32));
  StoreBE32(p + 4, static_cast<uint32_t>(v));
}

// Builds the error every short read returns: names the field and offset.
absl::Status TruncatedError(std::string_view field, size_t offset,
                            size_t needed, size_t available);

class ByteReader {
 public:
  explicit ByteReader(ByteSpan data) : data_(data) {}

  size_t offset() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ == data_.size(); }
  ByteSpan data() const { return data_; }
  // The unread part, without consuming it.
  ByteSpan Rest() const { return data_.subspan(pos_); }

  absl::Status ReadU8(uint8_t& out, std::string_view field = "u8") {
    if (remaining() < 1) return Fail(field, 1);
    out = data_[pos_++];
    return absl::OkStatus();
  }
  absl::Status ReadU16(uint16_t& out, std::string_view field = "u16") {
    if (remaining() < 2) return Fail(field, 2);
    out = LoadBE16(&data_[pos_]);
    pos_ += 2;
    return absl::OkStatus();
  }
  absl::Status ReadU24(uint32_t& out, std::string_view field = "u24") {
    if (remaining() < 3) return Fail(field, 3);
    out = LoadBE24(&data_[pos_]);
    pos_ += 3;
    return absl::OkStatus();
  }
  absl::Status ReadU32(uint32_t& out, std::string_view field = "u32") {
    if (remaining() < 4) return Fail(field, 4);
    out = LoadBE32(&data_[pos_]);
    pos_ += 4;
    return absl::OkStatus();
  }
  absl::Status ReadU64(uint64_t& out, std::string_view field = "u64") {
    if (remaining() < 8) return Fail(field, 8);
    out = LoadBE64(&data_[pos_]);
    pos_ += 8;
    return absl::OkStatus();
  }
  // A view of the next n bytes (no copy).
  absl::Status ReadBytes(size_t n, ByteSpan& out,
                         std::string_view field = "bytes") {
    if (remaining() < n) return Fail(field, n);
    out = data_.subspan(pos_, n);
    pos_ += n;
    return absl::OkStatus();
  }
  absl::Status CopyBytes(MutableByteSpan out,
                         std::string_view field = "bytes") {
    if (remaining() < out.size()) return Fail(field, out.size());
    if (!out.empty()) std::memcpy(out.data(), &data_[pos_], out.size());
    pos_ += out.size();
    return absl::OkStatus();
  }
  absl::Status Skip(size_t n, std::string_view field = "padding") {
    if (remaining() < n) return Fail(field, n);
    pos_ += n;
    return absl::OkStatus();
  }
  // Moves to an absolute offset within the span (used by DNS pointers).
  absl::Status Seek(size_t offset, std::string_view field = "offset");

 private:
  absl::Status Fail(std::string_view field, size_t needed) const {
    return TruncatedError(field, pos_, needed, remaining());
  }

  ByteSpan data_;
  size_t pos_ = 0;
};

class ByteWriter {
 public:
  // Appends to a growable buffer (never fails for lack of space).
  explicit ByteWriter(std::vector<uint8_t>& out)
      : vec_(&out), base_(out.size()) {}
  // Writes into a fixed caller buffer starting at its beginning.
  explicit ByteWriter(MutableByteSpan out) : span_(out) {}

  // Bytes written so far by this writer.
  size_t size() const { return written_; }
  // Room left; unlimited for the growable form.
  size_t capacity_left() const {
    return vec_ ? SIZE_MAX : span_.size() - written_;
  }

  absl::Status WriteU8(uint8_t v) {
    uint8_t* p = Reserve(1);
    if (p == nullptr) return Overflow(1);
    p[0] = v;
    return absl::OkStatus();
  }
  absl::Status WriteU16(uint16_t v) {
    uint8_t* p = Reserve(2);
    if (p == nullptr) return Overflow(2);
    StoreBE16(p, v);
    return absl::OkStatus();
  }
  absl::Status WriteU24(uint32_t v) {
    uint8_t* p = Reserve(3);
    if (p == nullptr) return Overflow(3);
    StoreBE24(p, v);
    return absl::OkStatus();
  }
  absl::Status WriteU32(uint32_t v) {
    uint8_t* p = Reserve(4);
    if (p == nullptr) return Overflow(4);
    StoreBE32(p, v);
    return absl::OkStatus();
  }
  absl::Status WriteU64(uint64_t v) {
    uint8_t* p = Reserve(8);
    if (p == nullptr) return Overflow(8);
    StoreBE64(p, v);
    return absl::OkStatus();
  }
  absl::Status WriteBytes(ByteSpan b) {
    uint8_t* p = Reserve(b.size());
    if (p == nullptr) return Overflow(b.size());
    if (!b.empty()) std::memcpy(p, b.data(), b.size());
    return absl::OkStatus();
  }
  absl::Status WriteString(std::string_view s) { return WriteBytes(AsBytes(s)); }
  absl::Status WriteZeros(size_t n) {
    uint8_t* p = Reserve(n);
    if (p == nullptr) return Overflow(n);
    if (n) std::memset(p, 0, n);
    return absl::OkStatus();
  }
  // Pointer to a byte already written, for back-patching lengths. Valid
  // until the next write (a growable buffer may move).
  uint8_t* At(size_t offset) {
    return vec_ ? vec_->data() + base_ + offset : span_.data() + offset;
  }

 private:
  uint8_t* Reserve(size_t n) {
    if (vec_ != nullptr) {
      vec_->resize(base_ + written_ + n);
      uint8_t* p = vec_->data() + base_ + written_;
      written_ += n;
      return p;
    }
    if (span_.size() - written_ < n) return nullptr;
    uint8_t* p = span_.data() + written_;
    written_ += n;
    return p;
  }
  absl::Status Overflow(size_t n) const;

  std::vector<uint8_t>* vec_ = nullptr;
  MutableByteSpan span_;
  size_t base_ = 0;  // where this writer started in *vec_
  size_t written_ = 0;
};

}  // namespace simrtc

#endif  // CORE_BASE_BYTE_IO_H_
