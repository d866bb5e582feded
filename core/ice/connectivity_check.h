// The wire side of ICE connectivity checks (RFC 8445 sections 7.1-7.3,
// RFC 7675 consent): building Binding requests, responses and
// indications, and screening what arrives.
//
// Contract: pure functions over core/stun; no agent state. Requests carry
// USERNAME "<remote ufrag>:<local ufrag>", PRIORITY, ICE-CONTROLLING or
// ICE-CONTROLLED with the tie-breaker, USE-CANDIDATE when nominating,
// MESSAGE-INTEGRITY keyed with the remote password and FINGERPRINT.
// ScreenRequest applies RFC 8489 section 9.1.3 and RFC 8445 section 7.3
// in this order, stopping at the first failure:
//   bad FINGERPRINT                         -> drop silently
//   USERNAME or MESSAGE-INTEGRITY missing   -> 400, no integrity
//   USERNAME not "<one of our ufrags>:..."  -> 401, no integrity
//   MESSAGE-INTEGRITY does not verify       -> 401, no integrity
//   unknown comprehension-required attrs    -> 420 + UNKNOWN-ATTRIBUTES
//   PRIORITY missing/bad, both or malformed
//   ICE-CONTROLLING/ICE-CONTROLLED          -> 400
// (error responses after authentication succeeded carry MESSAGE-INTEGRITY
// and FINGERPRINT). Role conflicts (487) need agent state and are decided
// by the agent.
#ifndef CORE_ICE_CONNECTIVITY_CHECK_H_
#define CORE_ICE_CONNECTIVITY_CHECK_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/socket_address.h"
#include "core/ice/types.h"
#include "core/stun/message.h"
#include "core/stun/transaction_id.h"

namespace simrtc::ice {

struct Credentials {
  std::string ufrag;
  std::string pwd;
  friend bool operator==(const Credentials&, const Credentials&) = default;
};

struct CheckRequestParams {
  std::string_view local_ufrag;
  Credentials remote;  // USERNAME prefix and the MESSAGE-INTEGRITY key
  uint32_t priority = 0;
  Role role = Role::kControlling;
  uint64_t tie_breaker = 0;
  bool use_candidate = false;
  std::string_view software;  // empty = no SOFTWARE
};

absl::StatusOr<std::vector<uint8_t>> BuildCheckRequest(
    const stun::TransactionId& txid, const CheckRequestParams& params);

// Success response to a check: XOR-MAPPED-ADDRESS = where the request came
// from, MESSAGE-INTEGRITY with our (local) password, FINGERPRINT.
absl::StatusOr<std::vector<uint8_t>> BuildCheckSuccess(
    const stun::TransactionId& txid, const SocketAddress& mapped,
    std::string_view local_pwd, std::string_view software = {});

// Error response. `integrity_key` empty = no MESSAGE-INTEGRITY (the request
// was not authenticated); `unknown` fills UNKNOWN-ATTRIBUTES for 420.
absl::StatusOr<std::vector<uint8_t>> BuildCheckError(
    const stun::TransactionId& txid, int code, std::string_view integrity_key,
    std::span<const stun::AttributeType> unknown = {},
    std::string_view software = {});

// RFC 8445 section 11 keepalive: a Binding indication with FINGERPRINT.
absl::StatusOr<std::vector<uint8_t>> BuildKeepalive(
    const stun::TransactionId& txid);

// Server-reflexive discovery request to a STUN server (no credentials).
absl::StatusOr<std::vector<uint8_t>> BuildServerBindingRequest(
    const stun::TransactionId& txid, std::string_view software = {});

// What an accepted check request said.
struct CheckRequest {
  size_t credentials_index = 0;   // which of the local credentials matched
  std::string_view remote_ufrag;  // after the ':'; view into the message
  uint32_t priority = 0;
  std::optional<uint64_t> controlling;  // tie-breakers
  std::optional<uint64_t> controlled;
  bool use_candidate = false;
};

// A request to refuse: code 0 means drop without answering.
struct CheckRejection {
  int code = 0;
  std::string reason;  // for logs
  // Answer with MESSAGE-INTEGRITY under this key (empty = without).
  std::string integrity_key;
  std::vector<stun::AttributeType> unknown;
};

// `msg` must be a Binding request. `local` lists the credentials we accept
// (the current ones, and during an ICE restart the previous ones).
std::variant<CheckRequest, CheckRejection> ScreenRequest(
    const stun::Message& msg, std::span<const Credentials> local);

// A response to one of our checks, validated with the remote password.
struct CheckResponse {
  bool success = false;
  SocketAddress mapped;  // success: XOR-MAPPED-ADDRESS
  int error_code = 0;    // error response
};

// NotFound/Unauthenticated/InvalidArgument when the response must be
// discarded as if never received: integrity missing or wrong (except on
// 400/401/420, which an agent that could not authenticate us sends
// without it), no XOR-MAPPED-ADDRESS on a success, unparsable ERROR-CODE.
absl::StatusOr<CheckResponse> ScreenResponse(const stun::Message& msg,
                                             std::string_view remote_pwd);

}  // namespace simrtc::ice

#endif  // CORE_ICE_CONNECTIVITY_CHECK_H_
