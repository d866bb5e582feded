// STUN (RFC 8489) and TURN (RFC 8656) code points, plus the ICE (RFC 8445)
// attributes: methods, classes, attribute types, error codes.
//
// Contract: pure constants and constexpr helpers; no state, no allocation.
// Enumerations are open: any 12-bit method and any 16-bit attribute type
// can be held in Method / AttributeType, because a parser must be able to
// carry code points it does not know. Name functions return "unknown" for
// those instead of formatting, so logging never allocates.
#ifndef CORE_STUN_CONSTANTS_H_
#define CORE_STUN_CONSTANTS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace simrtc::stun {

inline constexpr uint32_t kMagicCookie = 0x2112A442;
inline constexpr size_t kHeaderSize = 20;
inline constexpr size_t kTransactionIdSize = 12;
inline constexpr size_t kAttributeHeaderSize = 4;
// The message length field is 16 bits and counts bytes after the header.
inline constexpr size_t kMaxBodySize = 0xFFFC;  // largest multiple of 4
// FINGERPRINT is CRC-32 XOR this ("STUN" in ASCII), so a STUN CRC never
// equals the CRC another protocol on the same port would carry.
inline constexpr uint32_t kFingerprintXor = 0x5354554E;
inline constexpr uint16_t kDefaultPort = 3478;
inline constexpr uint16_t kDefaultTlsPort = 5349;

// The 12-bit method. Values outside the list are valid on the wire.
enum class Method : uint16_t {
  kBinding = 0x001,
  // TURN, RFC 8656.
  kAllocate = 0x003,
  kRefresh = 0x004,
  kSend = 0x006,
  kData = 0x007,
  kCreatePermission = 0x008,
  kChannelBind = 0x009,
};

enum class Class : uint8_t {
  kRequest = 0,
  kIndication = 1,
  kSuccess = 2,
  kError = 3,
};

inline constexpr uint16_t kMaxMethod = 0x0FFF;

// RFC 8489 section 5: the class bits C0 and C1 sit at type bits 4 and 8,
// interleaved with the method bits, so the type is not simply method|class.
constexpr uint16_t ComposeMessageType(Method method, Class cls) {
  const uint16_t m = static_cast<uint16_t>(method) & kMaxMethod;
  const uint16_t c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((m & 0x000F) | ((m & 0x0070) << 1) |
                               ((m & 0x0F80) << 2) | ((c & 0x1) << 4) |
                               ((c & 0x2) << 7));
}
constexpr Method MethodFromType(uint16_t type) {
  return static_cast<Method>((type & 0x000F) | ((type & 0x00E0) >> 1) |
                             ((type & 0x3E00) >> 2));
}
constexpr Class ClassFromType(uint16_t type) {
  return static_cast<Class>(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
}

// "Binding", "Allocate", ... or "unknown".
std::string_view MethodName(Method method);
// "request", "indication", "success response", "error response".
std::string_view ClassName(Class cls);
// "Binding success response"; unknown methods as "method 0x123 request".
std::string MessageTypeName(uint16_t type);

// Attribute types. 0x0000-0x7FFF are comprehension-required (an agent that
// does not understand one must reject the message with 420), 0x8000-0xFFFF
// comprehension-optional.
enum class AttributeType : uint16_t {
  // RFC 8489.
  kMappedAddress = 0x0001,
  kUsername = 0x0006,
  kMessageIntegrity = 0x0008,
  kErrorCode = 0x0009,
  kUnknownAttributes = 0x000A,
  kRealm = 0x0014,
  kNonce = 0x0015,
  kMessageIntegritySha256 = 0x001C,
  kPasswordAlgorithm = 0x001D,
  kUserhash = 0x001E,
  kXorMappedAddress = 0x0020,
  kPasswordAlgorithms = 0x8002,
  kAlternateDomain = 0x8003,
  kSoftware = 0x8022,
  kAlternateServer = 0x8023,
  kFingerprint = 0x8028,
  // TURN, RFC 8656.
  kChannelNumber = 0x000C,
  kLifetime = 0x000D,
  kXorPeerAddress = 0x0012,
  kData = 0x0013,
  kXorRelayedAddress = 0x0016,
  kRequestedAddressFamily = 0x0017,
  kEvenPort = 0x0018,
  kRequestedTransport = 0x0019,
  kDontFragment = 0x001A,
  kReservationToken = 0x0022,
  // ICE, RFC 8445.
  kPriority = 0x0024,
  kUseCandidate = 0x0025,
  kIceControlled = 0x8029,
  kIceControlling = 0x802A,
};

constexpr bool IsComprehensionRequired(AttributeType type) {
  return static_cast<uint16_t>(type) < 0x8000;
}
// True for the types this codec decodes (has a typed getter for, or handles
// as integrity/fingerprint). The others are carried raw.
bool IsKnownAttribute(AttributeType type);
// "XOR-MAPPED-ADDRESS", ... or "unknown".
std::string_view AttributeName(AttributeType type);

// ERROR-CODE values (RFC 8489 section 14.8, RFC 8656 section 19, RFC 8445).
namespace error_codes {
inline constexpr int kTryAlternate = 300;
inline constexpr int kBadRequest = 400;
inline constexpr int kUnauthenticated = 401;
inline constexpr int kForbidden = 403;
inline constexpr int kMobilityForbidden = 405;
inline constexpr int kUnknownAttribute = 420;
inline constexpr int kAllocationMismatch = 437;
inline constexpr int kStaleNonce = 438;
inline constexpr int kAddressFamilyNotSupported = 440;
inline constexpr int kWrongCredentials = 441;
inline constexpr int kUnsupportedTransportProtocol = 442;
inline constexpr int kPeerAddressFamilyMismatch = 443;
inline constexpr int kAllocationQuotaReached = 486;
inline constexpr int kRoleConflict = 487;
inline constexpr int kServerError = 500;
inline constexpr int kInsufficientCapacity = 508;
}  // namespace error_codes

// The RFC's suggested reason phrase for a code, or "" when it has none.
std::string_view DefaultReasonPhrase(int code);

// REQUESTED-TRANSPORT protocol numbers (IANA protocol numbers).
inline constexpr uint8_t kProtocolUdp = 17;
inline constexpr uint8_t kProtocolTcp = 6;

}  // namespace simrtc::stun

#endif  // CORE_STUN_CONSTANTS_H_
