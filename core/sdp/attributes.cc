#include "core/sdp/attributes.h"

#include <array>

#include "absl/strings/str_format.h"
#include "core/sdp/candidate.h"
#include "core/sdp/text_util.h"

namespace simrtc::sdp {

using internal::AppendUint;
using internal::EqualsIgnoreCase;
using internal::Excerpt;
using internal::IsToken;
using internal::ParseUnsigned;
using internal::Tokenizer;

namespace {

// "<attr> \"<value>\": <what>", the shape every typed parser reports in.
absl::Status Bad(std::string_view attr, std::string_view value,
                 std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s \"%s\": %s", attr, Excerpt(value), what));
}

bool ParsePayloadType(std::string_view s, uint8_t* pt) {
  return ParseUnsigned(s, pt) && *pt <= 127;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsRidIdChar(char c) {
  return internal::IsAlnum(c) || c == '-' || c == '_';
}
bool IsRidId(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsRidIdChar(c)) return false;
  }
  return true;
}

// Text with no blanks and no control bytes, what a single SDP field can hold
// and still round-trip through a whitespace tokenizer.
bool IsVcharString(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!internal::IsVchar(c)) return false;
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------
// Direction

std::string_view ToString(Direction d) {
  switch (d) {
    case Direction::kSendRecv:
      return attr::kSendRecv;
    case Direction::kSendOnly:
      return attr::kSendOnly;
    case Direction::kRecvOnly:
      return attr::kRecvOnly;
    case Direction::kInactive:
      return attr::kInactive;
  }
  return attr::kSendRecv;
}

std::optional<Direction> ParseDirection(std::string_view text) {
  if (text == attr::kSendRecv) return Direction::kSendRecv;
  if (text == attr::kSendOnly) return Direction::kSendOnly;
  if (text == attr::kRecvOnly) return Direction::kRecvOnly;
  if (text == attr::kInactive) return Direction::kInactive;
  return std::nullopt;
}

Direction Reverse(Direction d) {
  switch (d) {
    case Direction::kSendOnly:
      return Direction::kRecvOnly;
    case Direction::kRecvOnly:
      return Direction::kSendOnly;
    default:
      return d;
  }
}

std::optional<Direction> FindDirection(const AttributeList& attrs) {
  std::optional<Direction> found;
  for (const Attribute& a : attrs) {
    if (a.value) continue;
    if (auto d = ParseDirection(a.key)) found = d;
  }
  return found;
}

void SetDirection(AttributeList& attrs, Direction d) {
  for (Direction x : {Direction::kSendRecv, Direction::kSendOnly,
                      Direction::kRecvOnly, Direction::kInactive}) {
    attrs.EraseAll(ToString(x));
  }
  attrs.Add(ToString(d));
}

Direction EffectiveDirection(const SessionDescription& session,
                             const MediaDescription& media) {
  if (auto d = FindDirection(media.attributes)) return *d;
  if (auto d = FindDirection(session.attributes)) return *d;
  return Direction::kSendRecv;
}

std::optional<std::string_view> FindMediaOrSessionAttribute(
    const SessionDescription& session, const MediaDescription& media,
    std::string_view key) {
  if (auto v = media.attributes.Find(key)) return v;
  return session.attributes.Find(key);
}

// ---------------------------------------------------------------------------
// Setup

std::string_view ToString(SetupRole r) {
  switch (r) {
    case SetupRole::kActive:
      return "active";
    case SetupRole::kPassive:
      return "passive";
    case SetupRole::kActpass:
      return "actpass";
    case SetupRole::kHoldconn:
      return "holdconn";
  }
  return "actpass";
}

absl::StatusOr<SetupRole> ParseSetupRole(std::string_view text) {
  if (text == "active") return SetupRole::kActive;
  if (text == "passive") return SetupRole::kPassive;
  if (text == "actpass") return SetupRole::kActpass;
  if (text == "holdconn") return SetupRole::kHoldconn;
  return Bad("setup", text, "expected active, passive, actpass or holdconn");
}

// ---------------------------------------------------------------------------
// Fingerprint

