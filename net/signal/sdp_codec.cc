#include "net/signal/sdp_codec.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "net/signal/json.h"

namespace simrtc::signal {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// Why Abseil rejected `text` (offsets are into the caller's input, which
// starts `lead` bytes before `text`).
absl::Status Base64Error(std::string_view text, size_t lead) {
  size_t padding = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsSpace(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const auto b = static_cast<uint8_t>(c);
    const std::string shown = (b >= 0x21 && b < 0x7F)
                                  ? absl::StrFormat("'%c'", b)
                                  : absl::StrFormat("byte 0x%02x", b);
    if (!IsBase64Char(c)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "not base64: %s at offset %d is not in the standard base64 "
          "alphabet (A-Z a-z 0-9 + / =)",
          shown, lead + i));
    }
    if (padding > 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "not base64: %s at offset %d follows '=' padding", shown, lead + i));
    }
  }
  return absl::InvalidArgumentError(
      "not base64: the length or the '=' padding is wrong (truncated copy?)");
}

std::optional<std::string_view> FindMember(const JsonStringMembers& members,
                                           std::string_view name) {
  for (const auto& [key, value] : members) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string ToJson(const peer::SessionDescription& desc) {
  return WriteJsonStringObject(
      {{"type", std::string(peer::SdpTypeName(desc.type))}, {"sdp", desc.sdp}});
}

absl::StatusOr<peer::SessionDescription> FromJson(std::string_view json) {
  absl::StatusOr<JsonStringMembers> members = ParseJsonStringObject(json);
  if (!members.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "session description is not a JSON object of strings: %s",
        members.status().message()));
  }
  const std::optional<std::string_view> type = FindMember(*members, "type");
  if (!type.has_value()) {
    return absl::InvalidArgumentError(
        "session description JSON has no \"type\" member (expected "
        "{\"type\":\"offer\",\"sdp\":\"...\"})");
  }
  peer::SessionDescription desc;
  bool known = false;
  for (peer::SdpType t : {peer::SdpType::kOffer, peer::SdpType::kPrAnswer,
                          peer::SdpType::kAnswer, peer::SdpType::kRollback}) {
    if (*type == peer::SdpTypeName(t)) {
      desc.type = t;
      known = true;
    }
  }
  if (!known) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "session description \"type\" is \"%s\": expected offer, pranswer, "
        "answer or rollback",
        absl::CHexEscape(ToAbsl(type->substr(0, 64)))));
  }
  const std::optional<std::string_view> sdp = FindMember(*members, "sdp");
  if (!sdp.has_value()) {
    return absl::InvalidArgumentError(
        "session description JSON has no \"sdp\" member");
  }
  if (sdp->empty() && desc.type != peer::SdpType::kRollback) {
    return absl::InvalidArgumentError(
        absl::StrFormat("session description \"sdp\" is empty (type %s)",
                        peer::SdpTypeName(desc.type)));
  }
  desc.sdp = std::string(*sdp);
  return desc;
}

std::string Encode(const peer::SessionDescription& desc) {
  std::string out;
  absl::Base64Escape(ToJson(desc), &out);
  return out;
}

absl::StatusOr<peer::SessionDescription> Decode(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  const std::string_view trimmed = text.substr(begin, end - begin);
  if (trimmed.empty()) {
    return absl::InvalidArgumentError(
        "empty input: expected the base64 of {\"type\":...,\"sdp\":...}");
  }
  std::string json;
  if (!absl::Base64Unescape(ToAbsl(trimmed), &json)) {
    return Base64Error(trimmed, begin);
  }
  absl::StatusOr<peer::SessionDescription> desc = FromJson(json);
  if (!desc.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("base64 decoded, but %s", desc.status().message()));
  }
  return desc;
}

}  // namespace simrtc::signal
