#include "core/stun/builder.h"

#include <array>
#include <limits>

#include "absl/strings/str_format.h"
#include "core/stun/attributes.h"
#include "core/stun/channel_data.h"
#include "core/stun/integrity.h"

namespace simrtc::stun {
namespace {

// Enough for a typical ICE/TURN message without regrowing.
constexpr size_t kInitialCapacity = 256;

size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  return n;
}

absl::Status AlreadyBuilt() {
  return absl::FailedPreconditionError(
      "STUN MessageBuilder already built (Build() moves the message out)");
}

std::string_view Name(AttributeType type) {
  const std::string_view n = AttributeName(type);
  return n == "unknown" ? std::string_view("attribute") : n;
}

}  // namespace

MessageBuilder::MessageBuilder(Method method, Class cls,
                               const TransactionId& txid)
    : txid_(txid), writer_(owned_), uses_owned_(true) {
  owned_.reserve(kInitialCapacity);
  WriteHeader(method, cls);
}

MessageBuilder::MessageBuilder(Method method, Class cls, Rng& rng)
    : MessageBuilder(method, cls, TransactionId::Random(rng)) {}

MessageBuilder::MessageBuilder(Method method, Class cls,
                               const TransactionId& txid,
                               MutableByteSpan buffer)
    : txid_(txid), writer_(buffer), uses_owned_(false) {
  WriteHeader(method, cls);
}

void MessageBuilder::WriteHeader(Method method, Class cls) {
  if (static_cast<uint16_t>(method) > kMaxMethod) {
    Fail(absl::InvalidArgumentError(
        absl::StrFormat("STUN method 0x%x does not fit in 12 bits",
                        static_cast<uint16_t>(method))));
    return;
  }
  absl::Status s = writer_.WriteU16(ComposeMessageType(method, cls));
  if (s.ok()) s = writer_.WriteU16(0);
  if (s.ok()) s = writer_.WriteU32(kMagicCookie);
  if (s.ok()) s = writer_.WriteBytes(txid_.span());
  if (!s.ok()) Fail(std::move(s));
}

bool MessageBuilder::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
  return false;
}

bool MessageBuilder::Begin(AttributeType type, size_t value_len) {
  if (!status_.ok()) return false;
  if (built_) return Fail(AlreadyBuilt());
  const bool is_mi = type == AttributeType::kMessageIntegrity;
  const bool is_mi256 = type == AttributeType::kMessageIntegritySha256;
  const bool is_fp = type == AttributeType::kFingerprint;
  bool allowed;
  switch (phase_) {
    case Phase::kOpen:
      allowed = true;
      break;
    case Phase::kAfterIntegrity:
      allowed = is_mi256 || is_fp;
      break;
    case Phase::kAfterIntegritySha256:
      allowed = is_fp;
      break;
    case Phase::kDone:
    default:
      allowed = false;
      break;
  }
  if (!allowed) {
    return Fail(absl::FailedPreconditionError(absl::StrFormat(
        "STUN %s (0x%04x) added after %s", Name(type),
        static_cast<uint16_t>(type),
        phase_ == Phase::kDone ? "FINGERPRINT" : "MESSAGE-INTEGRITY")));
  }
  const size_t body = writer_.size() - kHeaderSize;
  const size_t padded = (value_len + 3) & ~size_t{3};
  if (value_len > 0xFFFF ||
      body + kAttributeHeaderSize + padded > kMaxBodySize) {
    return Fail(absl::ResourceExhaustedError(absl::StrFormat(
        "STUN %s (0x%04x) of %d bytes would grow the message body past %d "
        "bytes",
        Name(type), static_cast<uint16_t>(type), value_len, kMaxBodySize)));
  }
  if (is_mi) phase_ = Phase::kAfterIntegrity;
  if (is_mi256) phase_ = Phase::kAfterIntegritySha256;
  if (is_fp) phase_ = Phase::kDone;
  absl::Status s = writer_.WriteU16(static_cast<uint16_t>(type));
  if (s.ok()) s = writer_.WriteU16(static_cast<uint16_t>(value_len));
  if (!s.ok()) return Fail(std::move(s));
  return true;
}

