#include "core/peer/jsep.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/base/absl_compat.h"
#include "core/sdp/sdp.h"

namespace simrtc::peer {
namespace {

sdp::RtcpFb Fb(std::string type, std::string parameter = "") {
  sdp::RtcpFb f;
  f.type = std::move(type);
  f.parameter = std::move(parameter);
  return f;
}

MediaKind KindOf(const sdp::MediaDescription& m) {
  if (m.media == "audio" || m.media == "video") {
    if (!sdp::IsRtpProtocol(m.protocol) ||
        m.protocol.find("SAVPF") == std::string::npos) {
      return MediaKind::kUnsupported;
    }
    return m.media == "audio" ? MediaKind::kAudio : MediaKind::kVideo;
  }
  if (m.media == "application" &&
      m.protocol.find("DTLS/SCTP") != std::string::npos) {
    return MediaKind::kApplication;
  }
  return MediaKind::kUnsupported;
}

std::string Where(size_t index, std::string_view mid) {
  return mid.empty() ? absl::StrFormat("m-line %d", index)
                     : absl::StrFormat("m-line %d (mid %s)", index, mid);
}

absl::Status SdpError(std::string message) {
  return absl::InvalidArgumentError("SDP: " + message);
}

bool SameCodec(const sdp::Codec& a, const sdp::Codec& b) {
  return absl::EqualsIgnoreCase(ToAbsl(a.name), ToAbsl(b.name)) &&
         a.clock_rate == b.clock_rate &&
         a.channels.value_or(1) == b.channels.value_or(1);
}

}  // namespace

std::string_view MediaKindName(MediaKind k) {
  switch (k) {
    case MediaKind::kAudio:
      return "audio";
    case MediaKind::kVideo:
      return "video";
    case MediaKind::kApplication:
      return "application";
    case MediaKind::kUnsupported:
      return "unsupported";
  }
  return "unknown";
}

std::vector<sdp::Codec> SupportedCodecs(MediaKind kind) {
  std::vector<sdp::Codec> out;
  if (kind == MediaKind::kAudio) {
    sdp::Codec opus;
    opus.payload_type = 111;
    opus.name = "opus";
    opus.clock_rate = 48000;
    opus.channels = 2;
    opus.fmtp = "minptime=10;useinbandfec=1";
    opus.feedback = {Fb("transport-cc")};
    out.push_back(opus);
    sdp::Codec pcmu;
    pcmu.payload_type = 0;
    pcmu.name = "PCMU";
    pcmu.clock_rate = 8000;
    out.push_back(pcmu);
  } else if (kind == MediaKind::kVideo) {
    const std::vector<sdp::RtcpFb> fb = {Fb("goog-remb"), Fb("transport-cc"),
                                         Fb("ccm", "fir"), Fb("nack"),
                                         Fb("nack", "pli")};
    sdp::Codec vp8;
    vp8.payload_type = 96;
    vp8.name = "VP8";
    vp8.clock_rate = 90000;
    vp8.feedback = fb;
    out.push_back(vp8);
    sdp::Codec h264;
    h264.payload_type = 102;
    h264.name = "H264";
    h264.clock_rate = 90000;
    h264.fmtp =
        "level-asymmetry-allowed=1;packetization-mode=1;"
        "profile-level-id=42e01f";
    h264.feedback = fb;
    out.push_back(h264);
  }
  for (sdp::Codec& c : out) {
    for (sdp::RtcpFb& f : c.feedback) f.payload_type = c.payload_type;
  }
  return out;
}

std::vector<sdp::Codec> NegotiateCodecs(
    MediaKind kind, const std::vector<sdp::Codec>& offered) {
  const std::vector<sdp::Codec> ours = SupportedCodecs(kind);
  std::vector<sdp::Codec> out;
  for (const sdp::Codec& theirs : offered) {
    for (const sdp::Codec& mine : ours) {
      if (!SameCodec(theirs, mine)) continue;
      // H.264 profiles must agree on packetization mode.
      if (absl::EqualsIgnoreCase(ToAbsl(mine.name), "H264") &&
          !sdp::FmtpContains(theirs.fmtp, "packetization-mode=1")) {
        continue;
      }
      sdp::Codec c = theirs;
      c.feedback.clear();
      for (const sdp::RtcpFb& f : theirs.feedback) {
        for (const sdp::RtcpFb& g : mine.feedback) {
          if (f.type == g.type && f.parameter == g.parameter) {
            sdp::RtcpFb keep = f;
            keep.payload_type = c.payload_type;
            c.feedback.push_back(keep);
            break;
          }
        }
      }
      out.push_back(std::move(c));
      break;
    }
  }
  return out;
}

std::optional<size_t> TransportSectionIndex(const DescriptionModel& model) {
  for (size_t i = 0; i < model.sections.size(); ++i) {
    const MediaSection& s = model.sections[i];
    if (s.rejected || s.kind == MediaKind::kUnsupported) continue;
    if (!model.bundle.empty() &&
        std::find(model.bundle.begin(), model.bundle.end(), s.mid) ==
            model.bundle.end()) {
      continue;
    }
    return i;
  }
  return std::nullopt;
}

std::string BuildSdp(const DescriptionModel& model) {
  const std::optional<size_t> transport_section = TransportSectionIndex(model);
  sdp::SessionDescription s;
  s.origin.session_id = model.session_id;
  s.origin.session_version = model.session_version;
  if (!model.bundle.empty()) {
    s.attributes.Add("group", "BUNDLE " + absl::StrJoin(model.bundle, " "));
  }
  if (model.transport.ice_lite) s.attributes.Add("ice-lite");
  s.attributes.Add("extmap-allow-mixed");
  bool any_media = false;
  for (const MediaSection& m : model.sections) {
    any_media |= m.kind == MediaKind::kAudio || m.kind == MediaKind::kVideo;
  }
  if (any_media) s.attributes.Add("msid-semantic", "WMS *");
  const TransportDescription& t = model.transport;
  for (size_t i = 0; i < model.sections.size(); ++i) {
    const MediaSection& sec = model.sections[i];
    sdp::MediaDescription m;
    // RFC 8843 section 7.2.1: a bundle-only section offers port 0.
    m.port = sec.rejected || sec.bundle_only ? 0 : 9;
    m.connections.push_back(sdp::ConnectionData{});
    switch (sec.kind) {
      case MediaKind::kAudio:
      case MediaKind::kVideo:
        m.media = std::string(MediaKindName(sec.kind));
        m.protocol = "UDP/TLS/RTP/SAVPF";
        break;
      case MediaKind::kApplication:
        m.media = "application";
        m.protocol = "UDP/DTLS/SCTP";
        m.formats = {"webrtc-datachannel"};
        break;
      case MediaKind::kUnsupported:
        m.media = sec.media;
        m.protocol = sec.protocol;
        m.formats =
            sec.formats.empty() ? std::vector<std::string>{"0"} : sec.formats;
        break;
    }
    if (sec.kind == MediaKind::kUnsupported || sec.rejected) {
      // A rejected section keeps its mid and little else (RFC 8829 5.3.1).
      if (sec.kind == MediaKind::kAudio || sec.kind == MediaKind::kVideo) {
        for (const sdp::Codec& c : sec.codecs) {
          m.formats.push_back(absl::StrCat(c.payload_type));
        }
        if (m.formats.empty()) m.formats = {"0"};
      }
      if (!sec.mid.empty()) m.attributes.Add("mid", sec.mid);
      s.media.push_back(std::move(m));
      continue;
    }
    if (sec.kind != MediaKind::kApplication) {
      m.attributes.Add("rtcp", "9 IN IP4 0.0.0.0");
    }
    m.attributes.Add("ice-ufrag", t.ice_ufrag);
    m.attributes.Add("ice-pwd", t.ice_pwd);
    if (t.trickle) m.attributes.Add("ice-options", "trickle");
    for (const dtls::Fingerprint& f : t.fingerprints) {
      m.attributes.Add("fingerprint", f.ToSdp());
    }
    m.attributes.Add("setup", sdp::ToString(t.setup));
    m.attributes.Add("mid", sec.mid);
    if (sec.bundle_only) m.attributes.Add("bundle-only");
    if (sec.kind == MediaKind::kApplication) {
      m.attributes.Add("sctp-port", absl::StrCat(sec.sctp_port));
      m.attributes.Add("max-message-size", absl::StrCat(sec.max_message_size));
    } else {
      sdp::SetDirection(m.attributes, sec.direction);
      if (sec.msid.has_value()) m.attributes.Add("msid", *sec.msid);
      m.attributes.Add("rtcp-mux");
      m.attributes.Add("rtcp-rsize");
      for (const sdp::Codec& c : sec.codecs) sdp::AddCodec(m, c);
    }
    // Candidates go on the transport section (the BUNDLE tag, which need
    // not be m-line 0 when that one is rejected); every bundled section
    // shares them.
    if (transport_section == i) {
      for (const std::string& c : t.candidates) {
        std::string_view v = c;
        if (v.substr(0, 10) == "candidate:") v.remove_prefix(10);
        m.attributes.Add("candidate", v);
      }
      if (t.end_of_candidates) m.attributes.Add("end-of-candidates");
    }
    s.media.push_back(std::move(m));
  }
  return s.ToString();
}

absl::StatusOr<DescriptionModel> ParseDescription(std::string_view text,
                                                  SdpType type) {
  if (type == SdpType::kRollback) {
    return SdpError("a rollback has no description to parse");
  }
  absl::StatusOr<sdp::SessionDescription> parsed =
      sdp::SessionDescription::Parse(text);
  if (!parsed.ok()) {
    // Some parser messages already start with "SDP: ".
    std::string_view message(parsed.status().message().data(),
                             parsed.status().message().size());
    if (message.substr(0, 5) == "SDP: ") message.remove_prefix(5);
    return SdpError(std::string(message));
  }
  const sdp::SessionDescription& s = *parsed;
  DescriptionModel model;
  model.session_id = s.origin.session_id;
  model.session_version = s.origin.session_version;
  model.transport.ice_lite = s.attributes.Has("ice-lite");
  if (s.media.empty()) return SdpError("no m= sections");

  // BUNDLE group (only the first is used: one transport).
  std::set<std::string> mids;
  for (size_t i = 0; i < s.media.size(); ++i) {
    std::optional<std::string_view> mid = s.media[i].mid();
    if (!mid.has_value() || mid->empty()) {
      return SdpError(absl::StrFormat("%s (%s): missing a=mid", Where(i, ""),
                                      s.media[i].media));
    }
    if (absl::Status v = sdp::ValidateMid(*mid); !v.ok()) {
      return SdpError(absl::StrFormat("%s: %s", Where(i, *mid), v.message()));
    }
    if (!mids.insert(std::string(*mid)).second) {
      return SdpError(
          absl::StrFormat("%s: duplicate mid \"%s\"", Where(i, *mid), *mid));
    }
  }
  for (std::string_view g : s.attributes.FindAll("group")) {
    absl::StatusOr<sdp::Group> group = sdp::Group::Parse(g);
    if (!group.ok()) {
      return SdpError(
          absl::StrFormat("a=group:%s: %s", g, group.status().message()));
    }
    if (group->semantics != "BUNDLE") continue;
    for (const std::string& mid : group->mids) {
      if (mids.count(mid) == 0) {
        return SdpError(absl::StrFormat(
            "a=group:BUNDLE names mid \"%s\", which has no m-line", mid));
      }
    }
    if (model.bundle.empty()) model.bundle = group->mids;
  }

  // The transport comes from the BUNDLE tag (or the first usable section
  // when nothing is bundled).
  std::optional<size_t> tag;
  for (size_t i = 0; i < s.media.size(); ++i) {
    const sdp::MediaDescription& m = s.media[i];
    const std::string mid(*m.mid());
    const bool bundled =
        model.bundle.empty()
            ? !tag.has_value()
            : std::find(model.bundle.begin(), model.bundle.end(), mid) !=
                  model.bundle.end();
    MediaSection sec;
    sec.mid = mid;
    sec.kind = KindOf(m);
    sec.media = m.media;
    sec.protocol = m.protocol;
    sec.formats = m.formats;
    sec.rejected = m.port == 0 && !m.attributes.Has("bundle-only");
    sec.bundled = bundled;
    sec.bundle_only = m.attributes.Has("bundle-only");
    if (sec.kind == MediaKind::kAudio || sec.kind == MediaKind::kVideo) {
      sec.direction = sdp::EffectiveDirection(s, m);
      absl::StatusOr<std::vector<sdp::Codec>> codecs = sdp::GetCodecs(m);
      if (codecs.ok()) {
        sec.codecs = *std::move(codecs);
      } else if (!sec.rejected) {
        // A rejected section's format list is a placeholder (BuildSdp
        // writes payload types without a=rtpmap): nothing to validate.
        return SdpError(absl::StrFormat("%s: %s", Where(i, mid),
                                        codecs.status().message()));
      }
      if (!sec.rejected && !m.attributes.Has("rtcp-mux")) {
        return SdpError(absl::StrFormat(
            "%s: a=rtcp-mux is required (rtcp_mux_policy require)",
            Where(i, mid)));
      }
      if (std::optional<std::string_view> msid = m.attributes.Find("msid")) {
        sec.msid = std::string(*msid);
      }
    } else if (sec.kind == MediaKind::kApplication) {
      if (std::optional<std::string_view> p = m.attributes.Find("sctp-port")) {
        uint32_t port = 0;
        if (!absl::SimpleAtoi(ToAbsl(*p), &port) || port == 0 || port > 65535) {
          return SdpError(absl::StrFormat("%s: a=sctp-port:%s is not a port",
                                          Where(i, mid), *p));
        }
        sec.sctp_port = static_cast<uint16_t>(port);
      }
      if (std::optional<std::string_view> mm =
              m.attributes.Find("max-message-size")) {
        uint64_t size = 0;
        if (!absl::SimpleAtoi(ToAbsl(*mm), &size)) {
          return SdpError(absl::StrFormat(
              "%s: a=max-message-size:%s is not a number", Where(i, mid), *mm));
        }
        // 0 means "no limit" (RFC 8841 section 6).
        sec.max_message_size = size == 0 ? (size_t{1} << 30) : size;
      }
    }
    if (!tag.has_value() && bundled && !sec.rejected &&
        sec.kind != MediaKind::kUnsupported) {
      tag = i;
    }
    model.sections.push_back(std::move(sec));
  }
  if (!tag.has_value()) {
    // Everything rejected: legal (e.g. an answer refusing all), but there
    // is then no transport to describe.
    return model;
  }
  const sdp::MediaDescription& m = s.media[*tag];
  const std::string where = Where(*tag, *m.mid());
  TransportDescription& t = model.transport;
  const auto find = [&](std::string_view key) {
    return sdp::FindMediaOrSessionAttribute(s, m, key);
  };
  std::optional<std::string_view> ufrag = find("ice-ufrag");
  std::optional<std::string_view> pwd = find("ice-pwd");
  if (!ufrag.has_value()) {
    return SdpError(absl::StrFormat("%s: missing a=ice-ufrag", where));
  }
  if (!pwd.has_value()) {
    return SdpError(absl::StrFormat("%s: missing a=ice-pwd", where));
  }
  if (absl::Status v = sdp::ValidateIceUfrag(*ufrag); !v.ok()) {
    return SdpError(absl::StrFormat("%s: %s", where, v.message()));
  }
  if (absl::Status v = sdp::ValidateIcePwd(*pwd); !v.ok()) {
    return SdpError(absl::StrFormat("%s: %s", where, v.message()));
  }
  t.ice_ufrag = std::string(*ufrag);
  t.ice_pwd = std::string(*pwd);
  if (std::optional<std::string_view> options = find("ice-options")) {
    t.trickle = options->find("trickle") != std::string_view::npos;
  } else {
    t.trickle = false;
  }
  std::vector<std::string_view> fps = m.attributes.FindAll("fingerprint");
  if (fps.empty()) fps = s.attributes.FindAll("fingerprint");
  if (fps.empty()) {
    return SdpError(absl::StrFormat("%s: missing a=fingerprint", where));
  }
  for (std::string_view f : fps) {
    absl::StatusOr<dtls::Fingerprint> fp = dtls::Fingerprint::Parse(f);
    if (!fp.ok()) {
      return SdpError(absl::StrFormat("%s: a=fingerprint:%s: %s", where, f,
                                      fp.status().message()));
    }
    t.fingerprints.push_back(*std::move(fp));
  }
  std::optional<std::string_view> setup = find("setup");
  if (!setup.has_value()) {
    return SdpError(absl::StrFormat("%s: missing a=setup", where));
  }
  absl::StatusOr<sdp::SetupRole> role = sdp::ParseSetupRole(*setup);
  if (!role.ok() || *role == sdp::SetupRole::kHoldconn) {
    return SdpError(absl::StrFormat(
        "%s: a=setup:%s (expected actpass, active or passive)", where, *setup));
  }
  if (type != SdpType::kOffer && *role == sdp::SetupRole::kActpass) {
    return SdpError(absl::StrFormat(
        "%s: a=setup:actpass is not allowed in an %s (choose active or "
        "passive)",
        where, SdpTypeName(type)));
  }
  t.setup = *role;
  // Candidates of every bundled section (they share the transport).
  std::set<std::string> seen;
  for (size_t i = 0; i < s.media.size(); ++i) {
    if (!model.sections[i].bundled) continue;
    for (std::string_view c : s.media[i].attributes.FindAll("candidate")) {
      std::string value = absl::StrCat("candidate:", ToAbsl(c));
      if (seen.insert(value).second) t.candidates.push_back(std::move(value));
    }
    t.end_of_candidates |= s.media[i].attributes.Has("end-of-candidates");
  }
  t.end_of_candidates |= s.attributes.Has("end-of-candidates");
  return model;
}

}  // namespace simrtc::peer
