#include "core/stun/message.h"

#include <openssl/mem.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/utility/utility.h"
#include "core/base/absl_compat.h"
#include "core/base/status_macros.h"
#include "core/stun/integrity.h"

namespace simrtc::stun {
namespace {

// "STUN attribute 0x0020 (XOR-MAPPED-ADDRESS) at offset 28"; unknown types
// go without a name.
std::string AttrPrefix(uint16_t type, size_t offset) {
  const std::string_view name = AttributeName(static_cast<AttributeType>(type));
  if (name == "unknown") {
    return absl::StrFormat("STUN attribute 0x%04x at offset %d", type, offset);
  }
  return absl::StrFormat("STUN attribute 0x%04x (%s) at offset %d", type, name,
                         offset);
}

absl::Status HeaderError(size_t offset, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("STUN header at offset %d: %s", offset, what));
}

// Which attributes still count once an integrity attribute has been seen
// (RFC 8489 sections 14.5-14.7).
enum class Phase { kOpen, kAfterIntegrity, kAfterIntegritySha256 };

}  // namespace

bool IsStunMessage(ByteSpan d) {
  if (d.size() < kHeaderSize) return false;
  const uint16_t length = LoadBE16(&d[2]);
  return (d[0] & 0xC0) == 0 && LoadBE32(&d[4]) == kMagicCookie &&
         (length & 3) == 0 && kHeaderSize + length == d.size();
}

absl::StatusOr<Message> Message::Parse(ByteSpan data) {
  // Built in place and returned by name on every path, so the view (with
  // its inline attribute array) is never copied or moved.
  absl::StatusOr<Message> result(absl::in_place);
  absl::Status status = result->ParseInto(data);
  if (!status.ok()) result = std::move(status);
  return result;
}

absl::Status Message::ParseInto(ByteSpan data) {
  if (data.size() < kHeaderSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("STUN header at offset 0: %d bytes, need %d",
                        data.size(), kHeaderSize));
  }
  const uint16_t type = LoadBE16(&data[0]);
  if ((type & 0xC000) != 0) {
    return HeaderError(
        0, absl::StrFormat("type 0x%04x: the top two bits must be 00", type));
  }
  const uint16_t length = LoadBE16(&data[2]);
  const uint32_t cookie = LoadBE32(&data[4]);
  if (cookie != kMagicCookie) {
    return HeaderError(
        4, absl::StrFormat("magic cookie 0x%08x, expected 0x%08x", cookie,
                           kMagicCookie));
  }
  if ((length & 3) != 0) {
    return HeaderError(
        2, absl::StrFormat("length %d is not a multiple of 4", length));
  }
  if (kHeaderSize + length != data.size()) {
    return HeaderError(
        2, absl::StrFormat("length %d does not match the %d bytes after the "
                           "header",
                           length, data.size() - kHeaderSize));
  }

  Message& m = *this;
  m.bytes_ = data;
  m.type_ = type;
  std::memcpy(m.txid_.bytes.data(), &data[8], kTransactionIdSize);

  Phase phase = Phase::kOpen;
  size_t pos = kHeaderSize;
  const size_t end = data.size();
  while (pos < end) {
    // The body length is a multiple of 4 and so is every padded attribute,
    // so a whole 4-byte header is always there; checked anyway.
    if (end - pos < kAttributeHeaderSize) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "STUN attribute header at offset %d: need 4 bytes, %d remain", pos,
          end - pos));
    }
    const uint16_t attr_type = LoadBE16(&data[pos]);
    const uint16_t attr_len = LoadBE16(&data[pos + 2]);
    const size_t remaining = end - pos - kAttributeHeaderSize;
    if (attr_len > remaining) {
      return absl::InvalidArgumentError(
          absl::StrCat(AttrPrefix(attr_type, pos),
                       absl::StrFormat(": length %d exceeds remaining %d",
                                       attr_len, remaining)));
    }
    // remaining is a multiple of 4, so the padding fits whenever the value
    // does. Padding bytes may hold anything (RFC 8489 section 14).
    const size_t padded = (size_t{attr_len} + 3) & ~size_t{3};
    if (m.fp_index_ >= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(AttrPrefix(attr_type, pos),
                       ": follows FINGERPRINT, which must be "
                       "the last attribute"));
    }
    const auto t = static_cast<AttributeType>(attr_type);
    bool keep;
    switch (phase) {
      case Phase::kOpen:
        keep = true;
        if (t == AttributeType::kMessageIntegrity) {
          phase = Phase::kAfterIntegrity;
          m.mi_index_ = static_cast<int32_t>(m.attrs_.size());
        } else if (t == AttributeType::kMessageIntegritySha256) {
          phase = Phase::kAfterIntegritySha256;
          m.mi256_index_ = static_cast<int32_t>(m.attrs_.size());
        }
        break;
      case Phase::kAfterIntegrity:
        keep = t == AttributeType::kMessageIntegritySha256 ||
               t == AttributeType::kFingerprint;
        if (t == AttributeType::kMessageIntegritySha256) {
          phase = Phase::kAfterIntegritySha256;
          m.mi256_index_ = static_cast<int32_t>(m.attrs_.size());
        }
        break;
      case Phase::kAfterIntegritySha256:
      default:
        keep = t == AttributeType::kFingerprint;
        break;
    }
    if (keep) {
      if (t == AttributeType::kFingerprint) {
        m.fp_index_ = static_cast<int32_t>(m.attrs_.size());
      }
      // Field by field into the final slot: building a temporary Record and
      // copying it made the CPU stall on store-to-load forwarding.
      Record& r = m.attrs_.emplace_back();
      r.type = attr_type;
      r.length = attr_len;
      r.offset = static_cast<uint32_t>(pos);
    } else {
      ++m.ignored_;
    }
    pos += kAttributeHeaderSize + padded;
  }
  return absl::OkStatus();
}

