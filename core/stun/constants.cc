#include "core/stun/constants.h"

#include "absl/strings/str_format.h"

namespace simrtc::stun {

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kBinding:
      return "Binding";
    case Method::kAllocate:
      return "Allocate";
    case Method::kRefresh:
      return "Refresh";
    case Method::kSend:
      return "Send";
    case Method::kData:
      return "Data";
    case Method::kCreatePermission:
      return "CreatePermission";
    case Method::kChannelBind:
      return "ChannelBind";
  }
  return "unknown";
}

std::string_view ClassName(Class cls) {
  switch (cls) {
    case Class::kRequest:
      return "request";
    case Class::kIndication:
      return "indication";
    case Class::kSuccess:
      return "success response";
    case Class::kError:
      return "error response";
  }
  return "unknown";
}

std::string MessageTypeName(uint16_t type) {
  const Method method = MethodFromType(type);
  const std::string_view name = MethodName(method);
  if (name == "unknown") {
    return absl::StrFormat("method 0x%03x %s", static_cast<uint16_t>(method),
                           ClassName(ClassFromType(type)));
  }
  return absl::StrFormat("%s %s", name, ClassName(ClassFromType(type)));
}

bool IsKnownAttribute(AttributeType type) {
  switch (type) {
    case AttributeType::kMappedAddress:
    case AttributeType::kUsername:
    case AttributeType::kMessageIntegrity:
    case AttributeType::kErrorCode:
    case AttributeType::kUnknownAttributes:
    case AttributeType::kRealm:
    case AttributeType::kNonce:
    case AttributeType::kMessageIntegritySha256:
    case AttributeType::kXorMappedAddress:
    case AttributeType::kSoftware:
    case AttributeType::kAlternateServer:
    case AttributeType::kFingerprint:
    case AttributeType::kChannelNumber:
    case AttributeType::kLifetime:
    case AttributeType::kXorPeerAddress:
    case AttributeType::kData:
    case AttributeType::kXorRelayedAddress:
    case AttributeType::kRequestedAddressFamily:
    case AttributeType::kEvenPort:
    case AttributeType::kRequestedTransport:
    case AttributeType::kDontFragment:
    case AttributeType::kReservationToken:
    case AttributeType::kPriority:
    case AttributeType::kUseCandidate:
    case AttributeType::kIceControlled:
    case AttributeType::kIceControlling:
      return true;
    // Named (so logs are readable) but not decoded: the RFC 8489 password
    // algorithm negotiation and userhash are not implemented.
    case AttributeType::kPasswordAlgorithm:
    case AttributeType::kUserhash:
    case AttributeType::kPasswordAlgorithms:
    case AttributeType::kAlternateDomain:
      return false;
  }
  return false;
}

std::string_view AttributeName(AttributeType type) {
  switch (type) {
    case AttributeType::kMappedAddress:
      return "MAPPED-ADDRESS";
    case AttributeType::kUsername:
      return "USERNAME";
    case AttributeType::kMessageIntegrity:
      return "MESSAGE-INTEGRITY";
    case AttributeType::kErrorCode:
      return "ERROR-CODE";
    case AttributeType::kUnknownAttributes:
      return "UNKNOWN-ATTRIBUTES";
    case AttributeType::kRealm:
      return "REALM";
    case AttributeType::kNonce:
      return "NONCE";
    case AttributeType::kMessageIntegritySha256:
      return "MESSAGE-INTEGRITY-SHA256";
    case AttributeType::kPasswordAlgorithm:
      return "PASSWORD-ALGORITHM";
    case AttributeType::kUserhash:
      return "USERHASH";
    case AttributeType::kXorMappedAddress:
      return "XOR-MAPPED-ADDRESS";
    case AttributeType::kPasswordAlgorithms:
      return "PASSWORD-ALGORITHMS";
    case AttributeType::kAlternateDomain:
      return "ALTERNATE-DOMAIN";
    case AttributeType::kSoftware:
      return "SOFTWARE";
    case AttributeType::kAlternateServer:
      return "ALTERNATE-SERVER";
    case AttributeType::kFingerprint:
      return "FINGERPRINT";
    case AttributeType::kChannelNumber:
      return "CHANNEL-NUMBER";
    case AttributeType::kLifetime:
      return "LIFETIME";
    case AttributeType::kXorPeerAddress:
      return "XOR-PEER-ADDRESS";
    case AttributeType::kData:
      return "DATA";
    case AttributeType::kXorRelayedAddress:
      return "XOR-RELAYED-ADDRESS";
    case AttributeType::kRequestedAddressFamily:
      return "REQUESTED-ADDRESS-FAMILY";
    case AttributeType::kEvenPort:
      return "EVEN-PORT";
    case AttributeType::kRequestedTransport:
      return "REQUESTED-TRANSPORT";
    case AttributeType::kDontFragment:
      return "DONT-FRAGMENT";
    case AttributeType::kReservationToken:
      return "RESERVATION-TOKEN";
    case AttributeType::kPriority:
      return "PRIORITY";
    case AttributeType::kUseCandidate:
      return "USE-CANDIDATE";
    case AttributeType::kIceControlled:
      return "ICE-CONTROLLED";
    case AttributeType::kIceControlling:
      return "ICE-CONTROLLING";
  }
  return "unknown";
}

std::string_view DefaultReasonPhrase(int code) {
  switch (code) {
    case error_codes::kTryAlternate:
      return "Try Alternate";
    case error_codes::kBadRequest:
      return "Bad Request";
    case error_codes::kUnauthenticated:
      return "Unauthenticated";
    case error_codes::kForbidden:
      return "Forbidden";
    case error_codes::kMobilityForbidden:
      return "Mobility Forbidden";
    case error_codes::kUnknownAttribute:
      return "Unknown Attribute";
    case error_codes::kAllocationMismatch:
      return "Allocation Mismatch";
    case error_codes::kStaleNonce:
      return "Stale Nonce";
    case error_codes::kAddressFamilyNotSupported:
      return "Address Family not Supported";
    case error_codes::kWrongCredentials:
      return "Wrong Credentials";
    case error_codes::kUnsupportedTransportProtocol:
      return "Unsupported Transport Protocol";
    case error_codes::kPeerAddressFamilyMismatch:
      return "Peer Address Family Mismatch";
    case error_codes::kAllocationQuotaReached:
      return "Allocation Quota Reached";
    case error_codes::kRoleConflict:
      return "Role Conflict";
    case error_codes::kServerError:
      return "Server Error";
    case error_codes::kInsufficientCapacity:
      return "Insufficient Capacity";
  }
  return "";
}

}  // namespace simrtc::stun
