// A parsed STUN message: a zero-copy, (usually) zero-allocation view.
//
// Contract:
//  - Message::Parse validates the framing of one whole STUN message (a UDP
//    datagram, or one frame cut from a TCP stream by StreamFrameSize in
//    channel_data.h):
//    20-byte header, top two bits zero, magic cookie, length a multiple of 4
//    and equal to the bytes that follow, and every attribute's TLV framing
//    and padding. Attribute *values* are not decoded until a getter asks, so
//    a malformed value in an attribute nobody reads costs nothing.
//  - A Message borrows the bytes it was parsed from: they must outlive it and
//    every view (string_view, ByteSpan) a getter returns.
//  - Attribute records live in an inline array of kInlineAttributes entries;
//    only a message with more attributes than that (rare: e.g. a
//    CreatePermission listing many peers) allocates. Parse of a typical ICE
//    or TURN message therefore never touches the heap (a test and the
//    benchmark count operator new to hold this).
//  - Attributes are kept in wire order, unknown ones included, as raw
//    (type, value) pairs. Following RFC 8489 section 14.5-14.6, attributes
//    after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and
//    FINGERPRINT (and after MESSAGE-INTEGRITY-SHA256, other than
//    FINGERPRINT) are not covered by the HMAC, so they are dropped rather
//    than handed to callers; ignored_attribute_count() reports them.
//    FINGERPRINT must be last: anything after it fails the parse.
//  - Typed getters return the *first* occurrence (RFC 8489 section 14: only
//    the first need be processed), NotFound when absent, and InvalidArgument
//    naming the attribute type and offset when its value is malformed.
//    Absence reports carry a message and so allocate; hot paths that only
//    need presence use Has() / Find(), which never allocate.
//  - Integrity is verified, never assumed: VerifyMessageIntegrity(key) and
//    VerifyFingerprint() recompute the hashes over the received bytes.
#ifndef CORE_STUN_MESSAGE_H_
#define CORE_STUN_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/stun/attributes.h"
#include "core/stun/constants.h"
#include "core/stun/transaction_id.h"

namespace simrtc::stun {

// One attribute as found on the wire.
struct RawAttribute {
  AttributeType type;
  ByteSpan value;  // without padding
  size_t offset;   // of its 4-byte header, from the start of the message
};

// Cheap demultiplexing test (RFC 7983 first-byte ranges are coarser): top
// two bits zero, magic cookie, body length a multiple of 4 that matches the
// datagram exactly. True does not mean Parse will succeed.
bool IsStunMessage(ByteSpan datagram);

class Message {
 public:
  static constexpr size_t kInlineAttributes = 16;

  // An empty, unparsed message (no bytes, zero attributes). User-provided
  // (not "= default") so that value-initialisation, as StatusOr does, does
  // not zero the whole inline attribute array first.
  Message() noexcept {}

  // Parses one complete message; see the contract above.
  static absl::StatusOr<Message> Parse(ByteSpan message);
  // A Message borrows its bytes, so parsing a temporary vector would leave
  // it dangling; this catches that at compile time.
  static absl::StatusOr<Message> Parse(std::vector<uint8_t>&&) = delete;

  // The 14-bit message type and its decomposition.
  uint16_t type() const { return type_; }
  Method method() const { return MethodFromType(type_); }
  Class message_class() const { return ClassFromType(type_); }
  const TransactionId& transaction_id() const { return txid_; }
  // The whole message, header included.
  ByteSpan bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }

  // Attributes in wire order (see the contract for what is left out).
  size_t attribute_count() const { return attrs_.size(); }
  RawAttribute attribute(size_t i) const;
  size_t ignored_attribute_count() const { return ignored_; }

  class AttributeIterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = RawAttribute;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = RawAttribute;

    AttributeIterator() = default;
    RawAttribute operator*() const { return msg_->attribute(i_); }
    AttributeIterator& operator++() {
      ++i_;
      return *this;
    }
    AttributeIterator operator++(int) {
      AttributeIterator old = *this;
      ++i_;
      return old;
    }
    friend bool operator==(const AttributeIterator& a,
                           const AttributeIterator& b) {
      return a.i_ == b.i_;
    }