RawAttribute Message::attribute(size_t i) const { return ToRaw(attrs_[i]); }

const Message::Record* Message::FindRecord(AttributeType type) const {
  const auto t = static_cast<uint16_t>(type);
  for (const Record& r : attrs_) {
    if (r.type == t) return &r;
  }
  return nullptr;
}

bool Message::Has(AttributeType type) const {
  return FindRecord(type) != nullptr;
}

std::optional<RawAttribute> Message::Find(AttributeType type) const {
  const Record* r = FindRecord(type);
  if (r == nullptr) return std::nullopt;
  return ToRaw(*r);
}

absl::Status Message::NotFound(AttributeType type) const {
  return absl::NotFoundError(
      absl::StrFormat("STUN attribute 0x%04x (%s) not present in %s",
                      static_cast<uint16_t>(type), AttributeName(type),
                      MessageTypeName(type_)));
}

absl::Status Message::ValueError(const Record& r,
                                 const absl::Status& cause) const {
  return absl::Status(cause.code(), absl::StrCat(AttrPrefix(r.type, r.offset),
                                                 ": ", cause.message()));
}

absl::Status Message::ValueError(const Record& r, std::string_view what) const {
  return absl::InvalidArgumentError(
      absl::StrCat(AttrPrefix(r.type, r.offset), ": ", ToAbsl(what)));
}

absl::StatusOr<ByteSpan> Message::GetFixed(AttributeType type,
                                           size_t size) const {
  const Record* r = FindRecord(type);
  if (r == nullptr) return NotFound(type);
  if (r->length != size) {
    return ValueError(
        *r, absl::StrFormat("length %d, expected %d", r->length, size));
  }
  return ToRaw(*r).value;
}

absl::StatusOr<SocketAddress> Message::GetAddress(AttributeType type,
                                                  bool xored) const {
  const Record* r = FindRecord(type);
  if (r == nullptr) return NotFound(type);
  const ByteSpan value = ToRaw(*r).value;
  absl::StatusOr<SocketAddress> a =
      xored ? DecodeXorAddress(value, txid_) : DecodeAddress(value);
  if (!a.ok()) return ValueError(*r, a.status());
  return a;
}

absl::StatusOr<std::string_view> Message::GetText(AttributeType type) const {
  const Record* r = FindRecord(type);
  if (r == nullptr) return NotFound(type);
  return AsString(ToRaw(*r).value);
}

absl::StatusOr<SocketAddress> Message::GetMappedAddress() const {
  return GetAddress(AttributeType::kMappedAddress, false);
}
absl::StatusOr<SocketAddress> Message::GetXorMappedAddress() const {
  return GetAddress(AttributeType::kXorMappedAddress, true);
}
absl::StatusOr<SocketAddress> Message::GetAlternateServer() const {
  return GetAddress(AttributeType::kAlternateServer, false);
}
absl::StatusOr<SocketAddress> Message::GetXorRelayedAddress() const {
  return GetAddress(AttributeType::kXorRelayedAddress, true);
}
absl::StatusOr<SocketAddress> Message::GetXorPeerAddress() const {
  return GetAddress(AttributeType::kXorPeerAddress, true);
}

