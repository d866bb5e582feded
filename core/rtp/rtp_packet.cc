#include "core/rtp/rtp_packet.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "absl/strings/str_format.h"
#include "absl/utility/utility.h"

namespace simrtc::rtp {
namespace {

absl::Status RtpError(std::string_view field, size_t offset,
                      std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("RTP %s at offset %d: %s", field, offset, what));
}

// Walks the RFC 8285 elements of an extension block starting at
// `block_offset` within `packet`, calling fn(id, offset, size) with offsets
// relative to the packet. Shared by validation and by rescans of blocks with
// more elements than the view indexes, so both agree on what an element is.
template <typename Fn>
absl::Status ForEachElement(ExtensionProfile profile, ByteSpan packet,
                            size_t block_offset, size_t block_size, Fn&& fn) {
  const uint8_t* p = packet.data() + block_offset;
  size_t pos = 0;
  if (profile == ExtensionProfile::kOneByte) {
    while (pos < block_size) {
      const uint8_t b = p[pos];
      const uint8_t id = b >> 4;
      const size_t len = (b & 0x0F) + 1u;
      if (id == 0) {
        // A true padding byte is 0x00. A nonzero length on id 0 is a
        // reserved encoding; like id 15 it ends processing of the block
        // rather than guessing at its layout.
        if (b != 0) break;
        ++pos;
        continue;
      }
      if (id == 15) break;
      if (len > block_size - pos - 1) {
        return RtpError("one-byte extension element", block_offset + pos,
                        absl::StrFormat("id %d length %d exceeds remaining %d",
                                        id, len, block_size - pos - 1));
      }
      fn(id, block_offset + pos + 1, len);
      pos += 1 + len;
    }
  } else if (profile == ExtensionProfile::kTwoByte) {
    while (pos < block_size) {
      const uint8_t id = p[pos];
      if (id == 0) {
        ++pos;
        continue;
      }
      if (block_size - pos < 2) {
        return RtpError("two-byte extension element", block_offset + pos,
                        absl::StrFormat("id %d has no length byte", id));
      }
      const size_t len = p[pos + 1];
      if (len > block_size - pos - 2) {
        return RtpError("two-byte extension element", block_offset + pos,
                        absl::StrFormat("id %d length %d exceeds remaining %d",
                                        id, len, block_size - pos - 2));
      }
      fn(id, block_offset + pos + 2, len);
      pos += 2 + len;
    }
  }
  return absl::OkStatus();
}

ExtensionProfile ProfileFromId(uint16_t id) {
  if (id == kOneByteExtensionProfile) return ExtensionProfile::kOneByte;
  if ((id & kTwoByteProfileMask) == kTwoByteExtensionProfile) {
    return ExtensionProfile::kTwoByte;
  }
  return ExtensionProfile::kOther;
}

}  // namespace

absl::StatusOr<RtpPacketView> RtpPacketView::Parse(ByteSpan packet) {
  // Every path returns `result`, so it is constructed in the caller's slot.
  absl::StatusOr<RtpPacketView> result(absl::in_place, ParseTag());
  absl::Status s = result->Init(packet);
  if (!s.ok()) result = std::move(s);
  return result;
}

absl::Status RtpPacketView::Init(ByteSpan packet) {
  const size_t size = packet.size();
  if (size < kFixedHeaderSize) {
    return RtpError(
        "fixed header", 0,
        absl::StrFormat("need %d bytes, have %d", kFixedHeaderSize, size));
  }
  const uint8_t* p = packet.data();
  if ((p[0] >> 6) != kRtpVersion) {
    return RtpError("version", 0,
                    absl::StrFormat("expected 2, got %d", p[0] >> 6));
  }
  RtpPacketView& v = *this;
  v.data_ = packet;
  size_t header = kFixedHeaderSize + 4u * (p[0] & 0x0F);
  if (header > size) {
    return RtpError(
        "CSRC list", kFixedHeaderSize,
        absl::StrFormat("%d CSRCs need %d bytes, have %d", p[0] & 0x0F,
                        4 * (p[0] & 0x0F), size - kFixedHeaderSize));
  }
  if (p[0] & 0x10) {
    if (size - header < 4) {
      return RtpError("extension header", header,
                      absl::StrFormat("need 4 bytes, have %d", size - header));
    }
    const uint16_t profile_id = LoadBE16(p + header);
    const size_t ext_size = 4u * LoadBE16(p + header + 2);
    const size_t ext_offset = header + 4;
    if (ext_size > size - ext_offset) {
      return RtpError("extension length", header + 2,
                      absl::StrFormat("block of %d bytes exceeds remaining %d",
                                      ext_size, size - ext_offset));
    }
    v.profile_id_ = profile_id;
    v.profile_ = ProfileFromId(profile_id);
    v.ext_offset_ = static_cast<uint32_t>(ext_offset);
    v.ext_size_ = static_cast<uint32_t>(ext_size);
    uint32_t count = 0;
    absl::Status s =
        ForEachElement(v.profile_, packet, ext_offset, ext_size,
                       [&](uint8_t id, size_t offset, size_t len) {
                         if (count < kIndexedExtensions) {
                           v.index_[count] = {static_cast<uint32_t>(offset), id,
                                              static_cast<uint8_t>(len)};
                         }
                         ++count;
                       });
    if (!s.ok()) return s;
    v.ext_count_ = count;
    header = ext_offset + ext_size;
  }
  size_t payload_end = size;
  if (p[0] & 0x20) {
    // The count byte is part of the packet, so a packet with the P bit and
    // nothing after the header has no count byte to read.
    if (size == header) {
      return RtpError("padding", size,
                      "P bit set but no room for the padding count");
    }
    const uint8_t pad = p[size - 1];
    if (pad == 0) {
      return RtpError("padding count", size - 1, "is 0 but must count itself");
    }
    if (pad > size - header) {
      return RtpError(
          "padding count", size - 1,
          absl::StrFormat("%d exceeds the %d bytes after the header", pad,
                          size - header));
    }
    v.padding_size_ = pad;
    payload_end = size - pad;
  }
  v.header_size_ = static_cast<uint32_t>(header);
  v.payload_size_ = static_cast<uint32_t>(payload_end - header);
  return absl::OkStatus();
}

