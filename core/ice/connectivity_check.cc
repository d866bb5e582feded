#include "core/ice/connectivity_check.h"

#include <string>

#include "absl/strings/str_format.h"
#include "core/stun/builder.h"

namespace simrtc::ice {

using stun::AttributeType;
using stun::Class;
using stun::MessageBuilder;
using stun::Method;
namespace codes = stun::error_codes;

absl::StatusOr<std::vector<uint8_t>> BuildCheckRequest(
    const stun::TransactionId& txid, const CheckRequestParams& p) {
  std::string username;
  username.reserve(p.remote.ufrag.size() + 1 + p.local_ufrag.size());
  username.append(p.remote.ufrag).push_back(':');
  username.append(p.local_ufrag);
  MessageBuilder b(Method::kBinding, Class::kRequest, txid);
  b.AddUsername(username);
  if (!p.software.empty()) b.AddSoftware(p.software);
  b.AddPriority(p.priority);
  if (p.role == Role::kControlling) {
    b.AddIceControlling(p.tie_breaker);
  } else {
    b.AddIceControlled(p.tie_breaker);
  }
  if (p.use_candidate) b.AddUseCandidate();
  b.AddMessageIntegrity(p.remote.pwd).AddFingerprint();
  return b.Build();
}

absl::StatusOr<std::vector<uint8_t>> BuildCheckSuccess(
    const stun::TransactionId& txid, const SocketAddress& mapped,
    std::string_view local_pwd, std::string_view software) {
  MessageBuilder b(Method::kBinding, Class::kSuccess, txid);
  b.AddXorMappedAddress(mapped);
  if (!software.empty()) b.AddSoftware(software);
  b.AddMessageIntegrity(local_pwd).AddFingerprint();
  return b.Build();
}

absl::StatusOr<std::vector<uint8_t>> BuildCheckError(
    const stun::TransactionId& txid, int code, std::string_view integrity_key,
    std::span<const stun::AttributeType> unknown, std::string_view software) {
  MessageBuilder b(Method::kBinding, Class::kError, txid);
  b.AddErrorCode(code);
  if (!unknown.empty()) b.AddUnknownAttributes(unknown);
  if (!software.empty()) b.AddSoftware(software);
  if (!integrity_key.empty()) b.AddMessageIntegrity(integrity_key);
  b.AddFingerprint();
  return b.Build();
}

absl::StatusOr<std::vector<uint8_t>> BuildKeepalive(
    const stun::TransactionId& txid) {
  return MessageBuilder(Method::kBinding, Class::kIndication, txid)
      .AddFingerprint()
      .Build();
}

absl::StatusOr<std::vector<uint8_t>> BuildServerBindingRequest(
    const stun::TransactionId& txid, std::string_view software) {
  MessageBuilder b(Method::kBinding, Class::kRequest, txid);
  if (!software.empty()) b.AddSoftware(software);
  b.AddFingerprint();
  return b.Build();
}

namespace {

CheckRejection Reject(int code, std::string reason,
                      std::string integrity_key = {}) {
  CheckRejection r;
  r.code = code;
  r.reason = std::move(reason);
  r.integrity_key = std::move(integrity_key);
  return r;
}

}  // namespace

std::variant<CheckRequest, CheckRejection> ScreenRequest(
    const stun::Message& msg, std::span<const Credentials> local) {
  if (msg.HasFingerprint() && !msg.VerifyFingerprint().ok()) {
    return Reject(0, "FINGERPRINT does not match");
  }
  absl::StatusOr<std::string_view> username = msg.GetUsername();
  if (!username.ok() || !msg.HasMessageIntegrity()) {
    return Reject(codes::kBadRequest, !username.ok()
                                          ? "USERNAME missing or malformed"
                                          : "MESSAGE-INTEGRITY missing");
  }
  const size_t colon = username->find(':');
  if (colon == std::string_view::npos) {
    return Reject(codes::kUnauthenticated,
                  absl::StrFormat("USERNAME \"%s\" has no ':'", *username));
  }
  const std::string_view ours = username->substr(0, colon);
  size_t index = local.size();
  for (size_t i = 0; i < local.size(); ++i) {
    if (local[i].ufrag == ours) {
      index = i;
      break;
    }
  }
  if (index == local.size()) {
    return Reject(
        codes::kUnauthenticated,
        absl::StrFormat("USERNAME \"%s\": unknown local ufrag", *username));
  }
  const std::string& pwd = local[index].pwd;
  if (absl::Status s = msg.VerifyMessageIntegrity(pwd); !s.ok()) {
    return Reject(codes::kUnauthenticated,
                  absl::StrFormat("MESSAGE-INTEGRITY: %s", s.ToString()));
  }
  std::vector<AttributeType> unknown = stun::UnknownComprehensionRequired(msg);
  if (!unknown.empty()) {
    CheckRejection r = Reject(codes::kUnknownAttribute,
                              "unknown comprehension-required attribute", pwd);
    r.unknown = std::move(unknown);
    return r;
  }
  CheckRequest req;
  req.credentials_index = index;
  req.remote_ufrag = username->substr(colon + 1);
  absl::StatusOr<uint32_t> priority = msg.GetPriority();
  if (!priority.ok()) {
    return Reject(codes::kBadRequest,
                  absl::StrFormat("PRIORITY: %s", priority.status().ToString()),
                  pwd);
  }
  req.priority = *priority;
  if (msg.Has(AttributeType::kIceControlling)) {
    absl::StatusOr<uint64_t> t = msg.GetIceControlling();
    if (!t.ok()) {
      return Reject(codes::kBadRequest, t.status().ToString(), pwd);
    }
    req.controlling = *t;
  }
  if (msg.Has(AttributeType::kIceControlled)) {
    absl::StatusOr<uint64_t> t = msg.GetIceControlled();
    if (!t.ok()) {
      return Reject(codes::kBadRequest, t.status().ToString(), pwd);
    }
    req.controlled = *t;
  }
  if (req.controlling && req.controlled) {
    return Reject(codes::kBadRequest,
                  "both ICE-CONTROLLING and ICE-CONTROLLED present", pwd);
  }
  req.use_candidate = msg.HasUseCandidate();
  return req;
}

absl::StatusOr<CheckResponse> ScreenResponse(const stun::Message& msg,
                                             std::string_view remote_pwd) {
  if (msg.HasFingerprint()) {
    if (absl::Status s = msg.VerifyFingerprint(); !s.ok()) return s;
  }
  CheckResponse r;
  if (msg.message_class() == Class::kError) {
    absl::StatusOr<stun::ErrorCode> code = msg.GetErrorCode();
    if (!code.ok()) return code.status();
    r.error_code = code->code;
    const bool may_be_unsigned = r.error_code == codes::kBadRequest ||
                                 r.error_code == codes::kUnauthenticated ||
                                 r.error_code == codes::kUnknownAttribute;
    if (msg.HasMessageIntegrity()) {
      if (absl::Status s = msg.VerifyMessageIntegrity(remote_pwd); !s.ok()) {
        return s;
      }
    } else if (!may_be_unsigned) {
      return absl::UnauthenticatedError(absl::StrFormat(
          "error response %d without MESSAGE-INTEGRITY", r.error_code));
    }
    return r;
  }
  if (!msg.HasMessageIntegrity()) {
    return absl::UnauthenticatedError(
        "success response without MESSAGE-INTEGRITY");
  }
  if (absl::Status s = msg.VerifyMessageIntegrity(remote_pwd); !s.ok()) {
    return s;
  }
  absl::StatusOr<SocketAddress> mapped = msg.GetXorMappedAddress();
  if (!mapped.ok()) return mapped.status();
  r.success = true;
  r.mapped = *mapped;
  return r;
}

}  // namespace simrtc::ice