namespace {
// The fingerprint grammar, checked without building anything; the digest is
// decoded only when `digest` is given.
absl::Status ParseFingerprintFields(std::string_view value,
                                    std::string_view* algorithm,
                                    std::vector<uint8_t>* digest) {
  Tokenizer tok(value);
  std::string_view algo, hex;
  if (!tok.Next(&algo) || !tok.Next(&hex) || !tok.Done()) {
    return Bad("fingerprint", value, "expected <hash-func> <XX:XX:...>");
  }
  if (!IsToken(algo)) {
    return Bad("fingerprint", value, "hash function is not a token");
  }
  // Each byte is two hex digits; bytes are joined by ':'.
  if ((hex.size() + 1) % 3 != 0) {
    return Bad("fingerprint", value,
               "digest must be hex byte pairs separated by ':'");
  }
  const size_t bytes = (hex.size() + 1) / 3;
  if (digest != nullptr) digest->reserve(bytes);
  for (size_t i = 0; i < hex.size(); i += 3) {
    const int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0 || (i + 2 < hex.size() && hex[i + 2] != ':')) {
      return Bad("fingerprint", value,
                 absl::StrFormat("digest byte %d is not two hex digits "
                                 "followed by ':'",
                                 i / 3 + 1));
    }
    if (digest != nullptr)
      digest->push_back(static_cast<uint8_t>(hi * 16 + lo));
  }
  static constexpr std::array<std::pair<std::string_view, size_t>, 7> kLengths =
      {{{"md2", 16},
        {"md5", 16},
        {"sha-1", 20},
        {"sha-224", 28},
        {"sha-256", 32},
        {"sha-384", 48},
        {"sha-512", 64}}};
  for (const auto& [name, len] : kLengths) {
    if (EqualsIgnoreCase(algo, name) && bytes != len) {
      return Bad("fingerprint", value,
                 absl::StrFormat("%s digest must be %d bytes, got %d", name,
                                 len, bytes));
    }
  }
  *algorithm = algo;
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<Fingerprint> Fingerprint::Parse(std::string_view value) {
  Fingerprint fp;
  std::string_view algo;
  if (auto s = ParseFingerprintFields(value, &algo, &fp.digest); !s.ok()) {
    return s;
  }
  fp.algorithm.reserve(algo.size());
  for (char c : algo) fp.algorithm.push_back(internal::ToLowerAscii(c));
  return fp;
}

std::string Fingerprint::ToString() const {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(algorithm.size() + 1 + digest.size() * 3);
  out.append(algorithm);
  out.push_back(' ');
  for (size_t i = 0; i < digest.size(); ++i) {
    if (i > 0) out.push_back(':');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Group

absl::StatusOr<Group> Group::Parse(std::string_view value) {
  Tokenizer tok(value);
  std::string_view t;
  if (!tok.Next(&t) || !IsToken(t)) {
    return Bad("group", value, "expected <semantics> <mid>...");
  }
  Group g;
  g.semantics.assign(t);
  while (tok.Next(&t)) {
    if (!IsToken(t)) {
      return Bad("group", value,
                 absl::StrFormat("mid \"%s\" is not a token", Excerpt(t)));
    }
    g.mids.emplace_back(t);
  }
  return g;
}

std::string Group::ToString() const {
  std::string out = semantics;
  for (const std::string& m : mids) {
    out.push_back(' ');
    out.append(m);
  }
  return out;
}

// ---------------------------------------------------------------------------
// ICE options and credentials

bool IceOptions::Has(std::string_view option) const {
  for (const std::string& o : options) {
    if (o == option) return true;
  }
  return false;
}

absl::StatusOr<IceOptions> IceOptions::Parse(std::string_view value) {
  IceOptions opts;
  Tokenizer tok(value);
  std::string_view t;
  while (tok.Next(&t)) {
    if (!IsToken(t)) {
      return Bad("ice-options", value,
                 absl::StrFormat("option \"%s\" is not a token", Excerpt(t)));
    }
    opts.options.emplace_back(t);
  }
  if (opts.options.empty()) {
    return Bad("ice-options", value, "lists no options");
  }
  return opts;
}

std::string IceOptions::ToString() const {
  std::string out;
  for (const std::string& o : options) {
    if (!out.empty()) out.push_back(' ');
    out.append(o);
  }
  return out;
}

namespace {
absl::Status ValidateIceChars(std::string_view what, std::string_view s,
                              size_t min_len) {
  if (s.size() < min_len || s.size() > 256) {
    return Bad(
        what, s,
        absl::StrFormat("length %d is outside %d-256", s.size(), min_len));
  }
  for (char c : s) {
    if (!internal::IsIceChar(c)) {
      return Bad(what, s, "only letters, digits, '+' and '/' are allowed");
    }
  }
  return absl::OkStatus();
}
}  // namespace

absl::Status ValidateIceUfrag(std::string_view ufrag) {
  return ValidateIceChars("ice-ufrag", ufrag, 4);
}
absl::Status ValidateIcePwd(std::string_view pwd) {
  return ValidateIceChars("ice-pwd", pwd, 22);
}
absl::Status ValidateMid(std::string_view mid) {
  if (!IsToken(mid)) return Bad("mid", mid, "must be a non-empty token");
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// rtpmap

namespace {
struct RtpMapFields {
  uint8_t payload_type = 0;
  std::string_view name;
  uint32_t clock_rate = 0;
  std::optional<uint32_t> channels;
};

absl::Status ParseRtpMapFields(std::string_view value, RtpMapFields& m) {
  Tokenizer tok(value);
  std::string_view pt, enc;
  if (!tok.Next(&pt) || !tok.Next(&enc) || !tok.Done()) {
    return Bad("rtpmap", value,
               "expected <payload type> <encoding>/<clock rate>[/<channels>]");
  }
  if (!ParsePayloadType(pt, &m.payload_type)) {
    return Bad("rtpmap", value, "payload type is not a number 0-127");
  }
  const size_t s1 = enc.find('/');
  if (s1 == std::string_view::npos) {
    return Bad("rtpmap", value, "missing /<clock rate> after the encoding");
  }
  m.name = enc.substr(0, s1);
  std::string_view rest = enc.substr(s1 + 1);
  if (!IsToken(m.name)) {
    return Bad("rtpmap", value, "encoding name is not a token");
  }
  std::string_view clock = rest, channels;
  const size_t s2 = rest.find('/');
  if (s2 != std::string_view::npos) {
    clock = rest.substr(0, s2);
    channels = rest.substr(s2 + 1);
  }
  if (!ParseUnsigned(clock, &m.clock_rate) || m.clock_rate == 0) {
    return Bad("rtpmap", value, "clock rate is not a positive number");
  }
  if (s2 != std::string_view::npos) {
    uint32_t ch;
    if (!ParseUnsigned(channels, &ch) || ch == 0) {
      return Bad("rtpmap", value, "channel count is not a positive number");
    }
    m.channels = ch;
  }
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<RtpMap> RtpMap::Parse(std::string_view value) {
  RtpMapFields f;
  if (auto s = ParseRtpMapFields(value, f); !s.ok()) return s;
  RtpMap m;
  m.payload_type = f.payload_type;
  m.encoding_name.assign(f.name);
  m.clock_rate = f.clock_rate;
  m.channels = f.channels;
  return m;
}

std::string RtpMap::ToString() const {
  std::string out;
  out.reserve(encoding_name.size() + 24);
  AppendUint(&out, payload_type);
  out.push_back(' ');
  out.append(encoding_name);
  out.push_back('/');
  AppendUint(&out, clock_rate);
  if (channels) {
    out.push_back('/');
    AppendUint(&out, *channels);
  }
  return out;
}

// ---------------------------------------------------------------------------
// fmtp

namespace {
absl::Status ParseFmtpFields(std::string_view value, uint8_t* payload_type,
                             std::string_view* params) {
  Tokenizer tok(value);
  std::string_view pt;
  if (!tok.Next(&pt) || !ParsePayloadType(pt, payload_type)) {
    return Bad("fmtp", value, "payload type is not a number 0-127");
  }
  *params = internal::TrimSpaces(tok.Rest());
  if (params->empty()) return Bad("fmtp", value, "has no parameters");
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<Fmtp> Fmtp::Parse(std::string_view value) {
  Fmtp f;
  std::string_view params;
  if (auto s = ParseFmtpFields(value, &f.payload_type, &params); !s.ok()) {
    return s;
  }
  f.parameters.assign(params);
  return f;
}

std::string Fmtp::ToString() const {
  std::string out;
  AppendUint(&out, payload_type);
  out.push_back(' ');
  out.append(parameters);
  return out;
}

std::vector<FmtpParameter> ParseFmtpParameters(std::string_view parameters) {
  std::vector<FmtpParameter> out;
  size_t start = 0;
  while (start <= parameters.size()) {
    size_t semi = parameters.find(';', start);
    if (semi == std::string_view::npos) semi = parameters.size();
    std::string_view entry =
        internal::TrimSpaces(parameters.substr(start, semi - start));
    if (!entry.empty()) {
      FmtpParameter p;
      const size_t eq = entry.find('=');
      if (eq == std::string_view::npos) {
        p.key.assign(entry);
      } else {
        p.key.assign(internal::TrimSpaces(entry.substr(0, eq)));
        p.value.emplace(internal::TrimSpaces(entry.substr(eq + 1)));
      }
      out.push_back(std::move(p));
    }
    start = semi + 1;
  }
  return out;
}

bool FmtpContains(std::string_view actual, std::string_view wanted) {
  const std::vector<FmtpParameter> have = ParseFmtpParameters(actual);
  for (const FmtpParameter& w : ParseFmtpParameters(wanted)) {
    bool found = false;
    for (const FmtpParameter& h : have) {
      if (EqualsIgnoreCase(h.key, w.key) && h.value == w.value) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// rtcp-fb

namespace {
absl::Status ParseRtcpFbFields(std::string_view value,
                               std::optional<uint8_t>* payload_type,
                               std::string_view* type,
                               std::string_view* parameter) {
  Tokenizer tok(value);
  std::string_view pt;
  if (!tok.Next(&pt) || !tok.Next(type)) {
    return Bad("rtcp-fb", value, "expected <payload type>|* <type> [<param>]");
  }
  if (pt != "*") {
    uint8_t p;
    if (!ParsePayloadType(pt, &p)) {
      return Bad("rtcp-fb", value, "payload type is not '*' or 0-127");
    }
    *payload_type = p;
  }
  if (!IsToken(*type)) {
    return Bad("rtcp-fb", value, "feedback type is not a token");
  }
  *parameter = internal::TrimSpaces(tok.Rest());
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<RtcpFb> RtcpFb::Parse(std::string_view value) {
  RtcpFb fb;
  std::string_view type, parameter;
  if (auto s = ParseRtcpFbFields(value, &fb.payload_type, &type, &parameter);
      !s.ok()) {
    return s;
  }
  fb.type.assign(type);
  fb.parameter.assign(parameter);
  return fb;
}

std::string RtcpFb::ToString() const {
  std::string out;
  if (payload_type) {
    AppendUint(&out, *payload_type);
  } else {
    out.push_back('*');
  }
  out.push_back(' ');
  out.append(type);
  if (!parameter.empty()) {
    out.push_back(' ');
    out.append(parameter);
  }
  return out;
}

// ---------------------------------------------------------------------------
// extmap

namespace {
struct ExtMapFields {
  uint16_t id = 0;
  std::optional<Direction> direction;
  std::string_view uri;
  std::string_view attributes;
};

absl::Status ParseExtMapFields(std::string_view value, ExtMapFields& e) {
  Tokenizer tok(value);
  std::string_view id;
  if (!tok.Next(&id) || !tok.Next(&e.uri)) {
    return Bad("extmap", value, "expected <id>[/<direction>] <uri> [<attrs>]");
  }
  const size_t slash = id.find('/');
  if (slash != std::string_view::npos) {
    e.direction = ParseDirection(id.substr(slash + 1));
    if (!e.direction) {
      return Bad("extmap", value,
                 "direction is not sendrecv, sendonly, recvonly or inactive");
    }
    id = id.substr(0, slash);
  }
  if (!ParseUnsigned(id, &e.id) || e.id == 0 || e.id > 4351) {
    return Bad("extmap", value, "id is not a number 1-4351");
  }
  if (!IsVcharString(e.uri)) {
    return Bad("extmap", value, "URI contains control or non-ASCII bytes");
  }
  e.attributes = internal::TrimSpaces(tok.Rest());
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<ExtMap> ExtMap::Parse(std::string_view value) {
  ExtMapFields f;
  if (auto s = ParseExtMapFields(value, f); !s.ok()) return s;
  ExtMap e;
  e.id = f.id;
  e.direction = f.direction;
  e.uri.assign(f.uri);
  e.attributes.assign(f.attributes);
  return e;
}

std::string ExtMap::ToString() const {
  std::string out;
  out.reserve(uri.size() + attributes.size() + 16);
  AppendUint(&out, id);
  if (direction) {
    out.push_back('/');
    out.append(sdp::ToString(*direction));
  }
  out.push_back(' ');
  out.append(uri);
  if (!attributes.empty()) {
    out.push_back(' ');
    out.append(attributes);
  }
  return out;
}

// ---------------------------------------------------------------------------
// ssrc, ssrc-group

namespace {
absl::Status ParseSsrcFields(std::string_view value, uint32_t* ssrc,
                             std::string_view* attribute,
                             std::optional<std::string_view>* attr_value) {
  Tokenizer tok(value);
  std::string_view id;
  if (!tok.Next(&id) || !ParseUnsigned(id, ssrc)) {
    return Bad("ssrc", value, "SSRC is not a number 0-4294967295");
  }
  const std::string_view rest = internal::TrimSpaces(tok.Rest());
  const size_t colon = rest.find(':');
  *attribute = rest.substr(0, colon);
  if (!IsToken(*attribute)) {
    return Bad("ssrc", value, "expected <ssrc> <attribute>[:<value>]");
  }
  if (colon != std::string_view::npos) *attr_value = rest.substr(colon + 1);
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<Ssrc> Ssrc::Parse(std::string_view value) {
  Ssrc s;
  std::string_view attribute;
  std::optional<std::string_view> attr_value;
  if (auto st = ParseSsrcFields(value, &s.ssrc, &attribute, &attr_value);
      !st.ok()) {
    return st;
  }
  s.attribute.assign(attribute);
  if (attr_value) s.value.emplace(*attr_value);
  return s;
}

std::string Ssrc::ToString() const {
  std::string out;
  AppendUint(&out, ssrc);
  out.push_back(' ');
  out.append(attribute);
  if (value) {
    out.push_back(':');
    out.append(*value);
  }
  return out;
}

absl::StatusOr<SsrcGroup> SsrcGroup::Parse(std::string_view value) {
  Tokenizer tok(value);
  std::string_view t;
  if (!tok.Next(&t) || !IsToken(t)) {
    return Bad("ssrc-group", value, "expected <semantics> <ssrc>...");
  }
  SsrcGroup g;
  g.semantics.assign(t);
  while (tok.Next(&t)) {
    uint32_t id;
    if (!ParseUnsigned(t, &id)) {
      return Bad("ssrc-group", value,
                 absl::StrFormat("SSRC \"%s\" is not a number 0-4294967295",
                                 Excerpt(t)));
    }
    g.ssrcs.push_back(id);
  }
  if (g.ssrcs.empty()) return Bad("ssrc-group", value, "lists no SSRCs");
  return g;
}

std::string SsrcGroup::ToString() const {
  std::string out = semantics;
  for (uint32_t id : ssrcs) {
    out.push_back(' ');
    AppendUint(&out, id);
  }
  return out;
}

// ---------------------------------------------------------------------------
// msid

namespace {
absl::Status ParseMsidFields(std::string_view value, std::string_view* stream,
                             std::optional<std::string_view>* track) {
  Tokenizer tok(value);
  if (!tok.Next(stream) || !IsToken(*stream)) {
    return Bad("msid", value, "expected <stream id> [<track id>]");
  }
  std::string_view t;
  if (tok.Next(&t)) {
    if (!IsToken(t) || !tok.Done()) {
      return Bad("msid", value, "track id must be a single token");
    }
    *track = t;
  }
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<Msid> Msid::Parse(std::string_view value) {
  std::string_view stream;
  std::optional<std::string_view> track;
  if (auto s = ParseMsidFields(value, &stream, &track); !s.ok()) return s;
  Msid m;
  m.stream_id.assign(stream);
  if (track) m.track_id.emplace(*track);
  return m;
}

std::string Msid::ToString() const {
  std::string out = stream_id;
  if (track_id) {
    out.push_back(' ');
    out.append(*track_id);
  }
  return out;
}

// ---------------------------------------------------------------------------
// rid

std::string_view ToString(RidDirection d) {
  return d == RidDirection::kSend ? "send" : "recv";
}

absl::StatusOr<Rid> Rid::Parse(std::string_view value) {
  Tokenizer tok(value);
  std::string_view id, dir;
  if (!tok.Next(&id) || !tok.Next(&dir)) {
    return Bad("rid", value, "expected <rid-id> send|recv [<restrictions>]");
  }
  Rid r;
  if (!IsRidId(id)) {
    return Bad("rid", value, "rid-id must be letters, digits, '-' or '_'");
  }
  r.id.assign(id);
  if (dir == "send") {
    r.direction = RidDirection::kSend;
  } else if (dir == "recv") {
    r.direction = RidDirection::kRecv;
  } else {
    return Bad("rid", value, "direction must be send or recv");
  }
  std::string_view params;
  if (tok.Next(&params) && !tok.Done()) {
    return Bad("rid", value, "restrictions must not contain blanks");
  }
  size_t start = 0;
  bool first = true;
  while (start < params.size()) {
    size_t semi = params.find(';', start);
    if (semi == std::string_view::npos) semi = params.size();
    const std::string_view entry = params.substr(start, semi - start);
    start = semi + 1;
    const size_t eq = entry.find('=');
    const std::string_view key = entry.substr(0, eq);
    if (key.empty()) return Bad("rid", value, "empty restriction");
    for (char c : key) {
      if (!internal::IsAlnum(c) && c != '-') {
        return Bad("rid", value,
                   absl::StrFormat("restriction name \"%s\" is not "
                                   "letters, digits and '-'",
                                   Excerpt(key)));
      }
    }
    std::optional<std::string_view> val;
    if (eq != std::string_view::npos) val = entry.substr(eq + 1);
    if (key == "pt") {
      if (!first) {
        return Bad("rid", value, "pt= must be the first restriction");
      }
      if (!val || val->empty()) return Bad("rid", value, "pt= has no formats");
      size_t p = 0;
      while (p <= val->size()) {
        size_t comma = val->find(',', p);
        if (comma == std::string_view::npos) comma = val->size();
        uint8_t pt;
        if (!ParsePayloadType(val->substr(p, comma - p), &pt)) {
          return Bad("rid", value, "pt= entry is not a number 0-127");
        }
        r.payload_types.push_back(pt);
        p = comma + 1;
      }
    } else {
      if (val && !IsVcharString(*val)) {
        return Bad("rid", value,
                   absl::StrFormat("restriction \"%s\" has an empty or "
                                   "non-printable value",
                                   Excerpt(key)));
      }
      RidParameter rp;
      rp.key.assign(key);
      if (val) rp.value.emplace(*val);
      r.parameters.push_back(std::move(rp));
    }
    first = false;
  }
  if (!params.empty() && params.back() == ';') {
    return Bad("rid", value, "trailing ';'");
  }
  return r;
}

std::string Rid::ToString() const {
  std::string out = id;
  out.push_back(' ');
  out.append(sdp::ToString(direction));
  bool first = true;
  auto sep = [&] {
    out.push_back(first ? ' ' : ';');
    first = false;
  };
  if (!payload_types.empty()) {
    sep();
    out.append("pt=");
    for (size_t i = 0; i < payload_types.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendUint(&out, payload_types[i]);
    }
  }
  for (const RidParameter& p : parameters) {
    sep();
    out.append(p.key);
    if (p.value) {
      out.push_back('=');
      out.append(*p.value);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// simulcast

namespace {
absl::Status ParseSimulcastList(std::string_view value, std::string_view list,
                                std::vector<SimulcastStream>* out) {
  // RFC 8853 predecessors wrote "rid=a;b"; the prefix carries nothing.
  if (list.substr(0, 4) == "rid=") list.remove_prefix(4);
  size_t start = 0;
  while (start <= list.size()) {
    size_t semi = list.find(';', start);
    if (semi == std::string_view::npos) semi = list.size();
    const std::string_view stream = list.substr(start, semi - start);
    start = semi + 1;
    SimulcastStream alts;
    size_t p = 0;
    while (p <= stream.size()) {
      size_t comma = stream.find(',', p);
      if (comma == std::string_view::npos) comma = stream.size();
      std::string_view id = stream.substr(p, comma - p);
      p = comma + 1;
      SimulcastRid rid;
      if (!id.empty() && id.front() == '~') {
        rid.paused = true;
        id.remove_prefix(1);
      }
      if (!IsRidId(id)) {
        return Bad("simulcast", value,
                   absl::StrFormat("stream id \"%s\" is not a valid rid-id",
                                   Excerpt(id)));
      }
      rid.rid.assign(id);
      alts.push_back(std::move(rid));
    }
    out->push_back(std::move(alts));
  }
  return absl::OkStatus();
}

void AppendSimulcastList(std::string* out,
                         const std::vector<SimulcastStream>& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out->push_back(';');
    for (size_t j = 0; j < list[i].size(); ++j) {
      if (j > 0) out->push_back(',');
      if (list[i][j].paused) out->push_back('~');
      out->append(list[i][j].rid);
    }
  }
}
}  // namespace

absl::StatusOr<Simulcast> Simulcast::Parse(std::string_view value) {
  Tokenizer tok(value);
  Simulcast sc;
  bool seen_send = false, seen_recv = false;
  std::string_view dir, list;
  while (tok.Next(&dir)) {
    if (!tok.Next(&list)) {
      return Bad("simulcast", value,
                 absl::StrFormat("'%s' has no stream list", Excerpt(dir)));
    }
    bool* seen;
    std::vector<SimulcastStream>* out;
    if (dir == "send") {
      seen = &seen_send;
      out = &sc.send;
    } else if (dir == "recv") {
      seen = &seen_recv;
      out = &sc.recv;
    } else {
      return Bad("simulcast", value,
                 absl::StrFormat("direction \"%s\" is not send or recv",
                                 Excerpt(dir)));
    }
    if (*seen) {
      return Bad("simulcast", value,
                 absl::StrFormat("'%s' given twice", Excerpt(dir)));
    }
    *seen = true;
    if (auto s = ParseSimulcastList(value, list, out); !s.ok()) return s;
  }
  if (!seen_send && !seen_recv) {
    return Bad("simulcast", value,
               "expected send <streams> and/or recv "
               "<streams>");
  }
  return sc;
}

std::string Simulcast::ToString() const {
  std::string out;
  if (!send.empty()) {
    out.append("send ");
    AppendSimulcastList(&out, send);
  }
  if (!recv.empty()) {
    if (!out.empty()) out.push_back(' ');
    out.append("recv ");
    AppendSimulcastList(&out, recv);
  }
  return out;
}

// ---------------------------------------------------------------------------
// SCTP

absl::StatusOr<SctpMap> SctpMap::Parse(std::string_view value) {
  Tokenizer tok(value);
  std::string_view port, proto, streams;
  SctpMap m;
  if (!tok.Next(&port) || !tok.Next(&proto)) {
    return Bad("sctpmap", value, "expected <port> <protocol> [<streams>]");
  }
  if (!ParseUnsigned(port, &m.port)) {
    return Bad("sctpmap", value, "port is not a number 0-65535");
  }
  if (!IsToken(proto)) {
    return Bad("sctpmap", value, "protocol is not a token");
  }
  m.protocol.assign(proto);
  if (tok.Next(&streams)) {
    uint32_t n;
    if (!ParseUnsigned(streams, &n) || !tok.Done()) {
      return Bad("sctpmap", value, "stream count is not a number");
    }
    m.streams = n;
  }
  return m;
}

std::string SctpMap::ToString() const {
  std::string out;
  AppendUint(&out, port);
  out.push_back(' ');
  out.append(protocol);
  if (streams) {
    out.push_back(' ');
    AppendUint(&out, *streams);
  }
  return out;
}

absl::StatusOr<uint16_t> ParseSctpPort(std::string_view value) {
  uint16_t port;
  if (!ParseUnsigned(value, &port)) {
    return Bad("sctp-port", value, "is not a number 0-65535");
  }
  return port;
}

absl::StatusOr<uint64_t> ParseMaxMessageSize(std::string_view value) {
  uint64_t size;
  if (!ParseUnsigned(value, &size)) {
    return Bad("max-message-size", value, "is not a decimal number");
  }
  return size;
}

// ---------------------------------------------------------------------------
// ValidateAttribute

namespace {
template <typename T>
absl::Status Check(std::string_view value) {
  auto r = T::Parse(value);
  return r.ok() ? absl::OkStatus() : r.status();
}

// Every attribute name ValidateAttribute knows. Classified once per line,
// since this runs for every a= line of every parsed SDP.
enum class Known {
  kOther,
  kFlag,
  kCandidate,
  kExtMap,
  kFingerprint,
  kFmtp,
  kGroup,
  kIceOptions,
  kIcePwd,
  kIceUfrag,
  kMaxMessageSize,
  kMid,
  kMsid,
  kRid,
  kRtcpFb,
  kRtpMap,
  kSctpMap,
  kSctpPort,
  kSetup,
  kSimulcast,
  kSsrc,
  kSsrcGroup,
};

Known Classify(std::string_view key) {
  // Bucket by length first: within a bucket only a few names remain.
  auto is = [&](std::string_view name) { return key == name; };
  switch (key.size()) {
    case 3:
      if (is(attr::kMid)) return Known::kMid;
      if (is(attr::kRid)) return Known::kRid;
      break;
    case 4:
      if (is(attr::kSsrc)) return Known::kSsrc;
      if (is(attr::kFmtp)) return Known::kFmtp;
      if (is(attr::kMsid)) return Known::kMsid;
      break;
    case 5:
      if (is(attr::kSetup)) return Known::kSetup;
      if (is(attr::kGroup)) return Known::kGroup;
      break;
    case 6:
      if (is(attr::kRtpMap)) return Known::kRtpMap;
      if (is(attr::kExtMap)) return Known::kExtMap;
      break;
    case 7:
      if (is(attr::kRtcpFb)) return Known::kRtcpFb;
      if (is(attr::kIcePwd)) return Known::kIcePwd;
      if (is(attr::kSctpMap)) return Known::kSctpMap;
      break;
    case 8:
      if (is(attr::kRtcpMux) || is(attr::kSendRecv) || is(attr::kSendOnly) ||
          is(attr::kRecvOnly) || is(attr::kInactive) || is(attr::kIceLite)) {
        return Known::kFlag;
      }
      break;
    case 9:
      if (is(attr::kCandidate)) return Known::kCandidate;
      if (is(attr::kIceUfrag)) return Known::kIceUfrag;
      if (is(attr::kSctpPort)) return Known::kSctpPort;
      if (is(attr::kSimulcast)) return Known::kSimulcast;
      break;
    case 10:
      if (is(attr::kRtcpRsize)) return Known::kFlag;
      if (is(attr::kSsrcGroup)) return Known::kSsrcGroup;
      break;
    case 11:
      if (is(attr::kFingerprint)) return Known::kFingerprint;
      if (is(attr::kIceOptions)) return Known::kIceOptions;
      break;
    case 16:
      if (is(attr::kMaxMessageSize)) return Known::kMaxMessageSize;
      break;
    case 17:
      if (is(attr::kEndOfCandidates)) return Known::kFlag;
      break;
    case 18:
      if (is(attr::kExtMapAllowMixed)) return Known::kFlag;
      break;
    default:
      break;
  }
  return Known::kOther;
}
}  // namespace

absl::Status ValidateAttribute(std::string_view key,
                               std::optional<std::string_view> value) {
  const Known kind = Classify(key);
  if (kind == Known::kOther) return absl::OkStatus();
  if (kind == Known::kFlag) {
    if (value) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "a=%s is a property attribute and takes no value", key));
    }
    return absl::OkStatus();
  }
  if (!value) {
    return absl::InvalidArgumentError(
        absl::StrFormat("a=%s needs a value (a=%s:...)", key, key));
  }
  const std::string_view v = *value;
  auto status_of = [](const auto& r) {
    return r.ok() ? absl::OkStatus() : r.status();
  };
  // The frequent ones use the field parsers directly: no owning copies.
  switch (kind) {
    case Known::kCandidate:
      return Check<Candidate>(v);
    case Known::kExtMap: {
      ExtMapFields f;
      return ParseExtMapFields(v, f);
    }
    case Known::kFingerprint: {
      std::string_view algo;
      return ParseFingerprintFields(v, &algo, nullptr);
    }
    case Known::kFmtp: {
      uint8_t pt;
      std::string_view params;
      return ParseFmtpFields(v, &pt, &params);
    }
    case Known::kGroup:
      return Check<Group>(v);
    case Known::kIceOptions:
      return Check<IceOptions>(v);
    case Known::kIcePwd:
      return ValidateIcePwd(v);
    case Known::kIceUfrag:
      return ValidateIceUfrag(v);
    case Known::kMaxMessageSize:
      return status_of(ParseMaxMessageSize(v));
    case Known::kMid:
      return ValidateMid(v);
    case Known::kMsid: {
      std::string_view stream;
      std::optional<std::string_view> track;
      return ParseMsidFields(v, &stream, &track);
    }
    case Known::kRid:
      return Check<Rid>(v);
    case Known::kRtcpFb: {
      std::optional<uint8_t> pt;
      std::string_view type, parameter;
      return ParseRtcpFbFields(v, &pt, &type, &parameter);
    }
    case Known::kRtpMap: {
      RtpMapFields f;
      return ParseRtpMapFields(v, f);
    }
    case Known::kSctpMap:
      return Check<SctpMap>(v);
    case Known::kSctpPort:
      return status_of(ParseSctpPort(v));
    case Known::kSetup:
      return status_of(ParseSetupRole(v));
    case Known::kSimulcast:
      return Check<Simulcast>(v);
    case Known::kSsrc: {
      uint32_t ssrc;
      std::string_view attribute;
      std::optional<std::string_view> attr_value;
      return ParseSsrcFields(v, &ssrc, &attribute, &attr_value);
    }
    case Known::kSsrcGroup:
      return Check<SsrcGroup>(v);
    case Known::kOther:
    case Known::kFlag:
      break;
  }
  return absl::OkStatus();
}

}  // namespace simrtc::sdp