absl::StatusOr<std::vector<SocketAddress>> Message::GetXorPeerAddresses()
    const {
  std::vector<SocketAddress> out;
  for (const Record& r : attrs_) {
    if (r.type != static_cast<uint16_t>(AttributeType::kXorPeerAddress)) {
      continue;
    }
    absl::StatusOr<SocketAddress> a = DecodeXorAddress(ToRaw(r).value, txid_);
    if (!a.ok()) return ValueError(r, a.status());
    out.push_back(*a);
  }
  if (out.empty()) return NotFound(AttributeType::kXorPeerAddress);
  return out;
}

absl::StatusOr<std::string_view> Message::GetUsername() const {
  return GetText(AttributeType::kUsername);
}
absl::StatusOr<std::string_view> Message::GetRealm() const {
  return GetText(AttributeType::kRealm);
}
absl::StatusOr<std::string_view> Message::GetNonce() const {
  return GetText(AttributeType::kNonce);
}
absl::StatusOr<std::string_view> Message::GetSoftware() const {
  return GetText(AttributeType::kSoftware);
}

absl::StatusOr<ErrorCode> Message::GetErrorCode() const {
  const Record* r = FindRecord(AttributeType::kErrorCode);
  if (r == nullptr) return NotFound(AttributeType::kErrorCode);
  absl::StatusOr<ErrorCode> e = DecodeErrorCode(ToRaw(*r).value);
  if (!e.ok()) return ValueError(*r, e.status());
  return e;
}

absl::StatusOr<std::vector<AttributeType>> Message::GetUnknownAttributes()
    const {
  const Record* r = FindRecord(AttributeType::kUnknownAttributes);
  if (r == nullptr) return NotFound(AttributeType::kUnknownAttributes);
  if (r->length % 2 != 0) {
    return ValueError(
        *r, absl::StrFormat("length %d is not a multiple of 2", r->length));
  }
  const ByteSpan v = ToRaw(*r).value;
  std::vector<AttributeType> out;
  out.reserve(v.size() / 2);
  for (size_t i = 0; i + 1 < v.size(); i += 2) {
    out.push_back(static_cast<AttributeType>(LoadBE16(&v[i])));
  }
  return out;
}

absl::StatusOr<uint32_t> Message::GetPriority() const {
  SIMRTC_ASSIGN_OR_RETURN(ByteSpan v, GetFixed(AttributeType::kPriority, 4));
  return LoadBE32(v.data());
}

absl::StatusOr<uint64_t> Message::GetIceControlled() const {
  SIMRTC_ASSIGN_OR_RETURN(ByteSpan v,
                          GetFixed(AttributeType::kIceControlled, 8));
  return LoadBE64(v.data());
}

absl::StatusOr<uint64_t> Message::GetIceControlling() const {
  SIMRTC_ASSIGN_OR_RETURN(ByteSpan v,
                          GetFixed(AttributeType::kIceControlling, 8));
  return LoadBE64(v.data());
}

absl::StatusOr<uint16_t> Message::GetChannelNumber() const {
  // Channel number then 16 RFFU bits (ignored on receipt).
  SIMRTC_ASSIGN_OR_RETURN(ByteSpan v,
                          GetFixed(AttributeType::kChannelNumber, 4));
  return LoadBE16(v.data());
}

absl::StatusOr<TimeDelta> Message::GetLifetime() const {
  SIMRTC_ASSIGN_OR_RETURN(ByteSpan v, GetFixed(AttributeType::kLifetime, 4));
  return TimeDelta::Seconds(LoadBE32(v.data()));
}

absl::StatusOr<ByteSpan> Message::GetData() const {
  const Record* r = FindRecord(AttributeType::kData);
  if (r == nullptr) return NotFound(AttributeType::kData);
  return ToRaw(*r).value;
}

absl::StatusOr<uint8_t> Message::GetRequestedTransport() const {
  SIMRTC_ASSIGN_OR_RETURN(ByteSpan v,
                          GetFixed(AttributeType::kRequestedTransport, 4));
  return v[0];
}

absl::StatusOr<uint64_t> Message::GetReservationToken() const {
  SIMRTC_ASSIGN_OR_RETURN(ByteSpan v,
                          GetFixed(AttributeType::kReservationToken, 8));
  return LoadBE64(v.data());
}

absl::StatusOr<bool> Message::GetEvenPort() const {
  SIMRTC_ASSIGN_OR_RETURN(ByteSpan v, GetFixed(AttributeType::kEvenPort, 1));
  return (v[0] & 0x80) != 0;
}

absl::StatusOr<IpFamily> Message::GetRequestedAddressFamily() const {
  const Record* r = FindRecord(AttributeType::kRequestedAddressFamily);
  if (r == nullptr) return NotFound(AttributeType::kRequestedAddressFamily);
  if (r->length != 4) {
    return ValueError(*r, absl::StrFormat("length %d, expected 4", r->length));
  }
  absl::StatusOr<IpFamily> f = DecodeFamily(ToRaw(*r).value[0]);
  if (!f.ok()) return ValueError(*r, f.status());
  return f;
}

