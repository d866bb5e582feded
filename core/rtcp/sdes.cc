#include "core/rtcp/sdes.h"

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"

namespace simrtc::rtcp {
namespace {

using internal::FieldError;
using internal::MarshalError;
using internal::Truncated;

// Items, the END byte, then zeros to the next 32-bit boundary: at least one
// and at most four bytes follow the last item.
size_t ChunkSize(const SdesChunk& c) {
  size_t n = 4;
  for (const SdesItem& item : c.items) n += 2 + item.value.size();
  return n + (4 - n % 4);
}

}  // namespace

std::optional<std::string_view> SourceDescription::Cname(uint32_t ssrc) const {
  for (const SdesChunk& c : chunks) {
    if (c.ssrc != ssrc) continue;
    for (const SdesItem& item : c.items) {
      if (item.type == kSdesCname) return item.value;
    }
  }
  return std::nullopt;
}

bool SourceDescription::HasCname() const {
  for (const SdesChunk& c : chunks) {
    for (const SdesItem& item : c.items) {
      if (item.type == kSdesCname) return true;
    }
  }
  return false;
}

absl::StatusOr<SourceDescription> SourceDescription::Parse(
    const RawPacket& raw) {
  const ByteSpan body = raw.body;
  SourceDescription sdes;
  sdes.chunks.reserve(raw.count);
  size_t pos = 0;
  for (size_t i = 0; i < raw.count; ++i) {
    const size_t chunk_start = pos;
    if (body.size() - pos < 4) {
      return Truncated(raw, kName, absl::StrFormat("chunk %d SSRC", i),
                       kHeaderSize + pos, 4, body.size() - pos);
    }
    SdesChunk chunk;
    chunk.ssrc = LoadBE32(&body[pos]);
    pos += 4;
    while (true) {
      if (pos >= body.size()) {
        return FieldError(raw, kName, absl::StrFormat("chunk %d", i),
                          kHeaderSize + chunk_start,
                          "item list has no END byte");
      }
      const uint8_t type = body[pos];
      if (type == kSdesEnd) break;
      if (body.size() - pos < 2) {
        return Truncated(
            raw, kName,
            absl::StrFormat("chunk %d item type %d length", i, type),
            kHeaderSize + pos + 1, 1, 0);
      }
      const size_t len = body[pos + 1];
      if (body.size() - pos - 2 < len) {
        return Truncated(raw, kName,
                         absl::StrFormat("chunk %d item type %d", i, type),
                         kHeaderSize + pos + 2, len, body.size() - pos - 2);
      }
      chunk.items.push_back(
          {type, std::string(AsString(body.subspan(pos + 2, len)))});
      pos += 2 + len;
    }
    // Skip the END byte and the zeros that align the next chunk.
    const size_t next = (pos + 4) & ~size_t{3};
    if (next > body.size()) {
      return Truncated(raw, kName, absl::StrFormat("chunk %d padding", i),
                       kHeaderSize + pos, next - pos, body.size() - pos);
    }
    pos = next;
    sdes.chunks.push_back(std::move(chunk));
  }
  if (pos != body.size()) {
    return FieldError(raw, kName, "trailing data", kHeaderSize + pos,
                      absl::StrFormat("%d bytes after %d chunks",
                                      body.size() - pos, raw.count));
  }
  return sdes;
}

size_t SourceDescription::MarshalSize() const {
  size_t n = kHeaderSize;
  for (const SdesChunk& c : chunks) n += ChunkSize(c);
  return n;
}

absl::Status SourceDescription::MarshalTo(ByteWriter& w) const {
  if (chunks.size() > kMaxChunks) {
    return MarshalError(kName,
                        absl::StrFormat("%d chunks exceed 31", chunks.size()));
  }
  for (size_t i = 0; i < chunks.size(); ++i) {
    for (const SdesItem& item : chunks[i].items) {
      if (item.type == kSdesEnd) {
        return MarshalError(kName,
                            absl::StrFormat("chunk %d: item type 0 is the END "
                                            "marker",
                                            i));
      }
      if (item.value.size() > 255) {
        return MarshalError(kName,
                            absl::StrFormat("chunk %d: item type %d text of %d "
                                            "bytes exceeds 255",
                                            i, item.type, item.value.size()));
      }
    }
  }
  const size_t size = MarshalSize();
  SIMRTC_RETURN_IF_ERROR(internal::CheckPacketSize(kName, size));
  SIMRTC_RETURN_IF_ERROR(internal::WriteHeader(
      w, false, static_cast<uint8_t>(chunks.size()), kPacketTypeSdes, size));
  for (const SdesChunk& c : chunks) {
    SIMRTC_RETURN_IF_ERROR(w.WriteU32(c.ssrc));
    size_t n = 4;
    for (const SdesItem& item : c.items) {
      SIMRTC_RETURN_IF_ERROR(w.WriteU8(item.type));
      SIMRTC_RETURN_IF_ERROR(
          w.WriteU8(static_cast<uint8_t>(item.value.size())));
      SIMRTC_RETURN_IF_ERROR(w.WriteString(item.value));
      n += 2 + item.value.size();
    }
    SIMRTC_RETURN_IF_ERROR(w.WriteZeros(4 - n % 4));
  }
  return absl::OkStatus();
}

std::vector<uint32_t> SourceDescription::DestinationSsrcs() const {
  std::vector<uint32_t> out;
  out.reserve(chunks.size());
  for (const SdesChunk& c : chunks) out.push_back(c.ssrc);
  return out;
}

}  // namespace simrtc::rtcp