ExtensionElement RtpPacketView::extension(size_t i) const {
  if (i < kIndexedExtensions) {
    const IndexedElement& e = index_[i];
    return {e.id, data_.subspan(e.offset, e.size)};
  }
  ExtensionElement out;
  size_t n = 0;
  // Already validated in Parse(), so the status is always OK here.
  (void)ForEachElement(profile_, data_, ext_offset_, ext_size_,
                       [&](uint8_t id, size_t offset, size_t len) {
                         if (n++ == i) out = {id, data_.subspan(offset, len)};
                       });
  return out;
}

std::optional<ByteSpan> RtpPacketView::GetExtension(uint8_t id) const {
  const size_t indexed = std::min<size_t>(ext_count_, kIndexedExtensions);
  for (size_t i = 0; i < indexed; ++i) {
    if (index_[i].id == id) {
      return data_.subspan(index_[i].offset, index_[i].size);
    }
  }
  if (ext_count_ <= kIndexedExtensions) return std::nullopt;
  std::optional<ByteSpan> found;
  size_t n = 0;
  (void)ForEachElement(profile_, data_, ext_offset_, ext_size_,
                       [&](uint8_t eid, size_t offset, size_t len) {
                         if (n++ >= kIndexedExtensions && eid == id && !found) {
                           found = data_.subspan(offset, len);
                         }
                       });
  return found;
}

// ---------------------------------------------------------------------------

absl::StatusOr<RtpPacket> RtpPacket::Parse(ByteSpan packet) {
  absl::StatusOr<RtpPacketView> view = RtpPacketView::Parse(packet);
  if (!view.ok()) return view.status();
  return FromView(*view);
}

RtpPacket RtpPacket::FromView(const RtpPacketView& view) {
  RtpPacket p;
  p.marker_ = view.marker();
  p.payload_type_ = view.payload_type();
  p.sequence_number_ = view.sequence_number();
  p.timestamp_ = view.timestamp();
  p.ssrc_ = view.ssrc();
  p.csrc_count_ = static_cast<uint8_t>(view.csrc_count());
  for (size_t i = 0; i < view.csrc_count(); ++i) p.csrcs_[i] = view.csrc(i);
  switch (view.extension_profile()) {
    case ExtensionProfile::kNone:
      break;
    case ExtensionProfile::kOther:
      p.raw_profile_ = view.extension_profile_id();
      p.ext_data_.assign(view.extension_block().begin(),
                         view.extension_block().end());
      break;
    case ExtensionProfile::kTwoByte:
      p.force_two_byte_ = true;
      p.appbits_ = view.two_byte_appbits();
      [[fallthrough]];
    case ExtensionProfile::kOneByte:
      // One pass over the block: extension(i) past the index rescans, which
      // would make a block of many tiny elements quadratic.
      p.ext_entries_.reserve(view.extension_count());
      (void)ForEachElement(
          view.extension_profile(), view.extension_block(), 0,
          view.extension_block().size(),
          [&](uint8_t id, size_t offset, size_t len) {
            p.AppendExtension(id, view.extension_block().subspan(offset, len));
          });
      break;
  }
  p.payload_.assign(view.payload().begin(), view.payload().end());
  p.padding_size_ = view.padding_size();
  return p;
}