void MessageBuilder::End(size_t value_len) {
  const size_t pad = (4 - (value_len & 3)) & 3;
  for (size_t i = 0; i < pad; ++i) {
    absl::Status s = writer_.WriteU8(padding_byte_);
    if (!s.ok()) {
      Fail(std::move(s));
      return;
    }
  }
  StoreBE16(writer_.At(2), static_cast<uint16_t>(writer_.size() - kHeaderSize));
}

MessageBuilder& MessageBuilder::AddValue(AttributeType type, ByteSpan value) {
  if (!Begin(type, value.size())) return *this;
  absl::Status s = writer_.WriteBytes(value);
  if (!s.ok()) {
    Fail(std::move(s));
    return *this;
  }
  End(value.size());
  return *this;
}

MessageBuilder& MessageBuilder::AddRaw(AttributeType type, ByteSpan value) {
  return AddValue(type, value);
}

MessageBuilder& MessageBuilder::AddAddress(AttributeType type,
                                           const SocketAddress& address,
                                           bool xored) {
  if (!status_.ok()) return *this;
  std::array<uint8_t, kMaxAddressValueSize> value;
  absl::StatusOr<size_t> n = xored ? EncodeXorAddress(address, txid_, value)
                                   : EncodeAddress(address, value);
  if (!n.ok()) {
    Fail(absl::InvalidArgumentError(
        absl::StrFormat("STUN %s: %s", Name(type), n.status().message())));
    return *this;
  }
  return AddValue(type, ByteSpan(value.data(), *n));
}

MessageBuilder& MessageBuilder::AddMappedAddress(const SocketAddress& a) {
  return AddAddress(AttributeType::kMappedAddress, a, false);
}
MessageBuilder& MessageBuilder::AddXorMappedAddress(const SocketAddress& a) {
  return AddAddress(AttributeType::kXorMappedAddress, a, true);
}
MessageBuilder& MessageBuilder::AddAlternateServer(const SocketAddress& a) {
  return AddAddress(AttributeType::kAlternateServer, a, false);
}
MessageBuilder& MessageBuilder::AddXorPeerAddress(const SocketAddress& a) {
  return AddAddress(AttributeType::kXorPeerAddress, a, true);
}
MessageBuilder& MessageBuilder::AddXorRelayedAddress(const SocketAddress& a) {
  return AddAddress(AttributeType::kXorRelayedAddress, a, true);
}

MessageBuilder& MessageBuilder::AddText(AttributeType type,
                                        std::string_view text, size_t max_bytes,
                                        bool limit_chars) {
  if (!status_.ok()) return *this;
  if (text.size() > max_bytes) {
    Fail(absl::InvalidArgumentError(
        absl::StrFormat("STUN %s of %d bytes exceeds the %d-byte limit",
                        Name(type), text.size(), max_bytes)));
    return *this;
  }
  if (limit_chars && Utf8Chars(text) > kMaxTextChars) {
    Fail(absl::InvalidArgumentError(absl::StrFormat(
        "STUN %s of %d characters exceeds the %d-character limit", Name(type),
        Utf8Chars(text), kMaxTextChars)));
    return *this;
  }
  return AddValue(type, AsBytes(text));
}

MessageBuilder& MessageBuilder::AddUsername(std::string_view v) {
  return AddText(AttributeType::kUsername, v, kMaxUsernameBytes, false);
}
MessageBuilder& MessageBuilder::AddRealm(std::string_view v) {
  return AddText(AttributeType::kRealm, v, kMaxTextBytes, true);
}
MessageBuilder& MessageBuilder::AddNonce(std::string_view v) {
  return AddText(AttributeType::kNonce, v, kMaxTextBytes, true);
}
MessageBuilder& MessageBuilder::AddSoftware(std::string_view v) {
  return AddText(AttributeType::kSoftware, v, kMaxTextBytes, true);
}

MessageBuilder& MessageBuilder::AddErrorCode(int code) {
  return AddErrorCode(code, DefaultReasonPhrase(code));
}

