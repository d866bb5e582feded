// Builds STUN messages, attributes in call order.
//
//   std::vector<uint8_t> wire =
//       MessageBuilder(Method::kBinding, Class::kRequest, rng)
//           .AddUsername("remote:local")
//           .AddPriority(priority)
//           .AddIceControlling(tie_breaker)
//           .AddMessageIntegrity(password)
//           .AddFingerprint()
//           .Build()
//           .value();
//
// Contract:
//  - Add* calls chain. The first failure (a value out of range, a text
//    attribute over the RFC limit, an attribute added after
//    MESSAGE-INTEGRITY or FINGERPRINT, a full caller buffer, a message over
//    64 KiB) is sticky: later calls do nothing and Build()/Finish() return
//    it. So a chain needs one check, at the end.
//  - The header length is kept current after every attribute; the bytes so
//    far are always a well-formed message.
//  - AddMessageIntegrity / AddMessageIntegritySha256 / AddFingerprint hash
//    the message as it stands, with the header length already counting the
//    attribute being added (RFC 8489 sections 14.5-14.7). Order is enforced:
//    MESSAGE-INTEGRITY, then MESSAGE-INTEGRITY-SHA256, then FINGERPRINT,
//    each optional, nothing after them.
//  - Two storage modes: the builder's own growable vector (Build() moves it
//    out), or a caller buffer (never allocates; Finish() returns the written
//    span). The builder refers into its storage, so it is neither copyable
//    nor movable: use it as a temporary or a local.
//  - Padding is zeros. SetPaddingByte exists only to reproduce test vectors
//    that pad with something else (RFC 5769 uses spaces); padding content
//    carries no meaning (receivers ignore it) but is covered by the hashes.
#ifndef CORE_STUN_BUILDER_H_
#define CORE_STUN_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/rng.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/stun/constants.h"
#include "core/stun/transaction_id.h"

namespace simrtc::stun {

// Text limits from RFC 8489 (USERNAME: fewer than 509 bytes; REALM, NONCE,
// SOFTWARE and the ERROR-CODE reason: fewer than 128 characters, at most
// 763 bytes).
inline constexpr size_t kMaxUsernameBytes = 508;
inline constexpr size_t kMaxTextBytes = 763;
inline constexpr size_t kMaxTextChars = 127;

class MessageBuilder {
 public:
  // Grows an internal vector.
  MessageBuilder(Method method, Class cls, const TransactionId& txid);
  // Same, with a fresh transaction id drawn from rng.
  MessageBuilder(Method method, Class cls, Rng& rng);
  // Writes into `buffer` (which must outlive the builder); no heap use.
  MessageBuilder(Method method, Class cls, const TransactionId& txid,
                 MutableByteSpan buffer);

  MessageBuilder(const MessageBuilder&) = delete;
  MessageBuilder& operator=(const MessageBuilder&) = delete;

  const TransactionId& transaction_id() const { return txid_; }
  const absl::Status& status() const { return status_; }
  // Bytes written so far (header included).
  size_t size() const { return writer_.size(); }

  MessageBuilder& SetPaddingByte(uint8_t b) {
    padding_byte_ = b;
    return *this;
  }

  // Any attribute, value as given (padding added). For unknown or
  // deliberately malformed attributes; the typed Add* check their values.
  MessageBuilder& AddRaw(AttributeType type, ByteSpan value);

  MessageBuilder& AddMappedAddress(const SocketAddress& address);
  MessageBuilder& AddXorMappedAddress(const SocketAddress& address);
  MessageBuilder& AddAlternateServer(const SocketAddress& address);
  MessageBuilder& AddXorPeerAddress(const SocketAddress& address);
  MessageBuilder& AddXorRelayedAddress(const SocketAddress& address);

  MessageBuilder& AddUsername(std::string_view username);
  MessageBuilder& AddRealm(std::string_view realm);
  MessageBuilder& AddNonce(std::string_view nonce);
  MessageBuilder& AddSoftware(std::string_view software);

  // code in 300..699; the first form uses DefaultReasonPhrase(code).
  MessageBuilder& AddErrorCode(int code);
  MessageBuilder& AddErrorCode(int code, std::string_view reason);
  MessageBuilder& AddUnknownAttributes(std::span<const AttributeType> types);

  // ICE.
  MessageBuilder& AddPriority(uint32_t priority);
  MessageBuilder& AddUseCandidate();
  MessageBuilder& AddIceControlled(uint64_t tie_breaker);
  MessageBuilder& AddIceControlling(uint64_t tie_breaker);

  // TURN. AddChannelNumber accepts only 0x4000..0x4FFF; AddLifetime whole
  // seconds in 0..2^32-1 (fractions are truncated).
  MessageBuilder& AddChannelNumber(uint16_t channel);
  MessageBuilder& AddLifetime(TimeDelta lifetime);
  MessageBuilder& AddData(ByteSpan data);
  MessageBuilder& AddRequestedTransport(uint8_t protocol);
  MessageBuilder& AddDontFragment();
  MessageBuilder& AddReservationToken(uint64_t token);
  MessageBuilder& AddEvenPort(bool reserve_next_port);
  MessageBuilder& AddRequestedAddressFamily(IpFamily family);

  // Integrity and fingerprint; see the contract for ordering. The key is
  // the password (short-term) or LongTermKey(...) (long-term).
  MessageBuilder& AddMessageIntegrity(ByteSpan key);
  MessageBuilder& AddMessageIntegrity(std::string_view key) {
    return AddMessageIntegrity(AsBytes(key));
  }
  // `length` may truncate the HMAC to 16..32 bytes, multiple of 4.
  MessageBuilder& AddMessageIntegritySha256(ByteSpan key, size_t length = 32);
  MessageBuilder& AddMessageIntegritySha256(std::string_view key,
                                            size_t length = 32) {
    return AddMessageIntegritySha256(AsBytes(key), length);
  }
  MessageBuilder& AddFingerprint();

  // The finished message. With internal storage, moves the bytes out: the
  // builder is spent afterwards (further calls fail). With a caller buffer,
  // copies it into a new vector.
  absl::StatusOr<std::vector<uint8_t>> Build();
  // The bytes written so far, in whichever storage; valid until the next
  // Add* or Build().
  absl::StatusOr<ByteSpan> Finish();

 private:
  enum class Phase { kOpen, kAfterIntegrity, kAfterIntegritySha256, kDone };

  void WriteHeader(Method method, Class cls);
  bool Fail(absl::Status status);
  // Checks order and size, writes the attribute header; false on failure.
  bool Begin(AttributeType type, size_t value_len);
  // Writes padding and updates the header length.
  void End(size_t value_len);
  MessageBuilder& AddValue(AttributeType type, ByteSpan value);
  MessageBuilder& AddAddress(AttributeType type, const SocketAddress& address,
                             bool xored);
  MessageBuilder& AddText(AttributeType type, std::string_view text,
                          size_t max_bytes, bool limit_chars);
  MessageBuilder& AddU32(AttributeType type, uint32_t v);
  MessageBuilder& AddU64(AttributeType type, uint64_t v);
  ByteSpan Written() { return ByteSpan(writer_.At(0), writer_.size()); }

  TransactionId txid_;
  std::vector<uint8_t> owned_;
  ByteWriter writer_;
  bool uses_owned_;
  absl::Status status_;
  Phase phase_ = Phase::kOpen;
  bool built_ = false;  // owned storage already moved out by Build()
  uint8_t padding_byte_ = 0;
};

}  // namespace simrtc::stun

#endif  // CORE_STUN_BUILDER_H_