absl::Status RtpPacket::SetCsrcs(std::span<const uint32_t> csrcs) {
  if (csrcs.size() > kMaxCsrcs) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "RTP CSRC list: %d entries exceed the maximum of 15", csrcs.size()));
  }
  std::copy(csrcs.begin(), csrcs.end(), csrcs_.begin());
  csrc_count_ = static_cast<uint8_t>(csrcs.size());
  return absl::OkStatus();
}

void RtpPacket::AppendExtension(uint8_t id, ByteSpan data) {
  ext_entries_.push_back({static_cast<uint32_t>(ext_data_.size()), id,
                          static_cast<uint8_t>(data.size())});
  ext_data_.insert(ext_data_.end(), data.begin(), data.end());
}

absl::Status RtpPacket::SetExtension(uint8_t id, ByteSpan data) {
  if (id == 0) {
    return absl::InvalidArgumentError(
        "RTP extension id 0 is reserved for padding");
  }
  if (data.size() > kTwoByteMaxLength) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "RTP extension id %d: length %d exceeds 255", id, data.size()));
  }
  if (raw_profile_) {
    raw_profile_.reset();
    ext_data_.clear();
  }
  for (ExtEntry& e : ext_entries_) {
    if (e.id == id && e.size == data.size()) {
      if (!data.empty()) {
        std::memcpy(ext_data_.data() + e.offset, data.data(), data.size());
      }
      return absl::OkStatus();
    }
  }
  (void)RemoveExtension(id);
  AppendExtension(id, data);
  return absl::OkStatus();
}

std::optional<ByteSpan> RtpPacket::GetExtension(uint8_t id) const {
  for (const ExtEntry& e : ext_entries_) {
    if (e.id == id) return ByteSpan(ext_data_.data() + e.offset, e.size);
  }
  return std::nullopt;
}

absl::Status RtpPacket::RemoveExtension(uint8_t id) {
  bool removed = false;
  for (size_t i = 0; i < ext_entries_.size();) {
    const ExtEntry e = ext_entries_[i];
    if (e.id != id) {
      ++i;
      continue;
    }
    ext_data_.erase(ext_data_.begin() + e.offset,
                    ext_data_.begin() + e.offset + e.size);
    ext_entries_.erase(ext_entries_.begin() + i);
    for (ExtEntry& later : ext_entries_) {
      if (later.offset > e.offset) later.offset -= e.size;
    }
    removed = true;
  }
  if (!removed) {
    return absl::NotFoundError(
        absl::StrFormat("RTP extension id %d is not present", id));
  }
  return absl::OkStatus();
}

ExtensionElement RtpPacket::extension(size_t i) const {
  const ExtEntry& e = ext_entries_[i];
  return {e.id, ByteSpan(ext_data_.data() + e.offset, e.size)};
}

void RtpPacket::ClearExtensions() {
  ext_entries_.clear();
  ext_data_.clear();
  raw_profile_.reset();
}

absl::Status RtpPacket::SetRawExtension(uint16_t profile, ByteSpan data) {
  if (ProfileFromId(profile) != ExtensionProfile::kOther) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "RTP extension profile 0x%04x is RFC 8285; use SetExtension", profile));
  }
  if (data.size() % 4 != 0 || data.size() / 4 > 0xFFFF) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "RTP extension block of %d bytes is not a multiple of 4 up to 262140",
        data.size()));
  }
  ext_entries_.clear();
  ext_data_.assign(data.begin(), data.end());
  raw_profile_ = profile;
  return absl::OkStatus();
}

bool RtpPacket::UsesOneByteForm() const {
  if (force_two_byte_) return false;
  for (const ExtEntry& e : ext_entries_) {
    if (e.id > kOneByteMaxId || e.size == 0 || e.size > kOneByteMaxLength) {
      return false;
    }
  }
  return true;
}

ExtensionProfile RtpPacket::extension_profile() const {
  if (raw_profile_) return ExtensionProfile::kOther;
  if (ext_entries_.empty()) return ExtensionProfile::kNone;
  return UsesOneByteForm() ? ExtensionProfile::kOneByte
                           : ExtensionProfile::kTwoByte;
}

size_t RtpPacket::ExtensionBlockSize() const {
  if (raw_profile_) return ext_data_.size();
  if (ext_entries_.empty()) return 0;
  const size_t per_element = UsesOneByteForm() ? 1 : 2;
  const size_t n = ext_entries_.size() * per_element + ext_data_.size();
  return (n + 3) & ~size_t{3};
}

size_t RtpPacket::MarshalSize() const {
  size_t n =
      kFixedHeaderSize + 4u * csrc_count_ + payload_.size() + padding_size_;
  if (raw_profile_ || !ext_entries_.empty()) n += 4 + ExtensionBlockSize();
  return n;
}