MessageBuilder& MessageBuilder::AddErrorCode(int code,
                                             std::string_view reason) {
  if (!status_.ok()) return *this;
  if (code < 300 || code > 699) {
    Fail(absl::InvalidArgumentError(
        absl::StrFormat("STUN ERROR-CODE %d is outside 300..699", code)));
    return *this;
  }
  if (reason.size() > kMaxTextBytes || Utf8Chars(reason) > kMaxTextChars) {
    Fail(absl::InvalidArgumentError(absl::StrFormat(
        "STUN ERROR-CODE reason of %d bytes exceeds the limit (%d bytes, %d "
        "characters)",
        reason.size(), kMaxTextBytes, kMaxTextChars)));
    return *this;
  }
  if (!Begin(AttributeType::kErrorCode, 4 + reason.size())) return *this;
  absl::Status s = writer_.WriteU16(0);
  if (s.ok()) s = writer_.WriteU8(static_cast<uint8_t>(code / 100));
  if (s.ok()) s = writer_.WriteU8(static_cast<uint8_t>(code % 100));
  if (s.ok()) s = writer_.WriteString(reason);
  if (!s.ok()) {
    Fail(std::move(s));
    return *this;
  }
  End(4 + reason.size());
  return *this;
}

MessageBuilder& MessageBuilder::AddUnknownAttributes(
    std::span<const AttributeType> types) {
  if (!Begin(AttributeType::kUnknownAttributes, 2 * types.size())) {
    return *this;
  }
  for (AttributeType t : types) {
    absl::Status s = writer_.WriteU16(static_cast<uint16_t>(t));
    if (!s.ok()) {
      Fail(std::move(s));
      return *this;
    }
  }
  End(2 * types.size());
  return *this;
}

MessageBuilder& MessageBuilder::AddU32(AttributeType type, uint32_t v) {
  std::array<uint8_t, 4> value;
  StoreBE32(value.data(), v);
  return AddValue(type, value);
}

MessageBuilder& MessageBuilder::AddU64(AttributeType type, uint64_t v) {
  std::array<uint8_t, 8> value;
  StoreBE64(value.data(), v);
  return AddValue(type, value);
}

MessageBuilder& MessageBuilder::AddPriority(uint32_t priority) {
  return AddU32(AttributeType::kPriority, priority);
}
MessageBuilder& MessageBuilder::AddUseCandidate() {
  return AddValue(AttributeType::kUseCandidate, {});
}
MessageBuilder& MessageBuilder::AddIceControlled(uint64_t tie_breaker) {
  return AddU64(AttributeType::kIceControlled, tie_breaker);
}
MessageBuilder& MessageBuilder::AddIceControlling(uint64_t tie_breaker) {
  return AddU64(AttributeType::kIceControlling, tie_breaker);
}

MessageBuilder& MessageBuilder::AddChannelNumber(uint16_t channel) {
  if (!IsValidChannelNumber(channel)) {
    Fail(absl::InvalidArgumentError(
        absl::StrFormat("STUN CHANNEL-NUMBER 0x%04x is outside 0x%04x..0x%04x",
                        channel, kMinChannelNumber, kMaxChannelNumber)));
    return *this;
  }
  return AddU32(AttributeType::kChannelNumber, uint32_t{channel} << 16);
}

MessageBuilder& MessageBuilder::AddLifetime(TimeDelta lifetime) {
  const int64_t seconds = lifetime.us() / 1000000;
  if (lifetime.us() < 0 || seconds > std::numeric_limits<uint32_t>::max()) {
    Fail(absl::InvalidArgumentError(absl::StrFormat(
        "STUN LIFETIME %s is outside 0..2^32-1 seconds", lifetime.ToString())));
    return *this;
  }
  return AddU32(AttributeType::kLifetime, static_cast<uint32_t>(seconds));
}

MessageBuilder& MessageBuilder::AddData(ByteSpan data) {
  return AddValue(AttributeType::kData, data);
}

MessageBuilder& MessageBuilder::AddRequestedTransport(uint8_t protocol) {
  return AddU32(AttributeType::kRequestedTransport, uint32_t{protocol} << 24);
}