absl::Status Message::VerifyHmac(int index, ByteSpan key, bool sha256) const {
  const AttributeType type = sha256 ? AttributeType::kMessageIntegritySha256
                                    : AttributeType::kMessageIntegrity;
  if (index < 0) return NotFound(type);
  const Record& r = attrs_[static_cast<size_t>(index)];
  if (sha256) {
    if (r.length < kMinMessageIntegritySha256Size ||
        r.length > kMessageIntegritySha256Size || r.length % 4 != 0) {
      return ValueError(r, absl::StrFormat("length %d, expected a multiple "
                                           "of 4 in 16..32",
                                           r.length));
    }
  } else if (r.length != kMessageIntegritySize) {
    return ValueError(r, absl::StrFormat("length %d, expected %d", r.length,
                                         kMessageIntegritySize));
  }
  // The HMAC covers everything before the attribute, with the header length
  // counting up to the end of this attribute (RFC 8489 section 14.5).
  const ByteSpan prefix = bytes_.first(r.offset);
  const auto patched = static_cast<uint16_t>(r.offset + kAttributeHeaderSize +
                                             r.length - kHeaderSize);
  const ByteSpan received = ToRaw(r).value;
  int diff;
  if (sha256) {
    const auto mac = ComputeMessageIntegritySha256(key, prefix, patched);
    diff = CRYPTO_memcmp(mac.data(), received.data(), received.size());
  } else {
    const auto mac = ComputeMessageIntegrity(key, prefix, patched);
    diff = CRYPTO_memcmp(mac.data(), received.data(), received.size());
  }
  if (diff != 0) {
    return absl::UnauthenticatedError(
        absl::StrCat(AttrPrefix(r.type, r.offset), ": HMAC mismatch"));
  }
  return absl::OkStatus();
}

absl::Status Message::VerifyMessageIntegrity(ByteSpan key) const {
  return VerifyHmac(mi_index_, key, /*sha256=*/false);
}

absl::Status Message::VerifyMessageIntegritySha256(ByteSpan key) const {
  return VerifyHmac(mi256_index_, key, /*sha256=*/true);
}

absl::Status Message::VerifyFingerprint() const {
  if (fp_index_ < 0) return NotFound(AttributeType::kFingerprint);
  const Record& r = attrs_[static_cast<size_t>(fp_index_)];
  if (r.length != kFingerprintSize) {
    return ValueError(r, absl::StrFormat("length %d, expected %d", r.length,
                                         kFingerprintSize));
  }
  const auto patched = static_cast<uint16_t>(r.offset + kAttributeHeaderSize +
                                             kFingerprintSize - kHeaderSize);
  const uint32_t expected = ComputeFingerprint(bytes_.first(r.offset), patched);
  const uint32_t received = LoadBE32(ToRaw(r).value.data());
  if (expected != received) {
    return absl::DataLossError(absl::StrCat(
        AttrPrefix(r.type, r.offset),
        absl::StrFormat(": CRC 0x%08x, expected 0x%08x", received, expected)));
  }
  return absl::OkStatus();
}

std::string Message::ToString() const {
  std::string out =
      absl::StrFormat("%s txid=%s [", MessageTypeName(type_), txid_.ToHex());
  for (size_t i = 0; i < attrs_.size(); ++i) {
    const Record& r = attrs_[i];
    const std::string_view name =
        AttributeName(static_cast<AttributeType>(r.type));
    if (i > 0) out += ' ';
    if (name == "unknown") {
      absl::StrAppendFormat(&out, "0x%04x(%d)", r.type, r.length);
    } else {
      absl::StrAppendFormat(&out, "%s(%d)", name, r.length);
    }
  }
  if (ignored_ > 0) absl::StrAppendFormat(&out, " +%d ignored", ignored_);
  out += ']';
  return out;
}

std::vector<AttributeType> UnknownComprehensionRequired(
    const Message& msg, std::span<const AttributeType> also_known) {
  std::vector<AttributeType> out;
  for (RawAttribute a : msg.attributes()) {
    if (!IsComprehensionRequired(a.type) || IsKnownAttribute(a.type)) continue;
    if (std::find(also_known.begin(), also_known.end(), a.type) !=
        also_known.end()) {
      continue;
    }
    if (std::find(out.begin(), out.end(), a.type) != out.end()) continue;
    out.push_back(a.type);
  }
  return out;
}

}  // namespace simrtc::stun
