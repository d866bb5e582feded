#include "core/rtcp/bye_app.h"

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"

namespace simrtc::rtcp {

using internal::FieldError;
using internal::MarshalError;
using internal::Truncated;

absl::StatusOr<Bye> Bye::Parse(const RawPacket& raw) {
  const ByteSpan body = raw.body;
  const size_t list = 4u * raw.count;
  if (body.size() < list) {
    return Truncated(raw, kName, absl::StrFormat("%d SSRCs", raw.count),
                     kHeaderSize, list, body.size());
  }
  Bye bye;
  bye.ssrcs.resize(raw.count);
  for (size_t i = 0; i < raw.count; ++i) {
    bye.ssrcs[i] = LoadBE32(&body[4 * i]);
  }
  size_t pos = list;
  if (pos < body.size()) {
    const size_t len = body[pos];
    if (body.size() - pos - 1 < len) {
      return Truncated(raw, kName, "reason", kHeaderSize + pos + 1, len,
                       body.size() - pos - 1);
    }
    bye.reason.assign(AsString(body.subspan(pos + 1, len)));
    pos += 1 + len;
    // The reason is zero-padded to a word boundary; more than that is not
    // a BYE we understand.
    if (body.size() - pos > 3) {
      return FieldError(
          raw, kName, "trailing data", kHeaderSize + pos,
          absl::StrFormat("%d bytes after the reason", body.size() - pos));
    }
  }
  return bye;
}

size_t Bye::MarshalSize() const {
  size_t n = kHeaderSize + 4 * ssrcs.size();
  if (!reason.empty()) n += (1 + reason.size() + 3) & ~size_t{3};
  return n;
}

absl::Status Bye::MarshalTo(ByteWriter& w) const {
  if (ssrcs.size() > kMaxSources) {
    return MarshalError(kName,
                        absl::StrFormat("%d SSRCs exceed 31", ssrcs.size()));
  }
  if (reason.size() > 255) {
    return MarshalError(kName, absl::StrFormat("reason of %d bytes exceeds 255",
                                               reason.size()));
  }
  const size_t size = MarshalSize();
  SIMRTC_RETURN_IF_ERROR(internal::CheckPacketSize(kName, size));
  SIMRTC_RETURN_IF_ERROR(internal::WriteHeader(
      w, false, static_cast<uint8_t>(ssrcs.size()), kPacketTypeBye, size));
  for (uint32_t ssrc : ssrcs) SIMRTC_RETURN_IF_ERROR(w.WriteU32(ssrc));
  if (!reason.empty()) {
    SIMRTC_RETURN_IF_ERROR(w.WriteU8(static_cast<uint8_t>(reason.size())));
    SIMRTC_RETURN_IF_ERROR(w.WriteString(reason));
    SIMRTC_RETURN_IF_ERROR(w.WriteZeros(3 - reason.size() % 4));
  }
  return absl::OkStatus();
}

absl::StatusOr<App> App::Parse(const RawPacket& raw) {
  const ByteSpan body = raw.body;
  if (body.size() < 8) {
    return Truncated(raw, kName, "SSRC and name", kHeaderSize, 8, body.size());
  }
  if ((body.size() - 8) % 4 != 0) {
    return FieldError(
        raw, kName, "application data", kHeaderSize + 8,
        absl::StrFormat("%d bytes is not a multiple of 4", body.size() - 8));
  }
  App app;
  app.subtype = raw.count;
  app.ssrc = LoadBE32(body.data());
  for (size_t i = 0; i < 4; ++i) app.name[i] = static_cast<char>(body[4 + i]);
  app.data.assign(body.begin() + 8, body.end());
  return app;
}

absl::Status App::MarshalTo(ByteWriter& w) const {
  if (subtype > 31) {
    return MarshalError(kName,
                        absl::StrFormat("subtype %d exceeds 31", subtype));
  }
  if (data.size() % 4 != 0) {
    return MarshalError(
        kName, absl::StrFormat("data of %d bytes is not a multiple of 4",
                               data.size()));
  }
  const size_t size = MarshalSize();
  SIMRTC_RETURN_IF_ERROR(internal::CheckPacketSize(kName, size));
  SIMRTC_RETURN_IF_ERROR(
      internal::WriteHeader(w, false, subtype, kPacketTypeApp, size));
  SIMRTC_RETURN_IF_ERROR(w.WriteU32(ssrc));
  SIMRTC_RETURN_IF_ERROR(w.WriteString(std::string_view(name.data(), 4)));
  return w.WriteBytes(data);
}

}  // namespace simrtc::rtcp