   private:
    friend class Message;
    AttributeIterator(const Message* msg, size_t i) : msg_(msg), i_(i) {}
    const Message* msg_ = nullptr;
    size_t i_ = 0;
  };
  struct AttributeRange {
    AttributeIterator b, e;
    AttributeIterator begin() const { return b; }
    AttributeIterator end() const { return e; }
  };
  // for (RawAttribute a : msg.attributes()) ...
  AttributeRange attributes() const {
    return {AttributeIterator(this, 0), AttributeIterator(this, attrs_.size())};
  }

  bool Has(AttributeType type) const;
  // The first attribute of this type.
  std::optional<RawAttribute> Find(AttributeType type) const;

  // Addresses.
  absl::StatusOr<SocketAddress> GetMappedAddress() const;
  absl::StatusOr<SocketAddress> GetXorMappedAddress() const;
  absl::StatusOr<SocketAddress> GetAlternateServer() const;
  absl::StatusOr<SocketAddress> GetXorRelayedAddress() const;
  // The first XOR-PEER-ADDRESS, and all of them (CreatePermission may list
  // several) in wire order.
  absl::StatusOr<SocketAddress> GetXorPeerAddress() const;
  absl::StatusOr<std::vector<SocketAddress>> GetXorPeerAddresses() const;

  // Text attributes, as views into the message bytes. Not checked for UTF-8
  // or length limits: the builder enforces those on the sending side.
  absl::StatusOr<std::string_view> GetUsername() const;
  absl::StatusOr<std::string_view> GetRealm() const;
  absl::StatusOr<std::string_view> GetNonce() const;
  absl::StatusOr<std::string_view> GetSoftware() const;

  absl::StatusOr<ErrorCode> GetErrorCode() const;
  absl::StatusOr<std::vector<AttributeType>> GetUnknownAttributes() const;

  // ICE (RFC 8445).
  absl::StatusOr<uint32_t> GetPriority() const;
  bool HasUseCandidate() const { return Has(AttributeType::kUseCandidate); }
  absl::StatusOr<uint64_t> GetIceControlled() const;   // tie-breaker
  absl::StatusOr<uint64_t> GetIceControlling() const;  // tie-breaker

  // TURN (RFC 8656). The channel number is returned as sent; range checks
  // (IsValidChannelNumber) are the TURN server's decision, as it must answer
  // 400 rather than drop.
  absl::StatusOr<uint16_t> GetChannelNumber() const;
  absl::StatusOr<TimeDelta> GetLifetime() const;  // whole seconds
  absl::StatusOr<ByteSpan> GetData() const;
  absl::StatusOr<uint8_t> GetRequestedTransport() const;  // kProtocolUdp...
  bool HasDontFragment() const { return Has(AttributeType::kDontFragment); }
  absl::StatusOr<uint64_t> GetReservationToken() const;
  // EVEN-PORT's R bit: reserve the next-higher port too.
  absl::StatusOr<bool> GetEvenPort() const;
  absl::StatusOr<IpFamily> GetRequestedAddressFamily() const;

  // Integrity. Verify* return OK on a match, NotFound when the attribute is
  // absent, InvalidArgument when it is malformed, Unauthenticated when an
  // HMAC differs (compared in constant time) and DataLoss when the
  // FINGERPRINT CRC differs.
  bool HasMessageIntegrity() const { return mi_index_ >= 0; }
  bool HasMessageIntegritySha256() const { return mi256_index_ >= 0; }
  bool HasFingerprint() const { return fp_index_ >= 0; }
  absl::Status VerifyMessageIntegrity(ByteSpan key) const;
  absl::Status VerifyMessageIntegrity(std::string_view key) const {
    return VerifyMessageIntegrity(AsBytes(key));
  }
  absl::Status VerifyMessageIntegritySha256(ByteSpan key) const;
  absl::Status VerifyMessageIntegritySha256(std::string_view key) const {
    return VerifyMessageIntegritySha256(AsBytes(key));
  }
  absl::Status VerifyFingerprint() const;

  // "Binding request txid=... [USERNAME(9) PRIORITY(4) ...]" for logs.
  std::string ToString() const;

 private:
  // 8 bytes per attribute keeps the inline array small enough to move
  // cheaply inside StatusOr.
  struct Record {
    uint16_t type;
    uint16_t length;
    uint32_t offset;  // of the attribute header
  };

  RawAttribute ToRaw(const Record& r) const {
    return RawAttribute{
        static_cast<AttributeType>(r.type),
        bytes_.subspan(r.offset + kAttributeHeaderSize, r.length), r.offset};
  }
  // Parse's body, filling a default-constructed Message.
  absl::Status ParseInto(ByteSpan data);
  const Record* FindRecord(AttributeType type) const;
  absl::Status NotFound(AttributeType type) const;
  absl::Status ValueError(const Record& r, const absl::Status& cause) const;
  absl::Status ValueError(const Record& r, std::string_view what) const;
  absl::StatusOr<ByteSpan> GetFixed(AttributeType type, size_t size) const;
  absl::StatusOr<SocketAddress> GetAddress(AttributeType type,
                                           bool xored) const;
  absl::StatusOr<std::string_view> GetText(AttributeType type) const;
  absl::Status VerifyHmac(int index, ByteSpan key, bool sha256) const;

  ByteSpan bytes_;
  uint16_t type_ = 0;
  TransactionId txid_;
  absl::InlinedVector<Record, kInlineAttributes> attrs_;
  int32_t mi_index_ = -1;
  int32_t mi256_index_ = -1;
  int32_t fp_index_ = -1;
  uint32_t ignored_ = 0;
};

// The comprehension-required attributes (type < 0x8000) in `msg` that this
// codec does not understand, each listed once in first-seen order, for the
// UNKNOWN-ATTRIBUTES of a 420 response. `also_known` lists types the caller
// handles itself. Empty (no allocation) in the normal case.
std::vector<AttributeType> UnknownComprehensionRequired(
    const Message& msg, std::span<const AttributeType> also_known = {});

}  // namespace simrtc::stun

#endif  // CORE_STUN_MESSAGE_H_
