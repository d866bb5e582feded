// RTP packets (RFC 3550 section 5.1) with RFC 8285 header extensions.
//
// Two representations, because receiving and building have opposite needs:
//
//  * RtpPacketView is what a receiver gets from a datagram. Parse() validates
//    everything once (version, CSRC list, extension block and every extension
//    element, padding) and records offsets; field accessors then read the
//    caller's buffer directly. Parsing never allocates, so it is safe on the
//    per-packet hot path. The view is valid only while the buffer is.
//
//  * RtpPacket owns its header, extensions and payload and is what a sender
//    builds, edits and serialises. MarshalTo() writes into a caller buffer
//    (no allocation); the extension profile (one-byte 0xBEDE or two-byte
//    0x100X) is chosen at marshal time from the ids and lengths present,
//    unless the caller forces the two-byte form.
//
// Extension rules (RFC 8285): one-byte elements have ids 1..14 and carry
// 1..16 bytes; two-byte elements have ids 1..255 and carry 0..255 bytes.
// When parsing, id 0 is a padding byte in both forms; in the one-byte form
// id 15 (and a nonzero length on id 0) ends processing of the block, and the
// elements before it are kept. Repeated ids are kept in order; lookups by id
// return the first.
#ifndef CORE_RTP_RTP_PACKET_H_
#define CORE_RTP_RTP_PACKET_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"

namespace simrtc::rtp {

inline constexpr uint8_t kRtpVersion = 2;
inline constexpr size_t kFixedHeaderSize = 12;
inline constexpr size_t kMaxCsrcs = 15;
inline constexpr uint8_t kMaxPayloadType = 127;

// The 16-bit "defined by profile" values that select RFC 8285 parsing.
inline constexpr uint16_t kOneByteExtensionProfile = 0xBEDE;
// The two-byte form is 0x100 followed by 4 application bits: 0x1000..0x100F.
inline constexpr uint16_t kTwoByteExtensionProfile = 0x1000;
inline constexpr uint16_t kTwoByteProfileMask = 0xFFF0;

inline constexpr uint8_t kOneByteMaxId = 14;
inline constexpr size_t kOneByteMaxLength = 16;
inline constexpr size_t kTwoByteMaxLength = 255;

enum class ExtensionProfile : uint8_t {
  kNone,     // no extension block (X = 0)
  kOneByte,  // RFC 8285 section 4.2, 0xBEDE
  kTwoByte,  // RFC 8285 section 4.3, 0x100X
  kOther,    // some other profile: kept as an opaque block
};

struct ExtensionElement {
  uint8_t id = 0;
  ByteSpan data;
};

// A parsed, validated, non-owning view of one RTP packet.
class RtpPacketView {
 private:
  struct ParseTag {
    explicit ParseTag() = default;
  };

 public:
  // Extension elements beyond this many are still validated and reachable;
  // they are just found by rescanning the (already validated) block.
  static constexpr size_t kIndexedExtensions = 16;

  // Validates `packet` and returns a view into it. Errors name the field
  // and offset. Never allocates on success.
  static absl::StatusOr<RtpPacketView> Parse(ByteSpan packet);

  bool has_padding() const { return (data_[0] & 0x20) != 0; }
  bool has_extension() const { return (data_[0] & 0x10) != 0; }
  bool marker() const { return (data_[1] & 0x80) != 0; }
  uint8_t payload_type() const { return data_[1] & 0x7F; }
  uint16_t sequence_number() const { return LoadBE16(&data_[2]); }
  uint32_t timestamp() const { return LoadBE32(&data_[4]); }
  uint32_t ssrc() const { return LoadBE32(&data_[8]); }
  size_t csrc_count() const { return data_[0] & 0x0F; }
  // Requires i < csrc_count().
  uint32_t csrc(size_t i) const {
    return LoadBE32(&data_[kFixedHeaderSize + 4 * i]);
  }

  ExtensionProfile extension_profile() const { return profile_; }
  // The raw 16-bit profile field (0 when there is no extension block).
  uint16_t extension_profile_id() const { return profile_id_; }
  // For the two-byte form: the 4 "appbits" carried in the profile field.
  uint8_t two_byte_appbits() const { return profile_id_ & 0x0F; }
  // The extension payload after its 4-byte header (elements and padding).
  ByteSpan extension_block() const {
    return data_.subspan(ext_offset_, ext_size_);
  }
  // Number of RFC 8285 elements (0 for kNone and kOther).
  size_t extension_count() const { return ext_count_; }
  // Requires i < extension_count().
  ExtensionElement extension(size_t i) const;
  std::optional<ByteSpan> GetExtension(uint8_t id) const;

  size_t header_size() const { return header_size_; }
  ByteSpan payload() const {
    return data_.subspan(header_size_, payload_size_);
  }
  // Total padding bytes including the trailing count byte; 0 if none.
  uint8_t padding_size() const { return padding_size_; }
  ByteSpan raw() const { return data_; }

  // Only Parse() can name the tag. The constructor is public so that
  // Parse() can build the view inside its StatusOr: returning a finished
  // view by copy costs more than parsing it.
  explicit RtpPacketView(ParseTag) {}

 private:
  // Deliberately without initialisers: entries past ext_count_ are never
  // read, and zeroing the array on every parse is measurable.
  struct IndexedElement {
    uint32_t offset;  // from the start of the packet
    uint8_t id;
    uint8_t size;
  };

