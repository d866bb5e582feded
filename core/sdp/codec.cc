#include "core/sdp/codec.h"

#include <array>

#include "absl/strings/str_format.h"
#include "core/sdp/text_util.h"

namespace simrtc::sdp {

namespace {

struct StaticPayload {
  uint8_t pt;
  std::string_view name;
  uint32_t clock_rate;
  std::optional<uint32_t> channels;
};

// RFC 3551 tables 4 and 5: payload types usable without an rtpmap line.
constexpr std::array<StaticPayload, 24> kStaticPayloads = {{
    {0, "PCMU", 8000, std::nullopt},
    {3, "GSM", 8000, std::nullopt},
    {4, "G723", 8000, std::nullopt},
    {5, "DVI4", 8000, std::nullopt},
    {6, "DVI4", 16000, std::nullopt},
    {7, "LPC", 8000, std::nullopt},
    {8, "PCMA", 8000, std::nullopt},
    {9, "G722", 8000, std::nullopt},
    {10, "L16", 44100, 2},
    {11, "L16", 44100, std::nullopt},
    {12, "QCELP", 8000, std::nullopt},
    {13, "CN", 8000, std::nullopt},
    {14, "MPA", 90000, std::nullopt},
    {15, "G728", 8000, std::nullopt},
    {16, "DVI4", 11025, std::nullopt},
    {17, "DVI4", 22050, std::nullopt},
    {18, "G729", 8000, std::nullopt},
    {25, "CelB", 90000, std::nullopt},
    {26, "JPEG", 90000, std::nullopt},
    {28, "nv", 90000, std::nullopt},
    {31, "H261", 90000, std::nullopt},
    {32, "MPV", 90000, std::nullopt},
    {33, "MP2T", 90000, std::nullopt},
    {34, "H263", 90000, std::nullopt},
}};

const StaticPayload* FindStatic(uint8_t pt) {
  for (const StaticPayload& s : kStaticPayloads) {
    if (s.pt == pt) return &s;
  }
  return nullptr;
}

}  // namespace

bool IsRtpProtocol(std::string_view protocol) {
  size_t start = 0;
  while (start <= protocol.size()) {
    size_t slash = protocol.find('/', start);
    if (slash == std::string_view::npos) slash = protocol.size();
    if (protocol.substr(start, slash - start) == "RTP") return true;
    start = slash + 1;
  }
  return false;
}

absl::StatusOr<std::vector<Codec>> GetCodecs(const MediaDescription& media) {
  std::vector<Codec> codecs;
  if (!IsRtpProtocol(media.protocol)) return codecs;
  std::array<int, 128> index;
  index.fill(-1);
  std::array<bool, 128> mapped{};
  codecs.reserve(media.formats.size());
  for (const std::string& f : media.formats) {
    uint8_t pt;
    if (!internal::ParseUnsigned(std::string_view(f), &pt) || pt > 127) {
      return absl::InvalidArgumentError(
          absl::StrFormat("m=%s format \"%s\" is not an RTP payload type 0-127",
                          media.media, internal::Excerpt(f)));
    }
    if (index[pt] >= 0) continue;  // listed twice; the first one counts
    index[pt] = static_cast<int>(codecs.size());
    codecs.emplace_back().payload_type = pt;
  }
  for (const Attribute& a : media.attributes) {
    if (!a.value) continue;
    if (a.key == attr::kRtpMap) {
      auto m = RtpMap::Parse(*a.value);
      if (!m.ok()) return m.status();
      const int i = index[m->payload_type];
      if (i < 0 || mapped[m->payload_type]) continue;
      mapped[m->payload_type] = true;
      Codec& c = codecs[static_cast<size_t>(i)];
      c.name = std::move(m->encoding_name);
      c.clock_rate = m->clock_rate;
      c.channels = m->channels;
    } else if (a.key == attr::kFmtp) {
      auto f = Fmtp::Parse(*a.value);
      if (!f.ok()) return f.status();
      const int i = index[f->payload_type];
      if (i >= 0 && codecs[static_cast<size_t>(i)].fmtp.empty()) {
        codecs[static_cast<size_t>(i)].fmtp = std::move(f->parameters);
      }
    } else if (a.key == attr::kRtcpFb) {
      auto fb = RtcpFb::Parse(*a.value);
      if (!fb.ok()) return fb.status();
      if (!fb->payload_type) {
        for (Codec& c : codecs) c.feedback.push_back(*fb);
      } else if (index[*fb->payload_type] >= 0) {
        codecs[static_cast<size_t>(index[*fb->payload_type])]
            .feedback.push_back(*std::move(fb));
      }
    }
  }
  for (Codec& c : codecs) {
    if (mapped[c.payload_type]) continue;
    const StaticPayload* s = FindStatic(c.payload_type);
    if (s == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrFormat("m=%s payload type %d is dynamic but has no a=rtpmap",
                          media.media, c.payload_type));
    }
    c.name.assign(s->name);
    c.clock_rate = s->clock_rate;
    c.channels = s->channels;
  }
  return codecs;
}

absl::StatusOr<Codec> GetCodec(const MediaDescription& media,
                               uint8_t payload_type) {
  auto codecs = GetCodecs(media);
  if (!codecs.ok()) return codecs.status();
  for (Codec& c : *codecs) {
    if (c.payload_type == payload_type) return std::move(c);
  }
  return absl::NotFoundError(absl::StrFormat(
      "m=%s does not list payload type %d", media.media, payload_type));
}

absl::StatusOr<std::vector<uint8_t>> FindPayloadTypes(
    const MediaDescription& media, std::string_view name,
    std::optional<std::string_view> fmtp) {
  auto codecs = GetCodecs(media);
  if (!codecs.ok()) return codecs.status();
  std::vector<uint8_t> out;
  for (const Codec& c : *codecs) {
    if (!internal::EqualsIgnoreCase(c.name, name)) continue;
    if (fmtp && !FmtpContains(c.fmtp, *fmtp)) continue;
    out.push_back(c.payload_type);
  }
  return out;
}

void AddCodec(MediaDescription& media, const Codec& codec) {
  std::string pt;
  internal::AppendUint(&pt, codec.payload_type);
  media.formats.push_back(pt);
  RtpMap map;
  map.payload_type = codec.payload_type;
  map.encoding_name = codec.name;
  map.clock_rate = codec.clock_rate;
  map.channels = codec.channels;
  media.attributes.AddTyped(map);
  for (const RtcpFb& fb : codec.feedback) {
    RtcpFb mine = fb;
    mine.payload_type = codec.payload_type;
    media.attributes.AddTyped(mine);
  }
  if (!codec.fmtp.empty()) {
    media.attributes.AddTyped(Fmtp{codec.payload_type, codec.fmtp});
  }
}

}  // namespace simrtc::sdp