MessageBuilder& MessageBuilder::AddDontFragment() {
  return AddValue(AttributeType::kDontFragment, {});
}

MessageBuilder& MessageBuilder::AddReservationToken(uint64_t token) {
  return AddU64(AttributeType::kReservationToken, token);
}

MessageBuilder& MessageBuilder::AddEvenPort(bool reserve_next_port) {
  const uint8_t value = reserve_next_port ? 0x80 : 0x00;
  return AddValue(AttributeType::kEvenPort, ByteSpan(&value, 1));
}

MessageBuilder& MessageBuilder::AddRequestedAddressFamily(IpFamily family) {
  const uint8_t code = EncodeFamily(family);
  if (code == 0) {
    Fail(absl::InvalidArgumentError(
        "STUN REQUESTED-ADDRESS-FAMILY needs IPv4 or IPv6"));
    return *this;
  }
  return AddU32(AttributeType::kRequestedAddressFamily, uint32_t{code} << 24);
}

MessageBuilder& MessageBuilder::AddMessageIntegrity(ByteSpan key) {
  const size_t start = writer_.size();
  if (!Begin(AttributeType::kMessageIntegrity, kMessageIntegritySize)) {
    return *this;
  }
  // Hash what precedes the attribute; the length must already count it.
  const auto patched = static_cast<uint16_t>(
      start + kAttributeHeaderSize + kMessageIntegritySize - kHeaderSize);
  const auto mac =
      ComputeMessageIntegrity(key, ByteSpan(writer_.At(0), start), patched);
  absl::Status s = writer_.WriteBytes(mac);
  if (!s.ok()) {
    Fail(std::move(s));
    return *this;
  }
  End(kMessageIntegritySize);
  return *this;
}

MessageBuilder& MessageBuilder::AddMessageIntegritySha256(ByteSpan key,
                                                          size_t length) {
  if (!status_.ok()) return *this;
  if (length < kMinMessageIntegritySha256Size ||
      length > kMessageIntegritySha256Size || length % 4 != 0) {
    Fail(absl::InvalidArgumentError(absl::StrFormat(
        "STUN MESSAGE-INTEGRITY-SHA256 length %d is not a multiple of 4 in "
        "16..32",
        length)));
    return *this;
  }
  const size_t start = writer_.size();
  if (!Begin(AttributeType::kMessageIntegritySha256, length)) return *this;
  const auto patched = static_cast<uint16_t>(start + kAttributeHeaderSize +
                                             length - kHeaderSize);
  const auto mac = ComputeMessageIntegritySha256(
      key, ByteSpan(writer_.At(0), start), patched);
  absl::Status s = writer_.WriteBytes(ByteSpan(mac.data(), length));
  if (!s.ok()) {
    Fail(std::move(s));
    return *this;
  }
  End(length);
  return *this;
}

MessageBuilder& MessageBuilder::AddFingerprint() {
  const size_t start = writer_.size();
  if (!Begin(AttributeType::kFingerprint, kFingerprintSize)) return *this;
  const auto patched = static_cast<uint16_t>(start + kAttributeHeaderSize +
                                             kFingerprintSize - kHeaderSize);
  const uint32_t crc =
      ComputeFingerprint(ByteSpan(writer_.At(0), start), patched);
  absl::Status s = writer_.WriteU32(crc);
  if (!s.ok()) {
    Fail(std::move(s));
    return *this;
  }
  End(kFingerprintSize);
  return *this;
}

absl::StatusOr<std::vector<uint8_t>> MessageBuilder::Build() {
  if (!status_.ok()) return status_;
  if (built_) return AlreadyBuilt();
  if (!uses_owned_) {
    const ByteSpan w = Written();
    return std::vector<uint8_t>(w.begin(), w.end());
  }
  // A flag rather than a sticky status: building a status message would
  // cost an allocation on every successful build.
  built_ = true;
  return std::move(owned_);
}

absl::StatusOr<ByteSpan> MessageBuilder::Finish() {
  if (!status_.ok()) return status_;
  if (built_) return AlreadyBuilt();
  return Written();
}

}  // namespace simrtc::stun