  absl::Status Init(ByteSpan packet);

  ByteSpan data_;
  uint32_t header_size_ = 0;
  uint32_t payload_size_ = 0;
  uint32_t ext_offset_ = 0;
  uint32_t ext_size_ = 0;
  uint32_t ext_count_ = 0;
  uint16_t profile_id_ = 0;
  uint8_t padding_size_ = 0;
  ExtensionProfile profile_ = ExtensionProfile::kNone;
  IndexedElement index_[kIndexedExtensions];
};

// An owning RTP packet for building, editing and serialising.
//
// Setters do not validate ranges that only matter on the wire (payload
// type <= 127, padding); MarshalTo() does, so a packet is checked once, at
// the point where a bad value would otherwise be silently truncated.
class RtpPacket {
 public:
  RtpPacket() = default;

  static absl::StatusOr<RtpPacket> Parse(ByteSpan packet);
  // Copies everything from a view, keeping element order, repeated ids, a
  // two-byte profile (and its appbits) and opaque extension blocks.
  static RtpPacket FromView(const RtpPacketView& view);

  bool marker() const { return marker_; }
  void set_marker(bool m) { marker_ = m; }
  uint8_t payload_type() const { return payload_type_; }
  void set_payload_type(uint8_t pt) { payload_type_ = pt; }
  uint16_t sequence_number() const { return sequence_number_; }
  void set_sequence_number(uint16_t s) { sequence_number_ = s; }
  uint32_t timestamp() const { return timestamp_; }
  void set_timestamp(uint32_t t) { timestamp_ = t; }
  uint32_t ssrc() const { return ssrc_; }
  void set_ssrc(uint32_t s) { ssrc_ = s; }

  std::span<const uint32_t> csrcs() const {
    return std::span<const uint32_t>(csrcs_.data(), csrc_count_);
  }
  // Fails with InvalidArgument for more than 15 CSRCs.
  absl::Status SetCsrcs(std::span<const uint32_t> csrcs);

  // Adds or replaces the element with this id. Accepts id 1..255 and
  // 0..255 bytes; whether the packet then needs the two-byte form is
  // decided at marshal time. Replaces an opaque (kOther) block.
  absl::Status SetExtension(uint8_t id, ByteSpan data);
  std::optional<ByteSpan> GetExtension(uint8_t id) const;
  // Removes every element with this id; NotFound if there was none.
  absl::Status RemoveExtension(uint8_t id);
  size_t extension_count() const { return ext_entries_.size(); }
  // Requires i < extension_count().
  ExtensionElement extension(size_t i) const;
  void ClearExtensions();

  // Forces the two-byte form even when every element would fit the
  // one-byte form (some receivers negotiate extmap-allow-mixed).
  void set_force_two_byte_extensions(bool force) { force_two_byte_ = force; }
  bool force_two_byte_extensions() const { return force_two_byte_; }
  // The low 4 bits of a two-byte profile field (RFC 8285 "appbits").
  void set_two_byte_appbits(uint8_t bits) { appbits_ = bits & 0x0F; }
  uint8_t two_byte_appbits() const { return appbits_; }

  // Sets an opaque extension block for a non-RFC 8285 profile; `data`
  // must be a multiple of 4 bytes. Drops any RFC 8285 elements.
  absl::Status SetRawExtension(uint16_t profile, ByteSpan data);
  // What MarshalTo() will emit.
  ExtensionProfile extension_profile() const;

  ByteSpan payload() const { return payload_; }
  std::vector<uint8_t>& mutable_payload() { return payload_; }
  void set_payload(ByteSpan payload) {
    payload_.assign(payload.begin(), payload.end());
  }

  // Total padding bytes to append, including the count byte (0 = none).
  uint8_t padding_size() const { return padding_size_; }
  void set_padding_size(uint8_t n) { padding_size_ = n; }

  size_t MarshalSize() const;
  // Writes the packet into `out` and returns its size. Fails (writing
  // nothing) if `out` is too small or a field is out of its wire range.
  absl::StatusOr<size_t> MarshalTo(MutableByteSpan out) const;
  absl::StatusOr<std::vector<uint8_t>> Marshal() const;

  // Field equality: header, CSRCs, extension elements in order (or the
  // opaque block), payload and padding size.
  friend bool operator==(const RtpPacket& a, const RtpPacket& b);

 private:
  struct ExtEntry {
    uint32_t offset = 0;  // into ext_data_
    uint8_t id = 0;
    uint8_t size = 0;
  };

  bool UsesOneByteForm() const;
  size_t ExtensionBlockSize() const;  // elements + alignment, no header
  void AppendExtension(uint8_t id, ByteSpan data);

  bool marker_ = false;
  uint8_t payload_type_ = 0;
  uint16_t sequence_number_ = 0;
  uint32_t timestamp_ = 0;
  uint32_t ssrc_ = 0;
  uint8_t csrc_count_ = 0;
  std::array<uint32_t, kMaxCsrcs> csrcs_{};

  bool force_two_byte_ = false;
  uint8_t appbits_ = 0;
  std::vector<ExtEntry> ext_entries_;
  std::vector<uint8_t> ext_data_;
  std::optional<uint16_t> raw_profile_;  // set when ext_data_ is opaque

  std::vector<uint8_t> payload_;
  uint8_t padding_size_ = 0;
};

}  // namespace simrtc::rtp

#endif  // CORE_RTP_RTP_PACKET_H_