absl::StatusOr<size_t> RtpPacket::MarshalTo(MutableByteSpan out) const {
  if (payload_type_ > kMaxPayloadType) {
    return absl::InvalidArgumentError(
        absl::StrFormat("RTP payload type %d exceeds 127", payload_type_));
  }
  const bool has_ext = raw_profile_.has_value() || !ext_entries_.empty();
  const bool one_byte = !raw_profile_ && UsesOneByteForm();
  size_t ext_block = 0;
  if (has_ext) {
    ext_block = raw_profile_ ? ext_data_.size()
                             : ((ext_entries_.size() * (one_byte ? 1 : 2) +
                                 ext_data_.size() + 3) &
                                ~size_t{3});
    if (ext_block / 4 > 0xFFFF) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "RTP extension block of %d bytes exceeds 262140", ext_block));
    }
  }
  const size_t header =
      kFixedHeaderSize + 4u * csrc_count_ + (has_ext ? 4 + ext_block : 0);
  const size_t total = header + payload_.size() + padding_size_;
  if (out.size() < total) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("RTP packet of %d bytes does not fit a %d-byte buffer",
                        total, out.size()));
  }
  uint8_t* p = out.data();
  p[0] = static_cast<uint8_t>((kRtpVersion << 6) | (padding_size_ ? 0x20 : 0) |
                              (has_ext ? 0x10 : 0) | csrc_count_);
  p[1] = static_cast<uint8_t>((marker_ ? 0x80 : 0) | payload_type_);
  StoreBE16(p + 2, sequence_number_);
  StoreBE32(p + 4, timestamp_);
  StoreBE32(p + 8, ssrc_);
  size_t pos = kFixedHeaderSize;
  for (size_t i = 0; i < csrc_count_; ++i, pos += 4) {
    StoreBE32(p + pos, csrcs_[i]);
  }
  if (has_ext) {
    uint16_t profile =
        raw_profile_ ? *raw_profile_
        : one_byte   ? kOneByteExtensionProfile
                   : static_cast<uint16_t>(kTwoByteExtensionProfile | appbits_);
    StoreBE16(p + pos, profile);
    StoreBE16(p + pos + 2, static_cast<uint16_t>(ext_block / 4));
    pos += 4;
    const size_t block_end = pos + ext_block;
    if (raw_profile_) {
      if (!ext_data_.empty()) {
        std::memcpy(p + pos, ext_data_.data(), ext_data_.size());
      }
      pos += ext_data_.size();
    } else {
      for (const ExtEntry& e : ext_entries_) {
        if (one_byte) {
          p[pos++] = static_cast<uint8_t>((e.id << 4) | (e.size - 1));
        } else {
          p[pos++] = e.id;
          p[pos++] = e.size;
        }
        // Elements are a few bytes: a byte loop beats a libc call.
        const uint8_t* src = ext_data_.data() + e.offset;
        for (size_t k = 0; k < e.size; ++k) p[pos + k] = src[k];
        pos += e.size;
      }
    }
    // Zero bytes are padding in both forms, so alignment needs no marker.
    while (pos < block_end) p[pos++] = 0;
  }
  if (!payload_.empty()) {
    std::memcpy(p + pos, payload_.data(), payload_.size());
    pos += payload_.size();
  }
  if (padding_size_) {
    std::memset(p + pos, 0, padding_size_ - 1u);
    pos += padding_size_;
    p[pos - 1] = padding_size_;
  }
  return pos;
}

absl::StatusOr<std::vector<uint8_t>> RtpPacket::Marshal() const {
  std::vector<uint8_t> out(MarshalSize());
  absl::StatusOr<size_t> n = MarshalTo(out);
  if (!n.ok()) return n.status();
  out.resize(*n);
  return out;
}

bool operator==(const RtpPacket& a, const RtpPacket& b) {
  if (a.marker_ != b.marker_ || a.payload_type_ != b.payload_type_ ||
      a.sequence_number_ != b.sequence_number_ ||
      a.timestamp_ != b.timestamp_ || a.ssrc_ != b.ssrc_ ||
      a.padding_size_ != b.padding_size_ || a.raw_profile_ != b.raw_profile_ ||
      !std::ranges::equal(a.csrcs(), b.csrcs()) || a.payload_ != b.payload_ ||
      a.ext_entries_.size() != b.ext_entries_.size()) {
    return false;
  }
  if (a.raw_profile_) return a.ext_data_ == b.ext_data_;
  for (size_t i = 0; i < a.ext_entries_.size(); ++i) {
    ExtensionElement x = a.extension(i);
    ExtensionElement y = b.extension(i);
    if (x.id != y.id || !std::ranges::equal(x.data, y.data)) return false;
  }
  return true;
}

}  // namespace simrtc::rtp
